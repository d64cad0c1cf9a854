//! The delivery queue at scale: claims take a page of the queue, not all of it, yet every
//! delivery is claimed once and in order per object; successes recorded in groups are each
//! recorded once; delivered rows are pruned while pending and failed ones stay.

use crate::common;

use std::collections::{HashMap, HashSet};

use common::{
    TestDb, TestInstance, eventually,
    fleet::{MockInbox, add_followers},
};
use maillage::{
    domain::{local_actor::LocalActor, now_millis},
    processing::territories,
    storage::{
        Store,
        activities::{NewActivity, insert_activity},
        deliveries,
        territories::TerritoryUpdate,
    },
};
use serde_json::json;

async fn queue(store: &Store, n: usize, object: &str, inboxes: &[String]) -> i64 {
    let ap = format!("http://localhost/activities/q{n}");
    let json = json!({"id": ap, "type": "Update"});
    let mut tx = store.begin().await.expect("tx");
    let id = insert_activity(
        &mut tx,
        &NewActivity {
            ap_id: &ap,
            by: LocalActor::Instance,
            kind: "Update",
            object_ap_id: Some(object),
            json: &json,
            public: false,
        },
    )
    .await
    .expect("insert");
    deliveries::enqueue(&mut tx, id, object, inboxes).await.expect("enqueue");
    tx.commit().await.expect("commit");
    id
}

/// Deliveries are queued in multi-row statements (storage/deliveries.rs): across batch
/// boundaries, every inbox gets one row with its own host (port kept), the activity's id, object
/// key and time, and an inbox given twice gets one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_rows_carry_each_inbox_and_its_host_across_batches() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let mut inboxes: Vec<String> =
            (0..450).map(|i| format!("https://h{i}.example:{}/users/u{i}/inbox", 8000 + i)).collect();
        // Given twice, in the same batch and in another.
        inboxes.insert(1, inboxes[0].clone());
        inboxes.push(inboxes[5].clone());
        let id = queue(&store, 1, "http://localhost/o/x", &inboxes).await;
        let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT activity_id, inbox, host, object_key, next_attempt_at, created_at FROM deliveries ORDER BY id",
        )
        .fetch_all(store.pool())
        .await
        .expect("rows");
        assert_eq!(rows.len(), 450, "[{label}] one row per distinct inbox");
        for (i, (activity, inbox, host, key, next, created)) in rows.iter().enumerate() {
            assert_eq!(*activity, id, "[{label}] row {i}");
            assert_eq!(inbox, &format!("https://h{i}.example:{}/users/u{i}/inbox", 8000 + i), "[{label}] row {i}");
            assert_eq!(host, &format!("h{i}.example:{}", 8000 + i), "[{label}] row {i}");
            assert_eq!(key, "http://localhost/o/x", "[{label}] row {i}");
            assert!(*next > 0 && next == created, "[{label}] row {i}: due at once");
        }
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_queue_is_claimed_by_pages_once_and_in_order_then_pruned() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        // 400 inboxes over 40 hosts; two activities about one object to each: 800 deliveries,
        // far more than one claim's page (limit × 16 candidates).
        let inboxes: Vec<String> = (0..400).map(|i| format!("https://h{}.example/users/u{i}/inbox", i % 40)).collect();
        let first = queue(&store, 1, "http://localhost/o", &inboxes).await;
        let second = queue(&store, 2, "http://localhost/o", &inboxes).await;
        let mut claimed: HashSet<i64> = HashSet::new();
        let mut done_first: HashSet<String> = HashSet::new();
        let mut claims = 0;
        loop {
            let batch = store.claim_due_deliveries(8, 2, 60_000, &[]).await.expect("claim");
            if batch.is_empty() {
                break;
            }
            claims += 1;
            assert!(claims <= 800, "[{label}] the queue never drains");
            let mut per_host: HashMap<&str, usize> = HashMap::new();
            for d in &batch {
                assert!(claimed.insert(d.id), "[{label}] delivery {} claimed twice", d.id);
                *per_host.entry(d.host.as_str()).or_default() += 1;
                if d.activity_json.contains("/q2") {
                    assert!(done_first.contains(&d.inbox), "[{label}] {} got the second before the first", d.inbox);
                }
            }
            assert!(per_host.values().all(|n| *n <= 2), "[{label}] per-host cap: {per_host:?}");
            let ok: Vec<(i64, u16)> = batch.iter().map(|d| (d.id, if d.id % 2 == 0 { 200 } else { 202 })).collect();
            store.deliveries_succeeded(&ok).await.expect("record");
            for d in &batch {
                if d.activity_json.contains("/q1") {
                    done_first.insert(d.inbox.clone());
                }
            }
        }
        assert_eq!(claimed.len(), 800, "[{label}] every delivery claimed");
        let states: Vec<(String, i64, Option<i64>)> =
            sqlx::query_as("SELECT state, attempts, last_status FROM deliveries WHERE activity_id IN ($1, $2)")
                .bind(first)
                .bind(second)
                .fetch_all(store.pool())
                .await
                .expect("rows");
        assert!(
            states.iter().all(|(s, a, st)| s == "done" && *a == 1 && matches!(st, Some(200 | 202))),
            "[{label}] each success recorded once with its status"
        );

        // One failed and two pending deliveries stay through pruning.
        let third = ["https://f.example/inbox", "https://p.example/a", "https://p.example/b"].map(String::from);
        queue(&store, 3, "http://localhost/other", &third).await;
        let f = store.claim_due_deliveries(10, 1, 60_000, &[]).await.expect("claim");
        let failed = f.iter().find(|d| d.host == "f.example").expect("f.example claimed");
        store.delivery_failed(failed.id, Some(403), "refused", None).await.expect("fail");
        for d in f.iter().filter(|d| d.host != "f.example") {
            store.release_delivery(d.id).await.expect("release");
        }
        assert_eq!(store.prune_delivered(0, 100).await.expect("prune"), 0, "[{label}] nothing older than 0");
        let mut pruned = 0;
        loop {
            let n = store.prune_delivered(now_millis() + 1_000, 300).await.expect("prune");
            assert!(n <= 300, "[{label}] batch size honoured");
            pruned += n;
            if n == 0 {
                break;
            }
        }
        assert_eq!(pruned, 800, "[{label}] every delivered row pruned");
        assert_eq!(store.delivery_rows().await.expect("rows"), 3, "[{label}] failed and pending rows stay");
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_records_each_success_once_and_prunes_when_drained() {
    let m = TestInstance::start_with(TestDb::prefer_postgres().await, |c| {
        c.delivery_keep_done_secs = 0;
        c.delivery_backoff_ms = 100;
    })
    .await;
    let key = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t").public_key_pem;
    let mut mocks = vec![];
    let mut inboxes = vec![];
    for _ in 0..5 {
        let mock = MockInbox::start().await;
        mock.set_key(&key);
        for i in 0..30 {
            inboxes.push(mock.inbox(&format!("users/u{i}")));
        }
        mocks.push(mock);
    }
    let refusing = MockInbox::start().await;
    refusing.set_key(&key);
    refusing.set_behaviour(|_| (403, vec![]));
    let mut followers: Vec<(String, Option<String>)> = inboxes.iter().map(|i| (i.clone(), None)).collect();
    followers.push((refusing.inbox("no"), None));
    add_followers(&m.data.store, &followers).await;
    territories::update(
        &m.data,
        "territoire",
        TerritoryUpdate { name: Some("Élagage".into()), ..Default::default() },
        "test",
    )
    .await
    .expect("update");
    let delivered = || mocks.iter().map(|m| m.delivered().len()).sum::<usize>();
    eventually(60, "every inbox served", || async { delivered() >= inboxes.len() }).await;
    let rows = || async {
        sqlx::query_as::<_, (String, i64)>("SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state")
            .fetch_all(m.data.store.pool())
            .await
            .expect("rows")
    };
    eventually(30, "delivered rows pruned, the refused one kept", || async {
        rows().await == vec![("failed".to_string(), 1)]
    })
    .await;
    // Nothing was sent twice (a success recorded late would be claimed and sent again).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(delivered(), inboxes.len(), "each inbox served once");
    for mock in &mocks {
        assert_eq!(mock.bad_signatures(), 0);
    }
}
