//! Conversations, received: replies (`Note` with `inReplyTo`, `note.rs`; relayed in an
//! `Announce`, `announce.rs`) from Mastodon, Lemmy, GoToSocial, Mobilizon or other Maillage
//! territories to a practice, an announcement or a shared action, or to one of their comments,
//! become comments: one handler files them all with the same rules
//! (`processing::comments::Subject`). The territory of a published practice or announcement
//! announces them to its followers (FEP-1b12), who store them in turn. Edits and deletions by
//! their authors (or by a remote practice's territory) are here too.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md

use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

use super::{Received, practice::sanitize};
use crate::{
    domain::{local_actor::LocalActor, now_millis},
    error::{AppError, AppResult},
    federation::{
        outgoing::new_activity_id,
        protocol::{
            conversation,
            received_note::NoteObject,
            remote_url::{remote_link, remote_url},
        },
        signatures::host_header,
        software::Readers,
    },
    processing::{
        comments::{Subject, local_followers, may_remove, subject_in},
        unit::Change,
    },
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        comments::{self, Commented, NewComment},
        follows::follower_inboxes_in,
    },
};

/// Longest comment kept (characters of HTML).
const MAX_COMMENT: usize = 50_000;

/// `name@host`, as fediverse software shows an account.
pub fn handle(actor: &RemoteActorRow) -> String {
    let user = actor.preferred_username.clone().or_else(|| actor.name.clone()).unwrap_or_default();
    format!("{user}@{}", actor.host)
}

/// `url` as a string, a `Link`, or a list of either (Lemmy, Mastodon): the first one given,
/// which must be a usable link (422 otherwise, see `remote_url`).
pub(super) fn url_of(o: &NoteObject, allow_private_network: bool) -> AppResult<Option<String>> {
    o.first_url().map(|u| remote_url(u, allow_private_network).map(String::from)).transpose()
}

pub(super) fn comment_html(o: &NoteObject) -> String {
    let raw: String = o.common.content.as_deref().unwrap_or_default().chars().take(MAX_COMMENT).collect();
    sanitize(&raw)
}

/// Stores a comment by `author` on `s`, carried by the activity `ctx` (claimed with it); when
/// its territory relays comments, announces it to the territory's followers in the same
/// transaction.
pub(super) async fn store_comment(
    ctx: &Received<'_>,
    activity_id: &str,
    author: &RemoteActorRow,
    o: &NoteObject,
    s: &Subject,
) -> AppResult<()> {
    let data = ctx.state();
    let note_id = o.common.id.as_str();
    let html = comment_html(o);
    if html.trim().is_empty() {
        return Err(AppError::BadRequest("an empty comment".into()));
    }
    let in_reply_to = o.in_reply_to().unwrap_or(&s.ap_id);
    let allow_private = data.config.allow_private_network;
    let url = url_of(o, allow_private)?.unwrap_or_else(|| note_id.to_string());
    let profile = remote_link(author.url.as_deref(), allow_private).unwrap_or_else(|| author.ap_id.clone());
    // What the followers' hosts read is looked up before the change (network); the followers
    // themselves are read inside it.
    let readers = match s.announcer() {
        Some((t, _)) => Readers::of(data, &data.store.follower_inboxes(t).await?).await,
        None => Default::default(),
    };
    let name = author.name.clone().unwrap_or_default();
    let handle = handle(author);
    let mut change = Change::begin(data).await?;
    if !claim_received(change.conn(), activity_id, ctx.signer.ap_id.as_str(), ctx.kind).await? {
        return Ok(());
    }
    let new = NewComment {
        on: s.on,
        ap_id: note_id,
        in_reply_to,
        author_actor: &author.ap_id,
        author_name: &name,
        author_handle: &handle,
        author_url: &profile,
        content_html: &html,
        url: &url,
        local_territory_id: None,
        published_at: o.published_millis().unwrap_or_else(now_millis),
    };
    let Some(id) = comments::insert(change.conn(), &new).await? else {
        return change.commit().await;
    };
    if let Some((t, actor)) = s.announcer() {
        let inboxes = follower_inboxes_in(change.conn(), t).await?;
        let followers = local_followers(data, actor)?;
        // Group readers (Lemmy) take the author's `Create` embedded; Mastodon-API servers the
        // comment's id, which they fetch (they cannot read `Announce(Create)`). The latter is
        // the one recorded, listed and undone when a moderator hides the comment.
        let [groups, mut microblogs, no_summary] = readers.split(&inboxes);
        microblogs.extend(no_summary);
        let announce_id = new_activity_id(data);
        let activity = conversation::announce(&announce_id, actor, note_id, &followers, None);
        comments::set_announce(change.conn(), s.on, id, Some(announce_id.as_str())).await?;
        change.queue(LocalActor::Territory(t), &activity, true, &microblogs).await?;
        let embedded = conversation::announce_activity(&new_activity_id(data), actor, ctx.raw, &followers);
        change.queue(LocalActor::Territory(t), &embedded, false, &groups).await?;
    }
    if let Commented::Action(action) = s.on {
        // Comments on actions are audited (issue 12); the others never were.
        change.audit(&author.ap_id, "action.comment", &format!("action {action}")).await?;
    }
    change.commit().await?;
    tracing::info!(comment = %note_id, on = %s.ap_id, "comment stored");
    Ok(())
}

/// An edit of a comment by its author, carried by `activity_id`: true when `o` is a comment.
pub(super) async fn edit_comment(ctx: &Received<'_>, activity_id: &str, o: &NoteObject) -> AppResult<bool> {
    let (state, signer) = (ctx.state(), ctx.signer);
    let Some(existing) = state.store.comment_by_ap_id(o.common.id.as_str()).await? else {
        return Ok(false);
    };
    if existing.author_actor != signer.ap_id {
        return Err(AppError::Forbidden("only a comment's author may change it".into()));
    }
    let html = comment_html(o);
    let mut change = Change::begin(state).await?;
    if claim_received(change.conn(), activity_id, &signer.ap_id, ctx.kind).await? {
        comments::update_content(change.conn(), &existing, &html).await?;
        change.commit().await?;
    }
    Ok(true)
}

pub(super) fn host_of(id: &str) -> Option<String> {
    Url::parse(id).ok().map(|u| host_header(&u))
}

/// An object fetched from its id (signed with the instance actor, SSRF-guarded).
pub async fn fetch_object(data: &Data<AppState>, id: &str) -> AppResult<Value> {
    let url = remote_url(id, data.config.allow_private_network)?;
    if data.is_blocked(&host_header(&url)).await? {
        return Err(AppError::Forbidden("domain blocked by this instance".into()));
    }
    use activitypub_federation::error::Error;
    match activitypub_federation::fetch::fetch_object_http::<AppState, Value>(&url, data).await {
        Ok(res) => Ok(res.object),
        // Gone, or no ActivityPub object there (a 404 page is not JSON): nothing to keep and
        // nothing a retry would change. (A 5xx page looks the same to the crate: that copy of
        // a comment is lost here, and stays on its author's and the practice's servers.)
        Err(
            Error::NotFound
            | Error::ObjectDeleted(_)
            | Error::FetchInvalidContentType(_)
            | Error::FetchWrongId(_)
            | Error::ParseFetchedObject(..),
        ) => Err(AppError::Gone(format!("no object at {id}"))),
        // Perhaps down for a while: the sender retries (we answer 502).
        Err(e) => Err(AppError::BadGateway(format!("cannot fetch {id}: {e}"))),
    }
}

/// `Delete` of a comment by its author, or by the territory of the practice it is on (a
/// practice received from elsewhere: its moderation), claimed as `activity_id`. True when it
/// named a comment.
pub async fn delete_comment(
    data: &AppState,
    object: &str,
    activity_id: &str,
    signer: &RemoteActorRow,
) -> AppResult<bool> {
    // Most Deletes (accounts, posts elsewhere) name nothing here: found out without the write lock.
    if data.store.comment_by_ap_id(object).await?.is_none() {
        return Ok(false);
    }
    let mut change = Change::begin(data).await?;
    let Some(c) = comments::by_ap_id_in(change.conn(), object).await? else {
        return Ok(false);
    };
    let s = subject_in(data, change.conn(), c.on).await?;
    if !may_remove(s.as_ref(), &c, &signer.ap_id) {
        return Err(AppError::Forbidden("only a comment's author may delete it".into()));
    }
    // We announced it: followers are told to drop it too.
    let undo = match (&c.announce_ap_id, s.and_then(|s| s.territory)) {
        (Some(announce), Some((t, actor))) => Some((
            undo_announce(data, actor.as_str(), announce, &c.ap_id)?,
            t,
            follower_inboxes_in(change.conn(), t).await?,
        )),
        _ => None,
    };
    if !claim_received(change.conn(), activity_id, &signer.ap_id, "Delete").await? {
        return Ok(true);
    }
    comments::delete(change.conn(), &c).await?;
    if let Some((activity, territory_id, inboxes)) = undo {
        change.queue(LocalActor::Territory(territory_id), &activity, false, &inboxes).await?;
    }
    change.commit().await?;
    tracing::info!(comment = %c.ap_id, "comment deleted");
    Ok(true)
}

/// `Undo` of our `Announce` of `object`, by the territory `actor`.
pub fn undo_announce(state: &AppState, actor: &str, announce: &str, object: &str) -> AppResult<Value> {
    let actor = Url::parse(actor)?;
    let followers = local_followers(state, &actor)?;
    let id = new_activity_id(state);
    Ok(conversation::undo_announce(&id, &actor, announce, object, &followers))
}
