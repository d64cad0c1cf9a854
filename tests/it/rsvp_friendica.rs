//! Friendica-style RSVPs (issue 12, point 6), on SQLite and PostgreSQL: `TentativeAccept`,
//! `Accept` and `Reject` whose object is our `Event` (fixtures in Friendica's shape, the event
//! by id as Friendica sends it, and embedded) count as maybe (kept apart, no place taken),
//! going (counted, capacity honoured) and not going (withdrawn); a repeated delivery counts
//! once; an RSVP to an unknown event is accepted (202) and changes nothing. A change of the
//! firm count reaches the participants as an `Update(Event)` with the new `participantCount`
//! and `remainingAttendeeCapacity`; the page shows the "maybe" answers apart from the count.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, fixture, get_html, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The fixture `name` from `who`, about `event`, under a fresh id `n`.
fn rsvp(name: &str, who: &Peer, m: &TestInstance, event: &str, n: u32) -> String {
    fixture(&format!("friendica/rsvp_{name}.json"))
        .replace("https://friendica.example/profile/alice", who.actor_id().as_str())
        .replace("5b6c7d8e9f00/", &format!("5b6c7d8e9f{n:02}/"))
        .replace("https://friendica.example/", who.base.as_str())
        .replace("https://maillage.example/t/territoire/actions/1", event)
        .replace("https://maillage.example/", m.base.as_str())
}

/// (firm participants from the API, tentative rows in the table).
async fn counts(m: &TestInstance, id: i64) -> (i64, i64) {
    let (_, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
    let tentative: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM action_participants WHERE action_id = $1 AND tentative = 1")
            .bind(id)
            .fetch_one(m.data.store.pool())
            .await
            .expect("count");
    (detail["participants"].as_i64().unwrap_or(-1), tentative)
}

/// The `(participantCount, remainingAttendeeCapacity)` of every `Update(Event)` `peer` got.
fn counts_told(peer: &Peer) -> Vec<(Value, Value)> {
    peer.received()
        .into_iter()
        .filter(|a| a["type"] == "Update" && a["object"]["type"] == "Event")
        .map(|a| (a["object"]["participantCount"].clone(), a["object"]["remainingAttendeeCapacity"].clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friendica_rsvps_count_as_going_maybe_and_not_going() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let (alice, bob) = (Peer::start_as("friendica").await, Peer::start_as("friendica").await);
        let modo = m.token(Role::Moderator).await;
        let body = json!({
            "title": "Repair café", "summary": "On répare.", "start": "2030-05-02T14:00", "end": "2030-05-02T17:00",
            "timezone": "Europe/Paris", "place_name": "Halle", "commune": "Redon", "capacity": 1
        });
        let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
        let event = m.url(&format!("/t/territoire/actions/{id}"));
        let inbox = m.url("/t/territoire/inbox");
        let send = |who: &'static str, body: String| {
            let peer = if who == "alice" { &alice } else { &bob };
            let inbox = inbox.clone();
            async move { peer.post_signed(&inbox, &body).await }
        };

        // Maybe: kept apart, not counted.
        let s = send("alice", rsvp("tentative_accept", &alice, &m, &event, 1)).await;
        assert!(s.is_success(), "[{label}] {s}");
        assert_eq!(counts(&m, id).await, (0, 1), "[{label}] maybe");
        let page = get_html(&event).await;
        assert!(page.contains("Aucun participant") && page.contains("1 personne peut-être"), "[{label}] apart");
        // Going (the Event by id, as Friendica sends it): counted; delivered twice, once.
        let going = rsvp("accept", &alice, &m, &event, 2);
        assert!(send("alice", going.clone()).await.is_success());
        assert!(send("alice", going).await.is_success());
        assert_eq!(counts(&m, id).await, (1, 0), "[{label}] going");
        eventually(15, "the participant hears of the new count", || async {
            counts_told(&alice).contains(&(json!(1), json!(0)))
        })
        .await;
        assert!(!get_html(&event).await.contains("peut-être"), "[{label}] no maybe left");
        // Bob going: the only place is taken; maybe still fits.
        assert!(send("bob", rsvp("accept", &bob, &m, &event, 3)).await.is_success());
        assert_eq!(counts(&m, id).await, (1, 0), "[{label}] full");
        assert!(send("bob", rsvp("tentative_accept", &bob, &m, &event, 4)).await.is_success());
        assert_eq!(counts(&m, id).await, (1, 1), "[{label}] bob maybe");
        // Alice not going: the place frees; Bob going now (the Event embedded) takes it.
        assert!(send("alice", rsvp("reject", &alice, &m, &event, 5)).await.is_success());
        assert_eq!(counts(&m, id).await, (0, 1), "[{label}] alice withdrew");
        let mut embedded: Value = serde_json::from_str(&rsvp("accept", &bob, &m, &event, 6)).expect("json");
        embedded["object"] = json!({"id": event, "type": "Event", "name": "Repair café"});
        assert!(send("bob", embedded.to_string()).await.is_success());
        assert_eq!(counts(&m, id).await, (1, 0), "[{label}] bob going");
        eventually(15, "Bob is told he has the place", || async { counts_told(&bob).contains(&(json!(1), json!(0))) })
            .await;
        // Alice's withdrawal (0 going) was told to Bob, then a participant (maybe).
        assert!(counts_told(&bob).contains(&(json!(0), json!(1))), "[{label}] {:?}", counts_told(&bob));
        // Unknown event: accepted, nothing changes.
        let unknown = m.url("/t/territoire/actions/999999");
        let s = send("alice", rsvp("accept", &alice, &m, &unknown, 7)).await;
        assert!(s.is_success(), "[{label}] {s}");
        assert_eq!(counts(&m, id).await, (1, 0), "[{label}] unknown event");
        let audit = m.data.store.audit_page(50, 0).await.expect("audit");
        assert_eq!(audit.iter().filter(|a| a.action == "action.rsvp").count(), 6, "[{label}] one entry per RSVP");
        alice.stop().await;
        bob.stop().await;
        m.stop().await;
    }
}
