//! A Lemmy-shaped peer (NodeInfo `lemmy`, the federation crate's signatures) follows a territory
//! and sees its practices as posts of a community, checked as Lemmy 0.19 checks them
//! (tests/it/common/lemmy.rs): delivered as the group's `Announce(Create(Article))` by an author that
//! is a `Service` on our host, earlier ones included through the outbox Lemmy reads on first
//! fetch; its comments and votes come back and show on the practice's page. Lemmy's own shapes
//! (tests/fixtures/lemmy) pass the same checks, and a Lemmy community's post reaches a territory
//! that follows it (`Announce(Create(Page))` from the community).

use crate::common;

use std::collections::HashMap;

use common::{TestDb, TestInstance, call, client, eventually, get_html, lemmy, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/lemmy/{name}", env!("CARGO_MANIFEST_DIR")))
        .expect("fixture");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn lemmy_posts_pass_lemmys_checks_and_group_authors_do_not() {
    let docs: HashMap<String, Value> = [fixture("group.json"), fixture("person.json")]
        .into_iter()
        .map(|d| (d["id"].as_str().expect("id").to_string(), d))
        .collect();
    let announce = fixture("announce_create_page.json");
    lemmy::verify_announce(&announce, &docs).expect("Lemmy's own Announce(Create(Page))");
    maillage::federation::protocol::activities::parse_envelope(announce.to_string().as_bytes()).expect("envelope");
    // What Maillage sent before: the territory as author. Lemmy refuses it.
    let mut by_group = announce.clone();
    by_group["object"]["actor"] = json!("https://lemmy.example/c/jardins");
    by_group["object"]["object"]["attributedTo"] = json!("https://lemmy.example/c/jardins");
    let e = lemmy::verify_announce(&by_group, &docs).expect_err("a Group author");
    assert!(e.contains("unknown variant `Group`"), "{e}");
    let mut bare = announce.clone();
    bare["object"] = json!("https://lemmy.example/post/4412");
    assert!(lemmy::verify_announce(&bare, &docs).is_err(), "a bare Announce(id)");
    let mut property = announce;
    property["object"]["object"]["attachment"] = json!([{"type": "PropertyValue", "name": "a", "value": "b"}]);
    assert!(lemmy::verify_announce(&property, &docs).is_err(), "PropertyValue attachments break a post");
}

/// Fetches (signed, by the peer) every actor an Announce names, then runs Lemmy's checks.
async fn lemmy_accepts(peer: &Peer, announce: &Value) -> Result<(), String> {
    let mut docs = HashMap::new();
    for id in lemmy::ids_to_fetch(announce) {
        let d = peer.fetch_json(&id).await.map_err(|e| format!("{id}: {e}"))?;
        docs.insert(id, d);
    }
    lemmy::verify_announce(announce, &docs)
}

async fn publish(m: &TestInstance, token: &str, body: Value) -> (i64, String) {
    let (status, created) = call(Method::POST, m.url("/api/v1/practices"), Some(token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (status, _) = call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(token), None).await;
    assert!(status.is_success(), "{status}");
    let (_, p) = call(Method::GET, m.url(&format!("/api/v1/practices/{id}")), Some(token), None).await;
    (id, p["ap_id"].as_str().expect("ap_id").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lemmy_community_follower_sees_practices_as_posts_and_answers() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let (_, earlier) = publish(
            &m,
            &modo,
            json!({"title": "Recyclerie du bourg", "summary": "Une pratique d'avant l'abonnement.", "tags": ["réemploi"]}),
        )
        .await;

        let lemmy = Peer::start_as("lemmy").await;
        let group = lemmy.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
        lemmy.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
        eventually(10, "Accept", || async { lemmy.received().iter().any(|a| a["type"] == "Accept") }).await;

        // Lemmy's library fetches the instance at the origin: no redirection to a relative URL.
        let res = client().get(m.url("/")).header("Accept", "application/activity+json").send().await.expect("GET /");
        assert_eq!(res.status(), StatusCode::OK, "[{label}] GET / as ActivityPub");
        let instance: Value = res.json().await.expect("json");
        assert_eq!(instance["type"], "Application", "[{label}]");

        // First fetch of the community: its outbox, inline, newest first, earlier practice included.
        let outbox = lemmy.fetch_json(group.json["outbox"].as_str().expect("outbox")).await.expect("outbox");
        let items = outbox["orderedItems"].as_array().expect("orderedItems inline");
        assert!(!items.is_empty() && items.len() <= 50, "[{label}] {outbox}");
        assert!(outbox["first"].is_string(), "[{label}] `first` kept for Gancio and Mastodon");
        let item = items.iter().find(|i| i["object"]["object"]["id"] == earlier.as_str()).expect("earlier practice");
        lemmy_accepts(&lemmy, item).await.unwrap_or_else(|e| panic!("[{label}] outbox item refused: {e}\n{item}"));

        // A new practice arrives as a post of the community, and only in the shape Lemmy reads.
        let (id, ap_id) = publish(
            &m,
            &modo,
            json!({"title": "Épicerie en circuit court", "summary": "Douze fermes, une épicerie.",
                   "body": "Les **circuits courts**.", "tags": ["circuit court"]}),
        )
        .await;
        eventually(10, "the Announce in Lemmy's inbox", || async {
            lemmy.received().iter().any(|a| a["type"] == "Announce" && a["object"]["object"]["id"] == ap_id.as_str())
        })
        .await;
        let received = lemmy.received();
        let announce = received.iter().find(|a| a["object"]["object"]["id"] == ap_id.as_str()).expect("announce");
        lemmy_accepts(&lemmy, announce).await.unwrap_or_else(|e| panic!("[{label}] refused: {e}\n{announce}"));
        let post = &announce["object"]["object"];
        assert_eq!(post["name"], "Épicerie en circuit court");
        assert_eq!(post["source"]["content"], "Les **circuits courts**.");
        assert!(announce["published"].is_string(), "[{label}] Announce without published");
        assert!(
            !received.iter().any(|a| a["type"] == "Announce" && a["object"].is_string()),
            "[{label}] Lemmy refuses a bare Announce(id): none sent to it"
        );
        assert!(lemmy.refused().is_empty(), "[{label}] {:?}", lemmy.refused());

        // Its comment and its vote come back: shown and counted on the practice's page.
        let note_id = lemmy.base.join("comment/73120").expect("url");
        let comment = json!({
            "@context": "https://www.w3.org/ns/activitystreams", "id": lemmy.new_id(), "type": "Create",
            "actor": lemmy.actor_id(), "to": [lemmy::PUBLIC], "cc": [m.territory()], "audience": m.territory(),
            "object": {"type": "Note", "id": note_id, "attributedTo": lemmy.actor_id(), "to": [lemmy::PUBLIC],
                "cc": [m.territory()], "content": "<p>Combien de fermes en hiver ?</p>", "inReplyTo": ap_id,
                "mediaType": "text/html", "audience": m.territory(), "published": "2026-11-20T10:05:00.123456+00:00"}
        });
        assert_eq!(lemmy.post_signed(group.inbox.as_str(), &comment.to_string()).await, StatusCode::ACCEPTED);
        let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": lemmy.new_id(), "type": "Like",
            "actor": lemmy.actor_id(), "object": ap_id, "audience": m.territory()});
        assert_eq!(lemmy.post_signed(group.inbox.as_str(), &like.to_string()).await, StatusCode::ACCEPTED);
        let page = get_html(&m.url(&format!("/pratiques/{id}"))).await;
        assert!(page.contains("Combien de fermes en hiver ?"), "[{label}] comment shown");
        assert!(page.contains("1 mention "), "[{label}] vote counted");
        // The community redistributes the comment to its followers as Lemmy reads it: its
        // `Announce` of the author's `Create`, embedded (a bare Announce(id) would be refused).
        eventually(10, "the Announce(Create(Note)) of the comment", || async {
            lemmy.received().iter().any(|a| a["type"] == "Announce" && a["object"]["object"]["id"] == note_id.as_str())
        })
        .await;
        let received = lemmy.received();
        let relayed = received.iter().find(|a| a["object"]["object"]["id"] == note_id.as_str()).expect("relayed");
        assert_eq!(relayed["actor"], m.territory(), "[{label}] {relayed}");
        assert_eq!(relayed["object"]["type"], "Create");
        assert_eq!(relayed["object"]["actor"], lemmy.actor_id().as_str());
        assert!(relayed["object"].get("@context").is_none());
        assert!(
            !received.iter().any(|a| a["type"] == "Announce" && a["object"] == note_id.as_str()),
            "[{label}] no bare Announce(id) to Lemmy"
        );

        lemmy.stop().await;
        m.stop().await;
    }
}

/// A fixture with the Lemmy server's host replaced by the peer's, and its key.
fn localised(name: &str, lemmy: &Peer) -> Value {
    let text =
        serde_json::to_string(&fixture(name)).expect("json").replace("https://lemmy.example/", lemmy.base.as_str());
    let mut v: Value = serde_json::from_str(&text).expect("json");
    if v.get("publicKey").is_some() {
        v["publicKey"]["publicKeyPem"] = json!(lemmy.public_key_pem());
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_territory_following_a_lemmy_community_keeps_its_posts() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let lemmy = Peer::start_as("lemmy").await;
    let group = localised("group.json", &lemmy);
    lemmy.serve("/c/jardins", group.clone());
    lemmy.serve("/u/bob", localised("person.json", &lemmy));
    let community = group["id"].as_str().expect("id").to_string();
    maillage::processing::follows::follow_remote(&m.data, "territoire", &community).await.expect("follow");
    // The community's Announce(Create(Page)), signed with the community's key, as Lemmy sends it.
    let announce = localised("announce_create_page.json", &lemmy);
    let key_id = format!("{community}#main-key");
    let inbox = m.url("/t/territoire/inbox");
    assert_eq!(lemmy.post_signed_as(&key_id, &inbox, &announce.to_string()).await, StatusCode::ACCEPTED);
    let (_, found) = call(Method::GET, m.url("/api/v1/practices?q=parcelles"), None, None).await;
    assert_eq!(found[0]["title"], "Un jardin partagé au pied des immeubles", "{found}");
    assert_eq!(found[0]["origin_actor"], community.as_str(), "kept under the community");
    // Another server's post, announced by the community: refused, nothing stored.
    let mut forged = announce.clone();
    forged["id"] = json!(lemmy.base.join("activities/announce/forged").expect("url"));
    forged["object"]["actor"] = json!("https://ailleurs.example/u/mallory");
    assert_eq!(lemmy.post_signed_as(&key_id, &inbox, &forged.to_string()).await, StatusCode::FORBIDDEN);
    lemmy.stop().await;
    m.stop().await;
}
