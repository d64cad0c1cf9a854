//! `/api/v1/territories/{slug}/followers|following`: who follows a territory and whom it
//! follows; approving or rejecting a follower waiting for a moderator.

use axum::{
    Json,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiCaller, ErrorDto, example, json_body, territory};
use crate::{
    domain::{account::Role, territory::FollowState},
    error::{AppError, AppResult},
    processing,
    state::AppState,
    storage::follows::Direction,
};

#[derive(Serialize, ToSchema)]
pub struct FollowDto {
    actor: String,
    handle: String,
    state: String,
    since: String,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = actor_ref_example)]
pub struct ActorRef {
    /// Actor id or `name@host`.
    actor: String,
}

pub(super) fn actor_ref_example() -> serde_json::Value {
    example(r#"{"actor": "alice@mastodon.example"}"#)
}

#[derive(Deserialize)]
pub struct StateQuery {
    state: Option<String>,
}

async fn follows(state: &AppState, slug: &str, dir: Direction, q: &StateQuery) -> AppResult<Vec<FollowDto>> {
    let t = territory(state, slug).await?;
    let states = match q.state.as_deref() {
        None => vec![FollowState::Accepted, FollowState::Pending],
        Some("accepted") => vec![FollowState::Accepted],
        Some("pending") => vec![FollowState::Pending],
        Some(_) => return Err(AppError::BadRequest("state is accepted or pending".into())),
    };
    let mut out = vec![];
    for s in states {
        for f in state.store.follows_page(dir, t.id, s, 10_000, 0).await? {
            out.push(FollowDto {
                handle: f.handle(),
                state: f.state.as_str().to_string(),
                since: crate::domain::millis_to_datetime(f.created_at).to_rfc3339(),
                actor: f.actor_ap_id,
            });
        }
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/v1/territories/{slug}/followers", tag = "followers",
    params(("slug" = String, Path), ("state" = Option<String>, Query, description = "accepted or pending")),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = [FollowDto]), (status = 400, description = "Unknown state", body = ErrorDto),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub(super) async fn list_followers(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    Query(q): Query<StateQuery>,
) -> AppResult<Json<Vec<FollowDto>>> {
    caller.require(Role::Moderator)?;
    Ok(Json(follows(&data, &slug, Direction::Followers, &q).await?))
}

#[utoipa::path(get, path = "/api/v1/territories/{slug}/following", tag = "followers",
    params(("slug" = String, Path), ("state" = Option<String>, Query, description = "accepted or pending")),
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = [FollowDto]), (status = 400, description = "Unknown state", body = ErrorDto),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub(super) async fn list_following(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    Query(q): Query<StateQuery>,
) -> AppResult<Json<Vec<FollowDto>>> {
    caller.require(Role::Moderator)?;
    Ok(Json(follows(&data, &slug, Direction::Following, &q).await?))
}

async fn decide(
    data: &AppState,
    caller: &ApiCaller,
    slug: &str,
    body: Result<Json<ActorRef>, JsonRejection>,
    approve: bool,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let who = json_body(body)?.actor;
    processing::follows::decide_follower_audited(data, slug, &who, approve, Some(&caller.audit_name())).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/territories/{slug}/followers/approve", tag = "followers",
    params(("slug" = String, Path)), request_body = ActorRef, security(("bearer" = [])),
    responses((status = 204, description = "Done; the follower gets an Accept"),
        (status = 400, description = "Not JSON, or a parameter not of its type", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such territory or pending follower", body = ErrorDto),
        (status = 422, description = "Invalid fields", body = ErrorDto)))]
pub(super) async fn approve_follower(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    body: Result<Json<ActorRef>, JsonRejection>,
) -> AppResult<Response> {
    decide(&data, &caller, &slug, body, true).await
}

#[utoipa::path(post, path = "/api/v1/territories/{slug}/followers/reject", tag = "followers",
    params(("slug" = String, Path)), request_body = ActorRef, security(("bearer" = [])),
    responses((status = 204, description = "Done; the follower gets an Reject"),
        (status = 400, description = "Not JSON, or a parameter not of its type", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such territory or pending follower", body = ErrorDto),
        (status = 422, description = "Invalid fields", body = ErrorDto)))]
pub(super) async fn reject_follower(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    body: Result<Json<ActorRef>, JsonRejection>,
) -> AppResult<Response> {
    decide(&data, &caller, &slug, body, false).await
}
