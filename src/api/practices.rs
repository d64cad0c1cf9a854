//! `/api/v1/practices`: the catalogue (public search over local and remote practices) and
//! authoring (moderator tokens).

use axum::{
    Json,
    extract::{
        Path, Query, State,
        rejection::{JsonRejection, QueryRejection},
    },
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{ApiCaller, ErrorDto};
use crate::domain::ids::PracticeId;
use crate::{
    domain::{account::Role, practice::PracticeInput},
    error::{AppError, AppResult},
    processing::practices,
    state::AppState,
    storage::{
        comments::CommentRow,
        conversations::{AdoptionRow, Reactions},
        practices::{PracticeFilter, PracticeRow, RevisionRow},
    },
};

/// A practice with the conversation around it.
#[derive(Serialize, ToSchema)]
pub struct PracticeDetail {
    #[serde(flatten)]
    pub practice: PracticeRow,
    /// Visible comments, oldest first (hidden ones too for moderators).
    pub comments: Vec<CommentRow>,
    /// Territories that adopted it, with their notes.
    pub adoptions: Vec<AdoptionRow>,
    pub reactions: Reactions,
    /// Moderators only: who changed which fields, when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<RevisionRow>>,
}

#[derive(Serialize, ToSchema)]
pub struct PracticeCreated {
    #[schema(value_type = i64)]
    pub id: PracticeId,
    /// Always `draft`: publishing is a separate step.
    pub status: String,
}

#[derive(Deserialize)]
pub struct TerritoryQuery {
    territory: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/practices", tag = "practices",
    params(("q" = Option<String>, Query, description = "full text, French word forms"), ("domain" = Option<String>, Query),
        ("dimension" = Option<String>, Query), ("territory" = Option<String>, Query, description = "origin territory actor id"),
        ("tag" = Option<String>, Query), ("page" = Option<i64>, Query, description = "page of 100, from 1")),
    responses((status = 200, description = "Published practices, local and remote, newest first", body = [PracticeRow]),
        (status = 400, description = "A filter is not of its type", body = ErrorDto)))]
pub async fn search(
    State(data): State<AppState>,
    f: Result<Query<PracticeFilter>, QueryRejection>,
) -> AppResult<Response> {
    let f = super::query(f)?;
    Ok(Json(data.store.search_practices(&f, 100).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/practices", tag = "practices",
    params(("territory" = Option<String>, Query, description = "territory slug (default: the instance's)")),
    request_body = PracticeInput, security(("bearer" = [])),
    responses((status = 201, description = "Stored as a draft", body = PracticeCreated),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "Needs a moderator token", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto),
        (status = 422, description = "Invalid fields: `fields` maps each to its rule", body = ErrorDto)))]
pub async fn create(
    State(data): State<AppState>,
    caller: ApiCaller,
    Query(q): Query<TerritoryQuery>,
    b: Result<Json<PracticeInput>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let input = super::json_body(b)?;
    let slug = q.territory.unwrap_or_else(|| data.config.default_territory.to_string());
    super::answer(practices::create(&data, &slug, &input, &caller.audit_name()).await, |id| {
        (StatusCode::CREATED, Json(PracticeCreated { id, status: "draft".into() })).into_response()
    })
}

/// A practice with its comments, adoptions and reactions: published ones for everyone; drafts,
/// hidden comments and the revision history for moderators.
#[utoipa::path(get, path = "/api/v1/practices/{id}", tag = "practices", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = PracticeDetail), (status = 401, description = "A bad token", body = ErrorDto),
        (status = 404, description = "No such published practice", body = ErrorDto)))]
pub async fn get_one(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    Path(id): Path<PracticeId>,
) -> AppResult<Response> {
    let p = data.store.practice(id).await?.ok_or_else(|| AppError::NotFound(format!("practice {id}")))?;
    let moderator = caller.is_some_and(|c| c.role >= Role::Moderator);
    if !p.is_published() && !moderator {
        return Err(AppError::NotFound(format!("practice {id}")));
    }
    // The conversation around it, as the page shows it (hidden comments for moderators only).
    let detail = PracticeDetail {
        comments: data.store.comments(id, moderator).await?,
        adoptions: data.store.adoptions(id).await?,
        reactions: data.store.reactions(id).await?,
        revisions: if moderator { Some(data.store.practice_revisions(id).await?) } else { None },
        practice: p,
    };
    Ok(Json(detail).into_response())
}

#[utoipa::path(patch, path = "/api/v1/practices/{id}", tag = "practices", params(("id" = i64, Path)),
    request_body(content = PracticeInput, description = "Only the fields given change; each change is recorded in the history"),
    security(("bearer" = [])),
    responses((status = 204, description = "Changed (a published practice sends an Update to followers)"),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto),
        (status = 422, description = "Invalid fields", body = ErrorDto)))]
pub async fn patch(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<PracticeId>,
    b: Result<Json<Value>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let patch = super::json_body(b)?;
    super::answer(practices::update(&data, id, &patch, &caller.audit_name()).await, |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

async fn set_status(data: &AppState, caller: &ApiCaller, id: PracticeId, published: bool) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    practices::set_published(data, id, published, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/practices/{id}/publish", tag = "practices", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Published: a Create is sent to followers"), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub async fn publish(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<PracticeId>,
) -> AppResult<Response> {
    set_status(&data, &caller, id, true).await
}

#[utoipa::path(post, path = "/api/v1/practices/{id}/unpublish", tag = "practices", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Back to draft: a Delete is sent to followers"), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub async fn unpublish(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<PracticeId>,
) -> AppResult<Response> {
    set_status(&data, &caller, id, false).await
}

async fn set_pin(data: &AppState, caller: &ApiCaller, id: PracticeId, pinned: bool) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    crate::processing::practice_pins::set_pinned(data, id, pinned, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// As Mastodon's `POST /api/v1/statuses/{id}/pin`.
#[utoipa::path(post, path = "/api/v1/practices/{id}/pin", tag = "practices", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Pinned to the territory's featured collection (shown first on its profile; Mastodon-API followers get an Add); already pinned: unchanged"), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto),
        (status = 422, description = "Only a published practice can be pinned", body = ErrorDto)))]
pub async fn pin(State(data): State<AppState>, caller: ApiCaller, Path(id): Path<PracticeId>) -> AppResult<Response> {
    set_pin(&data, &caller, id, true).await
}

#[utoipa::path(post, path = "/api/v1/practices/{id}/unpin", tag = "practices", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Unpinned (Mastodon-API followers get a Remove and a Delete of the pin note); not pinned: unchanged"), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub async fn unpin(State(data): State<AppState>, caller: ApiCaller, Path(id): Path<PracticeId>) -> AppResult<Response> {
    set_pin(&data, &caller, id, false).await
}

#[utoipa::path(delete, path = "/api/v1/practices/{id}", tag = "practices", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Deleted (followers get a Delete)"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub async fn delete(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<PracticeId>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    practices::delete(&data, id, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
