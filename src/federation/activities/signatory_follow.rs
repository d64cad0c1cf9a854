//! `Follow` and `Undo(Follow)` of a listed signatory's actor (`/s/<id>`), reached from
//! `follow.rs` and `undo.rs`: accepted at once, the `Accept` signed with the signatory's key.

use serde_json::Value;

use crate::{
    domain::local_actor::LocalActor,
    error::{AppError, AppResult},
    federation::{outgoing, protocol::activities::answer_follow},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        signatories::{SignatoryActorRow, add_signatory_follower, remove_signatory_follower, signatory_actor_in},
    },
};

/// A Follow of a signatory's actor: accepted at once, the Accept signed with its key.
pub async fn receive_follow(
    state: &AppState,
    follow_id: &str,
    follow: &Value,
    follower: &RemoteActorRow,
    signatory_id: crate::domain::ids::SignatoryId,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    let s = signatory_actor_in(change.conn(), signatory_id).await?.filter(SignatoryActorRow::is_public);
    let s = s.ok_or_else(|| AppError::NotFound("actor".into()))?;
    let actor = state.urls.signatory(s.id);
    let answer = answer_follow("Accept", &outgoing::new_activity_id(state), &actor, follow);
    if !claim_received(change.conn(), follow_id, &follower.ap_id, "Follow").await? {
        return Ok(());
    }
    add_signatory_follower(change.conn(), s.id, follower.id, follow_id).await?;
    let by = LocalActor::Signatory { territory: s.territory_id, id: s.id };
    change.queue(by, &answer, false, std::slice::from_ref(&follower.inbox)).await?;
    change.commit().await
}

pub async fn receive_unfollow(
    state: &AppState,
    undo_id: &str,
    follower: &RemoteActorRow,
    signatory_id: crate::domain::ids::SignatoryId,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), undo_id, &follower.ap_id, "Undo").await? {
        return Ok(());
    }
    remove_signatory_follower(change.conn(), signatory_id, follower.id).await?;
    change.commit().await
}
