//! Public pages: home, territory, about; language switch; remote follow; media.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{Layout, render, session::Ctx};
use crate::{
    domain::territory::FollowState,
    error::{AppError, AppResult},
    federation::{
        actors::{ap_json, territory_actor, wants_activity_json},
        http::check_target,
    },
    state::AppState,
    storage::{follows::Direction, territories::TerritoryRow},
    web::csrf_form::CsrfForm,
    web::territory_path::TerritoryPath,
};

pub struct TerritoryCard {
    pub name: String,
    pub url: String,
    pub handle: String,
    /// The presentation's first paragraph, rendered like the whole on the territory's page.
    pub summary: super::html::SafeHtml,
}

fn cards(state: &AppState, territories: Vec<TerritoryRow>) -> Vec<TerritoryCard> {
    let authority = state.config.authority();
    territories
        .into_iter()
        .map(|t| TerritoryCard {
            url: format!("/t/{}", t.slug),
            handle: format!("{}@{authority}", t.slug),
            summary: super::html::markdown(t.summary.split("\n\n").next().unwrap_or_default()),
            name: t.name,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    territories: Vec<TerritoryCard>,
}

pub async fn home(State(data): State<AppState>, ctx: Ctx, headers: HeaderMap) -> AppResult<Response> {
    // FEP-d556: the origin names the server actor. Served here rather than redirected: Lemmy's
    // federation library cannot follow a redirection to a relative `Location`.
    if wants_activity_json(&headers) {
        return Ok(ap_json(&crate::federation::actors::instance_actor(&data)));
    }
    let territories = data.store.territories().await?;
    // An instance with one territory opens on it.
    if territories.len() == 1 {
        return Ok(Redirect::to(&format!("/t/{}", territories[0].slug)).into_response());
    }
    let l = Layout::new(&ctx, ctx.tr.t("home-title"));
    render(&HomePage { l, territories: cards(&data, territories) })
}

#[derive(Template)]
#[template(path = "territory.html")]
struct TerritoryPage {
    l: Layout,
    slug: String,
    name: String,
    handle: String,
    actor_id: String,
    icon_url: Option<String>,
    /// The presentation, Markdown rendered by the one function every Markdown field uses.
    summary: super::html::SafeHtml,
    perimeter: String,
    domains: Vec<String>,
    followers: String,
    followers_label: String,
    following: String,
    following_label: String,
    signatories: String,
    signatories_label: String,
    remote_error: bool,
    remote_value: String,
    /// The territory's latest practices: (page link, title, summary).
    practices: Vec<(String, String, String)>,
    /// The territory's latest announcements.
    announcements: Vec<super::announcement_pages::Card>,
}

#[derive(Debug, Deserialize)]
pub struct TerritoryQuery {
    remote_error: Option<String>,
    handle: Option<String>,
}

/// The territory's actor URL: JSON for ActivityPub clients, its home page for browsers.
pub async fn territory(
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    headers: HeaderMap,
    ctx: Ctx,
    Query(q): Query<TerritoryQuery>,
) -> AppResult<Response> {
    if wants_activity_json(&headers) {
        return Ok(ap_json(&territory_actor(&data, &t)));
    }
    let followers = data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await?;
    let following = data.store.count_follows(Direction::Following, t.id, FollowState::Accepted).await?;
    let tr = ctx.tr;
    let signatories: i64 = data.store.signatory_counts(t.id).await?.iter().map(|(_, n)| n).sum();
    let own = crate::storage::practices::PracticeFilter {
        territory: Some(data.territory_id_url(&t.slug).to_string()),
        ..Default::default()
    };
    let practices = data
        .store
        .search_practices(&own, 3)
        .await?
        .into_iter()
        .map(|p| (format!("/pratiques/{}", p.id), p.title, p.summary))
        .collect();
    let announcements = data
        .store
        .announcements(t.id, false, 3, 0)
        .await?
        .iter()
        .map(|a| super::announcement_pages::card(&data, &ctx, &t.slug, a))
        .collect();
    let page = TerritoryPage {
        announcements,
        signatories: tr.number(signatories),
        signatories_label: tr.plural("signatories-label", signatories),
        l: Layout::new(&ctx, t.name.clone()),
        handle: format!("{}@{}", t.slug, data.config.authority()),
        actor_id: data.territory_id_url(&t.slug).to_string(),
        icon_url: t.icon_media_id.map(|id| format!("/media/{id}")),
        summary: super::html::markdown(&t.summary),
        perimeter: t.perimeter.clone(),
        domains: t.domain_list().iter().map(|d| tr.t(&format!("domain-{}", d.code()))).collect(),
        followers: tr.number(followers),
        followers_label: tr.plural("followers-label", followers),
        following: tr.number(following),
        following_label: tr.plural("following-label", following),
        remote_error: q.remote_error.is_some(),
        remote_value: q.handle.unwrap_or_default().chars().take(200).collect(),
        practices,
        slug: t.slug,
        name: t.name,
    };
    let mut res = render(&page)?;
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(res)
}

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    l: Layout,
    contact: String,
    rules: Vec<String>,
    territories: Vec<TerritoryCard>,
}

pub async fn about(State(data): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let contact = data.store.setting("contact").await?.unwrap_or_default();
    let rules = data.store.setting("rules").await?.unwrap_or_default();
    let territories = cards(&data, data.store.territories().await?);
    render(&AboutPage {
        l: Layout::new(&ctx, ctx.tr.t("about-title")),
        contact,
        rules: rules.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect(),
        territories,
    })
}

#[derive(Debug, Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// `/lang/en?back=/t/territoire`: remembers the choice in a cookie for a year.
pub async fn set_lang(
    State(data): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Back>,
) -> AppResult<Response> {
    let lang = super::i18n::Lang::parse(&code).ok_or_else(|| AppError::NotFound("language".into()))?;
    let mut res = Redirect::to(&super::links::redirect_target(q.back.as_deref(), "/")).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, super::session::set_cookie(&data, "lang", lang.code(), 365 * 24 * 3600));
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct RemoteFollowForm {
    handle: String,
}

/// Remote follow, as Mastodon's: the visitor names their account or instance; we find its
/// WebFinger `http://ostatus.org/schema/1.0/subscribe` template and send them there.
pub async fn remote_follow(
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    CsrfForm(form): CsrfForm<RemoteFollowForm>,
) -> AppResult<Response> {
    let target = data.territory_id_url(&t.slug);
    // The template comes from a remote server: only ever a redirect to a web page.
    let subscribe =
        subscribe_url(&data, form.handle.trim(), target.as_str()).await.map(|u| super::links::Href::new(&u));
    match subscribe.filter(|h| !h.is_none()) {
        Some(url) => Ok(Redirect::to(url.as_str()).into_response()),
        None => {
            let handle = percent_encoding::utf8_percent_encode(form.handle.trim(), percent_encoding::NON_ALPHANUMERIC);
            Ok(Redirect::to(&format!("/t/{}?remote_error=1&handle={handle}#remote", t.slug)).into_response())
        }
    }
}

pub(super) async fn subscribe_url(state: &AppState, handle: &str, target: &str) -> Option<String> {
    let handle = handle.trim_start_matches('@').trim_start_matches("acct:");
    let (user, host) = match handle.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, handle.trim_end_matches('/').trim_start_matches("https://").trim_start_matches("http://")),
    };
    if host.is_empty() || host.contains('/') || host.contains(' ') || user.is_some_and(|u| u.is_empty()) {
        return None;
    }
    let scheme = if state.config.allow_private_network { "http" } else { "https" };
    let encoded_target = percent_encoding::utf8_percent_encode(target, percent_encoding::NON_ALPHANUMERIC).to_string();
    let resource = match user {
        Some(u) => format!("acct:{u}@{host}"),
        // Only an instance given: ask it about itself (its instance actor).
        None => format!("{scheme}://{host}/"),
    };
    let mut url = url::Url::parse(&format!("{scheme}://{host}/.well-known/webfinger")).ok()?;
    url.query_pairs_mut().append_pair("resource", &resource);
    check_target(&url, state.config.allow_private_network).ok()?;
    let jrd: Option<serde_json::Value> = match state.http.get(url).header("Accept", "application/jrd+json").send().await
    {
        Ok(r) if r.status().is_success() => r.json().await.ok(),
        _ => None,
    };
    let template = jrd.as_ref().and_then(|j| j.get("links")).and_then(|l| l.as_array()).and_then(|links| {
        links.iter().find_map(|l| {
            (l.get("rel").and_then(|r| r.as_str()) == Some("http://ostatus.org/schema/1.0/subscribe"))
                .then(|| l.get("template").and_then(|t| t.as_str()))
                .flatten()
        })
    });
    match (template, user) {
        (Some(t), _) if t.contains("{uri}") => Some(t.replace("{uri}", &encoded_target)),
        // Mastodon's interaction page, when the instance answered but published no template.
        (None, None) if jrd.is_some() => Some(format!("{scheme}://{host}/authorize_interaction?uri={encoded_target}")),
        _ => None,
    }
}

pub async fn media(State(data): State<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound("media".into()))?;
    let (content_type, bytes) = data.store.media(id).await?.ok_or_else(|| AppError::NotFound("media".into()))?;
    let mut res = (StatusCode::OK, bytes).into_response();
    let ct =
        HeaderValue::from_str(&content_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    res.headers_mut().insert(header::CONTENT_TYPE, ct);
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    res.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}
