//! Writing the delivery worker's successes, and pruning them.
//!
//! Group commit: a send that succeeded hands its id to one recorder task and waits until it is
//! written; the recorder writes everything handed in meanwhile in one statement. Under load a
//! fan-out then costs one write per batch instead of one per request (SQLite has one writer),
//! and since a send keeps its slot until its success is written, no more than
//! `delivery_concurrency` deliveries are ever sent but not recorded: a process killed at any
//! moment repeats at most that many, as before.

use tokio::sync::{mpsc, oneshot};

use crate::{domain::now_millis, state::AppState};

/// Delivered rows deleted per statement, so that pruning never holds the writer long.
const PRUNE_BATCH: i64 = 5_000;

type Done = (i64, u16, oneshot::Sender<()>);

#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::UnboundedSender<Done>,
}

impl Recorder {
    /// Starts the recorder task; it ends when every `Recorder` clone is dropped.
    pub fn start(state: AppState) -> (Recorder, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Done>();
        let task = tokio::spawn(async move {
            let mut batch: Vec<Done> = Vec::new();
            while let Some(first) = rx.recv().await {
                batch.push(first);
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                let ids: Vec<(i64, u16)> = batch.iter().map(|(id, status, _)| (*id, *status)).collect();
                if let Err(e) = state.store.deliveries_succeeded(&ids).await {
                    // Their leases expire and they are sent again: at least once, never lost.
                    tracing::error!(error = %e, count = ids.len(), "could not record delivered deliveries");
                }
                for (_, _, written) in batch.drain(..) {
                    let _ = written.send(());
                }
            }
        });
        (Recorder { tx }, task)
    }

    /// Records a success; returns once it is written (or its write failed).
    pub async fn succeeded(&self, id: i64, status: u16) {
        let (written, wait) = oneshot::channel();
        if self.tx.send((id, status, written)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// Deletes delivered rows older than `delivery_keep_done_secs`, a batch at a time.
pub async fn prune(state: &AppState) {
    let before = now_millis() - state.config.delivery_keep_done_secs * 1000;
    let mut total = 0;
    loop {
        match state.store.prune_delivered(before, PRUNE_BATCH).await {
            Ok(n) => {
                total += n;
                if n < PRUNE_BATCH as u64 {
                    break;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not prune delivered deliveries");
                break;
            }
        }
    }
    if total > 0 {
        tracing::debug!(pruned = total, "delivered deliveries pruned");
    }
}
