//! The charter: its page and its ActivityStreams `Document`, each version. Signing it:
//! `signing.rs`; who signed: `signatory_directory.rs`.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::get,
};

use super::{
    Layout,
    html::{SafeHtml, markdown, markdown_to_html},
    render,
    session::Ctx,
    territory_path::TerritoryPath,
};
use crate::{
    domain::millis_to_datetime,
    error::{AppError, AppResult},
    federation::actors::{ap_json, wants_activity_json},
    state::AppState,
    storage::{signatories::CharterRow, territories::TerritoryRow},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/charte", get(charter_current))
        .route("/t/{slug}/charte/{version}", get(charter_version))
}

#[derive(Template)]
#[template(path = "charter.html")]
struct CharterPage {
    l: Layout,
    slug: String,
    version: Option<String>,
    html: SafeHtml,
    versions: Vec<String>,
}

fn charter_document(state: &AppState, t: &TerritoryRow, c: &CharterRow, latest: &CharterRow) -> serde_json::Value {
    let id = state.urls.charter(&t.slug, &c.version);
    let time = |ms: i64| millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    crate::federation::protocol::charter::Charter {
        id: id.as_str(),
        territory_name: &t.name,
        territory: state.territory_id_url(&t.slug).as_str(),
        content_html: &markdown_to_html(&c.content_md),
        content_md: &c.content_md,
        version: &c.version,
        published: &time(c.published_at),
        updated: &time(latest.published_at),
    }
    .to_json()
}

async fn charter_response(
    data: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    t: &TerritoryRow,
    version: Option<&str>,
) -> AppResult<Response> {
    let all = data.store.charters(t.id).await?;
    let chosen = match version {
        Some(v) => Some(
            all.iter().find(|c| c.version == v).ok_or_else(|| AppError::NotFound(format!("charter version {v}")))?,
        ),
        None => all.first(),
    };
    if wants_activity_json(headers) {
        let (Some(c), Some(latest)) = (chosen, all.first()) else { return Err(AppError::NotFound("charter".into())) };
        return Ok(ap_json(&charter_document(data, t, c, latest)));
    }
    // The charter's own first heading is the page's title (one `h1`, its sections `h2`).
    let (title, body) = match chosen.map(|c| split_title(&c.content_md)) {
        Some((Some(title), body)) => (title.to_string(), body),
        Some((None, body)) => (ctx.tr.t("charter-title"), body),
        None => (ctx.tr.t("charter-title"), ""),
    };
    render(&CharterPage {
        l: Layout::new(ctx, title),
        slug: t.slug.clone(),
        version: chosen.map(|c| ctx.tr.t_with("charter-version", "version", &c.version)),
        html: markdown(body),
        versions: all.iter().map(|c| c.version.clone()).collect(),
    })
}

/// A Markdown text's leading `# Title` line, and the rest.
fn split_title(md: &str) -> (Option<&str>, &str) {
    let md = md.trim_start();
    match md.strip_prefix("# ") {
        Some(rest) => {
            let (title, body) = rest.split_once('\n').unwrap_or((rest, ""));
            let title = title.trim().trim_end_matches('#').trim();
            if title.is_empty() { (None, md) } else { (Some(title), body) }
        }
        None => (None, md),
    }
}

async fn charter_current(
    State(data): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    TerritoryPath(t): TerritoryPath,
) -> AppResult<Response> {
    charter_response(&data, &ctx, &headers, &t, None).await
}

async fn charter_version(
    State(data): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    TerritoryPath(t): TerritoryPath,
    Path((_, version)): Path<(String, String)>,
) -> AppResult<Response> {
    charter_response(&data, &ctx, &headers, &t, Some(&version)).await
}
