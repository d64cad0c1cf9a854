//! `Delete` of a practice, of a comment, or of the signer itself (then forgotten with its
//! follows); of anything else, acknowledged and ignored.
//! https://www.w3.org/TR/activitypub/#delete-activity-inbox

use super::{
    Activity, Received, conversation,
    practice::{self, Claim},
};
use crate::{
    error::AppResult,
    federation::protocol::inbound::{Delete, Ref},
    processing::unit::Change,
    storage::{activities::claim_received, actors::delete_remote_actor_in},
};

impl Activity for Delete {
    /// Who may delete what (a practice's origin, a comment's author or its practice's
    /// territory, an actor itself) is checked on the row read inside the change that deletes.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let object = self.object.as_ref().map(Ref::id);
        let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
        if practice::delete_remote(state, object, signer, claim).await?
            || conversation::delete_comment(state, object.unwrap_or_default(), self.id.as_str(), signer).await?
            || super::announcement_reply::delete_reply(state, object.unwrap_or_default(), self.id.as_str(), signer)
                .await?
        {
            return Ok(());
        }
        if object == Some(signer.ap_id.as_str()) {
            // Claimed in the change that forgets the actor, as every other effect of an activity.
            let mut change = Change::begin(state).await?;
            if claim_received(change.conn(), self.id.as_str(), &signer.ap_id, "Delete").await? {
                delete_remote_actor_in(change.conn(), &signer.ap_id).await?;
                change.commit().await?;
                tracing::info!(actor = %signer.ap_id, "remote actor deleted");
            }
        } else {
            tracing::info!(activity = %self.id, actor = %signer.ap_id, "Delete of nothing we keep: ignored");
        }
        Ok(())
    }
}
