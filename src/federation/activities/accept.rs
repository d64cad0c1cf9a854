//! `Accept` / `Reject` of a Follow one of our territories sent.
//! https://www.w3.org/TR/activitypub/#accept-activity-inbox

use super::{Activity, Received, local_territory};
use crate::{
    error::{AppError, AppResult},
    federation::protocol::inbound::{AnswerFollow, AnsweredFollow},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::{self, Direction, FollowRow},
    },
};

impl Activity for AnswerFollow {
    /// Only the followed actor answers a Follow.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        match find_our_follow(ctx.state(), self, ctx.signer).await? {
            Some(follow) if follow.actor_ap_id != ctx.signer.ap_id => {
                Err(AppError::Forbidden("only the followed actor may answer a Follow".into()))
            }
            _ => Ok(()),
        }
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.data, ctx.signer);
        let accepted = ctx.kind == "Accept";
        // Of our instance actor's Follow (a subscription to an instance or a relay)?
        let (follow_id, ours) = match &self.object {
            Some(AnsweredFollow::Id(id)) => (Some(id.as_str()), false),
            Some(AnsweredFollow::Embedded { id, actor }) => {
                (id.as_deref(), actor.as_ref().is_some_and(|a| a.id() == state.urls.instance_actor().as_str()))
            }
            None => (None, false),
        };
        if super::subscription::receive_answer(state, self.id.as_str(), follow_id, ours, signer, ctx.kind).await? {
            return Ok(());
        }
        let Some(follow) = find_our_follow(state, &self, signer).await? else {
            tracing::info!(activity = %self.id, "Accept/Reject of no pending follow of ours: ignored");
            return Ok(());
        };
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), signer.ap_id.as_str(), ctx.kind).await? {
            return Ok(());
        }
        // Only the first Accept of a follow changes anything: a Group repeating Accepts (under
        // new ids) must not start an outbox backfill each time.
        let mut newly_accepted = false;
        if accepted {
            newly_accepted = follows::accept_pending(change.conn(), follow.territory_id, follow.actor_id).await?;
        } else {
            follows::delete_follow(change.conn(), Direction::Following, follow.territory_id, follow.actor_id).await?;
        }
        change.commit().await?;
        tracing::info!(followed = %signer.ap_id, accepted, "answer to our Follow");
        if newly_accepted && signer.kind == "Group" {
            // Its earlier practices, in the background: the Accept is answered at once.
            let data = state.reset_request_count();
            let actor = signer.clone();
            tokio::spawn(async move {
                if let Err(e) = crate::federation::backfill::practices_of(&data, &actor).await {
                    tracing::info!(actor = %actor.ap_id, error = %e, "cannot fetch the outbox of a followed territory");
                }
            });
        }
        Ok(())
    }
}

/// The Follow is named by id (most servers) or embedded with a different id (some older
/// software): then actor and object identify it.
async fn find_our_follow(
    state: &AppState,
    answer: &AnswerFollow,
    signer: &RemoteActorRow,
) -> AppResult<Option<FollowRow>> {
    let (id, actor) = match &answer.object {
        Some(AnsweredFollow::Id(id)) => (Some(id.as_str()), None),
        Some(AnsweredFollow::Embedded { id, actor }) => (id.as_deref(), actor.as_ref()),
        None => (None, None),
    };
    if let Some(id) = id
        && let Some(f) = state.store.following_by_follow_id(id).await?
    {
        return Ok(Some(f));
    }
    if let Some(actor) = actor
        && let Some(t) = local_territory(state, actor.id()).await?
    {
        return state.store.follow(Direction::Following, t.id, signer.id).await;
    }
    Ok(None)
}
