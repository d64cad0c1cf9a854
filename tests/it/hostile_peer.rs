//! A hostile peer against the inbox (issue 10), over real HTTP with signatures checked: a
//! delivery signed for another server is not replayable here; non-web ids and links are
//! refused and never stored; followers-only and direct replies never become comments; a flood
//! of comments or likes from one actor is answered 429 and stores nothing.

use crate::common;

use common::{TestDb, TestInstance, client, eventually, fixture, get_html, localise, peer::Peer};
use maillage::federation::{keys::Signer, signatures::SignatureFormat};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn count(m: &TestInstance, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(m.data.store.pool()).await.expect("count")
}

/// A published practice of the default territory: (local id, ActivityPub id).
async fn practice(m: &TestInstance) -> (maillage::domain::ids::PracticeId, String) {
    common::published_practice(m, "Jardin partagé", "Un jardin cultivé par le quartier.").await
}

/// POSTs `body` to `inbox`, signed by `peer` in `format` for the URL `signed_for` (normally
/// the inbox itself); returns the whole response.
async fn send(peer: &Peer, inbox: &str, signed_for: &str, body: &str, format: SignatureFormat) -> reqwest::Response {
    let signer = Signer::from_pem(&peer.private_key_pem()).expect("signer");
    let key_id = format!("{}#main-key", peer.actor_id());
    let target = url::Url::parse(signed_for).expect("url");
    let mut req = client().post(inbox).header("Content-Type", "application/activity+json");
    for (k, v) in format.sign(&http::Method::POST, &target, Some(body.as_bytes()), &key_id, &signer).expect("sign") {
        req = req.header(k, v);
    }
    req.body(body.to_string()).send().await.expect("post")
}

/// A public reply by `peer` to `practice`, with a fresh id.
fn reply(peer: &Peer, practice: &str, text: &str) -> Value {
    let note = peer.new_id();
    json!({
        "@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
        "id": format!("{note}/activity"), "actor": peer.actor_id(),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": note, "type": "Note", "attributedTo": peer.actor_id(), "inReplyTo": practice,
            "content": format!("<p>{text}</p>"), "to": ["https://www.w3.org/ns/activitystreams#Public"]
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_signed_for_another_server_is_not_replayable_here() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let peer = Peer::start().await;
        let inbox = m.url("/t/territoire/inbox");
        let follow = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": peer.new_id(),
            "type": "Follow", "actor": peer.actor_id(), "object": m.territory()})
        .to_string();
        for format in [SignatureFormat::Cavage, SignatureFormat::Rfc9421] {
            // Signed (Host / @authority included) for another server's inbox at the same path,
            // then replayed to us with its Host header intact.
            for elsewhere in ["http://replay.example/t/territoire/inbox", "http://localhost:1/t/territoire/inbox"] {
                let res = send(&peer, &inbox, elsewhere, &follow, format).await;
                assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "[{label}] {format:?} signed for {elsewhere}");
            }
        }
        assert_eq!(count(&m, "received_activities").await, 0, "[{label}]");
        assert_eq!(count(&m, "followers").await, 0, "[{label}]");
        // The same, signed for us, is fine.
        for format in [SignatureFormat::Cavage, SignatureFormat::Rfc9421] {
            let res = send(&peer, &inbox, &inbox, &follow, format).await;
            assert_eq!(res.status(), StatusCode::ACCEPTED, "[{label}] {format:?} signed for us");
        }
        assert_eq!(count(&m, "followers").await, 1, "[{label}]");
        peer.stop().await;
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_web_ids_and_links_are_refused_and_never_stored() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let (id, practice) = practice(&m).await;
        let peer = Peer::start().await;
        let inbox = m.url("/inbox");
        let js_note = format!("javascript://{}/%0Aalert(document.cookie)", peer.authority);
        let cases: Vec<(&str, Value)> = vec![
            ("Note id", {
                let mut r = reply(&peer, &practice, "note javascript");
                r["object"]["id"] = json!(js_note);
                r
            }),
            ("activity id", {
                let mut r = reply(&peer, &practice, "activité javascript");
                r["id"] = json!(format!("javascript://{}/activity", peer.authority));
                r
            }),
            ("Note url", {
                let mut r = reply(&peer, &practice, "url javascript");
                r["object"]["url"] = json!("javascript:alert(1)");
                r
            }),
            ("Note url as a Link", {
                let mut r = reply(&peer, &practice, "lien data");
                r["object"]["url"] = json!([{"type": "Link", "href": "data:text/html,<script>alert(1)</script>"}]);
                r
            }),
            (
                "Announce object",
                json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Announce",
                "id": peer.new_id(), "actor": peer.actor_id(), "object": js_note}),
            ),
        ];
        for (what, activity) in cases {
            let status = peer.post_signed(&inbox, &activity.to_string()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] {what}");
        }
        assert!(m.data.store.comments(id, true).await.expect("comments").is_empty(), "[{label}] nothing stored");
        assert_eq!(count(&m, "received_activities").await, 0, "[{label}]");
        let page = get_html(&m.url(&format!("/pratiques/{id}"))).await;
        assert!(!page.contains("javascript:") && !page.contains("data:text"), "[{label}] no such link shown");
        // A plain https-or-loopback reply still goes through.
        let ok = reply(&peer, &practice, "Une vraie réponse");
        assert_eq!(peer.post_signed(&inbox, &ok.to_string()).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 1, "[{label}]");
        peer.stop().await;
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_only_and_direct_replies_never_become_comments() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let follower = Peer::start().await;
        let group = follower.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
        follower.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
        let (id, practice) = practice(&m).await;
        let mastodon = Peer::start().await;
        let inbox = m.url("/inbox");
        for f in ["mastodon/create_reply_followers_only.json", "mastodon/create_reply_direct.json"] {
            let body = localise(&fixture(f), &mastodon, &m, &practice);
            assert_eq!(mastodon.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "[{label}] {f}");
        }
        assert!(m.data.store.comments(id, true).await.expect("comments").is_empty(), "[{label}] not comments");
        let page = get_html(&m.url(&format!("/pratiques/{id}"))).await;
        assert!(!page.contains("abonnés seulement") && !page.contains("06 12 34 56 78"), "[{label}] not shown");
        let article = common::get_json(&practice).await;
        // Embedded with its first page (as Mastodon serves it), and served at its own id.
        let replies_id = article["replies"]["id"].as_str().expect("replies");
        assert_eq!(article["replies"]["totalItems"], 0, "[{label}] not listed in the Article");
        let replies = common::get_json(replies_id).await;
        assert_eq!(replies["totalItems"], 0, "[{label}] not listed: {replies}");
        // The public reply is announced, and it alone.
        let body = localise(&fixture("mastodon/create_reply.json"), &mastodon, &m, &practice);
        assert_eq!(mastodon.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "[{label}]");
        // Comments are the Announces of the replier's statuses (the territory also announces
        // its own publication: not a comment).
        let comments = || -> Vec<Value> {
            follower
                .received()
                .into_iter()
                .filter(|a| a["type"] == "Announce")
                .map(|a| a["object"].clone())
                .filter(|o| o.as_str().is_some_and(|o| o.contains("/statuses/")))
                .collect()
        };
        eventually(10, "the Announce of the public reply", || async { !comments().is_empty() }).await;
        let announced = comments();
        assert_eq!(announced, vec![json!(format!("{}/statuses/113502004321987654", mastodon.actor_id()))]);
        for p in [follower, mastodon] {
            p.stop().await;
        }
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_actor_is_answered_429_and_stores_nothing() {
    let m = TestInstance::start_with(TestDb::prefer_postgres().await, |c| c.inbox_rate_per_minute = 3).await;
    let (id, practice) = practice(&m).await;
    let flooder = Peer::start().await;
    let inbox = m.url("/inbox");
    let count_announces = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE kind = 'Announce'")
            .fetch_one(m.data.store.pool())
            .await
            .expect("count")
    };
    // The publication's own Announces (FEP-1b12) are not the flood's.
    let before = count_announces().await;
    for n in 0..3 {
        let body = reply(&flooder, &practice, &format!("commentaire {n}")).to_string();
        assert_eq!(flooder.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "comment {n}");
    }
    let body = reply(&flooder, &practice, "commentaire de trop").to_string();
    let res = send(&flooder, &inbox, &inbox, &body, SignatureFormat::Cavage).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 3, "nothing stored past the limit");
    let announces = count_announces().await - before;
    // Each comment is announced in two shapes: embedded for group readers, by id for microblogs.
    assert!(announces <= 2 * 3, "no Announce past the limit ({announces})");
    // Likes have their own allowance, with the same rule.
    for n in 0..4 {
        let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Like",
            "id": flooder.new_id(), "actor": flooder.actor_id(), "object": practice});
        let expected = if n < 3 { StatusCode::ACCEPTED } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(flooder.post_signed(&inbox, &like.to_string()).await, expected, "like {n}");
    }
    // Another actor of another server is not held back.
    let other = Peer::start().await;
    let body = reply(&other, &practice, "un autre avis").to_string();
    assert_eq!(other.post_signed(&inbox, &body).await, StatusCode::ACCEPTED);
    assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 4);
    for p in [flooder, other] {
        p.stop().await;
    }
    m.stop().await;
}
