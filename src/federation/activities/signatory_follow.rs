//! `Follow` and `Undo(Follow)` of a listed signatory's actor (`/s/<id>`), reached from
//! `follow.rs` and `undo.rs`: accepted at once, the `Accept` signed with the signatory's key;
//! from a limited domain (issue 15, point 5) held until a moderator decides
//! (`processing::follows::decide_signatory_follower`, on the console's followers page).

use serde_json::Value;

use crate::{
    domain::{ids::SignatoryId, local_actor::LocalActor, territory::FollowState},
    error::{AppError, AppResult},
    federation::{outgoing, protocol::activities::answer_follow},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        signatories::{SignatoryActorRow, signatory_actor_in},
        signatory_followers::{add_signatory_follower, remove_signatory_follower, signatory_follow_state_in},
    },
};

/// A Follow of a signatory's actor: accepted at once, the Accept signed with its key; held
/// when the follower's domain is limited (unless it follows already).
pub async fn receive_follow(
    state: &AppState,
    follow_id: &str,
    follow: &Value,
    follower: &RemoteActorRow,
    signatory_id: SignatoryId,
) -> AppResult<()> {
    let limited = state.is_limited(&follower.host).await?;
    let mut change = Change::begin(state).await?;
    let s = signatory_actor_in(change.conn(), signatory_id).await?.filter(SignatoryActorRow::is_public);
    let s = s.ok_or_else(|| AppError::NotFound("actor".into()))?;
    if !claim_received(change.conn(), follow_id, &follower.ap_id, "Follow").await? {
        return Ok(());
    }
    let already = signatory_follow_state_in(change.conn(), s.id, follower.id).await? == Some(FollowState::Accepted);
    let held = limited && !already;
    let now = if held { FollowState::Pending } else { FollowState::Accepted };
    add_signatory_follower(change.conn(), s.id, follower.id, follow_id, now).await?;
    if held {
        tracing::info!(signatory = %s.id, follower = %follower.ap_id, "follow of a signatory held for approval");
    } else {
        answer(&mut change, &s, follower, follow, "Accept").await?;
    }
    change.commit().await
}

/// Queues `Accept` or `Reject` of `follow`, from the signatory's actor (signed with its key),
/// to the follower's inbox, in `change`.
pub async fn answer(
    change: &mut Change,
    s: &SignatoryActorRow,
    follower: &RemoteActorRow,
    follow: &Value,
    kind: &str,
) -> AppResult<()> {
    let actor = change.state().urls.signatory(s.id);
    let json = answer_follow(kind, &outgoing::new_activity_id(change.state()), &actor, follow);
    let by = LocalActor::Signatory { territory: s.territory_id, id: s.id };
    change.queue(by, &json, false, std::slice::from_ref(&follower.inbox)).await?;
    Ok(())
}

pub async fn receive_unfollow(
    state: &AppState,
    undo_id: &str,
    follower: &RemoteActorRow,
    signatory_id: SignatoryId,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), undo_id, &follower.ap_id, "Undo").await? {
        return Ok(());
    }
    remove_signatory_follower(change.conn(), signatory_id, follower.id).await?;
    change.commit().await
}
