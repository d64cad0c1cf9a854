//! Golden files of the observatory's wire (issue 13, point 9; docs/FEDERATION.md "Observatory
//! aggregates"): a territory's `cces:Aggregate` as served, and the `Create` then `Update` that
//! carry it to a Maillage instance following the territory, as stored for delivery and as the
//! peer's inbox received them. Compared with tests/fixtures/golden/ (tests/it/common/golden.rs);
//! `MAILLAGE_BLESS=1 cargo test --test it golden_observatory::` rewrites them.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_json, golden::Golden, peer::Peer};
use maillage::domain::account::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// `value` with every month (`2026-12`, what a practice's publication date falls in) read
/// `<month>`: the golden files must not change with the calendar. Years (`2025`) stay.
fn months(value: &Value) -> Value {
    match value {
        Value::String(s)
            if s.len() == 7 && s.as_bytes()[4] == b'-' && s.chars().filter(char::is_ascii_digit).count() == 6 =>
        {
            Value::String("<month>".into())
        }
        Value::Array(a) => Value::Array(a.iter().map(months).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), months(v))).collect()),
        other => other.clone(),
    }
}

async fn publish(m: &TestInstance, token: &str, title: &str, share: i64) {
    let body = json!({"title": title, "summary": "Une pratique mesurée.", "domains": ["alimentation"],
        "dimensions": [{"dimension": "economique", "indicators": [
            {"indicator": "cces:indicator/producer-price-share", "value": share, "period": "2025"}]}]});
    let (s, created) = call(Method::POST, m.url("/api/v1/practices"), Some(token), Some(body)).await;
    assert!(s.is_success(), "{s}: {created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(token), None).await;
    assert!(s.is_success(), "publish {s}");
}

/// The aggregates stored for delivery, in order.
async fn sent(m: &TestInstance) -> Vec<Value> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT json FROM activities ORDER BY id")
        .fetch_all(m.data.store.pool())
        .await
        .expect("activities");
    rows.iter()
        .map(|j| serde_json::from_str::<Value>(j).expect("stored JSON"))
        .filter(|a| a["object"]["type"] == "cces:Aggregate")
        .collect()
}

/// The aggregates the peer received (`Peer::received` leaves them out: other tests count the
/// activities people's actions cause).
fn received(peer: &Peer) -> Vec<Value> {
    let all = peer.data().received.lock().expect("lock").clone();
    all.into_iter().filter(|a| a["object"]["type"] == "cces:Aggregate").collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_observatory_aggregate() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let peer = Peer::start_as("maillage").await;
    let g = Golden::default().host(m.base.as_str(), "maillage").host(peer.base.as_str(), "peer");
    let token = m.token(Role::Moderator).await;
    // The refresher's first pass (a territory with no figures yet, no reader) is over before
    // the peer follows: what it then receives does not depend on timing.
    let origin = m.territory();
    eventually(15, "the first figures computed", || async {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT computed_version, aggregate_sent_version FROM observatory_origins WHERE origin = $1",
        )
        .bind(&origin)
        .fetch_optional(m.data.store.pool())
        .await
        .expect("db");
        row.is_some_and(|(computed, sent)| computed >= 1 && sent == computed)
    })
    .await;
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    eventually(15, "the Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;
    assert!(received(&peer).is_empty(), "figures that went to no one are not sent again on a follow");

    publish(&m, &token, "Halle paysanne", 50).await;
    eventually(15, "the Create of the aggregate", || async { !received(&peer).is_empty() }).await;
    assert_eq!(received(&peer).len(), 1, "one aggregate");
    let create = received(&peer).remove(0);
    assert_eq!(create["type"], "Create", "the first aggregate that reaches anyone is created");
    g.check("sent/aggregate_create", &months(&sent(&m).await[0]));
    g.check("received/aggregate_create", &months(&create));

    publish(&m, &token, "Marché de plein vent", 90).await;
    eventually(15, "the Update of the aggregate", || async { received(&peer).len() >= 2 }).await;
    assert_eq!(received(&peer).len(), 2, "one Update");
    let update = received(&peer).remove(1);
    assert_eq!(update["type"], "Update");
    assert_eq!(update["object"]["id"], create["object"]["id"], "the same object, updated");
    g.check("sent/aggregate_update", &months(&sent(&m).await[1]));
    g.check("received/aggregate_update", &months(&update));
    g.check("served/aggregate", &months(&get_json(&m.url("/t/territoire/observatoire/agregat")).await));
    assert!(peer.refused().is_empty(), "{:?}", peer.refused());
    peer.stop().await;
    m.stop().await;
}
