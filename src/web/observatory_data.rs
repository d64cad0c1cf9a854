//! The observatory as open data (issue 13, point 8): every view as CSV and JSON, the reference
//! vocabulary, and a Frictionless Data package for the whole instance
//! (https://specs.frictionlessdata.io/data-package/, table schemas:
//! https://specs.frictionlessdata.io/table-schema/). Counts and sums only: no name, contact or
//! address of anyone (tests/it/privacy.rs reads every one of them).

use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Serialize;

use super::{csv::Csv, observatory::ScopeQuery, territory_path::TerritoryPath};
use crate::{
    domain::{
        ids::TerritoryId,
        millis_to_datetime,
        observatory::{Figure, REFERENCE, Scope, VOCABULARY_VERSION, reference},
    },
    error::AppResult,
    processing::observatory::rows,
    state::AppState,
    storage::observatory::{FigureRow, FigureRows, OriginRow},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/observatoire.csv", get(instance_csv))
        .route("/observatoire.json", get(instance_json))
        .route("/t/{slug}/observatoire.csv", get(territory_csv))
        .route("/t/{slug}/observatoire.json", get(territory_json))
        .route("/t/{slug}/observatoire/agregat", get(territory_aggregate))
        .route("/observatoire.geojson", get(super::observatory_geojson::instance))
        .route("/t/{slug}/observatoire.geojson", get(super::observatory_geojson::territory))
        .route("/observatoire/indicateurs.csv", get(vocabulary_csv))
        .route("/observatoire/indicateurs.json", get(vocabulary_json))
        .route("/observatoire/datapackage.json", get(datapackage))
}

/// One figure of one territory, as exported (the columns of [`FIGURE_FIELDS`]).
#[derive(Debug, Serialize)]
pub struct FigureOut {
    pub territory: String,
    pub territory_name: String,
    pub local: bool,
    /// Remote territories: when their latest data was received (RFC 3339), else empty.
    pub received_at: String,
    pub figure: &'static str,
    pub key: String,
    /// `all` (every month), a month `2025-03`, or an indicator's period (`2025`, `2025-Q1`…).
    pub period: String,
    /// The figure as its definition says (a count, a sum, a mean or a share).
    pub value: f64,
    /// How many values were added.
    pub count: i64,
    pub unit: &'static str,
    pub aggregation: &'static str,
}

/// Columns of the figures table: (name, Frictionless type, description).
const FIGURE_FIELDS: [(&str, &str, &str); 11] = [
    ("territory", "string", "The territory's ActivityPub id (its page)"),
    ("territory_name", "string", "The territory's name"),
    ("local", "boolean", "Whether the territory is on this instance"),
    ("received_at", "string", "Remote territories: when their latest data was received (RFC 3339)"),
    ("figure", "string", "What is counted or added up (docs/indicators.md)"),
    ("key", "string", "The category, commune or reference indicator id"),
    ("period", "string", "all, a month YYYY-MM, or the indicator's period"),
    ("value", "number", "The figure as its definition says: a count, a sum, a mean or a share"),
    ("count", "integer", "How many values were added"),
    ("unit", "string", "Unit of the value (reference indicators)"),
    ("aggregation", "string", "sum, mean or share"),
];

fn figures_out(origins: &[OriginRow], rows: &[FigureRow]) -> Vec<FigureOut> {
    // A network has hundreds of origins and a hundred thousand rows: look each up once.
    let by_id: std::collections::HashMap<&str, &OriginRow> = origins.iter().map(|o| (o.origin.as_str(), o)).collect();
    rows.iter()
        .map(|r| {
            let o = by_id.get(r.origin.as_str()).copied();
            let indicator = (r.figure == Figure::Indicator).then(|| reference(&r.key)).flatten();
            let aggregation = indicator.map(|i| i.aggregation).unwrap_or(crate::domain::observatory::Aggregation::Sum);
            let cell = crate::domain::observatory::Cell { total: r.total, n: r.n, sources: vec![] };
            FigureOut {
                territory: r.origin.clone(),
                territory_name: o.map(|o| o.name.clone()).unwrap_or_default(),
                local: o.is_some_and(|o| o.territory_id.is_some()),
                received_at: o
                    .and_then(|o| o.received_at)
                    .map(|at| millis_to_datetime(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default(),
                figure: r.figure.as_str(),
                key: r.key.clone(),
                period: r.period.clone(),
                value: cell.value(aggregation),
                count: r.n,
                unit: indicator.map(|i| i.unit).unwrap_or(""),
                aggregation: aggregation.as_str(),
            }
        })
        .collect()
}

/// A view as JSON: the scope, the licence, and its figures.
#[derive(Debug, Serialize)]
pub struct ObservatoryOut {
    pub scope: &'static str,
    pub licence: String,
    pub vocabulary_version: &'static str,
    pub figures: Vec<FigureOut>,
}

pub async fn export(state: &AppState, scope: Scope, territory: Option<TerritoryId>) -> AppResult<Vec<FigureOut>> {
    export_rows(state, scope, territory, FigureRows::All).await
}

/// The rows of a view that one export needs (`which`), ready to write.
pub async fn export_rows(
    state: &AppState,
    scope: Scope,
    territory: Option<TerritoryId>,
    which: FigureRows,
) -> AppResult<Vec<FigureOut>> {
    let (origins, rows) = rows(state, scope, territory, which).await?;
    Ok(figures_out(&origins, &rows))
}

fn csv(figures: &[FigureOut]) -> AppResult<Response> {
    let mut out = Csv::new(&FIGURE_FIELDS.map(|f| f.0))?;
    for f in figures {
        out.row(&[
            &f.territory,
            &f.territory_name,
            if f.local { "true" } else { "false" },
            &f.received_at,
            f.figure,
            &f.key,
            &f.period,
            &f.value.to_string(),
            &f.count.to_string(),
            f.unit,
            f.aggregation,
        ])?;
    }
    out.into_response()
}

fn json(state: &AppState, scope: Scope, figures: Vec<FigureOut>) -> Response {
    let out = ObservatoryOut {
        scope: scope.as_str(),
        licence: state.config.open_data_licence.clone(),
        vocabulary_version: VOCABULARY_VERSION,
        figures,
    };
    let mut res = Json(out).into_response();
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    res
}

async fn instance_csv(State(state): State<AppState>, Query(q): Query<ScopeQuery>) -> AppResult<Response> {
    csv(&export(&state, q.scope(Scope::Instance, false), None).await?)
}

async fn instance_json(State(state): State<AppState>, Query(q): Query<ScopeQuery>) -> AppResult<Response> {
    let scope = q.scope(Scope::Instance, false);
    Ok(json(&state, scope, export(&state, scope, None).await?))
}

async fn territory_csv(
    State(state): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    csv(&export(&state, q.scope(Scope::Territory, true), Some(t.id)).await?)
}

/// The territory's figures as its `cces:Aggregate` (the object its followers receive).
async fn territory_aggregate(State(state): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let origin = state.urls.territory(&t.slug).to_string();
    let (sent, rows) = state.store.origin_figures(&origin).await?;
    let computed_at = sent.and_then(|s| s.computed_at);
    let aggregate = crate::processing::observatory_aggregates::aggregate_of(&state, &t.slug, computed_at, &rows);
    Ok(crate::federation::actors::ap_json(&aggregate))
}

async fn territory_json(
    State(state): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    let scope = q.scope(Scope::Territory, true);
    Ok(json(&state, scope, export(&state, scope, Some(t.id)).await?))
}

/// One reference indicator, as published (the columns of [`VOCABULARY_FIELDS`]).
#[derive(Debug, Serialize)]
pub struct ReferenceOut {
    pub id: &'static str,
    pub dimension: &'static str,
    pub label_fr: &'static str,
    pub label_en: &'static str,
    pub unit: &'static str,
    pub aggregation: &'static str,
    pub min: f64,
    pub max: f64,
}

const VOCABULARY_FIELDS: [(&str, &str, &str); 8] = [
    ("id", "string", "Stable id in the cces: namespace"),
    ("dimension", "string", "sociale, economique, territoriale or environnementale"),
    ("label_fr", "string", "Label in French"),
    ("label_en", "string", "Label in English"),
    ("unit", "string", "Unit values are given in"),
    ("aggregation", "string", "How values add up: sum, mean or share"),
    ("min", "number", "Lowest plausible value"),
    ("max", "number", "Highest plausible value"),
];

fn vocabulary() -> Vec<ReferenceOut> {
    REFERENCE
        .iter()
        .map(|r| ReferenceOut {
            id: r.id,
            dimension: r.dimension.code(),
            label_fr: r.label_fr,
            label_en: r.label_en,
            unit: r.unit,
            aggregation: r.aggregation.as_str(),
            min: r.min,
            max: r.max,
        })
        .collect()
}

async fn vocabulary_csv() -> AppResult<Response> {
    let mut out = Csv::new(&VOCABULARY_FIELDS.map(|f| f.0))?;
    for r in vocabulary() {
        out.row(&[
            r.id,
            r.dimension,
            r.label_fr,
            r.label_en,
            r.unit,
            r.aggregation,
            &r.min.to_string(),
            &r.max.to_string(),
        ])?;
    }
    out.into_response()
}

async fn vocabulary_json() -> Response {
    Json(vocabulary()).into_response()
}

/// The Frictionless Data package (https://specs.frictionlessdata.io/data-package/).
#[derive(Debug, Serialize)]
pub struct DataPackage {
    pub profile: &'static str,
    pub name: &'static str,
    pub title: String,
    pub version: &'static str,
    pub created: String,
    pub homepage: String,
    pub licenses: Vec<License>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Serialize)]
pub struct License {
    pub name: String,
    pub title: String,
    pub path: String,
}

#[derive(Debug, Serialize)]
pub struct Resource {
    pub profile: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub path: String,
    pub format: &'static str,
    pub mediatype: &'static str,
    pub encoding: &'static str,
    pub schema: TableSchema,
}

#[derive(Debug, Serialize)]
pub struct TableSchema {
    pub fields: Vec<Field>,
    #[serde(rename = "primaryKey")]
    pub primary_key: Vec<&'static str>,
    #[serde(rename = "missingValues")]
    pub missing_values: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
}

fn fields(f: &[(&'static str, &'static str, &'static str)]) -> Vec<Field> {
    f.iter().map(|(name, kind, description)| Field { name, kind, description }).collect()
}

/// The licence's URL when it is one Maillage knows by name (else the observatory page).
fn licence_path(name: &str, base: &str) -> String {
    if name.contains("Etalab") {
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/".into()
    } else if name.starts_with("ODbL") {
        "https://opendatacommons.org/licenses/odbl/1-0/".into()
    } else if name.starts_with("CC") {
        "https://creativecommons.org/licenses/".into()
    } else {
        format!("{base}observatoire")
    }
}

pub fn package(state: &AppState) -> DataPackage {
    let base = state.urls.path("/").to_string();
    let licence = state.config.open_data_licence.clone();
    let csv_resource = |name, title, path: String, schema| Resource {
        profile: "tabular-data-resource",
        name,
        title,
        path,
        format: "csv",
        mediatype: "text/csv",
        encoding: "utf-8",
        schema,
    };
    DataPackage {
        profile: "tabular-data-package",
        name: "maillage-observatoire",
        title: format!("Observatoire des CCES — {}", state.urls.path("/").host_str().unwrap_or_default()),
        version: VOCABULARY_VERSION,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        homepage: state.urls.path("/observatoire").to_string(),
        licenses: vec![License { path: licence_path(&licence, &base), title: licence.clone(), name: licence }],
        resources: vec![
            csv_resource(
                "figures",
                "Figures of every territory of the network, per period",
                {
                    let mut u = state.urls.path("/observatoire.csv");
                    u.set_query(Some("scope=reseau"));
                    u.to_string()
                },
                TableSchema {
                    fields: fields(&FIGURE_FIELDS),
                    primary_key: vec!["territory", "figure", "key", "period"],
                    missing_values: vec![""],
                },
            ),
            csv_resource(
                "indicators",
                "Reference indicators",
                state.urls.path("/observatoire/indicateurs.csv").to_string(),
                TableSchema { fields: fields(&VOCABULARY_FIELDS), primary_key: vec!["id"], missing_values: vec![""] },
            ),
        ],
    }
}

async fn datapackage(State(state): State<AppState>) -> Response {
    let mut res = Json(package(&state)).into_response();
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    res
}
