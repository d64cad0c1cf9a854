//! Server-rendered pages (askama). The web-shell work extends these; for now: home, territory.

use activitypub_federation::config::Data;
use askama::Template;
use axum::{
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
};

use crate::{
    domain::territory::FollowState,
    error::{AppError, AppResult},
    federation::actors::{ap_json, territory_actor, wants_activity_json},
    state::AppState,
    storage::follows::Direction,
};

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Template)]
#[template(path = "territory.html")]
struct TerritoryPage {
    version: &'static str,
    name: String,
    handle: String,
    actor_id: String,
    summary_paragraphs: Vec<String>,
    followers: i64,
    following: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    version: &'static str,
    /// (name, url, handle)
    territories: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    version: &'static str,
    title: String,
    message: String,
}

fn render<T: Template>(t: &T) -> AppResult<Response> {
    Ok(Html(t.render().map_err(AppError::internal)?).into_response())
}

/// Error as a page, for browsers.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => "Page introuvable (not found)",
        s if s.is_server_error() => "Erreur du serveur (server error)",
        _ => "Requête refusée (request refused)",
    };
    let page = ErrorPage { version: VERSION, title: title.into(), message: message.into() };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

pub async fn home(data: Data<AppState>) -> AppResult<Response> {
    let authority = data.config.authority();
    let territories = data
        .store
        .territories()
        .await?
        .into_iter()
        .map(|t| (t.name.clone(), format!("/t/{}", t.slug), format!("{}@{authority}", t.slug)))
        .collect();
    render(&HomePage { version: VERSION, territories })
}

/// The territory's actor URL: JSON for ActivityPub clients, a page for browsers.
pub async fn territory(data: Data<AppState>, Path(slug): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let Some(t) = data.store.territory_by_slug(&slug).await? else {
        if wants_activity_json(&headers) {
            return Err(AppError::NotFound(format!("territory {slug}")));
        }
        return Ok(error_page(StatusCode::NOT_FOUND, "Ce territoire n'existe pas sur cette instance."));
    };
    if wants_activity_json(&headers) {
        return Ok(ap_json(&territory_actor(&data, &t)));
    }
    let page = TerritoryPage {
        version: VERSION,
        handle: format!("{}@{}", t.slug, data.config.authority()),
        actor_id: data.territory_id_url(&t.slug).to_string(),
        summary_paragraphs: t
            .summary
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect(),
        followers: data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await?,
        following: data.store.count_follows(Direction::Following, t.id, FollowState::Accepted).await?,
        name: t.name,
    };
    let mut res = render(&page)?;
    res.headers_mut().insert(axum::http::header::VARY, axum::http::HeaderValue::from_static("Accept"));
    Ok(res)
}

pub async fn not_found(headers: HeaderMap) -> Response {
    if wants_activity_json(&headers) {
        return AppError::NotFound("no such resource".into()).into_response();
    }
    error_page(StatusCode::NOT_FOUND, "Cette adresse ne correspond à aucune page.")
}
