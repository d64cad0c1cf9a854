//! `maillage bench practices`: the catalogue under load. Seeds a catalogue of published
//! practices (French text, domains, dimensions, tags) in SQLite and, when given, PostgreSQL,
//! then measures searches per second against a baseline measured in the same run on the same
//! database: fetching one practice by primary key, the cheapest read there is.

use std::time::Instant;

use maillage::{
    domain::{
        now_millis,
        practice::{Dimension, french_search_text},
    },
    error::AppResult,
    storage::{Store, bench_seed::SeedPractice, practices::PracticeFilter},
};

const WORDS: [&str; 24] = [
    "circuit",
    "court",
    "producteurs",
    "épicerie",
    "coopérative",
    "énergie",
    "citoyenne",
    "marché",
    "habitants",
    "fermes",
    "cantine",
    "mobilité",
    "covoiturage",
    "jardin",
    "partagé",
    "insertion",
    "emplois",
    "locaux",
    "monnaie",
    "locale",
    "recyclerie",
    "réemploi",
    "habitat",
    "participatif",
];
const DOMAINS: [&str; 8] =
    ["energie", "finance", "habitat", "culture", "alimentation", "commerce", "mobilite", "autre"];
const DIMENSIONS: [&str; 4] = ["sociale", "economique", "territoriale", "environnementale"];

/// The filter of the n-th search of a case.
type FilterFor = Box<dyn Fn(usize) -> PracticeFilter>;

/// A cheap deterministic generator: the same catalogue on every run and backend.
fn pick(seed: &mut u64, n: usize) -> usize {
    *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    ((*seed >> 33) as usize) % n
}

async fn seed(store: &Store, count: usize) -> AppResult<()> {
    let mut rng = 7_u64;
    let now = now_millis();
    let mut seeds = Vec::with_capacity(count);
    for n in 0..count {
        let words: Vec<&str> = (0..40).map(|_| WORDS[pick(&mut rng, WORDS.len())]).collect();
        let title = format!("{} {} {}", words[0], words[1], n);
        let body = words.join(" ");
        let domain = DOMAINS[pick(&mut rng, DOMAINS.len())];
        let dimension = DIMENSIONS[pick(&mut rng, DIMENSIONS.len())];
        let tag = WORDS[pick(&mut rng, WORDS.len())].replace('é', "e");
        let origin = format!("https://t{}.example/t/territoire", n % 20);
        seeds.push(SeedPractice {
            ap_id: format!("{origin}/p/{n}"),
            origin_actor: origin,
            summary: format!("{title}, en quelques mots."),
            search_text: french_search_text(&format!("{title} {title} {body} {tag}")),
            title,
            body,
            domain: domain.to_string(),
            dimension: Dimension::parse(dimension).unwrap_or(Dimension::Sociale),
            tag,
            at: now + n as i64,
        });
    }
    store.seed_practices(&seeds).await?;
    // As a running server's maintenance keeps it (the delivery worker merges a step a minute).
    store.merge_search_index_fully().await?;
    Ok(())
}

/// Operations per second of `op` over about `secs` seconds (after a warm-up call).
async fn rate<F, Fut>(secs: f64, mut op: F) -> AppResult<f64>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = AppResult<usize>>,
{
    op(0).await?;
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed().as_secs_f64() < secs {
        op(n).await?;
        n += 1;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

const FORMS: [&str; 6] = ["circuits", "producteur", "épiceries", "coopératives", "jardins partagés", "emploi local"];

fn cases() -> [(&'static str, FilterFor); 4] {
    [
        ("catalogue page 1 (50)", Box::new(|_| PracticeFilter::default())),
        (
            "word search, French forms",
            Box::new(|n| PracticeFilter { q: Some(FORMS[n % FORMS.len()].into()), ..Default::default() }),
        ),
        (
            "words + domain + dimension",
            Box::new(|n| PracticeFilter {
                q: Some(FORMS[n % FORMS.len()].into()),
                domain: Some(DOMAINS[n % DOMAINS.len()].into()),
                dimension: Some(DIMENSIONS[n % DIMENSIONS.len()].into()),
                ..Default::default()
            }),
        ),
        (
            "one territory, page 20",
            Box::new(|n| PracticeFilter {
                territory: Some(format!("https://t{}.example/t/territoire", n % 20)),
                page: Some(20),
                ..Default::default()
            }),
        ),
    ]
}

/// Seeds `count` practices and prints each case's rate as a ratio to one-row reads, each the
/// best of three interleaved rounds (the machine is shared: baseline and case side by side).
/// Returns the ratios, in the order of [`cases`].
async fn bench_backend(label: &str, url: &str, count: usize) -> AppResult<Vec<f64>> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let started = Instant::now();
    seed(&store, count).await?;
    println!("  {label}: {count} practices seeded in {:.1} s", started.elapsed().as_secs_f64());
    let ids = store.practice_ids().await?;
    let cases = cases();
    let mut base = 0f64;
    let mut best = vec![0f64; cases.len()];
    for _ in 0..3 {
        let b = rate(1.0, |n| {
            let store = store.clone();
            let id = ids[n.wrapping_mul(7919) % ids.len()];
            async move { Ok(store.practice(id).await?.map(|_| 1).unwrap_or(0)) }
        })
        .await?;
        base = base.max(b);
        for (i, (_, filter)) in cases.iter().enumerate() {
            let per_sec = rate(1.0, |n| {
                let store = store.clone();
                let f = filter(n);
                async move { Ok(store.search_practices(&f, 50).await?.len()) }
            })
            .await?;
            best[i] = best[i].max(per_sec);
        }
    }
    println!("    one practice by id            {base:>9.0} /s   (baseline)");
    for ((name, _), per_sec) in cases.iter().zip(&best) {
        println!("    {name:<29} {per_sec:>9.0} /s   {:.3} × baseline", per_sec / base);
    }
    store.close().await;
    Ok(best.iter().map(|r| r / base).collect())
}

pub async fn run(count: usize, large: bool, postgres_admin: Option<&str>) -> AppResult<()> {
    println!("Maillage {} — catalogue benchmark (searches of 50 results, one client)", env!("CARGO_PKG_VERSION"));
    println!("  {}", super::machine());
    let sizes: Vec<usize> = if large { vec![count, count * 10] } else { vec![count] };
    let progress = crate::progress::for_command();
    let mut sqlite_ratios = vec![];
    for &size in &sizes {
        let dir = std::env::temp_dir().join(format!("maillage-bench-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).map_err(maillage::error::AppError::internal)?;
        let sqlite = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
        progress.begin("SQLite", None);
        let result = bench_backend("SQLite", &sqlite, size).await;
        progress.end("SQLite");
        let _ = std::fs::remove_dir_all(&dir);
        sqlite_ratios.push(result?);
    }
    falls("SQLite", &sizes, &sqlite_ratios);
    if let Some(admin) = postgres_admin {
        let mut pg_ratios = vec![];
        for &size in &sizes {
            let (url, name) = super::ingest::fresh_postgres(admin).await?;
            progress.begin("PostgreSQL", None);
            let result = bench_backend("PostgreSQL", &url, size).await;
            progress.end("PostgreSQL");
            super::ingest::drop_postgres(admin, &name).await;
            pg_ratios.push(result?);
        }
        falls("PostgreSQL", &sizes, &pg_ratios);
    } else {
        println!("  PostgreSQL: skipped (give --postgres or MAILLAGE_TEST_POSTGRES)");
    }
    Ok(())
}

/// Prints ratio(first size) ÷ ratio(last size) per case.
fn falls(label: &str, sizes: &[usize], ratios: &[Vec<f64>]) {
    let (Some(first), Some(last)) = (ratios.first(), ratios.last()) else { return };
    if ratios.len() < 2 {
        return;
    }
    println!("  {label}: fall from {} to {} practices (ratio ÷ ratio; goal ≤ 2)", sizes[0], sizes[sizes.len() - 1]);
    for ((name, _), (a, b)) in cases().iter().zip(first.iter().zip(last)) {
        println!("    {name:<29} {:>9.2} ×", a / b);
    }
}
