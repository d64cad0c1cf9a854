//! `/api/v1/actions`: shared actions — the agenda (public: published actions, local and
//! received) and authoring with moderator tokens: create (a draft), edit, publish, cancel,
//! delete; each federates to the territory's followers once published. Participants from the
//! fediverse (moderators): list, approve or reject a held `Join`; the participants' feedback
//! texts (moderators only).

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
use crate::domain::ids::{ActionId, ParticipantId, PracticeId};
use crate::{
    domain::{account::Role, action::ActionInput, feedback::Summary},
    error::{AppError, AppResult},
    processing::{action_participation, actions},
    state::AppState,
    storage::{
        action_feedback::FeedbackRow,
        action_participants::ParticipantRow,
        actions::{ActionFilter, ActionRow},
    },
};

/// An action with its organisers, linked practices and places.
#[derive(Serialize, ToSchema)]
pub struct ActionDetail {
    #[serde(flatten)]
    pub action: ActionRow,
    /// Organising territories (actor ids), the owner first.
    pub organizers: Vec<String>,
    /// Ids of the linked practices.
    #[schema(value_type = Vec<i64>)]
    pub practices: Vec<PracticeId>,
    /// Participants counted (for a received action: what its origin says).
    pub participants: i64,
    /// Places left, when the number is limited.
    pub remaining: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ActionCreated {
    #[schema(value_type = i64)]
    pub id: ActionId,
    /// Always `draft`: publishing is a separate step.
    pub publication: String,
}

#[derive(Deserialize)]
pub struct AgendaQuery {
    /// Territory slug: its own actions (drafts too for a moderator).
    territory: Option<String>,
    /// Origin territory actor id (local or remote).
    origin: Option<String>,
    /// Only actions not ended yet.
    upcoming: Option<bool>,
}

#[derive(Deserialize)]
pub struct TerritoryQuery {
    territory: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/actions", tag = "actions",
    params(("territory" = Option<String>, Query, description = "territory slug: its own actions (drafts too with a moderator token)"),
        ("origin" = Option<String>, Query, description = "origin territory actor id"),
        ("upcoming" = Option<bool>, Query, description = "only actions not ended yet")),
    responses((status = 200, description = "Published actions, local and received, by start time", body = [ActionRow]),
        (status = 400, description = "A filter is not of its type", body = ErrorDto),
        (status = 401, description = "A bad token", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto)))]
pub async fn list(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    q: Result<Query<AgendaQuery>, QueryRejection>,
) -> AppResult<Response> {
    let q = super::query(q)?;
    let moderator = caller.is_some_and(|c| c.role >= Role::Moderator);
    let mut filter = ActionFilter {
        origin: q.origin.filter(|o| !o.is_empty()),
        ending_after: q.upcoming.unwrap_or(false).then(crate::domain::now_millis),
        ..ActionFilter::default()
    };
    if let Some(slug) = q.territory {
        filter.territory_id = Some(super::territory(&data, &slug).await?.id);
        filter.drafts = moderator;
    }
    Ok(Json(data.store.actions(&filter, 1000).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/actions", tag = "actions",
    params(("territory" = Option<String>, Query, description = "territory slug (default: the instance's)")),
    request_body = ActionInput, security(("bearer" = [])),
    responses((status = 201, description = "Stored as a draft", body = ActionCreated),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "Needs a moderator token", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto),
        (status = 422, description = "Invalid fields (missing title or dates, end before start, unknown time zone, capacity below zero, bad coordinates…): `fields` maps each to its rule", body = ErrorDto)))]
pub async fn create(
    State(data): State<AppState>,
    caller: ApiCaller,
    Query(q): Query<TerritoryQuery>,
    b: Result<Json<ActionInput>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let input = super::json_body(b)?;
    let slug = q.territory.unwrap_or_else(|| data.config.default_territory.to_string());
    super::answer(actions::create(&data, &slug, &input, &caller.audit_name()).await, |id| {
        (StatusCode::CREATED, Json(ActionCreated { id, publication: "draft".into() })).into_response()
    })
}

#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "actions", params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = ActionDetail), (status = 401, description = "A bad token", body = ErrorDto),
        (status = 404, description = "No such published action (drafts: moderators only)", body = ErrorDto)))]
pub async fn get_one(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    let a = data.store.action(id).await?.ok_or_else(|| AppError::NotFound(format!("action {id}")))?;
    let moderator = caller.is_some_and(|c| c.role >= Role::Moderator);
    if a.publication != crate::domain::action::PublicationState::Published && !moderator {
        return Err(AppError::NotFound(format!("action {id}")));
    }
    let participants =
        if a.territory_id.is_some() { data.store.action_participants(id).await? } else { a.remote_participants };
    let detail = ActionDetail {
        organizers: data.store.action_organizers(id).await?,
        practices: data.store.action_practices(id).await?.into_iter().map(|p| p.0).collect(),
        participants,
        remaining: a.capacity.map(|c| (c - participants).max(0)),
        action: a,
    };
    Ok(Json(detail).into_response())
}

#[utoipa::path(patch, path = "/api/v1/actions/{id}", tag = "actions", params(("id" = i64, Path)),
    request_body(content = ActionInput, description = "Only the fields given change"),
    security(("bearer" = [])),
    responses((status = 204, description = "Changed (a published action sends an Update to followers)"),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such local action", body = ErrorDto),
        (status = 422, description = "Invalid fields", body = ErrorDto)))]
pub async fn patch(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<ActionId>,
    b: Result<Json<Value>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let patch = super::json_body(b)?;
    super::answer(actions::update(&data, id, &patch, &caller.audit_name()).await, |()| {
        StatusCode::NO_CONTENT.into_response()
    })
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/publish", tag = "actions", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Published: followers get a Create(Event); published already: unchanged"), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such local action", body = ErrorDto)))]
pub async fn publish(State(data): State<AppState>, caller: ApiCaller, Path(id): Path<ActionId>) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    actions::publish(&data, id, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/cancel", tag = "actions", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Cancelled: followers of a published action get an Update with status CANCELLED; cancelled already: unchanged"), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such local action", body = ErrorDto)))]
pub async fn cancel(State(data): State<AppState>, caller: ApiCaller, Path(id): Path<ActionId>) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    actions::cancel(&data, id, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(delete, path = "/api/v1/actions/{id}", tag = "actions", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Deleted (followers of a published action get a Delete)"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such local action", body = ErrorDto)))]
pub async fn delete(State(data): State<AppState>, caller: ApiCaller, Path(id): Path<ActionId>) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    actions::delete(&data, id, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/actions/{id}/participants", tag = "actions", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, description = "The participants from the fediverse (`pending`: waiting for a decision)", body = Vec<ParticipantRow>),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such local action", body = ErrorDto)))]
pub async fn participants(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    Ok(Json(action_participation::list(&data, id).await?).into_response())
}

/// The participants' feedback on an ended action, for moderators: the texts stay here (the
/// public and the fediverse get the summary only, in `cces:evaluation`).
#[derive(Serialize, ToSchema)]
pub struct FeedbackAnswers {
    /// How many answered.
    pub answers: i64,
    /// The mean rating (1–5), one decimal; null without answers.
    pub mean_rating: Option<f64>,
    /// Every answer, newest first.
    pub items: Vec<FeedbackRow>,
}

#[utoipa::path(get, path = "/api/v1/actions/{id}/feedback", tag = "actions", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, description = "The feedback of the participants who joined from the page (private: moderators only)", body = FeedbackAnswers),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such action", body = ErrorDto)))]
pub async fn feedback(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    data.store.action(id).await?.ok_or_else(|| AppError::NotFound(format!("action {id}")))?;
    let items = data.store.action_feedback(id).await?;
    let summary = Summary::of(&data.store.action_feedback_ratings(id).await?);
    Ok(Json(FeedbackAnswers { answers: summary.answers, mean_rating: summary.average(), items }).into_response())
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/participants/{pid}/approve", tag = "actions",
    params(("id" = i64, Path), ("pid" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Approved: counted, the organising territory sends Accept of the Join"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such pending participant", body = ErrorDto), (status = 409, description = "No place left", body = ErrorDto)))]
pub async fn approve_participant(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path((id, pid)): Path<(ActionId, ParticipantId)>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    action_participation::decide(&data, id, pid, true, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/participants/{pid}/reject", tag = "actions",
    params(("id" = i64, Path), ("pid" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Declined: removed, the organising territory sends Reject of the Join"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such pending participant", body = ErrorDto)))]
pub async fn reject_participant(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path((id, pid)): Path<(ActionId, ParticipantId)>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    action_participation::decide(&data, id, pid, false, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
