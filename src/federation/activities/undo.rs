//! `Undo(Follow)`: the follower leaves. `Undo` of a `Like` or an `Announce` goes to the
//! conversations; of anything else, acknowledged and ignored.
//! https://www.w3.org/TR/activitypub/#undo-activity-inbox

use serde_json::Value;

use super::local_territory;
use crate::{
    error::{AppError, AppResult},
    federation::protocol::{activities::Envelope, id_of},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::{self, Direction},
    },
};

pub async fn receive(state: &AppState, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    let inner_kind = env.object.get("type").and_then(Value::as_str);
    let follow_id = id_of(&env.object);
    // The undone Follow is embedded (Mastodon, Lemmy) or named by id only (some others).
    let territory = match (inner_kind, env.object.get("object").and_then(id_of)) {
        (Some("Follow"), Some(object)) => {
            if env.object.get("actor").and_then(id_of) != Some(signer.ap_id.as_str()) {
                return Err(AppError::Forbidden("cannot undo another actor's Follow".into()));
            }
            if let Some(id) = crate::federation::signatory_actors::local_signatory_id(state, object) {
                return crate::federation::signatory_actors::receive_unfollow(state, env, signer, id).await;
            }
            local_territory(state, object).await?
        }
        (Some("Like" | "Announce"), _) => {
            return super::conversation::receive_undo(state, env, signer).await;
        }
        (None, _) => match follow_id {
            Some(id) => match follower_territory_by_follow_id(state, id, signer).await? {
                Some(t) => Some(t),
                // Only an id: perhaps a Like or Announce of ours to withdraw.
                None => return super::conversation::receive_undo(state, env, signer).await,
            },
            None => None,
        },
        _ => {
            tracing::info!(activity = %env.id, kind = ?inner_kind, "Undo of an activity we do not keep: ignored");
            return Ok(());
        }
    };
    let Some(territory_id) = territory.map(|t| t.id) else {
        tracing::info!(activity = %env.id, "Undo(Follow) of no local follow: ignored");
        return Ok(());
    };
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), env.id.as_str(), signer.ap_id.as_str(), "Undo").await? {
        return Ok(());
    }
    follows::delete_follow(change.conn(), Direction::Followers, territory_id, signer.id).await?;
    change.commit().await?;
    tracing::info!(follower = %signer.ap_id, "follower left");
    Ok(())
}

async fn follower_territory_by_follow_id(
    state: &AppState,
    follow_id: &str,
    signer: &RemoteActorRow,
) -> AppResult<Option<crate::storage::territories::TerritoryRow>> {
    for t in state.store.territories().await? {
        if let Some(f) = state.store.follow(Direction::Followers, t.id, signer.id).await?
            && f.follow_ap_id == follow_id
        {
            return Ok(Some(t));
        }
    }
    Ok(None)
}
