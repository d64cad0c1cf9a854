//! `/api/v1/territories`: list, read and change a territory (names, perimeter, domains,
//! whether followers are approved by hand).

use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiCaller, ErrorDto, example, json_body};
use crate::{
    domain::{
        account::Role,
        territory::{ActivityDomain, FollowState},
    },
    error::{AppError, AppResult},
    processing,
    state::AppState,
    storage::{
        follows::Direction,
        territories::{TerritoryRow, TerritoryUpdate},
    },
    web::territory_path::TerritoryPath,
};

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

pub(super) fn territory_patch_example() -> serde_json::Value {
    example(r#"{"name": "Pays de Redon", "perimeter": "Redon Agglomération", "domains": ["alimentation", "energie"]}"#)
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

#[utoipa::path(get, path = "/api/v1/territories", tag = "territories",
    responses((status = 200, description = "OK", body = [TerritoryDto]), (status = 500, description = "Server error (details in the log)", body = ErrorDto)))]
pub(super) async fn list_territories(State(data): State<AppState>) -> AppResult<Json<Vec<TerritoryDto>>> {
    let mut out = vec![];
    for t in data.store.territories().await? {
        out.push(dto(&data, t).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/territories/{slug}", tag = "territories",
    params(("slug" = String, Path)),
    responses((status = 200, description = "OK", body = TerritoryDto), (status = 404, description = "No such resource", body = ErrorDto)))]
pub(super) async fn get_territory(
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
) -> AppResult<Json<TerritoryDto>> {
    Ok(Json(dto(&data, t).await?))
}

#[utoipa::path(patch, path = "/api/v1/territories/{slug}", tag = "territories",
    params(("slug" = String, Path)), request_body = TerritoryPatch, security(("bearer" = [])),
    responses((status = 200, description = "OK", body = TerritoryDto), (status = 400, description = "Not JSON", body = ErrorDto),
        (status = 401, description = "Missing, unknown or revoked bearer token", body = ErrorDto), (status = 403, description = "Needs an admin token", body = ErrorDto),
        (status = 404, description = "No such resource", body = ErrorDto), (status = 422, description = "`<field>: <rule>`", body = ErrorDto)))]
pub(super) async fn patch_territory(
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
