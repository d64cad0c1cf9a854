//! Issue 13, point 7: an observatory instance O subscribes to instance A as a whole (O's
//! `Application` actor follows A's, found through NodeInfo), over real HTTP with real
//! signatures. A territory created on A after the subscription reaches O with its practice;
//! a territory of another instance B that nobody on O follows does not. Unsubscribing sends
//! Undo(Follow). With `subscribers_by_hand`, A holds the subscription until an admin decides.

use crate::common;

use common::{TestDb, TestInstance, eventually, get_json};
use maillage::{
    domain::{practice::PracticeInput, subscription::SubscriptionKind, territory::FollowState},
    processing::{practices, subscriptions, territories},
};

/// A practice written and published in territory `slug` of `m`: its ActivityPub id.
async fn publish(m: &TestInstance, slug: &str, title: &str) -> String {
    let input = PracticeInput {
        title: title.into(),
        summary: "Résumé.".into(),
        domains: vec!["alimentation".into()],
        ..Default::default()
    };
    let id = practices::create(&m.data, slug, &input, "test").await.map_err(|_| "create").expect("create");
    practices::set_published(&m.data, id, true, "test").await.expect("publish");
    m.data.store.practice(id).await.expect("db").expect("practice").ap_id
}

async fn subscription_state(o: &TestInstance) -> Option<FollowState> {
    o.data.store.subscriptions().await.expect("db").first().map(|s| s.state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observatory_subscribes_to_a_whole_instance() {
    let o = TestInstance::start(TestDb::prefer_postgres().await).await;
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::sqlite().await).await;

    // The instance actor is found through NodeInfo (FEP-2677) from the bare base URL.
    let followed =
        subscriptions::subscribe(&o.data, &a.url("/"), SubscriptionKind::Instance, "test").await.expect("subscribe");
    assert_eq!(followed, a.url("/actor"));
    assert_eq!(subscription_state(&o).await, Some(FollowState::Pending));
    eventually(15, "A's Accept reaches O", || async { subscription_state(&o).await == Some(FollowState::Accepted) })
        .await;
    let subscribers = a.data.store.subscribers().await.expect("db");
    assert_eq!(subscribers.len(), 1);
    assert_eq!(
        (subscribers[0].actor_ap_id.as_str(), subscribers[0].state),
        (o.url("/actor").as_str(), FollowState::Accepted)
    );
    assert_eq!(get_json(&a.url("/actor")).await["manuallyApprovesFollowers"], false, "A accepts subscribers at once");

    // A territory created on A after the subscription: its practice reaches O.
    territories::create(&a.data, "pays-nouveau", "Pays nouveau", "Créé après l'abonnement.", "test")
        .await
        .expect("territory");
    let later = publish(&a, "pays-nouveau", "Épicerie solidaire du Pays nouveau").await;
    let on_default = publish(&a, "territoire", "Marché de producteurs").await;
    // B's territory: O follows nothing there; its practice must not be stored even if pushed.
    let from_b = publish(&b, "territoire", "Pratique de B").await;
    eventually(20, "A's practices reach O", || async {
        o.data.store.practice_by_ap_id(&later).await.expect("db").is_some()
            && o.data.store.practice_by_ap_id(&on_default).await.expect("db").is_some()
    })
    .await;
    let stored = o.data.store.practice_by_ap_id(&later).await.expect("db").expect("practice");
    assert_eq!(stored.origin_actor, a.url("/t/pays-nouveau"), "recorded with its origin territory");
    assert!(stored.is_published());
    // The territory learned this way is recorded with the subscription it came by.
    let learned = o.data.store.learned_territories().await.expect("db");
    assert!(
        learned.iter().any(|t| t.actor_ap_id == a.url("/t/pays-nouveau") && t.via_ap_id == a.url("/actor")),
        "{learned:?}"
    );
    // O's catalogue shows it.
    let catalogue = common::get_html(&o.url("/pratiques")).await;
    assert!(catalogue.contains("Épicerie solidaire du Pays nouveau"), "in O's catalogue");
    assert!(o.data.store.practice_by_ap_id(&from_b).await.expect("db").is_none(), "B's practice never reached O");

    // Pushed by hand from B's territory to O: refused as from a territory O does not follow.
    let b_territory = b.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
    let article = maillage::processing::practices::article_json(
        &b.data,
        &b.data.store.practice_by_ap_id(&from_b).await.expect("db").expect("p"),
    )
    .await
    .expect("article");
    let mut change = maillage::processing::unit::Change::begin(&b.data).await.expect("begin");
    let create = serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": b.url("/activities/pushed-to-o"),
        "type": "Create",
        "actor": b.url("/t/territoire"),
        "object": article,
    });
    change
        .queue(maillage::domain::local_actor::LocalActor::Territory(b_territory.id), &create, false, &[o.url("/inbox")])
        .await
        .expect("queue");
    change.commit().await.expect("commit");
    eventually(15, "O received B's push", || async {
        o.data.store.remote_actor_by_ap_id(&b.url("/t/territoire")).await.expect("db").is_some()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(o.data.store.practice_by_ap_id(&from_b).await.expect("db").is_none(), "ignored: not followed");

    // Unsubscribing: Undo(Follow), A forgets O.
    subscriptions::unsubscribe(&o.data, &a.authority, "test").await.expect("unsubscribe");
    assert!(o.data.store.subscriptions().await.expect("db").is_empty());
    eventually(15, "A drops O", || async { a.data.store.subscribers().await.expect("db").is_empty() }).await;
    let after = publish(&a, "pays-nouveau", "Après le désabonnement").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(o.data.store.practice_by_ap_id(&after).await.expect("db").is_none(), "no longer delivered");

    o.stop().await;
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_held_for_approval_then_refused_or_approved() {
    let a = TestInstance::start_with(TestDb::sqlite().await, |c| c.subscribers_by_hand = true).await;
    let o = TestInstance::start(TestDb::sqlite().await).await;
    let p = TestInstance::start(TestDb::sqlite().await).await;
    assert_eq!(get_json(&a.url("/actor")).await["manuallyApprovesFollowers"], true);
    for m in [&o, &p] {
        subscriptions::subscribe(&m.data, &a.authority, SubscriptionKind::Instance, "test").await.expect("subscribe");
    }
    eventually(15, "two subscriptions held on A", || async {
        let s = a.data.store.subscribers().await.expect("db");
        s.len() == 2 && s.iter().all(|s| s.state == FollowState::Pending)
    })
    .await;
    // Held: nothing delivered to them.
    let held = publish(&a, "territoire", "Pendant l'attente").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(o.data.store.practice_by_ap_id(&held).await.expect("db").is_none());

    subscriptions::decide_subscriber(&a.data, &o.url("/actor"), true, "admin").await.expect("approve");
    subscriptions::decide_subscriber(&a.data, &p.authority, false, "admin").await.expect("refuse");
    eventually(15, "O accepted, P refused", || async {
        subscription_state(&o).await == Some(FollowState::Accepted) && subscription_state(&p).await.is_none()
    })
    .await;
    assert!(subscriptions::decide_subscriber(&a.data, &p.authority, true, "admin").await.is_err(), "nothing pending");
    let now = publish(&a, "territoire", "Après l'accord").await;
    eventually(15, "delivered to O once approved", || async {
        o.data.store.practice_by_ap_id(&now).await.expect("db").is_some()
    })
    .await;
    assert!(p.data.store.practice_by_ap_id(&now).await.expect("db").is_none());
    // The audit log names the decisions.
    let audit = a.data.store.audit_page(50, 0).await.expect("db");
    assert!(audit.iter().any(|e| e.action == "subscriber.approve"));
    assert!(audit.iter().any(|e| e.action == "subscriber.reject"));

    a.stop().await;
    o.stop().await;
    p.stop().await;
}

/// A LitePub relay (the test peer answering in activityrelay's shapes): O follows it with
/// object `as:Public`, its Accept embeds our Follow; its Announce of a practice of A (which O
/// does not follow) makes O fetch the practice from A, not trust the relay; an Announce of an
/// id that its origin does not serve stores nothing; O's public activities go to the relay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_follow_accept_and_announce_fetched_from_origin() {
    let o = TestInstance::start(TestDb::sqlite().await).await;
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let relay = common::peer::Peer::start().await;
    let localise = |json: &str| {
        json.replace("https://relay.example/actor", relay.actor_id().as_str())
            .replace("https://relay.example/", relay.base.as_str())
            .replace("https://maillage.example/", o.base.as_str())
    };
    subscriptions::subscribe(&o.data, relay.actor_id().as_str(), SubscriptionKind::Relay, "test")
        .await
        .expect("relay add");
    let sub = o.data.store.subscriptions().await.expect("db").remove(0);
    assert_eq!((sub.kind, sub.state), (SubscriptionKind::Relay, FollowState::Pending));
    // The Follow as the relay received it: of as:Public, by our instance actor.
    eventually(15, "the relay receives our Follow", || async {
        relay.received().iter().any(|r| r["type"] == "Follow")
    })
    .await;
    let follow = relay.received().iter().find(|r| r["type"] == "Follow").cloned().expect("follow");
    assert_eq!(follow["object"], "https://www.w3.org/ns/activitystreams#Public");
    assert_eq!(follow["actor"], o.url("/actor"));
    let accept = localise(&common::fixture("activityrelay/accept.json")).replace("FOLLOW_ID", &sub.follow_ap_id);
    assert!(relay.post_signed(&o.url("/inbox"), &accept).await.is_success());
    assert_eq!(subscription_state(&o).await, Some(FollowState::Accepted));

    // A practice of A, relayed: fetched from A, stored with A's territory as origin.
    let practice = publish(&a, "territoire", "Conserverie partagée").await;
    let announce = localise(&common::fixture("activityrelay/announce.json")).replace("OBJECT_ID", &practice);
    assert!(relay.post_signed(&o.url("/inbox"), &announce).await.is_success());
    let stored = o.data.store.practice_by_ap_id(&practice).await.expect("db").expect("stored");
    assert_eq!((stored.title.as_str(), stored.origin_actor.as_str()), ("Conserverie partagée", a.territory().as_str()));
    let learned = o.data.store.learned_territories().await.expect("db");
    assert!(learned.iter().any(|t| t.actor_ap_id == a.territory() && t.via_ap_id == relay.actor_id().as_str()));
    // An id its origin does not serve: nothing stored (the relay is not trusted).
    let fake = a.url("/practices/00000000-0000-0000-0000-000000000000");
    let announce = localise(&common::fixture("activityrelay/announce.json"))
        .replace("OBJECT_ID", &fake)
        .replace("0b8f6a52", "1c9f6a52");
    assert!(relay.post_signed(&o.url("/inbox"), &announce).await.is_success());
    assert!(o.data.store.practice_by_ap_id(&fake).await.expect("db").is_none());

    // O's own public activities go to the relay too.
    let own = publish(&o, "territoire", "Pratique d'O").await;
    eventually(15, "the relay receives O's practice", || async {
        relay.received().iter().any(|r| r.to_string().contains(&own))
    })
    .await;

    subscriptions::unsubscribe(&o.data, relay.actor_id().as_str(), "test").await.expect("relay remove");
    eventually(15, "the relay receives Undo(Follow)", || async {
        relay.received().iter().any(|r| r["type"] == "Undo" && r["object"]["type"] == "Follow")
    })
    .await;
    o.stop().await;
    a.stop().await;
}

/// The console page, as an admin uses it: subscribe O to A from the form (an empty or
/// unreachable address answered 422 beside its field, typed value kept), A's admin approves
/// the held subscription from A's page, O lists it accepted, then unsubscribes. Moderators get
/// 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_page_subscribes_approves_and_unsubscribes() {
    use common::web::Browser;
    use maillage::domain::account::Role;
    use reqwest::StatusCode;
    const PW: &str = "un mot de passe solide";
    let o = TestInstance::start(TestDb::sqlite().await).await;
    let a = TestInstance::start_with(TestDb::sqlite().await, |c| c.subscribers_by_hand = true).await;
    for m in [&o, &a] {
        m.account("admin@cces.example", PW, Role::Admin).await;
        m.account("modo@cces.example", PW, Role::Moderator).await;
    }
    let mut modo = Browser::new(o.url("").trim_end_matches('/'));
    modo.login("modo@cces.example", PW).await;
    assert_eq!(modo.get("/admin/abonnements").await.status, StatusCode::FORBIDDEN);

    let mut admin_o = Browser::new(o.url("").trim_end_matches('/'));
    admin_o.login("admin@cces.example", PW).await;
    let page = admin_o.get("/admin/abonnements").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = page.csrf();
    let empty = admin_o.post("/admin/abonnements?kind=instance", &[("csrf", &csrf), ("instance", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"instance-error\""), "{}", empty.body);
    let nowhere =
        admin_o.post("/admin/abonnements?kind=instance", &[("csrf", &csrf), ("instance", "http://localhost:9/")]).await;
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nowhere.body.contains("value=\"http://localhost:9/\""), "typed value kept");
    assert!(o.data.store.subscriptions().await.expect("db").is_empty(), "nothing half-written");

    let ok = admin_o.post("/admin/abonnements?kind=instance", &[("csrf", &csrf), ("instance", &a.url("/"))]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    eventually(15, "held on A", || async { a.data.store.subscribers().await.expect("db").len() == 1 }).await;

    let mut admin_a = Browser::new(a.url("").trim_end_matches('/'));
    admin_a.login("admin@cces.example", PW).await;
    let page = admin_a.get("/admin/abonnements").await;
    assert!(page.body.contains(&o.url("/actor")), "the waiting instance is listed");
    let decided = admin_a
        .post("/admin/abonnements/decider?decision=approve", &[("csrf", &page.csrf()), ("actor", &o.url("/actor"))])
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    eventually(15, "O accepted", || async { subscription_state(&o).await == Some(FollowState::Accepted) }).await;
    let page = admin_o.get("/admin/abonnements").await;
    assert!(page.body.contains(&a.url("/actor")) && page.body.contains("Acceptés"), "{}", page.body);

    let gone = admin_o.post("/admin/abonnements/retirer", &[("csrf", &page.csrf()), ("actor", &a.url("/actor"))]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    eventually(15, "A drops O", || async { a.data.store.subscribers().await.expect("db").is_empty() }).await;
    let audit = o.data.store.audit_page(50, 0).await.expect("db");
    assert!(audit.iter().any(|e| e.action == "subscription.add" && e.actor == "admin@cces.example"));
    assert!(audit.iter().any(|e| e.action == "subscription.remove"));
    o.stop().await;
    a.stop().await;
}
