//! `Accept` / `Reject` of a Follow one of our territories sent.

use activitypub_federation::config::Data;

use super::local_territory;
use crate::{
    error::{AppError, AppResult},
    federation::protocol::{activities::Envelope, id_of},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::{self, Direction, FollowRow},
    },
};

pub async fn receive(state: &Data<AppState>, env: &Envelope, signer: &RemoteActorRow, accepted: bool) -> AppResult<()> {
    let follow = find_our_follow(state, env, signer).await?;
    let Some(follow) = follow else {
        tracing::info!(activity = %env.id, "Accept/Reject of no pending follow of ours: ignored");
        return Ok(());
    };
    if follow.actor_ap_id != signer.ap_id {
        return Err(AppError::Forbidden("only the followed actor may answer a Follow".into()));
    }
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), env.id.as_str(), signer.ap_id.as_str(), &env.kind).await? {
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

/// The Follow is named by id (most servers) or embedded with a different id (some older
/// software): then actor and object identify it.
async fn find_our_follow(state: &AppState, env: &Envelope, signer: &RemoteActorRow) -> AppResult<Option<FollowRow>> {
    if let Some(id) = id_of(&env.object)
        && let Some(f) = state.store.following_by_follow_id(id).await?
    {
        return Ok(Some(f));
    }
    if let Some(actor) = env.object.get("actor").and_then(id_of)
        && let Some(t) = local_territory(state, actor).await?
    {
        return state.store.follow(Direction::Following, t.id, signer.id).await;
    }
    Ok(None)
}
