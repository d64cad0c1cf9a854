//! What moderators do around practices: a territory comments on a practice (its own or another
//! territory's; hiding comments is in `comments.rs`), adopts another territory's practice with a note (`Announce` with `cces:adoptionNote`) or withdraws
//! the adoption (`Undo`). Each is one [`Change`]: its rows, activities and audit entry commit
//! together; remote actors are fetched before it opens (network).

use activitypub_federation::{config::Data, fetch::object_id::ObjectId};
use url::Url;

use crate::domain::ids::PracticeId;
use crate::domain::local_actor::LocalActor;
use crate::{
    error::{AppError, AppResult},
    federation::{
        activities::conversation::{handle, undo_announce},
        objects::DbRemoteActor,
        outgoing::new_activity_id,
        protocol::conversation::{self as wire, CommentNote},
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        comments::{self, Commented, NewComment},
        conversations::{self as conv, NewAdoption},
        follows::follower_inboxes_in,
        practices::PracticeRow,
        territories::TerritoryRow,
    },
    text::html::markdown_to_html,
};

/// Longest comment written here (characters of Markdown).
pub const MAX_COMMENT_CHARS: usize = 5000;

async fn territory(state: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

async fn published(state: &AppState, practice_id: PracticeId) -> AppResult<PracticeRow> {
    state
        .store
        .practice(practice_id)
        .await?
        .filter(|p| p.is_published())
        .ok_or_else(|| AppError::NotFound(format!("practice {practice_id}")))
}

/// The inbox of a remote practice's territory, and its handle (fetched if we lost it).
async fn origin_of(data: &Data<AppState>, p: &PracticeRow) -> AppResult<(Option<String>, String)> {
    if p.territory_id.is_some() {
        let handle = local_handle(data, p.origin_actor.rsplit('/').next().unwrap_or_default());
        return Ok((None, handle));
    }
    let actor = ObjectId::<DbRemoteActor>::from(Url::parse(&p.origin_actor)?).dereference(data).await?;
    let inbox = actor.row.shared_inbox.clone().unwrap_or_else(|| actor.row.inbox.clone());
    Ok((Some(inbox), handle(&actor.row)))
}

fn local_handle(state: &AppState, slug: &str) -> String {
    format!("{slug}@{}", state.config.authority())
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A territory comments a practice: a public `Note` to the practice's territory and to its own
/// followers. Returns the comment's id.
pub async fn comment(
    data: &Data<AppState>,
    slug: &str,
    practice_id: PracticeId,
    text: &str,
    by: &str,
) -> AppResult<i64> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::Unprocessable("comment-length".into()));
    }
    let t = territory(data, slug).await?;
    let p = published(data, practice_id).await?;
    let (origin_inbox, origin_handle) = origin_of(data, &p).await?;
    let actor = data.urls.territory(&t.slug);
    let followers = data.urls.territory_followers(&t.slug);
    let note_id = data.urls.note(uuid::Uuid::new_v4());
    let html = markdown_to_html(text);
    let published = now_rfc3339();
    let note = CommentNote {
        id: &note_id,
        author: &actor,
        author_followers: &followers,
        in_reply_to: &p.ap_id,
        practice_origin: &p.origin_actor,
        origin_handle: &origin_handle,
        content_html: &html,
        published: &published,
    };
    let own_handle = local_handle(data, &t.slug);
    let mut change = Change::begin(data).await?;
    let mut inboxes = follower_inboxes_in(change.conn(), t.id).await?;
    if let Some(inbox) = origin_inbox
        && !inboxes.contains(&inbox)
    {
        inboxes.push(inbox);
    }
    // The comment's row first, then its `Create`: the order of every change.
    let created = note.create(&new_activity_id(data));
    let new = NewComment {
        on: Commented::Practice(p.id),
        ap_id: note_id.as_str(),
        in_reply_to: &p.ap_id,
        author_actor: actor.as_str(),
        author_name: &t.name,
        author_handle: &own_handle,
        author_url: actor.as_str(),
        content_html: &html,
        url: note_id.as_str(),
        local_territory_id: Some(t.id),
        published_at: crate::domain::now_millis(),
    };
    let id = comments::insert(change.conn(), &new).await?.ok_or_else(|| AppError::Conflict("comment".into()))?;
    change.queue(LocalActor::Territory(t.id), &created, true, &inboxes).await?;
    change.audit(by, "practice.comment", &format!("practice {practice_id} comment {id}")).await?;
    change.commit().await?;
    Ok(id)
}

/// A territory adopts another territory's practice, saying how it adapted it.
pub async fn adopt(data: &Data<AppState>, slug: &str, practice_id: PracticeId, note: &str, by: &str) -> AppResult<()> {
    let note = note.trim();
    if note.chars().count() > 2000 {
        return Err(AppError::Unprocessable("adoption-note-length".into()));
    }
    let t = territory(data, slug).await?;
    let p = published(data, practice_id).await?;
    if p.territory_id.is_some() {
        return Err(AppError::Unprocessable("a territory adopts other territories' practices".into()));
    }
    let (origin_inbox, _) = origin_of(data, &p).await?;
    let actor = data.urls.territory(&t.slug);
    let followers = data.urls.territory_followers(&t.slug);
    let id = new_activity_id(data);
    let activity = wire::adoption(&id, &actor, &p.ap_id, &p.origin_actor, &followers, note);
    let mut change = Change::begin(data).await?;
    let mut inboxes = follower_inboxes_in(change.conn(), t.id).await?;
    inboxes.extend(origin_inbox);
    inboxes.sort();
    inboxes.dedup();
    let previous = conv::local_adoption_in(change.conn(), p.id, t.id).await?;
    let adoption = NewAdoption {
        practice_id: p.id,
        adopter_actor: actor.as_str(),
        adopter_name: &t.name,
        adopter_url: actor.as_str(),
        note,
        activity_ap_id: id.as_str(),
        local_territory_id: Some(t.id),
    };
    conv::upsert_adoption(change.conn(), &adoption).await?;
    if let Some(old) = previous {
        // A new note replaces the old adoption: followers see one boost, not two.
        let undo = undo_announce(data, actor.as_str(), &old.activity_ap_id, &p.ap_id)?;
        change.queue(LocalActor::Territory(t.id), &undo, false, &inboxes).await?;
    }
    change.queue(LocalActor::Territory(t.id), &activity, true, &inboxes).await?;
    change.audit(by, "practice.adopt", &format!("practice {practice_id} by {slug}")).await?;
    change.commit().await
}

/// Withdraws a territory's adoption: `Undo` of its `Announce`.
pub async fn unadopt(data: &Data<AppState>, slug: &str, practice_id: PracticeId, by: &str) -> AppResult<()> {
    let t = territory(data, slug).await?;
    let p = data.store.practice(practice_id).await?.ok_or_else(|| AppError::NotFound("practice".into()))?;
    // The origin's inbox may need a fetch (network): before the change opens.
    let (origin_inbox, _) = origin_of(data, &p).await.unwrap_or((None, String::new()));
    let actor = data.urls.territory(&t.slug);
    let mut change = Change::begin(data).await?;
    let Some(a) = conv::local_adoption_in(change.conn(), p.id, t.id).await? else { return Ok(()) };
    let mut inboxes = follower_inboxes_in(change.conn(), t.id).await?;
    inboxes.extend(origin_inbox);
    inboxes.sort();
    inboxes.dedup();
    let undo = undo_announce(data, actor.as_str(), &a.activity_ap_id, &p.ap_id)?;
    conv::remove_adoption(change.conn(), a.id).await?;
    change.queue(LocalActor::Territory(t.id), &undo, false, &inboxes).await?;
    change.audit(by, "practice.unadopt", &format!("practice {practice_id} by {slug}")).await?;
    change.commit().await
}
