//! Serving local actors and their collections.

use activitypub_federation::config::Data;
use axum::{
    Json,
    extract::{Path, Query},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::protocol::{
    actor::{ActorDocument, ActorKind, Endpoints, GroupCollections, PropertyValue, PublicKey},
    actor_context,
    collections::{OrderedCollection, OrderedCollectionPage, PAGE_SIZE, page_url},
};
use crate::{
    domain::{millis_to_datetime, territory::FollowState},
    error::{AppError, AppResult},
    state::AppState,
    storage::{follows::Direction, territories::TerritoryRow},
};

pub const AP_CONTENT_TYPE: &str = "application/activity+json";

/// True when the client asks for ActivityStreams JSON rather than a page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/activity+json") || v.contains("application/ld+json"))
}

/// A JSON response with the ActivityPub content type.
pub fn ap_json<T: serde::Serialize>(value: &T) -> Response {
    let mut res = Json(value).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(AP_CONTENT_TYPE));
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
    res
}

pub fn territory_actor(state: &AppState, t: &TerritoryRow) -> ActorDocument {
    let id = state.urls.territory(&t.slug);
    let sub = |p: &str| state.urls.territory_collection(&t.slug, p);
    ActorDocument {
        context: actor_context(),
        id: id.clone(),
        kind: ActorKind::Group,
        preferred_username: t.slug.clone(),
        name: t.name.clone(),
        // The presentation is Markdown, rendered as on the territory's page.
        summary: crate::text::html::markdown_to_html(&t.summary),
        url: id.clone(),
        inbox: sub("inbox"),
        outbox: sub("outbox"),
        followers: sub("followers"),
        following: sub("following"),
        endpoints: Endpoints { shared_inbox: Some(state.urls.shared_inbox()) },
        public_key: PublicKey {
            id: format!("{id}#main-key"),
            owner: id.to_string(),
            public_key_pem: t.public_key_pem.clone(),
        },
        manually_approves_followers: t.manually_approves_followers.0,
        discoverable: t.discoverable.0,
        published: millis_to_datetime(t.created_at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        updated: Some(millis_to_datetime(t.updated_at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        webfinger: format!("{}@{}", t.slug, state.config.authority()),
        attachment: territory_fields(t),
        members: Some(state.urls.territory_collection(&t.slug, "members")),
        featured: Some(sub("featured")),
        also_known_as: t.also_known_as.iter().filter_map(|u| Url::parse(u).ok()).collect(),
        moved_to: t.moved_to.as_deref().and_then(|u| Url::parse(u).ok()),
        group_collections: Some(GroupCollections {
            resources: sub("resources"),
            posts: sub("posts"),
            todos: sub("todos"),
            discussions: sub("discussions"),
            events: sub("events"),
        }),
        icon: t.icon_media_id.map(|id| super::protocol::image(state.urls.media(id).as_str())),
    }
}

/// Profile fields shown by Mastodon under the bio: perimeter and domains of activity.
fn territory_fields(t: &TerritoryRow) -> Vec<PropertyValue> {
    let mut fields = vec![];
    if !t.perimeter.is_empty() {
        fields.push(PropertyValue {
            kind: "PropertyValue".into(),
            name: "Périmètre".into(),
            value: escape_html(&t.perimeter),
        });
    }
    let domains: Vec<&str> = t.domain_list().iter().map(|d| d.label_fr()).collect();
    if !domains.is_empty() {
        fields.push(PropertyValue { kind: "PropertyValue".into(), name: "Domaines".into(), value: domains.join(", ") });
    }
    fields
}

/// The instance actor's `preferredUsername`: the host, as Mastodon's instance actor, with a
/// port written `host.port`. A `:` would make it an IRI to go-fed (GoToSocial), which then
/// cannot read the actor and refuses (500) every GET we sign with it; `@` and `/` break
/// handles. WebFinger still answers the older `acct:host:port@host:port`.
pub fn instance_username(state: &AppState) -> String {
    state
        .config
        .authority()
        .replace(':', ".")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect()
}

/// The instance's `Application` actor (FEP-2677, FEP-d556): signs fetches, owns server-level
/// activities.
pub fn instance_actor(state: &AppState) -> ActorDocument {
    let id = state.urls.instance_actor();
    let sub = |p: &str| state.urls.instance_collection(p);
    let authority = state.config.authority();
    let username = instance_username(state);
    ActorDocument {
        context: actor_context(),
        id: id.clone(),
        kind: ActorKind::Application,
        preferred_username: username.clone(),
        name: format!("Maillage {authority}"),
        summary: "<p>Acteur de l'instance Maillage (Instance actor)</p>".into(),
        url: state.urls.root(),
        inbox: sub("inbox"),
        outbox: sub("outbox"),
        followers: sub("followers"),
        following: sub("following"),
        endpoints: Endpoints { shared_inbox: Some(state.urls.shared_inbox()) },
        public_key: PublicKey {
            id: format!("{id}#main-key"),
            owner: id.to_string(),
            public_key_pem: state.instance_keys.public_key_pem.clone(),
        },
        // Instances subscribe to it as a whole (issue 13): held for an admin when so configured.
        manually_approves_followers: state.config.subscribers_by_hand,
        discoverable: false,
        published: "2026-01-01T00:00:00Z".into(),
        updated: None,
        webfinger: format!("{username}@{authority}"),
        attachment: vec![],
        icon: None,
        members: None,
        featured: None,
        also_known_as: Vec::new(),
        moved_to: None,
        group_collections: None,
    }
}

/// The territory's editorial actor, a `Service`: the author of its practices. Lemmy refuses
/// posts by a `Group`, so the territory publishes through it and announces what it writes
/// (FEP-1b12). It speaks with the territory's key and shares its inbox and collections; its
/// username, `<slug>.redaction`, cannot be a territory's (slugs have no `.`).
pub fn editorial_actor(state: &AppState, t: &TerritoryRow) -> ActorDocument {
    let group = territory_actor(state, t);
    let id = state.urls.editorial(&t.slug);
    let username = editorial_username(&t.slug);
    ActorDocument {
        id: id.clone(),
        kind: ActorKind::Service,
        preferred_username: username.clone(),
        name: format!("Rédaction · {}", t.name),
        summary: format!(
            "<p>Les bonnes pratiques publiées par <a href=\"{0}\">{1}</a>. Suivez le territoire : {1}.</p>",
            group.id,
            escape_html(&t.name)
        ),
        url: group.id.clone(),
        public_key: PublicKey {
            id: format!("{id}#main-key"),
            owner: id.to_string(),
            public_key_pem: t.public_key_pem.clone(),
        },
        manually_approves_followers: true,
        discoverable: false,
        webfinger: format!("{username}@{}", state.config.authority()),
        attachment: vec![],
        members: None,
        featured: None,
        also_known_as: Vec::new(),
        moved_to: None,
        group_collections: None,
        ..group
    }
}

/// `<slug>.redaction`: the WebFinger username of a territory's editorial actor.
pub fn editorial_username(slug: &str) -> String {
    format!("{slug}.redaction")
}

/// The editorial actor at its id for ActivityPub clients; browsers go to the territory.
pub async fn get_editorial(data: Data<AppState>, headers: HeaderMap, Path(slug): Path<String>) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    if !wants_activity_json(&headers) {
        return Ok(axum::response::Redirect::to(data.urls.territory(&slug).path()).into_response());
    }
    Ok(ap_json(&editorial_actor(&data, &t)))
}

/// Plain text to HTML paragraphs, escaped.
pub fn html_paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub async fn get_instance_actor(data: Data<AppState>) -> Response {
    ap_json(&instance_actor(&data))
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    fn page(&self) -> AppResult<Option<i64>> {
        match &self.page {
            None => Ok(None),
            Some(p) => match p.parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => Ok(Some(n)),
                _ => Err(AppError::BadRequest("page is a number from 1".into())),
            },
        }
    }
}

async fn territory(data: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    data.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

fn collection_or_page(collection: Url, page: Option<i64>, total: i64, items: Option<Vec<Value>>) -> Response {
    match (page, items) {
        (Some(p), Some(items)) => ap_json(&OrderedCollectionPage::new(&collection, p, total, items)),
        _ => ap_json(&OrderedCollection {
            context: super::protocol::activity_context(),
            first: (total > 0).then(|| page_url(&collection, 1)),
            id: collection,
            kind: super::protocol::collections::CollectionKind::OrderedCollection,
            total_items: total,
        }),
    }
}

async fn follow_collection(
    data: &AppState,
    slug: &str,
    q: &PageQuery,
    dir: Direction,
    name: &str,
) -> AppResult<Response> {
    let t = territory(data, slug).await?;
    let page = q.page()?;
    let total = data.store.count_follows(dir, t.id, FollowState::Accepted).await?;
    let items = match page {
        Some(p) => Some(
            data.store
                .follows_page(dir, t.id, FollowState::Accepted, PAGE_SIZE, (p - 1) * PAGE_SIZE)
                .await?
                .into_iter()
                .map(|f| Value::String(f.actor_ap_id))
                .collect(),
        ),
        None => None,
    };
    Ok(collection_or_page(data.urls.territory_collection(slug, name), page, total, items))
}

pub async fn get_followers(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    follow_collection(&data, &slug, &q, Direction::Followers, "followers").await
}

pub async fn get_following(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    follow_collection(&data, &slug, &q, Direction::Following, "following").await
}

/// Practices inline in the outbox collection itself.
pub const OUTBOX_INLINE: i64 = 20;

/// The territory's outbox. The collection itself carries the newest practices inline, each
/// as `Announce(Create(Article))` (what Lemmy reads when it first fetches a community, in
/// `orderedItems`), and `first` links the pages of every public activity (what Gancio and
/// Mastodon read; `totalItems` counts those).
pub async fn get_outbox(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let page = q.page()?;
    let total = data.store.count_outbox(t.id).await?;
    let outbox = data.urls.territory_collection(&slug, "outbox");
    if let Some(p) = page {
        let rows = data.store.outbox_page(t.id, PAGE_SIZE, (p - 1) * PAGE_SIZE).await?;
        let items = rows.into_iter().filter_map(|r| serde_json::from_str::<Value>(&r.json).ok()).collect();
        return Ok(ap_json(&OrderedCollectionPage::new(&outbox, p, total, items)));
    }
    let mut items = vec![];
    let at = super::protocol::practice::Publication::local(&data.urls, &t.slug);
    for p in published_practices(&data, &t, OUTBOX_INLINE).await? {
        let article = crate::processing::practices::article_json(&data, &p).await?;
        items.push(outbox_item(&at, &p, article));
    }
    let mut doc =
        super::protocol::collections::inline_ordered(super::protocol::practice::context(), &outbox, total, items);
    if total > 0 {
        doc["first"] = Value::String(page_url(&outbox, 1).to_string());
    }
    Ok(ap_json(&doc))
}

/// A territory's published practices, newest first.
async fn published_practices(
    data: &AppState,
    t: &TerritoryRow,
    limit: i64,
) -> AppResult<Vec<crate::storage::practices::PracticeRow>> {
    let own = crate::storage::practices::PracticeFilter {
        territory: Some(data.urls.territory(&t.slug).to_string()),
        ..Default::default()
    };
    data.store.search_practices(&own, limit).await
}

/// `Announce(Create(Article))` of a published practice, as the outbox lists it: the current
/// version, with ids derived from the practice's (stable across fetches, so that receivers
/// that remember activity ids take each once).
fn outbox_item(
    at: &super::protocol::practice::Publication,
    p: &crate::storage::practices::PracticeRow,
    article: Value,
) -> Value {
    use super::protocol::practice::{announce, by_author, time};
    let published = time(p.published_at.unwrap_or(p.created_at));
    let mut create = by_author("Create", &format!("{}#create", p.ap_id), at, &article, &published);
    if let Some(m) = create.as_object_mut() {
        m.remove("@context");
    }
    let mut item = announce(&format!("{}#announce", p.ap_id), at, create, &published);
    if let Some(m) = item.as_object_mut() {
        m.remove("@context");
    }
    item
}

/// The territory's `featured` collection, last pinned first: for each pinned practice the
/// territory's pin `Note` (what Mastodon and GoToSocial show on the profile: they take only posts
/// the account wrote) and the `Article` itself (what Lemmy reads as the community's featured
/// posts; the others skip it). `protocol/pins.rs`.
pub async fn get_featured(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let mut items = vec![];
    for p in data.store.pinned_practices(t.id).await? {
        if let Some(mut note) = crate::processing::practice_pins::pin_note_of(&data, &p).await? {
            if let Some(m) = note.as_object_mut() {
                m.remove("@context");
            }
            items.push(note);
        }
        let mut article = crate::processing::practices::article_json(&data, &p).await?;
        if let Some(m) = article.as_object_mut() {
            m.remove("@context");
        }
        items.push(article);
    }
    let id = data.urls.territory_collection(&slug, "featured");
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    Ok(ap_json(&super::protocol::collections::inline_ordered(super::protocol::practice::context(), &id, total, items)))
}

/// A pin `Note` at its id while the pin lasts (`/t/<slug>/pins/<practice>-<pinned_at>`); 404
/// once unpinned (its `Delete` has gone out) or for any other id.
pub async fn get_pin(data: Data<AppState>, Path((slug, pin)): Path<(String, String)>) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let (practice, at) = super::protocol::pins::parse_pin(&pin).ok_or_else(|| AppError::NotFound("pin".into()))?;
    let p = data
        .store
        .practice(practice)
        .await?
        .filter(|p| p.territory_id == Some(t.id) && p.pinned_at == Some(at))
        .ok_or_else(|| AppError::NotFound("pin".into()))?;
    let note = crate::processing::practice_pins::pin_note_of(&data, &p).await?;
    Ok(ap_json(&note.ok_or_else(|| AppError::NotFound("pin".into()))?))
}

/// The instance actor's collections: always empty.
pub async fn get_instance_collection(data: Data<AppState>, Path(name): Path<String>) -> AppResult<Response> {
    if !matches!(name.as_str(), "outbox" | "followers" | "following") {
        return Err(AppError::NotFound(name));
    }
    Ok(collection_or_page(data.urls.instance_collection(&name), None, 0, None))
}

/// A public activity authored here, at its id. Activities addressed to someone in particular
/// (an `Accept`, a `Delete` of a withdrawn actor) and retracted ones (an unpublished practice's
/// `Create`/`Update`, a deleted welcome `Note`) are not served: 404, as if they never existed.
pub async fn get_activity(data: Data<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let ap_id = data.urls.activity(&id);
    let row = data
        .store
        .activity_by_ap_id(ap_id.as_str())
        .await?
        .filter(|r| r.public.0)
        .ok_or_else(|| AppError::NotFound("activity".into()))?;
    let json: Value = serde_json::from_str(&row.json)?;
    Ok(ap_json(&json))
}

/// A Note published here (welcome notes), at its id; 410 with a Tombstone once retracted.
pub async fn get_note(data: Data<AppState>, Path(id): Path<String>) -> AppResult<Response> {
    let ap_id = data.urls.note(&id);
    if let Some(object) = data.store.published_object(ap_id.as_str()).await? {
        let mut doc = object;
        if let Some(m) = doc.as_object_mut() {
            m.insert("@context".into(), super::protocol::activity_context());
        }
        return Ok(ap_json(&doc));
    }
    if data.store.was_published(ap_id.as_str()).await? {
        let mut res = ap_json(&super::protocol::tombstone(ap_id.as_str()));
        *res.status_mut() = axum::http::StatusCode::GONE;
        return Ok(res);
    }
    Err(AppError::NotFound("note".into()))
}
