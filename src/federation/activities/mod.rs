//! Handlers of incoming activities, one file per type. Each runs in one change
//! (`processing::unit::Change`) that also records the activity id, so a redelivered activity
//! takes effect once and a failure leaves nothing half-written.

pub mod accept;
pub mod conversation;
pub mod delete;
pub mod event;
pub mod follow;
pub mod practice;
pub mod undo;
pub mod update;

use url::Url;

use super::signatures::host_header;
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    storage::territories::TerritoryRow,
};

/// The local territory an object URL names (`<public_url>/t/<slug>`), if any.
pub async fn local_territory(state: &AppState, url: &str) -> AppResult<Option<TerritoryRow>> {
    let Ok(url) = Url::parse(url) else {
        return Ok(None);
    };
    if url.scheme() != state.config.public_url.scheme() || host_header(&url) != state.config.authority() {
        return Ok(None);
    }
    let mut segments = url.path_segments().into_iter().flatten();
    match (segments.next(), segments.next(), segments.next()) {
        (Some("t"), Some(slug), None) => state.store.territory_by_slug(slug).await,
        _ => Ok(None),
    }
}

pub async fn require_local_territory(state: &AppState, url: Option<&str>) -> AppResult<TerritoryRow> {
    let url = url.ok_or_else(|| AppError::BadRequest("activity without object".into()))?;
    local_territory(state, url).await?.ok_or_else(|| AppError::NotFound(format!("no local actor {url}")))
}
