//! The coordinator's console over HTTP, on SQLite and PostgreSQL: signatures searched,
//! filtered and paged; decided in bulk (CSRF checked, a refusal needs its reason, what no
//! longer waits is named); a row's refused action answered beside its field with what was
//! typed kept; details for moderators, never cached; the moderator mail setting (never, daily
//! digest) and the digest itself.

use crate::common;

use common::{TestDb, TestInstance, mailed_links, path_of, web::Browser};
use maillage::{
    domain::{account::Role, signatory::SignatureInput},
    processing::{moderation, signatures},
    web::i18n::{Lang, Tr},
};
use reqwest::StatusCode;

const PW: &str = "un mot de passe solide";

/// `n` people sign (each from their own address, as the rate limit counts per address) and
/// confirm from the mailed link; returns their ids in order.
async fn confirmed_signatures(m: &TestInstance, names: &[(&str, &str)]) -> Vec<i64> {
    let mut ids = vec![];
    for (i, (name, commune)) in names.iter().enumerate() {
        let email = format!("personne{i}@{}.example", commune.to_lowercase());
        let input = SignatureInput {
            kind: "individual".into(),
            name: name.to_string(),
            roles: vec!["citoyen".into()],
            commune: commune.to_string(),
            email: email.clone(),
            charter_version: "2024".into(),
            consent: true,
            ..Default::default()
        };
        let before = mailed_links(m).len();
        signatures::submit(&m.data, "territoire", &input, &format!("10.0.0.{i}"), Tr::new(Lang::Fr))
            .await
            .expect("signed");
        let links = mailed_links(m);
        let confirm = links[before..].iter().find(|l| l.contains("/signature/confirm")).expect("confirmation link");
        let res = common::client().get(m.url(&path_of(m, confirm))).send().await.expect("confirm");
        assert_eq!(res.status(), StatusCode::OK);
        let id: i64 = sqlx::query_scalar("SELECT id FROM signatories WHERE email = $1")
            .bind(&email)
            .fetch_one(m.data.store.pool())
            .await
            .expect("id");
        ids.push(id);
    }
    ids
}

async fn status_of(m: &TestInstance, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM signatories WHERE id = $1")
        .bind(id)
        .fetch_one(m.data.store.pool())
        .await
        .expect("status")
}

/// Mails in the outbox addressed to `to`.
fn mails_to(m: &TestInstance, to: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(m.db.dir.path().join("outbox")) else { return vec![] };
    dir.filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).expect("mail").replace("=\r\n", "").replace("=\n", ""))
        .filter(|mail| mail.lines().any(|l| l == format!("To: {to}")))
        .collect()
}

async fn bulk_post(b: &mut Browser, form: Vec<(String, String)>) -> common::web::Page {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.post("/admin/signatures/bulk", &pairs).await
}

async fn start(db: TestDb) -> (TestInstance, Browser) {
    let m = TestInstance::start(db).await;
    m.account("admin@cces.example", PW, Role::Admin).await;
    m.account("modo@cces.example", PW, Role::Moderator).await;
    signatures::import_charter(&m.data, "territoire", "# Charte\n\nNous signons.\n", "2024", "test")
        .await
        .expect("charter");
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    (m, b)
}

/// Sets the moderator mail frequency through the instance page, as an administrator.
async fn set_moderation_mail(m: &TestInstance, value: &str) {
    let mut admin = Browser::new(&m.url(""));
    admin.login("admin@cces.example", PW).await;
    let page = admin.get("/admin/instance").await;
    assert!(page.body.contains("<option value=\"each\" selected>"), "each time by default");
    let csrf = page.csrf();
    let p = admin
        .post("/admin/instance", &[("csrf", &csrf), ("contact", ""), ("rules", ""), ("moderation_mail", value)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(admin.get("/admin/instance").await.body.contains(&format!("<option value=\"{value}\" selected>")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_are_searched_paged_and_decided_in_bulk() {
    for db in TestDb::all().await {
        let label = db.label;
        let (m, mut b) = start(db).await;
        set_moderation_mail(&m, "never").await;
        let names: Vec<(String, &str)> =
            (1..=27).map(|i| (format!("Signataire {i:02}"), if i % 2 == 0 { "Guer" } else { "Redon" })).collect();
        let names: Vec<(&str, &str)> = names.iter().map(|(n, c)| (n.as_str(), *c)).collect();
        let ids = confirmed_signatures(&m, &names).await;
        assert!(mails_to(&m, "modo@cces.example").is_empty(), "{label}: never means never");

        // Pages of 25, newest first; the next page keeps the filters.
        let page = b.get("/admin/signatures").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.cache_control.contains("no-store"), "{label}: private data is not cached");
        assert!(page.body.contains("27 résultat(s) — page 1 sur 2"), "{label}: {}", page.body);
        assert_eq!(page.body.matches("<tr id=\"sig-").count(), 25);
        let next = page.body.split("rel=\"next\"").next().and_then(|s| s.rsplit("href=\"").next()).unwrap_or_default();
        assert!(next.contains("status=confirmed") && next.contains("page=2"), "{label}: {next}");
        let second = b.get("/admin/signatures?t=territoire&status=confirmed&page=2").await;
        assert_eq!(second.body.matches("<tr id=\"sig-").count(), 2, "{label}");
        assert!(second.body.contains("Signataire 01"), "{label}: the oldest last");
        // Search by commune, name or address, case-insensitive; LIKE's wildcards are plain text.
        let guer = b.get("/admin/signatures?q=GUER").await;
        assert!(guer.body.contains("13 résultat(s)"), "{label}");
        assert!(!guer.body.contains("Signataire 01<"));
        assert!(b.get("/admin/signatures?q=Signataire+1").await.body.contains("10 résultat(s)"), "{label}: 1, 10–19");
        assert!(b.get("/admin/signatures?q=personne3%40").await.body.contains("1 résultat(s)"), "{label}");
        assert!(b.get("/admin/signatures?q=%25").await.body.contains("0 résultat(s)"), "{label}");

        // Bulk: CSRF checked; nothing ticked, or a refusal without reason, answered on the page.
        let csrf = page.csrf();
        let (a, c, d) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
        let bulk = |decision: &'static str, reason: &'static str, picked: Vec<String>, csrf: String| {
            let mut form = vec![
                ("csrf".to_string(), csrf),
                ("t".to_string(), "territoire".to_string()),
                ("return".to_string(), "/admin/signatures?t=territoire".to_string()),
                ("decision".to_string(), decision.to_string()),
                ("reason".to_string(), reason.to_string()),
            ];
            form.extend(picked.into_iter().map(|id| ("ids".to_string(), id)));
            form
        };
        let forged = bulk_post(&mut b, bulk("approve", "", vec![a.clone()], "forged".into())).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{label}");
        let none = bulk_post(&mut b, bulk("approve", "", vec![], csrf.clone())).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.body.contains("Cochez au moins une signature"), "{label}");
        let no_reason = bulk_post(&mut b, bulk("reject", "  ", vec![a.clone(), c.clone()], csrf.clone())).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_reason.body.contains("id=\"bulk-reason-error\""), "{label}: beside the field");
        assert_eq!(status_of(&m, ids[0]).await, "confirmed", "{label}: nothing decided");

        let done = bulk_post(&mut b, bulk("approve", "", vec![a.clone(), c.clone()], csrf.clone())).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{label}: {}", done.body);
        let back = done.location.expect("back to the list");
        assert!(back.contains("done=approve&n=2"), "{back}");
        assert!(b.get(&back).await.body.contains("2 signatures acceptées"), "{label}");
        assert_eq!((status_of(&m, ids[0]).await, status_of(&m, ids[1]).await), ("approved".into(), "approved".into()));
        // One already decided: the other is rejected, and the page says which did not change.
        let partly =
            bulk_post(&mut b, bulk("reject", "Hors du territoire", vec![a.clone(), d.clone()], csrf.clone())).await;
        assert_eq!(partly.status, StatusCode::CONFLICT, "{label}");
        assert!(partly.body.contains("1 signature(s) traitée(s) ; 1 n"), "{label}: {}", partly.body);
        assert_eq!(status_of(&m, ids[2]).await, "rejected");
        assert!(b.get("/admin/signatures?status=approved").await.body.contains("2 résultat(s)"), "{label}");
        let all = b.get("/admin/signatures?status=all").await.body;
        assert!(all.contains("27 résultat(s)") && all.contains("Refusée : Hors du territoire"), "{label}");

        // One row: a refusal without a usable reason is answered beside that row's field,
        // what was typed kept, the page still the console's.
        let e = ids[3];
        let long = "trop ".repeat(201);
        let row = b
            .post(
                "/admin/signatures/decide?decision=reject",
                &[("csrf", &csrf), ("id", &e.to_string()), ("t", "territoire"), ("reason", &long)],
            )
            .await;
        assert_eq!(row.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(row.body.contains(&format!("id=\"reason-{e}-error\"")), "{label}");
        assert!(row.body.contains(&format!("value=\"{}\"", long)), "{label}: the reason kept");
        assert!(row.body.contains("action=\"/logout\""), "{label}: still logged in");
        // Deciding one that no longer waits says so, on the page.
        let late = b
            .post(
                "/admin/signatures/decide?decision=reject",
                &[("csrf", &csrf), ("id", &a), ("t", "territoire"), ("reason", "Doublon")],
            )
            .await;
        assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(late.body.contains("attend plus de décision"), "{label}");

        // Details, for moderators too; the JSON export stays for administrators.
        let details = b.get(&format!("/admin/signatures/{e}")).await;
        assert_eq!(details.status, StatusCode::OK);
        assert!(details.cache_control.contains("no-store"));
        assert!(details.body.contains("personne3@redon.example") || details.body.contains("personne3@guer.example"));
        assert!(!details.body.contains(".json\""), "{label}: no JSON link for moderators");
        let mut admin = Browser::new(&m.url(""));
        admin.login("admin@cces.example", PW).await;
        let as_admin = admin.get(&format!("/admin/signatures/{e}")).await;
        assert!(as_admin.body.contains(&format!("<a href=\"/admin/signature/{e}.json\" download>")), "{label}");
        let edit = admin.get(&format!("/admin/signature/{e}")).await.body;
        assert!(edit.contains("à la demande de la personne") && !edit.contains("conserve sur vous"), "{label}");
        // The dashboard counts what still waits: 27 minus 2 approved, 1 rejected.
        let dash = b.get("/admin").await.body;
        assert!(dash.contains("24 signature(s) à accepter ou refuser"), "{label}: {dash}");
        assert!(dash.contains("Aucune demande d"), "{label}");
        assert!(!dash.contains("href=\"/admin/instance\""), "{label}: moderators get no link they cannot follow");
        // The audit log searched in words, by name, by subject.
        let refused = b.get("/admin/audit?q=refus%C3%A9e").await.body;
        assert!(refused.contains("Signature refusée") && !refused.contains("Signature acceptée"), "{label}");
        assert!(refused.contains("Signataire 03 (Hors du territoire)"), "{label}: {refused}");
        let by_name = b.get("/admin/audit?q=signataire+01").await.body;
        assert!(by_name.contains("Signature acceptée") && by_name.contains("Signataire 01 (n°"), "{label}");
        assert!(!by_name.contains("Signataire 03"), "{label}");
        let settings = b.get("/admin/audit?kind=settings").await.body;
        assert!(
            settings.contains("Courriels aux modérateur·ices modifiés") && !settings.contains("<strong>Signature"),
            "{label}"
        );
        let stranger = Browser::new(&m.url("")).get(&format!("/admin/signatures/{e}")).await;
        assert_eq!(stranger.status, StatusCode::SEE_OTHER, "{label}: login first");
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_can_have_one_digest_a_day_instead() {
    for db in TestDb::all().await {
        let label = db.label;
        let (m, _) = start(db).await;
        set_moderation_mail(&m, "digest").await;
        confirmed_signatures(&m, &[("Lou Martin", "Guer"), ("Ada Lovelace", "Redon")]).await;
        assert!(mails_to(&m, "modo@cces.example").is_empty(), "{label}: no mail per signature");
        assert!(!moderation::digest_if_due(&m.data).await.expect("digest"), "{label}: not a day yet");
        // A day later (the last digest moved back 25 hours).
        let day_ago = maillage::domain::now_millis() - 25 * 3600 * 1000;
        m.data.store.set_setting(moderation::DIGEST_AT, &day_ago.to_string()).await.expect("setting");
        moderation::digest_if_due(&m.data).await.expect("digest");
        let mails = mails_to(&m, "modo@cces.example");
        assert_eq!(mails.len(), 1, "{label}: one digest");
        assert!(mails[0].contains("Signatures en attente de d=C3=A9cision : 2") || mails[0].contains("=?utf-8?"));
        assert!(mails[0].contains("/admin/signatures?t=3Dterritoire&status=3Dconfirmed"), "{label}: {}", mails[0]);
        assert!(mails[0].contains("Territoire CCES : 2"), "{label}");
        assert!(!moderation::digest_if_due(&m.data).await.expect("digest"), "{label}: once a day");
        assert_eq!(mails_to(&m, "admin@cces.example").len(), 1, "{label}: every moderating account");
        // Two passes finding the same due digest (two processes): one sends it.
        confirmed_signatures(&m, &[("Zoé Petit", "Vannes")]).await;
        let day_ago = maillage::domain::now_millis() - 25 * 3600 * 1000;
        m.data.store.set_setting(moderation::DIGEST_AT, &day_ago.to_string()).await.expect("setting");
        let (one, two) = tokio::join!(moderation::digest_if_due(&m.data), moderation::digest_if_due(&m.data));
        assert!(one.expect("digest") ^ two.expect("digest"), "{label}: exactly one pass sends");
        assert_eq!(mails_to(&m, "modo@cces.example").len(), 2, "{label}");
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practices_list_is_searched_and_filtered() {
    for db in TestDb::all().await {
        let label = db.label;
        let (m, mut b) = start(db).await;
        let csrf = b.get("/admin/pratiques/nouvelle").await.csrf();
        for (title, commune) in [("Autopartage rural", "Guer"), ("Épicerie solidaire", "Redon")] {
            let form = [
                ("csrf", csrf.as_str()),
                ("title", title),
                ("summary", "Des habitants s'organisent ensemble."),
                ("body", "Texte."),
                ("domains", "mobilite"),
                ("commune", commune),
            ];
            assert_eq!(b.post("/admin/pratiques/nouvelle", &form).await.status, StatusCode::SEE_OTHER, "{label}");
        }
        let practices =
            m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("practices");
        let shared = practices.iter().find(|p| p.title == "Autopartage rural").expect("practice").id;
        maillage::processing::practices::set_published(&m.data, shared, true, "test").await.expect("publish");
        assert!(b.get("/admin").await.body.contains("1 bonne(s) pratique(s) en brouillon"), "{label}");
        // Public pages read times in the instance's zone too (Europe/Paris by default).
        let at: i64 = sqlx::query_scalar("SELECT published_at FROM practices WHERE id = $1")
            .bind(shared)
            .fetch_one(m.data.store.pool())
            .await
            .expect("published");
        let utc = maillage::domain::millis_to_datetime(at);
        let offset = if (4..=10).contains(&chrono::Datelike::month(&utc)) { 2 } else { 1 };
        let paris = utc + chrono::Duration::hours(offset);
        let hm = format!(" à {:02}:{:02}", chrono::Timelike::hour(&paris), chrono::Timelike::minute(&paris));
        let public = Browser::new(&m.url("")).get(&format!("/pratiques/{shared}")).await.body;
        assert!(public.contains(&hm) && !public.contains(" UTC"), "{label}: {hm}");
        let mut english = Browser::new(&m.url(""));
        english.accept_language = Some("en".into());
        let (pm, h12) = chrono::Timelike::hour12(&paris);
        let en = format!(" at {h12}:{:02} {}", chrono::Timelike::minute(&paris), if pm { "PM" } else { "AM" });
        assert!(english.get(&format!("/pratiques/{shared}")).await.body.contains(&en), "{label}: {en}");
        let all = b.get("/admin/pratiques").await.body;
        assert!(all.contains("2 résultat(s)") && all.contains("Autopartage rural") && all.contains("picerie"));
        let found = b.get("/admin/pratiques?q=AUTOPARTAGE").await.body;
        assert!(found.contains("1 résultat(s)") && !found.contains("picerie solidaire"), "{label}");
        assert!(b.get("/admin/pratiques?q=redon").await.body.contains("picerie solidaire"), "{label}: by commune");
        let drafts = b.get("/admin/pratiques?status=draft").await.body;
        assert!(drafts.contains("1 résultat(s)") && !drafts.contains("Autopartage rural"), "{label}");
        let published = b.get("/admin/pratiques?status=published").await.body;
        assert!(published.contains("Autopartage rural") && !published.contains("picerie solidaire"), "{label}");
        m.stop().await;
    }
}
