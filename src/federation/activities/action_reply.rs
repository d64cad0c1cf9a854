//! The conversation around a local shared action, received: replies (`Note` with `inReplyTo`
//! the action's `Event` or one of its comments, from Mastodon, GoToSocial, Mobilizon, Lemmy…)
//! become comments of the action, moderated as practice comments (moderators hide them, the
//! page shows the others); `Like`s of the `Event` are counted, one per actor; an author's
//! `Update` edits its comment, its `Delete` removes it, an `Undo` withdraws a like.
//! docs/FEDERATION.md, "Shared actions (Event)".

use super::{
    Received,
    conversation::{comment_html, handle, url_of},
};
use crate::{
    domain::action::PublicationState,
    error::{AppError, AppResult},
    federation::{
        flood::Act,
        protocol::{received_note::NoteObject, remote_url::remote_link},
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        action_comments::{self as store, NewActionComment},
        actions::ActionRow,
        activities::claim_received,
        actors::RemoteActorRow,
        reactions::{self, Reacted},
    },
};

fn open(a: ActionRow) -> Option<ActionRow> {
    Some(a).filter(|a| a.territory_id.is_some() && a.publication == PublicationState::Published)
}

/// The published local action a reply belongs to: the one it answers, or the one of the
/// comment it answers.
pub async fn action_for(state: &AppState, in_reply_to: &str) -> AppResult<Option<ActionRow>> {
    let a = match state.store.action_by_ap_id(in_reply_to).await? {
        Some(a) => Some(a),
        None => match state.store.action_comment_by_ap_id(in_reply_to).await? {
            Some(c) => state.store.action(c.action_id).await?,
            None => None,
        },
    };
    Ok(a.and_then(open))
}

/// Stores the reply `o` by `author` (claimed with the activity), in one change.
pub async fn store_reply(
    ctx: &Received<'_>,
    activity_id: &str,
    author: &RemoteActorRow,
    o: &NoteObject,
    a: &ActionRow,
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
    let name = author.name.clone().unwrap_or_default();
    let handle = handle(author);
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), activity_id, ctx.signer.ap_id.as_str(), ctx.kind).await? {
        return Ok(());
    }
    let new = NewActionComment {
        action_id: a.id,
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
    if store::insert_comment(change.conn(), &new).await?.is_some() {
        change.audit(&author.ap_id, "action.comment", &format!("action {}", a.id)).await?;
    }
    change.commit().await?;
    tracing::info!(comment = %note_id, action = %a.ap_id, "action comment stored");
    Ok(())
}

/// An edit of a comment by its author: true when `note_id` is a comment on an action.
pub async fn edit_reply(ctx: &Received<'_>, activity_id: &str, note_id: &str, o: &NoteObject) -> AppResult<bool> {
    let (state, signer) = (ctx.state(), ctx.signer);
    let Some(existing) = state.store.action_comment_by_ap_id(note_id).await? else {
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
    let Some(c) = state.store.action_comment_by_ap_id(object).await? else {
        return Ok(false);
    };
    if c.author_actor != signer.ap_id {
        return Err(AppError::Forbidden("only a comment's author may delete it".into()));
    }
    let mut change = Change::begin(state).await?;
    if claim_received(change.conn(), activity_id, &signer.ap_id, "Delete").await? {
        store::delete_comment(change.conn(), object, &signer.ap_id).await?;
        change.commit().await?;
        tracing::info!(comment = %object, "action comment deleted by its author");
    }
    Ok(true)
}

/// `Like` of a local action's `Event`: counted once per actor. True when it named one.
pub async fn like(ctx: &Received<'_>, activity_id: &str, object: &str) -> AppResult<bool> {
    let (state, signer) = (ctx.state(), ctx.signer);
    let Some(a) = state.store.action_by_ap_id(object).await?.and_then(open) else {
        return Ok(false);
    };
    state.flood.admit(Act::Reaction, &signer.ap_id, &signer.host)?;
    let mut change = Change::begin(state).await?;
    if claim_received(change.conn(), activity_id, &signer.ap_id, ctx.kind).await? {
        reactions::add(change.conn(), Reacted::Action(a.id), &signer.ap_id, activity_id).await?;
        change.commit().await?;
    }
    Ok(true)
}
