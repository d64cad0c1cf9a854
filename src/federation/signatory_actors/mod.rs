//! Listed signatories on the fediverse: a structure is an `Organization`, an individual a
//! `Person`, at `/s/<id>`, with profile fields as `PropertyValue`s and `attributedTo` their
//! territory, whose `Group` lists them in its `members` collection. Followable: Follows are
//! accepted at once, signed with the signatory's own key (`activities/signatory_follow.rs`).
//! No contact detail is ever published. Here: serving them; their document: `document.rs`.

use activitypub_federation::config::Data;
use axum::{
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::Value;
use url::Url;

use crate::domain::ids::SignatoryId;

mod document;

pub use document::actor_json;

use super::{
    actors::{ap_json, wants_activity_json},
    protocol::collections::{OrderedCollection, OrderedCollectionPage},
};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    storage::signatories::SignatoryActorRow,
};

/// `/s/<id>` when `url` names a signatory actor of this instance.
pub fn local_signatory_id(state: &AppState, url: &str) -> Option<SignatoryId> {
    state.urls.signatory_id_of(&Url::parse(url).ok()?)
}

/// A signatory actor's path segment, or 404 (not axum's 400: `/s/abc` names no actor).
fn parse_id(id: &str) -> AppResult<SignatoryId> {
    id.parse().map_err(|_| AppError::NotFound("actor".into()))
}

async fn public_signatory(state: &AppState, id: SignatoryId) -> AppResult<(SignatoryActorRow, String)> {
    let s = state.store.signatory_actor(id).await?.ok_or_else(|| AppError::NotFound("actor".into()))?;
    // Once an actor (it has keys), always a trace: withdrawn or unlisted since, it is gone.
    if s.public_key_pem.is_some() && !s.is_public() {
        return Err(AppError::Gone(format!("signatory {id} withdrew or is no longer listed")));
    }
    if !s.is_public() {
        return Err(AppError::NotFound("actor".into()));
    }
    let slug = state.store.territory_by_id(s.territory_id).await?.map(|t| t.slug).unwrap_or_default();
    Ok((s, slug))
}

pub async fn get_actor(data: Data<AppState>, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let result = public_signatory(&data, id).await;
    if let Err(AppError::Gone(_)) = &result {
        let mut res = ap_json(&super::protocol::tombstone(data.urls.signatory(id).as_str()));
        *res.status_mut() = StatusCode::GONE;
        return Ok(res);
    }
    let (s, slug) = result?;
    if !wants_activity_json(&headers) {
        return Ok(Redirect::to(data.urls.signatory_directory(&slug).path()).into_response());
    }
    Ok(ap_json(&actor_json(&data, &s, &slug)))
}

/// Outbox and following are empty; followers counts who follows.
pub async fn get_collection(data: Data<AppState>, Path((id, name)): Path<(String, String)>) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let (s, _) = public_signatory(&data, id).await?;
    let total = match name.as_str() {
        "followers" => data.store.count_signatory_followers(s.id).await?,
        "outbox" | "following" => 0,
        _ => return Err(AppError::NotFound(name)),
    };
    Ok(ap_json(&OrderedCollection {
        context: super::protocol::activity_context(),
        id: data.urls.signatory_collection(id, &name),
        kind: super::protocol::collections::CollectionKind::OrderedCollection,
        total_items: total,
        first: None,
    }))
}

/// The territory's members: its public signatory actors.
pub async fn get_members(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let t =
        data.store.territory_by_slug(&slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let ids = data.store.member_ids(t.id).await?;
    let items: Vec<Value> = ids.iter().map(|id| Value::String(data.urls.signatory(*id).to_string())).collect();
    let collection = data.urls.territory_collection(&slug, "members");
    // One page holds every member: a territory's signatories number in the hundreds at most.
    let mut page = OrderedCollectionPage::new(&collection, 1, items.len() as i64, items);
    page.id = collection;
    page.kind = super::protocol::collections::CollectionKind::OrderedCollection;
    Ok(ap_json(&page))
}
