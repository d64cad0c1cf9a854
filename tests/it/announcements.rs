//! Announcements (issue 12, points 1, 2, 9): a moderator publishes news with an image through
//! the API; a Mastodon-shaped and a Lemmy-shaped follower and another Maillage instance (one
//! on SQLite, the other on PostgreSQL) each get the shape they read; a Mastodon reply and a
//! Lemmy comment (fixtures) become comments, a like is counted; the edit reaches them as an
//! `Update`, the deletion as a `Delete`, and the id then answers 410 with a `Tombstone`.
//! The moderators' form answers 422 beside the fields and stores nothing.

use crate::common;

use std::collections::HashMap;

use base64::Engine;
use common::{
    TestDb, TestInstance, call, client, eventually, fixture, get_html, lemmy, localise, peer::Peer, web::Browser,
};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A PNG of `w`×`h` (a photo straight from a phone is larger than what is kept).
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

async fn follow(peer: &Peer, m: &TestInstance) {
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    eventually(10, "Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;
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

fn inner_id(a: &Value) -> Option<&str> {
    a["object"]["object"]["id"].as_str().or_else(|| a["object"]["object"].as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_reach_each_program_and_their_answers_come_back() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = a.token(Role::Moderator).await;
    let mastodon = Peer::start_as("mastodon").await;
    let lemmy = Peer::start_as("lemmy").await;
    follow(&mastodon, &a).await;
    follow(&lemmy, &a).await;
    maillage::processing::follows::follow_remote(&b.data, "territoire", &a.territory()).await.expect("B follows A");
    eventually(15, "three followers of A", || async {
        let (_, f) = call(Method::GET, a.url("/api/v1/territories/territoire/followers"), Some(&modo), None).await;
        f.as_array().is_some_and(|f| f.len() == 3)
    })
    .await;

    // Bad input first: nothing stored, each field named.
    let (status, e) = call(
        Method::POST,
        a.url("/api/v1/announcements"),
        Some(&modo),
        Some(json!({"text": " ", "image_base64": base64::engine::general_purpose::STANDARD.encode(b"GIF89a no")})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields = e["fields"].to_string();
    for f in ["text", "image", "image_alt"] {
        assert!(fields.contains(f), "{f} in {e}");
    }
    let (status, _) = call(Method::POST, a.url("/api/v1/announcements"), None, Some(json!({"text": "x"}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let image = base64::engine::general_purpose::STANDARD.encode(png(2400, 1200));
    let body = json!({"title": "Marché de producteurs", "text": "Samedi, **marché** place de la mairie.",
        "link": "https://example.org/marche", "tags": ["circuit court"], "image_base64": image,
        "image_alt": "Des étals de légumes sous la halle"});
    let (status, created) = call(Method::POST, a.url("/api/v1/announcements"), Some(&modo), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let ap_id = created["ap_id"].as_str().expect("ap_id").to_string();
    assert_eq!(ap_id, a.url(&format!("/t/territoire/annonces/{id}")));

    // Mastodon: the territory's Announce of the id, then the Note it fetches, image attached.
    eventually(15, "Mastodon gets the Announce", || async {
        mastodon.received().iter().any(|x| x["type"] == "Announce" && x["object"] == ap_id.as_str())
    })
    .await;
    assert!(!mastodon.received().iter().any(|x| x["object"]["type"] == "Create"), "no Announce(Create) to Mastodon");
    let note = mastodon.fetch_json(&ap_id).await.expect("the Note");
    assert_eq!(note["type"], "Note");
    assert_eq!(note["attributedTo"], format!("{}/editorial", a.territory()));
    assert!(note["content"].as_str().expect("content").contains("<strong>marché</strong>"), "{note}");
    let doc = &note["attachment"][0];
    assert_eq!((doc["type"].as_str(), doc["mediaType"].as_str()), (Some("Document"), Some("image/jpeg")));
    assert_eq!(doc["name"], "Des étals de légumes sous la halle");
    assert_eq!((doc["width"].as_i64(), doc["height"].as_i64()), (Some(1600), Some(800)), "resized");
    assert_eq!(note["tag"][0]["type"], "Hashtag");
    assert_eq!(note["tag"][0]["name"], "#CircuitCourt");
    let res = client().get(doc["url"].as_str().expect("url")).send().await.expect("image");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(res.headers()["cache-control"].to_str().expect("cc").contains("immutable"));
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(&[0xff, 0xd8, 0xff]), "re-encoded as JPEG");

    // Lemmy: Announce(Create(Page)) with a title, accepted by Lemmy's checks.
    eventually(15, "Lemmy gets the post", || async {
        lemmy.received().iter().any(|x| x["type"] == "Announce" && inner_id(x) == Some(ap_id.as_str()))
    })
    .await;
    let received = lemmy.received();
    let announce = received.iter().find(|x| inner_id(x) == Some(ap_id.as_str())).expect("announce");
    assert_eq!(announce["object"]["object"]["type"], "Page");
    assert_eq!(announce["object"]["object"]["name"], "Marché de producteurs");
    assert_eq!(announce["object"]["object"]["attachment"][0]["href"], "https://example.org/marche");
    lemmy_accepts(&lemmy, announce).await.unwrap_or_else(|e| panic!("Lemmy refuses: {e}\n{announce}"));
    assert!(!received.iter().any(|x| x["type"] == "Announce" && x["object"] == ap_id.as_str()), "no bare Announce");

    // The pages: the territory's home, the list, the announcement, the feed.
    let home = get_html(&a.url("/t/territoire")).await;
    assert!(home.contains("Marché de producteurs") && home.contains("/t/territoire/annonces"), "home");
    let list = get_html(&a.url("/t/territoire/annonces")).await;
    assert!(list.contains("Des étals de légumes sous la halle"), "alt text on the list");
    let feed = client().get(a.url("/t/territoire/annonces.atom")).send().await.expect("atom");
    assert!(feed.headers()["content-type"].to_str().expect("ct").starts_with("application/atom+xml"));
    assert!(feed.text().await.expect("atom").contains(&ap_id));

    // A Mastodon reply and a Lemmy comment become comments; a like is counted.
    let reply = localise(&fixture("mastodon/reply_to_announcement.json"), &mastodon, &a, &ap_id);
    assert_eq!(mastodon.post_signed(&a.url("/t/territoire/inbox"), &reply).await, StatusCode::ACCEPTED);
    let comment = localise(&fixture("lemmy/create_comment_on_announcement.json"), &lemmy, &a, &ap_id);
    assert_eq!(lemmy.post_signed(&a.url("/inbox"), &comment).await, StatusCode::ACCEPTED);
    let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": mastodon.new_id(), "type": "Like",
        "actor": mastodon.actor_id(), "object": ap_id});
    assert_eq!(mastodon.post_signed(&a.url("/t/territoire/inbox"), &like.to_string()).await, StatusCode::ACCEPTED);
    // The same like again: still one.
    assert_eq!(mastodon.post_signed(&a.url("/t/territoire/inbox"), &like.to_string()).await, StatusCode::ACCEPTED);
    let page = get_html(&ap_id).await;
    assert!(page.contains("Super, on passera au marché samedi !"), "Mastodon reply shown");
    assert!(page.contains("On y sera avec les paniers !"), "Lemmy comment shown");
    assert!(!page.contains("alert(1)"), "remote HTML sanitised");
    assert!(page.contains("<strong id=\"likes\">1</strong>"), "like counted once");
    let (_, detail) = call(Method::GET, a.url(&format!("/api/v1/announcements/{id}")), None, None).await;
    assert_eq!((detail["likes"].as_i64(), detail["comments"].as_i64()), (Some(1), Some(2)), "{detail}");
    // The territory relays the Lemmy comment to Lemmy as Lemmy reads it.
    eventually(15, "the comment relayed to Lemmy", || async {
        lemmy.received().iter().any(|x| {
            x["type"] == "Announce"
                && x["object"]["type"] == "Create"
                && x["object"]["object"]["id"].as_str().is_some_and(|i| i.ends_with("/comment/73544"))
        })
    })
    .await;

    // A moderator hides the Lemmy comment: gone from the page, its Announce undone.
    a.account("modo@example.org", "un mot de passe assez long", Role::Moderator).await;
    let mut browser = Browser::new(&a.url("/"));
    browser.login("modo@example.org", "un mot de passe assez long").await;
    let own = browser.get(&format!("/t/territoire/annonces/{id}")).await;
    let actions: Vec<&str> = own.body.split("action=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    let hide = actions.iter().filter(|p| p.contains("/commentaires/")).nth(1).expect("the Lemmy comment's form");
    let hidden = browser.post(hide, &[("csrf", &own.csrf()), ("action", "hide")]).await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    assert!(!get_html(&ap_id).await.contains("On y sera avec les paniers !"), "hidden from the public");
    eventually(15, "Mastodon gets the Undo of the comment's Announce", || async {
        mastodon.received().iter().any(|x| {
            x["type"] == "Undo" && x["object"]["object"].as_str().is_some_and(|o| o.ends_with("/comment/73544"))
        })
    })
    .await;

    // The Mastodon reply's author deletes it: gone, and followers get the Undo of its Announce
    // (as for a practice's comments: one rule for every comment).
    let note_id =
        serde_json::from_str::<Value>(&reply).expect("json")["object"]["id"].as_str().expect("id").to_string();
    let delete = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": mastodon.new_id(), "type": "Delete",
        "actor": mastodon.actor_id(), "object": {"id": note_id, "type": "Tombstone"}});
    assert_eq!(mastodon.post_signed(&a.url("/t/territoire/inbox"), &delete.to_string()).await, StatusCode::ACCEPTED);
    assert!(!get_html(&ap_id).await.contains("on passera au marché"), "deleted by its author");
    eventually(15, "followers get the Undo of the deleted reply's Announce", || async {
        mastodon.received().iter().any(|x| x["type"] == "Undo" && x["object"]["object"] == note_id.as_str())
    })
    .await;

    // Edit → Update (from the author, to Mastodon; announced to Lemmy).
    let (status, _) = call(
        Method::PATCH,
        a.url(&format!("/api/v1/announcements/{id}")),
        Some(&modo),
        Some(json!({"text": "Samedi **et dimanche**, marché."})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    eventually(15, "Mastodon gets the Update", || async {
        mastodon.received().iter().any(|x| x["type"] == "Update" && x["object"]["id"] == ap_id.as_str())
    })
    .await;
    let update = mastodon.received().into_iter().find(|x| x["type"] == "Update").expect("update");
    assert!(update["object"]["content"].as_str().expect("content").contains("et dimanche"));
    assert_eq!(update["object"]["attachment"][0]["name"], "Des étals de légumes sous la halle", "image kept");
    eventually(15, "Lemmy gets the Update", || async {
        lemmy.received().iter().any(|x| x["object"]["type"] == "Update" && inner_id(x) == Some(ap_id.as_str()))
    })
    .await;

    // Delete → Delete everywhere; the id is then a Tombstone (410).
    let (status, _) = call(Method::DELETE, a.url(&format!("/api/v1/announcements/{id}")), Some(&modo), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    eventually(15, "Mastodon gets the Delete", || async {
        mastodon.received().iter().any(|x| x["type"] == "Delete" && x["object"]["id"] == ap_id.as_str())
    })
    .await;
    eventually(15, "Lemmy gets the Delete", || async {
        lemmy.received().iter().any(|x| x["object"]["type"] == "Delete" && inner_id(x) == Some(ap_id.as_str()))
    })
    .await;
    let res = client().get(&ap_id).header("Accept", "application/activity+json").send().await.expect("GET");
    assert_eq!(res.status(), StatusCode::GONE);
    let t: Value = res.json().await.expect("json");
    assert_eq!(t["type"], "Tombstone");
    assert!(!get_html(&a.url("/t/territoire/annonces")).await.contains("Marché de producteurs"));

    // The other Maillage instance never took the announcement for a practice.
    let (_, practices) = call(Method::GET, b.url("/api/v1/practices?q=march%C3%A9"), None, None).await;
    assert_eq!(practices.as_array().map(Vec::len), Some(0), "{practices}");

    mastodon.stop().await;
    lemmy.stop().await;
    a.stop().await;
    b.stop().await;
}

/// The moderators' form over HTTP (a logged-in session): 422 with each message beside its
/// field (missing text, a file that is not an image, alt text missing), nothing stored; then a
/// valid post with its image.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_answers_422_beside_the_fields() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        m.account("modo@example.org", "un mot de passe assez long", Role::Moderator).await;
        let mut browser = Browser::new(&m.url("/"));
        browser.login("modo@example.org", "un mot de passe assez long").await;
        let form = browser.get("/t/territoire/annonces/nouvelle").await;
        assert_eq!(form.status, StatusCode::OK, "[{label}]");
        assert!(form.body.contains("enctype=\"multipart/form-data\""), "[{label}]");
        let csrf = form.csrf();
        let path = "/t/territoire/annonces/nouvelle";
        let bad = browser
            .post_form_data(path, &[("csrf", &csrf), ("text", "")], Some(("image", b"<svg/>".to_vec(), "photo.png")))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}]");
        for id in ["text-error", "image-error", "image_alt-error"] {
            assert!(bad.body.contains(&format!("id=\"{id}\"")), "[{label}] {id}");
        }
        let (_, list) = call(Method::GET, m.url("/api/v1/announcements"), None, None).await;
        assert_eq!(list.as_array().map(Vec::len), Some(0), "[{label}] nothing stored");
        // A forged request without the token: refused.
        let forged = browser.post_form_data(path, &[("text", "x")], None).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "[{label}]");
        let fields = [
            ("csrf", csrf.as_str()),
            ("text", "Réunion **mardi**."),
            ("status", "published"),
            ("image_alt", "Une salle"),
        ];
        let good = browser.post_form_data(path, &fields, Some(("image", png(40, 30), "salle.png"))).await;
        assert_eq!(good.status, StatusCode::SEE_OTHER, "[{label}] {}", good.body);
        let (_, list) = call(Method::GET, m.url("/api/v1/announcements"), None, None).await;
        assert_eq!(list[0]["image_alt"], "Une salle", "[{label}] {list}");
        let page = browser.get(good.location.as_deref().expect("location")).await;
        assert!(page.body.contains("<strong>mardi</strong>"), "[{label}]");
        m.stop().await;
    }
}
