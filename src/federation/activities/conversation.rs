//! Conversations around practices, received: replies (`Note` with `inReplyTo`) from Mastodon,
//! Lemmy or other Maillage territories become comments; the practice's territory announces
//! them to its followers (FEP-1b12), who store them in turn; `Like`s and boosts are counted;
//! an `Announce` carrying `cces:adoptionNote` is an adoption. `Undo` withdraws each of them.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md

use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use serde_json::Value;
use url::Url;

use super::practice::sanitize;
use crate::{
    error::{AppError, AppResult},
    federation::{
        flood::Act,
        objects::DbRemoteActor,
        protocol::{
            activities::Envelope,
            conversation, id_of, is_public,
            remote_url::{remote_id, remote_link, remote_url},
        },
        signatures::host_header,
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        conversations::{self as conv, NewAdoption, NewComment},
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

fn published_millis(o: &Value) -> i64 {
    o.get("published")
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.timestamp_millis())
        .unwrap_or_else(crate::domain::now_millis)
}

/// `url` as a string, a `Link`, or a list of either (Lemmy, Mastodon): the first one given,
/// which must be a usable link (422 otherwise, see `remote_url`).
fn url_of(o: &Value, allow_private_network: bool) -> AppResult<Option<String>> {
    let Some(u) = o.get("url") else { return Ok(None) };
    let first = match u {
        Value::Array(a) => a.iter().find_map(|u| id_of(u).or_else(|| u.get("href").and_then(Value::as_str))),
        u => id_of(u).or_else(|| u.get("href").and_then(Value::as_str)),
    };
    first.map(|u| remote_url(u, allow_private_network).map(String::from)).transpose()
}

/// `Create` or `Update` of a reply, sent by its author.
pub async fn receive_note(data: &Data<AppState>, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    let o = &env.object;
    let note_id = id_of(o).ok_or_else(|| AppError::BadRequest("Note without id".into()))?;
    let Some(in_reply_to) = o.get("inReplyTo").and_then(id_of) else {
        tracing::info!(activity = %env.id, "a Note that answers nothing here: ignored");
        return Ok(());
    };
    remote_id(note_id, &signer.host, data.config.allow_private_network)?;
    if o.get("attributedTo").and_then(id_of) != Some(signer.ap_id.as_str()) {
        return Err(AppError::Forbidden("a Note is sent by its author".into()));
    }
    url_of(o, data.config.allow_private_network)?;
    if !is_public(o, Some(&env.raw)) {
        // Followers-only or direct (Mastodon, when someone mentions the territory privately):
        // never a comment, never listed nor announced. Nothing is kept; moderators see nothing
        // (docs/FEDERATION.md), the log says who without the content.
        tracing::info!(activity = %env.id, actor = %signer.ap_id, "a reply that is not public: ignored");
        return Ok(());
    }
    if let Some(existing) = data.store.comment_by_ap_id(note_id).await? {
        if existing.author_actor != signer.ap_id {
            return Err(AppError::Forbidden("only a comment's author may change it".into()));
        }
        let html = comment_html(o);
        // `update_comment` changes only a comment by this author: the check above holds inside.
        let mut change = Change::begin(data).await?;
        if claim_received(change.conn(), env.id.as_str(), &signer.ap_id, &env.kind).await? {
            conv::update_comment(change.conn(), note_id, &signer.ap_id, &html).await?;
            change.commit().await?;
        }
        return Ok(());
    }
    let Some(practice) = practice_for(data, in_reply_to).await? else {
        tracing::info!(activity = %env.id, in_reply_to, "reply to no practice known here: ignored");
        return Ok(());
    };
    data.flood.admit(Act::Comment, &signer.ap_id, &signer.host)?;
    store_comment(data, env, signer, o, &practice).await
}

fn comment_html(o: &Value) -> String {
    let raw: String = o.get("content").and_then(Value::as_str).unwrap_or_default().chars().take(MAX_COMMENT).collect();
    sanitize(&raw)
}

/// Stores a comment by `author`; when the practice is ours and public, announces it to the
/// territory's followers in the same transaction.
async fn store_comment(
    data: &Data<AppState>,
    env: &Envelope,
    author: &RemoteActorRow,
    o: &Value,
    practice: &PracticeRow,
) -> AppResult<()> {
    let note_id = id_of(o).unwrap_or_default();
    let html = comment_html(o);
    if html.trim().is_empty() {
        return Err(AppError::BadRequest("an empty comment".into()));
    }
    let in_reply_to = o.get("inReplyTo").and_then(id_of).unwrap_or(&practice.ap_id);
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
    if !claim_received(change.conn(), env.id.as_str(), env.actor.as_str(), &env.kind).await? {
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
        published_at: published_millis(o),
    };
    let Some(id) = conv::insert_comment(change.conn(), &new).await? else {
        return change.commit().await;
    };
    if let (Some(actor), Some(t)) = (announcer, territory) {
        let inboxes = follower_inboxes_in(change.conn(), t).await?;
        let readers = readers.split(&inboxes);
        let followers = Url::parse(&format!("{actor}/followers"))?;
        // Group readers (Lemmy) take the author's `Create` embedded; Mastodon-API servers the
        // comment's id, which they fetch (they cannot read `Announce(Create)`). The latter is
        // the one recorded, listed and undone when a moderator hides the comment.
        let [groups, mut microblogs, no_summary] = readers;
        microblogs.extend(no_summary);
        let announce_id = crate::federation::outgoing::new_activity_id(data);
        let activity = conversation::announce(&announce_id, &actor, note_id, &followers, None);
        conv::set_comment_announce(change.conn(), id, Some(announce_id.as_str())).await?;
        change.queue(practice.territory_id, &activity, true, &microblogs).await?;
        let embedded = conversation::announce_activity(
            &crate::federation::outgoing::new_activity_id(data),
            &actor,
            &env.raw,
            &followers,
        );
        change.queue(practice.territory_id, &embedded, false, &groups).await?;
    }
    change.commit().await?;
    tracing::info!(comment = %note_id, practice = %practice.ap_id, "comment stored");
    Ok(())
}

/// `Announce`: a boost or an adoption of a practice, or a practice's territory redistributing
/// a comment on it.
pub async fn receive_announce(data: &Data<AppState>, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    // Groups (Lemmy, Maillage: FEP-1b12) announce a member's `Create` of a comment: the comment
    // is its object, taken as in a bare `Announce(id)` (fetched from its origin when it is not
    // the announcer's own: the embedded copy carries no signature of its author).
    let announced = match env.object.get("type").and_then(Value::as_str) {
        Some("Create") => env.object.get("object").cloned().unwrap_or(Value::Null),
        _ => env.object.clone(),
    };
    let object_id = id_of(&announced).ok_or_else(|| AppError::BadRequest("Announce without object".into()))?;
    remote_url(object_id, data.config.allow_private_network)?;
    if let Some(p) = data.store.practice_by_ap_id(object_id).await? {
        return receive_practice_announce(data, env, signer, &p).await;
    }
    if data.store.comment_by_ap_id(object_id).await?.is_some() {
        return Ok(()); // Already here (its author sent it to us too).
    }
    if env.raw.get(conversation::ADOPTION_NOTE).is_some() {
        // An adoption of a practice we do not keep: nothing to fetch.
        tracing::info!(activity = %env.id, "adoption of a practice not known here: ignored");
        return Ok(());
    }
    if data.is_blocked(&host_of(object_id).unwrap_or_default()).await? {
        // The territory relays a comment from a server this instance blocks: not fetched,
        // not kept (the announcer did nothing wrong: 202).
        tracing::info!(activity = %env.id, object = object_id, "Announce of an object on a blocked domain: ignored");
        return Ok(());
    }
    let note = match &announced {
        // The announcer speaks for its own host only: anything else is fetched from its origin.
        Value::Object(_) if host_of(object_id) == Some(signer.host.clone()) => announced.clone(),
        _ => match fetch_object(data, object_id).await {
            Ok(object) => object,
            Err(AppError::Gone(_)) => {
                tracing::info!(activity = %env.id, object = object_id, "Announce of an object gone since: ignored");
                return Ok(());
            }
            Err(e) => return Err(e),
        },
    };
    if !crate::federation::protocol::inbound::is_note(&note) || id_of(&note) != Some(object_id) {
        tracing::info!(activity = %env.id, "Announce of nothing we keep: ignored");
        return Ok(());
    }
    if !is_public(&note, None) {
        tracing::info!(activity = %env.id, "Announce of a reply that is not public: ignored");
        return Ok(());
    }
    let Some(practice) = practice_for(data, note.get("inReplyTo").and_then(id_of).unwrap_or_default()).await? else {
        tracing::info!(activity = %env.id, "Announce of a reply to no practice known here: ignored");
        return Ok(());
    };
    if practice.origin_actor != signer.ap_id {
        tracing::info!(activity = %env.id, "Announce of a comment by another than the practice's territory: ignored");
        return Ok(());
    }
    let author_id = note.get("attributedTo").and_then(id_of).unwrap_or_default();
    remote_url(author_id, data.config.allow_private_network)?;
    if host_of(author_id).is_none() || host_of(author_id) != host_of(object_id) {
        return Err(AppError::BadRequest("a comment's author is on its host".into()));
    }
    let author = ObjectId::<DbRemoteActor>::from(Url::parse(author_id)?).dereference(data).await?;
    store_comment(data, env, &author.row, &note, &practice).await
}

fn host_of(id: &str) -> Option<String> {
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

async fn receive_practice_announce(
    data: &Data<AppState>,
    env: &Envelope,
    signer: &RemoteActorRow,
    p: &PracticeRow,
) -> AppResult<()> {
    // Territories adopt (they are `Group`s); anyone else's Announce is a boost, whatever it carries.
    let note = env.raw.get(conversation::ADOPTION_NOTE).filter(|_| signer.kind == "Group");
    if note.is_none() && p.origin_actor == signer.ap_id {
        // The practice's own territory announcing it (for Mastodon-API servers): no boost.
        return Ok(());
    }
    let act = if note.is_some() { Act::Adoption } else { Act::Reaction };
    data.flood.admit(act, &signer.ap_id, &signer.host)?;
    let name = signer.name.clone().or_else(|| signer.preferred_username.clone()).unwrap_or_default();
    let profile =
        remote_link(signer.url.as_deref(), data.config.allow_private_network).unwrap_or_else(|| signer.ap_id.clone());
    let mut change = Change::begin(data).await?;
    if !claim_received(change.conn(), env.id.as_str(), &signer.ap_id, &env.kind).await? {
        return Ok(());
    }
    match note {
        Some(note) => {
            let text: String = note.as_str().unwrap_or_default().chars().take(2000).collect();
            let adoption = NewAdoption {
                practice_id: p.id,
                adopter_actor: &signer.ap_id,
                adopter_name: &name,
                adopter_url: &profile,
                note: &text,
                activity_ap_id: env.id.as_str(),
                local_territory_id: None,
            };
            conv::upsert_adoption(change.conn(), &adoption).await?;
            tracing::info!(practice = %p.ap_id, by = %signer.ap_id, "practice adopted");
        }
        None => {
            conv::add_reaction(
                change.conn(),
                p.id,
                crate::domain::practice::Reaction::Share,
                &signer.ap_id,
                env.id.as_str(),
            )
            .await?;
        }
    }
    change.commit().await
}

/// `Like` of a practice.
pub async fn receive_like(data: &AppState, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    let Some(p) = data.store.practice_by_ap_id(id_of(&env.object).unwrap_or_default()).await? else {
        tracing::info!(activity = %env.id, "Like of nothing we keep: ignored");
        return Ok(());
    };
    data.flood.admit(Act::Reaction, &signer.ap_id, &signer.host)?;
    let mut change = Change::begin(data).await?;
    if claim_received(change.conn(), env.id.as_str(), &signer.ap_id, &env.kind).await? {
        conv::add_reaction(
            change.conn(),
            p.id,
            crate::domain::practice::Reaction::Like,
            &signer.ap_id,
            env.id.as_str(),
        )
        .await?;
        change.commit().await?;
    }
    Ok(())
}

/// `Undo` of a `Like` or an `Announce`: the reaction or adoption goes; a practice's territory
/// undoing its `Announce` of a comment withdraws the comment (its moderators hid it).
pub async fn receive_undo(data: &AppState, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    let Some(inner) = id_of(&env.object) else { return Ok(()) };
    let mut change = Change::begin(data).await?;
    if !claim_received(change.conn(), env.id.as_str(), &signer.ap_id, "Undo").await? {
        return Ok(());
    }
    let withdrawn_comment = match env.object.get("object").and_then(id_of) {
        Some(object) => conv::comment_by_ap_id_in(change.conn(), object).await?,
        None => None,
    };
    let comment_practice = match &withdrawn_comment {
        Some(c) => practice_in(change.conn(), c.practice_id).await?,
        None => None,
    };
    let undone = conv::remove_adoption_by_activity(change.conn(), inner, &signer.ap_id).await?
        || conv::remove_reaction(change.conn(), inner, &signer.ap_id).await?;
    if !undone
        && let (Some(c), Some(p)) = (&withdrawn_comment, &comment_practice)
        && p.origin_actor == signer.ap_id
        && p.territory_id.is_none()
    {
        conv::delete_comment(change.conn(), &c.ap_id).await?;
        tracing::info!(comment = %c.ap_id, "comment withdrawn by the practice's territory");
    }
    change.commit().await
}

/// `Delete` of a comment by its author, or by the practice's territory (moderation). True when
/// it named a comment.
pub async fn receive_delete(data: &AppState, env: &Envelope, signer: &RemoteActorRow) -> AppResult<bool> {
    let object = id_of(&env.object).unwrap_or_default();
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
    if !claim_received(change.conn(), env.id.as_str(), &signer.ap_id, "Delete").await? {
        return Ok(true);
    }
    conv::delete_comment(change.conn(), &c.ap_id).await?;
    if let (Some((announce, territory_id, inboxes)), Some(p)) = (undo, &p) {
        let activity = undo_announce(data, &p.origin_actor, &announce, &c.ap_id)?;
        change.queue(Some(territory_id), &activity, false, &inboxes).await?;
    }
    change.commit().await?;
    tracing::info!(comment = %c.ap_id, "comment deleted");
    Ok(true)
}

/// `Undo` of our `Announce` of `object`, by the territory `actor`.
pub fn undo_announce(state: &AppState, actor: &str, announce: &str, object: &str) -> AppResult<Value> {
    let actor = Url::parse(actor)?;
    let followers = Url::parse(&format!("{actor}/followers"))?;
    let id = crate::federation::outgoing::new_activity_id(state);
    Ok(conversation::undo_announce(&id, &actor, announce, object, &followers))
}
