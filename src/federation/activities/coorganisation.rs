//! Co-organisation activities received (issue 12, point 7; the use cases that send them:
//! `processing::action_coorganisation`):
//!
//! - `Invite` of one of our territories by the origin of a shared action: the action is stored
//!   (as received `Event`s are, but kept out of the agenda until accepted) with a pending
//!   invitation for its moderators. An `Invite` from
//!   anyone but the action's origin is ignored (202, nothing stored).
//! - `Accept`/`Reject` of one of our `Invite`s, by the invited territory only (403 otherwise):
//!   accepted, it joins the `organizers` and everyone gets an `Update` of the `Event`.
//! - `Undo` of that `Accept` (the co-organiser withdraws) and `Remove` of our territory by the
//!   origin (it withdraws us): the co-organiser goes.
//! - `Update` of one of our actions by a co-organiser ([`organizer_update`]): its practical
//!   details and its own evaluation are applied; by anyone else, 403.

use serde_json::Value;

use super::{Activity, Received, event::apply_event_in, local_territory, practice::Claim};
use crate::{
    domain::{
        action::PublicationState,
        coorganisation::{InvitationDirection, InvitationState},
        now_millis,
    },
    error::{AppError, AppResult},
    federation::protocol::{
        coorganisation::{AnswerInvite, Invite, RemoveOrganizerIn},
        inbound::is_event,
        received_event::EventObject,
    },
    processing::{
        action_coorganisation::{PRACTICAL, merge_practical},
        action_publication as publication,
        actions::{ActionError, as_input, local_in, readers_before, tell_followers},
        unit::Change,
    },
    state::AppState,
    storage::{
        action_evaluations as evaluations, action_invitations as invitations,
        actions::{self as store, ActionRow},
        activities::claim_received,
        actors::RemoteActorRow,
    },
};

impl Activity for Invite {
    /// Who may invite (the action's origin) is checked in `receive`: anyone else is ignored.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let invitee = self.target.as_ref().map(|t| t.id().to_string());
        let found = match &invitee {
            Some(t) => local_territory(state, t).await?,
            None => None,
        };
        let Some(territory) = found else {
            tracing::info!(activity = %self.id, "Invite of none of our territories: ignored");
            return Ok(());
        };
        let Some(o) = Some(&self.object).filter(|o| is_event(o)).and_then(|o| EventObject::from_value(o).ok()) else {
            tracing::info!(activity = %self.id, "Invite without an embedded Event: ignored");
            return Ok(());
        };
        let (o, ap_id) = (&o, o.common.id.as_str());
        // Only the action's origin invites: it is its `audience` and on its host.
        let same_host = url::Url::parse(ap_id).ok().map(|u| crate::federation::signatures::host_header(&u))
            == Some(signer.host.clone());
        let known = state.store.action_by_ap_id(ap_id).await?;
        let origin_ok = o.common.audience() == Some(signer.ap_id.as_str())
            && known.as_ref().is_none_or(|a| a.origin_actor == signer.ap_id && a.territory_id.is_none());
        if !same_host || !origin_ok {
            tracing::info!(activity = %self.id, from = %signer.ap_id, "Invite from one who does not organise the action: ignored");
            return Ok(());
        }
        let c = super::event::content(o, state.config.allow_private_network)
            .ok_or_else(|| AppError::BadRequest("Event without name or startTime".into()))?;
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), &signer.ap_id, ctx.kind).await? {
            return Ok(());
        }
        // Out of the agenda until our moderators accept (unless we have it already: we follow A).
        let publish = known.as_ref().is_some_and(|a| a.publication == PublicationState::Published);
        let id = apply_event_in(state, &mut change, o, ap_id, &signer.ap_id, &c, publish).await?;
        invitations::upsert(
            change.conn(),
            id,
            InvitationDirection::Received,
            territory.id,
            &signer.ap_id,
            self.id.as_str(),
            &signer.ap_id,
        )
        .await?;
        change
            .audit(&signer.ap_id, "action.invitation.receive", &format!("action {id} for {}", territory.slug))
            .await?;
        change.commit().await?;
        tracing::info!(action = %id, from = %signer.ap_id, territory = %territory.slug, "invitation to co-organise");
        Ok(())
    }
}

/// Our invitation `invite_id` (sent), if it is one.
async fn sent_invitation(state: &AppState, invite_id: &str) -> AppResult<Option<invitations::InvitationRow>> {
    let mut conn = state.store.pool().acquire().await?;
    Ok(invitations::by_invite_in(&mut conn, invite_id).await?.filter(|i| i.direction == InvitationDirection::Sent))
}

impl Activity for AnswerInvite {
    /// Only the invited territory answers.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        match sent_invitation(ctx.state(), self.object.id()).await? {
            Some(i) if i.actor != ctx.signer.ap_id => {
                Err(AppError::Forbidden("only the invited territory answers an Invite".into()))
            }
            _ => Ok(()),
        }
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let Some(inv) = sent_invitation(state, self.object.id()).await? else {
            tracing::info!(activity = %self.id, "answer to no Invite of ours: ignored");
            return Ok(());
        };
        let accepted = ctx.kind == "Accept";
        let before = local_in(state.store.pool(), inv.action_id).await?;
        let readers = readers_before(state, &before).await?;
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), &signer.ap_id, ctx.kind).await? {
            return Ok(());
        }
        let changed = match (accepted, inv.state) {
            (true, InvitationState::Pending) => {
                invitations::set_state(change.conn(), inv.id, InvitationState::Accepted, &signer.ap_id).await?;
                invitations::accept_organizer(change.conn(), inv.action_id, &signer.ap_id, None).await?;
                true
            }
            (false, InvitationState::Pending | InvitationState::Accepted) => {
                invitations::set_state(change.conn(), inv.id, InvitationState::Declined, &signer.ap_id).await?;
                invitations::remove_organizer(change.conn(), inv.action_id, &signer.ap_id).await?
            }
            _ => false,
        };
        if changed {
            let fresh = local_in(change.conn(), inv.action_id).await?;
            tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
        }
        let what = if accepted { "action.invitation.accepted" } else { "action.invitation.declined" };
        change.audit(&signer.ap_id, what, &format!("action {}", inv.action_id)).await?;
        change.commit().await?;
        tracing::info!(action = %inv.action_id, by = %signer.ap_id, accepted, "answer to our invitation");
        Ok(())
    }
}

/// `Undo` of its `Accept` of our `Invite` (`invite_id`): the co-organiser withdraws.
pub async fn invitee_withdraws(
    state: &AppState,
    activity_id: &str,
    signer: &RemoteActorRow,
    invite_id: &str,
) -> AppResult<()> {
    let Some(inv) = sent_invitation(state, invite_id).await? else {
        tracing::info!(activity = activity_id, "Undo of an Accept of no Invite of ours: ignored");
        return Ok(());
    };
    if inv.actor != signer.ap_id {
        return Err(AppError::Forbidden("only the co-organiser withdraws itself".into()));
    }
    let before = local_in(state.store.pool(), inv.action_id).await?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), activity_id, &signer.ap_id, "Undo").await? {
        return Ok(());
    }
    invitations::set_state(change.conn(), inv.id, InvitationState::Withdrawn, &signer.ap_id).await?;
    if invitations::remove_organizer(change.conn(), inv.action_id, &signer.ap_id).await? {
        let fresh = local_in(change.conn(), inv.action_id).await?;
        tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
    }
    change.audit(&signer.ap_id, "action.invitation.withdrawn", &format!("action {}", inv.action_id)).await?;
    change.commit().await
}

impl Activity for RemoveOrganizerIn {
    /// Only the action's origin removes a co-organiser (checked against what is stored).
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        if let Some(a) = ctx.state().store.action_by_ap_id(&self.target.id).await?
            && a.origin_actor != ctx.signer.ap_id
        {
            return Err(AppError::Forbidden("only an action's origin removes its co-organisers".into()));
        }
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let (Some(a), Some(territory)) = (
            state.store.action_by_ap_id(&self.target.id).await?.filter(|a| a.territory_id.is_none()),
            local_territory(state, self.object.id()).await?,
        ) else {
            tracing::info!(activity = %self.id, "Remove of no co-organiser of ours: ignored");
            return Ok(());
        };
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), &signer.ap_id, ctx.kind).await? {
            return Ok(());
        }
        invitations::remove_organizer(change.conn(), a.id, self.object.id()).await?;
        if let Some(inv) =
            invitations::with_actor_in(change.conn(), a.id, InvitationDirection::Received, &signer.ap_id).await?
        {
            invitations::set_state(change.conn(), inv.id, InvitationState::Withdrawn, &signer.ap_id).await?;
        }
        change
            .audit(&signer.ap_id, "action.coorganizer.removed", &format!("action {} {}", a.id, territory.slug))
            .await?;
        change.commit().await
    }
}

/// `Update` of our action `r` (its `Event` `o`) by `signer`: a co-organiser's practical
/// details and its own evaluation are applied, and everyone gets the action as it now is;
/// anyone else, 403.
pub async fn organizer_update(
    state: &AppState,
    r: &ActionRow,
    o: &EventObject,
    signer: &RemoteActorRow,
    claim: Claim<'_>,
) -> AppResult<()> {
    let is_organizer = {
        let mut conn = state.store.pool().acquire().await?;
        signer.ap_id != r.origin_actor && invitations::is_organizer_in(&mut conn, r.id, &signer.ap_id).await?
    };
    if !is_organizer {
        return Err(AppError::Forbidden("only an action's organisers change it".into()));
    }
    let received = super::event::content(o, state.config.allow_private_network)
        .ok_or_else(|| AppError::BadRequest("Event without name or startTime".into()))?;
    let readers = readers_before(state, r).await?;
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), claim.id, claim.actor, claim.kind).await? {
        return Ok(());
    }
    let current = local_in(change.conn(), r.id).await?;
    let practices: Vec<_> = store::practices_in(change.conn(), r.id).await?.into_iter().map(|p| p.0).collect();
    // What it says of the practical details, over what we have.
    let said = serde_json::to_value(received.to_input(&practices)).map_err(AppError::from)?;
    let patch: serde_json::Map<String, Value> =
        PRACTICAL.iter().filter_map(|k| Some((k.to_string(), said.get(*k)?.clone()))).collect();
    let a = match merge_practical(&as_input(&current, &practices), &patch) {
        Ok(a) => a,
        Err(ActionError::Fields(e)) => return Err(AppError::BadRequest(format!("practical details refused: {e:?}"))),
        Err(ActionError::App(e)) => return Err(e),
    };
    let mut content = a.content();
    content.description_md = current.description_md.clone();
    content.description_html = current.description_html.clone();
    store::update_content(change.conn(), r.id, &content).await?;
    // Its own evaluation, if it sends one.
    if let Some(e) = o.evaluation.iter().find(|e| e.attributed_to == signer.ap_id) {
        if current.ends_at > now_millis() {
            return Err(AppError::BadRequest("an evaluation before the action ended".into()));
        }
        let c = super::event::evaluation_content(e, state.config.allow_private_network);
        evaluations::upsert(change.conn(), r.id, &signer.ap_id, None, &c, &signer.ap_id).await?;
    }
    let fresh = local_in(change.conn(), r.id).await?;
    tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
    change.audit(&signer.ap_id, "action.coorganizer.update", &format!("action {}", r.id)).await?;
    change.commit().await?;
    tracing::info!(action = %r.id, by = %signer.ap_id, "action changed by a co-organiser");
    Ok(())
}
