//! Scheduled backups (issue 15, point 8): with `backup_interval_hours` set, `serve` makes one
//! backup per period of that many hours (periods counted from the Unix epoch, so a 24-hour
//! schedule backs up just after midnight UTC, or at start when the current period has none),
//! into `backup_dir`, keeping the newest `backup_retention`. Each run is a row of
//! `backup_runs`, claimed by its period: of several processes sharing a database, one backs
//! up. The console shows the last backup, the next and the failures since.

use std::{path::Path, sync::Arc, time::Duration};

use tokio::sync::watch;

use super::LogProgress;
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
    state::AppState,
    storage::backup::BackupRun,
};

const PREFIX: &str = "maillage-";
const SUFFIX: &str = ".tar.gz";

/// What the console shows of the schedule.
#[derive(Debug, Clone)]
pub struct Status {
    /// Hours between backups; 0: none scheduled.
    pub interval_hours: u64,
    pub last_success: Option<BackupRun>,
    /// When the next one is due (milliseconds), when scheduled.
    pub next_at: Option<i64>,
    /// Runs that failed since the last success, newest first.
    pub failures: Vec<BackupRun>,
}

fn interval_ms(hours: u64) -> i64 {
    i64::try_from(hours).unwrap_or(i64::MAX / 3_600_000).saturating_mul(3_600_000).max(1)
}

pub async fn status(state: &AppState) -> AppResult<Status> {
    let runs = state.store.backup_runs(50).await?;
    let last_success = runs.iter().find(|r| r.finished_at.is_some() && r.error.is_none()).cloned();
    let failures = runs
        .iter()
        .take_while(|r| !(r.finished_at.is_some() && r.error.is_none()))
        .filter(|r| r.error.is_some())
        .cloned()
        .collect();
    let hours = state.config.backup_interval_hours;
    let next_at = (hours > 0).then(|| {
        let every = interval_ms(hours);
        match runs.first() {
            Some(r) => (r.slot + 1).saturating_mul(every),
            None => now_millis(),
        }
    });
    Ok(Status { interval_hours: hours, last_success, next_at, failures })
}

/// Runs until `stop` turns true; does nothing when no interval is set.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let hours = state.config.backup_interval_hours;
    if hours == 0 {
        return;
    }
    let every = interval_ms(hours);
    loop {
        let now = now_millis();
        let slot = now / every;
        match state.store.claim_backup_slot(slot, now).await {
            Ok(Some(id)) => run_once(&state, id).await,
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "scheduled backup: cannot record the run"),
        }
        let wait = u64::try_from((slot + 1) * every - now_millis()).unwrap_or(0).max(1000);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

async fn run_once(state: &AppState, id: i64) {
    let name = format!("{PREFIX}{}{SUFFIX}", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
    let target = state.config.backup_dir.join(&name);
    let outcome = super::create(&state.store, &state.config, &target, Arc::new(LogProgress)).await;
    let recorded = match &outcome {
        Ok(w) => {
            tracing::info!(file = %w.path.display(), bytes = w.bytes, "scheduled backup written");
            let bytes = i64::try_from(w.bytes).unwrap_or(i64::MAX);
            state.store.finish_backup_run(id, now_millis(), Ok((&w.path.display().to_string(), bytes))).await
        }
        Err(e) => {
            tracing::error!(error = %e, "scheduled backup failed");
            state.store.finish_backup_run(id, now_millis(), Err(&e.to_string())).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "scheduled backup: cannot record the outcome");
    }
    if outcome.is_ok()
        && let Err(e) = prune(&state.config.backup_dir, state.config.backup_retention)
    {
        tracing::error!(error = %e, "scheduled backup: cannot delete old backups");
    }
}

/// Deletes the oldest scheduled backups past `keep` (only files named as the schedule names
/// them: backups made by hand in the same directory stay).
pub fn prune(dir: &Path, keep: usize) -> AppResult<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| AppError::Internal(format!("{}: {e}", dir.display())))?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        .collect();
    // The names carry the time: their order is their age.
    names.sort();
    let excess = names.len().saturating_sub(keep);
    let old: Vec<String> = names.into_iter().take(excess).collect();
    for n in &old {
        std::fs::remove_file(dir.join(n)).map_err(|e| AppError::Internal(format!("{n}: {e}")))?;
    }
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_keeps_the_newest_and_what_it_did_not_write() {
        let dir = tempfile::tempdir().expect("tmp");
        for n in [
            "maillage-20260101-000000.tar.gz",
            "maillage-20260102-000000.tar.gz",
            "maillage-20260103-000000.tar.gz",
            "by-hand.tar.gz",
        ] {
            std::fs::write(dir.path().join(n), b"x").expect("write");
        }
        let deleted = prune(dir.path(), 2).expect("prune");
        assert_eq!(deleted, vec!["maillage-20260101-000000.tar.gz".to_string()]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["by-hand.tar.gz", "maillage-20260102-000000.tar.gz", "maillage-20260103-000000.tar.gz"]);
    }
}
