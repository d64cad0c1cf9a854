//! The unit of work every state change goes through: it opens the transaction, the change
//! writes its rows and reads what it needs through it ([`Change::conn`]), queues its activities
//! ([`Change::queue`]) and records its audit entry ([`Change::audit`]); [`Change::commit`]
//! commits all of it at once and only then wakes the delivery worker. Nothing of the change is
//! written after the commit, so a crash or an error at any step leaves all of it or none.
//!
//! Rule (see `storage::Store::begin`): while a change is open, read through `conn()`, never
//! through the pool; on SQLite another connection would wait for the write lock this one holds.
//! Network look-ups (remote software, remote actors) happen before `begin`.

use serde_json::Value;
use sqlx::AnyConnection;

use crate::{
    domain::{local_actor::LocalActor, now_millis},
    error::{AppError, AppResult},
    fail_point::Step,
    federation::{handoff::Places, outgoing},
    state::AppState,
    storage::{admin::audit_in, deliveries::DueDelivery},
};

/// Activities built before a change (after any network look-up), each with whether it is public
/// (listed in the outbox), its inboxes, and whether its author is the territory's editorial actor
/// (else the territory itself): what a publication queues with [`Change::queue_prepared`].
pub struct Prepared(pub Vec<(Value, bool, Vec<String>, bool)>);

/// One change in progress. Dropped without [`Change::commit`], it is rolled back.
#[must_use = "a change is rolled back unless committed"]
pub struct Change {
    state: AppState,
    tx: crate::storage::WriteTx,
    /// Whether a delivery was queued and not handed over (the delivery worker is woken on
    /// commit to claim it).
    queued: bool,
    /// Deliveries leased to this process's worker, handed to it on commit (`federation::handoff`).
    handed: Vec<(Vec<DueDelivery>, Places)>,
    /// The last step passed (for the test seam `AppState::fail_point`).
    passed: Option<Step>,
}

impl Change {
    pub async fn begin(state: &AppState) -> AppResult<Change> {
        Ok(Change {
            state: state.clone(),
            tx: state.store.begin().await?,
            queued: false,
            handed: Vec::new(),
            passed: None,
        })
    }

    /// The transaction's connection: the change's rows are written, and what it reads is read,
    /// through it.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stores an activity authored (and signed) by the local actor `by` and queues one
    /// delivery per inbox.
    pub async fn queue(&mut self, by: LocalActor, json: &Value, public: bool, inboxes: &[String]) -> AppResult<i64> {
        self.pass(Step::Rows)?;
        let places = self.state.handoff.reserve(inboxes.len());
        let until = now_millis() + self.state.config.delivery_lease_secs * 1000;
        let (id, leased) =
            outgoing::queue(&mut self.tx, by, json, public, inboxes, places.as_ref().map(|_| until)).await?;
        let left = inboxes.len().saturating_sub(leased.len());
        if let Some(places) = places {
            let (text, created_at) = (json.to_string(), now_millis());
            let due = leased
                .into_iter()
                .map(|(id, inbox, host)| DueDelivery {
                    id,
                    inbox,
                    host,
                    attempts: 0,
                    created_at,
                    activity_json: text.clone(),
                    territory_id: by.territory_id(),
                    signatory_id: by.signatory_id(),
                    signer: by.kind().to_string(),
                    leased_until: until,
                })
                .collect();
            self.handed.push((due, places));
        }
        self.queued |= left > 0;
        Ok(id)
    }

    /// Queues every activity of `prepared`, signed by the territory or its editorial actor (the
    /// instance actor when there is no territory).
    pub async fn queue_prepared(
        &mut self,
        territory_id: Option<crate::domain::ids::TerritoryId>,
        prepared: &Prepared,
    ) -> AppResult<()> {
        for (activity, public, inboxes, by_editorial) in &prepared.0 {
            let by = match territory_id {
                Some(t) if *by_editorial => LocalActor::Editorial(t),
                _ => LocalActor::territory_or_instance(territory_id),
            };
            self.queue(by, activity, *public, inboxes).await?;
        }
        Ok(())
    }

    /// The change's audit entry (who did what; `detail` must not carry personal data).
    pub async fn audit(&mut self, actor: &str, action: &str, detail: &str) -> AppResult<()> {
        self.pass(Step::Activities)?;
        audit_in(&mut self.tx, actor, action, detail).await
    }

    /// Commits the rows, activities, deliveries and audit entry together, then wakes the
    /// delivery worker if something was queued.
    pub async fn commit(mut self) -> AppResult<()> {
        self.pass(Step::Audit)?;
        if self.state.fail_point.hit(Step::Commit) {
            // Dropping the transaction rolls it back: what a refused commit leaves.
            return Err(AppError::Internal("injected failure at commit".into()));
        }
        self.tx.commit().await?;
        for (due, places) in std::mem::take(&mut self.handed) {
            self.state.handoff.send(due, places);
        }
        if self.queued {
            self.state.delivery_notify.notify_one();
        }
        Ok(())
    }

    /// Passes every step up to `step` not passed yet, failing where the test seam says.
    fn pass(&mut self, step: Step) -> AppResult<()> {
        let from = self.passed;
        for s in Step::ALL.into_iter().filter(|s| *s <= step && Some(*s) > from) {
            self.passed = Some(s);
            if self.state.fail_point.hit(s) {
                return Err(AppError::Internal(format!("injected failure after {s:?}")));
            }
        }
        Ok(())
    }
}
