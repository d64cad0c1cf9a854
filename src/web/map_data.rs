//! The map's data (issue 13 point 6): `/carte/<layer>.geojson` for the instance and
//! `/t/<slug>/carte/<layer>.geojson` for one territory, layers `signataires`, `pratiques`,
//! `actions`. A FeatureCollection of Points (RFC 7946), `[longitude, latitude]`, each with
//! `name`, `kind` and `link`. Signatories are placed at their commune's centre only
//! (domain/map.rs says why); nothing else about them is read.

use axum::{
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use geojson::{Feature, FeatureCollection, Geometry};

use super::{observatory::ScopeQuery, territory_path::TerritoryPath};
use crate::{
    domain::{
        ids::TerritoryId,
        map::{Layer, Point, commune_centre, item_position},
        observatory::Scope,
        signatory::Kind,
    },
    error::{AppError, AppResult},
    state::AppState,
};

/// Everything of one layer that has a place, in the order the list shows them.
pub async fn points(state: &AppState, layer: Layer, territory: Option<TerritoryId>) -> AppResult<Vec<Point>> {
    let urls = &state.urls;
    Ok(match layer {
        Layer::Signatories => state
            .store
            .map_signatories(territory)
            .await?
            .into_iter()
            .filter_map(|s| {
                Some(Point {
                    position: commune_centre(&s.commune)?,
                    kind: match s.kind {
                        Kind::Individual => "individual",
                        Kind::Structure => "structure",
                    },
                    link: urls.signatory(s.id).to_string(),
                    name: s.name,
                    commune: s.commune,
                })
            })
            .collect(),
        Layer::Practices => state
            .store
            .map_practices(territory)
            .await?
            .into_iter()
            .filter_map(|p| {
                Some(Point {
                    position: item_position(p.latitude, p.longitude, &p.commune)?,
                    kind: "practice",
                    link: urls.practice_page(p.practice_id()).to_string(),
                    name: p.title,
                    commune: p.commune,
                })
            })
            .collect(),
        Layer::Actions => state
            .store
            .map_actions(territory)
            .await?
            .into_iter()
            .filter_map(|a| {
                Some(Point {
                    position: item_position(a.latitude, a.longitude, &a.commune)?,
                    kind: "action",
                    link: urls.action(&a.slug, a.action_id()).to_string(),
                    name: a.title,
                    commune: a.commune,
                })
            })
            .collect(),
    })
}

/// What the network scope adds to a layer: the practices and actions received from the
/// territories ours follow, linked to their pages at their origin (signatories do not travel
/// one by one: the observatory's figures count them).
pub async fn followed_points(state: &AppState, layer: Layer) -> AppResult<Vec<Point>> {
    let (kind, rows) = match layer {
        Layer::Signatories => return Ok(vec![]),
        Layer::Practices => ("practice", state.store.map_followed_practices().await?),
        Layer::Actions => ("action", state.store.map_followed_actions().await?),
    };
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Point {
                position: item_position(r.latitude, r.longitude, &r.commune)?,
                kind,
                link: r.ap_id,
                name: r.title,
                commune: r.commune,
            })
        })
        .collect())
}

/// A layer's points in `scope` (the network: this instance's or territory's, then the followed
/// territories').
pub async fn scoped_points(
    state: &AppState,
    layer: Layer,
    territory: Option<TerritoryId>,
    scope: Scope,
) -> AppResult<Vec<Point>> {
    let mut all = points(state, layer, territory).await?;
    if scope == Scope::Network {
        all.extend(followed_points(state, layer).await?);
    }
    Ok(all)
}

/// The points as a GeoJSON FeatureCollection.
pub fn collection(points: Vec<Point>) -> FeatureCollection {
    FeatureCollection::new(points.into_iter().map(|p| {
        let mut f = Feature::from(Geometry::new_point(p.position));
        f.set_property("name", p.name);
        f.set_property("kind", p.kind);
        f.set_property("link", p.link);
        f.set_property("commune", p.commune);
        f
    }))
}

/// `signataires.geojson` → the signatories' layer; anything else is not found.
fn layer_of(file: &str) -> AppResult<Layer> {
    file.strip_suffix(".geojson").and_then(Layer::parse).ok_or_else(|| AppError::NotFound(format!("map layer {file}")))
}

async fn answer(state: &AppState, file: &str, territory: Option<TerritoryId>, scope: Scope) -> AppResult<Response> {
    let layer = layer_of(file)?;
    let points = scoped_points(state, layer, territory, scope).await?;
    let body = serde_json::to_string(&collection(points)).map_err(AppError::internal)?;
    let mut res = body.into_response();
    // RFC 7946 §12: the media type of GeoJSON.
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/geo+json"));
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    Ok(res)
}

pub async fn instance_geojson(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    answer(&state, &file, None, q.scope(Scope::Instance, false)).await
}

pub async fn territory_geojson(
    State(state): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Path((_, file)): Path<(String, String)>,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    answer(&state, &file, Some(t.id), q.scope(Scope::Territory, true)).await
}
