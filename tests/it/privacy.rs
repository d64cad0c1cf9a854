//! Contact details never reach the logs: a real `maillage serve` process at debug level goes
//! through signing, confirmation, moderation, directory, exports and withdrawal; its whole log
//! is then searched for the signer's email, phone and postal address.

use crate::common;

use std::process::{Command, Stdio};

use common::{client, eventually};
use serde_json::json;

const EMAIL: &str = "tres.prive@cooperative-secrete.example";
const PHONE: &str = "+33 6 12 34 56 78";
const ADDRESS: &str = "7 impasse des Confidences, 35000 Rennes";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_never_reaches_the_logs() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let base = format!("http://localhost:{port}");
    let cmd = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_maillage"));
        c.current_dir(dir.path())
            .env("MAILLAGE_PUBLIC_URL", &base)
            .env("MAILLAGE_BIND", format!("127.0.0.1:{port}"))
            .env("MAILLAGE_ALLOW_PRIVATE_NETWORK", "true")
            .env("RUST_LOG", "debug")
            .args(args);
        c
    };
    let charter = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/charte-cces.md");
    let out = cmd(&["charter", "import", charter, "--version", "2024"]).output().expect("import");
    assert!(out.status.success());
    let out = cmd(&["token", "create", "--role", "admin"]).output().expect("token");
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mut logs = String::from_utf8_lossy(&out.stderr).into_owned();
    let log_file = dir.path().join("serve.log");
    let mut server = cmd(&["serve"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_file).expect("log"))
        .spawn()
        .expect("serve");
    eventually(30, "server up", || async { client().get(format!("{base}/healthz")).send().await.is_ok() }).await;

    let sig = json!({"kind": "structure", "name": "Coopérative Discrète", "legal_form": "cooperative", "domains": ["energie"],
        "commune": "Rennes", "representative_name": "Claude", "email": EMAIL, "phone": PHONE, "postal_address": ADDRESS,
        "charter_version": "2024", "consent": true});
    let res = client().post(format!("{base}/api/v1/signatures")).json(&sig).send().await.expect("sign");
    assert_eq!(res.status(), 201);
    // A second time: refused as a duplicate (the refusal is logged, the address must not be).
    client().post(format!("{base}/api/v1/signatures")).json(&sig).send().await.expect("sign");
    let mail: String = std::fs::read_dir(dir.path().join("data/outbox"))
        .expect("outbox")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>()
        .replace("=\r\n", "")
        .replace("=3D", "=");
    let link = |part: &str| mail.split_whitespace().find(|w| w.contains(part)).expect("link").to_string();
    client().get(link("/signature/confirm")).send().await.expect("confirm");
    let res =
        client().post(format!("{base}/api/v1/signatures/1/approve")).bearer_auth(&token).send().await.expect("approve");
    assert_eq!(res.status(), 204);
    // A practice naming the structure: its pages and Article must not leak the contacts either.
    let practice = json!({"title": "Énergie citoyenne", "summary": "Une coopérative produit l'électricité du quartier.",
        "structures": [1], "dimensions": [{"dimension": "sociale", "text": "Gouvernance partagée"}]});
    let res = client().post(format!("{base}/api/v1/practices")).bearer_auth(&token).json(&practice).send().await;
    let practice_id =
        res.expect("practice").json::<serde_json::Value>().await.expect("json")["id"].as_i64().expect("id");
    let res = client().post(format!("{base}/api/v1/practices/{practice_id}/publish")).bearer_auth(&token).send().await;
    assert_eq!(res.expect("publish").status(), 204);
    let article: serde_json::Value = client()
        .get(format!("{base}/api/v1/practices/{practice_id}"))
        .send()
        .await
        .expect("practice")
        .json()
        .await
        .expect("json");
    let article_path = article["ap_id"].as_str().expect("ap_id").replace(&base, "");
    let practice_page = format!("/pratiques/{practice_id}");
    // The observatory counts the approved structure and the practice (background refresher).
    eventually(30, "observatory figures", || async {
        let res = client().get(format!("{base}/observatoire.json")).send().await.expect("observatory");
        let text = res.text().await.unwrap_or_default();
        text.contains("signatories.commune") && text.contains("practices.published")
    })
    .await;
    // Every public output: pages, API, exports, ActivityPub objects and collections.
    let mut public = String::new();
    for (path, accept) in [
        ("/t/territoire/signataires", "text/html"),
        ("/t/territoire/signataires.csv", "*/*"),
        ("/t/territoire/signataires.json", "*/*"),
        ("/api/v1/signatories", "*/*"),
        ("/api/v1/territories", "*/*"),
        ("/t/territoire", "text/html"),
        ("/t/territoire", "application/activity+json"),
        ("/t/territoire/members", "application/activity+json"),
        ("/t/territoire/outbox?page=1", "application/activity+json"),
        ("/t/territoire/posts", "application/activity+json"),
        ("/t/territoire/events", "application/activity+json"),
        ("/t/territoire/followers?page=1", "application/activity+json"),
        ("/t/territoire/charte", "application/activity+json"),
        ("/s/1", "application/activity+json"),
        ("/s/1/followers", "application/activity+json"),
        ("/about", "text/html"),
        ("/nodeinfo/2.1", "*/*"),
        ("/pratiques", "text/html"),
        (&practice_page, "text/html"),
        (&article_path, "application/activity+json"),
        ("/api/v1/practices", "*/*"),
        ("/t/territoire/practices.json", "*/*"),
        ("/t/territoire/practices.csv", "*/*"),
        ("/t/territoire/practices.atom", "*/*"),
        ("/observatoire", "text/html"),
        ("/observatoire?scope=reseau", "text/html"),
        ("/observatoire.csv?scope=reseau", "*/*"),
        ("/observatoire.json?scope=reseau", "*/*"),
        ("/t/territoire/observatoire", "text/html"),
        ("/t/territoire/observatoire.csv", "*/*"),
        ("/t/territoire/observatoire.json", "*/*"),
        ("/observatoire/datapackage.json", "*/*"),
        ("/observatoire.geojson?scope=reseau", "*/*"),
        ("/t/territoire/observatoire.geojson", "*/*"),
        ("/t/territoire/observatoire/agregat", "application/activity+json"),
        ("/carte/pratiques.geojson?scope=reseau", "*/*"),
    ] {
        let res = client().get(format!("{base}{path}")).header("accept", accept).send().await.expect("public page");
        public.push_str(&res.text().await.unwrap_or_default());
    }
    let wf = client()
        .get(format!("{base}/.well-known/webfinger?resource=acct:s1@localhost:{port}"))
        .send()
        .await
        .expect("wf");
    assert_eq!(wf.status(), 200);
    public.push_str(&wf.text().await.unwrap_or_default());
    assert!(public.contains("Coopérative Discrète") && public.contains("\"Organization\""), "the outputs are real");
    assert!(public.contains("Énergie citoyenne") && public.contains("/s/1\""), "the practice names its structure");
    assert!(public.contains("signatories.legal_form,cooperative"), "the observatory's exports are real");
    for secret in [EMAIL, PHONE, ADDRESS, "tres.prive", "Confidences"] {
        assert!(!public.contains(secret), "{secret} appears in a public output");
    }
    let manage = link("/signature/manage?token=");
    client().get(&manage).send().await.expect("manage");
    client().get(manage.replace("/manage?", "/manage/export?")).send().await.expect("export");
    client().post(format!("{base}/api/v1/signatures/1/approve")).bearer_auth(&token).send().await.expect("conflict");

    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let _ = server.wait();
    logs.push_str(&std::fs::read_to_string(&log_file).expect("log"));
    assert!(logs.contains("signature received") && logs.contains("mail written to the outbox"), "the log is real");
    for secret in [EMAIL, PHONE, ADDRESS, "tres.prive", "Confidences"] {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}

/// Announcements (issue 12): who wrote one (a moderator's email) never appears in its page, its
/// `Note`, the API, the Atom feed or the territory's home; what a picture carries besides its
/// pixels (here text after the image data, as metadata would be) is dropped by re-encoding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_keep_their_authors_and_picture_metadata_private() {
    use common::{TestDb, TestInstance, web::Browser};
    const MODO: &str = "moderatrice.privee@territoire-discret.example";
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account(MODO, "un mot de passe assez long", maillage::domain::account::Role::Moderator).await;
    let mut browser = Browser::new(&m.url("/"));
    browser.login(MODO, "un mot de passe assez long").await;
    let csrf = browser.get("/t/territoire/annonces/nouvelle").await.csrf();
    let mut picture = common::web::PNG.to_vec();
    picture.extend(format!("GPS 48.1173N 1.6778W {MODO} {PHONE}").as_bytes());
    let fields = [("csrf", csrf.as_str()), ("title", "Assemblée"), ("text", "Jeudi soir."), ("image_alt", "Une salle")];
    let posted =
        browser.post_form_data("/t/territoire/annonces/nouvelle", &fields, Some(("image", picture, "p.png"))).await;
    assert_eq!(posted.status, reqwest::StatusCode::SEE_OTHER, "{}", posted.body);
    let page_url = m.url(posted.location.as_deref().expect("location"));
    let note = client().get(&page_url).header("Accept", "application/activity+json").send().await.expect("note");
    let note: serde_json::Value = note.json().await.expect("json");
    let image = note["attachment"][0]["url"].as_str().expect("image").to_string();
    let bytes = client().get(&image).send().await.expect("image").bytes().await.expect("bytes");
    assert!(!String::from_utf8_lossy(&bytes).contains("GPS"), "metadata dropped");
    let mut seen = note.to_string();
    for path in ["/api/v1/announcements", "/t/territoire/annonces.atom", "/t/territoire", "/t/territoire/annonces"] {
        seen.push_str(&client().get(m.url(path)).send().await.expect("get").text().await.expect("text"));
    }
    seen.push_str(&client().get(&page_url).send().await.expect("page").text().await.expect("text"));
    assert!(seen.contains("Jeudi soir."), "the announcement is there");
    assert!(!seen.contains(MODO) && !seen.contains("moderatrice.privee"), "the author's email leaked");
    m.stop().await;
}
