//! JSON API under `/api/v1`: bearer tokens (`maillage token create`), errors as
//! `{"error": code, "message": …}`, OpenAPI document at `/api/v1/openapi.json`.

use axum::{
    Json, Router,
    extract::{
        FromRequestParts, Query,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    domain::account::Role,
    error::{AppError, AppResult},
    security::hash_token,
    state::AppState,
    storage::territories::TerritoryRow,
};

pub mod action_coorganisation;
pub mod actions;
pub mod announcements;
pub mod follows;
pub mod openapi;
pub mod practices;
pub mod reports;
pub mod signatures;
pub mod territories;

pub use openapi::ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::openapi))
        .route("/territories", get(territories::list_territories))
        .route("/territories/{slug}", get(territories::get_territory).patch(territories::patch_territory))
        .route("/territories/{slug}/followers", get(follows::list_followers))
        .route("/territories/{slug}/following", get(follows::list_following))
        .route("/territories/{slug}/followers/approve", post(follows::approve_follower))
        .route("/territories/{slug}/followers/reject", post(follows::reject_follower))
        .route("/signatures", post(signatures::create_signature))
        .route("/signatures/{id}/approve", post(signatures::approve_signature))
        .route("/signatures/{id}/reject", post(signatures::reject_signature))
        .route("/signatories", get(signatures::list_signatories))
        .route("/practices", get(practices::search).post(practices::create))
        .route("/practices/{id}", get(practices::get_one).patch(practices::patch).delete(practices::delete))
        .route("/practices/{id}/publish", post(practices::publish))
        .route("/practices/{id}/unpublish", post(practices::unpublish))
        .route("/practices/{id}/pin", post(practices::pin))
        .route("/practices/{id}/unpin", post(practices::unpin))
        .route("/actions", get(actions::list).post(actions::create))
        .route("/actions/{id}", get(actions::get_one).patch(actions::patch).delete(actions::delete))
        .route("/actions/{id}/publish", post(actions::publish))
        .route("/actions/{id}/cancel", post(actions::cancel))
        .route("/actions/{id}/participants", get(actions::participants))
        .route("/actions/{id}/feedback", get(actions::feedback))
        .route("/actions/{id}/participants/{pid}/approve", post(actions::approve_participant))
        .route("/actions/{id}/participants/{pid}/reject", post(actions::reject_participant))
        .route("/actions/{id}/invitations", get(action_coorganisation::list).post(action_coorganisation::invite))
        .route("/actions/{id}/invitations/{iid}/accept", post(action_coorganisation::accept))
        .route("/actions/{id}/invitations/{iid}/decline", post(action_coorganisation::decline))
        .route("/actions/{id}/invitations/{iid}/withdraw", post(action_coorganisation::withdraw))
        .route("/invitations", get(action_coorganisation::received))
        .route(
            "/actions/{id}/evaluation",
            get(action_coorganisation::get_evaluation).put(action_coorganisation::put_evaluation),
        )
        .route(
            "/announcements",
            get(announcements::list)
                .post(announcements::create)
                .layer(axum::extract::DefaultBodyLimit::max(announcements::MAX_BODY)),
        )
        .route(
            "/announcements/{id}",
            get(announcements::get_one)
                .patch(announcements::patch)
                .delete(announcements::delete)
                .layer(axum::extract::DefaultBodyLimit::max(announcements::MAX_BODY)),
        )
        .route("/reports", post(reports::create_report))
        .fallback(|| async { AppError::NotFound("no such API endpoint".into()) })
}

/// The caller of an authenticated endpoint, from `Authorization: Bearer <token>`.
pub struct ApiCaller {
    pub role: Role,
    pub label: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, data: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| AppError::Unauthorized("bearer token required".into()))?;
        let (role, label) = data
            .store
            .api_token(&hash_token(token))
            .await?
            .ok_or_else(|| AppError::Unauthorized("unknown or revoked token".into()))?;
        Ok(ApiCaller { role, label })
    }
}

/// Optional authentication: no `Authorization` header is anonymous, a bad token is still 401.
impl axum::extract::OptionalFromRequestParts<AppState> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        if !parts.headers.contains_key(http::header::AUTHORIZATION) {
            return Ok(None);
        }
        <ApiCaller as FromRequestParts<AppState>>::from_request_parts(parts, state).await.map(Some)
    }
}

impl ApiCaller {
    pub(crate) fn require(&self, role: Role) -> AppResult<()> {
        if self.role < role {
            return Err(AppError::Forbidden(format!("this needs a {} token", role.as_str())));
        }
        Ok(())
    }

    pub(crate) fn audit_name(&self) -> String {
        format!("token:{}", self.label)
    }
}

/// Every error: a stable code (`bad_request`, `unauthorized`, `forbidden`, `not_found`,
/// `conflict`, `unprocessable`, `too_many_requests`, …) and a message for people.
#[derive(Serialize, ToSchema)]
pub struct ErrorDto {
    error: String,
    message: String,
    /// 422 on a form: each invalid field with the rule it breaks (`required`, `too-long`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<std::collections::BTreeMap<String, String>>,
}

impl ErrorDto {
    /// An error body without fields, for answers written by a handler (a 429 on signing).
    pub(crate) fn new(error: &str, message: &str) -> ErrorDto {
        ErrorDto { error: error.into(), message: message.into(), fields: None }
    }
}

/// An OpenAPI example from its JSON text (`#[schema(example = <fn>)]` takes a function; the
/// texts are literals checked by `tests::examples_are_json`).
pub(crate) fn example(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) async fn territory(state: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

/// Query strings that do not parse are a 400 with the usual JSON error, not axum's plain text.
pub(crate) fn query<T>(q: Result<Query<T>, QueryRejection>) -> AppResult<T> {
    q.map(|Query(t)| t).map_err(|e| AppError::BadRequest(e.body_text()))
}

/// The body of a 422: every invalid field with its rule's message key.
#[derive(Serialize)]
struct FieldErrorsBody {
    error: &'static str,
    message: &'static str,
    fields: std::collections::BTreeMap<&'static str, &'static str>,
}

/// 422 with a message key per field (signatures, practices).
pub(crate) fn field_errors(errors: crate::domain::signatory::FieldErrors) -> Response {
    let body = FieldErrorsBody {
        error: "unprocessable",
        message: "some fields are invalid",
        fields: errors.into_iter().collect(),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// The answer to a write of practices, actions or announcements: `ok` of what it did, or 422
/// with the fields to correct.
pub(crate) fn answer<T>(
    done: Result<T, crate::processing::input_error::InputError>,
    ok: impl FnOnce(T) -> Response,
) -> AppResult<Response> {
    match done {
        Ok(v) => Ok(ok(v)),
        Err(e) => Ok(field_errors(e.fields()?)),
    }
}

pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> AppResult<T> {
    body.map(|Json(t)| t).map_err(|e| match e {
        JsonRejection::JsonDataError(e) => AppError::Unprocessable(e.body_text()),
        other => AppError::BadRequest(other.body_text()),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples_are_json() {
        for example in [
            super::territories::territory_patch_example(),
            super::follows::actor_ref_example(),
            super::signatures::signature_example(),
            super::signatures::reject_example(),
        ] {
            assert!(example.is_object(), "{example}");
        }
    }
}
