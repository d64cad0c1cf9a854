//! The delivery worker's periodic pass (every minute at most, `delivery::run`): what expires,
//! what is due by the clock, and the probes of unreachable hosts.

use super::{delivery_record, http::check_target};
use crate::{domain::now_millis, state::AppState};

/// Drops unconfirmed signatures past their deadline, mails the moderation digest when one is
/// due, merges a step of the search index, probes unreachable hosts, then drops deliveries
/// past the horizon (after the probes: what waited for a host that is back goes to it).
pub async fn run(state: &AppState) {
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
    probe_unreachable(state).await;
    let cutoff = now_millis() - state.config.delivery_horizon_secs * 1000;
    match state.store.expire_deliveries(cutoff).await {
        Ok(n) if n > 0 => tracing::warn!(expired = n, "deliveries past the retry horizon given up"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "could not expire deliveries"),
    }
}

/// Asks each unreachable host not probed for `probe_interval_secs` whether a server answers
/// again; one that does gets its waiting deliveries (the worker is woken).
async fn probe_unreachable(state: &AppState) {
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
            let _ = state.store.host_alive(&h.host).await;
            state.delivery_notify.notify_one();
        }
    }
}
