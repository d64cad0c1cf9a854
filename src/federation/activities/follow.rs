//! `Follow` of a territory: accepted at once, or held until an admin approves it when the
//! territory has `manuallyApprovesFollowers`.
//! https://www.w3.org/TR/activitypub/#follow-activity-inbox

use serde_json::Value;

use super::require_local_territory;
use crate::{
    domain::territory::FollowState,
    error::AppResult,
    federation::{
        outgoing,
        protocol::{activities::Envelope, activities::answer_follow, id_of},
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::{self, Direction},
        territories::TerritoryRow,
    },
};

pub async fn receive(state: &AppState, env: &Envelope, follower: &RemoteActorRow) -> AppResult<()> {
    if let Some(id) = id_of(&env.object).and_then(|o| crate::federation::signatory_actors::local_signatory_id(state, o))
    {
        return crate::federation::signatory_actors::receive_follow(state, env, follower, id).await;
    }
    let territory = require_local_territory(state, id_of(&env.object)).await?;
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), env.id.as_str(), follower.ap_id.as_str(), "Follow").await? {
        return Ok(());
    }
    let existing = follows::follow_in(change.conn(), Direction::Followers, territory.id, follower.id).await?;
    let already_accepted = existing.is_some_and(|f| f.state() == FollowState::Accepted);
    if territory.manually_approves_followers.0 && !already_accepted {
        follows::upsert_follow(
            change.conn(),
            Direction::Followers,
            territory.id,
            follower.id,
            env.id.as_str(),
            FollowState::Pending,
        )
        .await?;
        tracing::info!(territory = %territory.slug, follower = %follower.ap_id, "follow request held for approval");
    } else {
        follows::upsert_follow(
            change.conn(),
            Direction::Followers,
            territory.id,
            follower.id,
            env.id.as_str(),
            FollowState::Accepted,
        )
        .await?;
        send_answer(&mut change, &territory, follower, &env.raw, "Accept").await?;
        tracing::info!(territory = %territory.slug, follower = %follower.ap_id, "follower accepted");
    }
    change.commit().await
}

/// Queues `Accept` or `Reject` of `follow` to the follower's own inbox, in `change`.
pub async fn send_answer(
    change: &mut Change,
    territory: &TerritoryRow,
    follower: &RemoteActorRow,
    follow: &Value,
    kind: &str,
) -> AppResult<()> {
    let actor = change.state().territory_id_url(&territory.slug);
    let answer = answer_follow(kind, &outgoing::new_activity_id(change.state()), &actor, follow);
    change.queue(Some(territory.id), &answer, false, std::slice::from_ref(&follower.inbox)).await?;
    Ok(())
}

pub use crate::federation::protocol::activities::stored_follow;
