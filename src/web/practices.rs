//! Feeds and data of a territory's published practices: Atom, JSON and CSV (with indicators).

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::Value;

use super::csv::Csv;
use crate::{
    error::AppResult,
    federation::actors::escape_html,
    state::AppState,
    storage::{
        practices::{PracticeFilter, PracticeRow},
        territories::TerritoryRow,
    },
    web::territory_path::TerritoryPath,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/practices.atom", get(atom))
        .route("/t/{slug}/practices.json", get(json_export))
        .route("/t/{slug}/practices.csv", get(csv_export))
}

async fn local_published(state: &AppState, t: &TerritoryRow) -> AppResult<Vec<PracticeRow>> {
    let origin = state.territory_id_url(&t.slug).to_string();
    let filter = PracticeFilter { territory: Some(origin), ..Default::default() };
    state.store.search_practices(&filter, 1000).await
}

fn rfc3339(ms: i64) -> String {
    crate::domain::millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Atom 1.0 (RFC 4287), newest first.
async fn atom(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let practices = local_published(&data, &t).await?;
    let slug = &t.slug;
    let self_url = data.urls.practices_feed(slug);
    let updated = practices.iter().map(|p| p.updated_at).max().unwrap_or_default();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>{}</id>\n  \
         <title>Bonnes pratiques — {}</title>\n  <updated>{}</updated>\n  <link rel=\"self\" href=\"{}\"/>\n",
        escape_html(self_url.as_str()),
        escape_html(slug),
        rfc3339(updated),
        escape_html(self_url.as_str())
    );
    for p in &practices {
        xml.push_str(&format!(
            "  <entry>\n    <id>{id}</id>\n    <title>{title}</title>\n    <updated>{updated}</updated>\n    \
             <published>{published}</published>\n    <link href=\"{id}\"/>\n    <author><name>{author}</name></author>\n    \
             <summary>{summary}</summary>\n    <content type=\"html\">{content}</content>\n  </entry>\n",
            id = escape_html(&p.ap_id),
            title = escape_html(&p.title),
            updated = rfc3339(p.updated_at),
            published = rfc3339(p.published_at.unwrap_or(p.created_at)),
            author = escape_html(&p.origin_actor),
            summary = escape_html(&p.summary),
            content = escape_html(&p.body_html),
        ));
    }
    xml.push_str("</feed>\n");
    let mut res = xml.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    Ok(res)
}

async fn json_export(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let practices = local_published(&data, &t).await?;
    let out: Vec<Value> = practices
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["dimensions"] = serde_json::to_value(&p.dimensions.0).unwrap_or(Value::Array(vec![]));
            v
        })
        .collect();
    Ok(axum::Json(out).into_response())
}

/// One line per indicator (practices without indicators get one line with empty indicator
/// columns), so that spreadsheets can sum and chart them.
async fn csv_export(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let practices = local_published(&data, &t).await?;
    let mut out = Csv::new(&[
        "id",
        "title",
        "summary",
        "domains",
        "tags",
        "commune",
        "licence",
        "published",
        "dimension",
        "indicator",
        "value",
        "unit",
        "period",
    ])?;
    for p in &practices {
        let published = rfc3339(p.published_at.unwrap_or(p.created_at));
        let (domains, tags) = (p.domains.joined(), p.tags.joined());
        let base = [p.ap_id.as_str(), &p.title, &p.summary, &domains, &tags, &p.commune, &p.licence, &published];
        let mut lines = 0;
        for d in p.dimensions.iter() {
            for i in &d.indicators {
                let value = i.value.to_string();
                let mut row: Vec<&str> = base.to_vec();
                row.extend([d.dimension.code(), &i.name, &value, &i.unit, &i.period]);
                out.row(&row)?;
                lines += 1;
            }
        }
        if lines == 0 {
            let mut row: Vec<&str> = base.to_vec();
            row.extend(["", "", "", "", ""]);
            out.row(&row)?;
        }
    }
    out.into_response()
}
