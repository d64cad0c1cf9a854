//! How a shared action reads in each microblog's timeline (issue 12, point 9; interop notes
//! "Announcements, posts and what each program shows"), on SQLite and PostgreSQL: Mastodon
//! and GoToSocial followers (NodeInfo `mastodon`, `gotosocial`) get the territory's `Announce`
//! of the `Event`'s id and fetch it signed: Mastodon gets `name` and the `summary` with date and
//! place (what it shows), GoToSocial the same `Event` without `summary` (it would be a content
//! warning, and the title is not shown) and with title, date, place and link in `content`,
//! every event field kept. Edits reach each in its shape, from the author.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_json, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn follow(peer: &Peer, m: &TestInstance) {
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    eventually(10, "Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;
}

fn update_of(peer: &Peer, ap_id: &str) -> Option<Value> {
    peer.received().into_iter().find(|a| a["type"] == "Update" && a["object"]["id"] == ap_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gotosocial_gets_the_title_and_date_of_an_action_in_its_content() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let (mastodon, gts) = (Peer::start_as("mastodon").await, Peer::start_as("gotosocial").await);
        follow(&mastodon, &m).await;
        follow(&gts, &m).await;
        let body = json!({"title": "Troc de plants", "summary": "Apportez vos boutures.", "start": "2030-04-18T14:00",
            "end": "2030-04-18T17:00", "timezone": "Europe/Paris", "place_name": "Jardin partagé", "commune": "Redon",
            "tags": ["jardin"]});
        let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "[{label}] {created}");
        let id = created["id"].as_i64().expect("id");
        call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
        let ap_id = m.url(&format!("/t/territoire/actions/{id}"));
        for peer in [&mastodon, &gts] {
            eventually(10, "the Announce of the Event", || async {
                peer.received().iter().any(|a| a["type"] == "Announce" && a["object"] == ap_id.as_str())
            })
            .await;
        }

        let shown = mastodon.fetch_json(&ap_id).await.expect("fetch");
        assert_eq!((shown["type"].as_str(), shown["name"].as_str()), (Some("Event"), Some("Troc de plants")));
        let summary = shown["summary"].as_str().expect("summary");
        assert!(summary.contains("18/04/2030") && summary.contains("Jardin partagé"), "[{label}] {summary}");
        let gts_event = gts.fetch_json(&ap_id).await.expect("fetch");
        assert!(gts_event.get("summary").is_none(), "[{label}] no content warning: {gts_event}");
        let content = gts_event["content"].as_str().expect("content");
        for want in
            ["<strong>Troc de plants</strong>", "18/04/2030", "Jardin partagé", "Apportez vos boutures.", &ap_id]
        {
            assert!(content.contains(want), "[{label}] {want} in {content}");
        }
        assert!(content.contains("#<span>"), "[{label}] hashtags: {content}");
        for kept in ["id", "type", "startTime", "endTime", "timezone", "location", "joinMode", "participantCount"] {
            assert_eq!(gts_event[kept], shown[kept], "[{label}] {kept}");
        }
        // Another Maillage (unsigned here) keeps the full shape.
        assert_eq!(get_json(&ap_id).await["summary"], shown["summary"]);

        let (s, _) = call(
            Method::PATCH,
            m.url(&format!("/api/v1/actions/{id}")),
            Some(&modo),
            Some(json!({"title": "Grand troc de plants"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        for peer in [&mastodon, &gts] {
            eventually(10, "the Update", || async { update_of(peer, &ap_id).is_some() }).await;
        }
        let (u1, u2) = (update_of(&mastodon, &ap_id).expect("update"), update_of(&gts, &ap_id).expect("update"));
        assert_eq!(u1["actor"], u2["actor"], "[{label}] both from the author");
        assert!(u1["object"]["summary"].is_string() && u1["object"]["name"] == "Grand troc de plants", "[{label}]");
        assert!(u2["object"].get("summary").is_none(), "[{label}] {u2}");
        assert!(u2["object"]["content"].as_str().unwrap_or_default().contains("Grand troc de plants"), "[{label}]");
        assert_eq!(gts.received().iter().filter(|a| a["type"] == "Update").count(), 1, "[{label}] one shape each");
        assert!(mastodon.refused().is_empty() && gts.refused().is_empty(), "{:?}", gts.refused());
        mastodon.stop().await;
        gts.stop().await;
        m.stop().await;
    }
}
