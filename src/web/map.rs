//! The map pages (issue 13 point 6): `/carte` (this instance) and `/t/<slug>/carte` (one
//! territory). Leaflet (BSD-2-Clause, `static/vendor/leaflet/`, served from here: no CDN) draws
//! the GeoJSON layers of map_data.rs over the tiles of the `map_tiles_url` setting; our own
//! script is `static/map.js`. The same points are listed below the map, which is all a visitor
//! without JavaScript gets. The page's CSP adds the tile host to `img-src` and nothing else.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{
    Layout, headers::CONTENT_SECURITY_POLICY, map_data, observatory::ScopeQuery, render, session::Ctx,
    territory_path::TerritoryPath,
};
use crate::{
    config::tiles_origin,
    domain::{
        ids::TerritoryId,
        map::{Layer, Point},
        observatory::Scope,
    },
    error::{AppError, AppResult},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/carte", get(instance_page))
        .route("/t/{slug}/carte", get(territory_page))
        .route("/carte/{file}", get(map_data::instance_geojson))
        .route("/t/{slug}/carte/{file}", get(map_data::territory_geojson))
        .route("/static/map.js", get(map_js))
        .route("/static/vendor/leaflet/{*path}", get(leaflet))
}

/// One layer: its GeoJSON URL, its heading and its points for the list.
pub struct LayerView {
    pub code: &'static str,
    pub url: String,
    pub title: String,
    pub points: Vec<Point>,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    l: Layout,
    layers: Vec<LayerView>,
    tiles: String,
    attribution: String,
    observatory: String,
    /// Whether the followed territories' practices and actions are shown too.
    network: bool,
    /// The page's own path (the scope links).
    base: String,
}

impl MapPage {
    /// The label of a point's kind in the reader's language.
    fn kind(&self, kind: &str) -> String {
        self.l.tr.t(&format!("map-kind-{kind}"))
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    base: &str,
    title: String,
    t: Option<TerritoryId>,
    scope: Scope,
) -> AppResult<Response> {
    let mut layers = Vec::new();
    // The network scope: the same layers, plus what the territories followed published.
    let query = if scope == Scope::Network { "?scope=reseau" } else { "" };
    for &layer in Layer::ALL {
        layers.push(LayerView {
            code: layer.as_str(),
            url: format!("{base}/{}.geojson{query}", layer.as_str()),
            title: ctx.tr.t(&format!("map-layer-{}", layer.as_str())),
            points: map_data::scoped_points(state, layer, t, scope).await?,
        });
    }
    let observatory = base.replace("/carte", "/observatoire");
    let mut res = render(&MapPage {
        l: Layout::new(ctx, title),
        layers,
        tiles: state.config.map_tiles_url.clone(),
        attribution: state.config.map_tiles_attribution.clone(),
        observatory,
        network: scope == Scope::Network,
        base: base.to_string(),
    })?;
    // The tiles are the only images from elsewhere; `data:` is Leaflet's blank tile
    // (`Util.emptyImageUrl`), set on tiles being removed.
    let origin = tiles_origin(&state.config.map_tiles_url).map_err(AppError::internal)?;
    let csp = format!("{CONTENT_SECURITY_POLICY}; img-src 'self' data: {origin}");
    res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&csp).map_err(AppError::internal)?);
    Ok(res)
}

async fn instance_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ScopeQuery>) -> AppResult<Response> {
    let title = ctx.tr.t("map-title");
    page(&state, &ctx, "/carte", title, None, q.scope(Scope::Instance, false)).await
}

async fn territory_page(
    State(state): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    let title = ctx.tr.t_with("map-title-territory", "name", &t.name);
    page(&state, &ctx, &format!("/t/{}/carte", t.slug), title, Some(t.id), q.scope(Scope::Territory, true)).await
}

fn static_response(body: &'static [u8], content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

async fn map_js() -> Response {
    static_response(include_bytes!("../../static/map.js"), "text/javascript; charset=utf-8")
}

/// Leaflet's files as shipped in its npm package's `dist/` (version 1.9.4).
async fn leaflet(Path(path): Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &'static str) = match path.as_str() {
        "leaflet.js" => (include_bytes!("../../static/vendor/leaflet/leaflet.js"), "text/javascript; charset=utf-8"),
        "leaflet.css" => (include_bytes!("../../static/vendor/leaflet/leaflet.css"), "text/css; charset=utf-8"),
        "LICENSE" => (include_bytes!("../../static/vendor/leaflet/LICENSE"), "text/plain; charset=utf-8"),
        "images/layers.png" => (include_bytes!("../../static/vendor/leaflet/images/layers.png"), "image/png"),
        "images/layers-2x.png" => (include_bytes!("../../static/vendor/leaflet/images/layers-2x.png"), "image/png"),
        "images/marker-icon.png" => (include_bytes!("../../static/vendor/leaflet/images/marker-icon.png"), "image/png"),
        "images/marker-icon-2x.png" => {
            (include_bytes!("../../static/vendor/leaflet/images/marker-icon-2x.png"), "image/png")
        }
        "images/marker-shadow.png" => {
            (include_bytes!("../../static/vendor/leaflet/images/marker-shadow.png"), "image/png")
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    static_response(body, content_type)
}
