//! A territory moving away (issue 15 point 9; docs/admin.md "Moving a territory"), as
//! Mastodon's account migration (<https://docs.joinmastodon.org/user/moving/>): once its export
//! is imported on the new instance, whose Group lists this one in `alsoKnownAs`, the old Group
//! records `movedTo` and sends its followers a `Move`; their servers follow the new Group.

use url::Url;

use crate::{
    domain::local_actor::LocalActor,
    error::{AppError, AppResult},
    federation::{
        fetch::{self, Accept},
        outgoing, protocol,
    },
    processing::unit::Change,
    state::AppState,
    storage,
};

/// Whether the actor document `json` lists `old` among its `alsoKnownAs` (a string or a list).
pub fn lists_alias(json: &serde_json::Value, old: &str) -> bool {
    match json.get("alsoKnownAs") {
        Some(serde_json::Value::String(s)) => s == old,
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(protocol::id_of).any(|s| s == old),
        _ => false,
    }
}

/// Moves `slug` to the Group `target`; returns how many inboxes the `Move` goes to. The target
/// is fetched first and must name this Group in `alsoKnownAs` (nothing is written otherwise).
pub async fn move_to(state: &AppState, slug: &str, target: &Url, by: &str) -> AppResult<usize> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let old = state.urls.territory(slug);
    if state.urls.is_local(target) {
        return Err(AppError::BadRequest("the new address is on this instance".into()));
    }
    if let Some(moved) = &t.moved_to
        && moved != target.as_str()
    {
        return Err(AppError::Conflict(format!("{slug} moved to {moved} already")));
    }
    // Network before the change: the new Group's actor, as it is now.
    let fetched = fetch::get_json(state, target, Accept::ActivityPub).await?;
    if fetched.json.get("id").and_then(serde_json::Value::as_str) != Some(target.as_str()) {
        return Err(AppError::BadRequest(format!("{target} is not an actor whose id is that address")));
    }
    if !lists_alias(&fetched.json, old.as_str()) {
        return Err(AppError::BadRequest(format!(
            "{target} does not list {old} in alsoKnownAs: import the export there first (or add the alias)"
        )));
    }
    let mut change = Change::begin(state).await?;
    storage::territories::set_moved_to(change.conn(), t.id, target.as_str()).await?;
    let inboxes = storage::follows::follower_inboxes_in(change.conn(), t.id).await?;
    let activity = protocol::activities::move_actor(
        &outgoing::new_activity_id(state),
        &old,
        target,
        &state.urls.territory_followers(slug),
    );
    change.queue(LocalActor::Territory(t.id), &activity, true, &inboxes).await?;
    change.audit(by, "territory.move", &format!("{slug} to {target}")).await?;
    change.commit().await?;
    Ok(inboxes.len())
}

/// Adds `old` to the ids `slug` was known by (`alsoKnownAs`): for a Group moving here from a
/// server that is not Maillage (an import sets it by itself).
pub async fn add_alias(state: &AppState, slug: &str, old: &Url, by: &str) -> AppResult<()> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    if state.urls.is_local(old) {
        return Err(AppError::BadRequest("the old address is on this instance".into()));
    }
    let mut change = Change::begin(state).await?;
    storage::territories::add_also_known_as(change.conn(), t.id, old.as_str()).await?;
    change.audit(by, "territory.alias", &format!("{slug}: also known as {old}")).await?;
    change.commit().await
}
