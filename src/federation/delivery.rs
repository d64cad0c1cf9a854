//! The delivery worker: takes due rows of the durable queue, signs and POSTs them, and records
//! the outcome. Retries back off exponentially from 5 s, capped at one hour between tries, until
//! the configured horizon (3 days by default).

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::watch;

use super::{http::check_target, signatures::sign_cavage};
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
    state::AppState,
    storage::deliveries::DueDelivery,
};

/// How long a claimed delivery stays ours before another worker may take it again.
const LEASE_MS: i64 = 60_000;
/// Longest sleep between queue polls (other processes may have queued work).
const MAX_IDLE: Duration = Duration::from_secs(2);

/// Delay before retry number `attempts` (1 = first retry): 5 s, 20 s, 80 s… capped at 1 h.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = (2 * (attempts.max(1) - 1)).min(20) as u32;
    (5_000i64.saturating_mul(1i64 << exp)).min(3_600_000)
}

/// Outcome of one try.
#[derive(Debug)]
enum Outcome {
    Done(u16),
    Retry { status: Option<u16>, error: String, not_before_ms: Option<i64> },
    GiveUp { status: Option<u16>, error: String },
}

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    tracing::debug!("delivery worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        match state.store.claim_due_deliveries(state.config.delivery_concurrency as i64 * 4, LEASE_MS).await {
            Ok(batch) if !batch.is_empty() => {
                futures::stream::iter(batch)
                    .for_each_concurrent(state.config.delivery_concurrency, |d| {
                        let state = state.clone();
                        async move { process(&state, d).await }
                    })
                    .await;
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "delivery queue unavailable"),
        }
        let idle = match state.store.next_delivery_at().await {
            Ok(Some(at)) => Duration::from_millis((at - now_millis()).clamp(10, MAX_IDLE.as_millis() as i64) as u64),
            _ => MAX_IDLE,
        };
        tokio::select! {
            _ = state.delivery_notify.notified() => {}
            _ = tokio::time::sleep(idle) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::debug!("delivery worker stopped");
}

async fn process(state: &AppState, d: DueDelivery) {
    let outcome = match send(state, &d).await {
        Ok(o) => o,
        Err(e) => Outcome::GiveUp { status: None, error: e.to_string() },
    };
    let result = match outcome {
        Outcome::Done(status) => {
            tracing::debug!(inbox = %d.inbox, status, "delivered");
            state.store.delivery_succeeded(d.id, status).await
        }
        Outcome::GiveUp { status, error } => {
            tracing::warn!(inbox = %d.inbox, ?status, %error, "delivery failed for good");
            state.store.delivery_failed(d.id, status, &error, None).await
        }
        Outcome::Retry { status, error, not_before_ms } => {
            let now = now_millis();
            let at = now + backoff_ms(d.attempts + 1).max(not_before_ms.unwrap_or(0));
            let horizon = d.created_at + state.config.delivery_horizon_secs * 1000;
            if at > horizon {
                tracing::warn!(inbox = %d.inbox, ?status, %error, "delivery abandoned after retry horizon");
                state.store.delivery_failed(d.id, status, &error, None).await
            } else {
                tracing::info!(inbox = %d.inbox, ?status, %error, retry_in_ms = at - now, "delivery will be retried");
                state.store.delivery_failed(d.id, status, &error, Some(at)).await
            }
        }
    };
    if let Err(e) = result {
        // The lease expires and the delivery is tried again: at least once, never lost.
        tracing::error!(error = %e, delivery = d.id, "could not record delivery outcome");
    }
}

async fn send(state: &AppState, d: &DueDelivery) -> AppResult<Outcome> {
    let url = url::Url::parse(&d.inbox).map_err(|_| AppError::BadRequest("bad inbox URL".into()))?;
    check_target(&url, state.config.allow_private_network)?;
    let (key_id, signer) = state.signer_for(d.territory_id).await?;
    let body = d.activity_json.clone().into_bytes();
    let headers = sign_cavage(&http::Method::POST, &url, Some(&body), &key_id, &signer)?;
    let mut req = state
        .http
        .post(url)
        .header(http::header::CONTENT_TYPE, "application/activity+json")
        .header(http::header::ACCEPT, "application/activity+json");
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let res = match req.body(body).send().await {
        Ok(r) => r,
        Err(e) => {
            return Ok(Outcome::Retry { status: None, error: e.to_string(), not_before_ms: None });
        }
    };
    let status = res.status();
    let code = status.as_u16();
    if status.is_success() {
        return Ok(Outcome::Done(code));
    }
    let retry_after_ms = res
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|s| s.clamp(0, 86_400) * 1000);
    let text: String = res.text().await.unwrap_or_default().chars().take(200).collect();
    let error = format!("HTTP {code}: {text}");
    // 4xx means the request itself is refused and will be again, except timeouts and rate limits.
    Ok(if status.is_client_error() && code != 408 && code != 429 {
        Outcome::GiveUp { status: Some(code), error }
    } else {
        Outcome::Retry { status: Some(code), error, not_before_ms: retry_after_ms }
    })
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(3), 80_000);
        assert_eq!(backoff_ms(10), 3_600_000);
        assert_eq!(backoff_ms(1000), 3_600_000);
    }
}
