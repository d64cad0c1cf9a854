//! Taking part in a shared action from the fediverse (issue 12, point 6), on SQLite and
//! PostgreSQL: independent peers (the activitypub_federation crate, Mobilizon-shaped `Join`
//! and `Leave`) join a local action of capacity 1 → the organising territory answers
//! `Accept` with the `Join` embedded; a second person gets `Reject` (full) with a reason; a
//! duplicate `Join` counts once; `Leave` frees the place; `Leave` by someone who never joined
//! changes nothing; a `Join` of an unknown action is ignored; of a cancelled one, `Reject`.
//! The Accept and Reject are pinned in golden files.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_json, golden::Golden, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use url::Url;

fn workshop() -> Value {
    json!({
        "title": "Atelier réparation", "summary": "On répare ensemble.",
        "start": "2030-05-02T14:00", "end": "2030-05-02T17:00", "timezone": "Europe/Paris",
        "place_name": "Salle des fêtes", "commune": "Redon", "capacity": 1
    })
}

/// The answers `peer` received so far.
fn answers(peer: &Peer) -> Vec<Value> {
    peer.received().into_iter().filter(|a| a["type"] == "Accept" || a["type"] == "Reject").collect()
}

async fn next_answer(peer: &Peer, n: usize) -> Value {
    eventually(15, &format!("answer {n} at {}", peer.authority), || async { answers(peer).len() >= n }).await;
    assert!(peer.refused().is_empty(), "the peer refused: {:?}", peer.refused());
    answers(peer)[n - 1].clone()
}

async fn counts(m: &TestInstance, id: i64, ap_id: &str) -> (i64, i64, Value, Value) {
    let (_, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
    let event = get_json(ap_id).await;
    (
        detail["participants"].as_i64().unwrap_or(-1),
        detail["remaining"].as_i64().unwrap_or(-1),
        event["participantCount"].clone(),
        event["remainingAttendeeCapacity"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fediverse_people_join_and_leave_an_action() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let (camille, dominique) = (Peer::start_as("mobilizon").await, Peer::start_as("mobilizon").await);
        let g = Golden::default().host(m.base.as_str(), "maillage").host(camille.base.as_str(), "mobilizon");
        let modo = m.token(Role::Moderator).await;
        let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(workshop())).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let ap_id = m.url(&format!("/t/territoire/actions/{id}"));
        let inbox = Url::parse(&m.url("/t/territoire/inbox")).expect("inbox");

        // Join → Accept by the organising territory, the Join embedded.
        let join = camille.send(&inbox, "Join", json!(ap_id)).await.expect("join");
        let accept = next_answer(&camille, 1).await;
        assert_eq!(accept["type"], "Accept", "[{label}] {accept}");
        assert_eq!(accept["actor"], m.territory());
        assert_eq!(accept["object"]["id"], join.id.as_str());
        assert_eq!(accept["object"]["type"], "Join");
        assert_eq!(accept["object"]["object"], ap_id.as_str());
        assert_eq!(accept["to"], json!([camille.actor_id().as_str()]));
        g.check("sent/accept_join", &accept);
        assert_eq!(counts(&m, id, &ap_id).await, (1, 0, json!(1), json!(0)), "[{label}]");
        // The new count reaches the participants (and followers) as an Update of the Event.
        eventually(15, "Update(Event) with the new count", || async {
            camille.received().iter().any(|a| {
                a["type"] == "Update"
                    && a["object"]["id"] == ap_id.as_str()
                    && a["object"]["participantCount"] == 1
                    && a["object"]["remainingAttendeeCapacity"] == 0
            })
        })
        .await;

        // A second Join of the same person: the same answer, counted once.
        camille.send(&inbox, "Join", json!(ap_id)).await.expect("join again");
        assert_eq!(next_answer(&camille, 2).await["type"], "Accept", "[{label}]");
        assert_eq!(counts(&m, id, &ap_id).await.0, 1, "[{label}] counted once");

        // Full: Reject with the reason.
        let refused = dominique.send(&inbox, "Join", json!(ap_id)).await.expect("join full");
        let reject = next_answer(&dominique, 1).await;
        assert_eq!(reject["type"], "Reject", "[{label}] {reject}");
        assert_eq!(reject["object"]["id"], refused.id.as_str());
        assert!(reject["summary"].as_str().is_some_and(|s| s.contains("full")), "{reject}");
        let g = Golden::default().host(m.base.as_str(), "maillage").host(dominique.base.as_str(), "mobilizon");
        g.check("sent/reject_join", &reject);

        // Leave by someone who never joined: 202, nothing changes.
        dominique.send(&inbox, "Leave", json!(ap_id)).await.expect("leave, never joined");
        assert_eq!(counts(&m, id, &ap_id).await.0, 1, "[{label}]");

        // Leave frees the place: the other person gets in.
        camille.send(&inbox, "Leave", json!(ap_id)).await.expect("leave");
        eventually(10, "place freed", || async { counts(&m, id, &ap_id).await.0 == 0 }).await;
        dominique.send(&inbox, "Join", json!(ap_id)).await.expect("join freed");
        assert_eq!(next_answer(&dominique, 2).await["type"], "Accept", "[{label}]");
        assert_eq!(counts(&m, id, &ap_id).await, (1, 0, json!(1), json!(0)), "[{label}]");

        // Undo of the Join: left too.
        let join = dominique.send(&inbox, "Join", json!(ap_id)).await.expect("join");
        next_answer(&dominique, 3).await;
        let undone = json!({"id": join.id, "type": "Join", "actor": dominique.actor_id(), "object": ap_id});
        dominique.send(&inbox, "Undo", undone).await.expect("undo join");
        eventually(10, "Undo(Join) frees the place", || async { counts(&m, id, &ap_id).await.0 == 0 }).await;

        // Unknown action: 202, ignored (no answer).
        let before = answers(&camille).len();
        camille.send(&inbox, "Join", json!(m.url("/t/territoire/actions/999999"))).await.expect("unknown");

        // Cancelled: Reject.
        let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/cancel")), Some(&modo), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        camille.send(&inbox, "Join", json!(ap_id)).await.expect("join cancelled");
        let reject = next_answer(&camille, before + 1).await;
        assert_eq!(reject["type"], "Reject", "[{label}] only the cancelled action is answered: {reject}");
        assert!(reject["summary"].as_str().is_some_and(|s| s.contains("cancelled")), "{reject}");
        assert_eq!(counts(&m, id, &ap_id).await.0, 0, "[{label}]");
    }
}

/// Join mode `approval`: the `Join` waits (no answer, not counted); a moderator approves →
/// `Accept`, counted; another rejected → `Reject`, removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_join_waits_for_the_moderators() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let (camille, dominique) = (Peer::start_as("mobilizon").await, Peer::start_as("mobilizon").await);
        let modo = m.token(Role::Moderator).await;
        let mut body = workshop();
        body["join_mode"] = json!("approval");
        body["capacity"] = json!(5);
        let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
        let ap_id = m.url(&format!("/t/territoire/actions/{id}"));
        let inbox = Url::parse(&m.url("/t/territoire/inbox")).expect("inbox");

        let join = camille.send(&inbox, "Join", json!(ap_id)).await.expect("join");
        dominique.send(&inbox, "Join", json!(ap_id)).await.expect("join");
        let list = m.url(&format!("/api/v1/actions/{id}/participants"));
        let (s, _) = call(Method::GET, list.clone(), None, None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "[{label}] moderators only");
        let (s, held) = call(Method::GET, list.clone(), Some(&modo), None).await;
        assert_eq!(s, StatusCode::OK, "[{label}] {held}");
        let held = held.as_array().cloned().unwrap_or_default();
        assert_eq!(held.len(), 2, "[{label}] {held:?}");
        assert!(held.iter().all(|p| p["state"] == "pending"), "{held:?}");
        assert_eq!(counts(&m, id, &ap_id).await.0, 0, "[{label}] held, not counted");
        assert!(answers(&camille).is_empty(), "[{label}] no answer yet");

        let pid = |who: &Peer| {
            held.iter().find(|p| p["actor"] == who.actor_id().as_str()).and_then(|p| p["id"].as_i64()).expect("pid")
        };
        let approve = m.url(&format!("/api/v1/actions/{id}/participants/{}/approve", pid(&camille)));
        let (s, e) = call(Method::POST, approve.clone(), Some(&modo), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "[{label}] {e}");
        let accept = next_answer(&camille, 1).await;
        assert_eq!(
            (accept["type"].as_str(), accept["object"]["id"].as_str()),
            (Some("Accept"), Some(join.id.as_str()))
        );
        assert_eq!(accept["object"]["type"], "Join");
        assert_eq!(counts(&m, id, &ap_id).await.0, 1, "[{label}]");
        let (s, _) = call(Method::POST, approve, Some(&modo), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "[{label}] no longer pending");

        let reject = m.url(&format!("/api/v1/actions/{id}/participants/{}/reject", pid(&dominique)));
        let (s, e) = call(Method::POST, reject, Some(&modo), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "[{label}] {e}");
        assert_eq!(next_answer(&dominique, 1).await["type"], "Reject", "[{label}]");
        let (_, left) = call(Method::GET, list, Some(&modo), None).await;
        assert_eq!(left.as_array().map(Vec::len), Some(1), "[{label}] {left}");
    }
}
