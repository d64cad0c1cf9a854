//! `Update` of an actor by itself: refresh our copy (new name, new key, new inbox).
//! Updates of practices and comments are `Article` and `Note` (`article.rs`, `note.rs`);
//! of anything else, `Unknown` (ignored).

use activitypub_federation::traits::Object as _;

use super::{Activity, Received};
use crate::{
    error::AppResult,
    federation::{
        objects::{DbRemoteActor, new_remote_actor},
        protocol::inbound::UpdateActor,
    },
    processing::unit::Change,
    storage::{activities::claim_received, actors::upsert_remote_actor},
};

impl Activity for UpdateActor {
    /// The document must be the signer's own, and a usable actor (the checks of every fetch).
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let expected = url::Url::parse(&ctx.signer.ap_id)?;
        DbRemoteActor::verify(&self.object, &expected, ctx.data).await
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let signer = ctx.signer;
        let new = new_remote_actor(&self.object)?;
        // The activity id is claimed in the transaction that applies it: a redelivery finds it
        // claimed and changes nothing; a failure leaves neither.
        let mut change = Change::begin(ctx.state()).await?;
        if !claim_received(change.conn(), self.id.as_str(), &signer.ap_id, "Update").await? {
            return Ok(());
        }
        upsert_remote_actor(change.conn(), &new).await?;
        change.commit().await?;
        tracing::info!(actor = %signer.ap_id, "remote actor updated");
        Ok(())
    }
}
