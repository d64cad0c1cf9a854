//! Friendica-style RSVPs to a local shared action: `Accept` (going), `TentativeAccept` (maybe)
//! and `Reject` (not going) whose object is our `Event` itself, not a `Join`
//! (/work/shared/docs/interop-notes.md "Events"). Going counts as a participant under the
//! same rules as a `Join` (capacity, join mode; approval holds it); maybe is kept apart
//! (`tentative`, not in the count, takes no place); not going withdraws. Friendica expects no
//! answer, so none is sent; a change of the firm count reaches followers and participants as
//! an `Update(Event)`, as a `Join` does. An `Accept`/`Reject` naming the event by id only arrives through
//! `accept.rs`, which hands it to [`rsvp`] when the id is one of our actions.

use super::{Activity, Received, participation::open_action};
use crate::{
    domain::{
        now_millis,
        participation::{JoinAnswer, JoinFacts, ParticipantState, RefusalReason, answer_join},
    },
    error::AppResult,
    federation::protocol::inbound::Rsvp,
    processing::{action_participation::tell_count_if_changed, actions::readers_with, unit::Change},
    state::AppState,
    storage::{action_participants as parts, actions as store, activities::claim_received, actors::RemoteActorRow},
};

impl Activity for Rsvp {
    /// Only the signer's own answer: the inbox checked that the signer is the actor.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        rsvp(ctx.state(), self.id.as_str(), ctx.signer, self.object.id(), ctx.kind).await.map(|_| ())
    }
}

/// `who` answers `kind` (`Accept`, `TentativeAccept`, `Reject`) to the local action
/// `event_id`; `false` when that is no published local action (nothing done).
pub async fn rsvp(
    state: &AppState,
    activity_id: &str,
    who: &RemoteActorRow,
    event_id: &str,
    kind: &str,
) -> AppResult<bool> {
    let Some(action) = open_action(state, event_id).await? else {
        return Ok(false);
    };
    let readers = readers_with(state, &action, &[who.shared_inbox.clone().unwrap_or(who.inbox.clone())]).await?;
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), activity_id, &who.ap_id, kind).await? {
        return Ok(true);
    }
    let count = store::participant_count_in(change.conn(), action.id).await?;
    let tentative = kind == "TentativeAccept";
    let was_tentative = parts::is_tentative_in(change.conn(), action.id, &who.ap_id).await?;
    let outcome = if kind == "Reject" {
        match parts::remove(change.conn(), action.id, &who.ap_id).await? {
            true => "withdrawn",
            false => "nothing to withdraw",
        }
    } else {
        let already = parts::by_actor_in(change.conn(), action.id, &who.ap_id).await?.map(|p| p.state);
        let facts = JoinFacts {
            status: action.status,
            join_mode: action.join_mode,
            ends_at: action.ends_at,
            now: now_millis(),
            capacity: action.capacity,
            accepted: count,
            // A firm answer after a "maybe" asks for a place as a new participant would.
            already: if was_tentative == Some(true) && !tentative { None } else { already },
        };
        match (answer_join(&facts), tentative) {
            // "Maybe" takes no place: only a closed, ended or cancelled action refuses it.
            (JoinAnswer::Accept | JoinAnswer::Reject(RefusalReason::Full), true) => {
                parts::upsert_rsvp(change.conn(), action.id, &who.ap_id, activity_id, ParticipantState::Accepted, true)
                    .await?;
                "tentative"
            }
            (JoinAnswer::Hold, true) => {
                parts::upsert_rsvp(change.conn(), action.id, &who.ap_id, activity_id, ParticipantState::Pending, true)
                    .await?;
                "tentative, held"
            }
            (JoinAnswer::Accept, false)
                if already == Some(ParticipantState::Accepted) && was_tentative == Some(false) =>
            {
                "already going"
            }
            (JoinAnswer::Accept, false) => {
                parts::upsert_rsvp(
                    change.conn(),
                    action.id,
                    &who.ap_id,
                    activity_id,
                    ParticipantState::Accepted,
                    false,
                )
                .await?;
                "going"
            }
            (JoinAnswer::Hold, false) => {
                parts::upsert_rsvp(change.conn(), action.id, &who.ap_id, activity_id, ParticipantState::Pending, false)
                    .await?;
                "going, held"
            }
            (JoinAnswer::Reject(r), _) => r.as_text(),
        }
    };
    tell_count_if_changed(state, &mut change, &readers, action.id, count).await?;
    change.audit(&who.ap_id, "action.rsvp", &format!("action {}: {kind}: {outcome}", action.id)).await?;
    change.commit().await?;
    tracing::info!(action = %action.id, actor = %who.ap_id, kind, outcome, "RSVP");
    Ok(true)
}
