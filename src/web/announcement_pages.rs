//! A territory's announcements: the list `/t/<slug>/annonces` (paged), one page per
//! announcement at its id (its `Note` to ActivityPub clients, a `Tombstone` with 410 once
//! deleted), the Atom feed, and the stored images at `/media/a/<hash>.<ext>`. The moderators'
//! form is in `announcement_form.rs`.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{Layout, render, session::Ctx, territory_path::TerritoryPath};
use crate::{
    domain::{account::Role, announcement::AnnouncementStatus},
    error::{AppError, AppResult},
    federation::protocol::remote_url::remote_link,
    federation::{
        actors::{ap_json, escape_html, wants_activity_json},
        protocol::activities::Tombstone,
    },
    processing::{announcements, comments, media},
    state::AppState,
    storage::{
        announcements::AnnouncementRow,
        comments::{CommentRow, Commented},
        reactions::Reacted,
        territories::TerritoryRow,
    },
    text::html::{SafeHtml, clean},
    web::csrf_form::{CsrfForm, FormPairs},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/annonces", get(list))
        .route("/t/{slug}/annonces.atom", get(atom))
        .route("/t/{slug}/annonces/{id}", get(one))
        .route("/t/{slug}/annonces/{id}/commentaires/{cid}", post(comment_visibility))
        .route("/media/a/{name}", get(image))
}

/// Announcements per page of the list.
pub const PER_PAGE: i64 = 20;

/// One announcement as the list and the territory's home show it.
pub struct Card {
    pub url: String,
    pub title: String,
    pub body: SafeHtml,
    pub date: String,
    pub iso: String,
    pub image: Option<(String, String)>,
    pub draft: bool,
    /// A followed territory's announcement: (its name, its page).
    pub from: Option<(String, String)>,
}

pub fn card(state: &AppState, ctx: &Ctx, slug: &str, a: &AnnouncementRow) -> Card {
    let when = a.published_at.unwrap_or(a.created_at);
    Card {
        url: state.urls.announcement(slug, a.id).path().to_string(),
        title: a.title.clone(),
        body: clean(&a.body_html),
        date: crate::text::time::date(when, ctx.tr.lang, crate::text::time::DEFAULT_ZONE),
        iso: crate::domain::millis_to_datetime(when).to_rfc3339(),
        image: announcements::image_url(state, a).map(|u| (u, a.image_alt.clone())),
        draft: a.status == AnnouncementStatus::Draft,
        from: None,
    }
}

/// Announcements received from the territories `t` follows (another Maillage's), newest first.
pub async fn followed_cards(state: &AppState, ctx: &Ctx, t: &TerritoryRow, limit: i64) -> AppResult<Vec<Card>> {
    let rows = state.store.followed_announcements(t.id, limit).await?;
    let allow = state.config.allow_private_network;
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = r.group_name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| r.group_ap_id.clone());
            let page = remote_link(r.group_url.as_deref(), allow).unwrap_or(r.group_ap_id);
            // The picture stays on its instance (pages load nothing from elsewhere: CSP): a link
            // named by its alternative text.
            let mut html = r.content_html;
            if !r.image_url.is_empty() {
                let alt = if r.image_alt.is_empty() { r.image_url.as_str() } else { r.image_alt.as_str() };
                html.push_str(&format!("<p><a href=\"{}\">{}</a></p>", escape_html(&r.image_url), escape_html(alt)));
            }
            Card {
                url: r.url,
                title: String::new(),
                // Sanitised when received; cleaned again as every remote HTML shown.
                body: clean(&html),
                date: crate::text::time::date(r.published_at, ctx.tr.lang, crate::text::time::DEFAULT_ZONE),
                iso: crate::domain::millis_to_datetime(r.published_at).to_rfc3339(),
                image: None,
                draft: false,
                from: Some((ctx.tr.t_with("announcements-from", "name", &name), page)),
            }
        })
        .collect())
}

fn is_moderator(ctx: &Ctx) -> bool {
    ctx.account.as_ref().is_some_and(|a| a.role() >= Role::Moderator)
}

#[derive(Template)]
#[template(path = "announcements.html")]
struct ListPage {
    l: Layout,
    slug: String,
    cards: Vec<Card>,
    moderator: bool,
    previous: Option<String>,
    next: Option<String>,
    feed: String,
    /// What the territories it follows announced (first page only).
    followed: Vec<Card>,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn list(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let page = q.page.unwrap_or(1).max(1);
    let moderator = is_moderator(&ctx);
    let rows = data.store.announcements(t.id, moderator, PER_PAGE + 1, (page - 1) * PER_PAGE).await?;
    let more = rows.len() as i64 > PER_PAGE;
    let base = data.urls.announcements(&t.slug).path().to_string();
    let followed = if page == 1 { followed_cards(&data, &ctx, &t, PER_PAGE).await? } else { vec![] };
    render(&ListPage {
        followed,
        l: Layout::new(&ctx, format!("{} — {}", ctx.tr.t("announcements-title"), t.name)),
        cards: rows.iter().take(PER_PAGE as usize).map(|a| card(&data, &ctx, &t.slug, a)).collect(),
        moderator,
        previous: (page > 1).then(|| format!("{base}?page={}", page - 1)),
        next: more.then(|| format!("{base}?page={}", page + 1)),
        feed: data.urls.announcements_feed(&t.slug).path().to_string(),
        slug: t.slug,
    })
}

#[derive(Template)]
#[template(path = "announcement.html")]
struct OnePage {
    l: Layout,
    slug: String,
    a: AnnouncementRow,
    c: Card,
    tags: Vec<(String, String)>,
    likes: i64,
    comments: Vec<(CommentRow, SafeHtml)>,
    moderator: bool,
}

impl OnePage {
    /// The report form about this announcement (issue 15), beside what may be reported.
    fn report_link(&self) -> String {
        super::reports::link(crate::domain::report::TargetKind::Announcement, &self.a.ap_id)
    }
}

/// A live announcement of the territory `slug` (drafts for moderators only), or 404; a deleted
/// one is 410.
async fn of_territory(state: &AppState, slug: &str, id: &str, moderator: bool) -> AppResult<AnnouncementRow> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound(format!("announcement {id}")))?;
    let t = state.store.territory_by_slug(slug).await?;
    match (t, state.store.announcement(id).await?) {
        (Some(t), Some(a)) if a.territory_id == t.id => match a.status {
            AnnouncementStatus::Published => Ok(a),
            AnnouncementStatus::Draft if moderator => Ok(a),
            AnnouncementStatus::Deleted => Err(AppError::Gone(a.ap_id)),
            AnnouncementStatus::Draft => Err(AppError::NotFound(format!("announcement {id}"))),
        },
        _ => Err(AppError::NotFound(format!("announcement {id}"))),
    }
}

async fn one(
    State(data): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let moderator = is_moderator(&ctx);
    let ap = wants_activity_json(&headers);
    let a = match of_territory(&data, &slug, &id, moderator && !ap).await {
        Err(AppError::Gone(ap_id)) if ap => {
            // What ActivityPub servers expect of a deleted object (Mastodon, Lemmy).
            let mut t = Tombstone::of(ap_id);
            t.context = Some(crate::federation::protocol::activity_context());
            let mut res = ap_json(&t);
            *res.status_mut() = StatusCode::GONE;
            return Ok(res);
        }
        other => other?,
    };
    if ap {
        // Mobilizon fetches it (signed: the key names its host) to make a group post of it.
        let group_post = match crate::federation::software::requester_host(&headers) {
            Some(host) => crate::federation::software::known_software(&data, &host).await == "mobilizon",
            None => false,
        };
        let mut res = ap_json(&announcements::note_json(&data, &a, group_post).await?);
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept, Signature, Signature-Input"));
        return Ok(res);
    }
    let comments = data.store.comments(Commented::Announcement(a.id), moderator).await?;
    render(&OnePage {
        l: Layout::new(&ctx, if a.title.is_empty() { ctx.tr.t("announcement-untitled") } else { a.title.clone() }),
        c: card(&data, &ctx, &slug, &a),
        tags: a
            .tags
            .iter()
            .map(|t| (format!("{}{}", data.urls.tags().path(), crate::domain::practice::tag_key(t)), t.clone()))
            .collect(),
        likes: data.store.reaction_count(Reacted::Announcement(a.id)).await?,
        comments: comments.into_iter().map(|c| (clean(&c.content_html), c)).map(|(h, c)| (c, h)).collect(),
        moderator,
        slug,
        a,
    })
}

/// A moderator hides or shows a comment (`action` = `hide` or `show`).
async fn comment_visibility(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id, cid)): Path<(String, i64, i64)>,
    CsrfForm(f): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    let account = ctx.require(Role::Moderator)?;
    let a = of_territory(&data, &slug, &id.to_string(), true).await?;
    let hidden = match f.get("action").as_str() {
        "hide" => true,
        "show" => false,
        _ => return Err(AppError::BadRequest("action: hide or show".into())),
    };
    comments::set_hidden(&data, Commented::Announcement(a.id), cid, hidden, &account.email).await?;
    Ok(axum::response::Redirect::to(&format!("{}#comments", data.urls.announcement(&slug, id).path())).into_response())
}

fn rfc3339(ms: i64) -> String {
    crate::domain::millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Atom 1.0 (RFC 4287) of the latest announcements, newest first.
async fn atom(State(data): State<AppState>, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let rows = data.store.announcements(t.id, false, 50, 0).await?;
    let self_url = data.urls.announcements_feed(&t.slug);
    let updated = rows.iter().map(|a| a.updated_at).max().unwrap_or_default();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>{id}</id>\n  \
         <title>Annonces — {name}</title>\n  <updated>{updated}</updated>\n  <link rel=\"self\" href=\"{id}\"/>\n  \
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n  <author><name>{name}</name></author>\n",
        id = escape_html(self_url.as_str()),
        name = escape_html(&t.name),
        updated = rfc3339(updated),
        page = escape_html(data.urls.announcements(&t.slug).as_str()),
    );
    for a in &rows {
        let title = crate::federation::protocol::announcement::title_for_lemmy(&a.title, &a.body_md);
        let mut html = a.body_html.clone();
        if let Some(url) = announcements::image_url(&data, a) {
            html.push_str(&format!("<p><img src=\"{}\" alt=\"{}\"></p>", escape_html(&url), escape_html(&a.image_alt)));
        }
        let related = if a.link.is_empty() {
            String::new()
        } else {
            format!("\n    <link rel=\"related\" href=\"{}\"/>", escape_html(&a.link))
        };
        xml.push_str(&format!(
            "  <entry>\n    <id>{id}</id>\n    <title>{title}</title>\n    <updated>{updated}</updated>\n    \
             <published>{published}</published>\n    <link href=\"{id}\"/>{related}\n    \
             <content type=\"html\">{content}</content>\n  </entry>\n",
            id = escape_html(&a.ap_id),
            title = escape_html(&title),
            updated = rfc3339(a.updated_at),
            published = rfc3339(a.published_at.unwrap_or(a.created_at)),
            content = escape_html(&html),
        ));
    }
    xml.push_str("</feed>\n");
    let mut res = xml.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    Ok(res)
}

/// A stored image: its name is the hash of its bytes, so it never changes (cached a year).
async fn image(State(data): State<AppState>, Path(name): Path<String>) -> AppResult<Response> {
    let path = media::path_of(&data.config.data_dir, &name).ok_or_else(|| AppError::NotFound("media".into()))?;
    let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::NotFound("media".into()))?;
    let ct = if name.ends_with(".png") { "image/png" } else { "image/jpeg" };
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}
