//! How a practice reads in each program's timeline (issue 16): a Mastodon-shaped and a
//! GoToSocial-shaped follower (NodeInfo `mastodon`, `gotosocial`) get the territory's
//! `Announce` of the practice's id and fetch it signed: Mastodon gets the `Article` (it shows
//! `name`, `summary` and a link), GoToSocial the same practice without `summary` (which it
//! would turn into a content warning) and with title, summary, link and hashtags in `content`;
//! another Maillage (unsigned here) keeps every structured field. Edits come from the author.
//! Also: `published` everywhere, `replies` with an inline first page, the `featured` collection
//! that moderators fill by pinning, and free-text tags that become hashtags.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_json, peer::Peer, web::Browser};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PW: &str = "un mot de passe assez long";

async fn follow(peer: &Peer, m: &TestInstance) {
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    eventually(10, "Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;
}

fn announce_of<'a>(received: &'a [Value], ap_id: &str) -> Option<&'a Value> {
    received.iter().find(|a| a["type"] == "Announce" && a["object"] == ap_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_timeline_gets_title_summary_and_link() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let mastodon = Peer::start_as("mastodon").await;
        let gts = Peer::start_as("gotosocial").await;
        follow(&mastodon, &m).await;
        follow(&gts, &m).await;

        // Free text becomes hashtags rather than being refused.
        let body = json!({"title": "Épicerie en circuit court", "summary": "Douze fermes, une épicerie, zéro intermédiaire.",
            "body": "Les circuits courts rapprochent producteurs et habitants.", "domains": ["alimentation"],
            "tags": ["circuit court", "circuit-court", "économie sociale"], "commune": "Redon"});
        let (status, created) = call(Method::POST, m.url("/api/v1/practices"), Some(&modo), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "[{label}] {created}");
        let id = created["id"].as_i64().expect("id");
        call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;
        let (_, row) = call(Method::GET, m.url(&format!("/api/v1/practices/{id}")), Some(&modo), None).await;
        assert_eq!(row["tags"], "CircuitCourt,ÉconomieSociale", "[{label}]");
        let ap_id = row["ap_id"].as_str().expect("ap_id").to_string();
        let page = m.url(&format!("/pratiques/{id}"));

        for peer in [&mastodon, &gts] {
            eventually(10, "the Announce of the practice", || async {
                announce_of(&peer.received(), &ap_id).is_some()
            })
            .await;
            let received = peer.received();
            let announce = announce_of(&received, &ap_id).expect("announce");
            assert!(announce["published"].is_string(), "[{label}] {announce}");
            assert_eq!(announce["actor"], m.territory());
            assert!(
                !received.iter().any(|a| a["object"]["type"] == "Create"),
                "[{label}] Mastodon-API servers cannot read Announce(Create)"
            );
        }
        // Mastodon: the Article, shown as name, summary and link.
        let article = mastodon.fetch_json(&ap_id).await.expect("fetch");
        assert_eq!(article["type"], "Article");
        assert_eq!(article["name"], "Épicerie en circuit court");
        assert_eq!(article["summary"], "Douze fermes, une épicerie, zéro intermédiaire.");
        assert_eq!(article["attributedTo"], format!("{}/editorial", m.territory()));
        let tags = article["tag"].as_array().expect("tags");
        assert_eq!(tags[0]["name"], "#CircuitCourt", "[{label}]");
        assert_eq!(tags[0]["href"], m.url("/tags/circuitcourt"));
        assert_eq!(tags[1]["href"], m.url("/tags/%C3%A9conomiesociale"));
        let author = mastodon.fetch(article["attributedTo"].as_str().expect("author")).await.expect("author");
        assert_eq!(author.json["type"], "Service", "[{label}]");
        // GoToSocial: no content warning, the title kept, a link to the page.
        let note = gts.fetch_json(&ap_id).await.expect("fetch");
        assert!(note.get("summary").is_none(), "[{label}] GoToSocial makes `summary` a content warning: {note}");
        let content = note["content"].as_str().expect("content");
        for expected in ["Épicerie en circuit court", "Douze fermes, une épicerie, zéro intermédiaire.", page.as_str()]
        {
            assert!(content.contains(expected), "[{label}] {expected} missing in {content}");
        }
        assert!(content.contains(">#<span>CircuitCourt</span></a>"), "{content}");
        assert_eq!(note["id"], ap_id.as_str(), "the same object");
        // Another Maillage: every structured field.
        let full = get_json(&ap_id).await;
        assert_eq!(full["cces:domains"], json!(["alimentation"]));
        assert_eq!(full["cces:commune"], "Redon");
        assert_eq!(full["audience"], m.territory());
        // `replies` as Mastodon serves it: its first page inline.
        assert_eq!(full["replies"]["first"]["type"], "CollectionPage", "[{label}] {}", full["replies"]);
        assert_eq!(full["replies"]["first"]["partOf"], format!("{ap_id}/replies"));
        assert!(full["replies"]["first"]["items"].is_array());
        let replies = get_json(&format!("{ap_id}/replies")).await;
        assert_eq!(replies["first"]["type"], "CollectionPage");

        // An edit: from the author (the only one Mastodon and GoToSocial take it from), each in
        // its shape, verified by the peers' own signature check.
        let patch = json!({"title": "Épicerie solidaire"});
        call(Method::PATCH, m.url(&format!("/api/v1/practices/{id}")), Some(&modo), Some(patch)).await;
        for peer in [&mastodon, &gts] {
            eventually(10, "the Update", || async { peer.received().iter().any(|a| a["type"] == "Update") }).await;
        }
        let update = |peer: &Peer| peer.received().into_iter().find(|a| a["type"] == "Update").expect("update");
        let (u1, u2) = (update(&mastodon), update(&gts));
        assert_eq!(u1["actor"], format!("{}/editorial", m.territory()), "[{label}] {u1}");
        assert_eq!(u1["object"]["summary"], "Douze fermes, une épicerie, zéro intermédiaire.");
        assert!(u2["object"].get("summary").is_none(), "[{label}] {u2}");
        assert!(u2["object"]["content"].as_str().unwrap_or_default().contains("Épicerie solidaire"));
        assert!(mastodon.refused().is_empty() && gts.refused().is_empty(), "{:?}", gts.refused());
        for a in mastodon.received().iter().chain(gts.received().iter()) {
            assert!(a["published"].is_string(), "[{label}] every activity says when: {a}");
        }

        mastodon.stop().await;
        gts.stop().await;
        m.stop().await;
    }
}

/// Pinning: the `featured` collection carries, per pinned practice, the territory's own `Note`
/// (Mastodon and GoToSocial show on a profile only pins the account wrote) and the `Article`
/// (Lemmy's featured posts); Mastodon-API followers get `Add`, then `Remove` and `Delete`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_pin_practices_to_the_featured_collection() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let modo = m.token(Role::Moderator).await;
    let mastodon = Peer::start_as("mastodon").await;
    let lemmy = Peer::start_as("lemmy").await;
    follow(&mastodon, &m).await;
    follow(&lemmy, &m).await;
    let body =
        json!({"title": "Jardin partagé", "summary": "Quarante parcelles au pied des immeubles.", "tags": ["jardin"]});
    let (_, created) = call(Method::POST, m.url("/api/v1/practices"), Some(&modo), Some(body)).await;
    let id = created["id"].as_i64().expect("id");
    call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;

    let actor = get_json(&m.territory()).await;
    let featured = actor["featured"].as_str().expect("featured on the actor").to_string();
    assert_eq!(get_json(&featured).await["totalItems"], 0);
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    let page = b.get(&format!("/pratiques/{id}")).await;
    assert!(page.body.contains("value=\"pin\""), "a pin button for moderators");
    let csrf = page.csrf();
    let done = b.post(&format!("/pratiques/{id}/statut"), &[("csrf", &csrf), ("action", "pin")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let collection = get_json(&featured).await;
    assert_eq!(collection["type"], "OrderedCollection");
    assert_eq!(collection["totalItems"], 2, "{collection}");
    let note = &collection["orderedItems"][0];
    assert_eq!(note["type"], "Note", "{collection}");
    assert_eq!(note["attributedTo"], m.territory(), "the territory wrote it: {note}");
    let content = note["content"].as_str().expect("content");
    assert!(content.contains("Jardin partagé") && content.contains(&m.url(&format!("/pratiques/{id}"))), "{content}");
    assert!(note["published"].is_string());
    let article = &collection["orderedItems"][1];
    assert_eq!(article["type"], "Article");
    assert_eq!(article["name"], "Jardin partagé", "{collection}");
    assert!(article["published"].is_string());
    let pin_id = note["id"].as_str().expect("pin id").to_string();
    assert!(pin_id.starts_with(&format!("{}/pins/{id}-", m.territory())), "{pin_id}");
    assert_eq!(get_json(&pin_id).await["attributedTo"], m.territory(), "the pin is served at its id");

    // Mastodon learns of the pin as its own accounts tell it; Lemmy (which refuses `Add` from a
    // group and reads the collection itself) is not sent it.
    eventually(10, "the Add", || async { mastodon.received().iter().any(|a| a["type"] == "Add") }).await;
    let add = mastodon.received().into_iter().find(|a| a["type"] == "Add").expect("add");
    assert_eq!(add["object"], pin_id.as_str(), "{add}");
    assert_eq!(add["target"], featured.as_str());
    assert_eq!(add["actor"], m.territory());
    let audit: Vec<String> = sqlx::query_scalar("SELECT action || ' ' || detail FROM audit_log")
        .fetch_all(m.data.store.pool())
        .await
        .expect("audit");
    assert!(audit.contains(&format!("practice.pin practice {id}")), "{audit:?}");
    // Visitors cannot pin; unpinning empties the collection, and Mastodon is told.
    let mut visitor = Browser::new(&m.url(""));
    let refused = visitor.post(&format!("/pratiques/{id}/statut"), &[("csrf", "x"), ("action", "unpin")]).await;
    assert!(refused.status.is_client_error() || refused.status == StatusCode::SEE_OTHER);
    assert_eq!(get_json(&featured).await["totalItems"], 2);
    let csrf = b.get(&format!("/pratiques/{id}")).await.csrf();
    b.post(&format!("/pratiques/{id}/statut"), &[("csrf", &csrf), ("action", "unpin")]).await;
    assert_eq!(get_json(&featured).await["totalItems"], 0);
    eventually(10, "Remove and Delete", || async {
        let r = mastodon.received();
        r.iter().any(|a| a["type"] == "Remove") && r.iter().any(|a| a["type"] == "Delete")
    })
    .await;
    let received = mastodon.received();
    let remove = received.iter().find(|a| a["type"] == "Remove").expect("remove");
    assert_eq!(remove["object"], pin_id.as_str());
    let delete = received.iter().find(|a| a["type"] == "Delete").expect("delete");
    assert_eq!(delete["object"]["id"], pin_id.as_str());
    let gone = reqwest::Client::new()
        .get(&pin_id)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .expect("get pin");
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert!(mastodon.refused().is_empty(), "{:?}", mastodon.refused());
    assert!(
        !lemmy.received().iter().any(|a| ["Add", "Remove"].contains(&a["type"].as_str().unwrap_or_default())),
        "{:?}",
        lemmy.received()
    );
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_typed_in_words_is_found_however_it_is_written() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = m.token(Role::Moderator).await;
    let body = json!({"title": "Jardin", "summary": "Un jardin.", "tags": ["jardin partagé", "Écologie"]});
    let (status, created) = call(Method::POST, m.url("/api/v1/practices"), Some(&modo), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;
    for tag in
        ["jardin%20partag%C3%A9", "%23JardinPartag%C3%A9", "jardinpartag%C3%A9", "%C3%A9cologie", "%C3%89cologie"]
    {
        let (_, found) = call(Method::GET, m.url(&format!("/api/v1/practices?tag={tag}")), None, None).await;
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{tag}: {found}");
    }
    m.stop().await;
}
