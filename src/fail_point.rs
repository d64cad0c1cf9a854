//! A test seam: makes the next change fail at a chosen step, so that a test can check that a
//! change is all or nothing (rows, activities, deliveries, audit entry). Production code never
//! arms it; `cfg(test)` would hide it from the integration tests, hence a plain `pub` type that
//! costs one uncontended lock per step of a change.

use std::sync::Mutex;

/// The steps of a change, in the order a [`crate::processing::unit::Change`] passes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The change's rows are written; no activity queued yet.
    Rows,
    /// Its activities (and their deliveries) are queued; no audit entry yet.
    Activities,
    /// Its audit entry is written; not committed yet.
    Audit,
    /// The commit itself: the transaction is rolled back instead, as when the database refuses it.
    Commit,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Rows, Step::Activities, Step::Audit, Step::Commit];
}

/// Armed with a step, the next change of the arming task (or, armed outside any task, as a
/// test's body runs, of code outside any task) that passes it fails there (once).
/// Scoped to the task: background changes (the observatory's recounts and aggregates, host
/// bookkeeping) run meanwhile and must neither take the failure nor be failed by it.
#[derive(Debug, Default)]
pub struct FailPoint(Mutex<Option<(Step, Option<tokio::task::Id>)>>);

impl FailPoint {
    /// For tests only: the next change fails after `step`.
    pub fn arm(&self, step: Step) {
        if let Ok(mut s) = self.0.lock() {
            *s = Some((step, tokio::task::try_id()));
        }
    }

    pub fn disarm(&self) {
        if let Ok(mut s) = self.0.lock() {
            *s = None;
        }
    }

    /// True (and disarmed) when armed with `step`.
    pub fn hit(&self, step: Step) -> bool {
        match self.0.lock() {
            Ok(mut s) if s.is_some_and(|(armed, task)| armed == step && task == tokio::task::try_id()) => {
                *s = None;
                true
            }
            _ => false,
        }
    }
}
