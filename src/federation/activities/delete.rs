//! `Delete` of a practice, of a comment, or of the signer itself (then forgotten with its
//! follows); of anything else, acknowledged and ignored.
//! https://www.w3.org/TR/activitypub/#delete-activity-inbox

use super::{
    Activity, Received, conversation,
    practice::{self, Claim},
};
use crate::{
    error::{AppError, AppResult},
    federation::protocol::inbound::{Delete, Ref},
    processing::{
        comments::{may_remove, subject},
        unit::Change,
    },
    storage::{activities::claim_received, actors::delete_remote_actor_in},
};

impl Activity for Delete {
    /// Only who owns what it names may delete it: a practice's origin, a comment's author (or
    /// the territory of the remote practice it is on), an actor itself (403 for anyone else,
    /// nothing read for writing). `receive` checks again on the row it reads inside the change
    /// that deletes, which a concurrent change cannot slip past.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let Some(object) = self.object.as_ref().map(Ref::id).filter(|o| *o != signer.ap_id) else {
            return Ok(());
        };
        if let Some(p) = state.store.practice_by_ap_id(object).await? {
            if p.origin_actor != signer.ap_id || p.territory_id.is_some() {
                return Err(AppError::Forbidden("only a practice's origin may delete it".into()));
            }
        } else if let Some(c) = state.store.comment_by_ap_id(object).await?
            && !may_remove(subject(state, c.on).await?.as_ref(), &c, &signer.ap_id)
        {
            return Err(AppError::Forbidden("only a comment's author may delete it".into()));
        }
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let object = self.object.as_ref().map(Ref::id);
        let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
        if practice::delete_remote(state, object, signer, claim).await?
            || conversation::delete_comment(state, object.unwrap_or_default(), self.id.as_str(), signer).await?
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
