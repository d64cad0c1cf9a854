//! A shared action at its id, `/t/<slug>/actions/<id>`: the `Event` to ActivityPub clients, a
//! page to browsers; `<id>.ics` for calendars; the agenda of a territory
//! (`/t/<slug>/agenda.ics`) and of the whole catalogue (`/agenda.ics`) as calendars to
//! subscribe to (`webcal://`). The agenda pages: `agenda.rs`; joining from the page:
//! `action_join.rs`; evaluations, feedback and comments on the page: `action_outcome.rs`.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{Layout, links::Href, render, session::Ctx};
use crate::domain::ids::{ActionId, PracticeId};
use crate::{
    domain::action::{ActionStatus, JoinMode},
    error::{AppError, AppResult},
    federation::{
        actors::{ap_json, wants_activity_json},
        protocol::event::microblog,
        software::Reader,
    },
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
pub(super) async fn published_in(state: &AppState, slug: &str, id: ActionId) -> AppResult<ActionRow> {
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

/// The join form as sent back with its errors (422), or empty.
#[derive(Default)]
pub struct JoinForm {
    pub name: String,
    pub email: String,
    /// (field, message) beside each field.
    pub errors: Vec<(&'static str, String)>,
}

impl JoinForm {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

/// How a reader may take part, as the page offers it.
pub enum Joining {
    /// The form (name and email) and the remote-interaction form.
    Open {
        approval: bool,
    },
    Full,
    /// Cancelled or ended.
    Closed(String),
    External(Href),
    NoRegistration,
}

#[derive(Template)]
#[template(path = "action.html")]
pub struct ActionPage {
    l: Layout,
    a: ActionRow,
    slug: String,
    /// Its status in words when not simply scheduled, shown first.
    status: Option<String>,
    cancelled: bool,
    when: String,
    zone: String,
    start_iso: String,
    body: SafeHtml,
    participants: String,
    /// Fediverse "maybe" answers, apart from the count (they take no place).
    tentative: Option<String>,
    remaining: Option<String>,
    /// The place's lines (name, address, postal code and commune).
    place: Vec<String>,
    map: Option<String>,
    online: Href,
    ics: String,
    /// (name, link) of each organising territory.
    organisers: Vec<(String, Href)>,
    /// (title, link) of each linked practice.
    practices: Vec<(String, Href)>,
    tags: Vec<String>,
    joining: Joining,
    form: JoinForm,
    /// Evaluations, feedback, comments and likes (`action_outcome.rs`).
    outcome: super::action_outcome::Outcome,
}

impl ActionPage {
    /// The report form about this action (issue 15): visitors report it as they report a practice.
    fn report_link(&self) -> String {
        super::reports::link(crate::domain::report::TargetKind::Action, &self.a.ap_id)
    }
}

/// An organiser's name and link: a territory of ours, or a remote actor as last seen.
pub(super) async fn organiser(state: &AppState, actor: &str) -> AppResult<(String, Href)> {
    if let Some(t) = crate::federation::activities::local_territory(state, actor).await? {
        return Ok((t.name, Href::new(&format!("/t/{}", t.slug))));
    }
    let remote = state.store.remote_actor_by_ap_id(actor).await?;
    let name = remote.as_ref().and_then(|r| r.name.clone().or_else(|| r.preferred_username.clone()));
    let link = remote.and_then(|r| r.url).unwrap_or_else(|| actor.to_string());
    Ok((name.unwrap_or_else(|| actor.to_string()), Href::new(&link)))
}

/// The page of a published local action of `slug`, with the join form as given.
pub async fn action_page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    a: ActionRow,
    form: JoinForm,
) -> AppResult<ActionPage> {
    let tr = ctx.tr;
    let id = a.id;
    let linked = state.store.action_practices(id).await?;
    let practice_ids: Vec<PracticeId> = linked.iter().map(|p| p.0).collect();
    let domain = actions::domain_of(&a, &practice_ids)?;
    let count = state.store.action_participants(id).await?;
    let tentative = state.store.action_tentatives(id).await?;
    let remaining = domain.remaining(count);
    let mut practices = vec![];
    for (pid, _) in &linked {
        if let Some(p) = state.store.practice(*pid).await?.filter(|p| p.is_published()) {
            practices.push((p.title, Href::new(&format!("/pratiques/{pid}"))));
        }
    }
    let mut organisers = vec![];
    for actor in state.store.action_organizers(id).await? {
        organisers.push(organiser(state, &actor).await?);
    }
    let open = a.status != ActionStatus::Cancelled && a.ends_at >= crate::domain::now_millis();
    let joining = match a.join_mode {
        JoinMode::External => Joining::External(Href::new(&a.join_url)),
        JoinMode::None => Joining::NoRegistration,
        _ if !open => Joining::Closed(tr.t(if a.status == ActionStatus::Cancelled {
            "join-closed-cancelled"
        } else {
            "join-closed-ended"
        })),
        _ if remaining == Some(0) => Joining::Full,
        mode => Joining::Open { approval: mode == JoinMode::Approval },
    };
    let place: Vec<String> = domain
        .place
        .as_ref()
        .map(|p| {
            let town = [p.postal_code.as_str(), p.commune.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            [p.name.clone(), p.address.clone(), town].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>()
        })
        .unwrap_or_default();
    // OpenStreetMap at the coordinates, or a search for the address when there are none.
    let map = match (a.latitude.zip(a.longitude), place.is_empty()) {
        (Some((lat, lon)), _) => {
            Some(format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"))
        }
        (None, false) => {
            let q: String =
                url::form_urlencoded::Serializer::new(String::new()).append_pair("query", &place.join(", ")).finish();
            Some(format!("https://www.openstreetmap.org/search?{q}"))
        }
        (None, true) => None,
    };
    let outcome = super::action_outcome::outcome(state, ctx, &a).await?;
    Ok(ActionPage {
        l: Layout::new(ctx, a.title.clone()),
        slug: slug.to_string(),
        status: (a.status != ActionStatus::Scheduled).then(|| tr.t(&format!("action-status-{}", a.status))),
        cancelled: a.status == ActionStatus::Cancelled,
        when: super::agenda::when(tr, &a),
        zone: domain.zone.name().to_string(),
        start_iso: domain.start.with_timezone(&domain.zone).to_rfc3339(),
        body: clean(&a.description_html),
        participants: tr.plural("action-participant-count", count),
        tentative: (tentative > 0).then(|| tr.plural("action-tentative-count", tentative)),
        remaining: remaining.map(|r| tr.plural("action-remaining", r)),
        place,
        map,
        online: Href::new(&a.online_url),
        ics: format!("/t/{slug}/actions/{id}.ics"),
        organisers,
        practices,
        tags: a.tags.to_vec(),
        joining,
        form,
        outcome,
        a,
    })
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
        let event = actions::event_json(&data, &a).await?;
        // Programs that would hide it behind a content warning get title, date and place in
        // `content` (they fetch it with a signed GET: the key names their host).
        let no_summary = match crate::federation::software::requester_host(&headers) {
            Some(host) => {
                Reader::of(&crate::federation::software::known_software(&data, &host).await)
                    == Reader::MicroblogNoSummary
            }
            None => false,
        };
        let mut res = ap_json(&if no_summary { microblog(&event) } else { event });
        res.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept, Signature, Signature-Input"));
        return Ok(res);
    }
    render(&action_page(&data, &ctx, &slug, a, JoinForm::default()).await?)
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
