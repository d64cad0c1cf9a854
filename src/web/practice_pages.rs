//! The catalogue of good practices (local and from followed territories) and a practice's
//! page: its added value and indicators, comments, likes, adoptions, revision history.
//! `/practices/<uuid>` is the `Article`'s id: JSON for ActivityPub clients, the page for
//! browsers. What moderators post there: `practice_conversation.rs` (comment, hide, adopt)
//! and `practice_actions.rs` (publish, pin, delete).

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::Value;

use super::{
    Layout,
    html::{SafeHtml, clean},
    i18n::Tr,
    links::Href,
    practice_form::author_label,
    render_status,
    session::Ctx,
};
use crate::domain::ids::PracticeId;
use crate::{
    domain::{account::Role, practice::Dimension, territory::ActivityDomain},
    error::{AppError, AppResult},
    federation::actors::{ap_json, wants_activity_json},
    processing::practices,
    state::AppState,
    storage::{
        practices::{PracticeFilter, PracticeRow},
        territories::TerritoryRow,
    },
    web::territory_path::TerritoryPath,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pratiques", get(catalogue))
        .route("/t/{slug}/pratiques", get(territory_catalogue))
        .route("/pratiques/{id}", get(practice_page))
        .route("/practices/{uuid}", get(article))
        .route("/practices/{uuid}/replies", get(replies))
        .route("/tags/{tag}", get(tag_page))
}

/// Practices per catalogue page.
const CATALOGUE_PAGE: i64 = 50;

/// A territory's display name from its actor id (local or remote).
async fn actor_name(state: &AppState, actor: &str) -> AppResult<String> {
    if let Some(t) = crate::federation::activities::local_territory(state, actor).await? {
        return Ok(t.name);
    }
    let remote = state.store.remote_actor_by_ap_id(actor).await?;
    Ok(remote.and_then(|a| a.name.or(a.preferred_username)).unwrap_or_else(|| actor.to_string()))
}

/// Display name and link of a practice's territory, local or remote.
async fn origin_name(state: &AppState, p: &PracticeRow) -> AppResult<(String, String)> {
    if let Some(t) = p.territory_id {
        let t = state.store.territory_by_id(t).await?;
        return Ok(t.map(|t| (t.name, format!("/t/{}", t.slug))).unwrap_or_default());
    }
    let actor = state.store.remote_actor_by_ap_id(&p.origin_actor).await?;
    let name = actor.as_ref().and_then(|a| a.name.clone().or_else(|| a.preferred_username.clone()));
    let url = actor.and_then(|a| a.url).unwrap_or_else(|| p.origin_actor.clone());
    Ok((name.unwrap_or_else(|| p.origin_actor.clone()), url))
}

pub struct Card {
    id: PracticeId,
    title: String,
    summary: String,
    origin: String,
    remote: bool,
    date: String,
    tags: Vec<String>,
    dimensions: Vec<String>,
    adoptions: String,
}

#[derive(Template)]
#[template(path = "practices.html")]
struct CataloguePage {
    l: Layout,
    q: String,
    domains: Vec<(&'static str, String, bool)>,
    dimensions: Vec<(&'static str, String, bool)>,
    territories: Vec<(String, String, bool)>,
    tag: String,
    cards: Vec<Card>,
    count: String,
    /// Links to the previous and next pages, keeping the filters.
    prev: Option<String>,
    next: Option<String>,
    can_write: bool,
    /// A filter besides the words is set: the filters stay open.
    filtered: bool,
}

fn dimension_label(tr: Tr, code: &str) -> String {
    tr.t(&format!("dimension-{code}"))
}

fn dimension_codes(p: &PracticeRow) -> Vec<&'static str> {
    p.dimensions.iter().map(|d| d.dimension.code()).collect()
}

async fn catalogue(State(data): State<AppState>, ctx: Ctx, Query(f): Query<PracticeFilter>) -> AppResult<Response> {
    let tr = ctx.tr;
    let found = data.store.search_practices(&f, CATALOGUE_PAGE).await?;
    let page = f.page.unwrap_or(1).max(1);
    let link = |page: i64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &f.q),
            ("domain", &f.domain),
            ("dimension", &f.dimension),
            ("territory", &f.territory),
            ("tag", &f.tag),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.append_pair("page", &page.to_string());
        format!("/pratiques?{}", q.finish())
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (found.len() as i64 == CATALOGUE_PAGE).then(|| link(page + 1));
    let mut territories: Vec<(String, String, bool)> = vec![];
    for origin in data.store.practice_origins().await? {
        let name = actor_name(&data, &origin).await?;
        let chosen = f.territory.as_deref() == Some(origin.as_str());
        territories.push((origin, name, chosen));
    }
    // Names come from the territory list above (one lookup per territory, not per card).
    let name_of = |actor: &str| {
        territories
            .iter()
            .find(|(id, _, _)| id == actor)
            .map(|(_, n, _)| n.clone())
            .unwrap_or_else(|| actor.to_string())
    };
    let ids: Vec<PracticeId> = found.iter().map(|p| p.id).collect();
    let adopted = data.store.adoption_counts(&ids).await?;
    let mut cards = vec![];
    for p in &found {
        let origin = name_of(&p.origin_actor);
        let adoptions = adopted.iter().find(|(id, _)| *id == p.id).map(|(_, n)| *n).unwrap_or(0);
        cards.push(Card {
            id: p.id,
            title: p.title.clone(),
            summary: p.summary.clone(),
            origin,
            remote: p.territory_id.is_none(),
            date: tr.datetime(p.published_at.unwrap_or(p.created_at)),
            tags: p.tags.to_vec(),
            dimensions: dimension_codes(p).iter().map(|d| dimension_label(tr, d)).collect(),
            adoptions: if adoptions > 0 { tr.plural("adopted-by", adoptions) } else { String::new() },
        });
    }
    let selected = |v: &Option<String>, code: &str| v.as_deref() == Some(code);
    let page = CataloguePage {
        l: Layout::new(&ctx, tr.t("practices-title")),
        q: f.q.clone().unwrap_or_default(),
        domains: ActivityDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.t(&format!("domain-{}", d.code())), selected(&f.domain, d.code())))
            .collect(),
        dimensions: Dimension::ALL
            .iter()
            .map(|d| (d.code(), dimension_label(tr, d.code()), selected(&f.dimension, d.code())))
            .collect(),
        territories,
        tag: f.tag.clone().unwrap_or_default(),
        count: tr.plural("practices-count", cards.len() as i64),
        prev,
        next,
        cards,
        can_write: ctx.account.as_ref().is_some_and(|a| a.role() >= Role::Moderator),
        filtered: [&f.domain, &f.dimension, &f.territory, &f.tag]
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| !v.is_empty())),
    };
    render_status(StatusCode::OK, &page)
}

async fn territory_catalogue(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let actor = data.territory_id_url(&t.slug);
    let q: String =
        url::form_urlencoded::Serializer::new(String::new()).append_pair("territory", actor.as_str()).finish();
    Ok(Redirect::to(&format!("/pratiques?{q}")).into_response())
}

/// A published practice of ours by the uuid of its id (`/practices/<uuid>`), or 404.
async fn published_here(state: &AppState, uuid: &str) -> AppResult<PracticeRow> {
    let ap_id = state.urls.practice(uuid);
    state
        .store
        .practice_by_ap_id(ap_id.as_str())
        .await?
        .filter(|p| p.is_published() && p.territory_id.is_some())
        .ok_or_else(|| AppError::NotFound("practice".into()))
}

#[derive(Debug, Deserialize)]
struct RepliesQuery {
    page: Option<usize>,
}

/// The visible comments of a local practice, oldest first, as a `Collection` of ids with its
/// first page inline (what Mastodon serves and fetches to show the conversation); `?page=N`.
async fn replies(
    State(data): State<AppState>,
    Path(uuid): Path<String>,
    Query(q): Query<RepliesQuery>,
) -> AppResult<Response> {
    let p = published_here(&data, &uuid).await?;
    let items: Vec<String> = data.store.comments(p.id, false).await?.into_iter().map(|c| c.ap_id).collect();
    let page = q.page.unwrap_or(1);
    if !(1..=100_000).contains(&page) {
        return Err(AppError::BadRequest("page is a number from 1".into()));
    }
    let mut doc = crate::federation::protocol::collections::replies(
        &data.urls.practice_replies(&data.urls.practice(&uuid)),
        &items,
        page,
    );
    doc["@context"] = crate::federation::protocol::activity_context();
    Ok(ap_json(&doc))
}

/// A hashtag's `href` (as Mastodon links it): the catalogue filtered by the tag.
async fn tag_page(Path(tag): Path<String>) -> Response {
    let q: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("tag", &tag).finish();
    Redirect::to(&format!("/pratiques?{q}")).into_response()
}

/// The Article at its id for ActivityPub clients; browsers go to the page.
async fn article(State(data): State<AppState>, headers: HeaderMap, Path(uuid): Path<String>) -> AppResult<Response> {
    let p = published_here(&data, &uuid).await?;
    if wants_activity_json(&headers) {
        let article = practices::article_json(&data, &p).await?;
        // Programs that would hide it behind a content warning get it as title, summary and
        // link (they fetch it with a signed GET: the key names their host).
        let reader = match crate::federation::software::requester_host(&headers) {
            Some(host) => crate::federation::software::Reader::of(
                &crate::federation::software::known_software(&data, &host).await,
            ),
            None => crate::federation::software::Reader::Unknown,
        };
        let mut res = if reader == crate::federation::software::Reader::MicroblogNoSummary {
            ap_json(&crate::federation::protocol::practice::microblog(
                &article,
                &crate::processing::practice_publication::page_url(&data, &p),
            ))
        } else {
            ap_json(&article)
        };
        res.headers_mut().insert(
            axum::http::header::VARY,
            axum::http::HeaderValue::from_static("Accept, Signature, Signature-Input"),
        );
        return Ok(res);
    }
    Ok(Redirect::to(&format!("/pratiques/{}", p.id)).into_response())
}

pub struct DimensionView {
    label: String,
    text: String,
    /// (name, value with its unit, period).
    indicators: Vec<(String, String, String)>,
}

pub struct CommentView {
    id: i64,
    author_name: String,
    author_handle: String,
    author_url: Href,
    html: SafeHtml,
    date: String,
    hidden: bool,
    report: String,
}

#[derive(Template)]
#[template(path = "practice.html")]
struct PracticePage {
    l: Layout,
    p: PracticeRow,
    notice: Option<String>,
    origin_name: String,
    origin_url: Href,
    /// The practice's id, a link to its origin (a remote server's URL: checked like any link).
    ap_link: Href,
    /// The body, sanitised again on the way out (rows stored by older versions included).
    body: SafeHtml,
    remote: bool,
    date: String,
    updated: String,
    domains: Vec<String>,
    tags: Vec<String>,
    dimensions: Vec<DimensionView>,
    place: Option<(String, String)>,
    structures: Vec<(Href, String)>,
    likes: String,
    shares: String,
    adopted_label: String,
    adoptions: Vec<(String, Href, String, String)>,
    comments: Vec<CommentView>,
    moderator: bool,
    /// (slug, name, note) of the local territories that adopted it.
    own_adoptions: Vec<(String, String, String)>,
    /// Local territories that may still adopt it, and all of them (to comment as).
    can_adopt: Vec<(String, String)>,
    territories: Vec<(String, String)>,
    revisions: Vec<(String, String, String)>,
}

impl PracticePage {
    /// The report form about this practice.
    fn report_link(&self) -> String {
        super::reports::link(crate::domain::report::TargetKind::Practice, &self.p.ap_id)
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    n: Option<String>,
    /// How many followers a just-published practice was sent to.
    c: Option<i64>,
}

/// An indicator's value with its unit, as the reader writes numbers ("18 400,75 €").
fn quantity(tr: Tr, v: &Value, unit: &str) -> String {
    match v.as_f64() {
        Some(x) => super::numbers::quantity(x, unit, tr.lang),
        // Values stored as text by older versions are shown as they were typed.
        None => format!("{} {unit}", v.as_str().unwrap_or_default()).trim().to_string(),
    }
}

async fn practice_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    Query(nq): Query<NoticeQuery>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let moderator = ctx.account.as_ref().is_some_and(|a| a.role() >= Role::Moderator);
    let p = data
        .store
        .practice(id)
        .await?
        .filter(|p| p.is_published() || (moderator && p.territory_id.is_some()))
        .ok_or_else(|| AppError::NotFound(format!("practice {id}")))?;
    let (origin_name, origin_url) = origin_name(&data, &p).await?;
    let dimensions = p
        .dimensions
        .iter()
        .map(|d| DimensionView {
            label: dimension_label(tr, d.dimension.code()),
            text: d.text.clone(),
            indicators: d
                .indicators
                .iter()
                .map(|i| (i.name.clone(), quantity(tr, &Value::Number(i.value.clone()), &i.unit), i.period.clone()))
                .collect(),
        })
        .collect();
    let structures = practices::structure_refs(&data, &p).await?;
    let reactions = data.store.reactions(p.id).await?;
    let adoptions = data.store.adoptions(p.id).await?;
    // Moderators act in a territory's name: the instance's territories (several on a shared
    // instance), the practice's own first; those that adopted it, with their notes.
    let mut local: Vec<TerritoryRow> = if moderator { data.store.territories().await? } else { vec![] };
    local.sort_by_key(|t| (Some(t.id) != p.territory_id, t.slug != data.config.default_territory.to_string()));
    let own_adoptions: Vec<(String, String, String)> = adoptions
        .iter()
        .filter_map(|a| {
            let t = local.iter().find(|t| Some(t.id) == a.local_territory_id)?;
            Some((t.slug.clone(), t.name.clone(), a.note.clone()))
        })
        .collect();
    let can_adopt: Vec<(String, String)> = local
        .iter()
        .filter(|t| !own_adoptions.iter().any(|(slug, _, _)| *slug == t.slug))
        .map(|t| (t.slug.clone(), t.name.clone()))
        .collect();
    let territories: Vec<(String, String)> = local.iter().map(|t| (t.slug.clone(), t.name.clone())).collect();
    let comments = data
        .store
        .comments(p.id, moderator)
        .await?
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            author_name: c.author_name,
            author_handle: c.author_handle,
            author_url: Href::new(&c.author_url),
            html: clean(&c.content_html),
            date: tr.datetime(c.published_at),
            hidden: c.hidden.0,
            report: super::reports::link(crate::domain::report::TargetKind::Comment, &c.ap_id),
        })
        .collect();
    let revisions = if p.territory_id.is_some() {
        data.store
            .practice_revisions(p.id)
            .await?
            .into_iter()
            .map(|r| {
                let who = if moderator { r.author.clone() } else { author_label(tr, &r.author) };
                (tr.datetime(r.created_at), who, changes_label(tr, &r.changes))
            })
            .collect()
    } else {
        vec![]
    };
    let notice = match nq.n.as_deref() {
        Some("published") => Some(tr.plural("notice-published", nq.c.unwrap_or(0))),
        n => n
            .filter(|n| ["comment-posted", "comment-updated", "adopted", "unadopted", "saved"].contains(n))
            .map(|n| tr.t(&format!("notice-{n}"))),
    };
    let page = PracticePage {
        l: Layout::new(&ctx, p.title.clone()),
        notice,
        origin_name,
        origin_url: Href::new(&origin_url),
        ap_link: Href::new(&p.ap_id),
        body: clean(&p.body_html),
        remote: p.territory_id.is_none(),
        date: tr.datetime(p.published_at.unwrap_or(p.created_at)),
        updated: tr.datetime(p.updated_at),
        domains: p.domains.iter().map(|d| tr.t(&format!("domain-{d}"))).collect(),
        tags: p.tags.to_vec(),
        dimensions,
        place: p.latitude.zip(p.longitude).map(|(a, b)| (a.to_string(), b.to_string())),
        structures: structures.into_iter().map(|(link, name)| (Href::new(&link), name)).collect(),
        likes: tr.plural("likes-count", reactions.likes),
        shares: tr.plural("shares-count", reactions.shares),
        adopted_label: tr.plural("adopted-by", adoptions.len() as i64),
        adoptions: adoptions
            .into_iter()
            .map(|a| {
                let name = if a.adopter_name.is_empty() { a.adopter_actor.clone() } else { a.adopter_name };
                (name, Href::new(&a.adopter_url), a.note, tr.datetime(a.created_at))
            })
            .collect(),
        comments,
        moderator,
        own_adoptions,
        can_adopt,
        territories,
        revisions,
        p,
    };
    render_status(StatusCode::OK, &page)
}

/// A revision's changes in the reader's language: "title, tags" → "titre, mots-clés".
fn changes_label(tr: Tr, changes: &str) -> String {
    changes
        .split(", ")
        .map(|c| {
            let key = format!("change-{}", c.replace(' ', "-"));
            if tr.has(&key) { tr.t(&key) } else { c.to_string() }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
