//! The observatory's figures: computed per origin (a territory actor, local or followed) by a
//! background refresher when the triggers of migration 0025 marked the origin dirty, in the
//! transaction of the change that touched its data; pages and exports only read them
//! ([`view`]), never recomputing per page view (issue 13, point 10).
//!
//! Received data is checked here: a negative participant count or a reference indicator's
//! value outside its plausible range is ignored and logged, never shown.

use std::{collections::BTreeMap, time::Duration};

use tokio::sync::watch;

use crate::{
    domain::{
        ids::TerritoryId,
        observatory::{
            ALL_PERIODS, Cell, Combined, Figure, ID_PREFIX, Scope, Source, Tally, month_of, parse_period, plausible,
            reference, same_unit,
        },
    },
    error::AppResult,
    state::AppState,
    storage::observatory::{FigureRow, FigureRows, OriginFacts, OriginRow, origin_facts, write_figures},
};

/// How often the refresher looks for dirty origins.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);

/// Origins recomputed per pass (the rest wait for the next).
const BATCH: i64 = 50;

/// The codes of a comma-joined column.
fn codes(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|c| !c.is_empty())
}

/// The figures of one origin's facts.
pub fn tally(origin: &str, facts: &OriginFacts) -> Tally {
    let mut t = Tally::default();
    for s in &facts.signatories {
        let month = month_of(s.created_at);
        t.count(Figure::SignatoriesKind, &s.kind, &month, 1.0, None);
        if !s.legal_form.is_empty() {
            t.count(Figure::SignatoriesLegalForm, &s.legal_form, &month, 1.0, None);
        }
        let commune = s.commune.trim();
        if !commune.is_empty() {
            t.count(Figure::SignatoriesCommune, commune, &month, 1.0, None);
        }
        for (figure, list) in [(Figure::SignatoriesRole, &s.roles), (Figure::SignatoriesDomain, &s.domains)] {
            for code in codes(list) {
                t.count(figure, code, &month, 1.0, None);
            }
        }
    }
    let mut by_id = BTreeMap::new();
    for p in &facts.practices {
        let source = Source { id: p.ap_id.clone(), title: p.title.clone() };
        let month = month_of(p.published_at.unwrap_or(p.created_at));
        t.count(Figure::PracticesPublished, "", &month, 1.0, Some(&source));
        for d in codes(&p.domains) {
            t.count(Figure::PracticesDomain, d, &month, 1.0, Some(&source));
        }
        by_id.insert(p.id, (source, month));
    }
    for (id, dimension) in &facts.dimensions {
        if let Some((source, month)) = by_id.get(id) {
            t.count(Figure::PracticesDimension, dimension, month, 1.0, Some(source));
        }
    }
    for i in &facts.indicators {
        let Some((source, _)) = by_id.get(&i.practice_id) else { continue };
        let Some(r) = reference(&i.reference_id) else { continue };
        // What a remote server sent is checked as forms check what people type.
        let period = parse_period(&i.period);
        if !same_unit(&i.unit, r.unit) || !plausible(Figure::Indicator, r.id, i.value) || period.is_none() {
            tracing::info!(%origin, practice = %source.id, indicator = r.id, value = i.value, unit = %i.unit,
                "indicator value ignored by the observatory (unit, range or period)");
            continue;
        }
        t.add(Figure::Indicator, r.id, &period.unwrap_or_default(), i.value, Some(source));
    }
    for a in &facts.actions {
        let source = Source { id: a.ap_id.clone(), title: a.title.clone() };
        let month = month_of(a.starts_at);
        t.count(Figure::ActionsHeld, "", &month, 1.0, Some(&source));
        let participants = if a.territory_id.is_some() { a.participants } else { a.remote_participants };
        if !plausible(Figure::ActionsParticipants, "", participants as f64) {
            tracing::info!(%origin, action = %a.ap_id, participants, "negative participant count ignored");
            continue;
        }
        t.count(Figure::ActionsParticipants, "", &month, participants as f64, Some(&source));
    }
    for e in &facts.evaluations {
        // The vocabulary's id as sent (`cces:indicator/jobs-fte`) or its bare slug.
        let id = if e.reference_id.starts_with(ID_PREFIX) {
            e.reference_id.clone()
        } else {
            format!("{ID_PREFIX}{}", e.reference_id)
        };
        let Some(r) = reference(&id) else { continue };
        let period = parse_period(&e.period);
        if !same_unit(&e.unit, r.unit) || !plausible(Figure::Indicator, r.id, e.value) || period.is_none() {
            tracing::info!(%origin, action = %e.ap_id, indicator = r.id, value = e.value, unit = %e.unit,
                "evaluation value ignored by the observatory (unit, range or period)");
            continue;
        }
        let source = Source { id: e.ap_id.clone(), title: e.title.clone() };
        t.add(Figure::Indicator, r.id, &period.unwrap_or_default(), e.value, Some(&source));
    }
    t
}

/// Recomputes the figures of every dirty origin (at most [`BATCH`]); returns how many.
pub async fn refresh_dirty(state: &AppState) -> AppResult<usize> {
    let locals: Vec<(TerritoryId, String)> = state
        .store
        .territories()
        .await?
        .into_iter()
        .map(|t| (t.id, state.urls.territory(&t.slug).to_string()))
        .collect();
    state.store.ensure_local_origins(&locals).await?;
    let dirty = state.store.dirty_origins(BATCH).await?;
    for o in &dirty {
        // Derived rows, not a change of anyone's data: a plain transaction (a `Change` would
        // take the fail point tests arm for the change they make). Reads and writes in it, so
        // the figures are those of one committed state; a change committed meanwhile bumps the
        // version again and the origin is recomputed next pass.
        let mut tx = state.store.begin().await?;
        let facts = origin_facts(&mut tx, &o.origin, o.territory_id).await?;
        let t = tally(&o.origin, &facts);
        write_figures(&mut tx, &o.origin, o.version, &t, facts.received_at).await?;
        tx.commit().await?;
    }
    Ok(dirty.len())
}

/// A moderator maps a free indicator to a reference one (checked by the caller with
/// `domain::observatory::check_mapping`): one change with its audit entry; the rows stored so far
/// take the reference and their territories' figures are recomputed by the refresher.
pub async fn map_free_indicator(
    state: &AppState,
    label: &str,
    unit: &str,
    reference_id: &str,
    by: &str,
) -> AppResult<u64> {
    let mut change = crate::processing::unit::Change::begin(state).await?;
    let rows = crate::storage::observatory::map_indicator(change.conn(), label, unit, reference_id, by).await?;
    // Label and unit name an indicator, not a person: fit for the audit log.
    let detail = format!("{} ({}) -> {reference_id}: {rows} rows", label.trim().to_lowercase(), unit.trim());
    change.audit(by, "observatory.indicator.map", &detail).await?;
    change.commit().await?;
    Ok(rows)
}

/// The refresher: runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = refresh_dirty(&state).await {
            tracing::warn!(error = %e, "observatory refresh failed; retrying");
        }
        // Then the territories whose figures changed tell their followers (debounced).
        if let Err(e) = super::observatory_aggregates::send_due(&state).await {
            tracing::warn!(error = %e, "observatory aggregates not sent; retrying");
        }
        tokio::select! {
            _ = tokio::time::sleep(REFRESH_EVERY) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// One origin as a view shows it.
#[derive(Debug, Clone)]
pub struct Origin {
    pub id: String,
    pub name: String,
    /// Local territory's slug; None for a remote one.
    pub slug: Option<String>,
    /// Remote: when its latest data was received.
    pub received_at: Option<i64>,
    pub computed_at: Option<i64>,
}

/// A view's figures, combined over its origins.
#[derive(Debug, Default)]
pub struct View {
    pub origins: Vec<Origin>,
    /// `(figure, key)` → over all periods (counts) with attribution and sources.
    pub totals: BTreeMap<(&'static str, String), Combined>,
    /// `(figure, key, period)` → month by month (counts) or per period (indicators).
    pub periods: BTreeMap<(&'static str, String, String), Combined>,
}

impl View {
    /// The figure's rows over all periods, largest first.
    pub fn rows(&self, figure: Figure) -> Vec<(&String, &Combined)> {
        let mut rows: Vec<(&String, &Combined)> =
            self.totals.iter().filter(|((f, _), _)| *f == figure.as_str()).map(|((_, k), c)| (k, c)).collect();
        rows.sort_by(|a, b| b.1.cell.total.total_cmp(&a.1.cell.total).then(a.0.cmp(b.0)));
        rows
    }

    /// One count month by month (every key added), oldest first.
    pub fn months(&self, figure: Figure) -> BTreeMap<String, f64> {
        let mut m: BTreeMap<String, f64> = BTreeMap::new();
        for ((f, _, period), c) in &self.periods {
            if *f == figure.as_str() {
                *m.entry(period.clone()).or_default() += c.cell.total;
            }
        }
        m
    }

    /// Reference indicators: `(id, period)` → combined cell.
    pub fn indicators(&self) -> Vec<(&String, &String, &Combined)> {
        self.periods
            .iter()
            .filter(|((f, _, _), _)| *f == Figure::Indicator.as_str())
            .map(|((_, k, p), c)| (k, p, c))
            .collect()
    }

    pub fn origin(&self, id: &str) -> Option<&Origin> {
        self.origins.iter().find(|o| o.id == id)
    }
}

/// The figures of `scope` (`territory` for [`Scope::Territory`]), combined.
pub async fn view(state: &AppState, scope: Scope, territory: Option<TerritoryId>) -> AppResult<View> {
    let origins = state.store.origins(scope, territory).await?;
    let rows = state.store.figures(scope, territory, FigureRows::Page).await?;
    Ok(combine(origins, &rows))
}

/// The raw rows of a scope that an export needs (`which`), with their origins.
pub async fn rows(
    state: &AppState,
    scope: Scope,
    territory: Option<TerritoryId>,
    which: FigureRows,
) -> AppResult<(Vec<OriginRow>, Vec<FigureRow>)> {
    Ok((state.store.origins(scope, territory).await?, state.store.figures(scope, territory, which).await?))
}

fn combine(origins: Vec<OriginRow>, rows: &[FigureRow]) -> View {
    let mut v = View {
        origins: origins
            .into_iter()
            .map(|o| Origin {
                id: o.origin,
                name: o.name,
                slug: o.slug,
                received_at: o.received_at,
                computed_at: o.computed_at,
            })
            .collect(),
        ..Default::default()
    };
    for r in rows {
        let cell = Cell { total: r.total, n: r.n, sources: vec![] };
        let figure = r.figure.as_str();
        let combined = if r.period == ALL_PERIODS {
            v.totals.entry((figure, r.key.clone())).or_default()
        } else {
            v.periods.entry((figure, r.key.clone(), r.period.clone())).or_default()
        };
        // Sources are parsed only while the figure still lists fewer than it keeps.
        let cell = if combined.cell.sources.len() < crate::domain::observatory::MAX_SOURCES && r.sources != "[]" {
            Cell { sources: crate::storage::observatory::sources(&r.sources), ..cell }
        } else {
            cell
        };
        combined.merge(&r.origin, &cell);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::observatory::EvaluationFact;

    #[test]
    fn evaluations_count_with_their_action_as_source() {
        let e = |reference_id: &str, value: f64, unit: &str| EvaluationFact {
            ap_id: "https://a.example/t/a/actions/1".into(),
            title: "Chantier".into(),
            reference_id: reference_id.into(),
            value,
            unit: unit.into(),
            period: "2026".into(),
        };
        let facts = OriginFacts {
            evaluations: vec![
                e("cces:indicator/volunteers", 12.0, "personnes"),
                // The bare slug names the same indicator.
                e("volunteers", 3.0, "personnes"),
                e("cces:indicator/volunteers", 5.0, "h"),
                e("cces:indicator/producer-price-share", 140.0, "%"),
                e("ventes-directes", 4200.0, "€"),
            ],
            ..Default::default()
        };
        let t = tally("https://a.example/t/a", &facts);
        assert_eq!(t.cells.len(), 1, "wrong unit, out of range and unknown ids are left out: {:?}", t.cells);
        let cell = &t.cells[&(Figure::Indicator, "cces:indicator/volunteers".into(), "2026".into())];
        assert_eq!((cell.total, cell.n), (15.0, 2));
        assert_eq!(
            cell.sources,
            vec![Source { id: "https://a.example/t/a/actions/1".into(), title: "Chantier".into() }]
        );
    }
}
