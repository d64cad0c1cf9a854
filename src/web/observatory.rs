//! The observatory's pages (issue 13): `/observatoire` (this instance, or the network) and
//! `/t/<slug>/observatoire` (a territory, its instance or its network), a scope chooser made of
//! links, charts drawn on the server as accessible SVG (`role="img"`, `<title>`, `<desc>`, the
//! data table beside each), no JavaScript. Figures are read as the refresher left them
//! (processing/observatory.rs), never recomputed here. Exports: observatory_data.rs.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::Response,
    routing::get,
};

use super::{Layout, i18n::Tr, render, session::Ctx, territory_path::TerritoryPath};
use crate::{
    domain::observatory::{Combined, Figure, Scope, Source, reference},
    error::AppResult,
    processing::observatory::{View, view},
    state::AppState,
    text::{i18n::Lang, numbers},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/observatoire", get(instance_page))
        .route("/t/{slug}/observatoire", get(territory_page))
        .merge(super::observatory_data::router())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ScopeQuery {
    pub scope: Option<String>,
}

impl ScopeQuery {
    /// The scope asked for, else `default`; the territory scope only where there is one.
    pub fn scope(&self, default: Scope, has_territory: bool) -> Scope {
        match self.scope.as_deref().and_then(Scope::parse) {
            Some(Scope::Territory) if !has_territory => default,
            Some(s) => s,
            None => default,
        }
    }
}

/// One bar of a chart, placed.
pub struct Bar {
    pub label: String,
    pub value: String,
    pub y: usize,
    pub text_y: usize,
    pub width: usize,
    pub value_x: usize,
}

/// A horizontal bar chart with its data table (rows share the bars' order).
pub struct Chart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub height: usize,
    pub bars: Vec<Bar>,
    pub rows: Vec<TableRow>,
    /// Header of the table's first column.
    pub what: String,
}

/// A figure in a table: its label, value, the territories it comes from and its first sources.
pub struct TableRow {
    pub label: String,
    pub value: String,
    pub origins: Vec<(String, String)>,
    pub sources: Vec<Source>,
    /// How many sources beyond those listed.
    pub more: i64,
    /// The catalogue filtered to this figure (practices), when there is one.
    pub catalogue: Option<String>,
}

const BAR_H: usize = 26;
const LABEL_W: usize = 220;
const BARS_W: usize = 300;

fn chart(id: &str, title: String, desc: String, what: String, items: Vec<(String, f64, String, TableRow)>) -> Chart {
    let max = items.iter().map(|i| i.1).fold(0.0_f64, f64::max);
    let bars = items
        .iter()
        .enumerate()
        .map(|(n, (label, v, value, _))| {
            let width = if max > 0.0 { ((v / max) * BARS_W as f64).round().max(1.0) as usize } else { 1 };
            Bar {
                label: label.chars().take(30).collect(),
                value: value.clone(),
                y: n * BAR_H + 4,
                text_y: n * BAR_H + 21,
                width,
                value_x: LABEL_W + width + 6,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        id: id.to_string(),
        title,
        desc,
        height: (bars.len() * BAR_H).max(BAR_H) + 8,
        bars,
        rows: items.into_iter().map(|i| i.3).collect(),
        what,
    }
}

/// The label of a figure's key in the reader's language.
pub fn key_label(tr: Tr, figure: Figure, key: &str) -> String {
    let k = match figure {
        Figure::SignatoriesKind => format!("directory-kind-{key}"),
        Figure::SignatoriesRole => format!("role-{key}"),
        Figure::SignatoriesDomain | Figure::PracticesDomain => format!("domain-{key}"),
        Figure::SignatoriesLegalForm => format!("legal-{key}"),
        Figure::PracticesDimension => format!("dimension-{key}"),
        Figure::Indicator => {
            return reference(key).map(|r| r.label(tr.lang == Lang::En).to_string()).unwrap_or_else(|| key.into());
        }
        _ => return key.to_string(),
    };
    if tr.has(&k) { tr.t(&k) } else { key.to_string() }
}

fn origins_of(v: &View, c: &Combined, tr: Tr) -> Vec<(String, String)> {
    c.by_origin
        .iter()
        .map(|(o, cell)| {
            let name = v.origin(o).map(|x| x.name.clone()).unwrap_or_else(|| o.clone());
            let received =
                v.origin(o).and_then(|x| x.received_at).map(|at| tr.t_with("obs-received", "date", &tr.date(at)));
            let label = match received {
                Some(r) => format!("{name} ({}, {r})", numbers::format(cell.total, tr.lang, 0)),
                None => format!("{name} ({})", numbers::format(cell.total, tr.lang, 0)),
            };
            (o.clone(), label)
        })
        .collect()
}

fn count_chart(v: &View, tr: Tr, figure: Figure, limit: usize) -> Option<Chart> {
    let rows = v.rows(figure);
    if rows.is_empty() {
        return None;
    }
    let code = figure.as_str().replace('.', "-");
    let items = rows
        .into_iter()
        .take(limit)
        .map(|(key, c)| {
            let label = key_label(tr, figure, key);
            let value = numbers::format(c.cell.total, tr.lang, 0);
            let catalogue = match figure {
                Figure::PracticesDomain => Some(format!("/pratiques?domain={key}")),
                Figure::PracticesDimension => Some(format!("/pratiques?dimension={key}")),
                _ => None,
            };
            let row = TableRow {
                label: label.clone(),
                value: value.clone(),
                origins: origins_of(v, c, tr),
                sources: c.cell.sources.clone(),
                more: (c.cell.n - c.cell.sources.len() as i64).max(0) * i64::from(!c.cell.sources.is_empty()),
                catalogue,
            };
            (label, c.cell.total, value, row)
        })
        .collect();
    Some(chart(&code, tr.t(&format!("obs-{code}")), tr.t(&format!("obs-{code}-desc")), tr.t("obs-category"), items))
}

/// The last twelve months with any count, practices, signatories and actions per month.
/// A month's row: month, signatories, practices, actions (formatted).
type MonthRow = (String, String, String, String);

fn evolution(v: &View, tr: Tr) -> (Option<Chart>, Vec<MonthRow>) {
    let practices = v.months(Figure::PracticesPublished);
    let signatories = v.months(Figure::SignatoriesKind);
    let actions = v.months(Figure::ActionsHeld);
    let mut months: Vec<&String> = practices.keys().chain(signatories.keys()).chain(actions.keys()).collect();
    months.sort();
    months.dedup();
    let start = months.len().saturating_sub(12);
    let months = &months[start..];
    let n = |m: &std::collections::BTreeMap<String, f64>, k: &String| m.get(k).copied().unwrap_or(0.0);
    let table = months
        .iter()
        .map(|m| {
            (
                (*m).clone(),
                numbers::format(n(&signatories, m), tr.lang, 0),
                numbers::format(n(&practices, m), tr.lang, 0),
                numbers::format(n(&actions, m), tr.lang, 0),
            )
        })
        .collect();
    if months.is_empty() {
        return (None, table);
    }
    let items = months
        .iter()
        .map(|m| {
            let s = n(&practices, m);
            let row = TableRow {
                label: (*m).clone(),
                value: String::new(),
                origins: vec![],
                sources: vec![],
                more: 0,
                catalogue: None,
            };
            ((*m).clone(), s, numbers::format(s, tr.lang, 0), row)
        })
        .collect();
    (Some(chart("evolution", tr.t("obs-evolution"), tr.t("obs-evolution-desc"), tr.t("obs-month"), items)), table)
}

/// One reference indicator for one period, as the definition adds it up.
pub struct IndicatorLine {
    pub label: String,
    pub period: String,
    pub value: String,
    pub aggregation: String,
    pub n: i64,
    pub origins: Vec<(String, String)>,
    pub sources: Vec<Source>,
}

fn indicators(v: &View, tr: Tr) -> Vec<IndicatorLine> {
    v.indicators()
        .into_iter()
        .filter_map(|(id, period, c)| {
            let r = reference(id)?;
            Some(IndicatorLine {
                label: r.label(tr.lang == Lang::En).to_string(),
                period: if period.is_empty() { tr.t("obs-period-unsaid") } else { period.clone() },
                value: numbers::quantity(c.cell.value(r.aggregation), r.unit, tr.lang),
                aggregation: tr.t(&format!("obs-aggregation-{}", r.aggregation.as_str())),
                n: c.cell.n,
                origins: origins_of(v, c, tr),
                sources: c.cell.sources.clone(),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "observatory.html")]
struct ObservatoryPage {
    l: Layout,
    /// Base path of this page and its exports (`/observatoire` or `/t/<slug>/observatoire`).
    base: String,
    scope: &'static str,
    scopes: Vec<(&'static str, String, bool)>,
    origins: Vec<(String, String, String)>,
    charts: Vec<Chart>,
    evolution: Option<Chart>,
    months: Vec<MonthRow>,
    indicators: Vec<IndicatorLine>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    base: String,
    title: String,
    scope: Scope,
    t: Option<&crate::storage::territories::TerritoryRow>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let v = view(state, scope, t.map(|t| t.id)).await?;
    let scopes = Scope::ALL
        .iter()
        .filter(|s| t.is_some() || **s != Scope::Territory)
        .map(|s| (s.as_str(), tr.t(&format!("obs-scope-{}", s.as_str())), *s == scope))
        .collect();
    let origins = v
        .origins
        .iter()
        .map(|o| {
            let link = match &o.slug {
                Some(slug) => state.urls.territory(slug).to_string(),
                None => o.id.clone(),
            };
            let note = match (o.slug.is_some(), o.received_at) {
                (true, _) => tr.t("obs-origin-local"),
                (false, Some(at)) => tr.t_with("obs-received", "date", &tr.date(at)),
                (false, None) => tr.t("obs-origin-remote"),
            };
            (link, o.name.clone(), note)
        })
        .collect();
    let charts = [
        (Figure::SignatoriesKind, 10),
        (Figure::SignatoriesRole, 10),
        (Figure::SignatoriesDomain, 10),
        (Figure::SignatoriesLegalForm, 10),
        (Figure::SignatoriesCommune, 15),
        (Figure::PracticesPublished, 1),
        (Figure::PracticesDomain, 10),
        (Figure::PracticesDimension, 10),
        (Figure::ActionsHeld, 1),
        (Figure::ActionsParticipants, 1),
    ]
    .into_iter()
    .filter_map(|(f, limit)| count_chart(&v, tr, f, limit))
    .collect();
    let (evolution, months) = evolution(&v, tr);
    render(&ObservatoryPage {
        l: Layout::new(ctx, title),
        base,
        scope: scope.as_str(),
        scopes,
        origins,
        charts,
        evolution,
        months,
        indicators: indicators(&v, tr),
    })
}

async fn instance_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ScopeQuery>) -> AppResult<Response> {
    let scope = q.scope(Scope::Instance, false);
    page(&state, &ctx, "/observatoire".into(), ctx.tr.t("obs-title"), scope, None).await
}

async fn territory_page(
    State(state): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    Query(q): Query<ScopeQuery>,
) -> AppResult<Response> {
    let scope = q.scope(Scope::Territory, true);
    let title = ctx.tr.t_with("obs-title-territory", "name", &t.name);
    page(&state, &ctx, format!("/t/{}/observatoire", t.slug), title, scope, Some(&t)).await
}
