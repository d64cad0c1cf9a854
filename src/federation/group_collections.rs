//! The collections of a territory's `Group` that Mobilizon reads when it refreshes a group it
//! follows: `outbox` and `members` (served in `actors.rs` and `signatory_actors/`), then
//! `resources`, `posts`, `todos`, `discussions` and `events`, in that order. Mobilizon stops at
//! the first one missing or unreadable, so each is served: `posts` holds the territory's
//! announcements as Mobilizon group posts, `events` its own shared actions; a territory has no
//! resources, to-do lists or discussions: those are empty.
//! https://framagit.org/framasoft/mobilizon/-/blob/main/lib/federation/activity_pub/refresher.ex
//! docs/FEDERATION.md, "Mobilizon".

use activitypub_federation::config::Data;
use axum::{extract::Path, response::Response};
use serde_json::Value;

use super::{
    actors::ap_json,
    protocol::{activity_context, collections::inline_ordered, practice::Publication},
};
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
    processing::{actions, announcements},
    state::AppState,
    storage::{actions::ActionFilter, territories::TerritoryRow},
};

/// Items inline in each collection (Mobilizon reads `orderedItems`, then each item).
const INLINE: i64 = 20;

/// Actions that ended this long ago are still listed in `events` (ms).
const PAST_EVENTS_MS: i64 = 90 * 24 * 3600 * 1000;

async fn territory(data: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    data.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

fn collection(data: &AppState, slug: &str, name: &str, total: i64, items: Vec<Value>) -> Response {
    ap_json(&inline_ordered(activity_context(), &data.urls.territory_collection(slug, name), total, items))
}

/// The territory's published announcements, newest first, as Mobilizon group posts.
pub async fn get_posts(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let at = Publication::local(&data.urls, &t.slug);
    let rows = data.store.announcements(t.id, false, INLINE, 0).await?;
    let items = rows.iter().map(|r| announcements::shapes(&data, &at, r).post).collect();
    Ok(collection(&data, &slug, "posts", data.store.announcement_count(t.id).await?, items))
}

/// The territory's own published actions (not those it co-organises: their origin serves
/// them), upcoming and recent, as `Event`s.
pub async fn get_events(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let filter = ActionFilter {
        origin: Some(data.urls.territory(&t.slug).to_string()),
        ending_after: Some(now_millis() - PAST_EVENTS_MS),
        ..ActionFilter::default()
    };
    let mut items = vec![];
    for r in data.store.actions(&filter, INLINE).await? {
        items.push(actions::event_json(&data, &r).await?);
    }
    let total = i64::try_from(items.len()).unwrap_or(INLINE);
    Ok(collection(&data, &slug, "events", total, items))
}

/// `resources`, `todos`, `discussions`: nothing a territory keeps, served empty.
async fn empty(data: &AppState, slug: &str, name: &str) -> AppResult<Response> {
    territory(data, slug).await?;
    Ok(collection(data, slug, name, 0, vec![]))
}

pub async fn get_resources(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    empty(&data, &slug, "resources").await
}

pub async fn get_todos(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    empty(&data, &slug, "todos").await
}

pub async fn get_discussions(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    empty(&data, &slug, "discussions").await
}
