//! An instance-wide "limit" of a domain (issue 15, point 5; Mastodon's limit): its accounts'
//! follows of a territory wait for a moderator (the console lists them; approving sends
//! `Accept`, refusing `Reject`), its practices stay out of the catalogue and the API's list, the
//! decision shows in the public moderation log; a `Flag` from a blocked domain, or from an actor
//! or domain a territory blocks, is answered 202 and dropped. Both backends.

use crate::common;

use common::{TestDb, TestInstance, client, eventually, fixture, localise, peer::Peer, web::Browser};
use maillage::{
    domain::{
        account::Role,
        list::List,
        report::{BlockKind, ReportStatus},
        territory::FollowState,
    },
    processing::{domains, territory_blocks},
    storage::{follows::Direction, practices::PracticeContent},
};
use reqwest::StatusCode;
use serde_json::Value;

const PW: &str = "un mot de passe assez long";

/// `peer` follows the default territory of `m` (Mastodon's shape).
async fn follows(peer: &Peer, m: &TestInstance, practice: &str) {
    let follow = localise(&fixture("mastodon/follow.json"), peer, m, practice);
    assert_eq!(peer.post_signed(&m.url("/inbox"), &follow).await, StatusCode::ACCEPTED);
}

/// A published practice received from `origin` (as a followed territory's `Article` lands).
async fn remote_practice(m: &TestInstance, origin: &Peer, title: &str) {
    let content = PracticeContent {
        title: title.into(),
        summary: format!("{title}, en quelques mots."),
        body_md: "Texte.".into(),
        body_html: "<p>Texte.</p>".into(),
        domains: List::parse("alimentation").expect("domains"),
        dimensions: Default::default(),
        structures: Default::default(),
        structure_refs: "[]".into(),
        partners: String::new(),
        governance: String::new(),
        commune: "Redon".into(),
        latitude: None,
        longitude: None,
        tags: List::parse("").expect("tags"),
        licence: "CC-BY-SA-4.0".into(),
    };
    let origin_actor = format!("{}groups/ailleurs", origin.base);
    let ap_id = format!("{}practices/{}", origin.base, uuid::Uuid::new_v4());
    let store = &m.data.store;
    let id = store.insert_practice(&ap_id, None, &origin_actor, &content, "remote").await.expect("insert");
    assert!(store.set_practice_status(id, true, "remote").await.expect("publish"));
}

async fn catalogue(m: &TestInstance) -> (String, String) {
    let html = common::get_html(&m.url("/pratiques")).await;
    let api = client().get(m.url("/api/v1/practices")).send().await.expect("api").text().await.expect("text");
    (html, api)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limited_domain_waits_for_approval_and_stays_out_of_public_lists() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
        let (_, practice) = common::published_practice(&m, "Ressourcerie", "Réemploi.").await;
        let (noisy, noisy2, calm) = (Peer::start().await, Peer::start().await, Peer::start().await);
        domains::limit_audited(&m.data, &noisy.authority, "Comptes créés en masse", "admin").await.expect("limit");
        // The other from the console's domain page, as an administrator does it.
        m.account("admin@maillage.example", PW, Role::Admin).await;
        let mut admin = Browser::new(m.base.as_str());
        admin.login("admin@maillage.example", PW).await;
        let csrf = admin.get("/admin/domains").await.csrf();
        let fields = [
            ("csrf", csrf.as_str()),
            ("domain", noisy2.authority.as_str()),
            ("reason", "Comptes créés en masse"),
            ("severity", "limit"),
        ];
        assert_eq!(admin.post("/admin/domains", &fields).await.status, StatusCode::SEE_OTHER, "[{label}]");
        let listed = admin.get("/admin/domains").await.body;
        assert!(listed.contains(&noisy2.authority) && listed.contains("Limité"), "[{label}] {listed}");
        assert!(m.data.is_limited(&noisy.authority).await.expect("limited"), "[{label}]");
        assert!(!m.data.is_blocked(&noisy.authority).await.expect("blocked"), "[{label}] limited is not blocked");
        assert!(!m.data.is_limited(&calm.authority).await.expect("limited"), "[{label}] another port, another server");

        // Follows: the limited servers' wait, the other's is accepted at once.
        let (store, tid) = (&m.data.store, t.id);
        let count = |s| async move { store.count_follows(Direction::Followers, tid, s).await.expect("count") };
        for p in [&noisy, &noisy2, &calm] {
            follows(p, &m, &practice).await;
        }
        assert_eq!((count(FollowState::Pending).await, count(FollowState::Accepted).await), (2, 1), "[{label}]");
        eventually(15, "the calm server's Accept", || async { calm.received().iter().any(|a| a["type"] == "Accept") })
            .await;
        assert!(!noisy.received().iter().any(|a| a["type"] == "Accept"), "[{label}] no answer before a decision");

        // The console lists them; one approved (Accept), one refused (Reject).
        m.account("moderatrice@maillage.example", PW, Role::Moderator).await;
        let mut moderator = Browser::new(m.base.as_str());
        moderator.login("moderatrice@maillage.example", PW).await;
        let page = moderator.get("/admin/followers?t=territoire").await;
        for p in [&noisy, &noisy2] {
            assert!(page.body.contains(p.actor_id().as_str()), "[{label}] listed as waiting: {}", page.body);
        }
        let csrf = page.csrf();
        for (p, decision) in [(&noisy, "approve"), (&noisy2, "reject")] {
            let res = moderator
                .post(
                    &format!("/admin/followers/decide?decision={decision}"),
                    &[("csrf", &csrf), ("t", "territoire"), ("actor", p.actor_id().as_str())],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "[{label}] {decision}: {}", res.body);
        }
        eventually(15, "Accept and Reject reach the limited servers", || async {
            noisy.received().iter().any(|a| a["type"] == "Accept")
                && noisy2.received().iter().any(|a| a["type"] == "Reject")
        })
        .await;
        assert_eq!((count(FollowState::Pending).await, count(FollowState::Accepted).await), (0, 2), "[{label}]");

        // Content: the limited server's practice is out of the catalogue and the API's list.
        remote_practice(&m, &noisy, "Vente pyramidale").await;
        remote_practice(&m, &calm, "Jardin partagé").await;
        let (html, api) = catalogue(&m).await;
        for text in [&html, &api] {
            assert!(text.contains("Jardin partagé") && text.contains("Ressourcerie"), "[{label}] the others stay");
            assert!(!text.contains("Vente pyramidale"), "[{label}] the limited domain's practice is not listed");
        }
        // The public log says so, without the reason's author.
        let log: Value = client().get(m.url("/moderation.json")).send().await.expect("log").json().await.expect("json");
        let lines: Vec<&Value> =
            log.as_array().expect("array").iter().filter(|l| l["kind"] == "limit_domain").collect();
        assert_eq!(lines.len(), 2, "[{label}] {log}");
        assert_eq!(lines[0]["reason"], "Comptes créés en masse");
        // Lifted: listed again; a block of a limited domain makes it blocked, not limited.
        domains::unblock(&m.data, &noisy.authority).await.expect("unblock");
        assert!(catalogue(&m).await.0.contains("Vente pyramidale"), "[{label}] listed again");
        domains::block(&m.data, &noisy2.authority, "").await.expect("block");
        assert!(m.data.is_blocked(&noisy2.authority).await.expect("blocked"), "[{label}] limit → block");
        assert!(!m.data.is_limited(&noisy2.authority).await.expect("limited"), "[{label}]");
        for p in [noisy, noisy2, calm] {
            p.stop().await;
        }
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_from_a_blocked_domain_is_accepted_and_dropped() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let (_, practice) = common::published_practice(&m, "Épicerie solidaire", "Une épicerie.").await;
        let blocked = Peer::start().await;
        domains::block(&m.data, &blocked.authority, "Spam").await.expect("block");
        let flag = fixture("mastodon/flag.json")
            .replace("https://mastodon.example/actor", "https://mastodon.example/users/alice");
        let flag = localise(&flag, &blocked, &m, &practice);
        assert_eq!(blocked.post_signed(&m.url("/inbox"), &flag).await, StatusCode::ACCEPTED, "[{label}] 202");
        assert_eq!(m.data.store.count_reports(ReportStatus::Open).await.expect("count"), 0, "[{label}] dropped");
        // Anything else from there is still refused.
        let like = localise(&fixture("mastodon/like.json"), &blocked, &m, &practice);
        assert_eq!(blocked.post_signed(&m.url("/inbox"), &like).await, StatusCode::FORBIDDEN, "[{label}]");
        // The same Flag from a server not blocked lands in the queue (the fixture is sound).
        let open = Peer::start().await;
        let flag = fixture("mastodon/flag.json")
            .replace("https://mastodon.example/actor", "https://mastodon.example/users/alice");
        let flag = localise(&flag, &open, &m, &practice);
        assert_eq!(open.post_signed(&m.url("/inbox"), &flag).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(m.data.store.count_reports(ReportStatus::Open).await.expect("count"), 1, "[{label}] filed");
        blocked.stop().await;
        open.stop().await;
        m.stop().await;
    }
}

/// A territory's block (of an actor, of a domain) drops that sender's `Flag`s about the
/// territory as an instance-wide block does: 202, nothing filed, whether the `Flag` comes to
/// the shared inbox with a list of objects (Mastodon) or to the territory's inbox (Lemmy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_from_whom_the_territory_blocks_is_accepted_and_dropped() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
        let (_, practice) = common::published_practice(&m, "Épicerie solidaire", "Une épicerie.").await;
        let (troll, spammer, open) = (Peer::start().await, Peer::start().await, Peer::start().await);
        let tid = t.id;
        let block = |kind, target: String| {
            let data = m.data.clone();
            async move {
                territory_blocks::block(&data, tid, kind, &target, "Signalements abusifs", "moderatrice")
                    .await
                    .expect("block")
            }
        };
        block(BlockKind::Actor, troll.actor_id().to_string()).await;
        block(BlockKind::Domain, spammer.authority.clone()).await;
        let mastodon = |p: &Peer| {
            let flag = fixture("mastodon/flag.json")
                .replace("https://mastodon.example/actor", "https://mastodon.example/users/alice");
            localise(&flag, p, &m, &practice)
        };
        let lemmy = |p: &Peer| localise(&fixture("lemmy/flag.json"), p, &m, &practice);
        let open_reports = || async { m.data.store.count_reports(ReportStatus::Open).await.expect("count") };
        for p in [&troll, &spammer] {
            assert_eq!(p.post_signed(&m.url("/inbox"), &mastodon(p)).await, StatusCode::ACCEPTED, "[{label}] 202");
            let to_territory = p.post_signed(&m.url("/t/territoire/inbox"), &lemmy(p)).await;
            assert_eq!(to_territory, StatusCode::ACCEPTED, "[{label}] 202 at the territory's inbox too");
        }
        assert_eq!(open_reports().await, 0, "[{label}] dropped");
        // Anything else from them about the territory is still refused.
        let like = localise(&fixture("mastodon/like.json"), &troll, &m, &practice);
        assert_eq!(troll.post_signed(&m.url("/inbox"), &like).await, StatusCode::FORBIDDEN, "[{label}]");
        // The same Flags from a sender not blocked are filed (the fixtures are sound).
        assert_eq!(open.post_signed(&m.url("/inbox"), &mastodon(&open)).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(open.post_signed(&m.url("/t/territoire/inbox"), &lemmy(&open)).await, StatusCode::ACCEPTED);
        assert_eq!(open_reports().await, 2, "[{label}] filed");
        for p in [troll, spammer, open] {
            p.stop().await;
        }
        m.stop().await;
    }
}

/// A limited domain's follow of a listed signatory's actor waits too: the console's followers
/// page lists it beside the signatory's name; approved, the `Accept` comes from the
/// signatory's actor and it counts among its followers; refused, a `Reject` and nothing kept.
/// Another server's follow is accepted at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limited_domains_follow_of_a_signatory_waits_for_a_moderator() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
        crate::map::seed(&m).await;
        let id: i64 = sqlx::query_scalar("SELECT id FROM signatories WHERE name = 'Épicerie Solidaire'")
            .fetch_one(m.data.store.pool())
            .await
            .expect("signatory");
        let signatory = m.url(&format!("/s/{id}"));
        let (noisy, noisy2, calm) = (Peer::start().await, Peer::start().await, Peer::start().await);
        for p in [&noisy, &noisy2] {
            domains::limit_audited(&m.data, &p.authority, "Comptes créés en masse", "admin").await.expect("limit");
        }
        for p in [&noisy, &noisy2, &calm] {
            let actor = p.resolve(&format!("s{id}@{}", m.authority)).await.expect("resolve");
            p.send(&actor.inbox, "Follow", serde_json::json!(actor.id)).await.expect("follow");
        }
        let accepted =
            |p: &Peer, kind: &str| p.received().iter().any(|a| a["type"] == kind && a["actor"] == signatory.as_str());
        eventually(15, "the calm server's Accept", || async { accepted(&calm, "Accept") }).await;
        assert!(!accepted(&noisy, "Accept") && !accepted(&noisy2, "Accept"), "[{label}] no answer before a decision");
        let followers = || async { common::get_json(&format!("{signatory}/followers")).await["totalItems"].clone() };
        assert_eq!(followers().await, 1, "[{label}] only the accepted follow counts");
        let held = m.data.store.signatory_follows(t.id, FollowState::Pending).await.expect("held");
        assert_eq!(held.len(), 2, "[{label}]");

        // The moderator decides from the followers page.
        m.account("moderatrice@maillage.example", PW, Role::Moderator).await;
        let mut moderator = Browser::new(m.base.as_str());
        moderator.login("moderatrice@maillage.example", PW).await;
        let page = moderator.get("/admin/followers?t=territoire").await;
        assert!(page.body.contains("Épicerie Solidaire"), "[{label}] the signatory named: {}", page.body);
        for f in &held {
            assert!(page.body.contains(&f.follow_ap_id), "[{label}] each held follow listed");
        }
        let csrf = page.csrf();
        for (p, decision) in [(&noisy, "approve"), (&noisy2, "reject")] {
            let f = held.iter().find(|f| f.actor_ap_id == p.actor_id().as_str()).expect("held follow");
            let res = moderator
                .post(
                    &format!("/admin/followers/signataires?decision={decision}"),
                    &[("csrf", &csrf), ("t", "territoire"), ("follow", &f.follow_ap_id)],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "[{label}] {decision}: {}", res.body);
        }
        eventually(15, "Accept and Reject from the signatory's actor", || async {
            accepted(&noisy, "Accept") && accepted(&noisy2, "Reject")
        })
        .await;
        assert!(!accepted(&noisy2, "Accept"), "[{label}]");
        assert_eq!(followers().await, 2, "[{label}] the approved follow counts");
        assert!(m.data.store.signatory_follows(t.id, FollowState::Pending).await.expect("held").is_empty());
        // A decision taken already: 404, nothing sent again.
        let again = moderator
            .post(
                "/admin/followers/signataires?decision=approve",
                &[("csrf", &csrf), ("t", "territoire"), ("follow", &held[0].follow_ap_id)],
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "[{label}]");
        let audit = m.data.store.audit_page(50, 0).await.expect("audit");
        for what in ["signatory_follower.approve", "signatory_follower.reject"] {
            assert!(audit.iter().any(|e| e.action == what && e.actor == "moderatrice@maillage.example"), "[{label}]");
        }
        for p in [noisy, noisy2, calm] {
            p.stop().await;
        }
        m.stop().await;
    }
}

/// A limited domain's subscription to the whole instance (issue 13, point 7) waits for an
/// admin even when subscriptions are accepted at once (`subscribers_by_hand` off).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limited_domains_instance_subscription_waits_for_an_admin() {
    use maillage::{domain::subscription::SubscriptionKind, processing::subscriptions};
    for db in TestDb::all().await {
        let label = db.label;
        let a = TestInstance::start(db).await;
        let (o, p) =
            (TestInstance::start(TestDb::sqlite().await).await, TestInstance::start(TestDb::sqlite().await).await);
        domains::limit_audited(&a.data, &o.authority, "Abonnements en masse", "admin").await.expect("limit");
        for m in [&o, &p] {
            subscriptions::subscribe(&m.data, &a.authority, SubscriptionKind::Instance, "test")
                .await
                .expect("subscribe");
        }
        let state_on = |m: &TestInstance| {
            let store = m.data.store.clone();
            async move { store.subscriptions().await.expect("db").first().map(|s| s.state) }
        };
        eventually(15, "P accepted at once", || async { state_on(&p).await == Some(FollowState::Accepted) }).await;
        eventually(15, "both subscriptions received", || async {
            a.data.store.subscribers().await.expect("db").len() == 2
        })
        .await;
        let held = a.data.store.subscribers().await.expect("db");
        let from_o = held.iter().find(|s| s.actor_ap_id == o.url("/actor")).expect("O's subscription");
        assert_eq!(from_o.state, FollowState::Pending, "[{label}] the limited instance waits");
        assert_eq!(state_on(&o).await, Some(FollowState::Pending), "[{label}] no answer yet");
        subscriptions::decide_subscriber(&a.data, &o.authority, true, "admin").await.expect("approve");
        eventually(15, "O accepted once approved", || async { state_on(&o).await == Some(FollowState::Accepted) })
            .await;
        for m in [a, o, p] {
            m.stop().await;
        }
    }
}
