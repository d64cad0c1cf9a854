//! What the delivery worker remembers between deliveries, in memory: per host, the signature
//! format it accepts and when its health was last written; and the earliest retry the worker
//! scheduled. A fan-out then costs no database read or write per request for them (issue 14).

use std::{
    collections::HashMap,
    sync::atomic::{AtomicI64, Ordering},
    time::Duration,
};

use tokio::time::Instant;

use super::signatures::SignatureFormat;
use crate::domain::now_millis;

/// What the worker remembers of each host between deliveries, so that a fan-out does not cost
/// several database writes per request: the signature format it accepts, and when we last
/// wrote its health.
pub struct HostCache {
    inner: std::sync::Mutex<HashMap<String, HostInfo>>,
    /// The earliest retry this worker scheduled since it last woke for one (ms since the
    /// epoch; `i64::MAX`: none), so that it sleeps until then without asking the queue.
    earliest_retry: AtomicI64,
}

impl Default for HostCache {
    fn default() -> Self {
        HostCache { inner: Default::default(), earliest_retry: AtomicI64::new(i64::MAX) }
    }
}

#[derive(Default, Clone)]
pub struct HostInfo {
    /// `None`: not loaded yet; `Some(None)`: no format known.
    pub format: Option<Option<SignatureFormat>>,
    /// A format learned by a send and not written yet: it goes with the host's health, in the
    /// same write (`Store::host_delivered`).
    pub format_unsaved: bool,
    pub alive_written: Option<Instant>,
    pub failure_written: Option<Instant>,
}

/// Health is written at most this often per host during a burst.
pub const HEALTH_WRITE_EVERY: Duration = Duration::from_secs(30);

impl HostCache {
    pub fn get(&self, host: &str) -> HostInfo {
        self.inner.lock().map(|m| m.get(host).cloned().unwrap_or_default()).unwrap_or_default()
    }

    pub fn retry_at(&self, at: i64) {
        self.earliest_retry.fetch_min(at, Ordering::Relaxed);
    }

    pub fn earliest_retry(&self) -> Option<i64> {
        Some(self.earliest_retry.load(Ordering::Relaxed)).filter(|at| *at < i64::MAX)
    }

    /// The worker woke: what was due is claimed now.
    pub fn retry_reached(&self) {
        let now = now_millis();
        let _ = self
            .earliest_retry
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |at| (at <= now).then_some(i64::MAX));
    }

    pub fn update(&self, host: &str, f: impl FnOnce(&mut HostInfo)) {
        if let Ok(mut m) = self.inner.lock() {
            f(m.entry(host.to_string()).or_default());
        }
    }
}
