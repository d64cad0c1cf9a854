//! Test helpers: real databases (a SQLite file, and a fresh PostgreSQL database when
//! MAILLAGE_TEST_POSTGRES is set) and real instances served on `localhost:<port>`.
#![allow(dead_code)]

pub mod browser;
pub mod fleet;
pub mod golden;
pub mod gotosocial;
pub mod lemmy;
pub mod peer;
pub mod peer_inbox;
pub mod web;

use std::time::Duration;

use activitypub_federation::config::Data;
use maillage::{app::App, config::Config, state::AppState};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use url::Url;

/// A database for one test: deleted (SQLite dir) or dropped (PostgreSQL) with `cleanup`.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("maillage.db").display());
        TestDb { label: "sqlite", url, dir, pg_admin: None }
    }

    /// A fresh PostgreSQL database, or None when MAILLAGE_TEST_POSTGRES is not set.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty())?;
        sqlx::any::install_default_drivers();
        let name = format!("maillage_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("MAILLAGE_TEST_POSTGRES is set but PostgreSQL is unreachable");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
        let mut url = Url::parse(&admin_url).expect("MAILLAGE_TEST_POSTGRES is a URL");
        url.set_path(&format!("/{name}"));
        Some(TestDb {
            label: "postgres",
            url: url.to_string(),
            dir: tempfile::tempdir().expect("tempdir"),
            pg_admin: Some((admin_url, name)),
        })
    }

    /// SQLite always, PostgreSQL too when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite().await];
        if let Some(pg) = TestDb::postgres().await {
            v.push(pg);
        }
        v
    }

    /// PostgreSQL when configured, else SQLite: to mix backends in federation tests.
    pub async fn prefer_postgres() -> TestDb {
        match TestDb::postgres().await {
            Some(db) => db,
            None => TestDb::sqlite().await,
        }
    }

    pub async fn cleanup(self) {
        if let Some((admin, name)) = self.pg_admin
            && let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
        }
    }
}

/// A Maillage instance serving on `http://localhost:<port>` with private networking allowed.
pub struct TestInstance {
    pub base: Url,
    pub authority: String,
    pub data: Data<AppState>,
    pub db: TestDb,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<()>>,
}

pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
}

impl TestInstance {
    pub async fn start(db: TestDb) -> TestInstance {
        Self::start_with(db, |_| {}).await
    }

    pub async fn start_with(db: TestDb, tweak: impl FnOnce(&mut Config)) -> TestInstance {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::start_on(db, listener, tweak).await
    }

    async fn start_on(db: TestDb, listener: TcpListener, tweak: impl FnOnce(&mut Config)) -> TestInstance {
        init_tracing();
        let port = listener.local_addr().expect("addr").port();
        let mut config =
            Config::for_test(&format!("http://localhost:{port}"), db.dir.path().to_path_buf(), Some(db.url.clone()))
                .expect("config");
        tweak(&mut config);
        let app = App::init(config).await.expect("app init");
        let data = app.data();
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            app.serve(listener, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        TestInstance {
            base: Url::parse(&format!("http://localhost:{port}/")).expect("url"),
            authority: format!("localhost:{port}"),
            data,
            db,
            stop: Some(tx),
            handle: Some(handle),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.authority, path)
    }

    /// The default territory's actor id.
    pub fn territory(&self) -> String {
        self.url("/t/territoire")
    }

    /// Stops the server and starts a new one on the same database, at the same address (the
    /// database records the instance's public URL: another one would be refused).
    pub async fn restart(mut self) -> TestInstance {
        let port: u16 = self.authority.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).expect("port");
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), h).await;
        }
        let TestInstance { db, .. } = self;
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind the same port again");
        TestInstance::start_on(db, listener, |_| {}).await
    }

    /// An account made directly in the database.
    pub async fn account(&self, email: &str, password: &str, role: maillage::domain::account::Role) {
        let hash = maillage::security::hash_password(password).expect("hash");
        self.data.store.create_account(email, &hash, role).await.expect("account");
    }

    /// An API token; returns its value.
    pub async fn token(&self, role: maillage::domain::account::Role) -> String {
        let token = maillage::security::new_token().expect("token");
        self.data.store.create_api_token(&maillage::security::hash_token(&token), role, "test").await.expect("token");
        token
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), h).await;
        }
        self.db.cleanup().await;
    }
}

/// Polls `check` until it returns true (or panics after `secs` seconds with `what`).
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client")
}

pub async fn get_json(url: &str) -> serde_json::Value {
    let res = client().get(url).header("Accept", "application/activity+json").send().await.expect("GET");
    assert!(res.status().is_success(), "GET {url}: {}", res.status());
    res.json().await.expect("json")
}

/// A JSON API call: the status and the body (`null` when not JSON).
pub async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut req = client().request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// A page as a browser asks for it.
/// A practice of the default territory, created and published through the API as a moderator:
/// (local id, ActivityPub id).
pub async fn published_practice(
    m: &TestInstance,
    title: &str,
    summary: &str,
) -> (maillage::domain::ids::PracticeId, String) {
    let token = m.token(maillage::domain::account::Role::Moderator).await;
    let res = client()
        .post(m.url("/api/v1/practices"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"title": title, "summary": summary}))
        .send()
        .await
        .expect("create");
    let id = maillage::domain::ids::PracticeId(
        res.json::<serde_json::Value>().await.expect("json")["id"].as_i64().expect("id"),
    );
    let res = client().post(m.url(&format!("/api/v1/practices/{id}/publish"))).bearer_auth(&token).send().await;
    assert!(res.expect("publish").status().is_success(), "published");
    (id, m.data.store.practice(id).await.expect("db").expect("practice").ap_id)
}

pub async fn get_html(url: &str) -> String {
    client().get(url).header("Accept", "text/html").send().await.expect("page").text().await.expect("text")
}

/// Links mailed to the signer (quoted-printable decoded), in order.
pub fn mailed_links(m: &TestInstance) -> Vec<String> {
    let dir = m.db.dir.path().join("outbox");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    let mut links = vec![];
    for f in files {
        let mail =
            std::fs::read_to_string(f).expect("mail").replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        links.extend(mail.split_whitespace().filter(|w| w.starts_with("http")).map(|w| w.to_string()));
    }
    links
}

pub fn path_of(m: &TestInstance, link: &str) -> String {
    link.split_once(&m.authority).expect("our host").1.to_string()
}

/// The practice id the fixtures reply to; `localise` points it at a real one.
pub const PLACEHOLDER: &str = "https://maillage.example/practices/00000000-0000-0000-0000-000000000000";

/// A fixture's text: `tests/fixtures/<path>`.
pub fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

/// Points a fixture written for mastodon.example, lemmy.example or gotosocial.example at the
/// test peer standing for that server, maillage.example at our instance, and the placeholder
/// practice at `practice`.
pub fn localise(json: &str, peer: &peer::Peer, m: &TestInstance, practice: &str) -> String {
    json.replace(PLACEHOLDER, practice)
        .replace("https://mastodon.example/users/alice", peer.actor_id().as_str())
        .replace("https://lemmy.example/u/bob", peer.actor_id().as_str())
        .replace("https://mastodon.example/", peer.base.as_str())
        .replace("https://lemmy.example/", peer.base.as_str())
        .replace("https://gotosocial.example/", peer.base.as_str())
        .replace("https://maillage.example/", m.base.as_str())
        .replace("@territoire@maillage.example", &format!("@territoire@{}", m.authority))
}
