//! Replies, likes and deletions in the shapes Mastodon and Lemmy send (tests/fixtures/mastodon,
//! tests/fixtures/lemmy), signed by a peer standing for them, on SQLite and PostgreSQL: comments
//! are stored sanitised with the author's handle and announced to the territory's followers;
//! likes are counted and undone; a reply to an unknown practice is accepted and ignored.

use crate::common;

use common::{TestDb, TestInstance, client, eventually, fixture, get_html, localise, peer::Peer};
use maillage::federation::protocol::activities::parse_envelope;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn page(m: &TestInstance, id: maillage::domain::ids::PracticeId) -> String {
    get_html(&m.url(&format!("/pratiques/{id}"))).await
}

#[test]
fn reply_fixtures_parse() {
    for f in [
        "mastodon/create_reply.json",
        "mastodon/like.json",
        "mastodon/undo_like.json",
        "mastodon/delete_reply.json",
        "lemmy/create_comment.json",
        "lemmy/like.json",
        "lemmy/undo_like.json",
    ] {
        let env = parse_envelope(fixture(f).as_bytes()).expect(f);
        assert!(env.actor.as_str().ends_with("/users/alice") || env.actor.as_str().ends_with("/u/bob"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_and_lemmy_replies_likes_and_deletions() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        // A follower (standing for Mastodon) to see the territory's Announce of comments.
        let follower = Peer::start().await;
        let group = follower.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
        follower.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
        let (id, practice) =
            common::published_practice(&m, "Jardin partagé", "Un jardin cultivé par le quartier.").await;

        let mastodon = Peer::start().await;
        let lemmy = Peer::start().await;
        let inbox = m.url("/inbox");
        let body = localise(&fixture("mastodon/create_reply.json"), &mastodon, &m, &practice);
        assert_eq!(mastodon.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "[{label}]");
        let body = localise(&fixture("lemmy/create_comment.json"), &lemmy, &m, &practice);
        assert_eq!(lemmy.post_signed(&m.url("/t/territoire/inbox"), &body).await, StatusCode::ACCEPTED, "[{label}]");
        let html = page(&m, id).await;
        assert!(html.contains("Nous lançons la même épicerie à Vannes"), "[{label}] Mastodon's reply shown");
        assert!(html.contains("Combien de bénévoles faut-il ?"), "[{label}] Lemmy's comment shown");
        assert!(html.contains(&format!("@alice@{}", mastodon.authority)), "[{label}] with the author's handle");
        assert!(html.contains(&format!("href=\"{}\"", mastodon.actor_id())), "[{label}] and a link");
        for bad in ["onerror", "<iframe", "alert(1)"] {
            assert!(!html.contains(bad), "[{label}] sanitised: {bad} found");
        }
        let comments = m.data.store.comments(id, true).await.expect("comments");
        assert_eq!(comments.len(), 2, "[{label}]");
        assert!(comments.iter().all(|c| !c.content_html.contains("onerror") && !c.content_html.contains("iframe")));
        // (It also got the practice's own Announces: of its Create, and of its id.)
        let of_comment =
            |a: &Value| a["type"] == "Announce" && a["object"].is_string() && a["object"] != practice.as_str();
        eventually(10, "the follower gets the Announces of both comments", || async {
            follower.received().iter().filter(|a| of_comment(a)).count() == 2
        })
        .await;
        let announce = follower.received().into_iter().find(of_comment).expect("announce");
        assert_eq!(announce["actor"], m.territory(), "[{label}] announced by the territory (FEP-1b12)");

        // Mastodon edits its reply (Update of the Note): the comment follows; no one else may.
        let create: Value =
            serde_json::from_str(&localise(&fixture("mastodon/create_reply.json"), &mastodon, &m, &practice))
                .expect("j");
        let mut edited = create["object"].clone();
        edited["content"] = json!("<p>Bravo ! Nous lançons la même épicerie à Vannes et à Auray.</p>");
        let update = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
            "id": format!("{}#updates/1", edited["id"].as_str().expect("id")), "actor": mastodon.actor_id(),
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "object": edited});
        assert_eq!(mastodon.post_signed(&inbox, &update.to_string()).await, StatusCode::ACCEPTED, "[{label}]");
        let public: Value =
            client().get(m.url(&format!("/api/v1/practices/{id}"))).send().await.expect("get").json().await.expect("j");
        assert!(public["comments"].to_string().contains("et à Auray"), "[{label}] edited: {public}");
        let mut stolen = update.clone();
        stolen["id"] = json!(format!("{}activities/stolen", lemmy.base));
        stolen["actor"] = json!(lemmy.actor_id());
        assert_eq!(lemmy.post_signed(&inbox, &stolen.to_string()).await, StatusCode::FORBIDDEN, "[{label}]");

        // The Article leads Mastodon to the conversation: its replies collection and counts.
        let article = common::get_json(&practice).await;
        // `replies` with its first page inline, as Mastodon serves it (issue 16).
        assert!(article["replies"]["first"]["items"].to_string().contains("/comment/73120"), "[{label}] inline");
        let replies = common::get_json(article["replies"]["id"].as_str().expect("replies")).await;
        assert_eq!(replies["totalItems"], 2, "[{label}] {replies}");
        assert!(replies["first"]["items"].to_string().contains("/comment/73120"), "[{label}] Lemmy's comment listed");

        // The same reply again: one comment.
        let body = localise(&fixture("mastodon/create_reply.json"), &mastodon, &m, &practice);
        assert_eq!(mastodon.post_signed(&inbox, &body).await, StatusCode::ACCEPTED);
        assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 2, "[{label}] idempotent");

        // Likes from both, one undone.
        for (peer, f) in [(&mastodon, "mastodon/like.json"), (&lemmy, "lemmy/like.json")] {
            let body = localise(&fixture(f), peer, &m, &practice);
            assert_eq!(peer.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "[{label}] {f}");
        }
        assert_eq!(m.data.store.reactions(id).await.expect("r").likes, 2, "[{label}]");
        assert_eq!(common::get_json(&practice).await["likes"]["totalItems"], 2, "[{label}] counted on the Article");
        let body = localise(&fixture("lemmy/undo_like.json"), &lemmy, &m, &practice);
        assert_eq!(lemmy.post_signed(&inbox, &body).await, StatusCode::ACCEPTED);
        assert_eq!(m.data.store.reactions(id).await.expect("r").likes, 1, "[{label}] Undo(Like)");
        let body = localise(&fixture("mastodon/undo_like.json"), &mastodon, &m, &practice);
        assert_eq!(mastodon.post_signed(&inbox, &body).await, StatusCode::ACCEPTED);
        assert_eq!(m.data.store.reactions(id).await.expect("r").likes, 0, "[{label}] Mastodon's Undo(Like)");

        // A person's boost is a share, not an adoption, even when it claims to be one.
        let boost = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Announce",
            "id": format!("{}users/alice/statuses/1/activity", mastodon.base), "actor": mastodon.actor_id(),
            "object": practice, "cces:adoptionNote": "Adoptée ?"});
        assert_eq!(mastodon.post_signed(&inbox, &boost.to_string()).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(m.data.store.reactions(id).await.expect("r").shares, 1, "[{label}] a share");
        assert!(m.data.store.adoptions(id).await.expect("a").is_empty(), "[{label}] only territories adopt");

        // A reply to a practice nobody here knows: accepted, ignored.
        let unknown = m.url("/practices/11111111-1111-1111-1111-111111111111");
        let body = localise(&fixture("lemmy/create_comment.json"), &lemmy, &m, &unknown)
            .replace("/comment/73120", "/comment/73121")
            .replace("/create/8a4e", "/create/9a4e");
        assert_eq!(lemmy.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 2, "[{label}] nothing stored");

        // Someone else cannot delete Mastodon's reply; Mastodon can.
        let forged = localise(&fixture("mastodon/delete_reply.json"), &mastodon, &m, &practice)
            .replace(mastodon.actor_id().as_str(), lemmy.actor_id().as_str())
            .replace(&format!("{}users", mastodon.base), &format!("{}users", lemmy.base))
            .replace(
                &format!("{}u/alice/statuses/113502004321987654#delete", lemmy.base),
                &format!("{}x#delete", lemmy.base),
            );
        let forged: Value = serde_json::from_str(&forged).expect("json");
        let mut forged = forged;
        forged["object"]["id"] = json!(format!("{}u/alice/statuses/113502004321987654", mastodon.base));
        assert_eq!(lemmy.post_signed(&inbox, &forged.to_string()).await, StatusCode::FORBIDDEN, "[{label}]");
        assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 2, "[{label}] still there");
        let body = localise(&fixture("mastodon/delete_reply.json"), &mastodon, &m, &practice);
        assert_eq!(mastodon.post_signed(&inbox, &body).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 1, "[{label}] deleted");
        eventually(10, "the follower is told to drop the deleted comment", || async {
            follower.received().iter().any(|a| a["type"] == "Undo" && a["object"]["type"] == "Announce")
        })
        .await;
        for p in [mastodon, lemmy, follower] {
            p.stop().await;
        }
        m.stop().await;
    }
}
