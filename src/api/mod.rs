//! JSON API under `/api/v1`: bearer tokens (`maillage token create`), errors as
//! `{"error": code, "message": …}`, OpenAPI document at `/api/v1/openapi.json`.

use axum::{
    Json, Router,
    extract::{
        FromRequestParts, Path, Query, State,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use utoipa::{
    Modify, OpenApi, ToSchema,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::{
    domain::{
        account::Role,
        territory::{ActivityDomain, FollowState},
    },
    error::{AppError, AppResult},
    processing,
    security::hash_token,
    state::AppState,
    storage::{
        follows::Direction,
        territories::{TerritoryRow, TerritoryUpdate},
    },
    web::territory_path::TerritoryPath,
};

pub mod practices;
pub mod signatures;

use signatures::{RejectBody, SignatureCreated, SignatureSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/territories", get(list_territories))
        .route("/territories/{slug}", get(get_territory).patch(patch_territory))
        .route("/territories/{slug}/followers", get(list_followers))
        .route("/territories/{slug}/following", get(list_following))
        .route("/territories/{slug}/followers/approve", post(approve_follower))
        .route("/territories/{slug}/followers/reject", post(reject_follower))
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

#[derive(Serialize, ToSchema)]
pub struct TerritoryDto {
    slug: String,
    name: String,
    summary: String,
    perimeter: String,
    /// Codes: energie, finance, habitat, culture, alimentation, commerce, mobilite, autre.
    domains: Vec<String>,
    manually_approves_followers: bool,
    /// `slug@host`, to follow from the fediverse.
    handle: String,
    /// ActivityPub actor id.
    actor: String,
    followers: i64,
    following: i64,
}

/// Only the fields given change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = territory_patch_example)]
pub struct TerritoryPatch {
    name: Option<String>,
    summary: Option<String>,
    perimeter: Option<String>,
    domains: Option<Vec<String>>,
    manually_approves_followers: Option<bool>,
}

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

fn territory_patch_example() -> serde_json::Value {
    example(r#"{"name": "Pays de Redon", "perimeter": "Redon Agglomération", "domains": ["alimentation", "energie"]}"#)
}

fn actor_ref_example() -> serde_json::Value {
    example(r#"{"actor": "alice@mastodon.example"}"#)
}

#[derive(Deserialize)]
pub struct StateQuery {
    state: Option<String>,
}

async fn dto(state: &AppState, t: TerritoryRow) -> AppResult<TerritoryDto> {
    Ok(TerritoryDto {
        handle: format!("{}@{}", t.slug, state.config.authority()),
        actor: state.territory_id_url(&t.slug).to_string(),
        followers: state.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await?,
        following: state.store.count_follows(Direction::Following, t.id, FollowState::Accepted).await?,
        domains: t.domain_list().iter().map(|d| d.code().to_string()).collect(),
        manually_approves_followers: t.manually_approves_followers.0,
        slug: t.slug,
        name: t.name,
        summary: t.summary,
        perimeter: t.perimeter,
    })
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

pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> AppResult<T> {
    body.map(|Json(t)| t).map_err(|e| match e {
        JsonRejection::JsonDataError(e) => AppError::Unprocessable(e.body_text()),
        other => AppError::BadRequest(other.body_text()),
    })
}

#[utoipa::path(get, path = "/api/v1/territories", tag = "territories",
    responses((status = 200, description = "OK", body = [TerritoryDto]), (status = 500, description = "Server error (details in the log)", body = ErrorDto)))]
async fn list_territories(State(data): State<AppState>) -> AppResult<Json<Vec<TerritoryDto>>> {
    let mut out = vec![];
    for t in data.store.territories().await? {
        out.push(dto(&data, t).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/territories/{slug}", tag = "territories",
    params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = TerritoryDto), (status = 404, description = "No such resource", body = ErrorDto)))]
async fn get_territory(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Json<TerritoryDto>> {
    Ok(Json(dto(&data, t).await?))
}

#[utoipa::path(patch, path = "/api/v1/territories/{slug}", tag = "territories",
    params(("slug" = String, Path)), request_body = TerritoryPatch, security(("bearer" = [])),
    responses((status = 200, description = "OK", body = TerritoryDto), (status = 400, description = "Not JSON", body = ErrorDto),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "Needs an admin token", body = ErrorDto),
        (status = 404, description = "No such resource", body = ErrorDto), (status = 422, description = "`<field>: <rule>`", body = ErrorDto)))]
async fn patch_territory(
    State(data): State<AppState>,
    caller: ApiCaller,
    TerritoryPath(t): TerritoryPath,
    body: Result<Json<TerritoryPatch>, JsonRejection>,
) -> AppResult<Json<TerritoryDto>> {
    caller.require(Role::Admin)?;
    let patch = json_body(body)?;
    // Field-level messages: "<field>: <rule>".
    let field = |name: &str, r: Result<String, String>| r.map_err(|e| AppError::Unprocessable(format!("{name}: {e}")));
    if let Some(n) = &patch.name {
        field("name", crate::domain::territory::parse_name(n))?;
    }
    if let Some(s) = &patch.summary {
        field("summary", crate::domain::territory::parse_summary(s))?;
    }
    if let Some(p) = &patch.perimeter {
        field("perimeter", crate::domain::territory::parse_perimeter(p))?;
    }
    let domains = match &patch.domains {
        Some(d) => Some(field("domains", ActivityDomain::parse_list(d.iter().map(String::as_str)))?),
        None => None,
    };
    let update = TerritoryUpdate {
        name: patch.name,
        summary: patch.summary,
        perimeter: patch.perimeter,
        domains,
        manually_approves_followers: patch.manually_approves_followers,
        discoverable: None,
        welcome_notes: None,
    };
    let updated = processing::territories::update(&data, &t.slug, update, &caller.audit_name()).await?;
    Ok(Json(dto(&data, updated).await?))
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
                state: f.state.clone(),
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
async fn list_followers(
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
async fn list_following(
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
async fn approve_follower(
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
async fn reject_follower(
    State(data): State<AppState>,
    caller: ApiCaller,
    Path(slug): Path<String>,
    body: Result<Json<ActorRef>, JsonRejection>,
) -> AppResult<Response> {
    decide(&data, &caller, &slug, body, false).await
}

/// A signature as the API takes it: the page's fields, in JSON.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Maillage API", description = "Territories of Circuits Courts Économiques et Solidaires", license(name = "AGPL-3.0-or-later")),
    paths(list_territories, get_territory, patch_territory, list_followers, list_following, approve_follower, reject_follower,
        signatures::create_signature, signatures::list_signatories, signatures::approve_signature,
        signatures::reject_signature,
        practices::search, practices::create, practices::get_one, practices::patch, practices::publish,
        practices::unpublish, practices::pin, practices::unpin, practices::delete),
    components(schemas(TerritoryDto, TerritoryPatch, FollowDto, ActorRef, ErrorDto, SignatureSchema, SignatureCreated, RejectBody,
        crate::storage::signatories::SignatoryPublic, crate::domain::practice::PracticeInput, practices::PracticeDetail,
        practices::PracticeCreated, crate::storage::practices::PracticeRow)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    Json(doc).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples_are_json() {
        for example in [
            super::territory_patch_example(),
            super::actor_ref_example(),
            super::signatures::signature_example(),
            super::signatures::reject_example(),
        ] {
            assert!(example.is_object(), "{example}");
        }
    }
}
