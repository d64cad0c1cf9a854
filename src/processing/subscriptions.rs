//! Subscribing to whole instances and relays, and deciding on instances that subscribe to ours
//! (issue 13, point 7): shared by the CLI (`maillage subscribe`, `relay add`) and the console.
//!
//! Our instance actor (`/actor`, FEP-2677) sends the `Follow`: of the other instance's actor, or
//! of `as:Public` to a LitePub relay's actor (as Pleroma and activityrelay expect). Once
//! accepted, every territory of that instance delivers its public activities to us
//! (`storage::follows::follower_inboxes_in` on its side; `is_followed_in` on ours).

use activitypub_federation::config::Data;

use crate::{
    domain::{
        local_actor::LocalActor,
        subscription::{PUBLIC, SubscriptionKind},
        territory::FollowState,
    },
    error::{AppError, AppResult},
    federation::{
        activities::{follow::stored_follow, subscription},
        objects::lookup_actor,
        outgoing,
        protocol::activities::{follow, undo},
        signatures::host_header,
    },
    processing::unit::Change,
    state::AppState,
    storage::{actors::remote_actor_by_ap_id_in, subscriptions as subs},
};

/// Our instance actor follows the instance at `target` (its base URL, host or actor URL) or,
/// for a relay, the relay actor at `target`; pending until the Accept. The actor's id.
pub async fn subscribe(data: &Data<AppState>, target: &str, kind: SubscriptionKind, by: &str) -> AppResult<String> {
    // The remote actor may need fetches (network): before the change opens.
    let actor = match kind {
        SubscriptionKind::Instance => subscription::instance_actor_of(data, target).await?,
        SubscriptionKind::Relay => lookup_actor(data, target).await?,
    };
    if actor.row.host == data.config.authority() {
        return Err(AppError::BadRequest("an instance does not subscribe to itself".into()));
    }
    let me = data.urls.instance_actor();
    let id = outgoing::new_activity_id(data);
    let object = match kind {
        SubscriptionKind::Instance => url::Url::parse(&actor.row.ap_id)?,
        SubscriptionKind::Relay => url::Url::parse(PUBLIC)?,
    };
    let json = follow(&id, &me, &object);
    let mut change = Change::begin(data).await?;
    subs::upsert_subscription(change.conn(), actor.row.id, kind, id.as_str()).await?;
    change.queue(LocalActor::Instance, &json, false, std::slice::from_ref(&actor.row.inbox)).await?;
    change.audit(by, "subscription.add", &format!("{kind}: {}", actor.row.ap_id)).await?;
    change.commit().await?;
    Ok(actor.row.ap_id)
}

/// Stops a subscription named by actor id, host or base URL: `Undo(Follow)` queued, the
/// subscription removed. What was received stays (as after unfollowing a territory).
pub async fn unsubscribe(state: &AppState, target: &str, by: &str) -> AppResult<String> {
    let sub = find(state.store.subscriptions().await?, target)
        .ok_or_else(|| AppError::NotFound(format!("no subscription to {target}")))?;
    let me = state.urls.instance_actor();
    let object = match sub.kind {
        SubscriptionKind::Instance => sub.actor_ap_id.clone(),
        SubscriptionKind::Relay => PUBLIC.to_string(),
    };
    let follow_json = stored_follow(&sub.follow_ap_id, me.as_str(), &object);
    let json = undo(&outgoing::new_activity_id(state), &me, &follow_json);
    let mut change = Change::begin(state).await?;
    subs::delete_subscription(change.conn(), sub.actor_id).await?;
    change.queue(LocalActor::Instance, &json, false, std::slice::from_ref(&sub.inbox)).await?;
    change.audit(by, "subscription.remove", &format!("{}: {}", sub.kind, sub.actor_ap_id)).await?;
    change.commit().await?;
    Ok(sub.actor_ap_id)
}

/// Approves (`Accept`) or refuses (`Reject`) an instance waiting to subscribe to ours.
pub async fn decide_subscriber(state: &AppState, who: &str, approve: bool, by: &str) -> AppResult<String> {
    let sub = find(state.store.subscribers().await?, who)
        .filter(|s| s.state == FollowState::Pending)
        .ok_or_else(|| AppError::NotFound(format!("no pending subscriber {who}")))?;
    // An approved Maillage instance gets every territory's figures with the Accept (looked up
    // before the change: no network inside its transaction).
    let owed = match state.store.remote_actor_by_ap_id(&sub.actor_ap_id).await? {
        Some(a) if approve => subscription::aggregates_owed(state, &a).await?,
        _ => vec![],
    };
    let mut change = Change::begin(state).await?;
    let follower = remote_actor_by_ap_id_in(change.conn(), &sub.actor_ap_id)
        .await?
        .ok_or_else(|| AppError::NotFound("subscriber".into()))?;
    let follow_json = stored_follow(&sub.follow_ap_id, &sub.actor_ap_id, state.urls.instance_actor().as_str());
    if approve {
        subs::set_subscriber_state(change.conn(), follower.id, FollowState::Accepted).await?;
        subscription::answer(&mut change, &follower, &follow_json, "Accept").await?;
        super::observatory_aggregates::queue_to_new_follower(&mut change, &owed, &follower.inbox).await?;
    } else {
        subs::delete_subscriber(change.conn(), follower.id).await?;
        subscription::answer(&mut change, &follower, &follow_json, "Reject").await?;
    }
    let what = if approve { "subscriber.approve" } else { "subscriber.reject" };
    change.audit(by, what, &sub.actor_ap_id).await?;
    change.commit().await?;
    Ok(sub.actor_ap_id)
}

/// The row named by its actor id, or by its host (`other.example`, `https://other.example/`).
fn find(rows: Vec<subs::SubscriptionRow>, target: &str) -> Option<subs::SubscriptionRow> {
    let t = target.trim();
    // `localhost:8080` parses as a URL of scheme `localhost`: only `scheme://` is a URL here.
    let url = t.contains("://").then(|| url::Url::parse(t).ok()).flatten();
    let host = url.map(|u| host_header(&u)).unwrap_or_else(|| t.trim_end_matches('/').to_string());
    let by_id = rows.iter().position(|r| r.actor_ap_id == t);
    let i = by_id.or_else(|| rows.iter().position(|r| r.host == host))?;
    rows.into_iter().nth(i)
}
