//! The delivery engine against mock inboxes that verify signatures: retries and backoff,
//! Retry-After, a peer down then back, 410, refusals, double-knocking, per-object order,
//! unreachable hosts and their return, shared-inbox deduplication, metrics.

use crate::common;

use std::time::Duration;

use common::{
    TestDb, TestInstance, eventually,
    fleet::{MockInbox, add_followers},
};
use maillage::{processing::territories, storage::territories::TerritoryUpdate};

async fn instance() -> TestInstance {
    TestInstance::start_with(TestDb::prefer_postgres().await, |c| {
        c.delivery_backoff_ms = 100;
        c.delivery_lease_secs = 2;
    })
    .await
}

async fn territory_key(m: &TestInstance) -> String {
    m.data.store.territory_by_slug("territoire").await.expect("db").expect("t").public_key_pem
}

async fn rename(m: &TestInstance, name: &str) {
    territories::update(
        &m.data,
        "territoire",
        TerritoryUpdate { name: Some(name.into()), ..Default::default() },
        "test",
    )
    .await
    .expect("update");
}

async fn delivery_row(m: &TestInstance, inbox: &str) -> (String, i64, Option<i64>) {
    sqlx::query_as("SELECT state, attempts, last_status FROM deliveries WHERE inbox = $1 ORDER BY id DESC LIMIT 1")
        .bind(inbox)
        .fetch_one(m.data.store.pool())
        .await
        .expect("delivery row")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_backoff_retry_after_gone_and_refusals() {
    let m = instance().await;
    let key = territory_key(&m).await;
    let flaky = MockInbox::start().await; // 500, 500, then 202
    let limited = MockInbox::start().await; // 429 Retry-After: 1, then 202
    let gone = MockInbox::start().await; // 410
    let refusing = MockInbox::start().await; // 403
    for (mock, behaviour) in [(&flaky, 0), (&limited, 1), (&gone, 2), (&refusing, 3)] {
        mock.set_key(&key);
        match behaviour {
            0 => mock.set_behaviour(|n| (if n < 2 { 500 } else { 202 }, vec![])),
            1 => mock
                .set_behaviour(|n| if n == 0 { (429, vec![("retry-after", "1".to_string())]) } else { (202, vec![]) }),
            2 => mock.set_behaviour(|_| (410, vec![])),
            _ => mock.set_behaviour(|_| (403, vec![])),
        }
    }
    let inboxes = [flaky.inbox("a"), limited.inbox("b"), gone.inbox("c"), refusing.inbox("d")];
    add_followers(&m.data.store, &inboxes.iter().map(|i| (i.clone(), None)).collect::<Vec<_>>()).await;
    rename(&m, "Pays de Redon").await;

    eventually(20, "flaky inbox served after two 500s", || async { flaky.delivered().len() == 1 }).await;
    let r = flaky.received();
    assert_eq!(r.len(), 3, "two failures then success");
    let gap1 = r[1].at - r[0].at;
    let gap2 = r[2].at - r[1].at;
    assert!(gap1 >= Duration::from_millis(90), "first retry after the base delay: {gap1:?}");
    assert!(gap2 >= Duration::from_millis(350), "backoff grows ×4: {gap2:?}");
    eventually(5, "success recorded", || async { delivery_row(&m, &inboxes[0]).await.0 == "done" }).await;
    assert_eq!(delivery_row(&m, &inboxes[0]).await, ("done".into(), 3, Some(202)));

    eventually(20, "429 honoured then delivered", || async { limited.delivered().len() == 1 }).await;
    let r = limited.received();
    assert!(r[1].at - r[0].at >= Duration::from_millis(950), "Retry-After: 1 s honoured");

    eventually(20, "410 answered", || async { delivery_row(&m, &inboxes[2]).await.0 == "failed" }).await;
    assert_eq!(gone.received().len(), 1, "410 is not retried");
    assert!(
        m.data
            .store
            .remote_actor_by_ap_id(&format!("{}#actor2", inboxes[2].trim_end_matches("/inbox")))
            .await
            .expect("db")
            .is_none(),
        "410 removes the follower"
    );

    eventually(20, "403 answered", || async { delivery_row(&m, &inboxes[3]).await.0 == "failed" }).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(refusing.received().len(), 1, "4xx is not retried");
    for mock in [&flaky, &limited, &gone, &refusing] {
        assert_eq!(mock.bad_signatures(), 0, "every request carried a valid signature");
        assert_eq!(mock.received()[0].body["type"], "Update");
        assert_eq!(mock.received()[0].body["object"]["name"], "Pays de Redon");
    }

    eventually(5, "outcomes recorded", || async { delivery_row(&m, &inboxes[1]).await.0 == "done" }).await;
    let metrics = common::client().get(m.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    assert!(metrics.contains("maillage_deliveries_total{outcome=\"retry\"} 3"), "{metrics}");
    assert!(metrics.contains("maillage_deliveries_total{outcome=\"success\"} 2"), "{metrics}");
    assert!(metrics.contains("maillage_delivery_duration_seconds_count"), "{metrics}");
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_down_then_back_gets_everything_in_order() {
    let m = instance().await;
    let key = territory_key(&m).await;
    // Reserve a port, leave nothing listening on it: the peer is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let inbox = format!("http://localhost:{port}/users/x/inbox");
    add_followers(&m.data.store, &[(inbox.clone(), None)]).await;
    for name in ["Un", "Deux", "Trois"] {
        rename(&m, name).await;
    }
    eventually(10, "failed tries recorded", || async {
        let (_, attempts, _) = delivery_row(&m, &inbox).await;
        attempts >= 0
            && sqlx::query_scalar::<_, i64>("SELECT MAX(attempts) FROM deliveries")
                .fetch_one(m.data.store.pool())
                .await
                .expect("max")
                >= 2
    })
    .await;
    let back = MockInbox::start_on(port).await;
    back.set_key(&key);
    back.set_delay(Duration::from_millis(30));
    eventually(30, "all three Updates delivered once the peer is back", || async { back.delivered().len() == 3 }).await;
    let names: Vec<String> =
        back.delivered().iter().map(|r| r.body["object"]["name"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(names, vec!["Un", "Deux", "Trois"], "updates of one object arrive in order");
    back.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_knocking_is_remembered_per_host() {
    let m = instance().await;
    let key = territory_key(&m).await;
    let strict = MockInbox::start().await;
    strict.set_key(&key);
    strict.set_formats(vec!["rfc9421"]);
    let classic = MockInbox::start().await;
    classic.set_key(&key);
    classic.set_formats(vec!["cavage"]);
    add_followers(&m.data.store, &[(strict.inbox("s"), None), (classic.inbox("c"), None)]).await;
    rename(&m, "Premier").await;
    eventually(10, "both delivered", || async { strict.delivered().len() == 1 && classic.delivered().len() == 1 })
        .await;
    let formats: Vec<&str> = strict.received().iter().map(|r| r.format).collect();
    assert_eq!(formats, vec!["cavage", "rfc9421"], "cavage first, then RFC 9421 after the 401");
    assert_eq!(classic.received().len(), 1, "no second knock where the first worked");
    // The worker records the format after the peer answered: wait for it, not for the peer.
    eventually(10, "the format that worked remembered for the host", || async {
        let host = m.data.store.host(&strict.authority).await.expect("db").expect("host");
        host.signature_format.as_deref() == Some("rfc9421")
    })
    .await;
    rename(&m, "Second").await;
    eventually(10, "second delivered", || async { strict.delivered().len() == 2 }).await;
    assert_eq!(strict.received().len(), 3, "the remembered format works at the first knock");
    assert_eq!(strict.received()[2].format, "rfc9421");
    assert_eq!(strict.bad_signatures() + classic.bad_signatures(), 0);
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_inbox_once_per_host_and_unreachable_hosts_come_back() {
    let m = TestInstance::start_with(TestDb::sqlite().await, |c| {
        c.delivery_backoff_ms = 100;
        c.delivery_lease_secs = 2;
        c.delivery_horizon_secs = 1;
        c.probe_interval_secs = 1;
    })
    .await;
    let key = territory_key(&m).await;
    let shared = MockInbox::start().await;
    shared.set_key(&key);
    // Twenty followers on one host that advertises a shared inbox: one request.
    let followers: Vec<(String, Option<String>)> =
        (0..20).map(|i| (shared.inbox(&format!("u{i}")), Some(format!("{}inbox", shared.base)))).collect();
    // And a host that is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let down_inbox = format!("http://localhost:{port}/inbox");
    let mut all = followers.clone();
    all.push((down_inbox.clone(), None));
    add_followers(&m.data.store, &all).await;
    rename(&m, "Un").await;
    eventually(10, "shared inbox served", || async { shared.delivered().len() == 1 }).await;
    assert_eq!(shared.delivered()[0].path, "/inbox");
    let down_host = format!("localhost:{port}");
    eventually(15, "down host marked unreachable after the horizon", || async {
        m.data.store.host(&down_host).await.expect("db").and_then(|h| h.unreachable_since).is_some()
    })
    .await;
    // While unreachable, a new delivery to it waits; the host comes back and a probe finds it.
    rename(&m, "Deux").await;
    let back = MockInbox::start_on(port).await;
    back.set_key(&key);
    eventually(20, "probe revives the host and the waiting delivery goes", || async {
        back.delivered().iter().any(|r| r.body["object"]["name"] == "Deux")
    })
    .await;
    assert!(m.data.store.host(&down_host).await.expect("db").expect("host").unreachable_since.is_none());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(shared.delivered().len(), 2, "one request per activity for the whole host");
    back.stop().await;
    shared.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_are_retried_and_metrics_need_the_token() {
    let m = TestInstance::start_with(TestDb::sqlite().await, |c| {
        c.delivery_backoff_ms = 100;
        c.http_timeout_secs = 1;
        c.metrics_token = Some("s3cret".into());
    })
    .await;
    let slow = MockInbox::start().await;
    slow.set_key(&territory_key(&m).await);
    slow.set_delay(Duration::from_millis(1500));
    add_followers(&m.data.store, &[(slow.inbox("slow"), None)]).await;
    rename(&m, "Lent").await;
    eventually(10, "first try timed out", || async { delivery_row(&m, &slow.inbox("slow")).await.1 >= 1 }).await;
    let (state, _, status) = delivery_row(&m, &slow.inbox("slow")).await;
    assert_eq!((state.as_str(), status), ("pending", None), "a timeout is retried");
    slow.set_delay(Duration::ZERO);
    eventually(10, "delivered once the peer answers in time", || async {
        delivery_row(&m, &slow.inbox("slow")).await.0 == "done"
    })
    .await;

    let c = common::client();
    assert_eq!(c.get(m.url("/metrics")).send().await.expect("m").status(), reqwest::StatusCode::UNAUTHORIZED);
    let wrong = c.get(m.url("/metrics")).bearer_auth("nope").send().await.expect("m");
    assert_eq!(wrong.status(), reqwest::StatusCode::UNAUTHORIZED);
    let ok = c.get(m.url("/metrics")).bearer_auth("s3cret").send().await.expect("m");
    assert_eq!(ok.status(), reqwest::StatusCode::OK);
    let text = ok.text().await.expect("text");
    assert!(text.contains("maillage_deliveries_total{outcome=\"retry\"}"), "{text}");
    slow.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_sent_to_blocked_domains() {
    let m = instance().await;
    let mock = MockInbox::start().await;
    add_followers(&m.data.store, &[(mock.inbox("a"), None)]).await;
    maillage::processing::domains::block(&m.data, "localhost", "spam").await.expect("block");
    rename(&m, "Bloqué").await;
    eventually(10, "delivery given up", || async { delivery_row(&m, &mock.inbox("a")).await.0 == "failed" }).await;
    assert!(mock.received().is_empty(), "nothing reached the blocked host");
    mock.stop().await;
    m.stop().await;
}
