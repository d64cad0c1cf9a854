//! `maillage bench observatory` (issue 13, point 10): the observatory under a national network's
//! data. Seeds, in SQL (storage/bench_seed.rs), 200 territories — a tenth local with their
//! signatories, the rest remote, half followed one by one and half on instances our instance
//! actor subscribes to as a whole — 50,000 published practices with a reference indicator each
//! and 10,000 shared actions, half of them evaluated; lets the server's background refresher
//! compute the figures; then measures pages per second of the network and instance observatory
//! pages and of the network's GeoJSON export against a one-row page (one practice) of the same
//! server, through the same client at the same concurrency, best of three interleaved rounds.
//! Pages read the figures the refresher stored; the benchmark checks that no page made it
//! recompute any (processing/observatory.rs).

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use maillage::{
    app::App,
    config::ConfigLayer,
    domain::{now_millis, observatory::REFERENCE, practice::Dimension},
    error::{AppError, AppResult},
    federation::keys::generate_rsa_keypair,
    state::AppState,
    storage::bench_seed::{SeedAction, SeedMeasuredPractice, SeedRemoteTerritory, SeedSignatory},
};

pub struct ObservatoryOptions {
    /// 1.0: 200 territories, 50,000 practices, 10,000 actions.
    pub scale: f64,
    /// Seconds of each measurement.
    pub secs: f64,
    /// Requests in flight.
    pub concurrency: usize,
    pub postgres: Option<String>,
}

const DOMAINS: [&str; 8] =
    ["energie", "finance", "habitat", "culture", "alimentation", "commerce", "mobilite", "autre"];
const COMMUNES: [&str; 16] = [
    "Redon",
    "Rennes",
    "Vannes",
    "Nantes",
    "Brest",
    "Quimper",
    "Lorient",
    "Saint-Malo",
    "Lyon",
    "Grenoble",
    "Toulouse",
    "Bordeaux",
    "Lille",
    "Montpellier",
    "Strasbourg",
    "Dijon",
];
const DAY: i64 = 86_400_000;

/// A deterministic spread of `n` over `len` choices, independent of `n % territories` (so
/// that each territory gets every domain, commune and indicator, as real ones do).
fn pick(n: usize, salt: u64, len: usize) -> usize {
    let h = (n as u64 ^ salt).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((h >> 33) % len as u64) as usize
}

/// How much of each the run seeds.
struct Sizes {
    local: usize,
    followed: usize,
    subscribed: usize,
    practices: usize,
    actions: usize,
    signatories: usize,
}

impl Sizes {
    fn of(scale: f64) -> Sizes {
        let n = |full: f64, least: usize| ((full * scale).round() as usize).max(least);
        let territories = n(200.0, 4);
        let local = (territories / 10).max(1);
        let followed = (territories - local) / 2;
        Sizes {
            local,
            followed,
            subscribed: territories - local - followed,
            practices: n(50_000.0, 20),
            actions: n(10_000.0, 10),
            signatories: n(2_000.0, 4),
        }
    }

    fn territories(&self) -> usize {
        self.local + self.followed + self.subscribed
    }
}

/// An instance serving the benchmark's pages, on its own SQLite file or PostgreSQL database.
struct Server {
    state: AppState,
    base: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<AppResult<()>>,
    dir: PathBuf,
}

impl Server {
    async fn start(database_url: Option<String>) -> AppResult<Server> {
        let dir = std::env::temp_dir().join(format!("maillage-bench-{}", uuid::Uuid::new_v4()));
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(AppError::internal)?;
        let port = listener.local_addr().map_err(AppError::internal)?.port();
        let base = format!("http://localhost:{port}");
        let config = ConfigLayer {
            public_url: Some(base.clone()),
            data_dir: Some(dir.clone()),
            database_url,
            allow_private_network: Some(true),
            ..Default::default()
        }
        .resolve()
        .map_err(AppError::Internal)?;
        let app = App::init(config).await?;
        let state = app.state();
        let router = app.router();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app.serve_router(listener, router, async {
            let _ = stop_rx.await;
        }));
        Ok(Server { state, base, stop, task, dir })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Seeds the network (same data on every backend: the n-th item is the same).
async fn seed(state: &AppState, sizes: &Sizes) -> AppResult<()> {
    let store = &state.store;
    let keys = generate_rsa_keypair()?;
    let now = now_millis();
    let locals: Vec<(String, String)> =
        (0..sizes.local).map(|i| (format!("bench-{i}"), format!("Territoire local {i}"))).collect();
    let ids = store.seed_territories(&locals, &keys.public_key_pem, &keys.private_key_pem).await?;
    let follower = store
        .territory_by_slug(state.config.default_territory.as_str())
        .await?
        .ok_or_else(|| AppError::internal("the default territory"))?
        .id;
    let mut remote = vec![];
    for i in 0..sizes.followed {
        let host = format!("suivi{i}.example");
        remote.push(SeedRemoteTerritory {
            ap_id: format!("https://{host}/t/territoire"),
            name: format!("Territoire suivi {i}"),
            host,
            via_instance: None,
        });
    }
    // Ten territories per subscribed instance.
    for i in 0..sizes.subscribed {
        let host = format!("instance{}.example", i / 10);
        remote.push(SeedRemoteTerritory {
            ap_id: format!("https://{host}/t/t{i}"),
            name: format!("Territoire abonné {i}"),
            via_instance: Some(format!("https://{host}/actor")),
            host,
        });
    }
    store.seed_remote_territories(follower, &remote, &keys.public_key_pem).await?;
    // Every territory as (its id if local, its actor id).
    let origins: Vec<(Option<maillage::domain::ids::TerritoryId>, String)> = locals
        .iter()
        .zip(&ids)
        .map(|((slug, _), (id, _))| (Some(*id), state.urls.territory(slug).to_string()))
        .chain(remote.iter().map(|r| (None, r.ap_id.clone())))
        .collect();
    let signatories: Vec<SeedSignatory> = (0..sizes.signatories)
        .map(|n| SeedSignatory {
            territory_id: ids[n % ids.len()].0,
            structure: n % 3 == 0,
            name: format!("Signataire {n}"),
            commune: COMMUNES[pick(n, 1, COMMUNES.len())].to_string(),
            domain: DOMAINS[pick(n, 2, DOMAINS.len())].to_string(),
            at: now - pick(n, 3, 730) as i64 * DAY,
        })
        .collect();
    store.seed_signatories(&signatories, &ids).await?;
    let practices: Vec<SeedMeasuredPractice> = (0..sizes.practices)
        .map(|n| {
            let (territory_id, origin) = &origins[n % origins.len()];
            let r = &REFERENCE[pick(n, 4, REFERENCE.len())];
            // A plausible value: within the indicator's range, varied.
            let value = (r.min + (n % 97) as f64).min(r.max);
            SeedMeasuredPractice {
                territory_id: *territory_id,
                ap_id: format!("{origin}/pratiques/bench-{n}"),
                origin_actor: origin.clone(),
                title: format!("Pratique mesurée {n}"),
                domain: DOMAINS[pick(n, 5, DOMAINS.len())].to_string(),
                commune: COMMUNES[pick(n, 6, COMMUNES.len())].to_string(),
                dimension: r.dimension,
                indicator: (r.id.to_string(), value, r.unit.to_string(), format!("{}", 2024 + pick(n, 7, 3))),
                // Published over the last two years.
                at: now - pick(n, 8, 730) as i64 * DAY,
            }
        })
        .collect();
    store.seed_measured_practices(&practices).await?;
    let volunteers = REFERENCE
        .iter()
        .find(|r| r.id.ends_with("/volunteers") && r.dimension == Dimension::Sociale)
        .ok_or_else(|| AppError::internal("the volunteers indicator"))?;
    let actions: Vec<SeedAction> = (0..sizes.actions)
        .map(|n| {
            let (territory_id, origin) = &origins[n % origins.len()];
            SeedAction {
                territory_id: *territory_id,
                ap_id: format!("{origin}/actions/bench-{n}"),
                origin_actor: origin.clone(),
                title: format!("Action partagée {n}"),
                commune: COMMUNES[pick(n, 9, COMMUNES.len())].to_string(),
                starts_at: now - pick(n, 10, 730) as i64 * DAY,
                participants: (n % 50) as i64,
                evaluation: (n % 2 == 0).then(|| {
                    (volunteers.id.to_string(), (n % 20) as f64, volunteers.unit.to_string(), "2025".to_string())
                }),
            }
        })
        .collect();
    store.seed_actions(&actions).await?;
    Ok(())
}

/// Pages per second of `path(n)` for about `secs`, `concurrency` requests in flight on one
/// client; any answer but 200 is an error (a benchmark of error pages measures nothing).
async fn pages_per_sec(
    client: &reqwest::Client,
    base: &str,
    path: &(dyn Fn(u64) -> String + Sync),
    secs: f64,
    concurrency: usize,
) -> AppResult<f64> {
    // One page first: a warm connection and cache, and a clear error if it fails.
    fetch(client, &format!("{base}{}", path(0))).await?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(secs);
    let workers = (0..concurrency).map(|w| {
        let (done, stop) = (done.clone(), stop.clone());
        async move {
            let mut i = w as u64;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                if let Err(e) = fetch(client, &format!("{base}{}", path(i))).await {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                done.fetch_add(1, Ordering::Relaxed);
                i += concurrency as u64;
            }
            AppResult::Ok(())
        }
    });
    futures::future::try_join_all(workers).await?;
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

async fn fetch(client: &reqwest::Client, url: &str) -> AppResult<usize> {
    let res = client.get(url).send().await.map_err(AppError::internal)?;
    if !res.status().is_success() {
        return Err(AppError::Internal(format!("GET {url}: {}", res.status())));
    }
    Ok(res.bytes().await.map_err(AppError::internal)?.len())
}

/// The cases measured against the one-row page.
const CASES: [(&str, &str); 3] = [
    ("network observatory page", "/observatoire?scope=reseau"),
    ("instance observatory page", "/observatoire"),
    ("network GeoJSON export", "/observatoire.geojson?scope=reseau"),
];

async fn bench_backend(label: &str, database_url: Option<String>, opts: &ObservatoryOptions) -> AppResult<()> {
    let sizes = Sizes::of(opts.scale);
    let server = Server::start(database_url).await?;
    let result = measure(label, &server, &sizes, opts).await;
    server.stop().await;
    result
}

async fn measure(label: &str, server: &Server, sizes: &Sizes, opts: &ObservatoryOptions) -> AppResult<()> {
    let store = &server.state.store;
    let started = Instant::now();
    seed(&server.state, sizes).await?;
    let seeded = started.elapsed().as_secs_f64();
    // The figures are the background refresher's (it runs in the server): wait for it.
    let started = Instant::now();
    while store.observatory_progress(0).await?.0 > 0 {
        if started.elapsed() > Duration::from_secs(1800) {
            return Err(AppError::internal("the observatory's figures were not computed within 30 minutes"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let refreshed = started.elapsed().as_secs_f64();
    println!(
        "  {label}: {} territories, {} practices, {} actions, {} signatories seeded in {seeded:.1} s; \
         figures computed in the background in {refreshed:.1} s",
        sizes.territories(),
        sizes.practices,
        sizes.actions,
        sizes.signatories
    );
    let ids = store.local_practice_ids(1000).await?;
    if ids.is_empty() {
        return Err(AppError::internal("no local practice seeded"));
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(opts.concurrency)
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(AppError::internal)?;
    let base = server.base.as_str();
    let one_row = |n: u64| format!("/pratiques/{}", ids[(n as usize).wrapping_mul(7919) % ids.len()]);
    let network_bytes = fetch(&client, &format!("{base}{}", CASES[0].1)).await?;
    let reads_from = now_millis();
    let mut baseline = 0f64;
    let mut best = [0f64; CASES.len()];
    for _ in 0..3 {
        baseline = baseline.max(pages_per_sec(&client, base, &one_row, opts.secs, opts.concurrency).await?);
        for (i, (_, path)) in CASES.iter().enumerate() {
            let page = |_: u64| path.to_string();
            best[i] = best[i].max(pages_per_sec(&client, base, &page, opts.secs, opts.concurrency).await?);
        }
    }
    let recomputed = store.observatory_progress(reads_from).await?.1;
    println!("    one practice's page (one row)   {baseline:>9.1} pages/s   (baseline)");
    for ((name, _), per_sec) in CASES.iter().zip(best) {
        println!("    {name:<31} {per_sec:>9.1} pages/s   {:.3} × baseline", per_sec / baseline);
    }
    println!(
        "    network page: {network_bytes} bytes; origins recomputed while the pages were read: {recomputed} \
         (pages read the stored figures)"
    );
    if recomputed > 0 {
        return Err(AppError::Internal(format!("{recomputed} origins were recomputed while only pages were read")));
    }
    Ok(())
}

pub async fn run(opts: ObservatoryOptions) -> AppResult<()> {
    let sizes = Sizes::of(opts.scale);
    println!(
        "Maillage {} — observatory benchmark (scale {}: {} territories, {} practices, {} actions; {} in flight, \
         {:.1} s per figure, best of 3 interleaved rounds)",
        env!("CARGO_PKG_VERSION"),
        opts.scale,
        sizes.territories(),
        sizes.practices,
        sizes.actions,
        opts.concurrency,
        opts.secs
    );
    println!("  {}", super::machine());
    println!(
        "  territories: {} local, {} followed one by one, {} on {} instances subscribed to as a whole",
        sizes.local,
        sizes.followed,
        sizes.subscribed,
        sizes.subscribed.div_ceil(10)
    );
    let progress = crate::progress::for_command();
    progress.begin("SQLite", None);
    let result = bench_backend("SQLite", None, &opts).await;
    progress.end("SQLite");
    result?;
    if let Some(admin) = &opts.postgres {
        let (url, name) = super::ingest::fresh_postgres(admin).await?;
        progress.begin("PostgreSQL", None);
        let result = bench_backend("PostgreSQL", Some(url), &opts).await;
        progress.end("PostgreSQL");
        super::ingest::drop_postgres(admin, &name).await;
        result?;
    } else {
        println!("  PostgreSQL: skipped (give --postgres or MAILLAGE_TEST_POSTGRES)");
    }
    Ok(())
}
