//! Following remote actors, and approving or rejecting followers.

use activitypub_federation::config::Data;
use serde_json::Value;

use crate::{
    domain::territory::FollowState,
    error::{AppError, AppResult},
    federation::{
        activities::follow::{send_answer, stored_follow},
        objects::DbRemoteActor,
        outgoing,
        protocol::activities::{follow, undo},
    },
    state::AppState,
    storage::{
        follows::{self, Direction},
        territories::TerritoryRow,
    },
};

async fn territory(state: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

/// Resolves `acct:name@host`, `@name@host`, `name@host` or an actor URL; errors name the
/// URL that failed and how.
pub async fn resolve_actor(data: &Data<AppState>, handle: &str) -> AppResult<DbRemoteActor> {
    crate::federation::objects::lookup_actor(data, handle).await
}

/// The territory follows a remote actor: a pending relation and a queued `Follow`.
pub async fn follow_remote(data: &Data<AppState>, slug: &str, handle: &str) -> AppResult<String> {
    let t = territory(data, slug).await?;
    let target = resolve_actor(data, handle).await?;
    let actor = data.territory_id_url(&t.slug);
    let id = outgoing::new_activity_id(data);
    let json = follow(&id, &actor, &url::Url::parse(&target.row.ap_id)?);
    let mut tx = data.store.begin().await?;
    follows::upsert_follow(&mut tx, Direction::Following, t.id, target.row.id, id.as_str(), FollowState::Pending)
        .await?;
    outgoing::queue(&mut tx, Some(t.id), &json, false, std::slice::from_ref(&target.row.inbox)).await?;
    tx.commit().await?;
    data.delivery_notify.notify_one();
    Ok(target.row.ap_id)
}

/// Stops following: `Undo(Follow)` queued, relation removed.
pub async fn unfollow_remote(data: &Data<AppState>, slug: &str, handle: &str) -> AppResult<()> {
    let t = territory(data, slug).await?;
    let target = resolve_actor(data, handle).await?;
    let f = data
        .store
        .follow(Direction::Following, t.id, target.row.id)
        .await?
        .ok_or_else(|| AppError::NotFound("not following".into()))?;
    let actor = data.territory_id_url(&t.slug);
    let follow_json: Value = follow(&url::Url::parse(&f.follow_ap_id)?, &actor, &url::Url::parse(&f.actor_ap_id)?);
    let json = undo(&outgoing::new_activity_id(data), &actor, &follow_json);
    let mut tx = data.store.begin().await?;
    follows::delete_follow(&mut tx, Direction::Following, t.id, target.row.id).await?;
    outgoing::queue(&mut tx, Some(t.id), &json, false, std::slice::from_ref(&target.row.inbox)).await?;
    tx.commit().await?;
    data.delivery_notify.notify_one();
    Ok(())
}

/// Approves (`Accept`) or rejects (`Reject`) a pending follower, named by actor id or handle.
pub async fn decide_follower(state: &AppState, slug: &str, who: &str, approve: bool) -> AppResult<()> {
    let t = territory(state, slug).await?;
    let pending = state.store.follows_page(Direction::Followers, t.id, FollowState::Pending, i64::MAX, 0).await?;
    let f = pending
        .into_iter()
        .find(|f| f.actor_ap_id == who || f.handle().trim_start_matches('@') == who.trim_start_matches('@'))
        .ok_or_else(|| AppError::NotFound(format!("no pending follower {who}")))?;
    let follower = state
        .store
        .remote_actor_by_ap_id(&f.actor_ap_id)
        .await?
        .ok_or_else(|| AppError::NotFound("follower".into()))?;
    let follow_json = stored_follow(&f.follow_ap_id, &f.actor_ap_id, state.territory_id_url(&t.slug).as_str());
    let mut tx = state.store.begin().await?;
    if approve {
        follows::set_follow_state(&mut tx, Direction::Followers, t.id, follower.id, FollowState::Accepted).await?;
        send_answer(state, &mut tx, &t, &follower, &follow_json, "Accept").await?;
    } else {
        follows::delete_follow(&mut tx, Direction::Followers, t.id, follower.id).await?;
        send_answer(state, &mut tx, &t, &follower, &follow_json, "Reject").await?;
    }
    tx.commit().await?;
    state.delivery_notify.notify_one();
    Ok(())
}
