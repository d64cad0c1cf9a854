//! The console page of registrations held for approval (issue 12, point 6), on SQLite and
//! PostgreSQL: two people join from the page and one from Mobilizon an action taking
//! registrations on approval; the moderators' page lists them under the action (the web
//! participants by name — moderators only —, the fediverse one by its host), sends visitors
//! to the login page, refuses a wrong CSRF token and an empty selection (422); one approval counts the
//! person and mails her; a bulk refusal mails the other and sends the Mobilizon person a
//! `Reject` of its `Join`; each decision is in the audit log.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, peer::Peer, web::Browser};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;
use url::Url;

const PW: &str = "un mot de passe solide";

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_decide_held_registrations_in_the_console() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let camille = Peer::start_as("mobilizon").await;
        let modo = m.token(Role::Moderator).await;
        let body = json!({
            "title": "Atelier vélo", "summary": "On répare.", "start": "2030-04-02T14:00", "end": "2030-04-02T17:00",
            "timezone": "Europe/Paris", "place_name": "Halle", "commune": "Redon", "join_mode": "approval", "capacity": 5
        });
        let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
        let path = format!("/t/territoire/actions/{id}");

        let mut visitor = Browser::new(&m.url(""));
        let csrf = visitor.get(&path).await.csrf();
        for (name, email) in [("Dora Lefèvre", "dora@example.org"), ("Émile Roux", "emile@example.org")] {
            let p =
                visitor.post(&format!("{path}/participer"), &[("csrf", &csrf), ("name", name), ("email", email)]).await;
            assert_eq!(p.status, StatusCode::OK, "[{label}]");
            let mail = mails(&m).pop().expect("mail");
            let link = mail.split_whitespace().find(|w| w.contains("/participation/confirmer")).expect("link");
            visitor.get(&common::path_of(&m, link)).await;
        }
        let inbox = Url::parse(&m.url("/t/territoire/inbox")).expect("inbox");
        let join = camille.send(&inbox, "Join", json!(m.url(&path))).await.expect("join");

        let console = "/admin/actions/attente?t=territoire";
        let p = visitor.get(console).await;
        assert!(
            p.status == StatusCode::SEE_OTHER && p.location.as_deref().is_some_and(|l| l.contains("/login")),
            "[{label}] moderators only: {}",
            p.status
        );
        m.account("modo@example.org", PW, Role::Moderator).await;
        let mut b = Browser::new(&m.url(""));
        b.login("modo@example.org", PW).await;
        let p = b.get("/admin").await;
        assert!(p.body.contains("/admin/actions/attente?t=territoire"), "[{label}] linked from the nav");
        let p = b.get(console).await;
        assert_eq!(p.status, StatusCode::OK, "[{label}] {}", p.body);
        assert!(p.cache_control.contains("no-store") || p.cache_control.contains("private"), "{}", p.cache_control);
        assert!(p.body.contains("Atelier vélo"), "[{label}] {}", p.body);
        for who in ["Dora Lefèvre", "Émile Roux", camille.authority.as_str()] {
            assert!(p.body.contains(who), "[{label}] {who} listed: {}", p.body);
        }
        assert!(!p.body.contains("dora@example.org"), "[{label}] no address even here");
        let csrf = p.csrf();
        let key = |needle: &str| -> String {
            let row = p.body.split("<tr id=\"held-").find(|r| r.contains(needle)).expect(needle);
            row.split('"').next().expect("key").to_string()
        };
        let (dora, emile, fedi) = (key("Dora"), key("Émile"), key(camille.authority.as_str()));

        let p = b
            .post(
                "/admin/actions/attente",
                &[("csrf", "faux"), ("t", "territoire"), ("ids", &dora), ("decision", "approve")],
            )
            .await;
        assert!(p.status.is_client_error(), "[{label}] CSRF checked: {}", p.status);
        let p =
            b.post("/admin/actions/attente", &[("csrf", &csrf), ("t", "territoire"), ("decision", "approve")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] nothing selected");
        let (_, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
        assert_eq!(detail["participants"], 0, "[{label}] nothing decided yet");

        // One approved from its row.
        let before = mails(&m).len();
        let p = b
            .post(
                "/admin/actions/attente",
                &[("csrf", &csrf), ("t", "territoire"), ("ids", &dora), ("decision", "approve")],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "[{label}] {}", p.body);
        let p = b.get(p.location.as_deref().expect("back")).await;
        assert!(p.body.contains("Une inscription acceptée"), "[{label}] {}", p.body);
        assert!(!p.body.contains("Dora"), "[{label}] no longer waiting");
        assert_eq!(mails(&m).len(), before + 1, "[{label}] Dora is told");
        let (_, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
        assert_eq!(detail["participants"], 1, "[{label}] {detail}");

        // The two others declined at once; Dora's key again is skipped (no longer waiting).
        let p = b
            .post(
                "/admin/actions/attente",
                &[
                    ("csrf", &csrf),
                    ("t", "territoire"),
                    ("ids", &emile),
                    ("ids", &fedi),
                    ("ids", &dora),
                    ("decision", "reject"),
                ],
            )
            .await;
        let p = b.get(p.location.as_deref().expect("back")).await;
        assert!(p.body.contains("2 inscriptions refusées"), "[{label}] {}", p.body);
        assert!(
            p.body.contains("Une inscription n&#39;a pas pu") || p.body.contains("Une inscription n'a pas pu"),
            "[{label}] {}",
            p.body
        );
        assert!(p.body.contains("Aucune inscription en attente"), "[{label}] {}", p.body);
        eventually(15, "Reject", || async { camille.received().iter().any(|a| a["type"] == "Reject") }).await;
        let reject = camille.received().into_iter().find(|a| a["type"] == "Reject").expect("reject");
        assert_eq!(reject["object"]["id"], join.id.as_str(), "[{label}] the Join answered");
        assert!(mails(&m).pop().expect("mail").contains("retenir"), "[{label}] Émile is told");
        let (_, detail) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
        assert_eq!(detail["participants"], 1, "[{label}] {detail}");

        let audit = m.data.store.audit_page(50, 0).await.expect("audit");
        let decided: Vec<&str> = audit
            .iter()
            .filter(|a| a.actor == "modo@example.org" && a.action.starts_with("action.participant."))
            .map(|a| a.action.as_str())
            .collect();
        assert_eq!(decided.iter().filter(|a| **a == "action.participant.approve").count(), 1, "[{label}] {decided:?}");
        assert_eq!(decided.iter().filter(|a| **a == "action.participant.reject").count(), 2, "[{label}] {decided:?}");
        assert!(
            audit.iter().all(|a| !a.detail.contains("Dora") && !a.detail.contains('@')),
            "[{label}] no personal data"
        );
        camille.stop().await;
        m.stop().await;
    }
}
