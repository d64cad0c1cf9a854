//! Conversations around practices, received: replies (`Note` with `inReplyTo`, `note.rs`;
//! relayed in an `Announce`, `announce.rs`) from Mastodon, Lemmy or other Maillage territories
//! become comments, stored here; the practice's territory announces them to its followers
//! (FEP-1b12), who store them in turn. Their deletion by author or territory is here too.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md

use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

use super::{Received, practice::sanitize};
use crate::{
    domain::local_actor::LocalActor,
    error::{AppError, AppResult},
    federation::{
        protocol::{
            conversation,
            received_note::NoteObject,
            remote_url::{remote_link, remote_url},
        },
        signatures::host_header,
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        conversations::{self as conv, NewComment},
        follows::follower_inboxes_in,
        practices::{PracticeRow, practice_in},
    },
};

/// Longest comment kept (characters of HTML).
const MAX_COMMENT: usize = 50_000;

/// The practice a reply belongs to: the one it answers, or the one of the comment it answers.
pub async fn practice_for(state: &AppState, in_reply_to: &str) -> AppResult<Option<PracticeRow>> {
    if let Some(p) = state.store.practice_by_ap_id(in_reply_to).await? {
        return Ok(Some(p));
    }
    match state.store.comment_by_ap_id(in_reply_to).await? {
        Some(c) => state.store.practice(c.practice_id).await,
        None => Ok(None),
    }
}

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

/// The followers collection of `actor`, a territory of ours (the origin of a local practice,
/// which announces its comments): built by `Urls`, never guessed from the actor's URL.
fn local_followers(state: &AppState, actor: &Url) -> AppResult<Url> {
    let slug = state
        .urls
        .territory_slug_of(actor)
        .ok_or_else(|| AppError::Internal(format!("{actor} is not a territory of this instance")))?;
    Ok(state.urls.territory_followers(&slug))
}

pub(super) fn comment_html(o: &NoteObject) -> String {
    let raw: String = o.content.as_deref().unwrap_or_default().chars().take(MAX_COMMENT).collect();
    sanitize(&raw)
}

/// Stores a comment by `author`, carried by the activity `ctx` (claimed with it); when the
/// practice is ours and public, announces it to the territory's followers in the same
/// transaction.
pub(super) async fn store_comment(
    ctx: &Received<'_>,
    activity_id: &str,
    author: &RemoteActorRow,
    o: &NoteObject,
    practice: &PracticeRow,
) -> AppResult<()> {
    let data = ctx.state();
    let note_id = o.id.as_str();
    let html = comment_html(o);
    if html.trim().is_empty() {
        return Err(AppError::BadRequest("an empty comment".into()));
    }
    let in_reply_to = o.in_reply_to().unwrap_or(&practice.ap_id);
    let allow_private = data.config.allow_private_network;
    let url = url_of(o, allow_private)?.unwrap_or_else(|| note_id.to_string());
    let profile = remote_link(author.url.as_deref(), allow_private).unwrap_or_else(|| author.ap_id.clone());
    let ours = practice.territory_id.is_some() && practice.is_published();
    let territory = practice.territory_id.filter(|_| ours);
    let announcer = territory.and_then(|_| Url::parse(&practice.origin_actor).ok());
    // What the followers' hosts read is looked up before the change (network); the followers
    // themselves are read inside it.
    let readers = match territory {
        Some(t) => crate::federation::software::Readers::of(data, &data.store.follower_inboxes(t).await?).await,
        None => Default::default(),
    };
    let name = author.name.clone().unwrap_or_default();
    let handle = handle(author);
    let mut change = Change::begin(data).await?;
    if !claim_received(change.conn(), activity_id, ctx.signer.ap_id.as_str(), ctx.kind).await? {
        return Ok(());
    }
    let new = NewComment {
        practice_id: practice.id,
        ap_id: note_id,
        in_reply_to,
        author_actor: &author.ap_id,
        author_name: &name,
        author_handle: &handle,
        author_url: &profile,
        content_html: &html,
        url: &url,
        local_territory_id: None,
        published_at: o.published_millis().unwrap_or_else(crate::domain::now_millis),
    };
    let Some(id) = conv::insert_comment(change.conn(), &new).await? else {
        return change.commit().await;
    };
    if let (Some(actor), Some(t)) = (announcer, territory) {
        let inboxes = follower_inboxes_in(change.conn(), t).await?;
        let readers = readers.split(&inboxes);
        let followers = local_followers(data, &actor)?;
        // Group readers (Lemmy) take the author's `Create` embedded; Mastodon-API servers the
        // comment's id, which they fetch (they cannot read `Announce(Create)`). The latter is
        // the one recorded, listed and undone when a moderator hides the comment.
        let [groups, mut microblogs, no_summary] = readers;
        microblogs.extend(no_summary);
        let announce_id = crate::federation::outgoing::new_activity_id(data);
        let activity = conversation::announce(&announce_id, &actor, note_id, &followers, None);
        conv::set_comment_announce(change.conn(), id, Some(announce_id.as_str())).await?;
        change.queue(LocalActor::territory_or_instance(practice.territory_id), &activity, true, &microblogs).await?;
        let embedded = conversation::announce_activity(
            &crate::federation::outgoing::new_activity_id(data),
            &actor,
            ctx.raw,
            &followers,
        );
        change.queue(LocalActor::territory_or_instance(practice.territory_id), &embedded, false, &groups).await?;
    }
    change.commit().await?;
    tracing::info!(comment = %note_id, practice = %practice.ap_id, "comment stored");
    Ok(())
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

/// `Delete` of a comment by its author, or by the practice's territory (moderation), claimed
/// as `activity_id`. True when it named a comment.
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
    let Some(c) = conv::comment_by_ap_id_in(change.conn(), object).await? else {
        return Ok(false);
    };
    let p = practice_in(change.conn(), c.practice_id).await?;
    let by_origin = p.as_ref().is_some_and(|p| p.origin_actor == signer.ap_id && p.territory_id.is_none());
    if c.author_actor != signer.ap_id && !by_origin {
        return Err(AppError::Forbidden("only a comment's author may delete it".into()));
    }
    // We announced it: followers are told to drop it too.
    let undo = match (&c.announce_ap_id, p.as_ref().and_then(|p| p.territory_id)) {
        (Some(announce), Some(t)) => Some((announce.clone(), t, follower_inboxes_in(change.conn(), t).await?)),
        _ => None,
    };
    if !claim_received(change.conn(), activity_id, &signer.ap_id, "Delete").await? {
        return Ok(true);
    }
    conv::delete_comment(change.conn(), &c.ap_id).await?;
    if let (Some((announce, territory_id, inboxes)), Some(p)) = (undo, &p) {
        let activity = undo_announce(data, &p.origin_actor, &announce, &c.ap_id)?;
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
    let id = crate::federation::outgoing::new_activity_id(state);
    Ok(conversation::undo_announce(&id, &actor, announce, object, &followers))
}
