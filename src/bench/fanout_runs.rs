//! What the fan-out parts of the benchmark run and print: (b) fan-out against its transport
//! and sign limits, (d) the cost of a hung host, (e) growth to 100,000 followers with the
//! server's memory, (f) two server processes sharing one PostgreSQL queue.

use super::{
    BenchOptions, cores,
    fanout::{Bed, Round},
    servers::Memory,
};
use maillage::error::{AppError, AppResult};

/// The best fan-out of a part, which later parts compare themselves with.
#[derive(Clone, Copy)]
pub struct Reference {
    secs: f64,
    followers: usize,
}

/// The best of `rounds` rounds on a fresh bed served by one process, with that process's
/// memory when idle (before the first round) and its peak at the end.
struct Best {
    round: Round,
    inboxes: usize,
    idle: Memory,
    end: Memory,
}

async fn best_of(followers: usize, hosts: usize, hung: bool, rounds: usize) -> AppResult<Best> {
    let mut bed = Bed::new(followers, hosts, hung, None).await?;
    let server = bed.server().await?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let idle = server.memory();
    let mut best: Option<Round> = None;
    for _ in 0..rounds.max(1) {
        let r = bed.round().await?;
        if best.as_ref().is_none_or(|b| r.secs < b.secs) {
            best = Some(r);
        }
    }
    let end = server.memory();
    let inboxes = bed.inboxes.len();
    server.stop().await;
    bed.close().await;
    let round = best.ok_or_else(|| AppError::internal("no round"))?;
    Ok(Best { round, inboxes, idle, end })
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn print_round(r: &Round, inboxes: usize) {
    println!("    distinct inboxes            {inboxes:>10}");
    println!("    wall time                   {:>10.2} s   (queueing the change: {:.2} s)", r.secs, r.enqueue_secs);
    println!("    deliveries/s                {:>10.0}", inboxes as f64 / r.secs);
    println!(
        "    requests ÷ distinct inboxes {:>10.3}   (bad signatures: {})",
        r.requests as f64 / inboxes as f64,
        r.bad
    );
}

/// (b): fan-out, transport limit and sign limit, interleaved, best of `rounds` each.
pub async fn limits(opts: &BenchOptions) -> AppResult<Reference> {
    let mut bed = Bed::new(opts.followers, opts.hosts, false, None).await?;
    let server = bed.server().await?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let idle = server.memory();
    let (mut best, mut transport, mut sign) = (None::<Round>, f64::MAX, 0f64);
    for _ in 0..opts.rounds.max(1) {
        let r = bed.round().await?;
        if best.as_ref().is_none_or(|b| r.secs < b.secs) {
            best = Some(r);
        }
        transport = transport.min(bed.transport().await?);
        let one_thread =
            tokio::task::spawn_blocking(|| super::raw_signs_per_sec(0.5)).await.map_err(AppError::internal)??;
        sign = sign.max(one_thread);
    }
    let end = server.memory();
    let inboxes = bed.inboxes.len();
    server.stop().await;
    bed.close().await;
    let r = best.ok_or_else(|| AppError::internal("no round"))?;
    let rate = inboxes as f64 / r.secs;
    let transport_rate = inboxes as f64 / transport;
    let sign_limit = sign * cores() as f64;
    println!(
        "(b) fan-out of one activity to {} followers over {} hosts (half with a shared inbox), one `maillage serve`",
        opts.followers, opts.hosts
    );
    println!("    process on SQLite; best of {} interleaved rounds of fan-out, transport and signing", opts.rounds);
    print_round(&r, inboxes);
    println!(
        "    transport limit             {transport_rate:>10.0} /s   (pre-signed POSTs, same client, {} at once, {} per host)",
        bed_concurrency().0,
        bed_concurrency().1
    );
    println!("    sign limit                  {sign_limit:>10.0} /s   ({sign:.0} raw signs/s × {} cores)", cores());
    println!("    fan-out ÷ min(limits)       {:>10.3}   (goal ≥ 0.7)", rate / transport_rate.min(sign_limit));
    println!("    delivery rows queued, after {:>10} → {}", r.rows_queued, r.rows_after);
    println!(
        "    server resident set         {:>10.1} MB idle (goal ≤ 30; {:.1} MB of it file pages), peak {:.1} MB",
        mb(idle.rss_kb),
        mb(idle.file_kb),
        mb(end.peak_kb)
    );
    Ok(Reference { secs: r.secs, followers: opts.followers })
}

/// The server's defaults, which the transport baseline uses too.
fn bed_concurrency() -> (usize, usize) {
    maillage::config::ConfigLayer::default()
        .resolve()
        .map(|c| (c.delivery_concurrency, c.delivery_per_host))
        .unwrap_or((16, 4))
}

async fn reference(opts: &BenchOptions, given: Option<Reference>) -> AppResult<Reference> {
    if let Some(r) = given {
        return Ok(r);
    }
    let b = best_of(opts.followers, opts.hosts, false, opts.rounds).await?;
    Ok(Reference { secs: b.round.secs, followers: opts.followers })
}

/// (d): the same fan-out with one more follower on a host that accepts connections and never
/// answers.
pub async fn hung_host(opts: &BenchOptions, given: Option<Reference>) -> AppResult<()> {
    let reference = reference(opts, given).await?;
    let d = best_of(opts.followers, opts.hosts, true, opts.rounds).await?;
    println!("(d) the same fan-out with one more host that never answers, best of {} rounds", opts.rounds);
    println!("    wall time to the others     {:>10.2} s   ((b): {:.2} s)", d.round.secs, reference.secs);
    println!(
        "    cost to the others          {:>10.1} %   (goal < 5 %)",
        100.0 * (d.round.secs / reference.secs - 1.0)
    );
    println!(
        "    requests ÷ distinct inboxes {:>10.3}   (the hung host's not counted)",
        d.round.requests as f64 / d.inboxes as f64
    );
    Ok(())
}

/// (e): growth from (b)'s size to `growth_followers` over `growth_hosts`, the delivery table
/// before and after, and the server's resident set.
pub async fn growth(opts: &BenchOptions, given: Option<Reference>) -> AppResult<()> {
    let reference = reference(opts, given).await?;
    let g = best_of(opts.growth_followers, opts.growth_hosts, false, 1).await?;
    println!(
        "(e) growth: fan-out to {} followers over {} hosts, one round, one `maillage serve` process",
        opts.growth_followers, opts.growth_hosts
    );
    print_round(&g.round, g.inboxes);
    println!(
        "    time ÷ time of (b)          {:>10.2}   for {:.0} × the followers (goal ≤ 11 for 10 ×)",
        g.round.secs / reference.secs,
        opts.growth_followers as f64 / reference.followers as f64
    );
    println!("    delivery rows queued, after {:>10} → {}", g.round.rows_queued, g.round.rows_after);
    println!(
        "    server resident set         {:>10.1} MB idle (goal ≤ 30; {:.1} MB of it file pages), peak {:.1} MB during the fan-out (goal ≤ 100)",
        mb(g.idle.rss_kb),
        mb(g.idle.file_kb),
        mb(g.end.peak_kb)
    );
    Ok(())
}

/// (f): one process, then two, delivering from one PostgreSQL queue, interleaved.
pub async fn two_processes(opts: &BenchOptions) -> AppResult<()> {
    let Some(admin) = opts.postgres.as_deref() else {
        println!("(f) two processes: skipped (pass --postgres URL or set MAILLAGE_TEST_POSTGRES)");
        return Ok(());
    };
    let mut bed = Bed::new(opts.followers, opts.hosts, false, Some(admin)).await?;
    let first = bed.server().await?;
    let (mut one, mut two): (Option<Round>, Option<Round>) = (None, None);
    for _ in 0..opts.rounds.max(1) {
        let r = bed.round().await?;
        if one.as_ref().is_none_or(|b| r.secs < b.secs) {
            one = Some(r);
        }
        let second = bed.server().await?;
        let r = bed.round().await?;
        second.stop().await;
        if two.as_ref().is_none_or(|b| r.secs < b.secs) {
            two = Some(r);
        }
    }
    first.stop().await;
    let inboxes = bed.inboxes.len();
    bed.close().await;
    let (one, two) =
        (one.ok_or_else(|| AppError::internal("no round"))?, two.ok_or_else(|| AppError::internal("no round"))?);
    println!(
        "(f) the same fan-out from one PostgreSQL queue by one, then two `maillage serve` processes, best of {}",
        opts.rounds
    );
    println!("    one process                 {:>10.2} s   {:>6.0} deliveries/s", one.secs, inboxes as f64 / one.secs);
    println!("    two processes               {:>10.2} s   {:>6.0} deliveries/s", two.secs, inboxes as f64 / two.secs);
    println!(
        "    two ÷ one                   {:>10.2}   (goal ≥ 1.6 with enough cores; {} here)",
        one.secs / two.secs,
        cores()
    );
    println!(
        "    requests ÷ distinct inboxes {:>10.3}   with two (bad signatures: {})",
        two.requests as f64 / inboxes as f64,
        two.bad
    );
    Ok(())
}
