//! Server-rendered pages (askama templates, Fluent strings), one layout, embedded assets.

// Text rendering and i18n live in `crate::text`; these paths stay for the web layer's code.
pub use crate::text::{html, i18n, numbers, time};

pub mod action_join;
pub mod action_outcome;
pub mod action_pages;
pub mod admin;
pub mod agenda;
pub mod announcement_form;
pub mod announcement_pages;
pub mod auth;
pub mod charter;
pub mod client_ip;
pub mod csrf_form;
pub mod csv;
pub mod headers;
pub mod ics;
pub mod lang;
pub mod links;
pub mod map;
pub mod map_data;
pub mod moderation_log;
pub mod observatory;
pub mod observatory_data;
mod observatory_geojson;
pub mod pages;
pub mod places;
pub mod practice_actions;
pub mod practice_conversation;
pub mod practice_form;
pub mod practice_pages;
pub mod practices;
pub mod reports;
pub mod session;
pub mod sign_form;
pub mod signatory_directory;
pub mod signer;
pub mod signing;
pub mod territory_path;

use askama::Template;
use axum::{
    Router,
    extract::Request,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};

use crate::error::{AppError, AppResult};
use i18n::{Lang, Tr};
use session::Ctx;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the layout (`base.html`) needs.
pub struct Layout {
    pub tr: Tr,
    pub title: String,
    pub logged_in: bool,
    pub csrf: String,
    /// The current path, percent-encoded, for the language switch.
    pub back: String,
    pub version: &'static str,
    /// The site's name in the header and the window title (the territory's, see [`Ctx::site`]).
    pub site: String,
}

impl Layout {
    pub fn new(ctx: &Ctx, title: impl Into<String>) -> Layout {
        Layout {
            tr: ctx.tr,
            title: title.into(),
            logged_in: ctx.account.is_some(),
            csrf: ctx.csrf.clone(),
            back: percent_encoding::utf8_percent_encode(&ctx.path, percent_encoding::NON_ALPHANUMERIC).to_string(),
            version: VERSION,
            site: ctx.site.clone(),
        }
    }
}

pub fn render<T: Template>(t: &T) -> AppResult<Response> {
    Ok(Html(t.render().map_err(AppError::internal)?).into_response())
}

/// A response holding someone's personal data: never cached, and the URL (a private link's
/// token) never sent on as a referrer.
pub fn private(mut res: Response) -> Response {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut().insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    res
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> AppResult<Response> {
    Ok((status, Html(t.render().map_err(AppError::internal)?)).into_response())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    message: String,
}

/// An error as a page, in the visitor's language.
pub fn error_page(status: StatusCode, lang: Lang, path: &str) -> Response {
    let tr = Tr::new(lang);
    let (title, text) = match status {
        StatusCode::NOT_FOUND => ("error-not-found", "error-not-found-text"),
        StatusCode::FORBIDDEN => ("error-forbidden", "error-forbidden-text"),
        s if s.is_server_error() => ("error-server", "error-server-text"),
        _ => ("error-other", "error-other"),
    };
    let l = Layout {
        tr,
        title: tr.t(title),
        logged_in: false,
        csrf: String::new(),
        back: percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC).to_string(),
        version: VERSION,
        // No database here: the header's name falls back to "Home".
        site: tr.t("nav-home"),
    };
    let page = ErrorPage { l, message: tr.t(text) };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

/// Middleware: browsers get error pages (and the login page for 401) instead of JSON errors.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let html = wants_html(req.headers()) && !req.uri().path().starts_with("/api/");
    let lang = Lang::from_headers(req.headers());
    let path = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let res = next.run(req).await;
    let is_json =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|c| c.as_bytes().starts_with(b"application/json"));
    if !html || !is_json || res.status().as_u16() < 400 {
        return res;
    }
    if res.status() == StatusCode::UNAUTHORIZED {
        let next = percent_encoding::utf8_percent_encode(&path, percent_encoding::NON_ALPHANUMERIC).to_string();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    error_page(res.status(), lang, &path)
}

async fn static_file(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, content_type): (&'static str, &'static str) = match name.as_str() {
        "style.css" => (include_str!("../../static/style.css"), "text/css; charset=utf-8"),
        "app.js" => (include_str!("../../static/app.js"), "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

pub async fn not_found(headers: HeaderMap, uri: axum::http::Uri) -> Response {
    if wants_html(&headers) {
        return error_page(StatusCode::NOT_FOUND, Lang::from_headers(&headers), uri.path());
    }
    AppError::NotFound("no such resource".into()).into_response()
}

/// Public pages, login and the admin console.
pub fn router() -> Router<crate::state::AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/about", get(pages::about))
        .route("/lang/{code}", get(pages::set_lang))
        .route("/t/{slug}/remote-follow", post(pages::remote_follow))
        .route("/media/{id}", get(pages::media))
        .route("/static/{name}", get(static_file))
        .merge(auth::router())
        .merge(charter::router())
        .merge(signing::router())
        .merge(signatory_directory::router())
        .merge(signer::router())
        .merge(practices::router())
        .merge(action_pages::router())
        .merge(agenda::router())
        .merge(action_join::router())
        .merge(action_outcome::router())
        .merge(practice_pages::router())
        .merge(practice_actions::router())
        .merge(practice_conversation::router())
        .merge(places::router())
        .merge(announcement_pages::router())
        .merge(announcement_form::router())
        .merge(observatory::router())
        .merge(admin::router())
        .merge(reports::router())
        .merge(moderation_log::router())
        .merge(map::router())
}
