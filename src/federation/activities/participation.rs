//! `Join` and `Leave` of a local shared action (Mobilizon's participation; `Undo` of a `Join`
//! comes through `undo.rs` to [`leave`]). A `Join` is answered by the organising territory
//! with an `Accept` or a `Reject` (the reason in `summary`) whose object is the `Join`
//! embedded, as Mobilizon requires; in approval mode it waits for a moderator
//! (`processing::action_participation`). A `Join` or `Leave` of anything else (an unknown or
//! remote action, a draft) is ignored (202): nothing can be answered.
//! Shapes: /work/shared/docs/interop-notes.md "Events"; docs/FEDERATION.md.

use super::{Activity, Received};
use crate::{
    domain::{
        action::PublicationState,
        now_millis,
        participation::{JoinAnswer, JoinFacts, ParticipantState, answer_join},
    },
    error::{AppError, AppResult},
    federation::protocol::{inbound::Join, participation},
    processing::{
        action_participation::{queue_answer, tell_count_if_changed},
        actions::{readers_before, readers_with},
        unit::Change,
    },
    state::AppState,
    storage::{
        action_participants as parts,
        actions::{self as store, ActionRow},
        activities::claim_received,
        actors::RemoteActorRow,
    },
};

impl Activity for Join {
    /// Anyone may ask to take part: the inbox checked that the signer is the joiner.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, joiner) = (ctx.state(), ctx.signer);
        let Some(action) = open_action(state, self.object.id()).await? else {
            tracing::info!(activity = %self.id, object = self.object.id(), "Join of no local action: ignored");
            return Ok(());
        };
        // Who will hear of a new count, the joiner included (network, before the change).
        let readers =
            readers_with(state, &action, &[joiner.shared_inbox.clone().unwrap_or(joiner.inbox.clone())]).await?;
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), &joiner.ap_id, "Join").await? {
            return Ok(());
        }
        let action = store::action_in(change.conn(), action.id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("action {}", action.id)))?;
        let already = parts::by_actor_in(change.conn(), action.id, &joiner.ap_id).await?.map(|p| p.state);
        let count = store::participant_count_in(change.conn(), action.id).await?;
        let facts = JoinFacts {
            status: action.status,
            join_mode: action.join_mode,
            ends_at: action.ends_at,
            now: now_millis(),
            capacity: action.capacity,
            accepted: count,
            already,
        };
        let answer = answer_join(&facts);
        match (answer, already) {
            (JoinAnswer::Accept, None) => {
                parts::insert(change.conn(), action.id, &joiner.ap_id, self.id.as_str(), ParticipantState::Accepted)
                    .await?
            }
            (JoinAnswer::Hold, None) => {
                parts::insert(change.conn(), action.id, &joiner.ap_id, self.id.as_str(), ParticipantState::Pending)
                    .await?
            }
            _ => {}
        }
        let reason = match answer {
            JoinAnswer::Accept => Some(None),
            JoinAnswer::Reject(r) => Some(Some(r.as_text())),
            JoinAnswer::Hold => None,
        };
        if let Some(reason) = reason {
            queue_answer(&mut change, &action, joiner, ctx.raw, reason).await?;
        }
        tell_count_if_changed(state, &mut change, &readers, action.id, count).await?;
        change.audit(&joiner.ap_id, "action.join", &format!("action {}: {answer:?}", action.id)).await?;
        change.commit().await?;
        tracing::info!(action = %action.id, joiner = %joiner.ap_id, ?answer, "Join answered");
        Ok(())
    }
}

impl Activity for participation::Leave {
    /// Only the leaver's own participation goes: the inbox checked that the signer is the actor.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        leave(ctx.state(), self.id.as_str(), ctx.signer, self.object.id()).await
    }
}

/// `leaver` leaves the local action `event_id` (a `Leave`, or an `Undo` of its `Join`).
/// Someone who never joined: nothing changes.
pub async fn leave(state: &AppState, activity_id: &str, leaver: &RemoteActorRow, event_id: &str) -> AppResult<()> {
    let Some(action) = open_action(state, event_id).await? else {
        tracing::info!(activity = activity_id, object = event_id, "Leave of no local action: ignored");
        return Ok(());
    };
    let readers = readers_before(state, &action).await?;
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), activity_id, &leaver.ap_id, "Leave").await? {
        return Ok(());
    }
    let count = store::participant_count_in(change.conn(), action.id).await?;
    if parts::remove(change.conn(), action.id, &leaver.ap_id).await? {
        change.audit(&leaver.ap_id, "action.leave", &format!("action {}", action.id)).await?;
        tracing::info!(action = %action.id, leaver = %leaver.ap_id, "participant left");
        tell_count_if_changed(state, &mut change, &readers, action.id, count).await?;
    }
    change.commit().await
}

/// The published local action whose id is `event_id`.
pub(super) async fn open_action(state: &AppState, event_id: &str) -> AppResult<Option<ActionRow>> {
    Ok(state
        .store
        .action_by_ap_id(event_id)
        .await?
        .filter(|a| a.territory_id.is_some() && a.publication == PublicationState::Published))
}
