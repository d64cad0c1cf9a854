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

/// Approves (`approve`) or rejects a pending participant; 404 when it is not a pending
/// participant of this action, 409 when approving would go over the capacity.
pub async fn decide(
    state: &AppState,
    action_id: ActionId,
    pid: ParticipantId,
    approve: bool,
    by: &str,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    let action = local_in(change.conn(), action_id).await?;
    let p = parts::by_id_in(change.conn(), pid)
        .await?
        .filter(|p| p.action_id == action_id && p.state == ParticipantState::Pending)
        .ok_or_else(|| AppError::NotFound(format!("pending participant {pid}")))?;
    let (Some(actor), Some(join_id)) = (p.actor.clone(), p.join_ap_id.clone()) else {
        return Err(AppError::NotFound(format!("participant {pid} from the fediverse")));
    };
    let joiner = remote_actor_by_ap_id_in(change.conn(), &actor)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("actor {actor}")))?;
    let full = match action.capacity {
        Some(c) => participant_count_in(change.conn(), action_id).await? >= c,
        None => false,
    };
    if approve && full {
        return Err(AppError::Conflict(RefusalReason::Full.as_text().into()));
    }
    let join = participation::stored_join(&join_id, &actor, &action.ap_id);
    if approve {
        parts::set_state(change.conn(), pid, ParticipantState::Accepted).await?;
        queue_answer(&mut change, &action, &joiner, &join, None).await?;
    } else {
        parts::remove(change.conn(), action_id, &actor).await?;
        queue_answer(&mut change, &action, &joiner, &join, Some("The organisers declined the request.")).await?;
    }
    let what = if approve { "action.participant.approve" } else { "action.participant.reject" };
    change.audit(by, what, &format!("action {action_id} participant {pid}")).await?;
    change.commit().await
}
