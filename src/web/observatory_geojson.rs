//! Each observatory view as GeoJSON (issue 13, point 8): `/observatoire.geojson` and
//! `/t/<slug>/observatoire.geojson`, `?scope=` as the page. The figures that have a place —
//! signatories per commune (`signatories.commune`, over every month) of each territory in the
//! view — as Points at the commune's centre (RFC 7946, `[longitude, latitude]`), with the
//! territory they come from and, for a remote one, when its figures were received. Counts only:
//! no signatory is placed one by one here (the map's own layers list the listed ones).

use axum::{
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use geojson::{Feature, FeatureCollection, Geometry};

use super::{observatory::ScopeQuery, observatory_data::export_rows, territory_path::TerritoryPath};
use crate::{
    domain::{
        ids::TerritoryId,
        map::commune_centre,
        observatory::{ALL_PERIODS, Figure, Scope},
    },
    error::{AppError, AppResult},
    state::AppState,
    storage::observatory::FigureRows,
};

async fn answer(state: &AppState, scope: Scope, territory: Option<TerritoryId>) -> AppResult<Response> {
    // Only the rows placed: a network's other figures are most of its rows.
    let figures = export_rows(state, scope, territory, FigureRows::Totals(Figure::SignatoriesCommune)).await?;
    let features = figures
        .into_iter()
        .filter(|f| f.figure == Figure::SignatoriesCommune.as_str() && f.period == ALL_PERIODS)
        .filter_map(|f| {
            let mut feature = Feature::from(Geometry::new_point(commune_centre(&f.key)?));
            feature.set_property("commune", f.key);
            feature.set_property("figure", f.figure);
            feature.set_property("value", f.value);
            feature.set_property("territory", f.territory);
            feature.set_property("territory_name", f.territory_name);
            feature.set_property("local", f.local);
            feature.set_property("received_at", f.received_at);
            Some(feature)
        });
    let mut collection = FeatureCollection::new(features);
    let mut members = serde_json::Map::new();
    members.insert("scope".into(), scope.as_str().into());
    members.insert("licence".into(), state.config.open_data_licence.clone().into());
    collection.foreign_members = Some(members);
    let body = serde_json::to_string(&collection).map_err(AppError::internal)?;
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    Ok(res)
}

pub async fn instance(State(state): State<AppState>, Query(q): Query<ScopeQuery>) -> AppResult<Response> {
    answer(&state, q.scope(Scope::Instance, false), None).await
}

pub async fn territory(
    State(state): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    answer(&state, q.scope(Scope::Territory, true), Some(t.id)).await
}
