//! A shared action at its id, `/t/<slug>/actions/<id>`: the `Event` to ActivityPub clients, a
//! page to browsers; `<id>.ics` for calendars; the agenda of a territory
//! (`/t/<slug>/agenda.ics`) and of the whole catalogue (`/agenda.ics`) as calendars to
//! subscribe to (`webcal://`). The agenda pages themselves come later (issue 12).

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{Layout, render, session::Ctx};
use crate::domain::ids::{ActionId, PracticeId};
use crate::{
    error::{AppError, AppResult},
    federation::actors::{ap_json, wants_activity_json},
    processing::actions,
    state::AppState,
    storage::actions::{ActionFilter, ActionRow},
    text::html::{SafeHtml, clean},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/actions/{file}", get(action))
        .route("/t/{slug}/agenda.ics", get(territory_calendar))
        .route("/agenda.ics", get(catalogue_calendar))
}

/// How many actions a calendar holds at most, and how far back (ended actions stay a while:
/// a calendar application keeps showing what happened).
const CALENDAR_LIMIT: i64 = 2000;
const CALENDAR_PAST_MS: i64 = 180 * 24 * 3600 * 1000;

/// A published action of the territory `slug`, or 404.
async fn published_in(state: &AppState, slug: &str, id: ActionId) -> AppResult<ActionRow> {
    let t = state.store.territory_by_slug(slug).await?;
    let a = state.store.action(id).await?;
    match (t, a) {
        (Some(t), Some(a))
            if a.territory_id == Some(t.id) && a.publication == crate::domain::action::PublicationState::Published =>
        {
            Ok(a)
        }
        _ => Err(AppError::NotFound(format!("action {id}"))),
    }
}

fn calendar_response(text: String, download: Option<String>) -> Response {
    let mut res = text.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    if let Some(name) = download
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[derive(Template)]
#[template(path = "action.html")]
struct ActionPage {
    l: Layout,
    a: ActionRow,
    /// Not simply scheduled: its status is shown first.
    notice: bool,
    status: String,
    when_where: String,
    start_iso: String,
    body: SafeHtml,
    participants: i64,
    remaining: Option<i64>,
    place: Option<(f64, f64)>,
    ics: String,
}

async fn action(
    State(data): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((slug, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (id, ics) = match file.strip_suffix(".ics") {
        Some(id) => (id, true),
        None => (file.as_str(), false),
    };
    let id: ActionId = id.parse().map_err(|_| AppError::NotFound(format!("action {file}")))?;
    let a = published_in(&data, &slug, id).await?;
    if ics {
        let text = super::ics::calendar(&a.title, std::slice::from_ref(&a));
        return Ok(calendar_response(text, Some(format!("action-{id}.ics"))));
    }
    if wants_activity_json(&headers) {
        return Ok(ap_json(&actions::event_json(&data, &a).await?));
    }
    let practices: Vec<PracticeId> = data.store.action_practices(id).await?.into_iter().map(|p| p.0).collect();
    let domain = actions::domain_of(&a, &practices)?;
    let participants = data.store.action_participants(id).await?;
    render(&ActionPage {
        l: Layout::new(&ctx, a.title.clone()),
        notice: a.status != crate::domain::action::ActionStatus::Scheduled,
        status: ctx.tr.t(&format!("action-status-{}", a.status)),
        when_where: domain.when_and_where(),
        start_iso: domain.start.with_timezone(&domain.zone).to_rfc3339(),
        body: clean(&a.description_html),
        participants,
        remaining: domain.remaining(participants),
        place: a.latitude.zip(a.longitude),
        ics: format!("/t/{slug}/actions/{id}.ics"),
        a,
    })
}

async fn territory_calendar(State(data): State<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let t =
        data.store.territory_by_slug(&slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let filter = ActionFilter {
        territory_id: Some(t.id),
        ending_after: Some(crate::domain::now_millis() - CALENDAR_PAST_MS),
        ..ActionFilter::default()
    };
    let list = data.store.actions(&filter, CALENDAR_LIMIT).await?;
    Ok(calendar_response(super::ics::calendar(&t.name, &list), None))
}

async fn catalogue_calendar(State(data): State<AppState>) -> AppResult<Response> {
    let filter =
        ActionFilter { ending_after: Some(crate::domain::now_millis() - CALENDAR_PAST_MS), ..ActionFilter::default() };
    let list = data.store.actions(&filter, CALENDAR_LIMIT).await?;
    let name = format!("Maillage {}", data.config.authority());
    Ok(calendar_response(super::ics::calendar(&name, &list), None))
}
