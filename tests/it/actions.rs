//! Shared actions (issue 12) between two instances in process, SQLite and PostgreSQL: B's
//! territory follows A's; A publishes an action → B stores it; A edits and cancels it → B
//! reflects it; A deletes it → B forgets it. The `Event` served at its id, the `.ics` files
//! read back by an independent parser (the `ical` crate), and bad input answered 422 with
//! nothing stored.

use crate::common;

use common::{TestDb, TestInstance, call};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Parses an iCalendar text with the `ical` crate (not the one that wrote it).
fn parse_ics(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("valid iCalendar");
    assert!(parser.next().is_none(), "one calendar only");
    cal
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a ical::property::Property> {
    props.iter().find(|p| p.name == name)
}

async fn get_text(url: &str) -> (StatusCode, String, String) {
    let res = common::client().get(url).send().await.expect("GET");
    let status = res.status();
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (status, kind, res.text().await.unwrap_or_default())
}

fn market() -> Value {
    json!({
        "title": "Marché des producteurs", "summary": "Douze fermes vendent en direct.",
        "description": "**Programme** : ouverture à 10 h, table ronde à 15 h.",
        "start": "2030-03-14T10:00", "end": "2030-03-14T17:00", "timezone": "Europe/Paris",
        "place_name": "Halle de Redon", "address": "Place du Marché", "postal_code": "35600", "commune": "Redon",
        "latitude": 47.65, "longitude": -2.08, "capacity": 200, "domains": ["alimentation"],
        "dimensions": ["economique"], "tags": ["circuit court"]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_travel_to_following_territories() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = a.token(Role::Moderator).await;
    maillage::processing::follows::follow_remote(&b.data, "territoire", &format!("territoire@{}", a.authority))
        .await
        .expect("follow");
    common::eventually(10, "B follows A", || async {
        common::get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 1
    })
    .await;

    // Bad input: 422 with each field's rule, nothing stored.
    let mut bad = market();
    bad["end"] = json!("2030-03-14T09:00");
    bad["timezone"] = json!("Europe/Redon");
    bad["capacity"] = json!(-3);
    bad["latitude"] = json!(123.0);
    let (s, e) = call(Method::POST, a.url("/api/v1/actions"), Some(&modo), Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    for field in ["timezone", "capacity", "coordinates"] {
        assert!(e["fields"][field].is_string(), "{field} in {e}");
    }
    let (s, e) = call(Method::POST, a.url("/api/v1/actions"), Some(&modo), Some(json!({"title": " "}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "start", "end"] {
        assert!(e["fields"][field].is_string(), "{field} in {e}");
    }
    let (s, mut before) = call(Method::GET, a.url("/api/v1/actions?territory=territoire"), Some(&modo), None).await;
    assert_eq!((s, before.take()), (StatusCode::OK, json!([])), "nothing stored");

    // A draft, then published: B stores it.
    let (s, created) = call(Method::POST, a.url("/api/v1/actions"), Some(&modo), Some(market())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::GET, a.url(&format!("/api/v1/actions/{id}")), None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a draft is not public");
    let (s, _) = call(Method::POST, a.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let on_b =
        || async { call(Method::GET, b.url(&format!("/api/v1/actions?origin={}", a.territory())), None, None).await.1 };
    common::eventually(10, "action on B", || async { on_b().await.as_array().is_some_and(|l| l.len() == 1) }).await;
    let remote = on_b().await[0].clone();
    assert_eq!(remote["title"], "Marché des producteurs");
    assert_eq!(remote["summary"], "Douze fermes vendent en direct.");
    assert_eq!(remote["timezone"], "Europe/Paris");
    assert_eq!(remote["place_name"], "Halle de Redon");
    assert_eq!((remote["commune"].as_str(), remote["latitude"].as_f64()), (Some("Redon"), Some(47.65)));
    assert_eq!((remote["capacity"].as_i64(), remote["status"].as_str()), (Some(200), Some("scheduled")));
    assert_eq!(remote["tags"], "CircuitCourt");
    let (_, local) = call(Method::GET, a.url(&format!("/api/v1/actions/{id}")), None, None).await;
    assert_eq!(remote["starts_at"], local["starts_at"]);
    assert_eq!(remote["ap_id"], local["ap_id"]);
    assert_eq!(local["organizers"], json!([a.territory()]));

    // The Event at its id, for ActivityPub clients; a page for browsers.
    let ap_id = local["ap_id"].as_str().expect("ap_id").to_string();
    assert_eq!(ap_id, a.url(&format!("/t/territoire/actions/{id}")));
    let event = common::get_json(&ap_id).await;
    assert_eq!(
        (event["type"].as_str(), event["startTime"].as_str()),
        (Some("Event"), Some("2030-03-14T10:00:00+01:00"))
    );
    assert_eq!(event["location"]["address"]["postalCode"], "35600");
    assert_eq!(event["remainingAttendeeCapacity"], 200);
    let (s, kind, page) = get_text(&ap_id).await;
    assert!(s.is_success() && kind.starts_with("text/html") && page.contains("Halle de Redon"), "{s} {kind}");

    // Add to my calendar: RFC 5545 with the zone's VTIMEZONE, read back by another parser.
    let (s, kind, ics) = get_text(&format!("{ap_id}.ics")).await;
    assert_eq!((s, kind.as_str()), (StatusCode::OK, "text/calendar; charset=utf-8"));
    let cal = parse_ics(&ics);
    assert_eq!(cal.events.len(), 1);
    let ev = &cal.events[0].properties;
    let start = prop(ev, "DTSTART").expect("DTSTART");
    assert_eq!(start.value.as_deref(), Some("20300314T100000"));
    let tzid = start.params.as_ref().and_then(|p| p.iter().find(|(k, _)| k == "TZID")).map(|(_, v)| v.clone());
    assert_eq!(tzid, Some(vec!["Europe/Paris".to_string()]));
    assert_eq!(prop(ev, "UID").and_then(|p| p.value.as_deref()), Some(ap_id.as_str()));
    assert_eq!(prop(ev, "SUMMARY").and_then(|p| p.value.as_deref()), Some("Marché des producteurs"));
    assert_eq!(prop(ev, "STATUS").and_then(|p| p.value.as_deref()), Some("CONFIRMED"));
    assert_eq!(prop(ev, "GEO").and_then(|p| p.value.as_deref()), Some("47.65;-2.08"));
    assert_eq!(cal.timezones.len(), 1);
    let zone = &cal.timezones[0];
    assert_eq!(prop(&zone.properties, "TZID").and_then(|p| p.value.as_deref()), Some("Europe/Paris"));
    // Summer time in 2030 starts on 31 March: the zone covers the action's year.
    assert!(
        zone.transitions
            .iter()
            .any(|t| { prop(&t.properties, "DTSTART").and_then(|p| p.value.as_deref()) == Some("20300331T020000") })
    );
    // The territory's feed and the catalogue's (webcal) hold it too; B's catalogue holds A's.
    for url in [a.url("/t/territoire/agenda.ics"), a.url("/agenda.ics"), b.url("/agenda.ics")] {
        let (s, _, text) = get_text(&url).await;
        assert_eq!(s, StatusCode::OK, "{url}");
        let cal = parse_ics(&text);
        assert_eq!(cal.events.len(), 1, "{url}");
        assert_eq!(cal.timezones.len(), 1, "{url}");
    }

    // An edit travels; a cancellation too.
    let patch = json!({"title": "Grand marché des producteurs", "capacity": 150});
    let (s, _) = call(Method::PATCH, a.url(&format!("/api/v1/actions/{id}")), Some(&modo), Some(patch)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    common::eventually(10, "edit on B", || async { on_b().await[0]["title"] == "Grand marché des producteurs" }).await;
    assert_eq!(on_b().await[0]["capacity"], 150);
    let (s, _) = call(Method::POST, a.url(&format!("/api/v1/actions/{id}/cancel")), Some(&modo), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    common::eventually(10, "cancellation on B", || async { on_b().await[0]["status"] == "cancelled" }).await;
    assert_eq!(common::get_json(&ap_id).await["eventStatus"], "EventCancelled");
    let (_, _, ics) = get_text(&format!("{ap_id}.ics")).await;
    let cancelled = parse_ics(&ics);
    assert_eq!(prop(&cancelled.events[0].properties, "STATUS").and_then(|p| p.value.as_deref()), Some("CANCELLED"));

    // Deleted: gone from A and from B.
    let (s, _) = call(Method::DELETE, a.url(&format!("/api/v1/actions/{id}")), Some(&modo), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    common::eventually(10, "deletion on B", || async { on_b().await == json!([]) }).await;
    let (s, _) = call(Method::GET, a.url(&format!("/api/v1/actions/{id}")), None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_moderators_author_actions() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let (s, _) = call(Method::POST, m.url("/api/v1/actions"), None, Some(market())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = call(Method::POST, m.url("/api/v1/actions"), Some("not-a-token"), Some(market())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let modo = m.token(Role::Moderator).await;
    let (s, _) = call(Method::POST, m.url("/api/v1/actions?territory=nowhere"), Some(&modo), Some(market())).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let mut linked = market();
    linked["practices"] = json!([424242]);
    let (s, e) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(linked)).await;
    assert_eq!((s, e["fields"]["practices"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("field-invalid")));
    m.stop().await;
}

/// Events in the shapes Gancio and Mobilizon send, on both backends: ignored from an actor no
/// territory follows; stored from a followed one; changed or deleted by anyone else: 403 and
/// nothing changed; a replayed Update applied once; Gancio's `Delete` (a `Tombstone` of an
/// `Event`) removes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn received_events_from_gancio_and_mobilizon() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let origin = common::peer::Peer::start_as("gancio").await;
        let group = origin.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
        let inbox = group.inbox.to_string();
        let activity = |from: &common::peer::Peer, id: &str, kind: &str, object: Value| {
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": kind,
                "actor": from.actor_id(), "object": object})
            .to_string()
        };
        let event_id = origin.base.join("federation/m/12").expect("url").to_string();
        // Gancio: `address` a string, `attachment` an array, UTC times, no time zone.
        let gancio = json!({"id": event_id, "type": "Event", "name": "Concert à la halle",
            "attributedTo": origin.actor_id(), "startTime": "2030-05-02T19:00:00.000Z",
            "endTime": "2030-05-02T22:00:00.000Z", "content": "<p>Trois groupes.</p><script>x()</script>",
            "location": {"type": "Place", "name": "Halle", "address": "1 rue Haute, Redon"},
            "tag": [{"type": "Hashtag", "name": "#musique"}], "attachment": []});
        let agenda = || async { call(Method::GET, m.url("/api/v1/actions"), None, None).await.1 };
        let first = origin.new_id().to_string();
        assert_eq!(
            origin.post_signed(&inbox, &activity(&origin, &first, "Create", gancio.clone())).await,
            StatusCode::ACCEPTED
        );
        assert_eq!(agenda().await, json!([]), "unsolicited Events stay out of the agenda");
        maillage::processing::follows::follow_remote(&m.data, "territoire", origin.actor_id().as_str())
            .await
            .expect("follow");
        let create = origin.new_id().to_string();
        assert_eq!(
            origin.post_signed(&inbox, &activity(&origin, &create, "Create", gancio.clone())).await,
            StatusCode::ACCEPTED
        );
        let found = agenda().await;
        assert_eq!(found[0]["title"], "Concert à la halle", "{found}");
        assert_eq!(
            (found[0]["place_name"].as_str(), found[0]["address"].as_str()),
            (Some("Halle"), Some("1 rue Haute, Redon"))
        );
        assert_eq!(found[0]["description_html"], "<p>Trois groupes.</p>", "sanitised");
        assert_eq!(found[0]["origin_actor"], origin.actor_id().as_str());

        // Someone else: 403, nothing changed.
        let other = common::peer::Peer::start().await;
        let mut forged = gancio.clone();
        forged["name"] = json!("Piraté");
        forged["attributedTo"] = json!(other.actor_id());
        let tombstone = json!({"id": event_id, "type": "Tombstone", "formerType": "Event"});
        let id = other.new_id().to_string();
        assert_eq!(other.post_signed(&inbox, &activity(&other, &id, "Update", forged)).await, StatusCode::FORBIDDEN);
        let id = other.new_id().to_string();
        assert_eq!(
            other.post_signed(&inbox, &activity(&other, &id, "Delete", tombstone.clone())).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(agenda().await[0]["title"], "Concert à la halle");

        // Mobilizon's shape of an update: PostalAddress, coordinates, status; replayed: once.
        let mut mobilizon = gancio.clone();
        mobilizon["location"] = json!({"type": "Place", "name": "Halle", "address": {"type": "PostalAddress",
            "streetAddress": "1 rue Haute", "postalCode": "35600", "addressLocality": "Redon"},
            "latitude": 47.65, "longitude": -2.08});
        mobilizon["status"] = json!("CANCELLED");
        mobilizon["timezone"] = json!("Europe/Paris");
        mobilizon["participantCount"] = json!(4);
        let update = origin.new_id().to_string();
        assert_eq!(
            origin.post_signed(&inbox, &activity(&origin, &update, "Update", mobilizon.clone())).await,
            StatusCode::ACCEPTED
        );
        mobilizon["name"] = json!("Rejoué");
        assert_eq!(
            origin.post_signed(&inbox, &activity(&origin, &update, "Update", mobilizon)).await,
            StatusCode::ACCEPTED
        );
        let found = agenda().await;
        assert_eq!(
            (found[0]["title"].as_str(), found[0]["status"].as_str()),
            (Some("Concert à la halle"), Some("cancelled"))
        );
        assert_eq!((found[0]["postal_code"].as_str(), found[0]["latitude"].as_f64()), (Some("35600"), Some(47.65)));
        let (_, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{}", found[0]["id"])), None, None).await;
        assert_eq!(detail["participants"], 4);

        let delete = origin.new_id().to_string();
        assert_eq!(
            origin.post_signed(&inbox, &activity(&origin, &delete, "Delete", tombstone)).await,
            StatusCode::ACCEPTED
        );
        assert_eq!(agenda().await, json!([]));
        assert!(m.data.store.was_received(&delete).await.expect("received"), "the Delete is claimed with its effect");
        other.stop().await;
        origin.stop().await;
        m.stop().await;
    }
}
