//! `Like` of a practice, an announcement or a shared action: counted (within the flood limits);
//! of anything else, ignored.

use super::{Activity, Received};
use crate::{
    error::AppResult,
    federation::{
        flood::Act,
        protocol::inbound::{Like, Ref},
    },
    processing::unit::Change,
    storage::{
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
        let Some(p) = state.store.practice_by_ap_id(object).await? else {
            if super::announcement_reply::like(ctx, self.id.as_str(), object).await?
                || super::action_reply::like(ctx, self.id.as_str(), object).await?
            {
                return Ok(());
            }
            tracing::info!(activity = %self.id, "Like of nothing we keep: ignored");
            return Ok(());
        };
        state.flood.admit(Act::Reaction, &signer.ap_id, &signer.host)?;
        let mut change = Change::begin(state).await?;
        if claim_received(change.conn(), self.id.as_str(), &signer.ap_id, ctx.kind).await? {
            let on = Reacted::Practice(p.id, crate::domain::practice::Reaction::Like);
            reactions::add(change.conn(), on, &signer.ap_id, self.id.as_str()).await?;
            change.commit().await?;
        }
        Ok(())
    }
}
