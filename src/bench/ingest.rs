//! Benchmark part (c): signed activities accepted and committed per second by a running
//! instance's inbox, with latency percentiles, on SQLite and (when given) PostgreSQL.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    routing::{get, post},
};
use futures::StreamExt;
use tokio::{net::TcpListener, sync::oneshot};

use maillage::{
    app::App,
    config::ConfigLayer,
    error::{AppError, AppResult},
    federation::{
        keys::{Signer, generate_rsa_keypair},
        protocol::{
            activities::{Activity, Kind, now, to_value},
            actor::{ActorDocument, ActorKind, Endpoints, PublicKey},
            actor_context,
        },
        signatures::sign_cavage,
    },
};

const ACTORS: usize = 100;

/// A request body and its signature headers.
type SignedRequest = (Vec<u8>, Vec<(http::HeaderName, http::HeaderValue)>);
const CONCURRENCY: usize = 16;

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

/// The actor `u<n>` of the host at `base`, with the shared key.
fn person(base: &str, n: &str, public_key_pem: &str) -> Result<ActorDocument, url::ParseError> {
    let id = url::Url::parse(&format!("{base}/users/{n}"))?;
    let sub = |p: &str| url::Url::parse(&format!("{id}/{p}"));
    Ok(ActorDocument {
        context: actor_context(),
        id: id.clone(),
        kind: ActorKind::Person,
        preferred_username: format!("u{n}"),
        name: format!("u{n}"),
        summary: String::new(),
        url: id.clone(),
        inbox: sub("inbox")?,
        outbox: sub("outbox")?,
        followers: sub("followers")?,
        following: sub("following")?,
        endpoints: Endpoints { shared_inbox: Some(url::Url::parse(&format!("{base}/inbox"))?) },
        public_key: PublicKey {
            id: format!("{id}#main-key"),
            owner: id.to_string(),
            public_key_pem: public_key_pem.to_string(),
        },
        manually_approves_followers: false,
        discoverable: false,
        published: now(),
        updated: None,
        webfinger: String::new(),
        attachment: vec![],
        icon: None,
        members: None,
        featured: None,
        also_known_as: Vec::new(),
        moved_to: None,
    })
}

pub async fn fresh_postgres(admin_url: &str) -> AppResult<(String, String)> {
    let name = format!("maillage_bench_{}", uuid::Uuid::new_v4().simple());
    maillage::storage::bench_seed::create_postgres_database(admin_url, &name).await?;
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok((url.to_string(), name))
}

pub async fn drop_postgres(admin_url: &str, name: &str) {
    maillage::storage::bench_seed::drop_postgres_database(admin_url, name).await;
}

struct Ingest {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
    refused: usize,
}

async fn ingest(count: usize, database_url: Option<String>) -> AppResult<Ingest> {
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
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(listener, async {
        let _ = stop_rx.await;
    }));
    let keys = generate_rsa_keypair()?;
    let signer = Signer::from_pem(&keys.private_key_pem)?;
    let host = start_actor_host(keys.public_key_pem.clone()).await?;
    let inbox = url::Url::parse(&format!("http://localhost:{port}/inbox")).map_err(AppError::internal)?;
    let territory = format!("http://localhost:{port}/t/territoire");
    // Signed ahead of time: the figure is the inbox's, not the client's signing.
    let sign = |n: usize, kind: Kind| -> AppResult<SignedRequest> {
        let actor = format!("http://{host}/users/{}", n % ACTORS);
        let id = format!("http://{host}/activities/{}", uuid::Uuid::new_v4());
        let body = serde_json::to_vec(&Activity::new(kind, id, &actor, &territory))?;
        let headers = sign_cavage(&http::Method::POST, &inbox, Some(&body), &format!("{actor}#main-key"), &signer)?;
        Ok((body, headers))
    };
    let warm: Vec<_> = (0..ACTORS).map(|n| sign(n, Kind::Like)).collect::<AppResult<_>>()?;
    let requests: Vec<_> = (0..count).map(|n| sign(n, Kind::Follow)).collect::<AppResult<_>>()?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().map_err(AppError::internal)?;
    let send = |(body, headers): SignedRequest| {
        let client = client.clone();
        let inbox = inbox.clone();
        async move {
            let mut req = client.post(inbox).header("content-type", "application/activity+json");
            for (k, v) in headers {
                req = req.header(k, v);
            }
            let t = Instant::now();
            let ok = req.body(body).send().await.map(|r| r.status() == StatusCode::ACCEPTED).unwrap_or(false);
            (ok, t.elapsed())
        }
    };
    // Warm-up: every actor fetched and cached once.
    let _: Vec<_> = futures::stream::iter(warm).map(send).buffer_unordered(CONCURRENCY).collect().await;
    let started = Instant::now();
    let results: Vec<(bool, Duration)> =
        futures::stream::iter(requests).map(send).buffer_unordered(CONCURRENCY).collect().await;
    let secs = started.elapsed().as_secs_f64();
    let _ = stop_tx.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    let accepted = results.iter().filter(|(ok, _)| *ok).count();
    let mut lat: Vec<Duration> = results.iter().map(|(_, d)| *d).collect();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    Ok(Ingest { per_sec: accepted as f64 / secs, p50: pct(0.50), p99: pct(0.99), refused: count - accepted })
}

pub async fn run(count: usize, postgres_admin: Option<&str>) -> AppResult<()> {
    println!(
        "(c) inbox ingest: {count} signed Follows from {ACTORS} actors, {CONCURRENCY} in flight, each committed before 202"
    );
    let s = ingest(count, None).await?;
    println!(
        "    SQLite      {:>8.0} activities/s   p50 {:>6.1} ms   p99 {:>6.1} ms   refused {}",
        s.per_sec,
        s.p50.as_secs_f64() * 1e3,
        s.p99.as_secs_f64() * 1e3,
        s.refused
    );
    match postgres_admin {
        Some(admin) => {
            let (url, name) = fresh_postgres(admin).await?;
            let result = ingest(count, Some(url)).await;
            drop_postgres(admin, &name).await;
            let p = result?;
            println!(
                "    PostgreSQL  {:>8.0} activities/s   p50 {:>6.1} ms   p99 {:>6.1} ms   refused {}",
                p.per_sec,
                p.p50.as_secs_f64() * 1e3,
                p.p99.as_secs_f64() * 1e3,
                p.refused
            );
        }
        None => println!("    PostgreSQL  skipped (pass --postgres URL or set MAILLAGE_TEST_POSTGRES)"),
    }
    Ok(())
}
