//! `/api/v1/announcements`: a territory's announcements — the list (public: published ones;
//! drafts too with a moderator token) and authoring with moderator tokens: create, edit,
//! delete; each federates to the territory's followers once published (`Create`, `Update`,
//! `Delete` of a `Note`). The image comes base64 in `image_base64` (checked and re-encoded as
//! from the form).

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
use crate::{
    domain::{
        account::Role,
        announcement::{AnnouncementInput, AnnouncementStatus},
    },
    error::{AppError, AppResult},
    processing::{
        announcements::{self, ImageChange},
        media,
    },
    state::AppState,
    storage::{announcements::AnnouncementRow, comments::Commented, reactions::Reacted},
};

/// Largest request body: an image at its limit, base64, and the text.
pub const MAX_BODY: usize = media::MAX_UPLOAD * 4 / 3 + 64 * 1024;

/// An announcement with where its image is and what it received.
#[derive(Serialize, ToSchema)]
pub struct AnnouncementDetail {
    #[serde(flatten)]
    pub announcement: AnnouncementRow,
    /// The image's URL, when it has one.
    pub image_url: Option<String>,
    /// Likes received from the fediverse.
    pub likes: i64,
    /// Visible comments.
    pub comments: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AnnouncementCreated {
    pub id: i64,
    /// Its ActivityPub id, also its page.
    pub ap_id: String,
    pub status: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    territory: Option<String>,
    page: Option<i64>,
}

#[derive(Deserialize)]
pub struct TerritoryQuery {
    territory: Option<String>,
}

fn slug_or_default(data: &AppState, territory: Option<String>) -> String {
    territory.filter(|s| !s.is_empty()).unwrap_or_else(|| data.config.default_territory.to_string())
}

#[utoipa::path(get, path = "/api/v1/announcements", tag = "announcements",
    params(("territory" = Option<String>, Query, description = "territory slug (default: the instance's)"),
        ("page" = Option<i64>, Query, description = "page of 20, newest first (from 1)")),
    responses((status = 200, description = "Published announcements (drafts too with a moderator token), newest first", body = [AnnouncementRow]),
        (status = 400, description = "A parameter is not of its type", body = ErrorDto),
        (status = 401, description = "A bad token", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto)))]
pub async fn list(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> AppResult<Response> {
    let q = super::query(q)?;
    let t = super::territory(&data, &slug_or_default(&data, q.territory)).await?;
    let moderator = caller.is_some_and(|c| c.role >= Role::Moderator);
    let per = crate::web::announcement_pages::PER_PAGE;
    let offset = (q.page.unwrap_or(1).max(1) - 1) * per;
    Ok(Json(data.store.announcements(t.id, moderator, per, offset).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/announcements", tag = "announcements",
    params(("territory" = Option<String>, Query, description = "territory slug (default: the instance's)")),
    request_body = AnnouncementInput, security(("bearer" = [])),
    responses((status = 201, description = "Stored; published (the default), followers get it", body = AnnouncementCreated),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "Needs a moderator token", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto),
        (status = 413, description = "Body over the limit", body = ErrorDto),
        (status = 422, description = "Invalid fields (missing text, image not an image or over the limit, missing alt text, bad link…): `fields` maps each to its rule", body = ErrorDto)))]
pub async fn create(
    State(data): State<AppState>,
    caller: ApiCaller,
    Query(q): Query<TerritoryQuery>,
    b: Result<Json<AnnouncementInput>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let input = super::json_body(b)?;
    let slug = slug_or_default(&data, q.territory);
    let image = match ImageChange::from_base64(&input.image_base64) {
        ImageChange::Remove => ImageChange::Keep,
        other => other,
    };
    let id = match announcements::create(&data, &slug, &input, &image, &caller.audit_name()).await {
        Ok(id) => id,
        Err(e) => return Ok(super::field_errors(e.fields()?)),
    };
    let a = data.store.announcement(id).await?.ok_or_else(|| AppError::NotFound(format!("announcement {id}")))?;
    let created = AnnouncementCreated { id, ap_id: a.ap_id, status: a.status.as_str().into() };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "announcements", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = AnnouncementDetail), (status = 401, description = "A bad token", body = ErrorDto),
        (status = 404, description = "No such announcement (drafts: moderators only)", body = ErrorDto),
        (status = 410, description = "Deleted", body = ErrorDto)))]
pub async fn get_one(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let a = data.store.announcement(id).await?.ok_or_else(|| AppError::NotFound(format!("announcement {id}")))?;
    let moderator = caller.is_some_and(|c| c.role >= Role::Moderator);
    match a.status {
        AnnouncementStatus::Deleted => return Err(AppError::Gone(format!("announcement {id}"))),
        AnnouncementStatus::Draft if !moderator => return Err(AppError::NotFound(format!("announcement {id}"))),
        _ => {}
    }
    let detail = AnnouncementDetail {
        image_url: announcements::image_url(&data, &a),
        likes: data.store.reaction_count(Reacted::Announcement(id)).await?,
        comments: data.store.comments(Commented::Announcement(id), false).await?.len() as i64,
        announcement: a,
    };
    Ok(Json(detail).into_response())
}

#[utoipa::path(patch, path = "/api/v1/announcements/{id}", tag = "announcements", params(("id" = i64, Path)),
    request_body(content = AnnouncementInput, description = "Only the fields given change; `image_base64`: empty keeps the image, `-` removes it"),
    security(("bearer" = [])),
    responses((status = 204, description = "Changed (followers of a published announcement get an Update)"),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such announcement", body = ErrorDto),
        (status = 413, description = "Body over the limit", body = ErrorDto),
        (status = 422, description = "Invalid fields", body = ErrorDto)))]
pub async fn patch(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    b: Result<Json<Value>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let patch = super::json_body(b)?;
    let image = ImageChange::from_base64(patch.get("image_base64").and_then(Value::as_str).unwrap_or_default());
    super::answer(announcements::update(&data, id, &patch, &image, &caller.audit_name()).await, |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

#[utoipa::path(delete, path = "/api/v1/announcements/{id}", tag = "announcements", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Deleted (followers of a published announcement get a Delete)"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such announcement", body = ErrorDto)))]
pub async fn delete(State(data): State<AppState>, caller: ApiCaller, Path(id): Path<i64>) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    announcements::delete(&data, id, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
