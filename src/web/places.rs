//! `GET /places?q=redon`: communes matching what is typed, for the place search of forms
//! (static/app.js turns a field marked `data-places` into one). Public data shipped with
//! Maillage (see [`crate::domain::places`]): answered here, nothing asked of another server.

use axum::{Json, Router, extract::Query, routing::get};
use serde::{Deserialize, Serialize};

use crate::domain::places;

pub fn router() -> Router<crate::state::AppState> {
    Router::new().route("/places", get(search))
}

/// Suggestions per answer.
const LIMIT: usize = 10;

#[derive(Debug, Deserialize)]
struct PlaceQuery {
    #[serde(default)]
    q: String,
}

#[derive(Debug, Serialize)]
pub struct PlaceJson {
    /// INSEE code.
    pub code: String,
    pub name: String,
    /// "Redon (35)".
    pub label: String,
    pub departement: String,
    pub postcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

async fn search(Query(q): Query<PlaceQuery>) -> Json<Vec<PlaceJson>> {
    // A commune's name is short: a longer query is cut rather than refused.
    let typed: String = q.q.chars().take(100).collect();
    Json(
        places::search(&typed, LIMIT)
            .into_iter()
            .map(|p| PlaceJson {
                code: p.code.clone(),
                name: p.name.clone(),
                label: p.label(),
                departement: p.departement.clone(),
                postcode: p.postcode.clone(),
                latitude: p.coordinates.map(|c| c.0),
                longitude: p.coordinates.map(|c| c.1),
            })
            .collect(),
    )
}
