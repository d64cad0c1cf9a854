//! `Move` of a Group this instance's territories follow (a territory that changed instance,
//! docs/FEDERATION.md "Move"), handled as Mastodon handles an account's migration: the new
//! actor must list the old one in `alsoKnownAs` (else the `Move` is ignored and logged), then
//! each local territory following the old actor follows the new one and undoes the old follow.

use url::Url;

use super::{Activity, Received};
use crate::{
    domain::{local_actor::LocalActor, territory::FollowState},
    error::{AppError, AppResult},
    federation::{
        fetch::{self, Accept},
        objects::lookup_actor,
        outgoing,
        protocol::{
            activities::{follow, undo},
            moves::Move,
        },
    },
    processing::{territory_moves::lists_alias, unit::Change},
    storage::{
        activities::claim_received,
        follows::{self, Direction},
    },
};

impl Activity for Move {
    /// Only the actor itself may say it moved: the signer (the inbox checked it is the
    /// `actor`) must be the `object`.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        if self.object.id() != ctx.signer.ap_id || self.actor.id() != ctx.signer.ap_id {
            return Err(AppError::Forbidden("a Move moves its own actor only".into()));
        }
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, old) = (ctx.state(), ctx.signer);
        let target = Url::parse(self.target.id())?;
        if state.urls.is_local(&target) || target.as_str() == old.ap_id {
            tracing::info!(activity = %self.id, target = %target, "Move to a local or the same actor: ignored");
            return Ok(());
        }
        // Network before the change: the new actor as it is now, which must name the old one.
        let fetched = fetch::get_json(state, &target, Accept::ActivityPub).await?;
        if !lists_alias(&fetched.json, &old.ap_id) {
            tracing::warn!(activity = %self.id, old = %old.ap_id, target = %target,
                "Move ignored: the target does not list the old actor in alsoKnownAs");
            return Ok(());
        }
        let new = lookup_actor(ctx.data, target.as_str()).await?;
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), old.ap_id.as_str(), "Move").await? {
            return Ok(());
        }
        let following = follows::territories_following(change.conn(), old.id).await?;
        for f in &following {
            let Some(t) = crate::storage::territories::territory_by_id_in(change.conn(), f.territory_id).await? else {
                continue;
            };
            let actor = state.urls.territory(&t.slug);
            let old_follow = follow(&Url::parse(&f.follow_ap_id)?, &actor, &Url::parse(&f.actor_ap_id)?);
            let undone = undo(&outgoing::new_activity_id(state), &actor, &old_follow);
            follows::delete_follow(change.conn(), Direction::Following, t.id, old.id).await?;
            change.queue(LocalActor::Territory(t.id), &undone, false, std::slice::from_ref(&old.inbox)).await?;
            let id = outgoing::new_activity_id(state);
            let json = follow(&id, &actor, &target);
            follows::upsert_follow(
                change.conn(),
                Direction::Following,
                t.id,
                new.row.id,
                id.as_str(),
                FollowState::Pending,
            )
            .await?;
            change.queue(LocalActor::Territory(t.id), &json, false, std::slice::from_ref(&new.row.inbox)).await?;
            change.audit("federation", "following.move", &format!("{}: {} to {target}", t.slug, old.ap_id)).await?;
            tracing::info!(territory = %t.slug, old = %old.ap_id, new = %target, "followed a moved Group");
        }
        change.commit().await
    }
}
