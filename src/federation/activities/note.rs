//! `Create`/`Update` of a reply (`Note`, Lemmy's `Comment`) by its author: a comment on a
//! practice, an announcement or a shared action (filed, and relayed by its territory:
//! `conversation.rs`), or an edit of one.

use super::{
    Activity, Received,
    conversation::{edit_comment, store_comment, url_of},
};
use crate::{
    error::{AppError, AppResult},
    federation::{
        flood::Act,
        protocol::{inbound::CreateNote, is_public, remote_url::remote_id},
    },
    processing::comments::reply_target,
};

impl Activity for CreateNote {
    /// A reply is sent by its author, from the host of its id (403 otherwise).
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        if self.object.in_reply_to().is_none() {
            return Ok(()); // Answers nothing: ignored by `receive`.
        }
        remote_id(&self.object.common.id, &signer.host, state.config.allow_private_network)?;
        if self.object.common.attributed_to.as_deref() != Some(signer.ap_id.as_str()) {
            return Err(AppError::Forbidden("a Note is sent by its author".into()));
        }
        url_of(&self.object, state.config.allow_private_network)?;
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let o = &self.object;
        let Some(in_reply_to) = o.in_reply_to() else {
            tracing::info!(activity = %self.id, "a Note that answers nothing here: ignored");
            return Ok(());
        };
        if !o.addressed_public().unwrap_or_else(|| is_public(ctx.raw, None)) {
            // Followers-only or direct (Mastodon, when someone mentions the territory privately):
            // never a comment, never listed nor announced. Nothing is kept; moderators see nothing
            // (docs/FEDERATION.md), the log says who without the content.
            tracing::info!(activity = %self.id, actor = %signer.ap_id, "a reply that is not public: ignored");
            return Ok(());
        }
        if edit_comment(ctx, self.id.as_str(), o).await? {
            return Ok(());
        }
        let Some(target) = reply_target(state, in_reply_to).await? else {
            tracing::info!(activity = %self.id, in_reply_to, "reply to nothing known here: ignored");
            return Ok(());
        };
        state.flood.admit(Act::Comment, &signer.ap_id, &signer.host)?;
        store_comment(ctx, self.id.as_str(), signer, o, &target).await
    }
}
