//! Moving a territory to another instance (issue 15 point 9; docs/admin.md "Moving a
//! territory"): the export sealed with a passphrase, imported whole on the new instance with the
//! signatories' contact details and consent records intact (and still private there); a wrong
//! passphrase or an export from a newer schema refused with nothing written. Each backend is
//! both source and target when PostgreSQL is configured.

use maillage::{
    backup::sealed,
    domain::announcement::AnnouncementInput,
    domain::{signatory::SignatureInput, territory::Slug},
    error::AppError,
    processing::{
        announcements::{self, ImageChange},
        signatures, territory_transfer,
    },
    state::AppState,
    storage::signatories::SignatoryPrivate,
    text::i18n::{Lang, Tr},
};

use crate::common::{TestDb, TestInstance, get_html, published_practice};

const PASS: &str = "correct horse battery staple";

/// A's default territory with a charter, three signatures and a published practice.
pub async fn seeded(db: TestDb) -> TestInstance {
    let a = TestInstance::start(db).await;
    let state: &AppState = &a.data;
    signatures::import_charter(state, "territoire", "# Charte\n\nNos engagements.", "2024", "test")
        .await
        .expect("charter");
    for i in 0..3 {
        let input = SignatureInput {
            kind: "individual".into(),
            name: format!("Signataire {i}"),
            roles: vec!["citoyen".into()],
            commune: "Redon".into(),
            email: format!("secret{i}@prive.example"),
            phone: format!("06 12 34 56 7{i}"),
            charter_version: "2024".into(),
            consent: true,
            ..Default::default()
        };
        signatures::submit(state, "territoire", &input, &format!("10.9.0.{i}"), Tr::new(Lang::Fr))
            .await
            .expect("signed");
    }
    published_practice(&a, "Monnaie locale", "Une monnaie pour le pays").await;
    a
}

/// B: an instance whose own default territory is another one.
pub async fn target(db: TestDb) -> TestInstance {
    TestInstance::start_with(db, |c| c.default_territory = Slug::parse("accueil").expect("slug")).await
}

async fn private(state: &AppState) -> Vec<SignatoryPrivate> {
    let t = state.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let mut v = state.store.signatories_private(t.id).await.expect("signatories");
    v.sort_by(|x, y| x.name.cmp(&y.name));
    v
}

async fn count(state: &AppState, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(state.store.pool()).await.expect("count")
}

/// Each backend as the source, the other (or SQLite) as the target.
async fn pairs() -> Vec<(TestDb, TestDb)> {
    let mut v = vec![(TestDb::sqlite().await, TestDb::prefer_postgres().await)];
    if let Some(pg) = TestDb::postgres().await {
        v.push((pg, TestDb::sqlite().await));
    }
    v
}

#[tokio::test]
async fn export_then_import_keeps_signatories_consent_and_history() {
    for (a_db, b_db) in pairs().await {
        let (la, lb) = (a_db.label, b_db.label);
        let a = seeded(a_db).await;
        let b = target(b_db).await;
        let sealed_file = territory_transfer::export(&a.data, "territoire", PASS).await.expect("export");
        for i in 0..3 {
            let needle = format!("secret{i}@prive.example");
            assert!(!sealed_file.windows(needle.len()).any(|w| w == needle.as_bytes()), "{la}: the file is encrypted");
        }
        let done = territory_transfer::import(&b.data, &sealed_file, PASS, "cli").await.expect("import");
        assert_eq!(done.source_actor, a.territory(), "{la}→{lb}");

        let (before, after) = (private(&a.data).await, private(&b.data).await);
        assert_eq!(before.len(), 3, "{la}→{lb}");
        assert_eq!(after.len(), before.len(), "{la}→{lb}: every signatory moved");
        for (x, y) in before.iter().zip(&after) {
            assert_eq!((&x.name, &x.email, &x.phone), (&y.name, &y.email, &y.phone), "{la}→{lb}: contact details");
            assert_eq!(
                (&x.kind, &x.status, x.created_at),
                (&y.kind, &y.status, y.created_at),
                "{la}→{lb}: consent record"
            );
        }
        let charter = b.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
        let current = b.data.store.current_charter(charter.id).await.expect("db").expect("charter");
        assert_eq!(current.version, "2024", "{la}→{lb}: the charter signed");
        assert!(
            after.iter().all(|s| s.charter_id == current.id),
            "{la}→{lb}: signatures name the charter version here"
        );

        let practices =
            "SELECT COUNT(*) FROM practices p JOIN territories t ON t.id = p.territory_id WHERE t.slug = 'territoire'";
        let revisions = "SELECT COUNT(*) FROM practice_revisions r JOIN practices p ON p.id = r.practice_id \
                         JOIN territories t ON t.id = p.territory_id WHERE t.slug = 'territoire'";
        assert_eq!(count(&b.data, practices).await, 1, "{la}→{lb}: the practice");
        assert_eq!(count(&b.data, revisions).await, count(&a.data, revisions).await, "{la}→{lb}: its history");
        let ap_id: String = sqlx::query_scalar(
            "SELECT p.ap_id FROM practices p JOIN territories t ON t.id = p.territory_id WHERE t.slug = 'territoire'",
        )
        .fetch_one(b.data.store.pool())
        .await
        .expect("ap_id");
        assert!(ap_id.starts_with(b.base.as_str()), "{la}→{lb}: served from the new instance: {ap_id}");
        assert_eq!(
            count(&b.data, "SELECT COUNT(*) FROM audit_log WHERE action = 'territory.import'").await,
            1,
            "{la}→{lb}: audited"
        );

        // Private data stays private on the new instance.
        for path in ["/t/territoire", "/t/territoire/signataires", "/t/territoire/signataires.json"] {
            let body = get_html(&b.url(path)).await;
            assert!(!body.contains("@prive.example") && !body.contains("06 12 34"), "{la}→{lb}: {path} leaks");
        }
        let actor = crate::common::client()
            .get(b.url("/t/territoire"))
            .header("accept", "application/activity+json")
            .send()
            .await
            .expect("actor")
            .text()
            .await
            .expect("body");
        assert!(actor.contains("\"Group\"") && !actor.contains("@prive.example"), "{la}→{lb}: actor {actor}");

        // Importing it twice is refused whole.
        let again = territory_transfer::import(&b.data, &sealed_file, PASS, "cli").await;
        assert!(matches!(again, Err(AppError::Conflict(_))), "{la}→{lb}: {again:?}");
        a.stop().await;
        b.stop().await;
    }
}

/// A PNG of `w`×`h`.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

/// The territory's icon and its announcements' images travel in the export: B serves the same
/// bytes at the announcement's image and the territory's icon.
#[tokio::test]
async fn media_travel_with_the_territory() {
    let a = seeded(TestDb::prefer_postgres().await).await;
    let b = target(TestDb::sqlite().await).await;
    let t = a.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let icon = png(64, 64);
    let media_id = a.data.store.insert_media("image/png", &icon).await.expect("media");
    a.data.store.set_territory_icon(t.id, media_id).await.expect("icon");
    let input = AnnouncementInput {
        title: "Fête des voisins".into(),
        text: "Samedi, place de la mairie.".into(),
        image_alt: "La place pavoisée".into(),
        status: "published".into(),
        ..Default::default()
    };
    let id = announcements::create(&a.data, "territoire", &input, &ImageChange::New(png(300, 200)), "test")
        .await
        .map_err(|e| format!("{e:?}"))
        .expect("announcement");
    let image = a.data.store.announcement(id).await.expect("db").expect("row").image_name;
    assert!(!image.is_empty());
    let image_bytes = std::fs::read(a.data.config.data_dir.join("media").join(&image)).expect("file on A");

    let sealed_file = territory_transfer::export(&a.data, "territoire", PASS).await.expect("export");
    let done = territory_transfer::import(&b.data, &sealed_file, PASS, "cli").await.expect("import");
    assert!(done.counts.contains(&("media".to_string(), 2)), "{:?}", done.counts);

    let moved = b.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let icon_id = moved.icon_media_id.expect("the icon travelled");
    let (kind, bytes) = b.data.store.media(icon_id).await.expect("db").expect("icon row");
    assert_eq!((kind.as_str(), bytes), ("image/png", icon));
    let served = crate::common::client().get(b.url(&format!("/media/a/{image}"))).send().await.expect("image");
    assert_eq!(served.status(), reqwest::StatusCode::OK);
    assert_eq!(served.bytes().await.expect("bytes").to_vec(), image_bytes, "the same image, served by B");
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_wrong_passphrase_or_a_newer_schema_writes_nothing() {
    for (a_db, b_db) in pairs().await {
        let a = seeded(a_db).await;
        let b = target(b_db).await;
        let sealed_file = territory_transfer::export(&a.data, "territoire", PASS).await.expect("export");
        let territories = "SELECT COUNT(*) FROM territories";
        let (n_t, n_s) = (count(&b.data, territories).await, count(&b.data, "SELECT COUNT(*) FROM signatories").await);

        let wrong = territory_transfer::import(&b.data, &sealed_file, "not the passphrase", "cli").await;
        match wrong {
            Err(AppError::BadRequest(m)) => assert!(m.contains("wrong passphrase"), "{m}"),
            other => panic!("a wrong passphrase: {other:?}"),
        }
        let mut bundle = territory_transfer::open(&sealed_file, PASS).expect("open");
        bundle.schema_version += 1000;
        let newer = sealed::seal(&serde_json::to_vec(&bundle).expect("json"), PASS).expect("seal");
        match territory_transfer::import(&b.data, &newer, PASS, "cli").await {
            Err(AppError::BadRequest(m)) => assert!(m.contains("newer schema"), "{m}"),
            other => panic!("a newer schema: {other:?}"),
        }
        let garbage = territory_transfer::import(&b.data, b"not an age file", PASS, "cli").await;
        assert!(matches!(garbage, Err(AppError::BadRequest(_))), "{garbage:?}");

        assert_eq!(count(&b.data, territories).await, n_t, "no territory written");
        assert_eq!(count(&b.data, "SELECT COUNT(*) FROM signatories").await, n_s, "no signatory written");
        assert_eq!(count(&b.data, "SELECT COUNT(*) FROM audit_log WHERE action = 'territory.import'").await, 0);
        a.stop().await;
        b.stop().await;
    }
}

fn maillage(dir: &std::path::Path, public_url: &str) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_maillage"));
    c.current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("MAILLAGE_DATABASE_URL")
        .env_remove("MAILLAGE_EXPORT_PASSPHRASE")
        .env("MAILLAGE_PUBLIC_URL", public_url)
        .stdin(std::process::Stdio::null());
    c
}

/// The commands as an administrator runs them: the passphrase from the environment, refused
/// without one (no terminal to ask on), a wrong one a clear error.
#[test]
fn export_and_import_commands() {
    let (old, new) = (tempfile::tempdir().expect("tmp"), tempfile::tempdir().expect("tmp"));
    let file = old.path().join("territoire.age");
    let out = maillage(old.path(), "https://old.example")
        .args(["territory", "export", "territoire"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("MAILLAGE_EXPORT_PASSPHRASE"), "asks for a passphrase");
    let out = maillage(old.path(), "https://old.example")
        .args(["territory", "export", "territoire"])
        .arg(&file)
        .env("MAILLAGE_EXPORT_PASSPHRASE", PASS)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let import = |pass: &str| {
        maillage(new.path(), "https://new.example")
            .env("MAILLAGE_DEFAULT_TERRITORY", "accueil")
            .env("MAILLAGE_EXPORT_PASSPHRASE", pass)
            .args(["territory", "import"])
            .arg(&file)
            .output()
            .expect("run")
    };
    let wrong = import("not it");
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("wrong passphrase"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    let list = |dir: &std::path::Path| {
        let out = maillage(dir, "https://new.example")
            .env("MAILLAGE_DEFAULT_TERRITORY", "accueil")
            .args(["territory", "list"])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(!list(new.path()).contains("territoire\t"), "nothing imported by a wrong passphrase");
    let ok = import(PASS);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("imported from https://old.example/t/territoire"));
    assert!(list(new.path()).contains("territoire\t"), "imported");
}
