//! A hostile visitor or author against the pages (issue 10): stored XSS through Markdown and
//! remote HTML, links from remote data, the browser-hardening headers, open redirects, CSV
//! formula injection, and activities that outlive their practice.

use crate::common;

use common::{TestDb, TestInstance, call, client, get_html, get_json, web::Browser};
use maillage::{
    domain::account::Role,
    processing::{conversations, signatures::import_charter},
    storage::practices::PracticeContent,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CSP: &str = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'self'";

/// Markdown links a hostile author may try; only the last three are web or mail links.
const HOSTILE_MARKDOWN: &str = "Voir [clic](javascript:alert(document.cookie)), [b](JAVASCRIPT:alert(1)), \
    [c](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==), [d](vbscript:msgbox(1)), \
    ![pixel](https://tracker.example/pixel.png), [ok](https://ok.example/page), [ici](/pratiques), \
    [mail](mailto:contact@ok.example)";

fn assert_no_live_script(html: &str, what: &str) {
    let lower = html.to_lowercase();
    // As link targets: a hostile name may still be shown as text.
    let targets =
        ["href=\"javascript:", "href=\"data:", "href=\"vbscript:", "src=\"javascript:", "src=\"https://tracker"];
    for bad in targets.iter().chain(&["<script>alert"]) {
        assert!(!lower.contains(bad), "{what}: `{bad}` is in\n{html}");
    }
}

async fn practice(m: &TestInstance, token: &str, title: &str, body: &str) -> maillage::domain::ids::PracticeId {
    let p = json!({"title": title, "summary": "Un résumé de la pratique, assez long pour passer.", "body": body,
        "dimensions": [{"dimension": "economique", "text": "Des prix justes",
            "indicators": [{"name": "Écart", "value": -5, "unit": "%", "period": "2025"}]}]});
    let (status, created) = call(Method::POST, m.url("/api/v1/practices"), Some(token), Some(p)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = maillage::domain::ids::PracticeId(created["id"].as_i64().expect("id"));
    let (status, _) = call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_and_remote_html_never_render_a_script_link_or_a_third_party_image() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let token = m.token(Role::Moderator).await;

    // A practice, a comment and a charter written here.
    let id = practice(&m, &token, "Épicerie piégée", HOSTILE_MARKDOWN).await;
    conversations::comment(&m.data, "territoire", id, HOSTILE_MARKDOWN, "modo@cces.example").await.expect("comment");
    import_charter(&m.data, "territoire", &format!("# Charte\n\n{HOSTILE_MARKDOWN}"), "v1", "test")
        .await
        .expect("import");
    let page = get_html(&m.url(&format!("/pratiques/{id}"))).await;
    assert_no_live_script(&page, "practice page");
    for kept in ["href=\"https://ok.example/page\"", "href=\"/pratiques\"", "href=\"mailto:contact@ok.example\""] {
        assert!(page.contains(kept), "{kept} lost: {page}");
    }
    assert!(page.contains("href=\"https://tracker.example/pixel.png\""), "the image became a link");
    let (_, api) = call(Method::GET, m.url(&format!("/api/v1/practices/{id}")), None, None).await;
    let article = get_json(api["ap_id"].as_str().expect("ap_id")).await;
    assert_no_live_script(article["content"].as_str().expect("content"), "Article");
    let charter = get_html(&m.url("/t/territoire/charte")).await;
    assert_no_live_script(&charter, "charter page");
    assert!(charter.contains("href=\"https://ok.example/page\""));
    assert_no_live_script(&get_json(&m.url("/t/territoire/charte")).await["content"].to_string(), "charter Document");

    // A practice from elsewhere stored before the sanitiser was tightened, whose ids and
    // origin are not web URLs: nothing of it becomes a script link or an embedded image.
    let content = PracticeContent {
        title: "Pratique lointaine".into(),
        summary: "Reçue d'un autre serveur.".into(),
        body_md: String::new(),
        body_html: "<p>Texte</p><a href=\"javascript:alert(1)\">lien</a><img src=\"https://tracker.example/p.png\">"
            .into(),
        domains: Default::default(),
        dimensions: Default::default(),
        structures: Default::default(),
        structure_refs: r#"[{"id":"javascript:alert(3)","name":"Structure"}]"#.into(),
        partners: String::new(),
        governance: String::new(),
        commune: "Ailleurs".into(),
        latitude: None,
        longitude: None,
        tags: Default::default(),
        licence: "CC-BY-SA-4.0".into(),
    };
    let remote = m
        .data
        .store
        .insert_practice("javascript://ailleurs.example/%0aalert(4)", None, "javascript:alert(2)", &content, "remote")
        .await
        .expect("insert");
    assert!(m.data.store.set_practice_status(remote, true, "remote").await.expect("publish"));
    let page = get_html(&m.url(&format!("/pratiques/{remote}"))).await;
    assert!(page.contains("Texte") && page.contains("Structure"), "the page is real: {page}");
    assert_no_live_script(&page, "remote practice page");
    assert!(!page.contains("<img"), "no embedded image: {page}");
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_hardening_headers() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    for (path, accept) in [
        ("/", "text/html"),
        ("/t/territoire", "text/html"),
        ("/pratiques", "text/html"),
        ("/login", "text/html"),
        ("/admin", "text/html"),
        ("/nowhere", "text/html"),
        ("/static/app.js", "*/*"),
        ("/api/v1/territories", "application/json"),
        ("/t/territoire", "application/activity+json"),
    ] {
        let res = client().get(m.url(path)).header("accept", accept).send().await.expect("get");
        let h = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(h("content-security-policy"), CSP, "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
    // A page with a private link keeps its stricter policy.
    let res = client().get(m.url("/signature/manage?token=nope")).header("accept", "text/html").send().await;
    let res = res.expect("manage");
    assert_eq!(res.headers().get("content-security-policy").and_then(|v| v.to_str().ok()), Some(CSP));
    m.stop().await;
}

fn fixture(key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/web/open-redirects.json"))
        .expect("fixture");
    let doc: Value = serde_json::from_str(&text).expect("json");
    serde_json::from_value(doc[key].clone()).expect("strings")
}

fn query(name: &str, value: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new()).append_pair(name, value).finish()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_and_back_never_leave_the_site() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin@cces.example", "un mot de passe solide", Role::Admin).await;
    let bypasses = fixture("bypasses");
    for bypass in &bypasses {
        let p = Browser::new(&m.url("")).get(&format!("/lang/en?{}", query("back", bypass))).await;
        assert_eq!(p.location.as_deref(), Some("/"), "?back={bypass:?}");
    }
    for bypass in &bypasses {
        let mut b = Browser::new(&m.url(""));
        let form = b.get(&format!("/login?{}", query("next", bypass))).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(!form.body.contains("evil.example"), "?next={bypass:?} kept in the form");
        // Logging in is slow (Argon2): the redirect itself, for the classic tricks.
        if ["//", "/\\", "/\t", "/%09", "/%2F", "https:", "javascript:"].iter().any(|t| bypass.starts_with(t)) {
            let csrf = form.csrf();
            let p = b
                .post(
                    &format!("/login?{}", query("next", bypass)),
                    &[("csrf", &csrf), ("email", "admin@cces.example"), ("password", "un mot de passe solide")],
                )
                .await;
            let got = (p.status, p.location.as_deref());
            assert_eq!(got, (StatusCode::SEE_OTHER, Some("/admin")), "?next={bypass:?}");
        }
    }
    for kept in fixture("kept") {
        let p = Browser::new(&m.url("")).get(&format!("/lang/fr?{}", query("back", &kept))).await;
        assert_eq!(p.location.as_deref(), Some(kept.as_str()));
    }
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_exports_neutralise_formulas() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let token = m.token(Role::Moderator).await;
    practice(&m, &token, "=HYPERLINK(\"https://evil.example\",\"Clic\")", "Corps.").await;
    let csv = client().get(m.url("/t/territoire/practices.csv")).send().await.expect("csv").text().await.expect("t");
    assert!(csv.contains(",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"Clic\"\")\","), "{csv}");
    assert!(csv.contains(",-5.0,%,"), "a negative number stays a number: {csv}");
    m.stop().await;
}

/// The outbox's activities of type `kind` about `object`.
async fn outbox_items(m: &TestInstance) -> Vec<Value> {
    let page = get_json(&m.url("/t/territoire/outbox?page=1")).await;
    page["orderedItems"].as_array().cloned().unwrap_or_default()
}

async fn activity_status(id: &str) -> (StatusCode, String) {
    let res = client().get(id).header("accept", "application/activity+json").send().await.expect("activity");
    (res.status(), res.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unpublished_or_deleted_practices_leave_the_outbox_and_their_activities() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let token = m.token(Role::Moderator).await;
    for action in ["unpublish", "delete"] {
        let title = format!("Pratique à retirer ({action})");
        let id = practice(&m, &token, &title, "Un texte qui ne doit plus être lisible.").await;
        // The outbox lists the territory's `Announce` of the editorial actor's `Create` (FEP-1b12):
        // both embed the content.
        let announce = outbox_items(&m)
            .await
            .into_iter()
            .find(|a| a["type"] == "Announce" && a["object"]["object"]["name"] == title.as_str())
            .expect("the Announce(Create) in the outbox");
        let ids = [
            announce["id"].as_str().expect("id").to_string(),
            announce["object"]["id"].as_str().expect("id").to_string(),
        ];
        // The Announce is served while published; the Create travels inside it only.
        assert_eq!(activity_status(&ids[0]).await.0, StatusCode::OK, "{action}: public while published");
        let (method, path) = match action {
            "unpublish" => (Method::POST, format!("/api/v1/practices/{id}/unpublish")),
            _ => (Method::DELETE, format!("/api/v1/practices/{id}")),
        };
        let (status, _) = call(method, m.url(&path), Some(&token), None).await;
        assert!(status.is_success(), "{action}: {status}");
        let outbox = Value::Array(outbox_items(&m).await).to_string();
        assert!(!outbox.contains("ne doit plus être lisible") && !outbox.contains(&title), "{action}: {outbox}");
        for id in &ids {
            let (status, body) = activity_status(id).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{action}: {id} {body}");
            assert!(!body.contains("ne doit plus être lisible"));
        }
    }
    m.stop().await;
}
