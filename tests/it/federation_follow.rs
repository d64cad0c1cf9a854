//! Two and three Maillage instances on loopback follow each other over real HTTP with real
//! signatures: Follow → Accept, collections, Undo; manual approval and rejection.

use crate::common;

use common::{TestDb, TestInstance, eventually, get_json};
use maillage::{
    domain::territory::FollowState,
    processing::{follows, territories},
    storage::{follows::Direction, territories::TerritoryUpdate},
};

async fn following_state(m: &TestInstance, remote: &str) -> Option<FollowState> {
    let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let actor = m.data.store.remote_actor_by_ap_id(remote).await.expect("db")?;
    m.data.store.follow(Direction::Following, t.id, actor.id).await.expect("db").map(|f| f.state())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn territory_follows_territory_then_undoes() {
    // A on SQLite, B on PostgreSQL when available: both backends in one federation.
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;

    let followed = follows::follow_remote(&a.data, "territoire", &format!("acct:territoire@{}", b.authority))
        .await
        .expect("follow");
    assert_eq!(followed, b.territory());
    assert_eq!(following_state(&a, &b.territory()).await, Some(FollowState::Pending));

    eventually(15, "B's Accept reaches A", || async {
        following_state(&a, &b.territory()).await == Some(FollowState::Accepted)
    })
    .await;

    let followers = get_json(&b.url("/t/territoire/followers?page=1")).await;
    assert_eq!(followers["type"], "OrderedCollectionPage");
    assert_eq!(followers["totalItems"], 1);
    assert_eq!(followers["orderedItems"][0], a.territory());
    let following = get_json(&a.url("/t/territoire/following?page=1")).await;
    assert_eq!(following["totalItems"], 1);
    assert_eq!(following["orderedItems"][0], b.territory());
    // The HTML page counts them too.
    let page = common::client().get(b.url("/t/territoire")).send().await.expect("page").text().await.expect("text");
    assert!(page.contains("<strong>1</strong> abonné·e</li>"), "singular in French: {page}");

    follows::unfollow_remote(&a.data, "territoire", &b.territory()).await.expect("unfollow");
    eventually(15, "B drops A", || async { get_json(&b.url("/t/territoire/followers")).await["totalItems"] == 0 })
        .await;
    assert_eq!(get_json(&a.url("/t/territoire/following")).await["totalItems"], 0);

    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_approval_and_rejection_across_three_instances() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::sqlite().await).await;
    let c = TestInstance::start(TestDb::prefer_postgres().await).await;
    territories::update(
        &c.data,
        "territoire",
        TerritoryUpdate { manually_approves_followers: Some(true), ..Default::default() },
        "test",
    )
    .await
    .expect("update");
    let actor = get_json(&c.territory()).await;
    assert_eq!(actor["manuallyApprovesFollowers"], true);

    for m in [&a, &b] {
        follows::follow_remote(&m.data, "territoire", &format!("territoire@{}", c.authority)).await.expect("follow");
    }
    let ct = c.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
    eventually(15, "two pending follow requests on C", || async {
        c.data.store.count_follows(Direction::Followers, ct.id, FollowState::Pending).await.expect("db") == 2
    })
    .await;
    // Held: nothing accepted yet, and the public collection does not list them.
    assert_eq!(get_json(&c.url("/t/territoire/followers")).await["totalItems"], 0);
    assert_eq!(following_state(&a, &c.territory()).await, Some(FollowState::Pending));

    follows::decide_follower(&c.data, "territoire", &a.territory(), true).await.expect("approve");
    follows::decide_follower(&c.data, "territoire", &format!("territoire@{}", b.authority), false)
        .await
        .expect("reject");
    eventually(15, "A accepted", || async { following_state(&a, &c.territory()).await == Some(FollowState::Accepted) })
        .await;
    eventually(15, "B rejected", || async { following_state(&b, &c.territory()).await.is_none() }).await;
    let followers = get_json(&c.url("/t/territoire/followers?page=1")).await;
    assert_eq!(followers["totalItems"], 1);
    assert_eq!(followers["orderedItems"][0], a.territory());
    // Deciding twice is an error, not a second Accept.
    assert!(follows::decide_follower(&c.data, "territoire", &a.territory(), true).await.is_err());

    a.stop().await;
    b.stop().await;
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_network_is_refused_unless_allowed() {
    let open = TestInstance::start(TestDb::sqlite().await).await;
    let closed = TestInstance::start_with(TestDb::sqlite().await, |c| c.allow_private_network = false).await;
    // Resolving a loopback peer is refused, and nothing is stored.
    for handle in [format!("territoire@{}", open.authority), open.territory(), "territoire@127.0.0.1".to_string()] {
        let err = follows::follow_remote(&closed.data, "territoire", &handle).await;
        assert!(err.is_err(), "{handle} must be refused");
    }
    let t = closed.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
    assert_eq!(closed.data.store.count_follows(Direction::Following, t.id, FollowState::Pending).await.expect("n"), 0);
    // A correctly signed activity whose key lives on loopback is refused, nothing stored: its
    // plain-http ids already are (422, `remote_url`), before any fetch is tried; an https id on
    // a private address would fail the key fetch (SSRF resolver, http.rs tests).
    let key = open.data.store.territory_by_slug("territoire").await.expect("db").expect("t").private_key_pem;
    let body = serde_json::json!({"id": format!("{}/x", open.territory()), "type": "Follow", "actor": open.territory(), "object": closed.territory()}).to_string();
    let url = url::Url::parse(&closed.url("/inbox")).expect("url");
    let signer = maillage::federation::keys::Signer::from_pem(&key).expect("signer");
    let mut req = common::client().post(url.clone());
    for (k, v) in maillage::federation::signatures::sign_cavage(
        &http::Method::POST,
        &url,
        Some(body.as_bytes()),
        &format!("{}#main-key", open.territory()),
        &signer,
    )
    .expect("sign")
    {
        req = req.header(k, v);
    }
    let res = req.body(body).send().await.expect("post");
    assert_eq!(res.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(closed.data.store.remote_actor_by_ap_id(&open.territory()).await.expect("db").is_none());
    open.stop().await;
    closed.stop().await;
}
