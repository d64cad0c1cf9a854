//! The agenda (issue 12, point 4): a territory's shared actions (`/t/<slug>/agenda`) and the
//! whole instance's (`/agenda`), upcoming or past, filtered by domain, dimension, join mode and
//! commune, a page at a time; and a month view (`?mois=2026-12`) that works without
//! JavaScript: previous/next links and a table of weeks, read as a list of days on a phone
//! (`static/style.css`). Links to the calendars to subscribe to (`web/ics.rs`, `webcal://`).

use std::collections::HashMap;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::get,
};
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{Layout, links::Href, render, session::Ctx, territory_path::TerritoryPath};
use crate::{
    domain::{
        action::{ActionStatus, JoinMode},
        calendar::{Month, days_covered},
        practice::Dimension,
        territory::ActivityDomain,
    },
    error::AppResult,
    state::AppState,
    storage::{actions::ActionRow, agenda::AgendaQuery},
    text::i18n::Tr,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/agenda", get(instance_agenda)).route("/t/{slug}/agenda", get(territory_agenda))
}

/// Actions per page of the list.
const PAGE: i64 = 20;

/// What the address asks for.
#[derive(Debug, Default, Deserialize)]
pub struct AgendaParams {
    domain: Option<String>,
    dimension: Option<String>,
    /// Join mode code.
    join: Option<String>,
    commune: Option<String>,
    /// Any value: the past, latest first.
    past: Option<String>,
    page: Option<i64>,
    /// `2026-12`: the month view.
    mois: Option<String>,
}

fn given(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or_default().to_string()
}

/// One action as a line of the agenda.
pub struct Card {
    href: Href,
    title: String,
    when: String,
    /// Start, RFC 3339, for `<time datetime>`.
    start_iso: String,
    place: String,
    /// Shown when not simply scheduled.
    status: Option<String>,
    cancelled: bool,
    organiser: String,
}

/// A day of the month view.
pub struct Day {
    number: u32,
    /// "2026-12-04", for `<time>`.
    iso: String,
    /// "vendredi 4 décembre" in the list shown on phones.
    label: String,
    today: bool,
    cards: Vec<usize>,
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage {
    l: Layout,
    /// Path of this agenda, for the filters and the links.
    base: String,
    ics: String,
    webcal: String,
    domains: Vec<(&'static str, String, bool)>,
    dimensions: Vec<(&'static str, String, bool)>,
    joins: Vec<(&'static str, String, bool)>,
    communes: Vec<(String, bool)>,
    filtered: bool,
    past: bool,
    cards: Vec<Card>,
    count: String,
    prev: Option<String>,
    next: Option<String>,
    /// The month view: its name, its weeks (indexes into `days`), and neighbours' links.
    month: Option<MonthView>,
    /// `2026-12` when the month view is shown (the filters keep it).
    month_code: Option<String>,
    month_link: String,
}

pub struct MonthView {
    name: String,
    weekdays: Vec<String>,
    weeks: Vec<[Option<usize>; 7]>,
    days: Vec<Day>,
    prev: String,
    next: String,
}

fn zone_of(a: &ActionRow) -> Tz {
    a.timezone.parse().unwrap_or(crate::text::time::DEFAULT_ZONE)
}

/// When an action takes place, in its own zone (`text::time::span`).
pub fn when(tr: Tr, a: &ActionRow) -> String {
    crate::text::time::span(a.starts_at, a.ends_at, zone_of(a), tr.lang, tr.tz)
}

/// The place in one line: "Halle de Redon, Redon", or "En ligne".
fn place_line(tr: Tr, a: &ActionRow) -> String {
    let mut parts: Vec<&str> = vec![];
    if !a.place_name.is_empty() {
        parts.push(&a.place_name);
    }
    if !a.commune.is_empty() && a.commune != a.place_name {
        parts.push(&a.commune);
    }
    if parts.is_empty() && !a.online_url.is_empty() {
        return tr.t("action-online");
    }
    parts.join(", ")
}

/// Links and names of the local territories, by id.
async fn territories(state: &AppState) -> AppResult<HashMap<i64, (String, String)>> {
    Ok(state.store.territories().await?.into_iter().map(|t| (t.id.0, (t.slug, t.name))).collect())
}

fn card(tr: Tr, a: &ActionRow, local: &HashMap<i64, (String, String)>) -> Card {
    let (href, organiser) = match a.territory_id.and_then(|t| local.get(&t.0)) {
        Some((slug, name)) => (Href::new(&format!("/t/{slug}/actions/{}", a.id)), name.clone()),
        // Received from another server: its own page.
        None => (
            Href::new(&a.ap_id),
            url::Url::parse(&a.origin_actor).ok().and_then(|u| u.host_str().map(String::from)).unwrap_or_default(),
        ),
    };
    let start = crate::domain::millis_to_datetime(a.starts_at).with_timezone(&zone_of(a));
    Card {
        href,
        title: a.title.clone(),
        when: when(tr, a),
        start_iso: start.to_rfc3339(),
        place: place_line(tr, a),
        status: (a.status != ActionStatus::Scheduled).then(|| tr.t(&format!("action-status-{}", a.status))),
        cancelled: a.status == ActionStatus::Cancelled,
        organiser,
    }
}

/// The query string of `p` with `page` or `mois` changed (the filters kept).
fn link(base: &str, p: &AgendaParams, past: bool, page: Option<i64>, month: Option<&str>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("domain", &p.domain), ("dimension", &p.dimension), ("join", &p.join), ("commune", &p.commune)] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            q.append_pair(k, v.trim());
        }
    }
    if past {
        q.append_pair("past", "1");
    }
    if let Some(page) = page {
        q.append_pair("page", &page.to_string());
    }
    if let Some(m) = month {
        q.append_pair("mois", m);
    }
    let q = q.finish();
    if q.is_empty() { base.to_string() } else { format!("{base}?{q}") }
}

fn weekday_names(tr: Tr) -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().map(|d| tr.t(&format!("agenda-day-{d}"))).collect()
}

fn day_label(tr: Tr, d: NaiveDate) -> String {
    let weekday = weekday_names(tr)[d.weekday().num_days_from_monday() as usize].clone();
    let ms = d.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc().timestamp_millis();
    let date = Tr::zoned(tr.lang, chrono_tz::UTC).date(ms);
    format!("{weekday} {date}")
}

fn month_view(tr: Tr, month: Month, list: &[ActionRow], base: &str, p: &AgendaParams) -> MonthView {
    let today = crate::domain::millis_to_datetime(crate::domain::now_millis()).with_timezone(&tr.tz).date_naive();
    let mut days: Vec<Day> = vec![];
    let mut index: HashMap<NaiveDate, usize> = HashMap::new();
    for d in month.days() {
        index.insert(d, days.len());
        days.push(Day {
            number: d.day(),
            iso: d.to_string(),
            label: day_label(tr, d),
            today: d == today,
            cards: vec![],
        });
    }
    for (i, a) in list.iter().enumerate() {
        for d in days_covered(a.starts_at, a.ends_at, zone_of(a)) {
            if let Some(&k) = index.get(&d) {
                days[k].cards.push(i);
            }
        }
    }
    let weeks = month.weeks().iter().map(|w| w.map(|d| d.and_then(|d| index.get(&d).copied()))).collect();
    let first = month.first_day().and_hms_opt(12, 0, 0).unwrap_or_default().and_utc().timestamp_millis();
    let date = Tr::zoned(tr.lang, chrono_tz::UTC).date(first);
    // "1er décembre 2026" / "December 1, 2026" → "décembre 2026" / "December 2026".
    let name = match tr.lang {
        crate::text::i18n::Lang::Fr => date.split_once(' ').map(|p| p.1.to_string()).unwrap_or(date),
        crate::text::i18n::Lang::En => date.replace(" 1,", ""),
    };
    MonthView {
        name,
        weekdays: weekday_names(tr),
        weeks,
        days,
        prev: link(base, p, false, None, Some(&month.prev().code())),
        next: link(base, p, false, None, Some(&month.next().code())),
    }
}

/// The page, for one territory (`Some`) or the whole instance.
async fn agenda(
    state: &AppState,
    ctx: &Ctx,
    territory: Option<(crate::domain::ids::TerritoryId, String, String)>,
    p: AgendaParams,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let (base, title) = match &territory {
        Some((_, slug, name)) => (format!("/t/{slug}/agenda"), format!("{} · {name}", tr.t("action-agenda"))),
        None => ("/agenda".to_string(), tr.t("action-agenda")),
    };
    let now = crate::domain::now_millis();
    let past = p.past.is_some();
    let month = p.mois.as_deref().and_then(Month::parse);
    let mut q = AgendaQuery {
        territory: territory.as_ref().map(|(id, slug, _)| (*id, state.territory_id_url(slug).to_string())),
        domain: given(&p.domain),
        dimension: given(&p.dimension),
        join_mode: given(&p.join),
        commune: given(&p.commune),
        ..AgendaQuery::default()
    };
    let page = p.page.unwrap_or(1).clamp(1, 10_000);
    let list = match month {
        Some(m) => {
            let (from, to) = m.wide_bounds();
            (q.ending_after, q.starting_before) = (Some(from), Some(to));
            state.store.agenda(&q, 1000, 0).await?
        }
        None => {
            if past {
                (q.ended_before, q.newest_first) = (Some(now), true);
            } else {
                q.ending_after = Some(now);
            }
            // One more than a page: whether there is a next one.
            state.store.agenda(&q, PAGE + 1, (page - 1) * PAGE).await?
        }
    };
    let more = month.is_none() && list.len() as i64 > PAGE;
    let list: Vec<ActionRow> = list.into_iter().take(if month.is_some() { 1000 } else { PAGE as usize }).collect();
    let local = territories(state).await?;
    let cards: Vec<Card> = list.iter().map(|a| card(tr, a, &local)).collect();
    let selected = |v: &Option<String>, code: &str| v.as_deref().map(str::trim) == Some(code);
    let ics_path = format!("{base}.ics");
    let ics = state.urls.path(&ics_path).to_string();
    let webcal = match ics.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => ics.clone(),
    };
    let this_month = Month::of(crate::domain::millis_to_datetime(now).with_timezone(&tr.tz).date_naive());
    let page = AgendaPage {
        l: Layout::new(ctx, title),
        domains: ActivityDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.t(&format!("domain-{}", d.code())), selected(&p.domain, d.code())))
            .collect(),
        dimensions: Dimension::ALL
            .iter()
            .map(|d| (d.code(), tr.t(&format!("dimension-{}", d.code())), selected(&p.dimension, d.code())))
            .collect(),
        joins: JoinMode::ALL
            .iter()
            .map(|m| (m.as_str(), tr.t(&format!("action-join-mode-{m}")), selected(&p.join, m.as_str())))
            .collect(),
        communes: state
            .store
            .agenda_communes()
            .await?
            .into_iter()
            .map(|c| {
                let chosen = selected(&p.commune, &c);
                (c, chosen)
            })
            .collect(),
        filtered: [&p.domain, &p.dimension, &p.join, &p.commune].iter().any(|v| !given(v).is_empty()),
        past,
        count: tr.plural("agenda-count", cards.len() as i64),
        prev: (month.is_none() && page > 1).then(|| link(&base, &p, past, Some(page - 1), None)),
        next: more.then(|| link(&base, &p, past, Some(page + 1), None)),
        month: month.map(|m| month_view(tr, m, &list, &base, &p)),
        month_code: month.map(Month::code),
        month_link: link(&base, &p, false, None, Some(&month.unwrap_or(this_month).code())),
        cards,
        ics: ics_path,
        webcal,
        base,
    };
    render(&page)
}

async fn instance_agenda(State(data): State<AppState>, ctx: Ctx, Query(p): Query<AgendaParams>) -> AppResult<Response> {
    agenda(&data, &ctx, None, p).await
}

async fn territory_agenda(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    Query(p): Query<AgendaParams>,
) -> AppResult<Response> {
    agenda(&data, &ctx, Some((t.id, t.slug, t.name)), p).await
}
