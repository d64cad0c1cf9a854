//! What the inbox knows of each host that sends to us, kept in memory so that an accepted
//! activity costs one write transaction (its own), not four more for host bookkeeping
//! (issue 14). The `hosts` row is written at once only when something there changes (a host
//! first heard from, one marked unreachable that speaks again, a signature format not yet
//! learned); "last heard from" (`last_probe_at`) is written back in batches by
//! [`Store::flush_hosts_heard`], which the server calls every [`FLUSH_EVERY`] and on close.
//!
//! Another process (two servers on one PostgreSQL, the CLI) may change a row behind our back:
//! an entry is read again from the database when older than [`FRESH_FOR`], so a host marked
//! unreachable elsewhere is revived here at most that late. Writes of this process to a host's
//! row through [`Store`] forget its entry at once.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use super::Store;
use crate::{domain::now_millis, error::AppResult};

/// How long an entry is trusted before the row is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);
/// How often the server writes back when hosts were last heard from.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);

#[derive(Clone, Copy)]
struct Entry {
    read_at: Instant,
    /// The row exists, is not marked unreachable, and has a signature format.
    settled: bool,
    /// When the host was heard from and not yet written back.
    heard_at: Option<i64>,
}

#[derive(Default)]
pub struct HostBook {
    entries: Mutex<HashMap<String, Entry>>,
}

impl HostBook {
    /// When `host` is known fresh and settled, notes it was heard from `at` and says true.
    fn heard_if_settled(&self, host: &str, at: i64) -> bool {
        let Ok(mut m) = self.entries.lock() else { return false };
        match m.get_mut(host) {
            Some(e) if e.settled && e.read_at.elapsed() < FRESH_FOR => {
                e.heard_at = Some(at);
                true
            }
            _ => false,
        }
    }

    /// Records what the row says now; `heard_at` is what remains to write back.
    fn refresh(&self, host: &str, settled: bool, heard_at: Option<i64>) {
        if let Ok(mut m) = self.entries.lock() {
            m.insert(host.to_string(), Entry { read_at: Instant::now(), settled, heard_at });
        }
    }

    /// This process just wrote `host`'s row: read it again next time (a pending "heard"
    /// time is kept).
    pub fn forget(&self, host: &str) {
        if let Ok(mut m) = self.entries.lock()
            && let Some(e) = m.get_mut(host)
        {
            e.settled = false;
        }
    }

    /// Takes the hosts heard from since the last flush, in order: two processes writing
    /// back the same rows lock them in the same order (no deadlock on PostgreSQL).
    fn take_heard(&self) -> Vec<(String, i64)> {
        let Ok(mut m) = self.entries.lock() else { return vec![] };
        let mut heard: Vec<_> = m.iter_mut().filter_map(|(h, e)| e.heard_at.take().map(|at| (h.clone(), at))).collect();
        heard.sort();
        heard
    }

    /// Puts back hosts whose write-back failed, unless heard from again meanwhile.
    fn restore_heard(&self, heard: Vec<(String, i64)>) {
        let Ok(mut m) = self.entries.lock() else { return };
        for (h, at) in heard {
            if let Some(e) = m.get_mut(&h) {
                e.heard_at.get_or_insert(at);
            }
        }
    }
}

impl Store {
    /// The host sent us an activity whose signature verified, in `format`: it is alive, and
    /// accepts that format. Returns true when it was marked unreachable (its held deliveries
    /// may go again). Writes only when the row changes; see the module's comment.
    pub async fn heard_from(&self, host: &str, format: &str) -> AppResult<bool> {
        let now = now_millis();
        if self.host_book.heard_if_settled(host, now) {
            return Ok(false);
        }
        let row = self.host(host).await?;
        if row.as_ref().is_some_and(|r| r.unreachable_since.is_none() && r.signature_format.is_some()) {
            self.host_book.refresh(host, true, Some(now));
            return Ok(false);
        }
        let was_unreachable = row.and_then(|r| r.unreachable_since).is_some();
        // One statement: the row created if new, revived if unreachable, its format learned
        // unless known (a host that signs with RFC 9421 verifies it too).
        sqlx::query(
            "INSERT INTO hosts (host, signature_format, last_probe_at) VALUES ($1, $2, $3) \
             ON CONFLICT (host) DO UPDATE SET unreachable_since = NULL, last_probe_at = excluded.last_probe_at, \
             signature_format = COALESCE(hosts.signature_format, excluded.signature_format)",
        )
        .bind(host)
        .bind(format)
        .bind(now)
        .execute(&mut *self.writer().await?)
        .await?;
        self.host_book.refresh(host, true, None);
        Ok(was_unreachable)
    }

    /// Writes back, in one transaction, when each host was last heard from. Returns how many.
    pub async fn flush_hosts_heard(&self) -> AppResult<usize> {
        let heard = self.host_book.take_heard();
        if heard.is_empty() {
            return Ok(0);
        }
        let written = async {
            let mut tx = self.begin().await?;
            for (host, at) in &heard {
                sqlx::query("UPDATE hosts SET last_probe_at = $1 WHERE host = $2")
                    .bind(at)
                    .bind(host)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            AppResult::Ok(())
        }
        .await;
        let n = heard.len();
        if let Err(e) = written {
            self.host_book.restore_heard(heard);
            return Err(e);
        }
        Ok(n)
    }
}
