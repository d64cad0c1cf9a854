//! `Create`/`Update` of a reply (`Note`, Lemmy's `Comment`) by its author: a comment on a
//! practice (stored, and announced by the practice's territory: `conversation.rs`), an
//! announcement (`announcement_reply.rs`) or a shared action (`action_reply.rs`), or an edit of
//! one.

use super::{
    Activity, Received,
    conversation::{comment_html, practice_for, store_comment, url_of},
};
use crate::{
    error::{AppError, AppResult},
    federation::{
        flood::Act,
        protocol::{inbound::CreateNote, is_public, remote_url::remote_id},
    },
    processing::unit::Change,
    storage::{activities::claim_received, conversations as conv},
};

impl Activity for CreateNote {
    /// A reply is sent by its author, from the host of its id (403 otherwise).
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        if self.object.in_reply_to().is_none() {
            return Ok(()); // Answers nothing: ignored by `receive`.
        }
        remote_id(&self.object.id, &signer.host, state.config.allow_private_network)?;
        if self.object.attributed_to.as_deref() != Some(signer.ap_id.as_str()) {
            return Err(AppError::Forbidden("a Note is sent by its author".into()));
        }
        url_of(&self.object, state.config.allow_private_network)?;
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let o = &self.object;
        let note_id = o.id.as_str();
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
        if super::announcement_reply::edit_reply(ctx, self.id.as_str(), note_id, o).await?
            || super::action_reply::edit_reply(ctx, self.id.as_str(), note_id, o).await?
        {
            return Ok(());
        }
        if let Some(existing) = state.store.comment_by_ap_id(note_id).await? {
            if existing.author_actor != signer.ap_id {
                return Err(AppError::Forbidden("only a comment's author may change it".into()));
            }
            let html = comment_html(o);
            // `update_comment` changes only a comment by this author: the check above holds inside.
            let mut change = Change::begin(state).await?;
            if claim_received(change.conn(), self.id.as_str(), &signer.ap_id, ctx.kind).await? {
                conv::update_comment(change.conn(), note_id, &signer.ap_id, &html).await?;
                change.commit().await?;
            }
            return Ok(());
        }
        let Some(practice) = practice_for(state, in_reply_to).await? else {
            if let Some(a) = super::announcement_reply::announcement_for(state, in_reply_to).await? {
                return super::announcement_reply::store_reply(ctx, self.id.as_str(), signer, o, &a).await;
            }
            if let Some(a) = super::action_reply::action_for(state, in_reply_to).await? {
                return super::action_reply::store_reply(ctx, self.id.as_str(), signer, o, &a).await;
            }
            tracing::info!(activity = %self.id, in_reply_to, "reply to no practice known here: ignored");
            return Ok(());
        };
        state.flood.admit(Act::Comment, &signer.ap_id, &signer.host)?;
        store_comment(ctx, self.id.as_str(), signer, o, &practice).await
    }
}
