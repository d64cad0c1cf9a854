//! Deliveries handed straight to this process's delivery worker by the change that queued them.
//!
//! A change that queues a few deliveries (an inbox's `Accept`, a reply to one follower) leases
//! them to this process in its own transaction (`storage::deliveries::enqueue_leased`) and, once
//! committed, passes them to the worker in memory: the worker sends them without claiming them
//! from the queue. A claim is a write of its own, and on SQLite every write waits for the one
//! writer: during a burst of follows, a claim per `Accept` took the writer about as often as
//! the inbox did (issue 14, ingest). The rows are in the queue all along, leased like claimed
//! ones: if this process dies before sending them, their lease runs out and any process claims
//! them (at least once, never lost).
//!
//! The worker's buffer is bounded by the places it opens ([`Handoff::open`]); a change that
//! finds no place, or no worker running in this process (a CLI command), leaves its deliveries
//! to the claims, as before.

use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::storage::deliveries::DueDelivery;

/// More deliveries than this from one activity go through the claims (a fan-out): leasing them
/// all at once would hold them in one process's buffer longer than a lease.
pub const MOST_PER_CHANGE: usize = 16;

#[derive(Default)]
pub struct Handoff {
    /// The running worker's free places and its channel; `None` while no worker runs here.
    worker: Mutex<Option<(Arc<Semaphore>, mpsc::UnboundedSender<DueDelivery>)>>,
}

/// Places reserved for a change's deliveries, given back if the change does not commit.
pub struct Places(OwnedSemaphorePermit);

impl Handoff {
    /// Called by the worker when it starts: `places` deliveries may wait in its buffer.
    pub fn open(&self, places: usize) -> mpsc::UnboundedReceiver<DueDelivery> {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut slot) = self.worker.lock() {
            *slot = Some((Arc::new(Semaphore::new(places)), tx));
        }
        rx
    }

    /// Called by the worker when it stops: later changes leave everything to the claims.
    pub fn close(&self) {
        if let Ok(mut slot) = self.worker.lock() {
            *slot = None;
        }
    }

    /// Reserves places for `n` deliveries, if a worker runs here and has room for them.
    pub fn reserve(&self, n: usize) -> Option<Places> {
        if n == 0 || n > MOST_PER_CHANGE {
            return None;
        }
        let slot = self.worker.lock().ok()?;
        let (room, _) = slot.as_ref()?;
        room.clone().try_acquire_many_owned(n as u32).ok().map(Places)
    }

    /// Passes committed deliveries to the worker, which gives each place back when it starts
    /// sending it ([`Handoff::started`]); places reserved and not used are given back now.
    pub fn send(&self, deliveries: Vec<DueDelivery>, mut places: Places) {
        let Ok(slot) = self.worker.lock() else { return };
        let Some((_, tx)) = slot.as_ref() else { return };
        for d in deliveries {
            // The place now belongs to the delivery in the worker's buffer.
            let Some(place) = places.0.split(1) else {
                tracing::error!(delivery = d.id, "handed a delivery without a place: left to its lease");
                break;
            };
            if tx.send(d).is_err() {
                // The worker has stopped: the lease runs out and a claim takes the delivery.
                return;
            }
            place.forget();
        }
    }

    /// The worker started sending a delivery it was handed: its place is free again.
    pub fn started(&self) {
        if let Ok(slot) = self.worker.lock()
            && let Some((room, _)) = slot.as_ref()
        {
            room.add_permits(1);
        }
    }
}
