//! Every change is all or nothing: the `FailPoint` seam makes a change fail after its rows,
//! after its activities, after its audit entry and at its commit, in turn; each time nothing of
//! it is left (rows, activities, deliveries, audit entry), and run again without the failure
//! all of it is there (practices, signatures, shared actions, territory settings, follower
//! decisions). On SQLite, and on PostgreSQL when MAILLAGE_TEST_POSTGRES is set.

use maillage::{
    domain::{account::Role, action::ActionInput, ids::ActionId, practice::PracticeInput, territory::FollowState},
    error::AppError,
    fail_point::Step,
    processing::{accounts, actions, follows as follow_cases, practice_pins, practices, signatures, territories},
    state::AppState,
    storage::{actors::NewRemoteActor, follows, territories::TerritoryUpdate},
    text::i18n::{Lang, Tr},
};
use serde_json::json;

use crate::common::{TestDb, TestInstance};

/// What a change may leave behind.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    /// Each practice as `id status pinned title`.
    practices: Vec<String>,
    /// Each territory as `slug summary icon`, each follower as `actor state`, each account as
    /// `email disabled`, each instance setting as `key value`; media stored.
    territories: Vec<String>,
    followers: Vec<String>,
    accounts: Vec<String>,
    settings: Vec<String>,
    /// Each signature as `name status welcome-note key`.
    signatories: Vec<String>,
    /// Each shared action as `id publication status title`.
    actions: Vec<String>,
    media: i64,
    activities: i64,
    deliveries: i64,
    audit: Vec<String>,
}

async fn snapshot(state: &AppState) -> Snapshot {
    let pool = state.store.pool();
    let rows: Vec<(i64, String, Option<i64>, String)> =
        sqlx::query_as("SELECT id, status, pinned_at, title FROM practices ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("practices");
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await.expect(table)
    };
    let strings =
        |sql: &'static str| async move { sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await.expect(sql) };
    Snapshot {
        practices: rows.into_iter().map(|(id, s, pin, t)| format!("{id} {s} {} {t}", pin.is_some())).collect(),
        territories: strings(
            "SELECT slug || ' ' || summary || ' ' || COALESCE(CAST(icon_media_id AS TEXT), '-') FROM territories ORDER BY id",
        )
        .await,
        followers: strings("SELECT CAST(actor_id AS TEXT) || ' ' || state FROM followers ORDER BY actor_id").await,
        accounts: strings("SELECT email || ' ' || CAST(disabled AS TEXT) FROM accounts ORDER BY id").await,
        settings: strings("SELECT key || ' ' || value FROM instance_settings ORDER BY key").await,
        signatories: strings(
            "SELECT name || ' ' || status || ' ' || COALESCE(welcome_note_ap_id, '-') || ' ' || \
             CASE WHEN public_key_pem IS NULL THEN 'no-key' ELSE 'key' END FROM signatories ORDER BY id",
        )
        .await,
        actions: strings(
            "SELECT CAST(id AS TEXT) || ' ' || publication || ' ' || status || ' ' || title FROM actions ORDER BY id",
        )
        .await,
        media: count("media").await,
        activities: count("activities").await,
        deliveries: count("deliveries").await,
        audit: sqlx::query_scalar("SELECT action || ' ' || detail FROM audit_log ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("audit"),
    }
}

/// A follower on a Mastodon host (known: no NodeInfo asked), so that changes queue deliveries.
async fn follower(state: &AppState, name: &str, follow: FollowState) -> String {
    let host = "127.0.0.1:9";
    state.store.set_host_software(host, "mastodon").await.expect("software");
    let t = state.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let ap_id = format!("http://{host}/users/{name}");
    let actor = state
        .store
        .upsert_remote_actor(&NewRemoteActor {
            ap_id: ap_id.clone(),
            kind: "Person".into(),
            preferred_username: Some(name.into()),
            name: None,
            url: None,
            inbox: format!("http://{host}/inbox"),
            shared_inbox: None,
            key_id: format!("{ap_id}#main-key"),
            public_key_pem: "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n".into(),
            host: host.into(),
            ed25519_key_id: None,
            ed25519_public_key: None,
        })
        .await
        .expect("actor");
    let mut conn = state.store.pool().acquire().await.expect("conn");
    follows::upsert_follow(
        &mut conn,
        follows::Direction::Followers,
        t.id,
        actor.id,
        &format!("{ap_id}/follow"),
        follow,
    )
    .await
    .expect("follow");
    ap_id
}

/// One change under test: what it is called, and the call.
type Run =
    for<'a> fn(&'a AppState, maillage::domain::ids::PracticeId) -> futures::future::BoxFuture<'a, Result<(), AppError>>;

fn changes() -> Vec<(&'static str, Run, Expect)> {
    use futures::FutureExt;
    vec![
        (
            "publish",
            |s, id| async move { practices::set_published(s, id, true, "modo").await.map(drop) }.boxed(),
            Expect::ALL,
        ),
        (
            "edit while published",
            |s, id| {
                async move {
                    let patch = json!({"title": "Épicerie solidaire du pays"});
                    practices::update_audited(s, id, &patch, "modo", Some("practice.edit")).await.map_err(|e| match e {
                        practices::PracticeError::App(e) => e,
                        practices::PracticeError::Fields(f) => panic!("fields: {f:?}"),
                    })
                }
                .boxed()
            },
            Expect::ALL,
        ),
        (
            // The decision, the actor's keys, the welcome Note's Create and its id, the audit.
            "approve a listed signature",
            |s, _| {
                async move {
                    let id: maillage::domain::ids::SignatoryId =
                        sqlx::query_scalar("SELECT id FROM signatories WHERE name = 'Camille'")
                            .fetch_one(s.store.pool())
                            .await
                            .map_err(AppError::from)?;
                    signatures::decide(s, id, true, "", "modo", Tr::new(Lang::Fr)).await
                }
                .boxed()
            },
            Expect::ALL,
        ),
        (
            "pin",
            |s, id| async move { practice_pins::set_pinned(s, id, true, "modo").await.map(drop) }.boxed(),
            Expect::ALL,
        ),
        (
            "unpin",
            |s, id| async move { practice_pins::set_pinned(s, id, false, "modo").await.map(drop) }.boxed(),
            Expect::ALL,
        ),
        (
            "unpublish",
            |s, id| async move { practices::set_published(s, id, false, "modo").await.map(drop) }.boxed(),
            Expect::ALL,
        ),
        // Unpublished: deleting it tells no one; rows and audit only.
        ("delete", |s, id| async move { practices::delete(s, id, "modo").await }.boxed(), Expect::NO_ACTIVITY),
        // Territory settings: the row, an `Update` of the actor to its followers, the audit entry.
        (
            "territory settings",
            |s, _| {
                async move {
                    let update =
                        TerritoryUpdate { summary: Some("Un réseau qui tient parole.".into()), ..Default::default() };
                    territories::update(s, "territoire", update, "modo").await.map(drop)
                }
                .boxed()
            },
            Expect::ALL,
        ),
        // A pending follower approved: the relation, the `Accept`, the audit entry.
        (
            "approve a follower",
            |s, _| {
                async move {
                    follow_cases::decide_follower_audited(
                        s,
                        "territoire",
                        "http://127.0.0.1:9/users/attente",
                        true,
                        Some("modo"),
                    )
                    .await
                }
                .boxed()
            },
            Expect::ALL,
        ),
        // A new icon: the media, the territory's icon, the `Update`, two audit entries.
        (
            "territory icon",
            |s, _| {
                async move { territories::set_icon(s, "territoire", "image/png", b"\x89PNG icon", "modo").await }
                    .boxed()
            },
            Expect::ICON,
        ),
        (
            "instance settings",
            |s, _| {
                async move {
                    territories::set_instance_settings(s, "contact@cces.example", "Soyez aimables.", "admin").await
                }
                .boxed()
            },
            Expect::NO_ACTIVITY,
        ),
        (
            "create an account",
            |s, _| {
                async move {
                    accounts::create_account(s, "nouveau@cces.example", "hash", Role::Moderator, "admin")
                        .await
                        .map(drop)
                }
                .boxed()
            },
            Expect::NO_ACTIVITY,
        ),
        (
            "create a shared action",
            |s, _| {
                async move {
                    let input: ActionInput = serde_json::from_value(json!({
                        "title": "Marché des producteurs", "summary": "Douze fermes vendent en direct.",
                        "start": "2030-03-14T10:00", "end": "2030-03-14T17:00", "timezone": "Europe/Paris",
                        "place_name": "Halle de Redon", "commune": "Redon", "join_mode": "free"
                    }))
                    .expect("input");
                    actions::create(s, "territoire", &input, "modo").await.map(drop).map_err(|e| match e {
                        actions::ActionError::App(e) => e,
                        actions::ActionError::Fields(f) => panic!("fields: {f:?}"),
                    })
                }
                .boxed()
            },
            Expect::NO_ACTIVITY,
        ),
        (
            "publish the shared action",
            |s, _| async move { actions::publish(s, the_action(s).await?, "modo").await }.boxed(),
            Expect::ALL,
        ),
        (
            "cancel the shared action",
            |s, _| async move { actions::cancel(s, the_action(s).await?, "modo").await }.boxed(),
            Expect::ALL,
        ),
        (
            "delete the shared action",
            |s, _| async move { actions::delete(s, the_action(s).await?, "modo").await }.boxed(),
            Expect::ALL,
        ),
        (
            "disable an account",
            |s, _| {
                async move {
                    let a = s.store.account_by_email("nouveau@cces.example").await?.expect("the account");
                    accounts::set_disabled(s, &a, true, "admin").await
                }
                .boxed()
            },
            Expect::NO_ACTIVITY,
        ),
    ]
}

/// The one shared action the changes above create, publish, cancel and delete.
async fn the_action(s: &AppState) -> Result<ActionId, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM actions").fetch_one(s.store.pool()).await?)
}

/// What a successful change must add.
#[derive(Clone, Copy)]
struct Expect {
    activities: bool,
    audit_entries: usize,
}

impl Expect {
    const ALL: Expect = Expect { activities: true, audit_entries: 1 };
    const NO_ACTIVITY: Expect = Expect { activities: false, audit_entries: 1 };
    /// `territory.update` and `territory.icon`.
    const ICON: Expect = Expect { activities: true, audit_entries: 2 };
}

async fn all_or_nothing(db: TestDb) {
    let label = db.label;
    let inst = TestInstance::start(db).await;
    let state: &AppState = &inst.data;
    follower(state, "ami", FollowState::Accepted).await;
    follower(state, "attente", FollowState::Pending).await;

    // Proposing a practice: its row and its audit entry.
    let input = PracticeInput {
        title: "Épicerie solidaire".into(),
        summary: "Une épicerie tenue par des bénévoles.".into(),
        domains: vec!["alimentation".into()],
        ..Default::default()
    };
    for step in Step::ALL {
        let before = snapshot(state).await;
        state.fail_point.arm(step);
        let failed = practices::create_audited(state, "territoire", &input, "modo", Some("practice.propose")).await;
        assert!(failed.is_err(), "[{label}] propose fails at {step:?}");
        assert_eq!(snapshot(state).await, before, "[{label}] propose failing at {step:?} leaves nothing");
    }
    let before = snapshot(state).await;
    let id = practices::create_audited(state, "territoire", &input, "modo", Some("practice.propose"))
        .await
        .map_err(|_| "create")
        .expect("proposed");
    let after = snapshot(state).await;
    assert_eq!(after.practices.len(), before.practices.len() + 1, "[{label}] the practice is there");
    assert_eq!(after.audit.last(), Some(&format!("practice.propose practice {id}")), "[{label}]");

    // A listed signature waiting for its decision (the "approve" change).
    signatures::import_charter(state, "territoire", "# Charte\n\nTexte.", "2024", "test").await.expect("charter");
    crate::browser_layout::signed_and_confirmed(
        &inst,
        crate::browser_layout::individual("Camille", "Redon", "camille@cces.example"),
    )
    .await;

    for (what, run, expect) in changes() {
        for step in Step::ALL {
            let before = snapshot(state).await;
            state.fail_point.arm(step);
            let failed = run(state, id).await;
            assert!(failed.is_err(), "[{label}] {what} fails at {step:?}");
            assert_eq!(snapshot(state).await, before, "[{label}] {what} failing at {step:?} leaves nothing of it");
        }
        // The seam is spent: the same change now goes through, whole.
        let before = snapshot(state).await;
        run(state, id).await.unwrap_or_else(|e| panic!("[{label}] {what}: {e}"));
        let after = snapshot(state).await;
        let rows = |s: &Snapshot| {
            let t = (s.territories.clone(), s.followers.clone(), s.accounts.clone(), s.settings.clone());
            (s.practices.clone(), t, s.signatories.clone(), s.actions.clone())
        };
        assert_ne!(rows(&after), rows(&before), "[{label}] {what} changed its rows");
        assert_eq!(
            after.audit.len(),
            before.audit.len() + expect.audit_entries,
            "[{label}] {what} has its audit entry"
        );
        if expect.activities {
            assert!(after.activities > before.activities, "[{label}] {what} queued its activities");
            assert!(after.deliveries > before.deliveries, "[{label}] {what} queued their deliveries");
        } else {
            assert_eq!((after.activities, after.deliveries), (before.activities, before.deliveries), "[{label}]");
        }
    }
    assert!(snapshot(state).await.practices.iter().all(|p| !p.starts_with(&format!("{id} "))), "[{label}] deleted");
    inst.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_all_or_nothing_at_each_step() {
    for db in TestDb::all().await {
        all_or_nothing(db).await;
    }
}

/// An actor's `Delete` of itself is applied in the change that claims its id: the actor and
/// its follows go, and its id is recorded (a redelivery finds it claimed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_actor_deleting_itself_is_forgotten_in_the_change_that_claims_it() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let peer = crate::common::peer::Peer::start().await;
        let actor = peer.actor_id().to_string();
        // Known here: the territory follows it (the peer is fetched, its key kept).
        follow_cases::follow_remote(&m.data, "territoire", &actor).await.expect("follow");
        assert!(m.data.store.remote_actor_by_ap_id(&actor).await.expect("db").is_some(), "[{label}]");
        let id = peer.new_id().to_string();
        let delete = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Delete",
            "actor": actor, "object": actor})
        .to_string();
        let inbox = m.url("/t/territoire/inbox");
        assert_eq!(peer.post_signed(&inbox, &delete).await, reqwest::StatusCode::ACCEPTED, "[{label}]");
        assert!(m.data.store.remote_actor_by_ap_id(&actor).await.expect("db").is_none(), "[{label}] forgotten");
        let following: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM following").fetch_one(m.data.store.pool()).await.expect("count");
        assert_eq!(following, 0, "[{label}] its follows go with it");
        assert!(m.data.store.was_received(&id).await.expect("db"), "[{label}] the Delete's id is claimed");
        m.stop().await;
    }
}
