//! Co-organising a shared action with a territory of another instance (issue 12, point 7),
//! what moderators do; each step one change (rows, activities, audit entry):
//!
//! - [`invite`]: our territory A invites a remote territory B (by handle or URL): `Invite`
//!   with the `Event` embedded, to B;
//! - [`answer`]: our territory B accepts (`Accept` of the `Invite`: B then lists itself among
//!   the organisers and `Announce`s the action to its followers) or declines (`Reject`);
//! - [`withdraw`]: either side ends it: B sends `Undo` of its `Accept`, A sends `Remove` of B
//!   and an `Update` of the `Event` without B;
//! - [`update_details`]: B's moderators change practical details (place, times, capacity,
//!   online link): B sends the origin an `Update` of the `Event`, the origin applies what a
//!   co-organiser may change and sends the action on to everyone.
//!
//! The origin stays the one source of the action and of its participants: people join it at
//! its id (its origin answers), B's agenda shows the count the origin sends.
//! What arrives: `federation/activities/coorganisation.rs`. docs/FEDERATION.md, "Co-organisation".

use activitypub_federation::config::Data;
use serde_json::Value;

use super::{
    action_publication::{self as publication},
    actions::{ActionError, as_input, event_json_in, local_in, readers_before, tell_followers},
    unit::Change,
};
use crate::{
    domain::{
        action::{ActionInput, NewAction, PublicationState},
        coorganisation::{InvitationDirection, InvitationState},
        ids::ActionId,
        local_actor::LocalActor,
    },
    error::{AppError, AppResult},
    federation::{
        outgoing::new_activity_id,
        protocol::{
            coorganisation::{
                accept_id, answer_invite, invite as invite_json, organizer_update, remove_organizer, stored_invite,
                undo_accept,
            },
            event::{EventFacts, event},
            practice::{Publication, announce, time},
        },
    },
    state::AppState,
    storage::{
        action_invitations::{self as invitations, InvitationRow},
        actions::{self as store, ActionRow},
        actors::remote_actor_by_ap_id_in,
        follows::follower_inboxes_in,
        territories::territory_by_id_in,
    },
};

/// Our territory `territory_id` as an actor id.
async fn territory_url(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    t: crate::domain::ids::TerritoryId,
) -> AppResult<String> {
    let row = territory_by_id_in(conn, t).await?.ok_or_else(|| AppError::NotFound(format!("territory {t}")))?;
    Ok(state.urls.territory(&row.slug).to_string())
}

/// Invites the remote territory `handle` (`name@host` or its actor URL) to co-organise our
/// published action `action_id`. Its invitation id.
pub async fn invite(data: &Data<AppState>, action_id: ActionId, handle: &str, by: &str) -> AppResult<i64> {
    let handle = handle.trim();
    if handle.is_empty() {
        return Err(AppError::Unprocessable("territory: a handle (name@host) or an actor URL is required".into()));
    }
    let r = local_in(data.store.pool(), action_id).await?;
    if r.publication != PublicationState::Published {
        return Err(AppError::Conflict("publish the action before inviting co-organisers".into()));
    }
    // The remote actor may need a fetch (network): before the change opens.
    let target = super::follows::resolve_actor(data, handle)
        .await
        .map_err(|e| AppError::Unprocessable(format!("territory: cannot find {handle}: {e}")))?;
    if target.row.kind != "Group" {
        return Err(AppError::Unprocessable(format!("territory: {} is not a territory (Group)", target.row.ap_id)));
    }
    let territory_id = r.territory_id.unwrap_or_default();
    let mut change = Change::begin(data).await?;
    let r = local_in(change.conn(), action_id).await?;
    if invitations::is_organizer_in(change.conn(), r.id, &target.row.ap_id).await? {
        return Err(AppError::Conflict(format!("{} organises it already", target.row.ap_id)));
    }
    let id = new_activity_id(data);
    let event = event_json_in(data, change.conn(), &r).await?;
    let json = invite_json(&id, &r.origin_actor, &event, &target.row.ap_id);
    let invitation = invitations::upsert(
        change.conn(),
        r.id,
        InvitationDirection::Sent,
        territory_id,
        &target.row.ap_id,
        id.as_str(),
        by,
    )
    .await?;
    change.queue(LocalActor::Territory(territory_id), &json, false, std::slice::from_ref(&target.row.inbox)).await?;
    change.audit(by, "action.invite", &format!("action {action_id}: {}", target.row.ap_id)).await?;
    change.commit().await?;
    Ok(invitation)
}

/// The invitations of an action, sent or received (moderators).
pub async fn list(state: &AppState, action_id: ActionId) -> AppResult<Vec<InvitationRow>> {
    state.store.action(action_id).await?.ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    invitations::of_action_in(state.store.pool(), action_id).await
}

/// Invitations our territories received (`pending_only`: awaiting an answer).
pub async fn received(state: &AppState, pending_only: bool) -> AppResult<Vec<InvitationRow>> {
    invitations::received_in(state.store.pool(), pending_only).await
}

async fn invitation_of(change: &mut Change, action_id: ActionId, id: i64) -> AppResult<InvitationRow> {
    invitations::by_id_in(change.conn(), id)
        .await?
        .filter(|i| i.action_id == action_id)
        .ok_or_else(|| AppError::NotFound(format!("invitation {id} of action {action_id}")))
}

/// Our territory accepts (`accept`) or declines the pending invitation `id` it received.
pub async fn answer(state: &AppState, action_id: ActionId, id: i64, accept: bool, by: &str) -> AppResult<()> {
    let before =
        state.store.action(action_id).await?.ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    let mut change = Change::begin(state).await?;
    let inv = invitation_of(&mut change, action_id, id).await?;
    if inv.direction != InvitationDirection::Received || inv.state != InvitationState::Pending {
        return Err(AppError::Conflict(format!("invitation {id} is not waiting for our answer")));
    }
    let inviter = remote_actor_by_ap_id_in(change.conn(), &inv.actor)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("actor {}", inv.actor)))?;
    let me = territory_url(state, change.conn(), inv.territory_id).await?;
    let invite = stored_invite(&inv.invite_ap_id, &inv.actor, &before.ap_id, &me);
    let answer_id = if accept {
        accept_id(&me, inv.id).map_err(|e| AppError::Internal(e.to_string()))?
    } else {
        new_activity_id(state)
    };
    let json = answer_invite(&answer_id, &me, &invite, accept);
    let by_us = LocalActor::Territory(inv.territory_id);
    change.queue(by_us, &json, false, std::slice::from_ref(&inviter.inbox)).await?;
    if accept {
        store::set_publication(change.conn(), action_id, PublicationState::Published).await?;
        invitations::set_state(change.conn(), inv.id, InvitationState::Accepted, by).await?;
        invitations::accept_organizer(change.conn(), action_id, &me, Some(inv.territory_id)).await?;
        // Our followers learn of it: an `Announce` of the action's id (they fetch it).
        let followers = follower_inboxes_in(change.conn(), inv.territory_id).await?;
        let at = Publication::of(&state.urls, &me)
            .ok_or_else(|| AppError::internal("an invited territory is not one of this instance"))?;
        let now = time(crate::domain::now_millis());
        let boost = announce(new_activity_id(state).as_str(), &at, Value::String(before.ap_id.clone()), &now);
        change.queue(by_us, &boost, true, &followers).await?;
    } else if before.publication == PublicationState::Draft {
        // Held only for the invitation: declined, it goes (its invitation with it).
        store::delete(change.conn(), action_id).await?;
    } else {
        invitations::set_state(change.conn(), inv.id, InvitationState::Declined, by).await?;
    }
    let what = if accept { "action.invitation.accept" } else { "action.invitation.decline" };
    change.audit(by, what, &format!("action {action_id} invitation {id}")).await?;
    change.commit().await
}

/// Ends an accepted co-organisation from our side: received (we co-organise a remote action)
/// → `Undo` of our `Accept`; sent (our action) → `Remove` of the co-organiser, and everyone
/// gets the `Event` without it. A pending invitation we sent is withdrawn quietly.
pub async fn withdraw(state: &AppState, action_id: ActionId, id: i64, by: &str) -> AppResult<()> {
    let before =
        state.store.action(action_id).await?.ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let inv = invitation_of(&mut change, action_id, id).await?;
    if !matches!(inv.state, InvitationState::Accepted | InvitationState::Pending)
        || (inv.direction == InvitationDirection::Received && inv.state == InvitationState::Pending)
    {
        return Err(AppError::Conflict(format!("invitation {id} is not in force")));
    }
    let other = remote_actor_by_ap_id_in(change.conn(), &inv.actor)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("actor {}", inv.actor)))?;
    let me = territory_url(state, change.conn(), inv.territory_id).await?;
    let by_us = LocalActor::Territory(inv.territory_id);
    let r = store::action_in(change.conn(), action_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    match inv.direction {
        InvitationDirection::Received => {
            let invite = stored_invite(&inv.invite_ap_id, &inv.actor, &r.ap_id, &me);
            let accept_id = accept_id(&me, inv.id).map_err(|e| AppError::Internal(e.to_string()))?;
            let accept = answer_invite(&accept_id, &me, &invite, true);
            let undo = undo_accept(&new_activity_id(state), &me, &accept, &inv.actor);
            change.queue(by_us, &undo, false, std::slice::from_ref(&other.inbox)).await?;
            invitations::remove_organizer(change.conn(), action_id, &me).await?;
        }
        InvitationDirection::Sent => {
            if inv.state == InvitationState::Accepted {
                let remove = remove_organizer(&new_activity_id(state), &me, &inv.actor, &r.ap_id);
                change.queue(by_us, &remove, false, std::slice::from_ref(&other.inbox)).await?;
                invitations::remove_organizer(change.conn(), action_id, &inv.actor).await?;
                let fresh = local_in(change.conn(), action_id).await?;
                tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
            }
        }
    }
    invitations::set_state(change.conn(), inv.id, InvitationState::Withdrawn, by).await?;
    change.audit(by, "action.invitation.withdraw", &format!("action {action_id} invitation {id}")).await?;
    change.commit().await
}

/// What a co-organiser may change: the practical details.
pub const PRACTICAL: [&str; 11] = [
    "start",
    "end",
    "timezone",
    "place_name",
    "address",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "capacity",
    "online_url",
];

/// `patch` (a JSON object of practical details) over `current`: the action it gives, or the
/// field errors (a field a co-organiser may not change is one).
pub fn merge_practical(
    current: &ActionInput,
    patch: &serde_json::Map<String, Value>,
) -> Result<NewAction, ActionError> {
    let mut merged = serde_json::to_value(current).map_err(AppError::from)?;
    let mut errors = vec![];
    for (k, v) in patch {
        match PRACTICAL.iter().find(|f| **f == k.as_str()) {
            Some(f) => merged[*f] = v.clone(),
            None => errors.push(("fields", "coorganizer-practical-only")),
        }
    }
    if !errors.is_empty() {
        return Err(ActionError::Fields(errors));
    }
    let input: ActionInput = serde_json::from_value(merged).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    NewAction::parse(&input).map_err(ActionError::Fields)
}

/// Our territory, co-organising the remote action `r`, changes its practical details: the
/// origin gets an `Update` of the `Event` signed by us; what it sends back to its organisers
/// refreshes our copy (the origin is the one source).
pub async fn update_details(state: &AppState, r: &ActionRow, patch: &Value, by: &str) -> Result<(), ActionError> {
    let fields = patch.as_object().ok_or_else(|| AppError::BadRequest("a JSON object".into()))?;
    let mut change = Change::begin(state).await?;
    let t = invitations::local_coorganizer_in(change.conn(), r.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("action {}", r.id)))?;
    let a = merge_practical(&as_input(r, &[]), fields)?;
    let me = territory_url(state, change.conn(), t).await?;
    let origin = remote_actor_by_ap_id_in(change.conn(), &r.origin_actor)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("actor {}", r.origin_actor)))?;
    let organizers = store::organizers_in(change.conn(), r.id).await?;
    let evaluation = super::action_evaluation::wire_in(change.conn(), r.id).await?;
    let at = Publication::remote(&state.urls, &r.origin_actor);
    let json = event(&EventFacts {
        id: &r.ap_id,
        action: &a,
        description_html: &r.description_html,
        at: &at,
        organizers: &organizers,
        contacts: &[],
        practices: &[],
        participants: r.remote_participants,
        published_ms: r.published_at.unwrap_or(r.created_at),
        updated_ms: crate::domain::now_millis(),
        evaluation: &evaluation,
    });
    let update = organizer_update(&new_activity_id(state), &me, &json, &r.origin_actor);
    change.queue(LocalActor::Territory(t), &update, false, std::slice::from_ref(&origin.inbox)).await?;
    change.audit(by, "action.coorganizer.update", &format!("action {}", r.id)).await?;
    change.commit().await?;
    Ok(())
}
