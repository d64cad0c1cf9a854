//! The conversation around an announcement, received: replies (`Note` with `inReplyTo` the
//! announcement or one of its comments, from Mastodon, GoToSocial, Lemmy…) become comments,
//! moderated as practice comments (moderators hide them), and are announced by the territory
//! to its followers as practice comments are (FEP-1b12: Lemmy shows a community's comments only
//! from its `Announce`); `Like`s are counted, one per actor; an author's `Update` edits its
//! comment, its `Delete` removes it, an `Undo` withdraws a like.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md

use super::{
    Received,
    conversation::{comment_html, handle, url_of},
};
use crate::{
    domain::local_actor::LocalActor,
    error::{AppError, AppResult},
    federation::{
        flood::Act,
        protocol::{conversation, received_note::NoteObject, remote_url::remote_link},
        software::Readers,
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        announcements::{self as store, AnnouncementRow, NewAnnouncementComment},
        follows::follower_inboxes_in,
        reactions::{self, Reacted},
    },
};

/// The published announcement a reply belongs to: the one it answers, or the one of the
/// comment it answers.
pub async fn announcement_for(state: &AppState, in_reply_to: &str) -> AppResult<Option<AnnouncementRow>> {
    let a = match state.store.announcement_by_ap_id(in_reply_to).await? {
        Some(a) => Some(a),
        None => match state.store.announcement_comment_by_ap_id(in_reply_to).await? {
            Some(c) => state.store.announcement(c.announcement_id).await?,
            None => None,
        },
    };
    Ok(a.filter(AnnouncementRow::is_published))
}

/// Stores the reply `o` by `author` (claimed with the activity) and announces it to the
/// territory's followers, in one change.
pub async fn store_reply(
    ctx: &Received<'_>,
    activity_id: &str,
    author: &RemoteActorRow,
    o: &NoteObject,
    a: &AnnouncementRow,
) -> AppResult<()> {
    let state = ctx.state();
    state.flood.admit(Act::Comment, &author.ap_id, &author.host)?;
    let note_id = o.id.as_str();
    let html = comment_html(o);
    if html.trim().is_empty() {
        return Err(AppError::BadRequest("an empty comment".into()));
    }
    let allow_private = state.config.allow_private_network;
    let url = url_of(o, allow_private)?.unwrap_or_else(|| note_id.to_string());
    let profile = remote_link(author.url.as_deref(), allow_private).unwrap_or_else(|| author.ap_id.clone());
    let in_reply_to = o.in_reply_to().unwrap_or(&a.ap_id);
    let readers = Readers::of(state, &state.store.follower_inboxes(a.territory_id).await?).await;
    let name = author.name.clone().unwrap_or_default();
    let handle = handle(author);
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), activity_id, ctx.signer.ap_id.as_str(), ctx.kind).await? {
        return Ok(());
    }
    let new = NewAnnouncementComment {
        announcement_id: a.id,
        ap_id: note_id,
        in_reply_to,
        author_actor: &author.ap_id,
        author_name: &name,
        author_handle: &handle,
        author_url: &profile,
        content_html: &html,
        url: &url,
        published_at: o.published_millis().unwrap_or_else(crate::domain::now_millis),
    };
    let Some(comment_id) = store::insert_comment(change.conn(), &new).await? else {
        return change.commit().await;
    };
    let slug = store::territory_slug_in(change.conn(), a.territory_id)
        .await?
        .ok_or_else(|| AppError::NotFound("territory".into()))?;
    let actor = state.urls.territory(&slug);
    let followers = state.urls.territory_followers(&slug);
    let inboxes = follower_inboxes_in(change.conn(), a.territory_id).await?;
    let [groups, mut microblogs, no_summary] = readers.split(&inboxes);
    microblogs.extend(no_summary);
    // Mastodon-API servers fetch the comment from its id; group readers take the author's
    // `Create`, embedded.
    let by = LocalActor::Territory(a.territory_id);
    let id = crate::federation::outgoing::new_activity_id(state);
    // Recorded: a moderator hiding the comment undoes it.
    store::set_comment_announce(change.conn(), comment_id, Some(id.as_str())).await?;
    change.queue(by, &conversation::announce(&id, &actor, note_id, &followers, None), true, &microblogs).await?;
    let id = crate::federation::outgoing::new_activity_id(state);
    change.queue(by, &conversation::announce_activity(&id, &actor, ctx.raw, &followers), false, &groups).await?;
    change.commit().await?;
    tracing::info!(comment = %note_id, announcement = %a.ap_id, "announcement comment stored");
    Ok(())
}

/// An edit of a comment by its author: true when `note_id` is a comment on an announcement.
pub async fn edit_reply(ctx: &Received<'_>, activity_id: &str, note_id: &str, o: &NoteObject) -> AppResult<bool> {
    let (state, signer) = (ctx.state(), ctx.signer);
    let Some(existing) = state.store.announcement_comment_by_ap_id(note_id).await? else {
        return Ok(false);
    };
    if existing.author_actor != signer.ap_id {
        return Err(AppError::Forbidden("only a comment's author may change it".into()));
    }
    let mut change = Change::begin(state).await?;
    if claim_received(change.conn(), activity_id, &signer.ap_id, ctx.kind).await? {
        store::update_comment(change.conn(), note_id, &signer.ap_id, &comment_html(o)).await?;
        change.commit().await?;
    }
    Ok(true)
}

/// `Delete` of a comment by its author: true when it named one.
pub async fn delete_reply(
    state: &AppState,
    object: &str,
    activity_id: &str,
    signer: &RemoteActorRow,
) -> AppResult<bool> {
    let Some(c) = state.store.announcement_comment_by_ap_id(object).await? else {
        return Ok(false);
    };
    if c.author_actor != signer.ap_id {
        return Err(AppError::Forbidden("only a comment's author may delete it".into()));
    }
    let mut change = Change::begin(state).await?;
    if claim_received(change.conn(), activity_id, &signer.ap_id, "Delete").await? {
        store::delete_comment(change.conn(), object, &signer.ap_id).await?;
        change.commit().await?;
        tracing::info!(comment = %object, "announcement comment deleted by its author");
    }
    Ok(true)
}

/// `Like` of an announcement: counted once per actor. True when it named one.
pub async fn like(ctx: &Received<'_>, activity_id: &str, object: &str) -> AppResult<bool> {
    let (state, signer) = (ctx.state(), ctx.signer);
    let Some(a) = state.store.announcement_by_ap_id(object).await?.filter(AnnouncementRow::is_published) else {
        return Ok(false);
    };
    state.flood.admit(Act::Reaction, &signer.ap_id, &signer.host)?;
    let mut change = Change::begin(state).await?;
    if claim_received(change.conn(), activity_id, &signer.ap_id, ctx.kind).await? {
        reactions::add(change.conn(), Reacted::Announcement(a.id), &signer.ap_id, activity_id).await?;
        change.commit().await?;
    }
    Ok(true)
}
