//! The storage suite: the same assertions on SQLite and, when MAILLAGE_TEST_POSTGRES is set,
//! on a fresh PostgreSQL database.

use crate::common;

use common::TestDb;
use maillage::{
    domain::{local_actor::LocalActor, territory::FollowState},
    error::AppError,
    processing::territories,
    storage::{
        Store,
        activities::{NewActivity, claim_received, insert_activity},
        actors::NewRemoteActor,
        deliveries,
        follows::{self, Direction},
        hosts::is_blocked_by,
        territories::TerritoryUpdate,
    },
};
use serde_json::json;

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrate twice is a no-op");
    store
}

fn actor(n: u32, host: &str, shared: Option<&str>) -> NewRemoteActor {
    NewRemoteActor {
        ap_id: format!("https://{host}/users/u{n}"),
        kind: "Person".into(),
        preferred_username: Some(format!("u{n}")),
        name: None,
        url: None,
        inbox: format!("https://{host}/users/u{n}/inbox"),
        shared_inbox: shared.map(String::from),
        key_id: format!("https://{host}/users/u{n}#main-key"),
        public_key_pem: "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n".into(),
        host: host.into(),
        ed25519_key_id: None,
        ed25519_public_key: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_suite() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = open(&db).await;
        territories_crud(&db, &store, label).await;
        actors_and_follows(&store, label).await;
        queue_and_idempotence(&store, label).await;
        let k1 = store.instance_keys(maillage::federation::keys::generate_rsa_keypair).await.expect("keys");
        let k2 = store.instance_keys(maillage::federation::keys::generate_rsa_keypair).await.expect("keys");
        assert_eq!(k1.public_key_pem, k2.public_key_pem, "[{label}] instance keys are generated once");
        store.close().await;
        db.cleanup().await;
    }
}

async fn territories_crud(db: &TestDb, store: &Store, label: &str) {
    // Creating a territory is a change (with its audit entry): it needs the application state.
    let config =
        maillage::config::Config::for_test("http://localhost:1", db.dir.path().to_path_buf(), Some(db.url.clone()))
            .expect("config");
    let app = maillage::app::App::with_store(config, store.clone()).await.expect("app");
    let state = app.data();
    let t =
        territories::create(&state, "pays-de-redon", "Pays de Redon", "Un territoire.", "test").await.expect("create");
    assert_eq!(t.slug, "pays-de-redon");
    assert!(!t.manually_approves_followers.0 && t.discoverable.0);
    assert!(
        matches!(territories::create(&state, "pays-de-redon", "Autre", "", "test").await, Err(AppError::Conflict(_))),
        "[{label}]"
    );
    assert!(matches!(territories::create(&state, "Bad Slug", "x", "", "test").await, Err(AppError::Unprocessable(_))));
    let u = store
        .update_territory(t.id, &TerritoryUpdate { manually_approves_followers: Some(true), ..Default::default() })
        .await
        .expect("update");
    assert_eq!(u.name, "Pays de Redon", "[{label}] a partial update keeps other fields");
    assert!(u.manually_approves_followers.0);
    assert!(matches!(
        store.update_territory(maillage::domain::ids::TerritoryId(-1), &TerritoryUpdate::default()).await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(store.territories().await.expect("list").len(), 1);
    assert_eq!(store.territory_by_id(t.id).await.expect("by id").expect("some").slug, "pays-de-redon");
}

async fn actors_and_follows(store: &Store, label: &str) {
    let t = store.territory_by_slug("pays-de-redon").await.expect("db").expect("t");
    let a1 = store.upsert_remote_actor(&actor(1, "m.example", Some("https://m.example/inbox"))).await.expect("a1");
    let mut changed = actor(1, "m.example", Some("https://m.example/inbox"));
    changed.name = Some("Renamed".into());
    let again = store.upsert_remote_actor(&changed).await.expect("upsert");
    assert_eq!(again.id, a1.id, "[{label}] upsert keeps the row");
    assert_eq!(again.name.as_deref(), Some("Renamed"));
    assert_eq!(
        store.remote_actor_by_key_id("https://m.example/users/u1#main-key").await.expect("db").expect("k").id,
        a1.id
    );
    let a2 = store.upsert_remote_actor(&actor(2, "m.example", Some("https://m.example/inbox"))).await.expect("a2");
    let a3 = store.upsert_remote_actor(&actor(3, "l.example", None)).await.expect("a3");

    let mut conn = store.pool().acquire().await.expect("conn");
    for (a, state) in [(&a1, FollowState::Accepted), (&a2, FollowState::Accepted), (&a3, FollowState::Pending)] {
        follows::upsert_follow(&mut conn, Direction::Followers, t.id, a.id, &format!("https://x/f{}", a.id), state)
            .await
            .expect("follow");
    }
    // A repeated Follow while accepted stays accepted, with the newest id.
    follows::upsert_follow(&mut conn, Direction::Followers, t.id, a1.id, "https://x/f-new", FollowState::Pending)
        .await
        .expect("refollow");
    let f = store.follow(Direction::Followers, t.id, a1.id).await.expect("db").expect("f");
    assert_eq!((f.state(), f.follow_ap_id.as_str()), (FollowState::Accepted, "https://x/f-new"), "[{label}]");
    assert_eq!(store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await.expect("n"), 2);
    assert_eq!(store.count_follows(Direction::Followers, t.id, FollowState::Pending).await.expect("n"), 1);
    // Shared inbox: two followers on one host make one destination.
    let mut inboxes = store.follower_inboxes(t.id).await.expect("inboxes");
    inboxes.sort();
    assert_eq!(inboxes, vec!["https://m.example/inbox".to_string()], "[{label}]");
    follows::set_follow_state(&mut conn, Direction::Followers, t.id, a3.id, FollowState::Accepted)
        .await
        .expect("accept");
    assert_eq!(store.follower_inboxes(t.id).await.expect("inboxes").len(), 2);
    let page = store.follows_page(Direction::Followers, t.id, FollowState::Accepted, 2, 0).await.expect("page");
    assert_eq!(page.len(), 2);
    assert!(follows::delete_follow(&mut conn, Direction::Followers, t.id, a3.id).await.expect("delete"));
    assert!(!follows::delete_follow(&mut conn, Direction::Followers, t.id, a3.id).await.expect("delete twice"));
    // Deleting an actor removes its follows (foreign keys are on).
    drop(conn);
    store.delete_remote_actor(&a2.ap_id).await.expect("delete actor");
    assert_eq!(
        store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await.expect("n"),
        1,
        "[{label}] cascade"
    );
}

async fn queue_and_idempotence(store: &Store, label: &str) {
    let t = store.territory_by_slug("pays-de-redon").await.expect("db").expect("t");
    let mut tx = store.begin().await.expect("tx");
    let json = json!({"id": "http://localhost/activities/1", "type": "Accept"});
    let id = insert_activity(
        &mut tx,
        &NewActivity {
            ap_id: "http://localhost/activities/1",
            by: LocalActor::Territory(t.id),
            kind: "Accept",
            object_ap_id: None,
            json: &json,
            public: false,
        },
    )
    .await
    .expect("insert");
    let inboxes: Vec<String> = (0..10).map(|i| format!("https://h{}.example/inbox", i % 5)).collect();
    deliveries::enqueue(&mut tx, id, "http://localhost/f/1", &inboxes).await.expect("enqueue");
    tx.commit().await.expect("commit");
    // Duplicate inboxes were merged: 5 rows.
    let (a, b) =
        tokio::join!(store.claim_due_deliveries(3, 10, 60_000, &[]), store.claim_due_deliveries(3, 10, 60_000, &[]));
    let (a, b) = (a.expect("claim a"), b.expect("claim b"));
    let mut ids: Vec<i64> = a.iter().chain(b.iter()).map(|d| d.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), a.len() + b.len(), "[{label}] concurrent claims are disjoint");
    assert_eq!(ids.len(), 5, "[{label}] five distinct inboxes");
    assert!(
        store.claim_due_deliveries(10, 10, 60_000, &[]).await.expect("claim").is_empty(),
        "[{label}] leased rows are not due"
    );
    store.delivery_succeeded(ids[0], 202).await.expect("ok");
    store
        .delivery_failed(ids[1], Some(500), "boom", Some(maillage::domain::now_millis() + 3_600_000))
        .await
        .expect("retry");
    store.delivery_failed(ids[2], Some(404), "gone", None).await.expect("give up");
    let stats = store.delivery_stats().await.expect("stats");
    let pending: i64 = stats.iter().map(|s| s.pending).sum();
    let failed: i64 = stats.iter().map(|s| s.failed).sum();
    let done: i64 = stats.iter().map(|s| s.done).sum();
    assert_eq!((pending, failed, done), (3, 1, 1), "[{label}]");

    // An expired lease (a crashed worker) makes the delivery due again.
    let mut tx = store.begin().await.expect("tx");
    let json2 = json!({"id": "http://localhost/activities/2", "type": "Accept"});
    let id2 = insert_activity(
        &mut tx,
        &NewActivity {
            ap_id: "http://localhost/activities/2",
            by: LocalActor::Territory(t.id),
            kind: "Accept",
            object_ap_id: None,
            json: &json2,
            public: true,
        },
    )
    .await
    .expect("insert");
    deliveries::enqueue(&mut tx, id2, "http://localhost/f/2", &["https://z.example/inbox".to_string()])
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let first = store.claim_due_deliveries(10, 10, 1, &[]).await.expect("claim");
    assert_eq!(first.len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = store.claim_due_deliveries(10, 10, 60_000, &[]).await.expect("claim");
    assert_eq!(second.iter().map(|d| d.id).collect::<Vec<_>>(), vec![first[0].id], "[{label}] lease expired");
    assert_eq!(store.count_outbox(t.id).await.expect("outbox"), 1, "only public activities are in the outbox");

    // Drain what is left so that the next checks start from an empty queue.
    for d in store.claim_due_deliveries(100, 100, 60_000, &[]).await.expect("claim") {
        store.delivery_succeeded(d.id, 200).await.expect("ok");
    }
    store.delivery_succeeded(first[0].id, 200).await.expect("ok");
    let pending_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM deliveries WHERE state = 'pending'")
        .fetch_all(store.pool())
        .await
        .expect("pending");
    for id in pending_ids {
        store.delivery_succeeded(id, 200).await.expect("ok");
    }

    // Ordering: three activities about one object to one inbox go one at a time, in order;
    // per-host cap; skipped, unreachable and blocked hosts.
    let mut ids = vec![];
    let mut tx = store.begin().await.expect("tx");
    for n in 0..3 {
        let ap = format!("http://localhost/activities/o{n}");
        let json = json!({"id": ap, "type": "Update"});
        let id = insert_activity(
            &mut tx,
            &NewActivity {
                ap_id: &ap,
                by: LocalActor::Territory(t.id),
                kind: "Update",
                object_ap_id: Some("http://localhost/o"),
                json: &json,
                public: true,
            },
        )
        .await
        .expect("insert");
        let inboxes: Vec<String> = vec![
            "https://one.example/inbox".into(),
            "https://many.example/a".into(),
            "https://many.example/b".into(),
            "https://many.example/c".into(),
            "https://down.example/inbox".into(),
        ];
        deliveries::enqueue(&mut tx, id, "http://localhost/o", &inboxes).await.expect("enqueue");
        ids.push(id);
    }
    tx.commit().await.expect("commit");
    store.mark_unreachable("down.example").await.expect("unreachable");
    let batch = store.claim_due_deliveries(100, 2, 60_000, &[]).await.expect("claim");
    let hosts: Vec<&str> = batch.iter().map(|d| d.host.as_str()).collect();
    assert_eq!(
        hosts.iter().filter(|h| **h == "one.example").count(),
        1,
        "[{label}] one per (inbox, object) at a time: {hosts:?}"
    );
    assert_eq!(hosts.iter().filter(|h| **h == "many.example").count(), 2, "[{label}] per-host cap: {hosts:?}");
    assert!(!hosts.contains(&"down.example"), "[{label}] unreachable host skipped");
    let first_one = batch.iter().find(|d| d.host == "one.example").expect("one");
    assert!(first_one.activity_json.contains("/o0"), "[{label}] oldest first");
    assert!(
        store.claim_due_deliveries(100, 10, 60_000, &[]).await.expect("claim").iter().all(|d| d.host == "many.example")
    );
    store.delivery_succeeded(first_one.id, 200).await.expect("ok");
    let next = store.claim_due_deliveries(100, 10, 60_000, &["many.example".to_string()]).await.expect("claim");
    assert_eq!(next.len(), 1, "[{label}] skip list honoured: {next:?}");
    assert!(next[0].activity_json.contains("/o1"), "[{label}] the next one in order");
    assert!(store.host_alive("down.example").await.expect("alive"), "[{label}] was unreachable");
    assert!(store.unreachable_hosts().await.expect("hosts").is_empty());

    store.block_domain("Evil.Example", "spam").await.expect("block");
    let blocked =
        || async { store.domain_blocks().await.expect("blocks").into_iter().map(|(d, _)| d).collect::<Vec<_>>() };
    assert_eq!(blocked().await, vec!["evil.example".to_string()], "[{label}] stored lowercase");
    assert!(is_blocked_by(&blocked().await, "sub.evil.example:8443"), "[{label}] subdomains too");
    assert!(store.unblock_domain("evil.example").await.expect("unblock"));
    assert!(blocked().await.is_empty());

    // Received ids: claimed once; a rolled-back claim is no claim.
    let mut tx = store.begin().await.expect("tx");
    assert!(claim_received(&mut tx, "https://r.example/1", "https://r.example/u", "Follow").await.expect("claim"));
    tx.rollback().await.expect("rollback");
    let mut tx = store.begin().await.expect("tx");
    assert!(claim_received(&mut tx, "https://r.example/1", "https://r.example/u", "Follow").await.expect("claim"));
    assert!(!claim_received(&mut tx, "https://r.example/1", "https://r.example/u", "Follow").await.expect("claim"));
    tx.commit().await.expect("commit");
    assert!(store.was_received("https://r.example/1").await.expect("db"), "[{label}]");
}
