//! A followed territory's announcements, received: another Maillage territory (a `Group`)
//! announces its editorial actor's `Create`/`Update` of a `Note` that answers nothing
//! (`processing::announcement_publication`: what it sends to Maillage instances). Kept, its
//! HTML sanitised, when a territory here follows the sender, and shown with the news of those
//! that follow it (`web/announcement_pages.rs`); its `Delete` (announced the same way) removes
//! it (`announce.rs`). docs/FEDERATION.md, "Announcements".

use super::{Activity, Received, practice::sanitize};
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
    federation::protocol::{
        inbound::AnnounceNews,
        received_note::NoteObject,
        remote_url::{remote_id, remote_link},
    },
    processing::unit::Change,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::is_followed_in,
        received_announcements::{self as store, ReceivedAnnouncement},
    },
};

/// An announcement's text is short news: what is kept of a longer one.
const MAX_HTML: usize = 20_000;

impl Activity for AnnounceNews {
    /// A territory announces what its own host wrote: the activity, the `Note` and its author.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let (allow, host) = (ctx.state().config.allow_private_network, &ctx.signer.host);
        let inner_actor = self.object.actor.as_ref().map(|a| a.id()).unwrap_or_default();
        remote_id(inner_actor, host, allow)?;
        let note = NoteObject::from_value(&self.object.object)?;
        remote_id(&note.common.id, host, allow)?;
        remote_id(note.common.attributed_to.as_deref().unwrap_or_default(), host, allow)?;
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let signer = ctx.signer;
        if signer.kind != "Group" {
            tracing::info!(activity = %self.id, "a Note announced by another than a territory: ignored");
            return Ok(());
        }
        let note = NoteObject::from_value(&self.object.object)?;
        if note.addressed_public() == Some(false) {
            tracing::info!(activity = %self.id, "an announcement that is not public: ignored");
            return Ok(());
        }
        store_news(ctx, self.id.as_str(), signer, &note).await
    }
}

async fn store_news(
    ctx: &Received<'_>,
    activity_id: &str,
    signer: &RemoteActorRow,
    note: &NoteObject,
) -> AppResult<()> {
    let state = ctx.state();
    let raw: String = note.common.content.as_deref().unwrap_or_default().chars().take(MAX_HTML).collect();
    let html = sanitize(&raw);
    if html.trim().is_empty() {
        return Err(AppError::BadRequest("an announcement without text".into()));
    }
    let allow = state.config.allow_private_network;
    let url = remote_link(note.first_url(), allow).unwrap_or_else(|| note.common.id.clone());
    let (image_url, image_alt) = match note.first_image() {
        Some((u, alt)) => match remote_link(Some(u), allow) {
            Some(u) => (u, alt.chars().take(500).collect()),
            None => (String::new(), String::new()),
        },
        None => (String::new(), String::new()),
    };
    let now = now_millis();
    let row = ReceivedAnnouncement {
        ap_id: &note.common.id,
        group_actor_id: signer.id,
        author_actor: note.common.attributed_to.as_deref().unwrap_or_default(),
        content_html: &html,
        url: &url,
        image_url: &image_url,
        image_alt: &image_alt,
        published_at: note.published_millis().unwrap_or(now),
        updated_at: now,
    };
    let mut change = Change::begin(state).await?;
    if !is_followed_in(&mut *change.conn(), signer.id).await? {
        tracing::info!(activity = activity_id, actor = %signer.ap_id, "an announcement from a territory no one here follows: ignored");
        return Ok(());
    }
    if !claim_received(change.conn(), activity_id, &signer.ap_id, ctx.kind).await? {
        return Ok(());
    }
    if !store::upsert(change.conn(), &row).await? {
        return Err(AppError::Forbidden("an announcement of another territory".into()));
    }
    change.commit().await?;
    tracing::info!(announcement = %note.common.id, from = %signer.ap_id, "announcement of a followed territory kept");
    Ok(())
}

/// Removes the received announcement `ap_id` when `signer` sent it (its `Delete`, announced by
/// the territory); whether it was one.
pub async fn delete_news(ctx: &Received<'_>, activity_id: &str, ap_id: &str) -> AppResult<bool> {
    let (state, signer) = (ctx.state(), ctx.signer);
    if !state.store.received_announcement_exists(ap_id).await? {
        return Ok(false);
    }
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), activity_id, &signer.ap_id, ctx.kind).await? {
        return Ok(true);
    }
    if !store::delete(change.conn(), ap_id, signer.id).await? {
        return Err(AppError::Forbidden("only its territory deletes an announcement".into()));
    }
    change.commit().await?;
    tracing::info!(announcement = ap_id, "announcement of a followed territory deleted");
    Ok(true)
}
