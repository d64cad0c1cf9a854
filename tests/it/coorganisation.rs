//! Co-organising a shared action across three instances in process, SQLite and PostgreSQL
//! mixed (issue 12, points 7 and 8, "Tests that must exist"): A's territory invites B's
//! (another instance) to co-organise; B's moderators see the invitation and accept; B's agenda
//! lists the action and A's `Event` names B among its `organizers`; C's territory follows A
//! and sees the same; people from the fediverse (Mobilizon-shaped peers) join at A, the one
//! source of participants: Accept, then Reject when full, one leaves; B changes a practical
//! detail through A; the evaluation recorded on A (and B's) shows on A, B and C; a second
//! action cancelled by A is cancelled on B and C; B withdraws. Bad input: an `Update` or
//! `Delete` of A's action by a non-organiser is 403, an `Invite` from a non-organiser is
//! ignored, an answer to an `Invite` by another than the invited territory is 403; the
//! evaluation's 422s (before the end, not a number, unknown dimension).

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_json, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use url::Url;

fn action(title: &str, start: chrono::DateTime<chrono::Utc>, end: chrono::DateTime<chrono::Utc>) -> Value {
    json!({
        "title": title, "summary": "Deux territoires, un marché.",
        "start": start.to_rfc3339(), "end": end.to_rfc3339(), "timezone": "Europe/Paris",
        "place_name": "Halle de Redon", "commune": "Redon", "capacity": 1,
        "dimensions": ["economique", "sociale"]
    })
}

/// The published action of `m` whose ActivityPub id is `ap_id` (its API detail), if any.
async fn find(m: &TestInstance, ap_id: &str) -> Option<Value> {
    let (_, list) = call(Method::GET, m.url("/api/v1/actions"), None, None).await;
    let id = list.as_array()?.iter().find(|a| a["ap_id"] == ap_id)?["id"].as_i64()?;
    let (s, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
    (s == StatusCode::OK).then_some(detail)
}

async fn agenda_ids(m: &TestInstance) -> Vec<String> {
    let (_, list) = call(Method::GET, m.url("/api/v1/actions?territory=territoire"), None, None).await;
    list.as_array().into_iter().flatten().filter_map(|a| a["ap_id"].as_str().map(String::from)).collect()
}

async fn evaluations(m: &TestInstance, id: i64) -> Vec<Value> {
    let (_, list) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}/evaluation")), None, None).await;
    list.as_array().cloned().unwrap_or_default()
}

async fn create_published(m: &TestInstance, token: &str, body: Value) -> (i64, String) {
    let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(token), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    (id, m.url(&format!("/t/territoire/actions/{id}")))
}

/// B's invitation to `ap_id`, once it arrived: (B's action id, invitation id).
async fn received_invitation(b: &TestInstance, token: &str, ap_id: &str) -> (i64, i64) {
    let pending = || async { call(Method::GET, b.url("/api/v1/invitations?pending=true"), Some(token), None).await.1 };
    let copy = || async {
        let list = pending().await;
        let ids: Vec<i64> = list.as_array().into_iter().flatten().filter_map(|i| i["action_id"].as_i64()).collect();
        for id in ids {
            let (_, d) = call(Method::GET, b.url(&format!("/api/v1/actions/{id}")), Some(token), None).await;
            if d["ap_id"] == ap_id {
                return Some(d);
            }
        }
        None
    };
    eventually(15, "B receives the Invite", || async { copy().await.is_some() }).await;
    let held = copy().await.expect("B's copy");
    assert_eq!(held["publication"], "draft", "out of B's agenda until accepted: {held}");
    assert!(find(b, ap_id).await.is_none(), "not in B's public agenda");
    let local = held["id"].as_i64().expect("id");
    let list = pending().await;
    let inv = list.as_array().into_iter().flatten().find(|i| i["action_id"] == local).expect("pending invitation");
    assert_eq!((inv["direction"].as_str(), inv["state"].as_str()), (Some("received"), Some("pending")), "{inv}");
    (local, inv["id"].as_i64().expect("invitation id"))
}

async fn invite(a: &TestInstance, token: &str, id: i64, b: &TestInstance) -> (StatusCode, Value) {
    let body = json!({"territory": format!("territoire@{}", b.authority)});
    call(Method::POST, a.url(&format!("/api/v1/actions/{id}/invitations")), Some(token), Some(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_coorganise_join_cancel_and_evaluate() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let c = TestInstance::start(TestDb::sqlite().await).await;
    let (ta, tb) = (a.token(Role::Moderator).await, b.token(Role::Moderator).await);
    // C's territory follows A's: its agenda holds A's actions.
    maillage::processing::follows::follow_remote(&c.data, "territoire", &format!("territoire@{}", a.authority))
        .await
        .expect("follow");
    eventually(15, "C follows A", || async { get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 1 })
        .await;

    let now = chrono::Utc::now();
    let (x, x_ap) = create_published(
        &a,
        &ta,
        action("Marché commun", now - chrono::Duration::hours(1), now + chrono::Duration::hours(2)),
    )
    .await;
    eventually(15, "C stores A's action", || async { find(&c, &x_ap).await.is_some() }).await;

    // Bad input first: no territory, a draft, a stranger that is not a territory.
    let url = a.url(&format!("/api/v1/actions/{x}/invitations"));
    let (s, _) = call(Method::POST, url.clone(), Some(&ta), Some(json!({"territory": " "}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = call(Method::POST, url.clone(), None, Some(json!({"territory": "x@y"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let stranger = Peer::start_as("mobilizon").await;
    let (s, e) = call(Method::POST, url.clone(), Some(&ta), Some(json!({"territory": stranger.actor_id()}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a Person is not a territory: {e}");

    // A invites B; B's moderators see it and accept.
    let (s, inv) = invite(&a, &ta, x, &b).await;
    assert_eq!(s, StatusCode::CREATED, "{inv}");
    let (bx, binv) = received_invitation(&b, &tb, &x_ap).await;
    assert!(!agenda_ids(&b).await.contains(&x_ap), "not on B's agenda before B accepts");
    let answer = |what: &str| b.url(&format!("/api/v1/actions/{bx}/invitations/{binv}/{what}"));
    let (s, e) = call(Method::POST, answer("accept"), Some(&tb), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (s, _) = call(Method::POST, answer("accept"), Some(&tb), None).await;
    assert_eq!(s, StatusCode::CONFLICT, "answered already");

    // A lists B among the organisers, everywhere.
    let both = json!([a.territory(), b.territory()]);
    eventually(15, "A's Event names B", || async { get_json(&x_ap).await["organizers"] == both }).await;
    let event = get_json(&x_ap).await;
    assert_eq!(event["contributors"], json!([b.territory()]), "{event}");
    eventually(15, "B and C see both organisers", || async {
        find(&b, &x_ap).await.is_some_and(|d| d["organizers"] == both)
            && find(&c, &x_ap).await.is_some_and(|d| d["organizers"] == both)
    })
    .await;
    assert!(agenda_ids(&b).await.contains(&x_ap), "on B's agenda once accepted");
    assert!(!agenda_ids(&c).await.contains(&x_ap), "C only follows it");
    let (_, sent) = call(Method::GET, a.url(&format!("/api/v1/actions/{x}/invitations")), Some(&ta), None).await;
    assert_eq!(sent[0]["state"], "accepted", "{sent}");
    let invite_id = sent[0]["invite_ap_id"].as_str().expect("invite id").to_string();

    // People join at A (the one source of participants): Accept, then full → Reject; one leaves.
    let (camille, dominique) = (Peer::start_as("mobilizon").await, Peer::start_as("mobilizon").await);
    let inbox = Url::parse(&a.url("/t/territoire/inbox")).expect("inbox");
    let answers = |p: &Peer| {
        p.received().into_iter().filter(|x| x["type"] == "Accept" || x["type"] == "Reject").collect::<Vec<_>>()
    };
    camille.send(&inbox, "Join", json!(x_ap)).await.expect("join");
    eventually(15, "Accept", || async { answers(&camille).len() == 1 }).await;
    assert_eq!(answers(&camille)[0]["type"], "Accept");
    dominique.send(&inbox, "Join", json!(x_ap)).await.expect("join");
    eventually(15, "Reject", || async { answers(&dominique).len() == 1 }).await;
    assert_eq!(answers(&dominique)[0]["type"], "Reject", "full");
    assert_eq!(get_json(&x_ap).await["participantCount"], 1);
    camille.send(&inbox, "Leave", json!(x_ap)).await.expect("leave");
    eventually(15, "left", || async { get_json(&x_ap).await["participantCount"] == 0 }).await;

    // B (co-organiser) raises the capacity: A applies it and everyone sees it.
    let (s, e) =
        call(Method::PATCH, b.url(&format!("/api/v1/actions/{bx}")), Some(&tb), Some(json!({"capacity": 30}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let (s, e) =
        call(Method::PATCH, b.url(&format!("/api/v1/actions/{bx}")), Some(&tb), Some(json!({"title": "Autre"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "only practical details: {e}");
    eventually(15, "capacity 30 on A, B and C", || async {
        get_json(&x_ap).await["maximumAttendeeCapacity"] == 30
            && find(&b, &x_ap).await.is_some_and(|d| d["capacity"] == 30)
            && find(&c, &x_ap).await.is_some_and(|d| d["capacity"] == 30)
    })
    .await;
    dominique.send(&inbox, "Join", json!(x_ap)).await.expect("join");
    eventually(15, "Accept now", || async { answers(&dominique).len() == 2 }).await;
    assert_eq!(answers(&dominique)[1]["type"], "Accept");

    // Non-organisers: an Update or Delete of A's action is 403; an Invite is ignored; an
    // answer to A's Invite is 403.
    let mut forged = get_json(&x_ap).await;
    forged["name"] = json!("Détourné");
    forged["attributedTo"] = json!(stranger.actor_id());
    let update = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": stranger.new_id(), "type": "Update",
        "actor": stranger.actor_id(), "object": forged.clone()});
    assert_eq!(stranger.post_signed(inbox.as_str(), &update.to_string()).await, StatusCode::FORBIDDEN);
    let delete = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": stranger.new_id(), "type": "Delete",
        "actor": stranger.actor_id(), "object": {"id": x_ap, "type": "Tombstone", "formerType": "Event"}});
    assert_eq!(stranger.post_signed(inbox.as_str(), &delete.to_string()).await, StatusCode::FORBIDDEN);
    let fake_invite = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": stranger.new_id(), "type": "Invite",
        "actor": stranger.actor_id(), "object": forged, "target": b.territory()});
    let b_inbox = b.url("/t/territoire/inbox");
    assert_eq!(stranger.post_signed(&b_inbox, &fake_invite.to_string()).await, StatusCode::ACCEPTED);
    let fake_accept = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": stranger.new_id(), "type": "Accept",
        "actor": stranger.actor_id(), "object": {"id": invite_id, "type": "Invite"}});
    assert_eq!(stranger.post_signed(inbox.as_str(), &fake_accept.to_string()).await, StatusCode::FORBIDDEN);
    assert_eq!(get_json(&x_ap).await["name"], "Marché commun", "nothing changed");
    let (_, received) = call(Method::GET, b.url("/api/v1/invitations"), Some(&tb), None).await;
    assert_eq!(received.as_array().map(Vec::len), Some(1), "the stranger's Invite left nothing: {received}");

    // Evaluation: refused before the end; once ended, A's shows on A, B and C; B's too.
    let eval = json!({"summary": "Une belle journée.", "participants": 140,
        "indicators": [{"dimension": "economique", "label": "Ventes directes", "value": 4200, "unit": "€", "period": "2030"},
                       {"dimension": "sociale", "label": "Bénévoles", "value": "9", "unit": "personnes", "cces_indicator": "benevoles"}]});
    let ev_url = |m: &TestInstance, id: i64| m.url(&format!("/api/v1/actions/{id}/evaluation"));
    let (s, e) = call(Method::PUT, ev_url(&a, x), Some(&ta), Some(eval.clone())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["fields"]["action"], "evaluation-before-end", "{e}");
    let ended = (now - chrono::Duration::minutes(1)).to_rfc3339();
    let (s, e) =
        call(Method::PATCH, a.url(&format!("/api/v1/actions/{x}")), Some(&ta), Some(json!({"end": ended}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let mut bad = eval.clone();
    bad["indicators"][0]["value"] = json!("beaucoup");
    let (s, e) = call(Method::PUT, ev_url(&a, x), Some(&ta), Some(bad)).await;
    assert_eq!(
        (s, e["fields"]["indicators"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("indicator-not-a-number")),
        "{e}"
    );
    let mut bad = eval.clone();
    bad["indicators"][1]["dimension"] = json!("culturelle");
    let (s, e) = call(Method::PUT, ev_url(&a, x), Some(&ta), Some(bad)).await;
    assert_eq!(
        (s, e["fields"]["indicators"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("evaluation-unknown-dimension")),
        "{e}"
    );
    let (s, e) = call(Method::PUT, ev_url(&a, x), Some(&ta), Some(eval.clone())).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let evaluated_by = |list: &[Value], who: &str| {
        list.iter().any(|e| e["organizer"] == who && e["summary"].as_str().is_some_and(|s| !s.is_empty()))
    };
    let (cx, _) = (find(&c, &x_ap).await.and_then(|d| d["id"].as_i64()).expect("C's copy"), ());
    eventually(15, "A's evaluation on B and C", || async {
        evaluated_by(&evaluations(&b, bx).await, &a.territory())
            && evaluated_by(&evaluations(&c, cx).await, &a.territory())
    })
    .await;
    let on_c = evaluations(&c, cx).await;
    let mine = on_c.iter().find(|e| e["organizer"] == a.territory()).expect("A's");
    assert_eq!(mine["participants"], 140);
    assert_eq!(mine["indicators"][0]["value"], 4200.0);
    assert_eq!(mine["indicators"][1]["cces_indicator"], "benevoles");
    assert_eq!(get_json(&x_ap).await["cces:evaluation"][0]["cces:indicators"][0]["name"], "Ventes directes");
    let b_eval = json!({"summary": "Côté B : 30 paniers.", "indicators": [{"dimension": "territoriale", "label": "Paniers", "value": 30}]});
    let (s, e) = call(Method::PUT, ev_url(&b, bx), Some(&tb), Some(b_eval)).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    eventually(15, "B's evaluation through A on C", || async {
        evaluated_by(&evaluations(&c, cx).await, &b.territory())
            && evaluated_by(&evaluations(&a, x).await, &b.territory())
    })
    .await;

    // A second action, co-organised, cancelled by A: B and C reflect it.
    let (y, y_ap) = create_published(
        &a,
        &ta,
        action(
            "Atelier",
            now + chrono::Duration::days(3),
            now + chrono::Duration::days(3) + chrono::Duration::hours(2),
        ),
    )
    .await;
    let (s, _) = invite(&a, &ta, y, &b).await;
    assert_eq!(s, StatusCode::CREATED);
    let (by, binv) = received_invitation(&b, &tb, &y_ap).await;
    // This time B's moderator accepts in B's console.
    b.account("modo@b.example", "un mot de passe assez long", Role::Moderator).await;
    let mut console = common::web::Browser::new(&b.url(""));
    console.login("modo@b.example", "un mot de passe assez long").await;
    let page = console.get("/admin/invitations?t=territoire").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = format!("{by}:{binv}");
    assert!(page.body.contains("Atelier") && page.body.contains(&key), "{}", page.body);
    let csrf = page.csrf();
    let done = console
        .post(
            "/admin/invitations/decide?decision=accept",
            &[("csrf", &csrf), ("t", "territoire"), ("invitation", &key)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    eventually(15, "B co-organises Y", || async { get_json(&y_ap).await["organizers"] == both }).await;
    let (s, _) = call(Method::POST, a.url(&format!("/api/v1/actions/{y}/cancel")), Some(&ta), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    eventually(15, "cancelled on B and C", || async {
        find(&b, &y_ap).await.is_some_and(|d| d["status"] == "cancelled")
            && find(&c, &y_ap).await.is_some_and(|d| d["status"] == "cancelled")
    })
    .await;

    // B withdraws from X: A drops it from the organisers, C follows.
    let (s, e) = call(
        Method::POST,
        b.url(&format!("/api/v1/actions/{bx}/invitations/{}/withdraw", received_invitation_id(&b, &tb, bx).await)),
        Some(&tb),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let alone = json!([a.territory()]);
    eventually(15, "B withdrawn everywhere", || async {
        get_json(&x_ap).await["organizers"] == alone && find(&c, &x_ap).await.is_some_and(|d| d["organizers"] == alone)
    })
    .await;
    assert!(!agenda_ids(&b).await.contains(&x_ap), "off B's agenda");
    assert!(agenda_ids(&b).await.contains(&y_ap), "Y still co-organised by B");

    // A withdraws B from Y: Remove → B no longer lists itself.
    let (_, sent) = call(Method::GET, a.url(&format!("/api/v1/actions/{y}/invitations")), Some(&ta), None).await;
    let iy = sent[0]["id"].as_i64().expect("invitation");
    let (s, e) =
        call(Method::POST, a.url(&format!("/api/v1/actions/{y}/invitations/{iy}/withdraw")), Some(&ta), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    eventually(15, "B removed from Y", || async { !agenda_ids(&b).await.contains(&y_ap) }).await;

    for m in [a, b, c] {
        m.stop().await;
    }
}

async fn received_invitation_id(b: &TestInstance, token: &str, action: i64) -> i64 {
    let (_, list) = call(Method::GET, b.url(&format!("/api/v1/actions/{action}/invitations")), Some(token), None).await;
    list[0]["id"].as_i64().expect("invitation")
}
