//! The delivery queue across real processes: `kill -9` of `maillage serve` in the middle of a
//! fan-out loses nothing, and two `maillage serve` processes on one PostgreSQL database share
//! the queue without sending any delivery twice.

use crate::common;

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::{
    TestDb, eventually,
    fleet::{MockInbox, add_followers},
};
use maillage::storage::Store;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn cmd(db: &TestDb, public_port: u16, bind_port: u16) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_maillage"));
    c.current_dir(db.dir.path())
        .env_remove("RUST_LOG")
        .env("MAILLAGE_DATA_DIR", db.dir.path())
        .env("MAILLAGE_DATABASE_URL", &db.url)
        .env("MAILLAGE_PUBLIC_URL", format!("http://localhost:{public_port}"))
        .env("MAILLAGE_BIND", format!("127.0.0.1:{bind_port}"))
        .env("MAILLAGE_ALLOW_PRIVATE_NETWORK", "true")
        .env("MAILLAGE_DELIVERY_LEASE_SECS", "2")
        .env("MAILLAGE_DELIVERY_BACKOFF_MS", "100");
    c
}

fn run_ok(c: &mut Command) {
    let out = c.output().expect("run");
    assert!(out.status.success(), "{c:?}: {}", String::from_utf8_lossy(&out.stderr));
}

async fn serve(db: &TestDb, public_port: u16, bind_port: u16) -> Proc {
    serve_with_lease(db, public_port, bind_port, 2).await
}

async fn serve_with_lease(db: &TestDb, public_port: u16, bind_port: u16, lease_secs: u32) -> Proc {
    let log = std::fs::File::create(db.dir.path().join(format!("serve-{bind_port}.log"))).expect("log");
    let child = cmd(db, public_port, bind_port)
        .env("MAILLAGE_DELIVERY_LEASE_SECS", lease_secs.to_string())
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("serve");
    let url = format!("http://127.0.0.1:{bind_port}/healthz");
    eventually(120, "server up", || {
        let url = url.clone();
        async move { common::client().get(url).send().await.map(|r| r.status().is_success()).unwrap_or(false) }
    })
    .await;
    Proc(child)
}

/// A fleet of `hosts` mock servers with `per_host` follower inboxes each (no shared inbox).
async fn fleet(store: &Store, hosts: usize, per_host: usize, delay_ms: u64) -> (Vec<MockInbox>, Vec<String>) {
    let key = store.territory_by_slug("territoire").await.expect("db").expect("t").public_key_pem;
    let mut mocks = vec![];
    let mut inboxes = vec![];
    for _ in 0..hosts {
        let m = MockInbox::start().await;
        m.set_key(&key);
        m.set_delay(Duration::from_millis(delay_ms));
        for i in 0..per_host {
            inboxes.push(m.inbox(&format!("users/u{i}")));
        }
        mocks.push(m);
    }
    add_followers(store, &inboxes.iter().map(|i| (i.clone(), None)).collect::<Vec<_>>()).await;
    (mocks, inboxes)
}

/// How many verified deliveries each inbox path received, per mock.
fn counts(mocks: &[MockInbox]) -> HashMap<String, usize> {
    let mut c = HashMap::new();
    for m in mocks {
        assert_eq!(m.bad_signatures(), 0);
        for r in m.delivered() {
            *c.entry(format!("{}{}", m.base.as_str().trim_end_matches('/'), r.path)).or_default() += 1;
        }
    }
    c
}

async fn pending(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE state <> 'done'")
        .fetch_one(store.pool())
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_fan_out_loses_nothing() {
    for db in TestDb::all().await {
        let label = db.label;
        let port = free_port();
        run_ok(cmd(&db, port, port).args(["territory", "list"]));
        let store = Store::connect(&db.url).await.expect("store");
        let (mocks, inboxes) = fleet(&store, 20, 10, 25).await;
        run_ok(cmd(&db, port, port).args(["territory", "update", "territoire", "--name", "Après"]));
        assert_eq!(pending(&store).await, 200, "[{label}] fan-out queued");

        let mut first = serve(&db, port, port).await;
        eventually(120, "a part of the fan-out delivered", || async { counts(&mocks).len() >= 40 }).await;
        first.0.kill().expect("kill -9");
        let _ = first.0.wait();
        let at_kill = counts(&mocks).len();
        assert!(at_kill < 200, "[{label}] killed mid-way ({at_kill} of 200 delivered)");

        let second = serve(&db, port, port).await;
        eventually(180, "every delivery done after restart", || async { pending(&store).await == 0 }).await;
        let c = counts(&mocks);
        for inbox in &inboxes {
            assert!(c.get(inbox).copied().unwrap_or(0) >= 1, "[{label}] {inbox} never got the Update");
        }
        let repeats: usize = c.values().map(|n| n - 1).sum();
        // Only deliveries in flight at the kill (at most `delivery_concurrency`) may repeat.
        assert!(repeats <= 16, "[{label}] {repeats} repeated deliveries");
        drop(second);
        for m in mocks {
            m.stop().await;
        }
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_postgresql_send_each_delivery_once() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("MAILLAGE_TEST_POSTGRES not set: the two-process test needs PostgreSQL (CI sets it)");
        return;
    };
    let public = free_port();
    let (p1, p2) = (free_port(), free_port());
    run_ok(cmd(&db, public, p1).args(["territory", "list"]));
    let store = Store::connect(&db.url).await.expect("store");
    let (mocks, inboxes) = fleet(&store, 30, 10, 20).await;
    // What is tested: two processes never hold the same delivery at once. A lease that lapses
    // is taken again on purpose (at least once: a crashed process loses nothing), so the lease
    // here is the default's order of magnitude, not 2 s: on a loaded 2-core machine a send can
    // wait longer than 2 s for the CPU, and its redelivery would be by design, not a double claim.
    let a = serve_with_lease(&db, public, p1, 30).await;
    let b = serve_with_lease(&db, public, p2, 30).await;
    run_ok(cmd(&db, public, p1).args(["territory", "update", "territoire", "--name", "Deux processus"]));
    eventually(180, "fan-out done", || async { pending(&store).await == 0 }).await;
    let c = counts(&mocks);
    assert_eq!(c.len(), inboxes.len(), "every inbox served");
    assert!(c.values().all(|n| *n == 1), "no delivery sent twice: {:?}", c.values().filter(|n| **n > 1).count());
    // Both processes took part.
    for port in [p1, p2] {
        let text = common::client()
            .get(format!("http://127.0.0.1:{port}/metrics"))
            .send()
            .await
            .expect("m")
            .text()
            .await
            .expect("t");
        let line =
            text.lines().find(|l| l.starts_with("maillage_deliveries_total{outcome=\"success\"}")).unwrap_or("none 0");
        let n: u64 = line.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        assert!(n > 0, "process on {port} delivered nothing");
    }
    drop(a);
    drop(b);
    for m in mocks {
        m.stop().await;
    }
    store.close().await;
    db.cleanup().await;
}
