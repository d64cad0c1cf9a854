//! A hostile visitor against the signatories (issue 10): the signing form and API are no
//! oracle of who signed, every attempt counts against the per-client limit (the client being
//! found behind trusted proxies only), and a signatory who switches to unlisted leaves nothing
//! public behind — a test peer receives the `Delete`s.

use crate::common;

use common::{TestDb, TestInstance, client, get_json, mailed_links, path_of, peer::Peer, web::Browser};
use maillage::{domain::account::Role, processing::signatures::import_charter};
use reqwest::StatusCode;
use serde_json::{Value, json};

const EMAIL: &str = "deja.signe@cooperative.example";

fn charter_text() -> String {
    "# Charte CCES\n\nJe signe cette charte et ses principes.\n".into()
}

fn individual(name: &str, email: &str) -> Value {
    json!({"kind": "individual", "name": name, "roles": ["citoyen"], "commune": "Redon", "email": email,
        "charter_version": "2024", "consent": true})
}

/// Links in the mails sent to `to`, oldest first.
fn links_to(m: &TestInstance, to: &str) -> Vec<String> {
    let dir = m.db.dir.path().join("outbox");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("outbox").filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    let mut links = vec![];
    for f in files {
        let mail =
            std::fs::read_to_string(f).expect("mail").replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        if mail.lines().any(|l| l.starts_with("To:") && l.contains(to)) {
            links.extend(mail.split_whitespace().filter(|w| w.starts_with("http")).map(String::from));
        }
    }
    links
}

async fn sign_api(m: &TestInstance, body: &Value, forwarded_for: Option<&str>) -> (StatusCode, String) {
    let mut req = client().post(m.url("/api/v1/signatures")).json(body);
    if let Some(xff) = forwarded_for {
        req = req.header("x-forwarded-for", xff);
    }
    let res = req.send().await.expect("sign");
    (res.status(), res.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_never_tells_whether_an_address_already_signed() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    let first = sign_api(&m, &individual("Camille", EMAIL), None).await;
    let fresh = sign_api(&m, &individual("Dominique", "nouveau@cooperative.example"), None).await;
    let again = sign_api(&m, &individual("Quelqu'un d'autre", EMAIL), None).await;
    assert_eq!(first.0, StatusCode::CREATED, "{}", first.1);
    assert_eq!(again, first, "the same answer for a known address");
    assert_eq!(fresh, first, "the same answer for a new address");

    // The form, too: the same page for a known and a new address.
    let mut b = Browser::new(&m.url(""));
    let form = |email: &'static str| {
        [("kind", "individual"), ("name", "Camille"), ("roles", "citoyen"), ("commune", "Redon"), ("email", email)]
    };
    let csrf = b.get("/t/territoire/signer").await.csrf();
    let mut known = vec![("csrf", csrf.as_str()), ("charter_version", "2024"), ("consent", "true")];
    known.extend(form(EMAIL));
    let mut new = vec![("csrf", csrf.as_str()), ("charter_version", "2024"), ("consent", "true")];
    new.extend(form("autre@cooperative.example"));
    let known = b.post("/t/territoire/signer", &known).await;
    let new = b.post("/t/territoire/signer", &new).await;
    assert_eq!((known.status, known.body.len()), (StatusCode::OK, new.body.len()), "{}", known.body);
    assert_eq!(known.body.replace(&csrf, ""), new.body.replace(&csrf, ""));

    // Only one signature for the address; its owner got a confirmation link and, at each
    // later attempt, a fresh one with a new management link — all of them working.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signatories WHERE email = $1")
        .bind(EMAIL)
        .fetch_one(m.data.store.pool())
        .await
        .expect("count");
    assert_eq!(n, 1);
    let name: String = sqlx::query_scalar("SELECT name FROM signatories WHERE email = $1")
        .bind(EMAIL)
        .fetch_one(m.data.store.pool())
        .await
        .expect("name");
    assert_eq!(name, "Camille", "an attempt changes nothing");
    let links = links_to(&m, EMAIL);
    let manage: Vec<&String> = links.iter().filter(|l| l.contains("/signature/manage?token=")).collect();
    let confirm: Vec<&String> = links.iter().filter(|l| l.contains("/signature/confirm")).collect();
    assert_eq!((manage.len(), confirm.len()), (3, 3), "one mail per attempt: {links:?}");
    for link in &manage {
        assert_eq!(b.get(&path_of(&m, link)).await.status, StatusCode::OK, "{link}");
    }
    assert_eq!(mailed_links(&m).len(), 10, "two mails to the other addresses, three to this one");
    // The first link still works: a stranger re-signing with the address revoked nothing.
    assert_eq!(client().get(confirm[0]).send().await.expect("confirm").status(), StatusCode::OK);
    assert_eq!(client().get(confirm[2]).send().await.expect("confirm").status(), StatusCode::BAD_REQUEST, "once");
    // Confirmed now: another attempt mails a management link only.
    sign_api(&m, &individual("Camille", EMAIL), None).await;
    let later = links_to(&m, EMAIL);
    assert_eq!(later.len(), links.len() + 1, "{later:?}");
    assert!(later[links.len()].contains("/signature/manage?token="));
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attempt_counts_and_the_client_is_found_behind_trusted_proxies_only() {
    let m = TestInstance::start_with(TestDb::sqlite().await, |c| {
        c.trusted_proxies = vec!["127.0.0.0/8".parse().expect("net"), "::1/128".parse().expect("net")];
    })
    .await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    // One client behind the proxy, forging the leftmost entry each time, trying the same
    // address over and over: ten attempts, then 429.
    for n in 0..10 {
        let xff = format!("198.51.100.{n}, 203.0.113.7");
        let (status, body) = sign_api(&m, &individual("Camille", EMAIL), Some(&xff)).await;
        assert_eq!(status, StatusCode::CREATED, "attempt {n}: {body}");
    }
    let (status, _) = sign_api(&m, &individual("Camille", EMAIL), Some("198.51.100.99, 203.0.113.7")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Another client of the same proxy is not blocked.
    let (status, _) = sign_api(&m, &individual("Alex", "alex@example.org"), Some("203.0.113.8")).await;
    assert_eq!(status, StatusCode::CREATED);
    m.stop().await;

    // Without trusted proxies the header is not believed: one socket, one client.
    let m = TestInstance::start(TestDb::sqlite().await).await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    for n in 0..10 {
        let (status, _) =
            sign_api(&m, &individual("P", &format!("p{n}@example.org")), Some(&format!("203.0.113.{n}"))).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, _) = sign_api(&m, &individual("P", "p99@example.org"), Some("203.0.113.99")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    m.stop().await;
}

async fn status_of(url: &str) -> StatusCode {
    client().get(url).header("accept", "application/activity+json").send().await.expect("get").status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_to_unlisted_retracts_the_welcome_note_and_the_actor() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = m.token(Role::Moderator).await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    let peer = Peer::start().await;
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    common::eventually(10, "Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;
    let accept = peer.received().into_iter().find(|a| a["type"] == "Accept").expect("accept");

    let sig = json!({"kind": "structure", "name": "Coopérative Discrète", "legal_form": "cooperative",
        "domains": ["energie"], "commune": "Redon", "representative_name": "Claude", "email": EMAIL,
        "charter_version": "2024", "consent": true, "listed": true});
    assert_eq!(sign_api(&m, &sig, None).await.0, StatusCode::CREATED);
    let links = mailed_links(&m);
    client().get(links.iter().find(|l| l.contains("/signature/confirm")).expect("c")).send().await.expect("confirm");
    let id: i64 = sqlx::query_scalar("SELECT id FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    let res = client().post(m.url(&format!("/api/v1/signatures/{id}/approve"))).bearer_auth(&modo).send().await;
    assert_eq!(res.expect("approve").status(), StatusCode::NO_CONTENT);
    common::eventually(10, "welcome Note", || async { peer.received().iter().any(|a| a["type"] == "Create") }).await;
    let create = peer.received().into_iter().find(|a| a["type"] == "Create").expect("create");
    let (create_id, note_id) = (create["id"].as_str().expect("id"), create["object"]["id"].as_str().expect("note"));
    let actor_id = m.url(&format!("/s/{id}"));
    let actor = peer.fetch(&actor_id).await.expect("actor");
    peer.send(&actor.inbox, "Follow", json!(actor.id)).await.expect("follow the signatory");
    common::eventually(10, "Accept from the signatory", || async {
        peer.received().iter().any(|a| a["type"] == "Accept" && a["actor"] == actor_id.as_str())
    })
    .await;
    assert_eq!((status_of(note_id).await, status_of(create_id).await), (StatusCode::OK, StatusCode::OK));
    assert_eq!(status_of(accept["id"].as_str().expect("id")).await, StatusCode::NOT_FOUND, "not public");

    // The signer switches to unlisted from their page.
    let manage = links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage");
    let token = manage.split("token=").nth(1).expect("token");
    let mut b = Browser::new(&m.url(""));
    let csrf = b.get(&path_of(&m, manage)).await.csrf();
    let p = b
        .post(
            "/signature/manage",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("name", "Coopérative Discrète"),
                ("legal_form", "cooperative"),
                ("domains", "energie"),
                ("commune", "Redon"),
                ("representative_name", "Claude"),
                ("email", EMAIL),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    common::eventually(10, "Delete of the Note and of the actor", || async {
        let got = peer.received();
        got.iter().any(|a| a["type"] == "Delete" && a["object"]["id"] == note_id)
            && got.iter().any(|a| a["type"] == "Delete" && a["object"] == actor_id.as_str())
    })
    .await;
    assert!(peer.refused().is_empty(), "signatures checked: {:?}", peer.refused());
    assert_eq!(status_of(note_id).await, StatusCode::GONE);
    assert_eq!(status_of(create_id).await, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&actor_id).await, StatusCode::GONE);
    assert_eq!(get_json(&m.url("/t/territoire/members")).await["totalItems"], 0);
    let outbox = get_json(&m.url("/t/territoire/outbox?page=1")).await.to_string();
    assert!(!outbox.contains("Coopérative Discrète"), "{outbox}");

    // Withdrawing later: accepted, and nothing public left to delete twice.
    let deletes = || peer.received().iter().filter(|a| a["type"] == "Delete").count();
    let before = deletes();
    let p = b.post("/signature/manage/withdraw", &[("csrf", &csrf), ("token", token), ("confirm", "true")]).await;
    assert_eq!(p.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(deletes(), before);
    assert_eq!(status_of(&actor_id).await, StatusCode::GONE);
    peer.stop().await;
    m.stop().await;
}

/// Changing one's address on the private page never tells whether the new address already
/// signed here: the page answers the same, nothing changes until the new address's owner opens
/// the link mailed to it (or, when it already signed, gets its own management link instead).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_ones_address_never_tells_whether_it_already_signed() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    const MINE: &str = "camille@cooperative.example";
    const TAKEN: &str = "dominique@cooperative.example";
    const FREE: &str = "camille.nouvelle@cooperative.example";
    sign_api(&m, &individual("Camille", MINE), None).await;
    sign_api(&m, &individual("Dominique", TAKEN), None).await;
    let manage = links_to(&m, MINE).into_iter().find(|l| l.contains("/signature/manage?token=")).expect("manage link");
    let mut b = Browser::new(&m.url(""));
    let page = b.get(&path_of(&m, &manage)).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = manage.split("token=").nth(1).expect("token").to_string();
    let save = async |b: &mut Browser, email: &str| {
        let csrf = b.get(&path_of(&m, &manage)).await.csrf();
        let form = [
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("kind", "individual"),
            ("name", "Camille"),
            ("roles", "citoyen"),
            ("commune", "Redon"),
            ("email", email),
        ];
        let res = b.post("/signature/manage", &form).await;
        (res.status, res.body.replace(&csrf, ""))
    };
    let taken = save(&mut b, TAKEN).await;
    let free = save(&mut b, FREE).await;
    assert_eq!(taken.0, StatusCode::OK, "{}", taken.1);
    assert_eq!(taken, free, "the same page for an address that signed and one that did not");
    assert!(taken.1.contains("lien que nous venons"), "the page says a link was sent: {}", taken.1);
    let email: String = sqlx::query_scalar("SELECT email FROM signatories WHERE name = 'Camille'")
        .fetch_one(m.data.store.pool())
        .await
        .expect("email");
    assert_eq!(email, MINE, "nothing changes before the new address confirms");
    // The address that signed gets its own management link; the free one a confirmation link.
    let to_taken = links_to(&m, TAKEN);
    assert!(to_taken.last().is_some_and(|l| l.contains("/signature/manage?token=")), "{to_taken:?}");
    let link = links_to(&m, FREE).into_iter().find(|l| l.contains("/signature/email?token=")).expect("email link");
    let done = client().get(&link).send().await.expect("confirm");
    assert_eq!(done.status(), StatusCode::OK);
    let email: String = sqlx::query_scalar("SELECT email FROM signatories WHERE name = 'Camille'")
        .fetch_one(m.data.store.pool())
        .await
        .expect("email");
    assert_eq!(email, FREE, "the link applies the new address");
    assert_eq!(client().get(&link).send().await.expect("again").status(), StatusCode::NOT_FOUND, "once");
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log").fetch_all(m.data.store.pool()).await.expect("audit");
    assert!(audit.contains(&"signature.email".to_string()), "{audit:?}");
    m.stop().await;
}
