//! The public moderation log (issue 15, point 4), as Lemmy's modlog: every decision with its
//! date, kind, target (a link while it is public, its neutral label once gone) and reason;
//! never the reporter, never personal data. Instance-wide at `/moderation`, per territory at
//! `/t/<slug>/moderation` (its lines and the instance-wide ones); `.json` and `.atom` beside
//! each. The instance setting `moderation_log_kinds` decides which kinds are public.

use askama::Template;
use axum::{
    Json, Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{Layout, render_status, session::Ctx};
use crate::{
    domain::ids::TerritoryId, error::AppResult, federation::actors::escape_html, processing::reports, state::AppState,
    storage::reports::LogRow, web::territory_path::TerritoryPath,
};

/// Lines shown (newest first).
const LIMIT: i64 = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/moderation", get(instance_page))
        .route("/moderation.json", get(instance_json))
        .route("/moderation.atom", get(instance_atom))
        .route("/t/{slug}/moderation", get(territory_page))
        .route("/t/{slug}/moderation.json", get(territory_json))
        .route("/t/{slug}/moderation.atom", get(territory_atom))
}

struct Line {
    date: String,
    kind: String,
    label: String,
    link: Option<String>,
    reason: String,
}

#[derive(Template)]
#[template(path = "moderation_log.html")]
struct LogPage {
    l: Layout,
    feed: String,
    lines: Vec<Line>,
}

async fn lines(state: &AppState, territory: Option<TerritoryId>) -> AppResult<Vec<LogRow>> {
    let kinds = reports::public_log_kinds(state).await?;
    state.store.moderation_log(territory, &kinds, LIMIT).await
}

async fn page(state: &AppState, ctx: &Ctx, title: String, feed: String, rows: Vec<LogRow>) -> AppResult<Response> {
    let mut out = vec![];
    for r in rows {
        let public = reports::still_public(state, &r.target_kind, &r.target_ap_id).await?;
        let label = if r.target_label.is_empty() {
            ctx.tr.t(&format!("report-kind-{}", r.target_kind))
        } else {
            r.target_label
        };
        out.push(Line {
            date: crate::text::time::format(r.created_at, ctx.tr.lang, state.config.time_zone),
            kind: ctx.tr.t(&format!("modlog-kind-{}", r.kind)),
            label,
            link: public.then_some(r.target_ap_id),
            reason: r.reason,
        });
    }
    render_status(StatusCode::OK, &LogPage { l: Layout::new(ctx, title), feed, lines: out })
}

async fn instance_page(State(data): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let rows = lines(&data, None).await?;
    page(&data, &ctx, ctx.tr.t("modlog-title"), "/moderation".into(), rows).await
}

async fn territory_page(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
) -> AppResult<Response> {
    let rows = lines(&data, Some(t.id)).await?;
    let title = format!("{} — {}", ctx.tr.t("modlog-title"), t.name);
    page(&data, &ctx, title, data.urls.moderation_log(&t.slug).path().to_string(), rows).await
}

async fn instance_json(State(data): State<AppState>) -> AppResult<Json<Vec<LogRow>>> {
    Ok(Json(lines(&data, None).await?))
}

async fn territory_json(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Json<Vec<LogRow>>> {
    Ok(Json(lines(&data, Some(t.id)).await?))
}

async fn instance_atom(State(data): State<AppState>) -> AppResult<Response> {
    let rows = lines(&data, None).await?;
    atom(&data, "/moderation", &rows)
}

async fn territory_atom(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let rows = lines(&data, Some(t.id)).await?;
    atom(&data, data.urls.moderation_log(&t.slug).path(), &rows)
}

fn rfc3339(ms: i64) -> String {
    crate::domain::millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Atom 1.0 (RFC 4287): one entry per decision, in French (the instance's first language).
fn atom(state: &AppState, path: &str, rows: &[LogRow]) -> AppResult<Response> {
    let tr = crate::text::i18n::Tr::new(crate::text::i18n::Lang::Fr);
    let page = state.urls.path(path);
    let self_url = state.urls.path(&format!("{path}.atom"));
    let updated = rows.iter().map(|r| r.created_at).max().unwrap_or_default();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>{}</id>\n  \
         <title>{}</title>\n  <updated>{}</updated>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n",
        escape_html(self_url.as_str()),
        escape_html(&tr.t("modlog-title")),
        rfc3339(updated),
        escape_html(self_url.as_str()),
        escape_html(page.as_str()),
    );
    for r in rows {
        let kind = tr.t(&format!("modlog-kind-{}", r.kind));
        xml.push_str(&format!(
            "  <entry>\n    <id>{page}#{id}</id>\n    <title>{title}</title>\n    <updated>{at}</updated>\n    \
             <link href=\"{page}\"/>\n    <author><name>{author}</name></author>\n    <summary>{reason}</summary>\n  </entry>\n",
            page = escape_html(page.as_str()),
            id = r.id,
            title = escape_html(&format!("{kind} : {}", r.target_label)),
            at = rfc3339(r.created_at),
            author = escape_html(&tr.t("modlog-author")),
            reason = escape_html(&r.reason),
        ));
    }
    xml.push_str("</feed>\n");
    let mut res = xml.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    Ok(res)
}
