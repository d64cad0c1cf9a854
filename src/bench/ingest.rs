//! Benchmark part (c): signed activities accepted and committed per second by a running
//! instance's inbox, on SQLite and (when given) PostgreSQL, beside the limits measured in the
//! same run on the same server: what it can receive (a route that only reads the body), what
//! its database commits (one-row write transactions on its pool) and what the cores verify.
//! Then a fixed-rate (open-loop) run, for latency at a steady load.

use std::time::{Duration, Instant};

use aws_lc_rs::{
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _, ParsedPublicKey},
};

use maillage::{
    error::{AppError, AppResult},
    federation::protocol::{
        activities::now,
        actor::{ActorDocument, ActorKind, Endpoints, PublicKey},
        actor_context,
    },
};

use super::ingest_target::{Run, Target};

pub const ACTORS: usize = 100;
pub const CONCURRENCY: usize = 16;
const ROUNDS: usize = 3;

pub struct IngestOptions {
    /// Activities per closed-loop run.
    pub count: usize,
    /// Open loop: activities per second, and for how long.
    pub rate: f64,
    pub secs: f64,
    pub postgres: Option<String>,
}

/// The actor `u<n>` of the host at `base`, with the shared key.
pub fn person(base: &str, n: &str, public_key_pem: &str) -> Result<ActorDocument, url::ParseError> {
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
        group_collections: None,
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

/// Raw RSA-2048 verifications per second on one thread (aws-lc-rs, no parsing).
fn raw_verifies_per_sec() -> AppResult<f64> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| AppError::internal("keygen"))?;
    let msg = b"(request-target): post /inbox\nhost: localhost\ndate: Tue, 20 Apr 2021 02:07:55 GMT";
    let mut sig = vec![0u8; pair.public_modulus_len()];
    pair.sign(&signature::RSA_PKCS1_SHA256, &SystemRandom::new(), msg, &mut sig)
        .map_err(|_| AppError::internal("sign"))?;
    let public = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
        .map_err(|_| AppError::internal("public key"))?;
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_millis(300) {
        for _ in 0..16 {
            let _ = public.verify_sig(msg, &sig);
        }
        n += 16;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// The best of the rounds, per backend.
#[derive(Default)]
struct Best {
    ingest: Option<Run>,
    receive: f64,
    commit: f64,
    drained: f64,
}

impl Best {
    fn ingest_per_sec(&self) -> f64 {
        self.ingest.as_ref().map_or(0.0, |r| r.per_sec)
    }
}

pub async fn run(opts: IngestOptions) -> AppResult<()> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut targets = vec![("SQLite", Target::start(None).await?, None)];
    if let Some(admin) = &opts.postgres {
        let (url, name) = fresh_postgres(admin).await?;
        match Target::start(Some(url)).await {
            Ok(t) => targets.push(("PostgreSQL", t, Some(name))),
            Err(e) => {
                drop_postgres(admin, &name).await;
                return Err(e);
            }
        }
    }
    let result = measure(&opts, cores, &targets).await;
    for (_, t, pg) in targets {
        t.stop().await;
        if let (Some(admin), Some(name)) = (&opts.postgres, pg) {
            drop_postgres(admin, &name).await;
        }
    }
    result
}

async fn measure(opts: &IngestOptions, cores: usize, targets: &[(&str, Target, Option<String>)]) -> AppResult<()> {
    for (_, t, _) in targets {
        t.warm().await?;
        t.drain().await?;
    }
    let mut verify = 0f64;
    let mut best: Vec<Best> = targets.iter().map(|_| Best::default()).collect();
    for _ in 0..ROUNDS {
        verify = verify.max(tokio::task::spawn_blocking(raw_verifies_per_sec).await.map_err(AppError::internal)??);
        for ((_, t, _), b) in targets.iter().zip(best.iter_mut()) {
            let requests = t.follows(opts.count)?;
            b.receive = b.receive.max(t.closed_loop(false, requests.clone()).await.per_sec);
            b.commit = b.commit.max(t.commit_limit(1.0).await?);
            let run = t.closed_loop(true, requests).await;
            b.drained = b.drained.max(t.drain().await?);
            if run.per_sec > b.ingest_per_sec() {
                b.ingest = Some(run);
            }
        }
    }
    let verify_limit = verify * cores as f64;
    println!(
        "(c) inbox ingest: {} signed Follows from {ACTORS} actors, {CONCURRENCY} in flight, each committed (with the \
         Accept it queues) before 202; best of {ROUNDS} interleaved rounds",
        opts.count
    );
    println!(
        "    verify limit: {verify:.0} raw RSA-2048 verifies/s on one thread × {cores} cores = {verify_limit:.0}/s"
    );
    println!(
        "    receive limit: the same signed bodies, same server and concurrency, a route that reads and answers 202"
    );
    println!("    commit limit: one-row write transactions on the server's own pool, same concurrency");
    println!(
        "                  ingest/s  receive/s   commit/s    ingest ÷ min(receive, commit, verify)   p50 ms   p99 ms  refused"
    );
    for ((label, _, _), b) in targets.iter().zip(&best) {
        let Some(run) = &b.ingest else { continue };
        let limit = b.receive.min(b.commit).min(verify_limit);
        println!(
            "    {label:<11} {:>10.0} {:>10.0} {:>10.0}    {:>6.3} (of {limit:.0}/s)                  {:>8.1} {:>8.1} {:>8}",
            run.per_sec,
            b.receive,
            b.commit,
            run.per_sec / limit,
            run.ms(0.50),
            run.ms(0.99),
            run.refused
        );
    }
    for ((label, _, _), b) in targets.iter().zip(&best) {
        println!("    {label}: the delivery worker then took up to {:.2} s to send the queued Accepts", b.drained);
    }
    if opts.postgres.is_none() {
        println!("    PostgreSQL  skipped (pass --postgres URL or set MAILLAGE_TEST_POSTGRES)");
    }
    println!();
    let total = (opts.rate * opts.secs).round() as usize;
    println!(
        "(c2) open loop: {total} signed Follows at {:.0}/s for {:.0} s (latency counted from when each was due)",
        opts.rate, opts.secs
    );
    println!("                  sent/s     p50 ms   p90 ms   p99 ms   max ms   errors");
    for (label, t, _) in targets {
        let requests = t.follows(total)?;
        let run = t.open_loop(opts.rate, requests).await;
        t.drain().await?;
        println!(
            "    {label:<11} {:>8.0} {:>10.1} {:>8.1} {:>8.1} {:>8.1} {:>8}",
            run.per_sec,
            run.ms(0.50),
            run.ms(0.90),
            run.ms(0.99),
            run.latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            run.refused
        );
    }
    Ok(())
}
