//! `Undo(Follow)`: the follower leaves (a territory or a signatory). `Undo` of a `Like` or an
//! `Announce`: the reaction or adoption goes; a practice's territory undoing its `Announce` of
//! a comment withdraws the comment (its moderators hid it). `Undo(Join)`: the participant
//! leaves the shared action (as a `Leave`). Of anything else, acknowledged and
//! ignored.
//! https://www.w3.org/TR/activitypub/#undo-activity-inbox

use super::{Activity, Received, local_territory, signatory_follow};
use crate::{
    error::{AppError, AppResult},
    federation::{protocol::inbound::Undo, signatory_actors},
    processing::{comments::subject_in, unit::Change},
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        comments, conversations as conv,
        follows::{self, Direction},
        reactions,
        territories::TerritoryRow,
    },
};

impl Activity for Undo {
    /// An embedded Follow is undone by its own actor only.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        if let Some(undone) = self.undone()
            && undone.kind.as_deref() == Some("Follow")
            && undone.object.is_some()
            && undone.actor.as_ref().map(|a| a.id()) != Some(ctx.signer.ap_id.as_str())
        {
            return Err(AppError::Forbidden("cannot undo another actor's Follow".into()));
        }
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let undone = self.undone();
        let inner_kind = undone.and_then(|u| u.kind.as_deref());
        // The undone Follow is embedded (Mastodon, Lemmy) or named by id only (some others).
        let territory = match (inner_kind, undone.and_then(|u| u.object.as_ref())) {
            (Some("Follow"), Some(object)) => {
                if object.id() == state.urls.instance_actor().as_str() {
                    return super::subscription::receive_unfollow(state, self.id.as_str(), signer).await;
                }
                if let Some(id) = signatory_actors::local_signatory_id(state, object.id()) {
                    return signatory_follow::receive_unfollow(state, self.id.as_str(), signer, id).await;
                }
                local_territory(state, object.id()).await?
            }
            (Some("Like" | "Announce"), _) => return undo_reaction(state, &self, signer).await,
            (Some("Accept"), Some(invite)) => {
                return super::coorganisation::invitee_withdraws(state, self.id.as_str(), signer, invite.id()).await;
            }
            (Some("Join"), Some(event)) => {
                return super::participation::leave(state, self.id.as_str(), signer, event.id()).await;
            }
            (None, _) => match self.undone_id() {
                Some(id) => match follower_territory_by_follow_id(state, id, signer).await? {
                    Some(t) => Some(t),
                    // Only an id: perhaps a Like or Announce of ours to withdraw.
                    None => return undo_reaction(state, &self, signer).await,
                },
                None => None,
            },
            _ => {
                tracing::info!(activity = %self.id, kind = ?inner_kind, "Undo of an activity we do not keep: ignored");
                return Ok(());
            }
        };
        let Some(territory_id) = territory.map(|t| t.id) else {
            tracing::info!(activity = %self.id, "Undo(Follow) of no local follow: ignored");
            return Ok(());
        };
        let mut change = Change::begin(state).await?;
        if !claim_received(change.conn(), self.id.as_str(), signer.ap_id.as_str(), "Undo").await? {
            return Ok(());
        }
        follows::delete_follow(change.conn(), Direction::Followers, territory_id, signer.id).await?;
        change.commit().await?;
        tracing::info!(follower = %signer.ap_id, "follower left");
        Ok(())
    }
}

async fn follower_territory_by_follow_id(
    state: &AppState,
    follow_id: &str,
    signer: &RemoteActorRow,
) -> AppResult<Option<TerritoryRow>> {
    for t in state.store.territories().await? {
        if let Some(f) = state.store.follow(Direction::Followers, t.id, signer.id).await?
            && f.follow_ap_id == follow_id
        {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// `Undo` of a `Like` or an `Announce`: the reaction or adoption goes; the practice's
/// territory undoing its `Announce` of a comment withdraws the comment.
async fn undo_reaction(state: &AppState, undo: &Undo, signer: &RemoteActorRow) -> AppResult<()> {
    let Some(inner) = undo.undone_id() else { return Ok(()) };
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), undo.id.as_str(), &signer.ap_id, "Undo").await? {
        return Ok(());
    }
    let withdrawn_comment = match undo.undone().and_then(|u| u.object.as_ref()) {
        Some(object) => comments::by_ap_id_in(change.conn(), object.id()).await?,
        None => None,
    };
    let remote_origin = match &withdrawn_comment {
        Some(c) => subject_in(state, change.conn(), c.on).await?.and_then(|s| s.remote_origin),
        None => None,
    };
    let undone = conv::remove_adoption_by_activity(change.conn(), inner, &signer.ap_id).await?
        || reactions::remove(change.conn(), inner, &signer.ap_id).await?;
    if !undone
        && let Some(c) = &withdrawn_comment
        && remote_origin.as_deref() == Some(signer.ap_id.as_str())
    {
        comments::delete(change.conn(), c).await?;
        tracing::info!(comment = %c.ap_id, "comment withdrawn by the practice's territory");
    }
    change.commit().await
}
