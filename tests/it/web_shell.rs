//! The web shell over HTTP: login, sessions that survive a restart, CSRF, rate limiting,
//! roles, uploads, password reset by mail, languages, remote follow, and the JSON API.

use crate::common;

use common::{
    TestDb, TestInstance, get_json,
    web::{Browser, PNG},
};
use maillage::domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PW: &str = "un mot de passe solide";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sessions_csrf_and_rate_limiting() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    m.account("admin@cces.example", PW, Role::Admin).await;
    let mut b = Browser::new(&m.url(""));

    // The admin console asks for a login.
    let p = b.get("/admin").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location.as_deref().unwrap_or_default().starts_with("/login?next="));

    let csrf = b.get("/login").await.csrf();
    // No or wrong CSRF token: 403, no session.
    let p = b.post("/login", &[("email", "admin@cces.example"), ("password", PW)]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = b.post("/login", &[("csrf", "forged"), ("email", "admin@cces.example"), ("password", PW)]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.body.contains("Accès refusé"), "an error page in French: {}", p.body);
    assert!(!b.cookies.contains_key("maillage_session"));

    // Wrong password and unknown account: the same message.
    let wrong = b.post("/login", &[("csrf", &csrf), ("email", "admin@cces.example"), ("password", "nope")]).await;
    let unknown = b.post("/login", &[("csrf", &csrf), ("email", "ghost@cces.example"), ("password", PW)]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Adresse ou mot de passe incorrect."));
    assert!(unknown.body.contains("Adresse ou mot de passe incorrect."));

    // Logged in; the session survives a restart of the server.
    b.login("admin@cces.example", PW).await;
    assert!(b.get("/admin").await.body.contains("admin@cces.example"));
    let m = m.restart().await;
    b.base = m.url("");
    let p = b.get("/admin").await;
    assert_eq!(p.status, StatusCode::OK, "session kept across restarts");

    // Logout needs the CSRF token too.
    let csrf = p.csrf();
    assert_eq!(b.post("/logout", &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.post("/logout", &[("csrf", "forged")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.post("/logout", &[("csrf", &csrf)]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/admin").await.status, StatusCode::SEE_OTHER, "logged out");

    // Rate limiting: after five failures from this address, even the right password is refused.
    let mut c = Browser::new(&m.url(""));
    let csrf = c.get("/login").await.csrf();
    // Two failures were counted above from this address (wrong password, unknown account).
    for _ in 0..3 {
        let p = c.post("/login", &[("csrf", &csrf), ("email", "x@cces.example"), ("password", "bad")]).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    }
    let p = c.post("/login", &[("csrf", &csrf), ("email", "admin@cces.example"), ("password", PW)]).await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS, "{}", p.body);
    assert!(p.body.contains("Trop de tentatives"));
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_console_roles_uploads_and_edits() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin@cces.example", PW, Role::Admin).await;
    m.account("modo@cces.example", PW, Role::Moderator).await;

    let mut modo = Browser::new(&m.url(""));
    modo.login("modo@cces.example", PW).await;
    for page in ["/admin/territory", "/admin/domains", "/admin/accounts", "/admin/instance", "/admin/following"] {
        let p = modo.get(page).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{page} is for admins");
        assert!(p.body.contains("Accès refusé"));
    }
    for page in ["/admin", "/admin/followers", "/admin/audit", "/admin/federation"] {
        assert_eq!(modo.get(page).await.status, StatusCode::OK, "{page} is open to moderators");
    }

    let mut admin = Browser::new(&m.url(""));
    admin.login("admin@cces.example", PW).await;
    let form = admin.get("/admin/territory").await;
    let csrf = form.csrf();
    // CSRF missing: 403 and nothing changed.
    let p = admin.post("/admin/territory", &[("name", "Pirate")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(get_json(&m.territory()).await["name"], "Territoire CCES");
    // Field errors come back next to the fields.
    let p = admin.post("/admin/territory", &[("csrf", &csrf), ("name", ""), ("summary", "x")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"name-error\"") && p.body.contains("aria-describedby=\"name-error\""));
    // A real edit.
    let p = admin
        .post(
            "/admin/territory",
            &[
                ("csrf", &csrf),
                ("name", "Pays de Redon"),
                ("summary", "Circuits courts du pays de Redon."),
                ("perimeter", "Redon Agglomération"),
                ("domains", "alimentation"),
                ("domains", "energie"),
                ("manually_approves_followers", "true"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let actor = get_json(&m.territory()).await;
    assert_eq!(actor["name"], "Pays de Redon");
    assert_eq!(actor["manuallyApprovesFollowers"], true);
    assert!(actor["attachment"].to_string().contains("Redon Agglomération"));
    assert!(actor["attachment"].to_string().contains("Énergie"));
    let home = admin.get("/t/territoire").await.body;
    assert!(home.contains("Pays de Redon") && home.contains("Alimentation") && home.contains("Redon Agglomération"));

    // Uploads: not an image, too large, then a PNG.
    let p = admin.post_multipart("/admin/territory/icon", &csrf, b"<script>alert(1)</script>".to_vec(), "x.png").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("est pas une image"), "{}", p.body);
    let mut big = PNG.to_vec();
    big.extend(vec![0u8; 1024 * 1024 + 10]);
    let p = admin.post_multipart("/admin/territory/icon", &csrf, big, "big.png").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "the form with its error");
    assert!(p.body.contains("1\u{a0}Mo") && p.body.contains("id=\"icon-error\""), "{}", p.body);
    let p = admin.post_multipart("/admin/territory/icon", "forged", PNG.to_vec(), "logo.png").await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = admin.post_multipart("/admin/territory/icon", &csrf, PNG.to_vec(), "logo.png").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let icon = get_json(&m.territory()).await["icon"]["url"].as_str().expect("icon url").to_string();
    let res = common::client().get(&icon).send().await.expect("icon");
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), PNG);

    // Domain block and an account, then the audit log shows all of it.
    let csrf = admin.get("/admin/domains").await.csrf();
    assert_eq!(
        admin.post("/admin/domains", &[("csrf", &csrf), ("domain", "spam.example"), ("reason", "spam")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(admin.get("/admin/domains").await.body.contains("spam.example"));
    let p = admin
        .post("/admin/accounts", &[("csrf", &csrf), ("email", "bad"), ("role", "moderator"), ("password", "short")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Adresse électronique invalide.") && p.body.contains("Au moins 10 caractères."));
    let p = admin
        .post(
            "/admin/accounts",
            &[("csrf", &csrf), ("email", "new@cces.example"), ("role", "moderator"), ("password", PW)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // The log in words; logins listed only when asked for.
    let audit = admin.get("/admin/audit").await.body;
    for action in ["Territoire modifié", "Logo du territoire changé", "Domaine bloqué", "Compte créé"] {
        assert!(audit.contains(action), "audit log lacks {action}");
    }
    assert!(!audit.contains("<strong>Connexion</strong>"), "logins do not bury real actions");
    assert!(admin.get("/admin/audit?routine=1").await.body.contains("<strong>Connexion</strong>"));
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_reset_by_mail_in_the_outbox() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin@cces.example", PW, Role::Admin).await;
    let mut b = Browser::new(&m.url(""));
    let csrf = b.get("/password/forgot").await.csrf();
    for email in ["admin@cces.example", "nobody@cces.example"] {
        let p = b.post("/password/forgot", &[("csrf", &csrf), ("email", email)]).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("Si un compte correspond"), "same answer whether the account exists");
    }
    let outbox = m.db.dir.path().join("outbox");
    let mails: Vec<_> = std::fs::read_dir(&outbox).expect("outbox").collect();
    assert_eq!(mails.len(), 1, "one mail, to the existing account only");
    let mail = std::fs::read_to_string(mails[0].as_ref().expect("entry").path()).expect("mail");
    assert!(mail.contains("To: admin@cces.example"));
    // Quoted-printable body: soft line breaks and =XX escapes.
    let mail = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let link = mail.split_whitespace().find(|w| w.contains("/password/reset?token=")).expect("link").to_string();
    let path = link.split_once(&m.authority).expect("our host").1.to_string();
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = path.split("token=").nth(1).expect("token").to_string();
    let csrf = form.csrf();
    let p = b.post("/password/reset", &[("csrf", &csrf), ("token", &token), ("password", "court")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = b
        .post("/password/reset", &[("csrf", &csrf), ("token", &token), ("password", "un tout nouveau mot de passe")])
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Mot de passe modifié"));
    // The link works once.
    let p = b
        .post("/password/reset", &[("csrf", &csrf), ("token", &token), ("password", "encore un autre mot de passe")])
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.body.contains("est plus valable"));
    b.login("admin@cces.example", "un tout nouveau mot de passe").await;
    let mut old = Browser::new(&m.url(""));
    let csrf = old.get("/login").await.csrf();
    let p = old.post("/login", &[("csrf", &csrf), ("email", "admin@cces.example"), ("password", PW)]).await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn languages_about_and_remote_follow() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mut b = Browser::new(&m.url(""));
    let fr = b.get("/t/territoire").await.body;
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Suivre depuis le fédiverse"));
    b.accept_language = Some("en-GB,en;q=0.9".into());
    let en = b.get("/t/territoire").await.body;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Follow from the fediverse"), "{en}");
    // The switch wins over the browser and is remembered.
    let p = b.get("/lang/fr?back=/about").await;
    assert_eq!((p.status, p.location.as_deref()), (StatusCode::SEE_OTHER, Some("/about")));
    assert!(b.get("/about").await.body.contains("À propos de cette instance"));
    assert_eq!(b.get("/lang/fr?back=https://evil.example/").await.location.as_deref(), Some("/"), "no open redirect");
    assert_eq!(b.get("/").await.location.as_deref(), Some("/t/territoire"), "one territory: the home page is its page");
    let p = b.get("/nowhere").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(p.body.contains("Page introuvable"));

    // Remote follow through the visitor's WebFinger subscribe template.
    let home = common::fleet::MockInbox::start().await;
    home.state.docs.lock().expect("lock").insert(
        "/.well-known/webfinger".into(),
        json!({"subject": "acct:alice@x", "links": [{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": format!("{}authorize_interaction?uri={{uri}}", home.base)}]}),
    );
    let csrf = b.get("/t/territoire").await.csrf();
    let p = b
        .post("/t/territoire/remote-follow", &[("csrf", &csrf), ("handle", &format!("@alice@{}", home.authority))])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let target = percent_encoding::utf8_percent_encode(&m.territory(), percent_encoding::NON_ALPHANUMERIC).to_string();
    assert_eq!(p.location, Some(format!("{}authorize_interaction?uri={target}", home.base)));
    let p = b.post("/t/territoire/remote-follow", &[("csrf", &csrf), ("handle", "nobody@nowhere.invalid")]).await;
    assert!(p.location.as_deref().unwrap_or_default().contains("remote_error=1"));
    let again = b.get(p.location.as_deref().expect("location").split('#').next().expect("path")).await.body;
    assert!(again.contains("Impossible de trouver votre instance") && again.contains("aria-invalid=\"true\""));
    assert_eq!(b.post("/t/territoire/remote-follow", &[("handle", "x@y.z")]).await.status, StatusCode::FORBIDDEN);
    home.stop().await;
    m.stop().await;
}

async fn api(method: reqwest::Method, url: &str, token: Option<&str>, body: Option<&str>) -> (StatusCode, Value) {
    let mut req = common::client().request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_string());
    }
    let res = req.send().await.expect("api");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_api_tokens_and_openapi() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let admin = m.token(Role::Admin).await;
    let modo = m.token(Role::Moderator).await;
    let base = m.url("/api/v1");
    use reqwest::Method;

    let (s, list) = api(Method::GET, &format!("{base}/territories"), None, None).await;
    assert_eq!((s, list[0]["slug"].as_str()), (StatusCode::OK, Some("territoire")));
    let (s, t) = api(Method::GET, &format!("{base}/territories/territoire"), None, None).await;
    assert_eq!((s, t["handle"].as_str()), (StatusCode::OK, Some(format!("territoire@{}", m.authority).as_str())));
    let (s, e) = api(Method::GET, &format!("{base}/territories/nope"), None, None).await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    let patch = r#"{"name": "Pays de Redon", "domains": ["alimentation"]}"#;
    let url = format!("{base}/territories/territoire");
    let (s, e) = api(Method::PATCH, &url, None, Some(patch)).await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (s, _) = api(Method::PATCH, &url, Some("not-a-token"), Some(patch)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, e) = api(Method::PATCH, &url, Some(&modo), Some(patch)).await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (s, e) = api(Method::PATCH, &url, Some(&admin), Some("{not json")).await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let (s, e) = api(Method::PATCH, &url, Some(&admin), Some(r#"{"domains": ["spatial"]}"#)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["message"].as_str().unwrap_or_default().starts_with("domains:"), "{e}");
    let (s, e) = api(Method::PATCH, &url, Some(&admin), Some(r#"{"name": ""}"#)).await;
    assert_eq!(
        (s, e["message"].as_str().map(|m| m.starts_with("name:"))),
        (StatusCode::UNPROCESSABLE_ENTITY, Some(true))
    );
    let (s, e) = api(Method::PATCH, &url, Some(&admin), Some(r#"{"colour": "red"}"#)).await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unprocessable")));
    let (s, t) = api(Method::PATCH, &url, Some(&admin), Some(patch)).await;
    assert_eq!((s, t["name"].as_str()), (StatusCode::OK, Some("Pays de Redon")));
    assert_eq!(get_json(&m.territory()).await["name"], "Pays de Redon");

    let (s, f) = api(Method::GET, &format!("{url}/followers?state=pending"), Some(&modo), None).await;
    assert_eq!((s, f.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let (s, _) = api(Method::GET, &format!("{url}/followers?state=bogus"), Some(&modo), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = api(Method::GET, &format!("{url}/following"), Some(&modo), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = api(
        Method::POST,
        &format!("{url}/followers/approve"),
        Some(&modo),
        Some(r#"{"actor": "https://x.example/u"}"#),
    )
    .await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    // A revoked token stops working.
    let id: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM api_tokens").fetch_one(m.data.store.pool()).await.expect("id");
    assert!(m.data.store.revoke_api_token(id).await.expect("revoke"));
    let (s, _) = api(Method::GET, &format!("{url}/following"), Some(&modo), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, e) = api(Method::GET, &format!("{base}/nothing-here"), None, None).await;
    assert_eq!((s, e["error"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    // The OpenAPI document lists every endpoint.
    let doc = get_json(&format!("{base}/openapi.json")).await;
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/territories",
        "/api/v1/territories/{slug}",
        "/api/v1/territories/{slug}/followers",
        "/api/v1/territories/{slug}/following",
        "/api/v1/territories/{slug}/followers/approve",
        "/api/v1/territories/{slug}/followers/reject",
        "/api/v1/signatures",
        "/api/v1/signatures/{id}/approve",
        "/api/v1/signatures/{id}/reject",
        "/api/v1/signatories",
        "/api/v1/practices",
        "/api/v1/practices/{id}",
        "/api/v1/practices/{id}/publish",
        "/api/v1/practices/{id}/unpublish",
        "/api/v1/practices/{id}/pin",
        "/api/v1/practices/{id}/unpin",
        "/api/v1/actions",
        "/api/v1/actions/{id}",
        "/api/v1/actions/{id}/publish",
        "/api/v1/actions/{id}/cancel",
        "/api/v1/actions/{id}/participants",
        "/api/v1/actions/{id}/participants/{pid}/approve",
        "/api/v1/actions/{id}/participants/{pid}/reject",
        "/api/v1/actions/{id}/evaluation",
        "/api/v1/actions/{id}/feedback",
        "/api/v1/actions/{id}/invitations",
        "/api/v1/actions/{id}/invitations/{iid}/accept",
        "/api/v1/actions/{id}/invitations/{iid}/decline",
        "/api/v1/actions/{id}/invitations/{iid}/withdraw",
        "/api/v1/announcements",
        "/api/v1/announcements/{id}",
        "/api/v1/invitations",
        "/api/v1/reports",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the OpenAPI document");
    }
    assert_eq!(paths.len(), 33, "no undocumented or stale endpoints");
    assert!(doc["paths"]["/api/v1/territories/{slug}"]["patch"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    m.stop().await;
}
