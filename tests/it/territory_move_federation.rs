//! A territory moved from instance A to instance B over real HTTP with real signatures, with a
//! follower on instance C (a Maillage territory): A sends `Move`, C checks that B's Group lists
//! A's in `alsoKnownAs`, undoes its follow of A and follows B; A's pages redirect (301) while
//! its actor document carries `movedTo`. A `Move` whose target does not list the old Group is
//! ignored, and A refuses to move to such a target at all. B on PostgreSQL when configured.

use maillage::{
    domain::{local_actor::LocalActor, territory::FollowState},
    error::AppError,
    federation::{outgoing, protocol::activities::move_actor},
    processing::{follows, territory_moves, territory_transfer, unit::Change},
    storage::follows::Direction,
};
use url::Url;

use crate::common::{TestDb, TestInstance, client, eventually, get_json, golden::Golden};

const PASS: &str = "une phrase de passe assez longue";

/// How the default territory of `m` relates to `remote` (`Following` or `Followers`).
async fn relation(m: &TestInstance, slug: &str, dir: Direction, remote: &str) -> Option<FollowState> {
    let t = m.data.store.territory_by_slug(slug).await.expect("db").expect("territory");
    let actor = m.data.store.remote_actor_by_ap_id(remote).await.expect("db")?;
    m.data.store.follow(dir, t.id, actor.id).await.expect("db").map(|f| f.state())
}

/// C's territory follows A's, accepted.
async fn c_follows_a(a: &TestInstance, c: &TestInstance) {
    follows::follow_remote(&c.data, "territoire", &a.territory()).await.expect("follow");
    eventually(20, "C follows A", || async {
        relation(c, "territoire", Direction::Following, &a.territory()).await == Some(FollowState::Accepted)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_moved_territory_keeps_its_maillage_follower() {
    let a = super::territory_move::seeded(TestDb::sqlite().await).await;
    let b = super::territory_move::target(TestDb::prefer_postgres().await).await;
    let c = TestInstance::start(TestDb::sqlite().await).await;
    c_follows_a(&a, &c).await;

    let sealed_file = territory_transfer::export(&a.data, "territoire", PASS).await.expect("export");
    territory_transfer::import(&b.data, &sealed_file, PASS, "cli").await.expect("import");
    let new = b.url("/t/territoire");
    let b_actor = get_json(&new).await;
    assert_eq!(b_actor["alsoKnownAs"][0], a.territory(), "B's Group names A's: {b_actor}");

    let sent =
        territory_moves::move_to(&a.data, "territoire", &Url::parse(&new).expect("url"), "cli").await.expect("move");
    assert_eq!(sent, 1, "one follower inbox");
    eventually(30, "C follows B", || async {
        relation(&c, "territoire", Direction::Following, &new).await == Some(FollowState::Accepted)
    })
    .await;
    assert_eq!(relation(&c, "territoire", Direction::Following, &a.territory()).await, None, "C left A");
    assert_eq!(
        relation(&b, "territoire", Direction::Followers, &c.territory()).await,
        Some(FollowState::Accepted),
        "B counts C among its followers"
    );
    eventually(20, "A saw C's Undo", || async {
        relation(&a, "territoire", Direction::Followers, &c.territory()).await.is_none()
    })
    .await;

    // The old address: pages redirect, the actor document says where it went.
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    for (path, to) in [("/t/territoire", new.clone()), ("/t/territoire/signataires", format!("{new}/signataires"))] {
        let res = no_redirect.get(a.url(path)).send().await.expect("get");
        assert_eq!(res.status(), 301, "{path}");
        assert_eq!(res.headers()["location"].to_str().expect("location"), to, "{path}");
    }
    let old_actor = get_json(&a.territory()).await;
    assert_eq!(old_actor["movedTo"], new, "{old_actor}");
    assert_eq!(old_actor["type"], "Group");

    // Golden files: the Move as sent, the old actor with `movedTo`, the new with `alsoKnownAs`.
    let g =
        Golden::default().host(a.base.as_str(), "old").host(b.base.as_str(), "new").host(c.base.as_str(), "follower");
    let sent_move: String = sqlx::query_scalar("SELECT json FROM activities WHERE kind = 'Move'")
        .fetch_one(a.data.store.pool())
        .await
        .expect("the Move stored for delivery");
    g.check("sent/territory_move", &serde_json::from_str(&sent_move).expect("json"));
    g.check("served/territory_moved_actor", &old_actor);
    g.check("served/territory_also_known_as", &b_actor);

    // The signatories arrived whole on B, and their contact details are not public there.
    let t = b.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let private = b.data.store.signatories_private(t.id).await.expect("signatories");
    assert_eq!(private.len(), 3);
    assert!(private.iter().all(|s| s.email.as_deref().is_some_and(|e| e.ends_with("@prive.example"))));
    let page =
        client().get(b.url("/t/territoire/signataires.json")).send().await.expect("get").text().await.expect("body");
    assert!(!page.contains("@prive.example"), "{page}");
    for m in [a, b, c] {
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_to_a_group_that_does_not_name_the_old_one_is_ignored() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let c = TestInstance::start(TestDb::sqlite().await).await;
    c_follows_a(&a, &c).await;
    let target = Url::parse(&b.territory()).expect("url");

    // A refuses to move there: B's Group does not list A's.
    match territory_moves::move_to(&a.data, "territoire", &target, "cli").await {
        Err(AppError::BadRequest(m)) => assert!(m.contains("alsoKnownAs"), "{m}"),
        other => panic!("moved to a Group that does not name it: {other:?}"),
    }
    let t = a.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    assert_eq!(t.moved_to, None, "nothing written");

    // A Move sent anyway (as a misbehaving server would) is ignored by C.
    let inboxes = a.data.store.follower_inboxes(t.id).await.expect("inboxes");
    let id = outgoing::new_activity_id(&a.data);
    let old = Url::parse(&a.territory()).expect("url");
    let json = move_actor(&id, &old, &target, &a.data.urls.territory_followers("territoire"));
    let mut change = Change::begin(&a.data).await.expect("begin");
    change.queue(LocalActor::Territory(t.id), &json, true, &inboxes).await.expect("queue");
    change.audit("test", "test.move", "a Move without alias").await.expect("audit");
    change.commit().await.expect("commit");
    eventually(20, "the Move delivered to C", || async {
        let state: Option<String> = sqlx::query_scalar(
            "SELECT d.state FROM deliveries d JOIN activities a ON a.id = d.activity_id WHERE a.ap_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(a.data.store.pool())
        .await
        .expect("db");
        state.as_deref() == Some("done")
    })
    .await;
    assert_eq!(
        relation(&c, "territoire", Direction::Following, &a.territory()).await,
        Some(FollowState::Accepted),
        "C still follows A"
    );
    assert_eq!(relation(&c, "territoire", Direction::Following, target.as_str()).await, None, "and not B");
    for m in [a, b, c] {
        m.stop().await;
    }
}
