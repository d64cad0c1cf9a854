//! The delivery worker over the durable queue (`storage::deliveries`).
//!
//! A pipeline: as long as slots are free (`delivery_concurrency` overall, `delivery_per_host`
//! per host), it leases due deliveries and sends each in its own task, so a slow host never
//! holds the others back. Retries back off from 5 s, ×4 each time, capped at one hour, until
//! the horizon (3 days); then the host is marked unreachable and skipped until it sends us
//! something or a probe finds it up. 410 Gone removes the follower behind that inbox; other 4xx
//! but 408/429 are not retried; 429 honours `Retry-After`.

use std::{collections::HashMap, time::Duration};

use tokio::{
    sync::{mpsc, watch},
    task::JoinSet,
    time::Instant,
};

use super::{
    delivery_hosts::{HEALTH_WRITE_EVERY, HostCache},
    delivery_maintenance,
    delivery_record::{self, Recorder},
    http::check_target,
    signatures::SignatureFormat,
};
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
    state::AppState,
    storage::deliveries::DueDelivery,
};

/// How often expired deliveries are dropped and unreachable hosts probed.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(60);

/// How long the worker, woken by a commit that queued something, waits for more before it
/// claims (see `run`).
const CLAIM_COALESCE: Duration = Duration::from_millis(5);

/// Rounds of `delivery_per_host` sends a host may have waiting in the worker's buffer.
const BUFFERED_ROUNDS: usize = 4;

/// Delivered rows are pruned when the queue drains, at most this often.
const PRUNE_AFTER_DRAIN: Duration = Duration::from_secs(1);

/// Delay before retry number `attempts` (1 = first retry): `base`, then ×4 each time (5 s,
/// 20 s, 80 s… by default), capped at one hour.
pub fn backoff_ms(base: i64, attempts: i64) -> i64 {
    let exp = (2 * (attempts.max(1) - 1)).min(40) as u32;
    base.saturating_mul(1i64 << exp).min(3_600_000)
}

#[derive(Debug)]
enum Outcome {
    Done(u16),
    Retry { status: Option<u16>, error: String, not_before_ms: Option<i64> },
    GiveUp { status: Option<u16>, error: String },
    Gone,
}

/// A delivery in the worker's buffer, and whether a change handed it over (`handoff`) rather
/// than a claim.
struct Waiting {
    d: DueDelivery,
    handed: bool,
}

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let global = state.config.delivery_concurrency;
    let per_host = state.config.delivery_per_host;
    // Deliveries of one host held here, in flight or waiting: a claim takes a host's next few
    // rounds at once rather than one claim (a write) per `per_host` sends (issue 14: a burst of
    // follows from one server queues its `Accept`s to one host).
    let buffered = per_host * BUFFERED_ROUNDS;
    // The lease outlasts a send with one double-knock retry (2 × 10 s timeouts) by default.
    let lease_ms = state.config.delivery_lease_secs * 1000;
    // Longest sleep between queue polls (other processes may have queued work).
    let max_idle = Duration::from_millis(state.config.delivery_poll_ms);
    let hosts = std::sync::Arc::new(HostCache::default());
    let mut tasks: JoinSet<()> = JoinSet::new();
    // Hosts whose send is over (`HostSlot`).
    let (freed_tx, mut freed) = mpsc::unbounded_channel::<String>();
    let (recorder, recording) = Recorder::start(state.clone());
    let mut handed = state.handoff.open(global * 4);
    // Set by any send; the delivered rows are pruned when the queue next drains.
    let mut prune_when_idle = false;
    // Per host: deliveries in flight plus those waiting in `ready`.
    let mut by_host: HashMap<String, usize> = HashMap::new();
    let mut in_flight: HashMap<String, usize> = HashMap::new();
    let mut ready: std::collections::VecDeque<Waiting> = std::collections::VecDeque::new();
    let mut next_maintenance = Instant::now();
    // Whether the queue may hold due deliveries no claim has taken: after a wake-up, or when the
    // last claim was cut short by its page size or a host's cap. A claim that took everything
    // due is not repeated after each send (it is a write, in SQLite's one writer's turn).
    let mut maybe_due = true;
    let mut held_back: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut last_prune = Instant::now() - PRUNE_AFTER_DRAIN;
    let mut behind_in_hand = false;
    // Whether the last wake-up was a change queueing deliveries it could not hand over.
    let mut notified = false;
    loop {
        if *shutdown.borrow() {
            break;
        }
        if Instant::now() >= next_maintenance {
            delivery_maintenance::run(&state).await;
            next_maintenance =
                Instant::now() + MAINTENANCE_EVERY.min(Duration::from_secs(state.config.probe_interval_secs));
        }
        // Refill the local buffer in batches: one claim (a scan of the queue) per many sends.
        // Hosts that already have `buffered` deliveries here are left for later; what waits
        // here longer than half its lease renews it before it goes (`keep_lease`).
        let mut claimed = None;
        // Deliveries here that wait for their host's slots do not count as work at hand.
        let startable = ready.iter().filter(|w| in_flight.get(&w.d.host).copied().unwrap_or(0) < per_host).count();
        let want = (global * BUFFERED_ROUNDS).saturating_sub(ready.len()) as i64;
        if maybe_due && startable < global && want > 0 {
            let saturated: Vec<String> =
                by_host.iter().filter(|(_, n)| **n >= buffered).map(|(h, _)| h.clone()).collect();
            state.metrics.delivery_claims.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match state.store.claim_due_deliveries(want, buffered as i64, lease_ms, &saturated).await {
                Ok(batch) => {
                    claimed = Some(batch.len());
                    maybe_due = batch.len() as i64 >= want;
                    for d in batch {
                        *by_host.entry(d.host.clone()).or_default() += 1;
                        ready.push_back(Waiting { d, handed: false });
                    }
                    // Hosts skipped, or capped by this claim, may have more due than they were
                    // given: claimed again when one of their slots frees.
                    held_back = by_host.iter().filter(|(_, n)| **n >= buffered).map(|(h, _)| h.clone()).collect();
                    // What waits behind a delivery in hand (same object, same inbox) is due when
                    // that one is done: claimed again after the next send, if something was
                    // queued since (`notified`) or this claim found some (more may follow it).
                    behind_in_hand = !by_host.is_empty() && !maybe_due && (notified || claimed > Some(0));
                }
                Err(e) => {
                    claimed = Some(0);
                    tracing::error!(error = %e, "delivery queue unavailable");
                }
            }
        }
        let claimed_nothing = claimed == Some(0);
        if claimed.is_some() {
            notified = false;
        }
        // Start what the limits allow, oldest first.
        let mut i = 0;
        while tasks.len() < global && i < ready.len() {
            if in_flight.get(&ready[i].d.host).copied().unwrap_or(0) >= per_host {
                i += 1;
                continue;
            }
            let Some(mut w) = ready.remove(i) else { break };
            if w.handed {
                state.handoff.started();
                state.metrics.deliveries_handed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            if !keep_lease(&state, &mut w.d, lease_ms).await {
                forget_one(&mut by_host, &w.d.host);
                continue;
            }
            *in_flight.entry(w.d.host.clone()).or_default() += 1;
            let (state, hosts, recorder) = (state.clone(), hosts.clone(), recorder.clone());
            let slot = HostSlot { host: w.d.host.clone(), freed: freed_tx.clone() };
            prune_when_idle = true;
            tasks.spawn(async move { process(&state, &hosts, &recorder, w.d, slot).await });
        }
        let drained = ready.is_empty() && tasks.is_empty();
        if drained && prune_when_idle && (claimed_nothing || !maybe_due) && last_prune.elapsed() >= PRUNE_AFTER_DRAIN {
            // The queue has drained: delivered rows past their keeping time go now rather
            // than at the next maintenance pass (not more often than this: a burst of follows
            // drains the queue after each `Accept`, and a prune is a write).
            prune_when_idle = false;
            last_prune = Instant::now();
            delivery_record::prune(&state).await;
        }
        let idle = if claimed_nothing && ready.is_empty() {
            match state.store.next_delivery_at().await {
                Ok(Some(at)) => until(at, max_idle),
                _ => max_idle,
            }
        } else if maybe_due && tasks.len() < global && claimed.is_some_and(|n| n > 0) {
            // More may be due right away.
            continue;
        } else {
            // Nothing known due: wake for this worker's own earliest retry, or poll (other
            // processes may have queued work without telling this one).
            hosts.earliest_retry().map_or(max_idle, |at| until(at, max_idle))
        }
        .min(next_maintenance.saturating_duration_since(Instant::now()));
        tokio::select! {
            Some(host) = freed.recv() => {
                for host in std::iter::once(host).chain(std::iter::from_fn(|| freed.try_recv().ok())) {
                    forget_one(&mut by_host, &host);
                    forget_one(&mut in_flight, &host);
                    if by_host.get(&host).copied().unwrap_or(0) < buffered && held_back.remove(&host) {
                        maybe_due = true;
                    }
                }
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {
                // Its outcome is written: what waited behind it may be due.
                maybe_due |= std::mem::take(&mut behind_in_hand);
            }
            Some(d) = handed.recv() => {
                for d in std::iter::once(d).chain(std::iter::from_fn(|| handed.try_recv().ok())) {
                    *by_host.entry(d.host.clone()).or_default() += 1;
                    ready.push_back(Waiting { d, handed: true });
                }
            }
            _ = state.delivery_notify.notified() => {
                // Changes committed in the next few milliseconds are claimed with this one: a
                // burst of follows queues an `Accept` each, and a claim per commit would take
                // the database's write turn as often as the inbox does (issue 14).
                tokio::time::sleep(CLAIM_COALESCE).await;
                maybe_due = true;
                notified = true;
            }
            _ = tokio::time::sleep(idle) => {
                maybe_due = true;
                hosts.retry_reached();
            }
            _ = shutdown.changed() => {}
        }
    }
    // Let sends in flight finish (they are short: 10 s timeout); the rest keep their lease
    // and are retried by the next process to start. Deliveries still in the buffer, and those
    // handed over meanwhile, are given back at once.
    state.handoff.close();
    while let Ok(d) = handed.try_recv() {
        ready.push_back(Waiting { d, handed: true });
    }
    for w in ready {
        let _ = state.store.release_delivery(w.d.id).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(12), async { while tasks.join_next().await.is_some() {} }).await;
    tasks.abort_all();
    drop(recorder);
    let _ = recording.await;
    tracing::debug!("delivery worker stopped");
}

/// A delivery's place among its host's `delivery_per_host` sends, given back to the worker
/// when dropped (whatever ends the send: its answer, an error, a panic).
struct HostSlot {
    host: String,
    freed: mpsc::UnboundedSender<String>,
}

impl Drop for HostSlot {
    fn drop(&mut self) {
        let _ = self.freed.send(std::mem::take(&mut self.host));
    }
}

/// Time from now to `at` (ms since the epoch), between 10 ms and `max_idle`.
fn until(at: i64, max_idle: Duration) -> Duration {
    Duration::from_millis((at - now_millis()).clamp(10, max_idle.as_millis() as i64) as u64)
}

fn forget_one(counts: &mut HashMap<String, usize>, host: &str) {
    if let Some(n) = counts.get_mut(host) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            counts.remove(host);
        }
    }
}

/// A delivery that waited in the buffer until less than half its lease is left (a slow host
/// held its slots) gets a fresh lease before it is sent; if the lease ran out and another claim
/// took it meanwhile, it is not sent from here (false). Exactly once per lease holder.
async fn keep_lease(state: &AppState, d: &mut DueDelivery, lease_ms: i64) -> bool {
    let now = now_millis();
    if d.leased_until - now >= lease_ms / 2 {
        return true;
    }
    match state.store.renew_lease(d.id, d.leased_until, now + lease_ms).await {
        Ok(true) => {
            d.leased_until = now + lease_ms;
            true
        }
        Ok(false) => {
            tracing::info!(delivery = d.id, "lease ran out while waiting: left to whoever holds it now");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, delivery = d.id, "could not renew a delivery's lease: left to the claims");
            false
        }
    }
}

/// Sends one delivery and records its outcome (a success through the recorder, with others).
/// Its host's slot is given back as soon as the exchange with the host is over, before the
/// outcome is written: the per-host limit spares the remote server, and waiting for our own
/// database's write turn (SQLite's one writer, busy with an inbox burst) held a host's slots
/// idle (issue 14). The task keeps its global slot until the outcome is written, so no more
/// than `delivery_concurrency` deliveries are ever sent and not recorded.
async fn process(state: &AppState, hosts: &HostCache, recorder: &Recorder, d: DueDelivery, slot: HostSlot) {
    let started = std::time::Instant::now();
    let outcome = match send(state, hosts, &d).await {
        Ok(o) => o,
        Err(e) => Outcome::GiveUp { status: None, error: e.to_string() },
    };
    drop(slot);
    state.metrics.delivery_latency.observe(started.elapsed());
    match record(state, hosts, &d, outcome).await {
        Ok(Some((id, status))) => recorder.succeeded(id, status).await,
        Ok(None) => {}
        Err(e) => {
            // The lease expires and the delivery is tried again: at least once, never lost.
            tracing::error!(error = %e, delivery = d.id, "could not record delivery outcome");
        }
    }
}

/// Records a failure or a refusal; a success is returned for the recorder to write.
async fn record(
    state: &AppState,
    hosts: &HostCache,
    d: &DueDelivery,
    outcome: Outcome,
) -> AppResult<Option<(i64, u16)>> {
    let store = &state.store;
    let due = |t: Option<Instant>| t.is_none_or(|t| t.elapsed() >= HEALTH_WRITE_EVERY);
    let info = hosts.get(&d.host);
    match outcome {
        Outcome::Done(status) => {
            state.metrics.delivery("success");
            tracing::debug!(inbox = %d.inbox, status, "delivered");
            if due(info.alive_written) || info.format_unsaved {
                // One write per host for its health and the format it took (a fan-out to new
                // hosts); not `?`: the success must still be recorded when this fails.
                let format = info.format.flatten().filter(|_| info.format_unsaved).map(|f| f.as_str());
                match store.host_delivered(&d.host, format).await {
                    Ok(()) => hosts.update(&d.host, |h| {
                        h.alive_written = Some(Instant::now());
                        h.format_unsaved = false;
                    }),
                    Err(e) => tracing::error!(error = %e, host = %d.host, "could not record host health"),
                }
            }
            return Ok(Some((d.id, status)));
        }
        Outcome::Gone => {
            state.metrics.delivery("gone");
            let removed = store.delete_remote_actors_with_inbox(&d.inbox).await?;
            tracing::info!(inbox = %d.inbox, removed, "inbox is gone (410): its actor is forgotten");
            store.delivery_failed(d.id, Some(410), "gone", None).await?;
        }
        Outcome::GiveUp { status, error } => {
            state.metrics.delivery("failed");
            tracing::warn!(inbox = %d.inbox, ?status, %error, "delivery refused, not retried");
            store.delivery_failed(d.id, status, &error, None).await?;
            if due(info.failure_written) {
                store.host_failed(&d.host, &error).await?;
                hosts.update(&d.host, |h| h.failure_written = Some(Instant::now()));
            }
        }
        Outcome::Retry { status, error, not_before_ms } => {
            if due(info.failure_written) {
                store.host_failed(&d.host, &error).await?;
                hosts.update(&d.host, |h| h.failure_written = Some(Instant::now()));
            }
            let now = now_millis();
            let at = now + backoff_ms(state.config.delivery_backoff_ms, d.attempts + 1).max(not_before_ms.unwrap_or(0));
            if at > d.created_at + state.config.delivery_horizon_secs * 1000 {
                state.metrics.delivery("failed");
                tracing::warn!(host = %d.host, ?status, %error, "retry horizon passed: host marked unreachable");
                store.delivery_failed(d.id, status, &error, None).await?;
                store.mark_unreachable(&d.host).await?;
                hosts.update(&d.host, |h| h.alive_written = None);
            } else {
                state.metrics.delivery("retry");
                tracing::info!(inbox = %d.inbox, ?status, %error, retry_in_ms = at - now, "delivery will be retried");
                store.delivery_failed(d.id, status, &error, Some(at)).await?;
                hosts.retry_at(at);
            }
        }
    }
    Ok(None)
}

/// Sends once in the format this host is known to accept; on 401 or 400, knocks again with
/// the other format and remembers the one that worked.
async fn send(state: &AppState, hosts: &HostCache, d: &DueDelivery) -> AppResult<Outcome> {
    let url = url::Url::parse(&d.inbox).map_err(|_| AppError::BadRequest("bad inbox URL".into()))?;
    check_target(&url, state.config.allow_private_network)?;
    if state.is_blocked(&d.host).await? {
        state.metrics.delivery("skipped");
        return Ok(Outcome::GiveUp { status: None, error: "domain blocked".into() });
    }
    let known = match hosts.get(&d.host).format {
        Some(f) => f,
        None => {
            let stored = state.store.host(&d.host).await?.and_then(|h| h.signature_format);
            let f = stored.and_then(|f| SignatureFormat::parse(&f));
            hosts.update(&d.host, |h| h.format = Some(f));
            f
        }
    };
    let first = known.unwrap_or(SignatureFormat::Cavage);
    let outcome = post(state, d, &url, first).await?;
    let refused = matches!(&outcome, Outcome::GiveUp { status: Some(400 | 401), .. });
    if refused && known.is_none() {
        let second = post(state, d, &url, first.other()).await?;
        if matches!(second, Outcome::Done(_)) {
            tracing::info!(host = %d.host, format = first.other().as_str(), "host accepts the other signature format");
            hosts.update(&d.host, |h| {
                h.format = Some(Some(first.other()));
                h.format_unsaved = true;
            });
        }
        return Ok(second);
    }
    if known.is_none() && matches!(outcome, Outcome::Done(_)) {
        hosts.update(&d.host, |h| {
            h.format = Some(Some(first));
            h.format_unsaved = true;
        });
    }
    Ok(outcome)
}

async fn post(state: &AppState, d: &DueDelivery, url: &url::Url, format: SignatureFormat) -> AppResult<Outcome> {
    let (key_id, signer) = state.signer_for(d.signer()).await?;
    let body = bytes::Bytes::from(d.activity_json.clone().into_bytes());
    let (to, signed) = (url.clone(), body.clone());
    let headers =
        state.sign_pool.run(move || format.sign(&http::Method::POST, &to, Some(&signed), &key_id, &signer)).await??;
    let mut req = state
        .http
        .post(url.clone())
        .header(http::header::CONTENT_TYPE, "application/activity+json")
        .header(http::header::ACCEPT, "application/activity+json");
    for (k, v) in headers {
        req = req.header(k, v);
    }
    if format == SignatureFormat::Cavage {
        // Servers that verify RFC 9421 only (or check both) find the RFC 9530 digest too.
        req = req.header("content-digest", super::rfc9421::content_digest(&body));
    }
    let res = match req.body(body).send().await {
        Ok(r) => r,
        Err(e) => return Ok(Outcome::Retry { status: None, error: e.to_string(), not_before_ms: None }),
    };
    let status = res.status();
    let code = status.as_u16();
    if status.is_success() {
        return Ok(Outcome::Done(code));
    }
    if code == 410 {
        return Ok(Outcome::Gone);
    }
    let retry_after_ms = res
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
        .map(|s| s.clamp(0, 86_400) * 1000);
    // Bounded: a hostile inbox answering with an endless body must not hold the worker.
    let body = super::http::read_limited(res, super::http::MAX_ERROR_BODY).await;
    let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
    let error = format!("HTTP {code}: {text}");
    Ok(if status.is_client_error() && code != 408 && code != 429 {
        Outcome::GiveUp { status: Some(code), error }
    } else {
        Outcome::Retry { status: Some(code), error, not_before_ms: retry_after_ms }
    })
}

/// `Retry-After` as seconds: either a number or an HTTP date.
fn parse_retry_after(v: &str) -> Option<i64> {
    if let Ok(n) = v.trim().parse::<i64>() {
        return Some(n);
    }
    let at = httpdate::parse_http_date(v.trim()).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).map(|d| d.as_secs() as i64).unwrap_or(0))
}

/// `host[:port]` of an inbox URL: the queue's own, so that what is grouped by host here is
/// what the queue recorded.
pub use crate::storage::deliveries::inbox_host;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff_ms(5_000, 1), 5_000);
        assert_eq!(backoff_ms(5_000, 2), 20_000);
        assert_eq!(backoff_ms(5_000, 3), 80_000);
        assert_eq!(backoff_ms(5_000, 10), 3_600_000);
        assert_eq!(backoff_ms(5_000, 1000), 3_600_000);
        assert_eq!(backoff_ms(100, 2), 400);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120"), Some(120));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
