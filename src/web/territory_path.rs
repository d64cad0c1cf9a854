//! `TerritoryPath`: the territory named by the route's `{slug}` segment, loaded before the
//! handler runs, or 404 — one place instead of "territory or 404" in every handler.

use axum::{
    extract::{FromRequestParts, RawPathParams},
    http::request::Parts,
};

use crate::{error::AppError, state::AppState, storage::territories::TerritoryRow};

/// The territory of `/…/{slug}/…`; a route without a `{slug}` segment answers 404 as well.
pub struct TerritoryPath(pub TerritoryRow);

impl FromRequestParts<AppState> for TerritoryPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound("territory".into()))?;
        let slug = params
            .iter()
            .find(|(name, _)| *name == "slug")
            .map(|(_, value)| value.to_string())
            .ok_or_else(|| AppError::NotFound("territory".into()))?;
        let t = state.store.territory_by_slug(&slug).await?;
        t.map(TerritoryPath).ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
    }
}
