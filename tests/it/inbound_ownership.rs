//! Who may publish or delete what, checked by each activity's `verify` step (issue 11): an
//! `Article` whose `attributedTo` is not its sender (nor an author of the sender's host
//! writing in it) is refused 403, and so is a `Delete` of a practice or a comment the sender
//! does not own; nothing changes. Both backends, signatures checked over loopback.

use crate::common;

use common::{TestDb, TestInstance, fixture, localise, peer::Peer};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn activity(peer: &Peer, kind: &str, object: Value) -> String {
    json!({"@context": "https://www.w3.org/ns/activitystreams", "id": peer.new_id(), "type": kind,
        "actor": peer.actor_id(), "object": object})
    .to_string()
}

async fn practices_matching(m: &TestInstance, q: &str) -> Value {
    common::call(reqwest::Method::GET, m.url(&format!("/api/v1/practices?q={q}")), None, None).await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spoofed_authors_and_deletes_of_others_objects_are_refused() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let inbox = m.url("/t/territoire/inbox");
        let origin = Peer::start().await;
        let other = Peer::start().await;
        maillage::processing::follows::follow_remote(&m.data, "territoire", origin.actor_id().as_str())
            .await
            .expect("follow");

        // The followed origin sends an Article it claims someone else wrote: on another host,
        // or on its own host without naming it as the audience. Refused, nothing stored.
        let article = |n: u32, author: Value| {
            json!({"id": origin.base.join(&format!("articles/{n}")).expect("url"), "type": "Article",
                "name": format!("Verger partagé {n}"), "attributedTo": author, "content": "<p>Des pommes.</p>"})
        };
        let spoofed = activity(&origin, "Create", article(1, json!(other.actor_id())));
        assert_eq!(origin.post_signed(&inbox, &spoofed).await, StatusCode::FORBIDDEN, "[{label}] other host");
        let same_host = json!(origin.base.join("users/someone").expect("url"));
        let spoofed = activity(&origin, "Create", article(2, same_host));
        assert_eq!(origin.post_signed(&inbox, &spoofed).await, StatusCode::FORBIDDEN, "[{label}] not in the origin");
        // Nor may anyone publish an Article whose id is on another host than its own.
        let foreign = activity(&other, "Create", article(3, json!(other.actor_id())));
        assert_eq!(other.post_signed(&inbox, &foreign).await, StatusCode::FORBIDDEN, "[{label}] foreign id");
        assert_eq!(practices_matching(&m, "verger").await, json!([]), "[{label}] nothing stored");
        // The same for an Event (a shared action) and a reply Note: written on another host
        // than their sender's, or with an id on another host, 403.
        let event = |n: u32, id_on: &Peer, author: Value| {
            json!({"id": id_on.base.join(&format!("events/{n}")).expect("url"), "type": "Event",
                "name": format!("Troc de graines {n}"), "attributedTo": author,
                "startTime": "2030-05-02T19:00:00.000Z"})
        };
        let spoofed = activity(&origin, "Create", event(1, &origin, json!(other.actor_id())));
        assert_eq!(origin.post_signed(&inbox, &spoofed).await, StatusCode::FORBIDDEN, "[{label}] Event by another");
        let foreign = activity(&origin, "Create", event(2, &other, json!(origin.actor_id())));
        assert_eq!(origin.post_signed(&inbox, &foreign).await, StatusCode::FORBIDDEN, "[{label}] Event elsewhere");
        let actions = m.data.store.actions(&Default::default(), 100).await.expect("actions");
        assert!(actions.iter().all(|a| !a.title.starts_with("Troc")), "[{label}] no Event stored");
        let note = json!({"id": origin.base.join("notes/1").expect("url"), "type": "Note",
            "attributedTo": other.actor_id(), "inReplyTo": origin.base.join("articles/9").expect("url"),
            "content": "<p>Bonjour</p>", "to": ["https://www.w3.org/ns/activitystreams#Public"]});
        let spoofed = activity(&origin, "Create", note);
        assert_eq!(origin.post_signed(&inbox, &spoofed).await, StatusCode::FORBIDDEN, "[{label}] Note by another");
        // Its own Article, as itself: stored.
        let own = activity(&origin, "Create", article(4, json!(origin.actor_id())));
        assert_eq!(origin.post_signed(&inbox, &own).await, StatusCode::ACCEPTED, "[{label}]");
        let found = practices_matching(&m, "verger").await;
        assert_eq!(found.as_array().map(Vec::len), Some(1), "[{label}] {found}");
        let practice_ap_id = found[0]["ap_id"].as_str().expect("ap_id").to_string();

        // A Mastodon reply on a local practice; then someone else deletes it, and the practice.
        let (id, local) = common::published_practice(&m, "Jardin partagé", "Un jardin du quartier.").await;
        let mastodon = Peer::start().await;
        let reply = localise(&fixture("mastodon/create_reply.json"), &mastodon, &m, &local);
        assert_eq!(mastodon.post_signed(&m.url("/inbox"), &reply).await, StatusCode::ACCEPTED, "[{label}]");
        let comments = m.data.store.comments(id, true).await.expect("comments");
        assert_eq!(comments.len(), 1, "[{label}]");
        let comment = comments[0].ap_id.clone();
        let delete = activity(&other, "Delete", json!({"id": comment, "type": "Tombstone"}));
        assert_eq!(other.post_signed(&inbox, &delete).await, StatusCode::FORBIDDEN, "[{label}] another's comment");
        let delete = activity(&other, "Delete", json!(practice_ap_id));
        assert_eq!(other.post_signed(&inbox, &delete).await, StatusCode::FORBIDDEN, "[{label}] another's practice");
        // The origin itself cannot delete a practice of this territory, nor the reply.
        let delete = activity(&origin, "Delete", json!(local));
        assert_eq!(origin.post_signed(&inbox, &delete).await, StatusCode::FORBIDDEN, "[{label}] a local practice");
        assert_eq!(m.data.store.comments(id, true).await.expect("comments").len(), 1, "[{label}] comment kept");
        assert_eq!(practices_matching(&m, "verger").await.as_array().map(Vec::len), Some(1), "[{label}] kept");
        assert!(m.data.store.practice(id).await.expect("read").is_some(), "[{label}] local practice kept");

        // Their owners may.
        let delete = activity(&mastodon, "Delete", json!({"id": comment, "type": "Tombstone"}));
        assert_eq!(mastodon.post_signed(&m.url("/inbox"), &delete).await, StatusCode::ACCEPTED, "[{label}]");
        assert!(m.data.store.comments(id, true).await.expect("comments").is_empty(), "[{label}] comment deleted");
        let delete = activity(&origin, "Delete", json!(practice_ap_id));
        assert_eq!(origin.post_signed(&inbox, &delete).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(practices_matching(&m, "verger").await, json!([]), "[{label}] practice deleted");
        m.stop().await;
    }
}
