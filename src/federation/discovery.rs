//! Discovery: WebFinger (RFC 7033), NodeInfo 2.0/2.1 (FEP-f1d5), host-meta (RFC 6415).

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::Query,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::Value;

use super::protocol::discovery as protocol;
use crate::domain::{ids::SignatoryId, urls::ActorUrl};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

#[derive(Debug, Deserialize)]
pub struct WebfingerQuery {
    resource: Option<String>,
}

fn with_type(mut res: Response, content_type: &'static str) -> Response {
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    res
}

/// Which local actor a WebFinger resource names.
enum Target {
    Territory(String),
    /// A territory's editorial actor (`<slug>.redaction`), author of its practices.
    Editorial(String),
    Signatory(SignatoryId),
    Instance,
}

/// `s<id>`: the username of signatory actors.
fn signatory_username(user: &str) -> Option<SignatoryId> {
    user.strip_prefix('s')
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

fn target_of(state: &AppState, resource: &str) -> Option<Target> {
    let authority = state.config.authority();
    if let Some(acct) = resource.strip_prefix("acct:") {
        let acct = acct.trim_start_matches('@');
        let (user, host) = acct.rsplit_once('@')?;
        if !host.eq_ignore_ascii_case(&authority) {
            return None;
        }
        // Mastodon names its instance actor after the host (`acct:host@host`); with a port,
        // ours is `host.port` (see `instance_username`), the older form still answers.
        if user.eq_ignore_ascii_case(&authority) || user.eq_ignore_ascii_case(&super::actors::instance_username(state))
        {
            return Some(Target::Instance);
        }
        if let Some(id) = signatory_username(user) {
            return Some(Target::Signatory(id));
        }
        if let Some(slug) = user.to_ascii_lowercase().strip_suffix(".redaction") {
            return Some(Target::Editorial(slug.to_string()));
        }
        return Some(Target::Territory(user.to_ascii_lowercase()));
    }
    let url = url::Url::parse(resource).ok()?;
    Some(match state.urls.actor_of(&url)? {
        ActorUrl::Instance => Target::Instance,
        ActorUrl::Signatory(id) => Target::Signatory(id),
        ActorUrl::Editorial(slug) => Target::Editorial(slug),
        ActorUrl::Territory(slug) => Target::Territory(slug),
    })
}

pub async fn webfinger(data: Data<AppState>, Query(q): Query<WebfingerQuery>) -> AppResult<Response> {
    let resource = q.resource.ok_or_else(|| AppError::BadRequest("resource parameter required".into()))?;
    let authority = data.config.authority();
    let (subject, actor, page) = match target_of(&data, resource.trim()) {
        Some(Target::Instance) => {
            let user = super::actors::instance_username(&data);
            (format!("acct:{user}@{authority}"), data.urls.instance_actor(), data.urls.root())
        }
        Some(Target::Territory(slug)) => {
            let t = data
                .store
                .territory_by_slug(&slug)
                .await?
                .ok_or_else(|| AppError::NotFound("no such account".into()))?;
            let id = data.urls.territory(&t.slug);
            (format!("acct:{}@{authority}", t.slug), id.clone(), id)
        }
        Some(Target::Editorial(slug)) => {
            let t = data
                .store
                .territory_by_slug(&slug)
                .await?
                .ok_or_else(|| AppError::NotFound("no such account".into()))?;
            let id = data.urls.editorial(&t.slug);
            let username = super::actors::editorial_username(&t.slug);
            (format!("acct:{username}@{authority}"), id, data.urls.territory(&t.slug))
        }
        Some(Target::Signatory(id)) => {
            let s = data.store.signatory_actor(id).await?.filter(|s| s.is_public());
            let s = s.ok_or_else(|| AppError::NotFound("no such account".into()))?;
            let id_url = data.urls.signatory(s.id);
            (format!("acct:s{}@{authority}", s.id), id_url.clone(), id_url)
        }
        None => return Err(AppError::NotFound("no such account".into())),
    };
    let jrd = protocol::jrd(&subject, actor.as_str(), page.as_str());
    Ok(with_type(Json(jrd).into_response(), "application/jrd+json"))
}

pub async fn host_meta(data: Data<AppState>) -> Response {
    let template = data.urls.webfinger_template();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" template=\"{}\"/>\n</XRD>\n",
        super::actors::escape_html(&template)
    );
    with_type(xml.into_response(), "application/xrd+xml; charset=utf-8")
}

pub async fn host_meta_json(data: Data<AppState>) -> Response {
    let template = data.urls.webfinger_template();
    with_type(Json(protocol::host_meta_json(&template)).into_response(), "application/json")
}

pub async fn nodeinfo_links(data: Data<AppState>) -> Response {
    // FEP-2677: the application actor beside the NodeInfo documents.
    let links = protocol::nodeinfo_links(
        data.urls.nodeinfo("2.1").as_str(),
        data.urls.nodeinfo("2.0").as_str(),
        data.urls.instance_actor().as_str(),
    );
    with_type(Json(links).into_response(), "application/json")
}

async fn nodeinfo_doc(data: &AppState, version: &str) -> AppResult<Value> {
    let territories = data.store.territories().await?;
    let doc = protocol::NodeInfo {
        version,
        homepage: data.config.public_url.as_str(),
        users: territories.len() as i64,
        posts: data.store.count_public_activities().await?,
        territories: territories
            .iter()
            .map(|t| protocol::NodeTerritory {
                slug: &t.slug,
                name: &t.name,
                id: data.urls.territory(&t.slug).to_string(),
            })
            .collect(),
    };
    Ok(doc.to_json())
}

pub async fn nodeinfo_21(data: Data<AppState>) -> AppResult<Response> {
    Ok(with_type(
        Json(nodeinfo_doc(&data, "2.1").await?).into_response(),
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
    ))
}

pub async fn nodeinfo_20(data: Data<AppState>) -> AppResult<Response> {
    Ok(with_type(
        Json(nodeinfo_doc(&data, "2.0").await?).into_response(),
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"",
    ))
}
