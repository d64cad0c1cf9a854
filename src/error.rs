//! The one error type of the application, and how each kind maps to an HTTP status.
//!
//! Handlers return `Result<_, AppError>`; the status tells a remote server what went wrong
//! (401 signature, 403 spoofing, 413 size, 400 syntax) without leaking internals: the
//! `Internal` variant is logged in full and answered with a generic message.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Malformed request: bad JSON, missing fields, bad parameters.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No or invalid HTTP signature, unknown key.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The signer is not allowed to do this (spoofed actor or id, blocked domain).
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The resource existed and was deleted.
    #[error("gone: {0}")]
    Gone(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge,
    /// Semantically invalid input (fields that parse but break a rule).
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// A remote server could not be reached or answered nonsense.
    #[error("bad gateway: {0}")]
    BadGateway(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// Over a rate limit; the value is the `Retry-After` in seconds.
    #[error("too many requests: retry after {0} s")]
    TooManyRequests(u64),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// Short machine-readable code for JSON error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Gone(_) => "gone",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::BadGateway(_) => "bad_gateway",
            AppError::Internal(_) => "internal",
            AppError::TooManyRequests(_) => "too_many_requests",
        }
    }

    /// The message without the variant's prefix, for error bodies.
    pub fn detail(&self) -> String {
        match self {
            AppError::BadRequest(m)
            | AppError::Unauthorized(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::Gone(m)
            | AppError::Conflict(m)
            | AppError::Unprocessable(m)
            | AppError::BadGateway(m)
            | AppError::Internal(m) => m.clone(),
            AppError::PayloadTooLarge => "payload too large".into(),
            AppError::TooManyRequests(secs) => format!("too many requests, retry after {secs} s"),
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "internal server error".to_string()
            }
            // What another server answered our fetch is not for our caller to read (it could
            // be any document a hostile peer pointed us at): the log has it.
            AppError::BadGateway(detail) => {
                tracing::debug!(error = %detail, "remote fetch failed");
                "a remote server could not be reached or answered unusable data".to_string()
            }
            other => {
                tracing::debug!(error = %other, status = status.as_u16(), "request refused");
                other.detail()
            }
        };
        let mut res = (status, Json(ErrorBody { error: self.code(), message })).into_response();
        if let AppError::TooManyRequests(secs) = self {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        res
    }
}

/// The body of every error answer: a stable code and a sentence (the API's `ErrorDto`).
#[derive(serde::Serialize)]
struct ErrorBody {
    error: &'static str,
    message: String,
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound("row not found".into()),
            other => AppError::Internal(format!("database: {other}")),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        AppError::Internal(format!("migration: {e}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("json: {e}"))
    }
}

impl From<url::ParseError> for AppError {
    fn from(e: url::ParseError) -> Self {
        AppError::BadRequest(format!("invalid URL: {e}"))
    }
}

/// Errors of the federation crate (fetching, WebFinger) come from remote peers.
impl From<activitypub_federation::error::Error> for AppError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        match e {
            E::NotFound => AppError::NotFound("object not found".into()),
            E::ObjectDeleted(url) => AppError::Gone(format!("{url} was deleted")),
            E::UrlVerificationError(m) => AppError::Forbidden(m.to_string()),
            E::DomainResolveError(d) => AppError::Forbidden(format!("{d} resolves to a private address")),
            E::WebfingerResolveFailed(w) => AppError::NotFound(format!("webfinger: {w}")),
            // The crate's message carries the whole remote body: keep the URL and the cause.
            E::ParseFetchedObject(err, url, _body) => AppError::BadGateway(format!(
                "{url} is not a usable document: {}",
                crate::federation::fetch::scrub(&err.to_string())
            )),
            other => AppError::BadGateway(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
