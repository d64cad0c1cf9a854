//! Instance-to-instance subscriptions (issue 13, point 7), the inbound half: another instance's
//! actor `Follow`s ours (`/actor`), or leaves (`Undo(Follow)`); the instance or relay we
//! subscribed to answers our Follow (`Accept`/`Reject`). The outbound half (subscribing,
//! approving) is `processing::subscriptions`; what subscribers receive is every territory's
//! fan-out (`storage::follows::follower_inboxes_in`).
//!
//! Discovery of an instance's actor: NodeInfo's `https://www.w3.org/ns/activitystreams#Application`
//! link (FEP-2677). https://codeberg.org/fediverse/fep/src/branch/main/fep/2677/fep-2677.md

use serde_json::Value;
use url::Url;

use crate::{
    domain::{ids::TerritoryId, local_actor::LocalActor, territory::FollowState},
    error::{AppError, AppResult},
    federation::{
        fetch::{self, Accept},
        objects::{DbRemoteActor, lookup_actor},
        outgoing,
        protocol::{activities::answer_follow, discovery::Links},
        signatures::host_header,
    },
    processing::{observatory_aggregates, unit::Change},
    state::AppState,
    storage::{activities::claim_received, actors::RemoteActorRow, subscriptions as subs},
};

/// The FEP-2677 relation naming an instance's actor in `/.well-known/nodeinfo`.
const APPLICATION_REL: &str = "https://www.w3.org/ns/activitystreams#Application";

/// What an operator typed (`https://other.example`, `other.example`, or the actor's URL) to the
/// instance's actor: a bare host or root URL is looked up through NodeInfo (FEP-2677).
pub async fn instance_actor_of(
    data: &activitypub_federation::config::Data<AppState>,
    target: &str,
) -> AppResult<DbRemoteActor> {
    let t = target.trim().trim_end_matches('/');
    let with_scheme =
        if t.contains("://") { t.to_string() } else { format!("{}://{t}", data.config.public_url.scheme()) };
    let url = Url::parse(&with_scheme).map_err(|_| AppError::BadRequest(format!("`{target}` is not a URL or host")))?;
    if url.path() != "/" && !url.path().is_empty() {
        return lookup_actor(data, url.as_str()).await;
    }
    let mut links_url = url.clone();
    links_url.set_path("/.well-known/nodeinfo");
    let doc = fetch::get_json(data, &links_url, Accept::WebFinger).await?;
    let links: Links = fetch::parse(&doc, "NodeInfo links document")?;
    let href =
        links.links.iter().find(|l| l.rel == APPLICATION_REL).and_then(|l| l.href.as_deref()).ok_or_else(|| {
            AppError::BadGateway(format!("{links_url} names no instance actor (FEP-2677 `Application` link)"))
        })?;
    let actor = Url::parse(href).map_err(|_| AppError::BadGateway(format!("{links_url}: the actor is not a URL")))?;
    // The instance's own actor, on its own host: no redirection of a subscription elsewhere.
    if host_header(&actor) != host_header(&url) {
        return Err(AppError::BadGateway(format!("{links_url} names an actor on another host")));
    }
    lookup_actor(data, actor.as_str()).await
}

/// A remote instance's `Follow` of our instance actor: accepted at once, or held for an admin
/// when `subscribers_by_hand` is set or its domain is limited (issue 15, point 5). Accepted at
/// once, a Maillage instance gets every territory's current `cces:Aggregate` with the Accept.
pub async fn receive_follow(state: &AppState, id: &str, raw: &Value, follower: &RemoteActorRow) -> AppResult<()> {
    let limited = state.is_limited(&follower.host).await?;
    let by_hand = state.config.subscribers_by_hand || limited;
    let owed = if by_hand { vec![] } else { aggregates_owed(state, follower).await? };
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), id, follower.ap_id.as_str(), "Follow").await? {
        return Ok(());
    }
    let existing = subs::subscriber_in(change.conn(), follower.id).await?;
    let already = existing.is_some_and(|s| s.state == FollowState::Accepted);
    let held = by_hand && !already;
    let now = if held { FollowState::Pending } else { FollowState::Accepted };
    subs::upsert_subscriber(change.conn(), follower.id, id, now).await?;
    if held {
        tracing::info!(subscriber = %follower.ap_id, limited, "instance subscription held for approval");
    } else {
        answer(&mut change, follower, raw, "Accept").await?;
        observatory_aggregates::queue_to_new_follower(&mut change, &owed, &follower.inbox).await?;
        tracing::info!(subscriber = %follower.ap_id, "instance subscriber accepted");
    }
    change.commit().await
}

/// The territories whose current aggregate a new subscriber gets with its Accept (looked up
/// before the accepting change: see `observatory_aggregates::owed_to_new_follower`).
pub async fn aggregates_owed(state: &AppState, follower: &RemoteActorRow) -> AppResult<Vec<(TerritoryId, String)>> {
    let territories: Vec<(TerritoryId, String)> =
        state.store.territories().await?.into_iter().map(|t| (t.id, t.slug)).collect();
    observatory_aggregates::owed_to_new_follower(state, &territories, &follower.kind, &follower.inbox).await
}

/// Queues `Accept` or `Reject` of `follow`, from our instance actor, to the subscriber's inbox.
pub async fn answer(change: &mut Change, follower: &RemoteActorRow, follow: &Value, kind: &str) -> AppResult<()> {
    let actor = change.state().urls.instance_actor();
    let json = answer_follow(kind, &outgoing::new_activity_id(change.state()), &actor, follow);
    change.queue(LocalActor::Instance, &json, false, std::slice::from_ref(&follower.inbox)).await?;
    Ok(())
}

/// `Undo(Follow)` of our instance actor: the subscriber leaves.
pub async fn receive_unfollow(state: &AppState, id: &str, signer: &RemoteActorRow) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), id, signer.ap_id.as_str(), "Undo").await? {
        return Ok(());
    }
    let gone = subs::delete_subscriber(change.conn(), signer.id).await?;
    change.commit().await?;
    tracing::info!(subscriber = %signer.ap_id, gone, "instance subscriber left");
    Ok(())
}

/// `Accept`/`Reject` of our instance actor's Follow (of an instance or a relay). Only the
/// followed actor answers it (403 otherwise); true when it answered a subscription of ours.
/// `ours`: the embedded Follow's actor is our instance actor.
pub async fn receive_answer(
    state: &AppState,
    id: &str,
    follow_id: Option<&str>,
    ours: bool,
    signer: &RemoteActorRow,
    kind: &str,
) -> AppResult<bool> {
    let by_id = match follow_id {
        Some(f) => state.store.subscription_by_follow_id(f).await?,
        None => None,
    };
    // A Follow embedded under another id (older software): by its actor, our instance actor.
    let by_actor = match (&by_id, ours) {
        (None, true) => state.store.subscription_of(signer.id).await?,
        _ => None,
    };
    let Some(sub) = by_id.or(by_actor) else { return Ok(false) };
    if sub.actor_id != signer.id {
        return Err(AppError::Forbidden("only the followed actor may answer a Follow".into()));
    }
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), id, signer.ap_id.as_str(), kind).await? {
        return Ok(true);
    }
    if kind == "Accept" {
        subs::accept_subscription(change.conn(), signer.id).await?;
    } else {
        subs::delete_subscription(change.conn(), signer.id).await?;
    }
    change.commit().await?;
    tracing::info!(followed = %signer.ap_id, kind, "answer to our instance subscription");
    Ok(true)
}
