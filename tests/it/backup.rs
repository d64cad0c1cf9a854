//! Backups that restore (issue 15, point 6), on SQLite and on PostgreSQL (a fresh database
//! created by the test for the restore): a backup taken while a fan-out and a stream of
//! signatures write holds every row committed before it began, and is one consistent state
//! (no activity without all of its deliveries); the restore brings back rows, keys, pending
//! deliveries and media, and the instance starts on it. A restore into a non-empty data
//! directory or database, and a backup from a newer schema, are refused with nothing written.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
};

use maillage::{
    app::App,
    backup::{self, LogProgress, Manifest},
    config::Config,
    domain::{signatory::SignatureInput, territory::FollowState},
    processing::{signatures, territories},
    state::AppState,
    storage::{Store, actors::NewRemoteActor, follows, territories::TerritoryUpdate},
    text::i18n::{Lang, Tr},
};

use crate::common::{TestDb, TestInstance, eventually};

const FOLLOWERS: usize = 30;

/// Followers on hosts that refuse connections: every fan-out leaves pending deliveries.
async fn followers(state: &AppState) {
    let t = state.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    for i in 0..FOLLOWERS {
        let host = format!("127.0.0.{}:9", i % 5 + 1);
        state.store.set_host_software(&host, "mastodon").await.expect("software");
        let ap_id = format!("http://{host}/users/u{i}");
        let actor = state
            .store
            .upsert_remote_actor(&NewRemoteActor {
                ap_id: ap_id.clone(),
                kind: "Person".into(),
                preferred_username: Some(format!("u{i}")),
                name: None,
                url: None,
                inbox: format!("{ap_id}/inbox"),
                shared_inbox: None,
                key_id: format!("{ap_id}#main-key"),
                public_key_pem: "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n".into(),
                host: host.clone(),
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
            FollowState::Accepted,
        )
        .await
        .expect("follow");
    }
}

/// What must survive: ids of signatures, activities and deliveries (with the activity of
/// each), pending deliveries, the territory's private key.
#[derive(Debug)]
struct Rows {
    signatures: BTreeSet<i64>,
    activities: BTreeSet<i64>,
    /// delivery id → activity id
    deliveries: BTreeMap<i64, i64>,
    pending: BTreeSet<i64>,
    key: String,
}

async fn rows(store: &Store) -> Rows {
    let pool = store.pool();
    let ids = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).fetch_all(pool).await.expect(sql).into_iter().collect::<BTreeSet<_>>()
    };
    let deliveries: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, activity_id FROM deliveries").fetch_all(pool).await.expect("deliveries");
    Rows {
        signatures: ids("SELECT id FROM signatories").await,
        activities: ids("SELECT id FROM activities").await,
        deliveries: deliveries.into_iter().collect(),
        pending: ids("SELECT id FROM deliveries WHERE state = 'pending'").await,
        key: sqlx::query_scalar("SELECT private_key_pem FROM territories WHERE slug = 'territoire'")
            .fetch_one(pool)
            .await
            .expect("key"),
    }
}

fn signature(i: usize) -> SignatureInput {
    SignatureInput {
        kind: "individual".into(),
        name: format!("Signataire {i}"),
        roles: vec!["citoyen".into()],
        commune: "Redon".into(),
        email: format!("signataire{i}@example.org"),
        charter_version: "2024".into(),
        consent: true,
        ..Default::default()
    }
}

/// The load: territory renames (each an `Update` to every follower) and signatures, until told.
fn load(state: &AppState, stop: Arc<AtomicBool>, done: Arc<AtomicUsize>) -> Vec<tokio::task::JoinHandle<()>> {
    let (s1, stop1, done1) = (state.clone(), stop.clone(), done.clone());
    let fan_out = tokio::spawn(async move {
        let mut n = 0;
        while !stop1.load(Ordering::SeqCst) {
            n += 1;
            let update = TerritoryUpdate { name: Some(format!("Pays de Redon {n}")), ..Default::default() };
            territories::update(&s1, "territoire", update, "test").await.expect("rename");
            done1.fetch_add(1, Ordering::SeqCst);
        }
    });
    let s2 = state.clone();
    let signing = tokio::spawn(async move {
        let mut i = 0;
        while !stop.load(Ordering::SeqCst) {
            i += 1;
            signatures::submit(
                &s2,
                "territoire",
                &signature(i),
                &format!("10.1.{}.{}", i / 250, i % 250),
                Tr::new(Lang::Fr),
            )
            .await
            .expect("signed");
            done.fetch_add(1, Ordering::SeqCst);
        }
    });
    vec![fan_out, signing]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_during_load_restores_everything() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let state = m.data.app_data().clone();
        followers(&state).await;
        signatures::import_charter(&state, "territoire", "# Charte\n\nNos engagements.", "2024", "test")
            .await
            .expect("charter");
        let media = state.config.data_dir.join("media/territoire");
        std::fs::create_dir_all(&media).expect("media dir");
        std::fs::write(media.join("logo.png"), b"\x89PNG not really").expect("media");

        let (stop, done) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let tasks = load(&state, stop.clone(), done.clone());
        eventually(30, "some load committed", || {
            let done = done.clone();
            async move { done.load(Ordering::SeqCst) >= 6 }
        })
        .await;
        let before = rows(&state.store).await;
        let out = tempfile::tempdir().expect("tmp");
        let file = out.path().join("sauvegarde.tar.gz");
        let written = backup::create(&state.store, &state.config, &file, Arc::new(LogProgress)).await.expect("backup");
        let after = rows(&state.store).await;
        let during = done.load(Ordering::SeqCst);
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            t.await.expect("load task");
        }
        assert!(!before.pending.is_empty(), "[{label}] the fan-out left pending deliveries");
        assert_eq!(written.manifest.backend, label);
        assert_eq!(written.manifest.media_files, 1);
        assert_eq!(written.manifest.instance_url, m.base.to_string());

        // Restore into a fresh data directory and database.
        let target = if label == "postgres" { TestDb::postgres().await.expect("pg") } else { TestDb::sqlite().await };
        let data_dir = target.dir.path().join("data");
        let config = Config::for_test(m.base.as_str(), data_dir.clone(), Some(target.url.clone())).expect("config");
        let restored_manifest = backup::restore(&config, &file, Arc::new(LogProgress)).await.expect("restore");
        assert_eq!(restored_manifest, written.manifest);
        let store = Store::connect(&target.url).await.expect("connect");
        let restored = rows(&store).await;
        store.close().await;

        assert!(before.signatures.is_subset(&restored.signatures), "[{label}] a committed signature is missing");
        assert!(restored.signatures.is_subset(&after.signatures), "[{label}] a signature that never was");
        assert!(before.activities.is_subset(&restored.activities), "[{label}] a committed activity is missing");
        assert!(
            before.pending.iter().all(|d| restored.deliveries.contains_key(d)),
            "[{label}] a pending delivery is missing"
        );
        assert!(!restored.pending.is_empty(), "[{label}] pending deliveries restored as pending");
        // One consistent state: each activity restored with every delivery it was queued with.
        for activity in &restored.activities {
            let count = |r: &Rows| r.deliveries.values().filter(|a| *a == activity).count();
            assert_eq!(
                count(&restored),
                count(&after),
                "[{label}] activity {activity} restored without all of its deliveries"
            );
        }
        assert_eq!(restored.key, before.key, "[{label}] the territory's key travels with the backup");
        assert_eq!(
            std::fs::read(data_dir.join("media/territoire/logo.png")).expect("media restored"),
            b"\x89PNG not really"
        );
        assert!(during > 6, "[{label}] the load went on during the backup");

        // The instance starts on what was restored, under its recorded address.
        let app = App::init(config.clone()).await.expect("the restored instance starts");
        let restored_state = app.state();
        let t = restored_state.store.territory_by_slug("territoire").await.expect("db").expect("territory");
        assert!(t.name.starts_with("Pays de Redon"), "[{label}] {}", t.name);
        restored_state.store.close().await;
        restored_state.set_federation(None);

        // Again into the same (now full) directory: refused, nothing changed.
        let err = backup::restore(&config, &file, Arc::new(LogProgress)).await.expect_err("not empty");
        assert!(err.to_string().contains("not empty"), "[{label}] {err}");
        if label == "postgres" {
            // An empty directory but a database in use: refused too.
            let other = Config::for_test(m.base.as_str(), target.dir.path().join("empty"), Some(target.url.clone()))
                .expect("config");
            let err = backup::restore(&other, &file, Arc::new(LogProgress)).await.expect_err("database not empty");
            assert!(err.to_string().contains("not empty"), "[{label}] {err}");
            assert!(!target.dir.path().join("empty").exists(), "[{label}] nothing written");
        }
        newer_schema_is_refused(&file, label).await;
        target.cleanup().await;
        m.stop().await;
    }
}

/// The same archive with a manifest from a schema this build does not know.
async fn newer_schema_is_refused(file: &Path, label: &str) {
    let dir = tempfile::tempdir().expect("tmp");
    let newer = dir.path().join("newer.tar.gz");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(file).expect("open")));
    let mut out = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(&newer).expect("create"),
        flate2::Compression::fast(),
    ));
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let path = entry.path().expect("path").into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        if path == Path::new(backup::MANIFEST) {
            let mut m: Manifest = serde_json::from_slice(&bytes).expect("manifest");
            m.schema_version += 1;
            bytes = serde_json::to_vec(&m).expect("json");
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        out.append_data(&mut header, &path, bytes.as_slice()).expect("append");
    }
    out.into_inner().expect("tar").finish().expect("gzip");
    let target = if label == "postgres" { TestDb::postgres().await.expect("pg") } else { TestDb::sqlite().await };
    let data_dir = target.dir.path().join("data");
    let config = Config::for_test("http://localhost:1", data_dir.clone(), Some(target.url.clone())).expect("config");
    let err = backup::restore(&config, &newer, Arc::new(LogProgress)).await.expect_err("newer schema");
    assert!(err.to_string().contains("newer schema"), "[{label}] {err}");
    assert!(!data_dir.exists(), "[{label}] nothing written");
    assert!(!target.dir.path().join("maillage.db").exists(), "[{label}] no database file written");
    let store = Store::connect(&target.url).await.expect("connect");
    assert!(store.is_empty_database().await.expect("empty?"), "[{label}] the database is untouched");
    store.close().await;
    target.cleanup().await;
}

const PW: &str = "mot de passe solide 2024";

/// With `backup_interval_hours` set, `serve` backs up at once (no backup in the current
/// period yet), records the run, and the console shows it; a second process finds the period
/// taken; a failing run (its directory is a file) is shown as the page's alert.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_run_and_show_on_the_console() {
    let dir = tempfile::tempdir().expect("tmp");
    let backups = dir.path().join("sauvegardes");
    let to = backups.clone();
    let m = TestInstance::start_with(TestDb::sqlite().await, move |c| {
        c.backup_interval_hours = 24;
        c.backup_retention = 2;
        c.backup_dir = to;
    })
    .await;
    let store = m.data.store.clone();
    eventually(60, "a scheduled backup recorded", || {
        let store = store.clone();
        async move { store.backup_runs(5).await.expect("runs").first().is_some_and(|r| r.finished_at.is_some()) }
    })
    .await;
    let run = store.backup_runs(5).await.expect("runs").remove(0);
    assert_eq!(run.error, None);
    let file = std::path::PathBuf::from(run.file.clone().expect("file"));
    assert!(file.starts_with(&backups) && file.exists(), "{file:?}");
    let name = file.file_name().and_then(|n| n.to_str()).expect("name").to_string();
    assert!(name.starts_with("maillage-") && name.ends_with(".tar.gz"), "{name}");
    assert_eq!(run.bytes, Some(i64::try_from(std::fs::metadata(&file).expect("size").len()).expect("i64")));
    assert_eq!(
        store.claim_backup_slot(run.slot, maillage::domain::now_millis()).await.expect("claim"),
        None,
        "another process finds this period's backup taken"
    );

    m.account("modo@cces.example", PW, maillage::domain::account::Role::Moderator).await;
    let mut modo = crate::common::web::Browser::new(&m.url(""));
    modo.login("modo@cces.example", PW).await;
    let page = modo.get("/admin/federation").await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    assert!(page.body.contains("Dernière sauvegarde") && page.body.contains(&name), "{}", page.body);
    assert!(page.body.contains("Toutes les 24 heures"), "{}", page.body);
    assert!(page.body.contains("Aucun depuis la dernière sauvegarde réussie"), "{}", page.body);
    m.stop().await;

    // A directory that cannot be made: the failure is recorded and shown.
    let blocked = dir.path().join("not-a-dir");
    std::fs::write(&blocked, b"x").expect("file");
    let m = TestInstance::start_with(TestDb::sqlite().await, move |c| {
        c.backup_interval_hours = 24;
        c.backup_dir = blocked.join("sub");
    })
    .await;
    let store = m.data.store.clone();
    eventually(60, "a failed run recorded", || {
        let store = store.clone();
        async move { store.backup_runs(5).await.expect("runs").first().is_some_and(|r| r.error.is_some()) }
    })
    .await;
    m.account("modo@cces.example", PW, maillage::domain::account::Role::Moderator).await;
    let mut modo = crate::common::web::Browser::new(&m.url(""));
    modo.login("modo@cces.example", PW).await;
    let page = modo.get("/admin/federation").await;
    assert!(page.body.contains("1 échec(s) depuis la dernière sauvegarde réussie"), "{}", page.body);
    m.stop().await;
}

/// The commands as an administrator runs them (output not a terminal: log lines, no bar):
/// backup, a refused restore over the same directory, a restore elsewhere that the next
/// command opens.
#[test]
fn backup_and_restore_commands() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
            .current_dir(dir.path())
            .env_remove("RUST_LOG")
            .env_remove("MAILLAGE_DATABASE_URL")
            .env_remove("MAILLAGE_PUBLIC_URL")
            .env_remove("MAILLAGE_DATA_DIR")
            .args(args)
            .output()
            .expect("run maillage")
    };
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    ok(&["--data-dir", "a", "territory", "create", "redon", "--name", "Pays de Redon"]);
    let (out, err) = ok(&["--data-dir", "a", "backup", "b/redon.tar.gz"]);
    assert!(out.contains("backup written: b/redon.tar.gz"), "{out}");
    assert!(err.contains("archive") && err.contains("done"), "progress as log lines: {err}");
    let refused = run(&["--data-dir", "a", "restore", "b/redon.tar.gz"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not empty"));
    let (out, _) = ok(&["--data-dir", "c", "restore", "b/redon.tar.gz"]);
    assert!(out.contains("restored the backup of http://localhost:8080/"), "{out}");
    let (out, _) = ok(&["--data-dir", "c", "territory", "list"]);
    assert!(out.contains("redon\tPays de Redon"), "{out}");
    let again = run(&["--data-dir", "a", "backup", "b/redon.tar.gz"]);
    assert!(!again.status.success(), "an existing file is not overwritten");
}
