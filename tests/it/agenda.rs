//! The agenda pages and joining an action from its page (issue 12, points 4 and 6), on SQLite
//! and PostgreSQL: upcoming, past, each filter and the month view list what they should; a
//! visitor joins with name and email (422 beside the fields, double opt-in from the mailed
//! link, one participant per address, full → a clear refusal, approval → held then decided by
//! a moderator), cancels through the private link; names and addresses never appear in the
//! pages, the API, the calendars or the `Event`.

use crate::common;

use common::{TestDb, TestInstance, call, web::Browser};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn action(title: &str, start: &str, end: &str, extra: Value) -> Value {
    let mut a = json!({
        "title": title, "summary": "Une action commune.", "start": start, "end": end, "timezone": "Europe/Paris",
        "place_name": "Halle", "commune": "Redon", "latitude": 47.65, "longitude": -2.08,
        "domains": ["alimentation"], "dimensions": ["economique"]
    });
    if let (Some(a), Some(e)) = (a.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            a.insert(k.clone(), v.clone());
        }
    }
    a
}

async fn published(m: &TestInstance, token: &str, body: Value) -> i64 {
    let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(token), None).await;
    assert!(s.is_success());
    id
}

/// Mails in the outbox, oldest first (quoted-printable undone).
fn mails(m: &TestInstance) -> Vec<String> {
    let dir = m.db.dir.path().join("outbox");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .map(|f| std::fs::read_to_string(f).expect("mail").replace("=\r\n", "").replace("=\n", "").replace("=3D", "="))
        .collect()
}

fn link_in(mail: &str, path: &str) -> String {
    mail.split_whitespace().find(|w| w.contains(path)).expect(path).to_string()
}

async fn page(b: &mut Browser, path: &str) -> String {
    let p = b.get(path).await;
    assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
    p.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_lists_filters_and_months() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let market =
            published(&m, &modo, action("Marché de printemps", "2030-03-14T10:00", "2030-03-14T17:00", json!({})))
                .await;
        let workshop = json!({"commune": "Rennes", "place_name": "Atelier", "join_mode": "approval",
            "domains": ["habitat"], "dimensions": ["sociale"], "status": "postponed"});
        published(&m, &modo, action("Atelier réemploi", "2030-04-02T14:00", "2030-04-03T12:00", workshop)).await;
        published(&m, &modo, action("Marché hivernal passé", "2020-01-10T10:00", "2020-01-10T12:00", json!({}))).await;
        let (s, _) = call(
            Method::POST,
            m.url("/api/v1/actions"),
            Some(&modo),
            Some(action("Brouillon secret", "2030-03-20T10:00", "2030-03-20T12:00", json!({}))),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let mut b = Browser::new(&m.url(""));

        let upcoming = page(&mut b, "/t/territoire/agenda").await;
        let (i, j) = (
            upcoming.find("Marché de printemps").expect("market"),
            upcoming.find("Atelier réemploi").expect("workshop"),
        );
        assert!(i < j, "by start time");
        assert!(!upcoming.contains("Marché hivernal passé") && !upcoming.contains("Brouillon secret"));
        assert!(upcoming.contains(&format!("href=\"/t/territoire/actions/{market}\"")));
        assert!(upcoming.contains(&format!("webcal://{}/t/territoire/agenda.ics", m.authority)), "webcal link");
        assert!(upcoming.contains("Reportée"), "status badge");
        assert!(upcoming.contains("14 mars 2030 à 10:00 – 17:00"), "dates in the action's zone, the French way");
        let past = page(&mut b, "/t/territoire/agenda?past=1").await;
        assert!(past.contains("Marché hivernal passé") && !past.contains("Marché de printemps"));
        for (filter, shows, hides) in [
            ("domain=habitat", "Atelier réemploi", "Marché de printemps"),
            ("dimension=economique", "Marché de printemps", "Atelier réemploi"),
            ("join=approval", "Atelier réemploi", "Marché de printemps"),
            ("commune=redon", "Marché de printemps", "Atelier réemploi"),
        ] {
            let p = page(&mut b, &format!("/t/territoire/agenda?{filter}")).await;
            assert!(p.contains(shows) && !p.contains(hides), "{filter}");
        }
        let all = page(&mut b, "/agenda").await;
        assert!(all.contains("Marché de printemps") && all.contains("Atelier réemploi") && !all.contains("Brouillon"));

        // The month view: a table of weeks with links to the neighbouring months.
        let march = page(&mut b, "/t/territoire/agenda?mois=2030-03").await;
        assert!(march.contains("<table class=\"month\">") && march.contains("mars 2030"));
        assert!(march.contains("Marché de printemps") && !march.contains("Atelier réemploi"));
        assert!(march.contains("mois=2030-02") && march.contains("mois=2030-04"));
        assert!(march.contains("<time datetime=\"2030-03-14\">"), "the day of the market");
        // The workshop spans two days of April: listed on both.
        let april = page(&mut b, "/agenda?mois=2030-04&domain=habitat").await;
        assert_eq!(april.matches("Atelier réemploi").count(), 4, "two days, in the table and the phone list");
        let bad = page(&mut b, "/agenda?mois=2030-13").await;
        assert!(!bad.contains("<table class=\"month\">"), "an invalid month falls back to the list");
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_from_the_page() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let id = published(
            &m,
            &modo,
            action("Marché de printemps", "2030-03-14T10:00", "2030-03-14T17:00", json!({"capacity": 2})),
        )
        .await;
        let path = format!("/t/territoire/actions/{id}");
        let join = format!("{path}/participer");
        let mut b = Browser::new(&m.url(""));
        let first = page(&mut b, &path).await;
        assert!(first.contains("Aucun participant") && first.contains("2 places restantes"));
        assert!(first.contains("openstreetmap.org/?mlat=47.65&#38;mlon=-2.08#map=17/47.65/-2.08"), "map link");
        assert!(first.contains(&format!("{path}.ics")), "add to my calendar");
        let csrf = b.get(&path).await.csrf();

        // Invalid: 422 with each message beside its field, nothing stored, no mail.
        let p = b.post(&join, &[("csrf", &csrf), ("name", " "), ("email", "pas-une-adresse")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("id=\"join-name-error\"") && p.body.contains("id=\"join-email-error\""), "{}", p.body);
        assert!(p.body.contains("value=\"pas-une-adresse\""), "what was typed is kept");
        assert!(mails(&m).is_empty());
        let p = b.post(&join, &[("csrf", "wrong"), ("name", "Aline"), ("email", "aline@example.org")]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "CSRF");

        // Aline joins, confirms from the mail: she counts.
        let p = b.post(&join, &[("csrf", &csrf), ("name", "Aline Martin"), ("email", "aline@example.org")]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(page(&mut b, &path).await.contains("Aucun participant"), "not before confirming");
        let mail = mails(&m).pop().expect("a mail");
        assert!(mail.contains("aline@example.org") && mail.contains("printemps"), "{mail}");
        let confirm = common::path_of(&m, &link_in(&mail, "/participation/confirmer"));
        let aline_manage = common::path_of(&m, &link_in(&mail, "/participation/gerer"));
        let p = b.get(&confirm).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("confirmée"));
        assert_eq!(b.get(&confirm).await.status, StatusCode::BAD_REQUEST, "a confirmation link works once");
        let after = page(&mut b, &path).await;
        assert!(after.contains("1 participant") && after.contains("1 place restante"), "count changed");

        // The same address again (another case): still one participant, a fresh private link.
        let p = b.post(&join, &[("csrf", &csrf), ("name", "Aline"), ("email", "ALINE@example.org")]).await;
        assert_eq!(p.status, StatusCode::OK);
        let again = mails(&m).pop().expect("mail");
        assert!(!again.contains("/participation/confirmer"), "already confirmed");
        let (_, list) =
            call(Method::GET, m.url(&format!("/api/v1/actions/{id}/participants")), Some(&modo), None).await;
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");

        // Bruno fills the last place; Chloé is told it is full.
        b.post(&join, &[("csrf", &csrf), ("name", "Bruno"), ("email", "bruno@example.org")]).await;
        let bruno = mails(&m).pop().expect("mail");
        assert_eq!(
            b.get(&common::path_of(&m, &link_in(&bruno, "/participation/confirmer"))).await.status,
            StatusCode::OK
        );
        let full = page(&mut b, &path).await;
        assert!(full.contains("2 participants") && full.contains("complète"), "full");
        let p = b.post(&join, &[("csrf", &csrf), ("name", "Chloé"), ("email", "chloe@example.org")]).await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(p.body.contains("complète"), "{}", p.body);

        // Private: no name or address in the page, the API, the calendars or the Event.
        let event = common::client()
            .get(m.url(&path))
            .header("Accept", "application/activity+json")
            .send()
            .await
            .expect("event")
            .text()
            .await
            .expect("text");
        assert!(event.contains("\"participantCount\":2"), "{event}");
        let public = [
            page(&mut b, &path).await,
            page(&mut b, "/t/territoire/agenda").await,
            page(&mut b, "/agenda?mois=2030-03").await,
            common::get_html(&m.url(&format!("{path}.ics"))).await,
            common::get_html(&m.url("/t/territoire/agenda.ics")).await,
            call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await.1.to_string(),
            event,
        ];
        for text in public {
            for private in ["Aline", "aline@", "Bruno", "bruno@"] {
                assert!(!text.contains(private), "{private} leaked");
            }
        }

        // Aline cancels through her private link: her place is free again.
        let manage = b.get(&aline_manage).await;
        assert_eq!(manage.status, StatusCode::BAD_REQUEST, "the first management link was replaced by the second");
        let aline_manage = common::path_of(&m, &link_in(&again, "/participation/gerer"));
        let manage = b.get(&aline_manage).await;
        assert_eq!(manage.status, StatusCode::OK);
        assert!(manage.body.contains("confirmée") && manage.cache_control.contains("no-store"));
        let token = aline_manage.split("token=").nth(1).expect("token");
        let p = b.post("/participation/gerer", &[("csrf", &manage.csrf()), ("token", token)]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(page(&mut b, &path).await.contains("1 place restante"));
        assert_eq!(b.get(&aline_manage).await.status, StatusCode::BAD_REQUEST, "gone");

        // Cancelled by the organisers: Bruno is mailed.
        let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/cancel")), Some(&modo), None).await;
        assert!(s.is_success());
        let last = mails(&m).pop().expect("mail");
        assert!(last.contains("bruno@example.org") && last.contains("ont annul"), "{last}");
        let closed = page(&mut b, &path).await;
        assert!(closed.contains("Annulée") && !closed.contains("name=\"email\""), "no form on a cancelled action");
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joins_on_approval_wait_for_a_moderator() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let body = action("Atelier", "2030-04-02T14:00", "2030-04-02T17:00", json!({"join_mode": "approval"}));
        let id = published(&m, &modo, body).await;
        let path = format!("/t/territoire/actions/{id}");
        let mut b = Browser::new(&m.url(""));
        let csrf = b.get(&path).await.csrf();
        for (name, email) in [("Dora", "dora@example.org"), ("Émile", "emile@example.org")] {
            let p = b.post(&format!("{path}/participer"), &[("csrf", &csrf), ("name", name), ("email", email)]).await;
            assert_eq!(p.status, StatusCode::OK);
            let mail = mails(&m).pop().expect("mail");
            let p = b.get(&common::path_of(&m, &link_in(&mail, "/participation/confirmer"))).await;
            assert!(p.body.contains("valident"), "held: {}", p.body);
        }
        assert!(page(&mut b, &path).await.contains("Aucun participant"), "held ones do not count");
        let (_, list) =
            call(Method::GET, m.url(&format!("/api/v1/actions/{id}/participants")), Some(&modo), None).await;
        let pending: Vec<i64> = list
            .as_array()
            .expect("list")
            .iter()
            .filter(|p| p["state"] == "pending")
            .filter_map(|p| p["id"].as_i64())
            .collect();
        assert_eq!(pending.len(), 2, "{list}");
        let url = |pid: i64, what: &str| m.url(&format!("/api/v1/actions/{id}/participants/{pid}/{what}"));
        // Dora approved from the command line (the same database, another process).
        let cli = |args: &[String]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
                .args(args)
                .current_dir(m.db.dir.path())
                .env_remove("RUST_LOG")
                .env("MAILLAGE_DATABASE_URL", &m.db.url)
                .env("MAILLAGE_PUBLIC_URL", m.url("").trim_end_matches('/'))
                .env("MAILLAGE_DATA_DIR", m.db.dir.path())
                .output()
                .expect("maillage");
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let listed = cli(&["action".into(), "participants".into(), "territoire".into(), id.to_string()]);
        assert!(listed.contains(&format!("{}\tpending\tDora (web)", pending[0])), "{listed}");
        assert!(!listed.contains("dora@"), "no address printed");
        cli(&["action".into(), "approve".into(), "territoire".into(), id.to_string(), pending[0].to_string()]);
        assert!(mails(&m).pop().expect("mail").contains("accept"), "Dora is told");
        let (s, _) = call(Method::POST, url(pending[1], "reject"), Some(&modo), None).await;
        assert!(s.is_success());
        assert!(mails(&m).pop().expect("mail").contains("retenir"), "Émile is told");
        assert!(page(&mut b, &path).await.contains("1 participant"));
        let (_, list) =
            call(Method::GET, m.url(&format!("/api/v1/actions/{id}/participants")), Some(&modo), None).await;
        assert_eq!(list.as_array().map(Vec::len), Some(1), "the declined one is erased: {list}");
        m.stop().await;
    }
}
