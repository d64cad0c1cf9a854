//! Fan-out parts of `maillage bench federation`. A test bed is a database with one territory
//! followed by many actors spread over mock hosts; a round queues one Update (from this
//! process, as the web or the API would) and times until every distinct inbox has received it
//! from the delivery worker of a separate `maillage serve` process (`servers.rs`).

use std::{
    collections::HashMap,
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::body::Bytes;
use futures::StreamExt;
use http::{HeaderMap, Method};
use url::Url;

use super::{
    fleet::{Fleet, bench_actor, start_black_hole, start_mock},
    servers::Server,
};
use maillage::{
    app::App,
    config::ConfigLayer,
    domain::{local_actor::LocalActor, territory::FollowState},
    error::{AppError, AppResult},
    federation::{keys::Verifier, rfc9421, signatures::sign_cavage},
    processing::territories,
    state::AppState,
    storage::{actors, follows, territories::TerritoryUpdate},
};

const PUBLIC_URL: &str = "http://localhost:9";
/// Followers written per seeding transaction.
const SEED_BATCH: usize = 5_000;

pub struct Bed {
    state: AppState,
    pub fleet: Arc<Fleet>,
    /// Distinct inboxes of the followers on the mock fleet (the hung host excluded).
    pub inboxes: Vec<String>,
    dir: PathBuf,
    database_url: String,
    postgres: Option<(String, String)>,
    rounds: usize,
}

/// One round: wall time from the change to the last inbox reached, and what the queue held.
pub struct Round {
    pub secs: f64,
    pub enqueue_secs: f64,
    pub requests: u64,
    pub bad: u64,
    /// Rows in the delivery table just after the change was committed.
    pub rows_queued: i64,
    /// Rows left once the worker had pruned what it delivered.
    pub rows_after: i64,
}

impl Bed {
    /// `followers` over `hosts` mock hosts (half advertise a shared inbox, as Mastodon does;
    /// half do not), plus one host that never answers when `hung`. SQLite in a temporary data
    /// directory, or a fresh database on the PostgreSQL server `postgres_admin`.
    pub async fn new(followers: usize, hosts: usize, hung: bool, postgres_admin: Option<&str>) -> AppResult<Bed> {
        let dir = std::env::temp_dir().join(format!("maillage-bench-{}", uuid::Uuid::new_v4()));
        let (database_url, postgres) = match postgres_admin {
            Some(admin) => {
                let (url, name) = super::ingest::fresh_postgres(admin).await?;
                (Some(url), Some((admin.to_string(), name)))
            }
            None => (None, None),
        };
        let config = ConfigLayer {
            public_url: Some(PUBLIC_URL.into()),
            data_dir: Some(dir.clone()),
            database_url,
            allow_private_network: Some(true),
            ..Default::default()
        }
        .resolve()
        .map_err(AppError::Internal)?;
        let database_url = config.database_url.clone();
        let state = App::init(config).await?.state();
        let t = state.store.territory_by_slug("territoire").await?.ok_or_else(|| AppError::internal("territory"))?;
        let verifier = Verifier::from_pem(&t.public_key_pem)?;
        let fleet = Arc::new(Fleet::default());
        let mut authorities = vec![];
        for _ in 0..hosts {
            authorities.push(start_mock(fleet.clone(), verifier.clone()).await?);
        }
        let per_host = followers.div_ceil(hosts);
        let mut inboxes = vec![];
        let mut seen = std::collections::HashSet::new();
        let mut tx = state.store.begin().await?;
        let mut in_tx = 0;
        for (h, authority) in authorities.iter().enumerate() {
            for i in 0..per_host {
                let ap_id = format!("http://{authority}/users/u{i}");
                let inbox = format!("{ap_id}/inbox");
                let shared = (h % 2 == 0).then(|| format!("http://{authority}/inbox"));
                let target = shared.clone().unwrap_or_else(|| inbox.clone());
                if seen.insert(target.clone()) {
                    inboxes.push(target);
                }
                let actor =
                    actors::upsert_remote_actor(&mut tx, &bench_actor(&ap_id, inbox, shared, authority)).await?;
                let follow = format!("{ap_id}/f");
                follows::upsert_follow(
                    &mut tx,
                    follows::Direction::Followers,
                    t.id,
                    actor.id,
                    &follow,
                    FollowState::Accepted,
                )
                .await?;
                in_tx += 1;
                if in_tx == SEED_BATCH {
                    tx.commit().await?;
                    tx = state.store.begin().await?;
                    in_tx = 0;
                }
            }
        }
        if hung {
            let hole = start_black_hole().await?;
            let ap_id = format!("http://{hole}/users/never");
            let actor =
                actors::upsert_remote_actor(&mut tx, &bench_actor(&ap_id, format!("http://{hole}/inbox"), None, &hole))
                    .await?;
            follows::upsert_follow(
                &mut tx,
                follows::Direction::Followers,
                t.id,
                actor.id,
                "x:f",
                FollowState::Accepted,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Bed { state, fleet, inboxes, dir, database_url, postgres, rounds: 0 })
    }

    /// A `maillage serve` process on this bed's database.
    pub async fn server(&self) -> AppResult<Server> {
        Server::start(&self.dir, &self.database_url, PUBLIC_URL).await
    }

    /// Queues one Update to every follower and waits until each distinct inbox has it, then
    /// until the worker has pruned the delivered rows (at most 30 s).
    pub async fn round(&mut self) -> AppResult<Round> {
        self.fleet.reset();
        self.rounds += 1;
        let name = format!("Bench {}", self.rounds);
        let started = Instant::now();
        let update = TerritoryUpdate { name: Some(name), ..Default::default() };
        territories::update(&self.state, "territoire", update, "bench").await?;
        let enqueue_secs = started.elapsed().as_secs_f64();
        // Counting is the benchmark's own work: its time is taken out of the round's.
        let counting = Instant::now();
        let rows_queued = self.state.store.delivery_rows().await?;
        let counted = counting.elapsed();
        let target = self.inboxes.len();
        while self.fleet.reached() < target && started.elapsed() < Duration::from_secs(900) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let secs = (started.elapsed() - counted).as_secs_f64();
        let waited = Instant::now();
        let rows_after = loop {
            let stats = self.state.store.delivery_stats().await?;
            let done: i64 = stats.iter().map(|s| s.done).sum();
            let rows: i64 = stats.iter().map(|s| s.pending + s.failed + s.done).sum();
            if done == 0 || waited.elapsed() > Duration::from_secs(30) {
                break rows;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        Ok(Round {
            secs,
            enqueue_secs,
            requests: self.fleet.requests(),
            bad: self.fleet.bad(),
            rows_queued,
            rows_after,
        })
    }

    /// The transport limit: the last activity, signed beforehand for every inbox, POSTed to the
    /// same fleet with the server's HTTP client settings, its concurrency and per-host cap, and
    /// no database work. Returns the wall time.
    pub async fn transport(&self) -> AppResult<f64> {
        let config = &self.state.config;
        let client = maillage::federation::http::build_client(true, Duration::from_secs(config.http_timeout_secs))?;
        let t =
            self.state.store.territory_by_slug("territoire").await?.ok_or_else(|| AppError::internal("territory"))?;
        let last = self.state.store.outbox_page(t.id, 1, 0).await?;
        let body = Bytes::from(last.into_iter().next().map(|a| a.json).unwrap_or_default());
        let (key_id, signer) = self.state.signer_for(LocalActor::Territory(t.id)).await?;
        // Round-robin over hosts, as the worker's per-host cap spreads its sends.
        let mut by_host: HashMap<String, Vec<(Url, HeaderMap)>> = HashMap::new();
        for inbox in &self.inboxes {
            let url = Url::parse(inbox)?;
            let mut headers = HeaderMap::new();
            for (k, v) in sign_cavage(&Method::POST, &url, Some(&body), &key_id, &signer)? {
                headers.insert(k, v);
            }
            headers.insert("content-digest", rfc9421::content_digest(&body).parse().map_err(AppError::internal)?);
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/activity+json"));
            by_host.entry(url.authority().to_string()).or_default().push((url, headers));
        }
        let caps: HashMap<String, Arc<tokio::sync::Semaphore>> = by_host
            .keys()
            .map(|h| (h.clone(), Arc::new(tokio::sync::Semaphore::new(config.delivery_per_host))))
            .collect();
        let mut queues: Vec<_> = by_host.into_iter().map(|(h, v)| (h, v.into_iter())).collect();
        let mut order = vec![];
        while !queues.is_empty() {
            queues.retain_mut(|(h, q)| match q.next() {
                Some(r) => {
                    order.push((h.clone(), r));
                    true
                }
                None => false,
            });
        }
        self.fleet.reset();
        let started = Instant::now();
        futures::stream::iter(order)
            .map(|(host, (url, headers))| {
                let (client, body, cap) = (client.clone(), body.clone(), caps.get(&host).cloned());
                async move {
                    let _permit = match cap {
                        Some(c) => c.acquire_owned().await.ok(),
                        None => None,
                    };
                    client.post(url).headers(headers).body(body).send().await.map(|r| r.status())
                }
            })
            .buffer_unordered(config.delivery_concurrency)
            .for_each(|_| async {})
            .await;
        let secs = started.elapsed().as_secs_f64();
        if self.fleet.reached() < self.inboxes.len() || self.fleet.bad() > 0 {
            return Err(AppError::Internal(format!(
                "transport baseline: {} of {} inboxes reached, {} bad signatures",
                self.fleet.reached(),
                self.inboxes.len(),
                self.fleet.bad()
            )));
        }
        Ok(secs)
    }

    pub async fn close(self) {
        self.state.store.close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = &self.postgres {
            super::ingest::drop_postgres(admin, name).await;
        }
    }
}
