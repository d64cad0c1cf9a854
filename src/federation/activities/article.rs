//! `Create`/`Update` of a practice (`Article`, Lemmy's `Page`) sent by its origin, the
//! territory it is published in, or by its author, an actor on the territory's host whose
//! `Article` names the territory as `audience`. Stored by `practice::store_article`.

use super::{
    Activity, Received,
    practice::{Claim, check_origin, store_article},
};
use crate::{
    error::AppResult, federation::protocol::inbound::CreateArticle, state::AppState, storage::actors::RemoteActorRow,
};

impl CreateArticle {
    /// Whom the practice is from: the territory it names as `audience` when the signer writes
    /// in a territory of its own host we know, else the signer.
    async fn origin(&self, state: &AppState, signer: &RemoteActorRow) -> AppResult<RemoteActorRow> {
        if let Some(audience) = self.object.common.audience().filter(|a| *a != signer.ap_id)
            && let Some(territory) = state.store.remote_actor_by_ap_id(audience).await?
            && territory.host == signer.host
        {
            return Ok(territory);
        }
        Ok(signer.clone())
    }
}

impl Activity for CreateArticle {
    /// Who may publish a practice: its origin, or an author on its host writing in it (the
    /// object's id and `attributedTo` on the signer's host; 403 otherwise). `store_article`
    /// applies the same rule to Articles fetched from outboxes.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let origin = self.origin(ctx.state(), ctx.signer).await?;
        check_origin(&self.object, &origin, ctx.state().config.allow_private_network)
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let origin = self.origin(state, signer).await?;
        let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
        store_article(state, &self.object, &origin, Some(claim)).await?;
        Ok(())
    }
}
