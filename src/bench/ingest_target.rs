//! One server under test for part (c): a running instance (SQLite in a data dir, or a fresh
//! PostgreSQL database) with a bench-only receive route wrapped around its router, a host
//! serving the 100 signing actors, and the ways part (c) loads it: closed loop (a fixed number
//! in flight), open loop (a fixed rate), one-row commits on its pool.

use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::Path,
    http::StatusCode,
    routing::{get, post},
};
use futures::StreamExt;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use url::Url;

use maillage::{
    app::App,
    config::ConfigLayer,
    error::{AppError, AppResult},
    federation::{
        keys::{Signer, generate_rsa_keypair},
        protocol::activities::{Activity, Kind, to_value},
        signatures::sign_cavage,
    },
    state::AppState,
};

use super::ingest::{ACTORS, CONCURRENCY, person};

/// A request body and its signature headers.
pub type SignedRequest = (Vec<u8>, Vec<(http::HeaderName, http::HeaderValue)>);

/// Latencies of one run, sorted, and how many were not answered 202.
pub struct Run {
    pub per_sec: f64,
    pub latencies: Vec<Duration>,
    pub refused: usize,
}

impl Run {
    fn new(results: Vec<(bool, Duration)>, secs: f64) -> Run {
        let accepted = results.iter().filter(|(ok, _)| *ok).count();
        let mut latencies: Vec<Duration> = results.iter().map(|(_, d)| *d).collect();
        latencies.sort();
        Run { per_sec: accepted as f64 / secs, refused: results.len() - accepted, latencies }
    }

    /// The latency below which a fraction `p` of requests were answered, in milliseconds.
    pub fn ms(&self, p: f64) -> f64 {
        let i = ((self.latencies.len() as f64 * p) as usize).min(self.latencies.len().saturating_sub(1));
        self.latencies.get(i).copied().unwrap_or_default().as_secs_f64() * 1e3
    }
}

pub struct Target {
    state: AppState,
    stop: oneshot::Sender<()>,
    server: JoinHandle<AppResult<()>>,
    dir: PathBuf,
    inbox: Url,
    receive: Url,
    actor_host: String,
    signer: Signer,
    territory: String,
    client: reqwest::Client,
}

impl Target {
    /// Starts an instance on `database_url` (SQLite in its data dir when None).
    pub async fn start(database_url: Option<String>) -> AppResult<Target> {
        let dir = std::env::temp_dir().join(format!("maillage-bench-{}", uuid::Uuid::new_v4()));
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(AppError::internal)?;
        let port = listener.local_addr().map_err(AppError::internal)?.port();
        let config = ConfigLayer {
            public_url: Some(format!("http://localhost:{port}")),
            data_dir: Some(dir.clone()),
            database_url,
            allow_private_network: Some(true),
            ..Default::default()
        }
        .resolve()
        .map_err(AppError::Internal)?;
        let app = App::init(config).await?;
        let state = app.state();
        state.store.bench_commit_table().await?;
        // The receive limit: the same server, the same connections and body reading, no
        // verification and no storage. A route of the benchmark's, never of the app.
        let router = Router::new()
            .route("/bench/receive", post(|body: Bytes| async move { (StatusCode::ACCEPTED, body.len().to_string()) }))
            .merge(app.router());
        let (stop, stop_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(app.serve_router(listener, router, async {
            let _ = stop_rx.await;
        }));
        let keys = generate_rsa_keypair()?;
        let base = format!("http://localhost:{port}");
        Ok(Target {
            state,
            stop,
            server,
            dir,
            inbox: Url::parse(&format!("{base}/inbox"))?,
            receive: Url::parse(&format!("{base}/bench/receive"))?,
            actor_host: start_actor_host(keys.public_key_pem.clone()).await?,
            signer: Signer::from_pem(&keys.private_key_pem)?,
            territory: format!("{base}/t/territoire"),
            client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(AppError::internal)?,
        })
    }

    /// `count` Follows of the territory by the `ACTORS` actors in turn, signed ahead of time
    /// (the figure is the inbox's, not the client's signing).
    pub fn follows(&self, count: usize) -> AppResult<Vec<SignedRequest>> {
        (0..count).map(|n| self.sign(n, Kind::Follow)).collect()
    }

    fn sign(&self, n: usize, kind: Kind) -> AppResult<SignedRequest> {
        let actor = format!("http://{}/users/{}", self.actor_host, n % ACTORS);
        let id = format!("http://{}/activities/{}", self.actor_host, uuid::Uuid::new_v4());
        let body = serde_json::to_vec(&Activity::new(kind, id, &actor, &self.territory))?;
        let headers =
            sign_cavage(&http::Method::POST, &self.inbox, Some(&body), &format!("{actor}#main-key"), &self.signer)?;
        Ok((body, headers))
    }

    /// Every actor fetched and stored once, as after any first contact.
    pub async fn warm(&self) -> AppResult<()> {
        let warm = (0..ACTORS).map(|n| self.sign(n, Kind::Like)).collect::<AppResult<Vec<_>>>()?;
        self.closed_loop(false, warm).await;
        Ok(())
    }

    fn send(&self, to: &Url, (body, headers): SignedRequest) -> impl Future<Output = bool> + use<> {
        let mut req = self.client.post(to.clone()).header("content-type", "application/activity+json");
        for (k, v) in headers {
            req = req.header(k, v);
        }
        async move { req.body(body).send().await.map(|r| r.status() == StatusCode::ACCEPTED).unwrap_or(false) }
    }

    /// `requests` sent `CONCURRENCY` at a time, to the inbox or (`inbox` false) to the
    /// receive route.
    pub async fn closed_loop(&self, inbox: bool, requests: Vec<SignedRequest>) -> Run {
        let to = if inbox { &self.inbox } else { &self.receive };
        let started = Instant::now();
        let results: Vec<(bool, Duration)> = futures::stream::iter(requests)
            .map(|r| {
                let sent = self.send(to, r);
                async move {
                    let t = Instant::now();
                    (sent.await, t.elapsed())
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        Run::new(results, started.elapsed().as_secs_f64())
    }

    /// `requests` sent at `rate` per second whatever the answers (open loop); each latency
    /// counts from when its request was due, so a stall shows in every request it delays.
    pub async fn open_loop(&self, rate: f64, requests: Vec<SignedRequest>) -> Run {
        let start = tokio::time::Instant::now() + Duration::from_millis(50);
        let mut tasks = tokio::task::JoinSet::new();
        for (i, r) in requests.into_iter().enumerate() {
            let due = start + Duration::from_secs_f64(i as f64 / rate);
            tokio::time::sleep_until(due).await;
            let sent = self.send(&self.inbox, r);
            tasks.spawn(async move { (sent.await, due.elapsed()) });
        }
        let results = tasks.join_all().await;
        Run::new(results, start.elapsed().as_secs_f64())
    }

    /// One-row write transactions per second on the server's pool, `CONCURRENCY` at a time,
    /// for `secs` seconds.
    pub async fn commit_limit(&self, secs: f64) -> AppResult<f64> {
        let until = Instant::now() + Duration::from_secs_f64(secs);
        let started = Instant::now();
        let counts = futures::future::try_join_all((0..CONCURRENCY).map(|t| {
            let store = self.state.store.clone();
            async move {
                let mut n = 0i64;
                while Instant::now() < until {
                    store.bench_commit_one(t as i64 * 1_000_000 + n).await?;
                    n += 1;
                }
                AppResult::Ok(n)
            }
        }))
        .await?;
        Ok(counts.iter().sum::<i64>() as f64 / started.elapsed().as_secs_f64())
    }

    /// Waits until the delivery worker has sent what ingest queued (the Accepts), so that it
    /// does not run during the next measurement. Returns the seconds waited.
    pub async fn drain(&self) -> AppResult<f64> {
        let started = Instant::now();
        while self.state.store.next_delivery_at().await?.is_some() && started.elapsed() < Duration::from_secs(120) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(started.elapsed().as_secs_f64())
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A host serving `ACTORS` actors (one shared key) and an inbox that takes anything.
async fn start_actor_host(public_key_pem: String) -> AppResult<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(AppError::internal)?;
    let authority = format!("localhost:{}", listener.local_addr().map_err(AppError::internal)?.port());
    let base = format!("http://{authority}");
    let pem = Arc::new(public_key_pem);
    let app = Router::new()
        .route(
            "/users/{n}",
            get(move |Path(n): Path<String>| {
                let (base, pem) = (base.clone(), pem.clone());
                async move {
                    let doc = person(&base, &n, &pem).map(|p| to_value(&p).to_string()).unwrap_or_default();
                    ([("content-type", "application/activity+json")], doc)
                }
            }),
        )
        .route("/{*path}", post(|| async { StatusCode::ACCEPTED }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(authority)
}
