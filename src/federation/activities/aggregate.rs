//! `Create`/`Update` of a territory's observatory figures (`cces:Aggregate`, issue 13 point 9):
//! only the territory itself sends its own; what it carries is checked and stored by
//! `processing::observatory_aggregates::receive` (ignored and logged when the territory is not
//! followed or a figure is implausible: 202 either way).

use super::{Activity, Received};
use crate::{
    error::{AppError, AppResult},
    federation::protocol::{aggregate::CreateAggregate, remote_url::remote_id},
    processing::observatory_aggregates::receive as store_aggregate,
};

impl Activity for CreateAggregate {
    /// The signer sends its own figures, in an object on its own host.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let signer = ctx.signer.ap_id.as_str();
        if self.actor.id() != signer || self.object.attributed_to.id() != signer {
            return Err(AppError::Forbidden("an aggregate is sent by the territory it describes".into()));
        }
        remote_id(&self.object.id, &ctx.signer.host, ctx.state().config.allow_private_network)?;
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        store_aggregate(ctx.state(), ctx.signer, &self.object, self.id.as_str(), ctx.kind).await?;
        Ok(())
    }
}
