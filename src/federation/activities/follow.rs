//! `Follow` of a territory: accepted at once, or held until an admin approves it when the
//! territory has `manuallyApprovesFollowers` or the follower's domain is limited (issue 15).
//! A Maillage instance accepted gets the territory's current `cces:Aggregate` with the Accept.
//! https://www.w3.org/TR/activitypub/#follow-activity-inbox

use serde_json::Value;

use super::{Activity, Received, require_local_territory, signatory_follow};
use crate::{
    domain::{local_actor::LocalActor, territory::FollowState},
    error::AppResult,
    federation::{
        outgoing,
        protocol::{activities::answer_follow, inbound::Follow},
    },
    processing::{observatory_aggregates, unit::Change},
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::{self, Direction},
        territories::TerritoryRow,
    },
};

impl Activity for Follow {
    /// Anyone may ask to follow: the inbox checked that the signer is the follower.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, follower) = (ctx.state(), ctx.signer);
        if let Some(id) = crate::federation::signatory_actors::local_signatory_id(state, self.object.id()) {
            return signatory_follow::receive_follow(state, self.id.as_str(), ctx.raw, follower, id).await;
        }
        if self.object.id() == state.urls.instance_actor().as_str() {
            return super::subscription::receive_follow(state, self.id.as_str(), ctx.raw, follower).await;
        }
        let territory = require_local_territory(state, self.object.id()).await?;
        // A limited domain's follows wait for a moderator, whatever the territory's setting.
        let limited = state.is_limited(&follower.host).await?;
        // A Maillage follower accepted at once gets the territory's figures with the Accept.
        let owed = if limited || territory.manually_approves_followers.0 {
            vec![]
        } else {
            let here = [(territory.id, territory.slug.clone())];
            observatory_aggregates::owed_to_new_follower(state, &here, &follower.kind, &follower.inbox).await?
        };
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), follower.ap_id.as_str(), "Follow").await? {
            return Ok(());
        }
        // Held for approval unless already accepted (a repeated Follow): the upsert keeps an
        // accepted relation accepted and answers the state it left.
        let asked = if territory.manually_approves_followers.0 || limited {
            FollowState::Pending
        } else {
            FollowState::Accepted
        };
        let state_now = follows::upsert_follow(
            change.conn(),
            Direction::Followers,
            territory.id,
            follower.id,
            self.id.as_str(),
            asked,
        )
        .await?;
        let held = state_now == FollowState::Pending;
        if held {
            tracing::info!(territory = %territory.slug, follower = %follower.ap_id, limited, "follow request held for approval");
        } else {
            send_answer(&mut change, &territory, follower, ctx.raw, "Accept").await?;
            observatory_aggregates::queue_to_new_follower(&mut change, &owed, &follower.inbox).await?;
            tracing::info!(territory = %territory.slug, follower = %follower.ap_id, "follower accepted");
        }
        change.commit().await
    }
}

/// Queues `Accept` or `Reject` of `follow` to the follower's own inbox, in `change`.
pub async fn send_answer(
    change: &mut Change,
    territory: &TerritoryRow,
    follower: &RemoteActorRow,
    follow: &Value,
    kind: &str,
) -> AppResult<()> {
    let actor = change.state().urls.territory(&territory.slug);
    let answer = answer_follow(kind, &outgoing::new_activity_id(change.state()), &actor, follow);
    change.queue(LocalActor::Territory(territory.id), &answer, false, std::slice::from_ref(&follower.inbox)).await?;
    Ok(())
}

pub use crate::federation::protocol::activities::stored_follow;
