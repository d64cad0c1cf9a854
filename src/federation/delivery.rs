//! The delivery worker over the durable queue (`storage::deliveries`).
//!
//! A pipeline: as long as slots are free (`delivery_concurrency` overall, `delivery_per_host`
//! per host), it leases due deliveries and sends each in its own task, so a slow host never
//! holds the others back. Retries back off from 5 s, ×4 each time, capped at one hour, until
//! the horizon (3 days); then the host is marked unreachable and skipped until it sends us
//! something or a probe finds it up. 410 Gone removes the follower behind that inbox; other 4xx
//! but 408/429 are not retried; 429 honours `Retry-After`.

use std::{collections::HashMap, time::Duration};

use tokio::{sync::watch, task::JoinSet, time::Instant};

use super::{
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

/// What the worker remembers of each host between deliveries, so that a fan-out does not cost
/// several database writes per request: the signature format it accepts, and when we last
/// wrote its health.
#[derive(Default)]
struct HostCache {
    inner: std::sync::Mutex<HashMap<String, HostInfo>>,
}

#[derive(Default, Clone)]
struct HostInfo {
    /// `None`: not loaded yet; `Some(None)`: no format known.
    format: Option<Option<SignatureFormat>>,
    alive_written: Option<Instant>,
    failure_written: Option<Instant>,
}

/// Health is written at most this often per host during a burst.
const HEALTH_WRITE_EVERY: Duration = Duration::from_secs(30);

impl HostCache {
    fn get(&self, host: &str) -> HostInfo {
        self.inner.lock().map(|m| m.get(host).cloned().unwrap_or_default()).unwrap_or_default()
    }

    fn update(&self, host: &str, f: impl FnOnce(&mut HostInfo)) {
        if let Ok(mut m) = self.inner.lock() {
            f(m.entry(host.to_string()).or_default());
        }
    }
}

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let global = state.config.delivery_concurrency;
    let per_host = state.config.delivery_per_host;
    // The lease outlasts a send with one double-knock retry (2 × 10 s timeouts) by default.
    let lease_ms = state.config.delivery_lease_secs * 1000;
    // Longest sleep between queue polls (other processes may have queued work).
    let max_idle = Duration::from_millis(state.config.delivery_poll_ms);
    let hosts = std::sync::Arc::new(HostCache::default());
    let mut tasks: JoinSet<String> = JoinSet::new();
    let (recorder, recording) = Recorder::start(state.clone());
    // Set by any send; the delivered rows are pruned when the queue next drains.
    let mut prune_when_idle = false;
    // Per host: deliveries in flight plus those waiting in `ready`.
    let mut by_host: HashMap<String, usize> = HashMap::new();
    let mut in_flight: HashMap<String, usize> = HashMap::new();
    let mut ready: std::collections::VecDeque<DueDelivery> = std::collections::VecDeque::new();
    let mut next_maintenance = Instant::now();
    loop {
        if *shutdown.borrow() {
            break;
        }
        if Instant::now() >= next_maintenance {
            maintenance(&state).await;
            next_maintenance =
                Instant::now() + MAINTENANCE_EVERY.min(Duration::from_secs(state.config.probe_interval_secs));
        }
        // Refill the local buffer in batches: one claim (a scan of the queue) per many sends.
        // Hosts that already have `per_host` deliveries here are left for later, so nothing
        // waits in the buffer long enough for its lease to run out.
        let mut claimed_nothing = false;
        if ready.len() < global {
            let want = (global * 4).saturating_sub(ready.len()) as i64;
            let saturated: Vec<String> =
                by_host.iter().filter(|(_, n)| **n >= per_host).map(|(h, _)| h.clone()).collect();
            match state.store.claim_due_deliveries(want, per_host as i64, lease_ms, &saturated).await {
                Ok(batch) => {
                    claimed_nothing = batch.is_empty();
                    for d in batch {
                        *by_host.entry(d.host.clone()).or_default() += 1;
                        ready.push_back(d);
                    }
                }
                Err(e) => {
                    claimed_nothing = true;
                    tracing::error!(error = %e, "delivery queue unavailable");
                }
            }
        }
        // Start what the limits allow, oldest first.
        let mut i = 0;
        while tasks.len() < global && i < ready.len() {
            if in_flight.get(&ready[i].host).copied().unwrap_or(0) >= per_host {
                i += 1;
                continue;
            }
            let Some(d) = ready.remove(i) else { break };
            *in_flight.entry(d.host.clone()).or_default() += 1;
            let (state, hosts, recorder) = (state.clone(), hosts.clone(), recorder.clone());
            prune_when_idle = true;
            tasks.spawn(async move {
                let host = d.host.clone();
                process(&state, &hosts, &recorder, d).await;
                host
            });
        }
        let idle = if claimed_nothing && ready.is_empty() {
            if prune_when_idle && tasks.is_empty() {
                // The queue has drained: delivered rows past their keeping time go now rather
                // than at the next maintenance pass.
                prune_when_idle = false;
                delivery_record::prune(&state).await;
            }
            match state.store.next_delivery_at().await {
                Ok(Some(at)) => {
                    Duration::from_millis((at - now_millis()).clamp(10, max_idle.as_millis() as i64) as u64)
                }
                _ => max_idle,
            }
        } else if tasks.len() < global && !claimed_nothing {
            // More may be due right away.
            continue;
        } else {
            max_idle
        };
        tokio::select! {
            Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                if let Ok(host) = done {
                    for map in [&mut by_host, &mut in_flight] {
                        if let Some(n) = map.get_mut(&host) {
                            *n = n.saturating_sub(1);
                            if *n == 0 {
                                map.remove(&host);
                            }
                        }
                    }
                }
            }
            _ = state.delivery_notify.notified() => {
                // Changes committed in the next few milliseconds are claimed with this one: a
                // burst of follows queues an `Accept` each, and a claim per commit would take
                // the database's write turn as often as the inbox does (issue 14).
                tokio::time::sleep(CLAIM_COALESCE).await;
            }
            _ = tokio::time::sleep(idle) => {}
            _ = shutdown.changed() => {}
        }
    }
    // Let sends in flight finish (they are short: 10 s timeout); the rest keep their lease
    // and are retried by the next process to start. Deliveries still in the buffer are given
    // back at once.
    for d in ready {
        let _ = state.store.release_delivery(d.id).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(12), async { while tasks.join_next().await.is_some() {} }).await;
    tasks.abort_all();
    drop(recorder);
    let _ = recording.await;
    tracing::debug!("delivery worker stopped");
}

/// Sends one delivery and records its outcome (a success through the recorder, with others).
async fn process(state: &AppState, hosts: &HostCache, recorder: &Recorder, d: DueDelivery) {
    let started = std::time::Instant::now();
    let outcome = match send(state, hosts, &d).await {
        Ok(o) => o,
        Err(e) => Outcome::GiveUp { status: None, error: e.to_string() },
    };
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
            if due(info.alive_written) {
                // Not `?`: the success must still be recorded when host bookkeeping fails.
                match store.host_alive(&d.host, true).await {
                    Ok(_) => hosts.update(&d.host, |h| h.alive_written = Some(Instant::now())),
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
            state.store.set_signature_format(&d.host, first.other().as_str()).await?;
            hosts.update(&d.host, |h| h.format = Some(Some(first.other())));
        }
        return Ok(second);
    }
    if known.is_none() && matches!(outcome, Outcome::Done(_)) {
        state.store.set_signature_format(&d.host, first.as_str()).await?;
        hosts.update(&d.host, |h| h.format = Some(Some(first)));
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

/// Drops deliveries past the horizon and unconfirmed signatures past their deadline, mails
/// the moderation digest when one is due, merges a step of the search index, and probes
/// unreachable hosts.
async fn maintenance(state: &AppState) {
    match state.store.expire_unconfirmed().await {
        Ok(n) if n > 0 => tracing::info!(expired = n, "unconfirmed signatures dropped"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not expire unconfirmed signatures"),
    }
    match crate::processing::moderation::digest_if_due(state).await {
        Ok(true) => tracing::info!("moderation digest mailed"),
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "could not send the moderation digest"),
    }
    delivery_record::prune(state).await;
    // A bounded step of merging the catalogue's full-text index (SQLite), so searches stay
    // fast as practices arrive one at a time (`storage::practice_search`).
    if let Err(e) = state.store.merge_search_index().await {
        tracing::error!(error = %e, "could not merge the full-text index");
    }
    let cutoff = now_millis() - state.config.delivery_horizon_secs * 1000;
    match state.store.expire_deliveries(cutoff).await {
        Ok(n) if n > 0 => tracing::warn!(expired = n, "deliveries past the retry horizon given up"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not expire deliveries"),
    }
    let hosts = match state.store.unreachable_hosts().await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "could not list unreachable hosts");
            return;
        }
    };
    let interval_ms = state.config.probe_interval_secs as i64 * 1000;
    for h in hosts {
        if h.last_probe_at.is_some_and(|t| now_millis() - t < interval_ms) {
            continue;
        }
        let _ = state.store.probe_done(&h.host).await;
        let scheme = if state.config.allow_private_network { "http" } else { "https" };
        let Ok(url) = url::Url::parse(&format!("{scheme}://{}/.well-known/nodeinfo", h.host)) else { continue };
        if check_target(&url, state.config.allow_private_network).is_err() {
            continue;
        }
        // Any HTTP answer below 500 means a server is there again.
        if let Ok(res) = state.http.get(url).send().await
            && res.status().as_u16() < 500
        {
            tracing::info!(host = %h.host, "probe: host is reachable again");
            let _ = state.store.host_alive(&h.host, false).await;
            state.delivery_notify.notify_one();
        }
    }
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
