//! `TerritoryPath`: the territory named by the route's `{slug}` segment, loaded before the
//! handler runs, or 404 — one place instead of "territory or 404" in every handler.

use axum::{
    extract::{FromRequestParts, RawPathParams},
    http::{StatusCode, header::LOCATION, request::Parts},
    response::{IntoResponse, Response},
};

use crate::{
    error::AppError, federation::actors::wants_activity_json, state::AppState, storage::territories::TerritoryRow,
};

/// The territory of `/…/{slug}/…`; a route without a `{slug}` segment answers 404 as well.
pub struct TerritoryPath(pub TerritoryRow);

impl FromRequestParts<AppState> for TerritoryPath {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound("territory".into()).into_response())?;
        let slug = params
            .iter()
            .find(|(name, _)| *name == "slug")
            .map(|(_, value)| value.to_string())
            .ok_or_else(|| AppError::NotFound("territory".into()).into_response())?;
        let t = state.store.territory_by_slug(&slug).await.map_err(IntoResponse::into_response)?;
        let t = t.ok_or_else(|| AppError::NotFound(format!("territory {slug}")).into_response())?;
        // A territory that moved to another instance (docs/admin.md "Moving a territory"): its
        // pages answer 301 to the same page there; its actor document is still served here,
        // with `movedTo`, for servers that have not followed the `Move` yet.
        if let Some(new) = &t.moved_to
            && !wants_activity_json(&parts.headers)
        {
            let prefix = format!("/t/{slug}");
            let rest = parts.uri.path().strip_prefix(prefix.as_str()).unwrap_or_default();
            let location = format!("{}{rest}", new.trim_end_matches('/'));
            return Err((StatusCode::MOVED_PERMANENTLY, [(LOCATION, location)]).into_response());
        }
        Ok(TerritoryPath(t))
    }
}
