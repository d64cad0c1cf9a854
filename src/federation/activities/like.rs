//! `Like` of a practice, an announcement or a shared action: counted (within the flood limits);
//! of anything else, ignored.

use super::{Activity, Received};
use crate::{
    domain::{action::PublicationState, practice::Reaction},
    error::AppResult,
    federation::{
        flood::Act,
        protocol::inbound::{Like, Ref},
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        actions::ActionRow,
        activities::claim_received,
        reactions::{self, Reacted},
    },
};

impl Activity for Like {
    /// Anyone may like: the inbox checked that the signer is the one who likes.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let object = self.object.as_ref().map(Ref::id).unwrap_or_default();
        let Some(on) = liked(state, object).await? else {
            tracing::info!(activity = %self.id, "Like of nothing we keep: ignored");
            return Ok(());
        };
        state.flood.admit(Act::Reaction, &signer.ap_id, &signer.host)?;
        let mut change = Change::begin(state).await?;
        if claim_received(change.conn(), self.id.as_str(), &signer.ap_id, ctx.kind).await? {
            reactions::add(change.conn(), on, &signer.ap_id, self.id.as_str()).await?;
            change.commit().await?;
        }
        Ok(())
    }
}

/// What a `Like` of `object` counts for: a practice we keep, a published announcement, a
/// published local action.
async fn liked(state: &AppState, object: &str) -> AppResult<Option<Reacted>> {
    if let Some(p) = state.store.practice_by_ap_id(object).await? {
        return Ok(Some(Reacted::Practice(p.id, Reaction::Like)));
    }
    if let Some(a) = state.store.announcement_by_ap_id(object).await?.filter(|a| a.is_published()) {
        return Ok(Some(Reacted::Announcement(a.id)));
    }
    let open = |a: &ActionRow| a.territory_id.is_some() && a.publication == PublicationState::Published;
    Ok(state.store.action_by_ap_id(object).await?.filter(open).map(|a| Reacted::Action(a.id)))
}
