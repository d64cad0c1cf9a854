//! Charter signatures in the JSON API: signing (the same no-oracle answer as the form), the
//! public directory, and moderators' decisions.

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

use super::{ApiCaller, ErrorDto, field_errors, json_body, query, territory};
use crate::domain::ids::SignatoryId;
use crate::{domain::account::Role, error::AppResult, processing, state::AppState};

/// OpenAPI examples (`example = <fn>`: utoipa serialises what the function returns).
pub(super) fn signature_example() -> serde_json::Value {
    super::example(
        r#"{
        "kind": "structure", "name": "Épicerie coopérative du Pays", "legal_form": "cooperative",
        "domains": ["alimentation"], "website": "https://epicerie.example", "commune": "Redon",
        "representative_name": "Camille Martin", "representative_role": "co-gérante",
        "email": "contact@epicerie.example", "charter_version": "2024", "consent": true, "listed": true
    }"#,
    )
}

pub(super) fn reject_example() -> serde_json::Value {
    super::example(r#"{"reason": "Structure hors du territoire"}"#)
}

#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[schema(example = signature_example)]
pub struct SignatureSchema {
    /// `individual` or `structure`.
    kind: String,
    name: String,
    /// Individuals, at least one (else `field-choose-one`): citoyen, consommateur, producteur,
    /// salarie, usager, distributeur, autre.
    roles: Option<Vec<String>>,
    /// Structures: association, cooperative, entreprise, collectivite, autre.
    legal_form: Option<String>,
    /// Structures, at least one (else `field-choose-one`).
    domains: Option<Vec<String>>,
    /// Structures: a web address; without a scheme (`amap.example`) it is stored as
    /// `https://amap.example`. Anything else: `website-invalid`.
    website: Option<String>,
    commune: String,
    representative_name: Option<String>,
    representative_role: Option<String>,
    governance: Option<String>,
    partners: Option<String>,
    /// Private.
    email: String,
    /// Private.
    phone: Option<String>,
    /// Private.
    postal_address: Option<String>,
    /// Must be the current charter version.
    charter_version: String,
    consent: bool,
    listed: Option<bool>,
    /// Territory slug (default: the instance's default territory).
    territory: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignatureCreated {
    /// Always `unconfirmed`: the same answer whether or not the address had signed already
    /// (its owner is mailed either way), so that the API tells nobody who signed.
    status: String,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = reject_example)]
pub struct RejectBody {
    reason: String,
}

#[derive(Deserialize)]
pub struct SignatoryQuery {
    territory: Option<String>,
    #[serde(flatten)]
    filter: crate::storage::signatories::DirectoryFilter,
}

#[utoipa::path(post, path = "/api/v1/signatures", tag = "charter", request_body = SignatureSchema,
    responses((status = 201, description = "Recorded; a confirmation link is mailed", body = SignatureCreated),
        (status = 400, description = "Not JSON", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto),
        (status = 422, description = "Invalid fields: `fields` maps each to its rule", body = ErrorDto),
        (status = 429, description = "Too many attempts from this address: try later", body = ErrorDto)))]
pub async fn create_signature(
    State(data): State<AppState>,
    headers: http::HeaderMap,
    extensions: http::Extensions,
    body: Result<Json<crate::domain::signatory::SignatureInput>, JsonRejection>,
) -> AppResult<Response> {
    let input = json_body(body)?;
    let slug =
        if input.territory.is_empty() { data.config.default_territory.to_string() } else { input.territory.clone() };
    let client = crate::web::client_ip::client_of(&extensions, &headers, &data.config.trusted_proxies);
    let tr = crate::text::i18n::Tr::new(crate::text::i18n::Lang::from_headers(&headers));
    match processing::signatures::submit(&data, &slug, &input, &client, tr).await {
        Ok(()) => Ok((StatusCode::CREATED, Json(SignatureCreated { status: "unconfirmed".into() })).into_response()),
        Err(processing::signatures::SignError::Fields(e)) => Ok(field_errors(e)),
        Err(processing::signatures::SignError::TooMany) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            Json(ErrorDto::new("too_many_requests", "too many signatures from this address")),
        )
            .into_response()),
        Err(processing::signatures::SignError::App(e)) => Err(e),
    }
}

#[utoipa::path(get, path = "/api/v1/signatories", tag = "charter",
    params(("territory" = Option<String>, Query), ("kind" = Option<String>, Query), ("role" = Option<String>, Query),
        ("domain" = Option<String>, Query), ("commune" = Option<String>, Query)),
    responses((status = 200, description = "Approved, listed signatories: public fields only", body = [crate::storage::signatories::SignatoryPublic]),
        (status = 400, description = "A filter is not of its type", body = ErrorDto),
        (status = 404, description = "No such territory", body = ErrorDto)))]
pub async fn list_signatories(
    State(data): State<AppState>,
    q: Result<Query<SignatoryQuery>, QueryRejection>,
) -> AppResult<Response> {
    let q = query(q)?;
    let slug = q.territory.clone().unwrap_or_else(|| data.config.default_territory.to_string());
    let t = territory(&data, &slug).await?;
    Ok(Json(data.store.directory(t.id, &q.filter).await?).into_response())
}

async fn decide_signature(
    data: &AppState,
    caller: &ApiCaller,
    headers: &http::HeaderMap,
    id: SignatoryId,
    approve: bool,
    reason: &str,
) -> AppResult<Response> {
    caller.require(Role::Moderator)?;
    let tr = crate::text::i18n::Tr::new(crate::text::i18n::Lang::from_headers(headers));
    processing::signatures::decide(data, id, approve, reason, &caller.audit_name(), tr).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/signatures/{id}/approve", tag = "charter", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 204, description = "Approved; the signer is mailed"),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto),
        (status = 409, description = "Not awaiting a decision", body = ErrorDto)))]
pub async fn approve_signature(
    State(data): State<AppState>,
    caller: ApiCaller,
    headers: http::HeaderMap,
    Path(id): Path<SignatoryId>,
) -> AppResult<Response> {
    decide_signature(&data, &caller, &headers, id, true, "").await
}

#[utoipa::path(post, path = "/api/v1/signatures/{id}/reject", tag = "charter", params(("id" = i64, Path)),
    request_body = RejectBody, security(("bearer" = [])),
    responses((status = 204, description = "Rejected; the signer is mailed the reason"), (status = 400, description = "Not JSON, or a parameter not of its type", body = ErrorDto),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "The token's role is too low", body = ErrorDto), (status = 404, description = "No such resource", body = ErrorDto),
        (status = 409, description = "Not awaiting a decision", body = ErrorDto), (status = 422, description = "Invalid fields", body = ErrorDto)))]
pub async fn reject_signature(
    State(data): State<AppState>,
    caller: ApiCaller,
    headers: http::HeaderMap,
    Path(id): Path<SignatoryId>,
    body: Result<Json<RejectBody>, JsonRejection>,
) -> AppResult<Response> {
    let reason = json_body(body)?.reason;
    decide_signature(&data, &caller, &headers, id, false, &reason).await
}
