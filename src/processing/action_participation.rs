//! Moderators deciding on a `Join` held for approval (join mode `approval`): approve → the
//! participant counts and the organising territory sends `Accept` of the `Join`; reject → the
//! participation goes and it sends `Reject`. Each in one change (row, answer, audit). The
//! answers' shape: `protocol::participation` (docs/FEDERATION.md, shared action participation).

use serde_json::Value;

use super::{actions::local_in, unit::Change};
use crate::{
    domain::{
        ids::{ActionId, ParticipantId},
        local_actor::LocalActor,
        participation::{ParticipantState, RefusalReason},
    },
    error::{AppError, AppResult},
    federation::{outgoing, protocol::participation},
    state::AppState,
    storage::{
        action_participants::{self as parts, ParticipantRow},
        actions::{ActionRow, participant_count_in},
        actors::{RemoteActorRow, remote_actor_by_ap_id_in},
    },
};

/// Queues the organising territory's `Accept` (no reason) or `Reject` of `join` to the
/// joiner's inbox, in `change`.
pub async fn queue_answer(
    change: &mut Change,
    action: &ActionRow,
    joiner: &RemoteActorRow,
    join: &Value,
    reason: Option<&str>,
) -> AppResult<()> {
    let territory_id = action.territory_id.unwrap_or_default();
    let organiser = url::Url::parse(&action.origin_actor).map_err(|e| AppError::Internal(e.to_string()))?;
    let answer = participation::answer_join(&outgoing::new_activity_id(change.state()), &organiser, join, reason);
    change.queue(LocalActor::Territory(territory_id), &answer, false, std::slice::from_ref(&joiner.inbox)).await?;
    Ok(())
}

/// The participants of a local action (moderators).
pub async fn list(state: &AppState, action_id: ActionId) -> AppResult<Vec<ParticipantRow>> {
    let mut conn = state.store.pool().acquire().await?;
    local_in(&mut *conn, action_id).await?;
    parts::of_action_in(&mut conn, action_id).await
}

/// The participations of the territory's actions held for the moderators (the console).
pub async fn held(state: &AppState, territory: crate::domain::ids::TerritoryId) -> AppResult<Vec<parts::HeldRow>> {
    parts::held_of_territory(state.store.pool(), territory).await
}

/// Approves (`approve`) or rejects a pending participant; 404 when it is not a pending
/// participant of this action, 409 when approving would go over the capacity. A fediverse
/// participant gets the territory's `Accept` or `Reject` of its `Join`; one who joined from the
/// page gets a mail (after the commit). An approval changes the count: followers and
/// fediverse participants get the `Update` in the same change.
pub async fn decide(
    state: &AppState,
    action_id: ActionId,
    pid: ParticipantId,
    approve: bool,
    by: &str,
) -> AppResult<()> {
    let before = local_in(state.store.pool(), action_id).await?;
    let readers = super::actions::readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let action = local_in(change.conn(), action_id).await?;
    let p = parts::by_id_in(change.conn(), pid)
        .await?
        .filter(|p| p.action_id == action_id && p.state == ParticipantState::Pending)
        .ok_or_else(|| AppError::NotFound(format!("pending participant {pid}")))?;
    let full = match action.capacity {
        Some(c) => participant_count_in(change.conn(), action_id).await? >= c,
        None => false,
    };
    if approve && full {
        return Err(AppError::Conflict(RefusalReason::Full.as_text().into()));
    }
    let mut mail = None;
    match (p.actor.clone(), p.join_ap_id.clone()) {
        (Some(actor), Some(join_id)) => {
            let joiner = remote_actor_by_ap_id_in(change.conn(), &actor)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("actor {actor}")))?;
            let join = participation::stored_join(&join_id, &actor, &action.ap_id);
            if approve {
                parts::set_state(change.conn(), pid, ParticipantState::Accepted).await?;
                queue_answer(&mut change, &action, &joiner, &join, None).await?;
            } else {
                parts::remove(change.conn(), action_id, &actor).await?;
                queue_answer(&mut change, &action, &joiner, &join, Some("The organisers declined the request."))
                    .await?;
            }
        }
        _ => {
            mail = parts::web_by_id_in(change.conn(), pid).await?;
            if approve {
                parts::set_state(change.conn(), pid, ParticipantState::Accepted).await?;
            } else {
                parts::remove_by_id(change.conn(), pid).await?;
            }
        }
    }
    if approve && action.publication == crate::domain::action::PublicationState::Published {
        let fresh = local_in(change.conn(), action_id).await?;
        super::actions::tell_followers(state, &mut change, &readers, &fresh, super::action_publication::Change::Update)
            .await?;
    }
    let what = if approve { "action.participant.approve" } else { "action.participant.reject" };
    change.audit(by, what, &format!("action {action_id} participant {pid}")).await?;
    change.commit().await?;
    if let Some(p) = mail {
        super::participant_mail::decided(state, &action, approve, &p).await;
    }
    Ok(())
}

/// After a fediverse participation changed inside `change` (a `Join`, `Leave`, `Undo` or an
/// RSVP): when the firm count is no longer `before`, followers, co-organisers and fediverse
/// participants get the `Update(Event)` with the new `participantCount` and
/// `remainingAttendeeCapacity`, in the same change, as for a participation from the page.
pub async fn tell_count_if_changed(
    state: &AppState,
    change: &mut Change,
    readers: &super::action_publication::EventReaders,
    action_id: ActionId,
    before: i64,
) -> AppResult<bool> {
    if participant_count_in(change.conn(), action_id).await? == before {
        return Ok(false);
    }
    let fresh = local_in(change.conn(), action_id).await?;
    if fresh.publication != crate::domain::action::PublicationState::Published {
        return Ok(false);
    }
    super::actions::tell_followers(state, change, readers, &fresh, super::action_publication::Change::Update).await?;
    Ok(true)
}
