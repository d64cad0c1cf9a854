//! Reports through the API (issue 15, point 1): anyone may file one (a token is optional; the
//! hourly limit per address applies either way); moderators read the queue.

use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
    http::{self, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiCaller, ErrorDto, field_errors, json_body};
use crate::{
    domain::report::Source,
    error::AppResult,
    processing::reports::{self, ReportError, ReportInput},
    state::AppState,
};

#[derive(Serialize, ToSchema)]
pub struct ReportFiled {
    /// The report's number in the moderators' queue.
    pub id: i64,
    /// Always `open`.
    pub status: String,
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "moderation", request_body = ReportInput,
    responses((status = 201, description = "Filed in the moderators' queue", body = ReportFiled),
        (status = 400, description = "Malformed JSON", body = ErrorDto),
        (status = 401, description = "A token was given and is unknown", body = ErrorDto),
        (status = 422, description = "Invalid fields (`kind`, `target` unknown here, `reason` missing or over 2000 characters, `email`)", body = ErrorDto),
        (status = 429, description = "Too many reports from this address: try later", body = ErrorDto)))]
pub async fn create_report(
    State(data): State<AppState>,
    caller: Option<ApiCaller>,
    headers: http::HeaderMap,
    extensions: http::Extensions,
    body: Result<Json<ReportInput>, JsonRejection>,
) -> AppResult<Response> {
    let input = json_body(body)?;
    let client = crate::web::client_ip::client_of(&extensions, &headers, &data.config.trusted_proxies);
    let by = caller.map(|c| c.audit_name());
    match reports::file(&data, &input, Source::Api, &client, by.as_deref()).await {
        Ok(id) => Ok((StatusCode::CREATED, Json(ReportFiled { id, status: "open".into() })).into_response()),
        Err(ReportError::Fields(e)) => Ok(field_errors(e)),
        Err(ReportError::TooMany) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            Json(ErrorDto::new("too_many_requests", "too many reports from this address")),
        )
            .into_response()),
        Err(ReportError::App(e)) => Err(e),
    }
}
