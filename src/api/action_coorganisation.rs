//! `/api/v1/actions/{id}/invitations` and `/api/v1/invitations`: co-organising a shared action
//! with a territory of another instance (moderators): invite, accept or decline what our
//! territories received, withdraw. `/api/v1/actions/{id}/evaluation`: the organisers'
//! evaluations of an ended action (public), and ours written (moderators). Use cases:
//! `processing::action_coorganisation`, `processing::action_evaluation`.

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
use utoipa::ToSchema;

use super::{ApiCaller, ErrorDto};
use crate::{
    domain::{account::Role, evaluation::EvaluationInput},
    error::AppResult,
    processing::{
        action_coorganisation as coorganisation,
        action_evaluation::{self as evaluation, Evaluation},
        actions::ActionError,
    },
    state::AppState,
    storage::action_invitations::InvitationRow,
};

/// The OpenAPI example of [`InviteBody`].
fn invite_example() -> serde_json::Value {
    serde_json::Value::Object(
        [("territory".to_string(), serde_json::Value::from("pays-de-redon@maillage.example"))].into_iter().collect(),
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = invite_example)]
pub struct InviteBody {
    /// The territory invited: its handle (`territoire@maillage.example`) or actor URL.
    pub territory: String,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationCreated {
    pub id: i64,
    /// Always `pending` until the invited territory answers.
    pub state: String,
}

#[derive(Deserialize)]
pub struct ReceivedQuery {
    /// Only those awaiting an answer.
    pending: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/actions/{id}/invitations", tag = "actions", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, description = "Invitations to co-organise it, sent (our action) or received (a remote action)", body = Vec<InvitationRow>),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such action", body = ErrorDto)))]
pub async fn list(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<crate::domain::ids::ActionId>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    Ok(Json(coorganisation::list(&data, id).await?).into_response())
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/invitations", tag = "actions", params(("id" = i64, Path)),
    request_body = InviteBody, security(("bearer" = [])),
    responses((status = 201, description = "Invite sent to the territory (the Event embedded)", body = InvitationCreated),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such local action", body = ErrorDto),
        (status = 409, description = "A draft, or the territory organises it already", body = ErrorDto),
        (status = 422, description = "No territory given, not found, or not a territory (Group)", body = ErrorDto)))]
pub async fn invite(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<crate::domain::ids::ActionId>,
    b: Result<Json<InviteBody>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let body = super::json_body(b)?;
    let invitation = coorganisation::invite(&data.federation()?, id, &body.territory, &caller.audit_name()).await?;
    Ok((StatusCode::CREATED, Json(InvitationCreated { id: invitation, state: "pending".into() })).into_response())
}

#[utoipa::path(get, path = "/api/v1/invitations", tag = "actions",
    params(("pending" = Option<bool>, Query, description = "only those awaiting an answer")), security(("bearer" = [])),
    responses((status = 200, description = "Invitations to co-organise that our territories received, newest first", body = Vec<InvitationRow>),
        (status = 400, description = "A filter is not of its type", body = ErrorDto),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto)))]
pub async fn received(
    State(data): State<AppState>,
    caller: ApiCaller,
    q: Result<Query<ReceivedQuery>, QueryRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let q = super::query(q)?;
    Ok(Json(coorganisation::received(&data, q.pending.unwrap_or(false)).await?).into_response())
}

async fn answer(
    data: &AppState,
    caller: &ApiCaller,
    id: crate::domain::ids::ActionId,
    iid: i64,
    accept: bool,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    coorganisation::answer(data, id, iid, accept, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/invitations/{iid}/accept", tag = "actions",
    params(("id" = i64, Path), ("iid" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Accepted: Accept of the Invite sent, our territory co-organises and announces it"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such invitation of this action", body = ErrorDto), (status = 409, description = "Not waiting for our answer", body = ErrorDto)))]
pub async fn accept(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path((id, iid)): Path<(crate::domain::ids::ActionId, i64)>,
) -> AppResult<Response> {
    answer(&data, &caller, id, iid, true).await
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/invitations/{iid}/decline", tag = "actions",
    params(("id" = i64, Path), ("iid" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Declined: Reject of the Invite sent"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such invitation of this action", body = ErrorDto), (status = 409, description = "Not waiting for our answer", body = ErrorDto)))]
pub async fn decline(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path((id, iid)): Path<(crate::domain::ids::ActionId, i64)>,
) -> AppResult<Response> {
    answer(&data, &caller, id, iid, false).await
}

#[utoipa::path(post, path = "/api/v1/actions/{id}/invitations/{iid}/withdraw", tag = "actions",
    params(("id" = i64, Path), ("iid" = i64, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Co-organisation ended: Undo of our Accept (we co-organised), or Remove of the co-organiser and an Update of the Event (our action)"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such invitation of this action", body = ErrorDto), (status = 409, description = "Not in force", body = ErrorDto)))]
pub async fn withdraw(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path((id, iid)): Path<(crate::domain::ids::ActionId, i64)>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    coorganisation::withdraw(&data, id, iid, &caller.audit_name()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(get, path = "/api/v1/actions/{id}/evaluation", tag = "actions", params(("id" = i64, Path)),
    responses((status = 200, description = "The organisers' evaluations (each organising territory's, local or received)", body = Vec<Evaluation>),
        (status = 401, description = "A bad token", body = ErrorDto), (status = 404, description = "No such published action", body = ErrorDto)))]
pub async fn get_evaluation(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    Path(id): Path<crate::domain::ids::ActionId>,
) -> AppResult<Response> {
    let moderator = caller.is_some_and(|c| c.role >= Role::Moderator);
    Ok(Json(evaluation::list(&data, id, moderator).await?).into_response())
}

#[utoipa::path(put, path = "/api/v1/actions/{id}/evaluation", tag = "actions", params(("id" = i64, Path)),
    request_body = EvaluationInput, security(("bearer" = [])),
    responses((status = 204, description = "Our territory's evaluation written; it federates with the Event (cces:evaluation)"),
        (status = 400, description = "Not JSON", body = ErrorDto), (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto),
        (status = 403, description = "The token's role is too low", body = ErrorDto),
        (status = 404, description = "No such action organised by one of our territories", body = ErrorDto),
        (status = 422, description = "Invalid fields (before the action ended, a value not a number, an unknown dimension, a structure not listed): `fields` maps each to its rule", body = ErrorDto)))]
pub async fn put_evaluation(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<crate::domain::ids::ActionId>,
    b: Result<Json<EvaluationInput>, JsonRejection>,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let input = super::json_body(b)?;
    match evaluation::evaluate(&data, id, &input, &caller.audit_name()).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(ActionError::Fields(errors)) => Ok(super::field_errors(errors)),
        Err(ActionError::App(e)) => Err(e),
    }
}
