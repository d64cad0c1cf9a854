//! Following remote actors, and approving or rejecting followers (of a territory, and those
//! of a signatory's actor held because their domain is limited).

use activitypub_federation::config::Data;
use serde_json::Value;

use crate::domain::local_actor::LocalActor;
use crate::{
    domain::territory::FollowState,
    error::{AppError, AppResult},
    federation::{
        activities::{
            follow::{send_answer, stored_follow},
            signatory_follow,
        },
        objects::DbRemoteActor,
        outgoing,
        protocol::activities::{follow, undo},
    },
    processing::{observatory_aggregates, unit::Change},
    state::AppState,
    storage::{
        actors::remote_actor_by_ap_id_in,
        follows::{self, Direction, FollowRow},
        signatories::{SignatoryActorRow, signatory_actor_in},
        signatory_followers::{accept_signatory_follower, remove_signatory_follower, signatory_follow_in},
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
    follow_remote_audited(data, slug, handle, None).await
}

/// As [`follow_remote`], with the audit entry `following.add` by `by` in the same change.
pub async fn follow_remote_audited(
    data: &Data<AppState>,
    slug: &str,
    handle: &str,
    by: Option<&str>,
) -> AppResult<String> {
    let t = territory(data, slug).await?;
    // The remote actor may need a fetch (network): before the change opens.
    let target = resolve_actor(data, handle).await?;
    let actor = data.urls.territory(&t.slug);
    let id = outgoing::new_activity_id(data);
    let json = follow(&id, &actor, &url::Url::parse(&target.row.ap_id)?);
    let mut change = Change::begin(data).await?;
    follows::upsert_follow(change.conn(), Direction::Following, t.id, target.row.id, id.as_str(), FollowState::Pending)
        .await?;
    change.queue(LocalActor::Territory(t.id), &json, false, std::slice::from_ref(&target.row.inbox)).await?;
    if let Some(by) = by {
        change.audit(by, "following.add", &format!("{}: {}", t.slug, target.row.ap_id)).await?;
    }
    change.commit().await?;
    Ok(target.row.ap_id)
}

/// Stops following: `Undo(Follow)` queued, relation removed.
pub async fn unfollow_remote(data: &Data<AppState>, slug: &str, handle: &str) -> AppResult<()> {
    unfollow_remote_audited(data, slug, handle, None).await
}

/// As [`unfollow_remote`], with the audit entry `following.remove` by `by` in the same change.
pub async fn unfollow_remote_audited(
    data: &Data<AppState>,
    slug: &str,
    handle: &str,
    by: Option<&str>,
) -> AppResult<()> {
    let t = territory(data, slug).await?;
    let target = resolve_actor(data, handle).await?;
    let mut change = Change::begin(data).await?;
    let f = follows::follow_in(change.conn(), Direction::Following, t.id, target.row.id)
        .await?
        .ok_or_else(|| AppError::NotFound("not following".into()))?;
    let actor = data.urls.territory(&t.slug);
    let follow_json: Value = follow(&url::Url::parse(&f.follow_ap_id)?, &actor, &url::Url::parse(&f.actor_ap_id)?);
    let json = undo(&outgoing::new_activity_id(data), &actor, &follow_json);
    follows::delete_follow(change.conn(), Direction::Following, t.id, target.row.id).await?;
    change.queue(LocalActor::Territory(t.id), &json, false, std::slice::from_ref(&target.row.inbox)).await?;
    if let Some(by) = by {
        change.audit(by, "following.remove", &format!("{slug}: {handle}")).await?;
    }
    change.commit().await
}

/// Approves (`Accept`) or rejects (`Reject`) a pending follower, named by actor id or handle.
pub async fn decide_follower(state: &AppState, slug: &str, who: &str, approve: bool) -> AppResult<()> {
    decide_follower_audited(state, slug, who, approve, None).await
}

/// As [`decide_follower`], with the audit entry `follower.approve` or `follower.reject` by `by`
/// in the same change.
pub async fn decide_follower_audited(
    state: &AppState,
    slug: &str,
    who: &str,
    approve: bool,
    by: Option<&str>,
) -> AppResult<()> {
    let t = territory(state, slug).await?;
    // An approved Maillage follower gets the territory's figures with the Accept (looked up
    // before the change: no network inside its transaction).
    let named =
        |f: &FollowRow| f.actor_ap_id == who || f.handle().trim_start_matches('@') == who.trim_start_matches('@');
    let mut owed = (String::new(), vec![]);
    if approve
        && let Some(f) = state
            .store
            .follows_page(Direction::Followers, t.id, FollowState::Pending, i64::MAX, 0)
            .await?
            .into_iter()
            .find(named)
        && let Some(a) = state.store.remote_actor_by_ap_id(&f.actor_ap_id).await?
    {
        let here = [(t.id, t.slug.clone())];
        owed = (a.ap_id, observatory_aggregates::owed_to_new_follower(state, &here, &a.kind, &a.inbox).await?);
    }
    let mut change = Change::begin(state).await?;
    let pending =
        follows::follows_page_in(change.conn(), Direction::Followers, t.id, FollowState::Pending, i64::MAX, 0).await?;
    let f = pending.into_iter().find(named).ok_or_else(|| AppError::NotFound(format!("no pending follower {who}")))?;
    let follower = remote_actor_by_ap_id_in(change.conn(), &f.actor_ap_id)
        .await?
        .ok_or_else(|| AppError::NotFound("follower".into()))?;
    let follow_json = stored_follow(&f.follow_ap_id, &f.actor_ap_id, state.urls.territory(&t.slug).as_str());
    if approve {
        follows::set_follow_state(change.conn(), Direction::Followers, t.id, follower.id, FollowState::Accepted)
            .await?;
        send_answer(&mut change, &t, &follower, &follow_json, "Accept").await?;
        if follower.ap_id == owed.0 {
            observatory_aggregates::queue_to_new_follower(&mut change, &owed.1, &follower.inbox).await?;
        }
    } else {
        follows::delete_follow(change.conn(), Direction::Followers, t.id, follower.id).await?;
        send_answer(&mut change, &t, &follower, &follow_json, "Reject").await?;
    }
    if let Some(by) = by {
        let what = if approve { "follower.approve" } else { "follower.reject" };
        change.audit(by, what, &format!("{slug}: {who}")).await?;
    }
    change.commit().await
}

/// Approves (`Accept`) or refuses (`Reject`) a follow of one of `slug`'s signatories held
/// because the follower's domain is limited (issue 15, point 5), named by the Follow's id. The
/// answer comes from the signatory's actor, in one change with the audit entry
/// `signatory_follower.approve` or `signatory_follower.reject` by `by`.
pub async fn decide_signatory_follower(
    state: &AppState,
    slug: &str,
    follow_id: &str,
    approve: bool,
    by: &str,
) -> AppResult<()> {
    let t = territory(state, slug).await?;
    let mut change = Change::begin(state).await?;
    let f = signatory_follow_in(change.conn(), follow_id)
        .await?
        .filter(|f| f.territory_id == t.id && f.state == FollowState::Pending)
        .ok_or_else(|| AppError::NotFound(format!("no pending follow {follow_id}")))?;
    let s = signatory_actor_in(change.conn(), f.signatory_id)
        .await?
        .filter(SignatoryActorRow::is_public)
        .ok_or_else(|| AppError::NotFound("signatory".into()))?;
    let follower = remote_actor_by_ap_id_in(change.conn(), &f.actor_ap_id)
        .await?
        .ok_or_else(|| AppError::NotFound("follower".into()))?;
    let followed = state.urls.signatory(s.id);
    let follow_json = stored_follow(&f.follow_ap_id, &f.actor_ap_id, followed.as_str());
    if approve {
        accept_signatory_follower(change.conn(), s.id, follower.id).await?;
        signatory_follow::answer(&mut change, &s, &follower, &follow_json, "Accept").await?;
    } else {
        remove_signatory_follower(change.conn(), s.id, follower.id).await?;
        signatory_follow::answer(&mut change, &s, &follower, &follow_json, "Reject").await?;
    }
    let what = if approve { "signatory_follower.approve" } else { "signatory_follower.reject" };
    change.audit(by, what, &format!("{slug}: {} follows {followed}", f.actor_ap_id)).await?;
    change.commit().await
}
