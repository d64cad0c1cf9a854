//! Every actor Maillage serves (instance, territory, signatory Organization and Person) parsed
//! as strict peers read them: GoToSocial's go-fed reads a `preferredUsername` containing `:` as
//! an IRI and then has no username (it answers 500 to every GET we sign with that actor), and
//! a handle needs a name without `@` or `/`. WebFinger finds each actor by that name.

use crate::common;

use common::{TestDb, TestInstance, client, get_json, mailed_links};
use maillage::{domain::account::Role, processing::signatures::import_charter};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// What a strict peer requires of an actor.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct StrictActor {
    id: url::Url,
    #[serde(rename = "type")]
    kind: String,
    preferred_username: String,
    inbox: url::Url,
    outbox: url::Url,
    public_key: StrictKey,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct StrictKey {
    id: url::Url,
    owner: url::Url,
    public_key_pem: String,
}

/// A plain user name: not an IRI (go-fed tries `url.Parse` and takes anything with a scheme),
/// and nothing that breaks `name@host`.
fn plain_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty".into());
    }
    if let Some(c) = name.chars().find(|c| matches!(c, ':' | '@' | '/') || c.is_whitespace()) {
        return Err(format!("`{name}` contains {c:?}"));
    }
    if url::Url::parse(name).is_ok() {
        return Err(format!("`{name}` parses as an IRI"));
    }
    Ok(())
}

#[test]
fn the_strict_check_refuses_what_go_fed_misreads() {
    assert!(plain_name("territoire").is_ok());
    assert!(plain_name("maillage.example").is_ok());
    assert!(plain_name("localhost.18400").is_ok());
    for bad in ["localhost:18400", "https://x.example/a", "a@b", "a/b", "", "urn:x"] {
        assert!(plain_name(bad).is_err(), "{bad}");
    }
}

async fn public_signatory(m: &TestInstance, kind: &str, name: &str, email: &str) -> i64 {
    let modo = m.token(Role::Moderator).await;
    let mut sig = json!({"kind": kind, "name": name, "domains": ["alimentation"], "commune": "Redon",
        "email": email, "charter_version": "2024", "consent": true, "listed": true});
    if kind == "structure" {
        sig["legal_form"] = json!("association");
        sig["representative_name"] = json!("Sam");
    } else {
        sig["roles"] = json!(["citoyen"]);
    }
    let res = client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("sign");
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let confirm = mailed_links(m).into_iter().rev().find(|l| l.contains("/signature/confirm")).expect("confirm link");
    client().get(confirm).send().await.expect("confirm");
    let id: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    let res = client().post(m.url(&format!("/api/v1/signatures/{id}/approve"))).bearer_auth(&modo).send().await;
    assert!(res.expect("approve").status().is_success());
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_served_actor_has_a_plain_username_that_webfinger_finds() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    // ../shared beside the repository (or beside the worktrees' directory).
    let charter = ["/../shared/seed/charte-cces.md", "/../../shared/seed/charte-cces.md"]
        .iter()
        .find_map(|p| std::fs::read_to_string(format!("{}{p}", env!("CARGO_MANIFEST_DIR"))).ok())
        .expect("the CCES charter in ../shared/seed/charte-cces.md");
    import_charter(&m.data, "territoire", &charter, "2024", "test").await.expect("import");
    let org = public_signatory(&m, "structure", "Épicerie Solidaire", "epicerie@example.org").await;
    let person = public_signatory(&m, "individual", "Dominique", "dominique@example.org").await;

    let mut kinds = vec![];
    for path in ["/actor".to_string(), "/t/territoire".to_string(), format!("/s/{org}"), format!("/s/{person}")] {
        let raw = get_json(&m.url(&path)).await;
        let actor: StrictActor = serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{path}: {e}: {raw}"));
        plain_name(&actor.preferred_username).unwrap_or_else(|e| panic!("{path}: preferredUsername {e}"));
        assert_eq!(actor.id.as_str(), m.url(&path));
        assert_eq!(actor.public_key.owner, actor.id, "{path}");
        // Mastodon's round trip: preferredUsername@host names this very actor.
        let acct = format!("acct:{}@{}", actor.preferred_username, m.authority);
        let jrd: Value = client()
            .get(url::Url::parse_with_params(&m.url("/.well-known/webfinger"), [("resource", &acct)]).expect("url"))
            .send()
            .await
            .expect("webfinger")
            .json()
            .await
            .expect("jrd");
        assert_eq!(jrd["subject"], acct, "{path}");
        assert_eq!(jrd["links"][0]["href"], actor.id.as_str(), "{path}");
        if let Some(wf) = raw.get("webfinger") {
            assert_eq!(wf, &json!(format!("{}@{}", actor.preferred_username, m.authority)), "{path} FEP-2c59");
        }
        kinds.push(actor.kind);
    }
    assert_eq!(kinds, ["Application", "Group", "Organization", "Person"]);

    // Mastodon's older convention for the instance actor, `acct:host:port@host:port`, still answers.
    let old = format!("acct:{a}@{a}", a = m.authority);
    let jrd: Value = client()
        .get(url::Url::parse_with_params(&m.url("/.well-known/webfinger"), [("resource", &old)]).expect("url"))
        .send()
        .await
        .expect("webfinger")
        .json()
        .await
        .expect("jrd");
    assert_eq!(jrd["links"][0]["href"], m.url("/actor"));
    m.stop().await;
}
