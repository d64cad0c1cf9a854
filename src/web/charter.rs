//! The charter (page and ActivityStreams `Document`), the signing form, confirmation, and the
//! public directory with its exports.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use super::{
    Layout,
    admin::FormPairs,
    csv::Csv,
    html::{SafeHtml, markdown, markdown_to_html},
    render, render_status,
    session::Ctx,
    territory_path::TerritoryPath,
};
use crate::{
    domain::{
        millis_to_datetime,
        signatory::{ROLES, SignatureInput},
        territory::ActivityDomain,
    },
    error::{AppError, AppResult},
    federation::actors::{ap_json, wants_activity_json},
    processing::signatures::{SignError, confirm, submit},
    state::AppState,
    storage::{
        signatories::{CharterRow, DirectoryFilter, SignatoryPublic},
        territories::TerritoryRow,
    },
    web::csrf_form::CsrfForm,
};

// The form's pages live in `sign_form`; kept reachable here, where the console and the signer's
// space have always found them.
pub use super::sign_form::{SignPage, admin_edit_page, input_from_form, manage_page};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/charte", get(charter_current))
        .route("/t/{slug}/charte/{version}", get(charter_version))
        .route("/t/{slug}/signer", get(sign_page).post(sign_post))
        .route("/signature/confirm", get(confirm_page))
        .route("/t/{slug}/signataires", get(directory_page))
        .route("/t/{slug}/signataires.csv", get(directory_csv))
        .route("/t/{slug}/signataires.json", get(directory_json))
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
    let id = state.config.url(&format!("/t/{}/charte/{}", t.slug, c.version));
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

async fn current_version(state: &AppState, t: &TerritoryRow) -> AppResult<String> {
    state.store.current_charter(t.id).await?.map(|c| c.version).ok_or_else(|| AppError::NotFound("charter".into()))
}

async fn sign_page(State(data): State<AppState>, ctx: Ctx, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let version = current_version(&data, &t).await?;
    render(&SignPage::new(&ctx, &t.slug, &version, SignatureInput::default(), vec![]))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    class: &'static str,
    message: String,
}

pub fn message(ctx: &Ctx, status: StatusCode, title: &str, text: &str, class: &'static str) -> AppResult<Response> {
    render_status(status, &MessagePage { l: Layout::new(ctx, ctx.tr.t(title)), class, message: ctx.tr.t(text) })
}

async fn sign_post(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    CsrfForm(f): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    let input = input_from_form(&f);
    match submit(&data, &t.slug, &input, &ctx.client, ctx.tr).await {
        Ok(_) => message(&ctx, StatusCode::OK, "sign-title", "sign-sent", "notice"),
        Err(SignError::Fields(errors)) => {
            let version = current_version(&data, &t).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &SignPage::new(&ctx, &t.slug, &version, input, errors))
        }
        Err(SignError::TooMany) => {
            message(&ctx, StatusCode::TOO_MANY_REQUESTS, "sign-title", "sign-throttled", "alert")
        }
        Err(SignError::App(e)) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn confirm_page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    if confirm(&data, q.token.as_deref().unwrap_or_default()).await? {
        message(&ctx, StatusCode::OK, "sign-title", "sign-confirmed", "notice")
    } else {
        message(&ctx, StatusCode::BAD_REQUEST, "sign-title", "sign-confirm-invalid", "alert")
    }
}

pub struct Entry {
    name: String,
    website: super::links::Href,
    commune: String,
    what: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    l: Layout,
    slug: String,
    counts: Vec<(String, String)>,
    kinds: Vec<(&'static str, String, bool)>,
    roles: Vec<(&'static str, String, bool)>,
    domains: Vec<(&'static str, String, bool)>,
    commune: String,
    entries: Vec<Entry>,
}

fn describe(tr: crate::web::i18n::Tr, s: &SignatoryPublic) -> String {
    let labels: Vec<String> = if s.kind == crate::domain::signatory::Kind::Structure {
        std::iter::once(tr.t(&format!("legal-{}", s.legal_form)))
            .chain(s.domains.split(',').filter(|d| !d.is_empty()).map(|d| tr.t(&format!("domain-{d}"))))
            .collect()
    } else {
        s.roles.split(',').filter(|r| !r.is_empty()).map(|r| tr.t(&format!("role-{r}"))).collect()
    };
    labels.join(", ")
}

async fn directory_page(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let entries = data.store.directory(t.id, &f).await?;
    let counts = data
        .store
        .signatory_counts(t.id)
        .await?
        .into_iter()
        .map(|(k, n)| (tr.number(n), tr.plural(&format!("directory-count-{k}"), n)))
        .collect();
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    render(&DirectoryPage {
        l: Layout::new(&ctx, tr.t("directory-title")),
        slug: t.slug.clone(),
        counts,
        kinds: ["individual", "structure"]
            .iter()
            .map(|k| (*k, tr.t(&format!("directory-kind-{k}")), sel(&f.kind, k)))
            .collect(),
        roles: ROLES.iter().map(|r| (*r, tr.t(&format!("role-{r}")), sel(&f.role, r))).collect(),
        domains: ActivityDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.t(&format!("domain-{}", d.code())), sel(&f.domain, d.code())))
            .collect(),
        commune: f.commune.clone().unwrap_or_default(),
        entries: entries
            .iter()
            .map(|s| Entry {
                name: s.name.clone(),
                website: super::links::Href::new(&s.website),
                commune: s.commune.clone(),
                what: describe(tr, s),
            })
            .collect(),
    })
}

async fn directory_csv(
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let mut out =
        Csv::new(&["kind", "name", "roles", "legal_form", "domains", "website", "commune", "governance", "partners"])?;
    for s in data.store.directory(t.id, &f).await? {
        out.row(&[
            s.kind.as_str(),
            &s.name,
            &s.roles,
            &s.legal_form,
            &s.domains,
            &s.website,
            &s.commune,
            &s.governance,
            &s.partners,
        ])?;
    }
    out.into_response()
}

async fn directory_json(
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    Ok(axum::Json(data.store.directory(t.id, &f).await?).into_response())
}
