//! The observatory (issue 13): the reference vocabulary of indicators shipped with Maillage, the
//! periods indicators are given for, and the figures aggregated per territory (its origin actor)
//! that the pages, exports and the "subscribe" helper's aggregate object read.
//!
//! A figure is one `(figure, key, period)` cell of one origin: a running `total` and the number
//! `n` of values added, so that figures of several territories combine without going back to
//! the sources (a sum adds totals; a mean or a share divides the summed totals by the summed
//! counts). Docs: docs/indicators.md.

use std::collections::{BTreeMap, HashMap};

use super::practice::Dimension;

/// Version of the reference list below: a figure computed under another version may name
/// indicators this one does not know (they are then shown as free indicators).
pub const VOCABULARY_VERSION: &str = "2026.1";

/// Prefix of every reference indicator id (`cces:` is our JSON-LD namespace, docs/FEDERATION.md).
pub const ID_PREFIX: &str = "cces:indicator/";

super::code::closed_set! {
    /// How values of one indicator add up across practices and territories.
    pub enum Aggregation ("indicator aggregation") {
        /// Counts and amounts: the network's figure is the sum of its territories'.
        Sum = "sum",
        /// A mean of the values given (distances, durations).
        Mean = "mean",
        /// A percentage: the mean of the shares given (each practice weighs the same).
        Share = "share",
    }
}

/// One indicator of the reference list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceIndicator {
    /// Stable id, `cces:indicator/<slug>`.
    pub id: &'static str,
    pub dimension: Dimension,
    pub label_fr: &'static str,
    pub label_en: &'static str,
    /// The unit values are given in; a practice's value in another unit is refused (422).
    pub unit: &'static str,
    pub aggregation: Aggregation,
    /// Plausible range: values outside are refused in forms and ignored when received.
    pub min: f64,
    pub max: f64,
}

impl ReferenceIndicator {
    pub fn label(&self, english: bool) -> &'static str {
        if english { self.label_en } else { self.label_fr }
    }

    pub fn plausible(&self, v: f64) -> bool {
        v.is_finite() && (self.min..=self.max).contains(&v)
    }
}

macro_rules! reference {
    ($slug:literal, $dim:ident, $fr:literal, $en:literal, $unit:literal, $agg:ident, $min:expr, $max:expr) => {
        ReferenceIndicator {
            id: concat!("cces:indicator/", $slug),
            dimension: Dimension::$dim,
            label_fr: $fr,
            label_en: $en,
            unit: $unit,
            aggregation: Aggregation::$agg,
            min: $min,
            max: $max,
        }
    };
}

/// The reference list, per dimension (docs/indicators.md describes each).
pub const REFERENCE: &[ReferenceIndicator] = &[
    reference!("jobs-fte", Sociale, "Emplois créés", "Jobs created", "ETP", Sum, 0.0, 100_000.0),
    reference!("households-reached", Sociale, "Foyers touchés", "Households reached", "foyers", Sum, 0.0, 10_000_000.0),
    reference!("volunteers", Sociale, "Bénévoles", "Volunteers", "personnes", Sum, 0.0, 1_000_000.0),
    reference!("volunteer-hours", Sociale, "Heures de bénévolat", "Volunteer hours", "h", Sum, 0.0, 100_000_000.0),
    reference!(
        "producer-price-share",
        Economique,
        "Part du prix payé au producteur",
        "Share of the price paid to the producer",
        "%",
        Share,
        0.0,
        100.0
    ),
    reference!(
        "local-spending-kept",
        Economique,
        "Dépense locale conservée",
        "Local spending kept",
        "€",
        Sum,
        0.0,
        10_000_000_000.0
    ),
    reference!(
        "producers-involved",
        Economique,
        "Producteurs impliqués",
        "Producers involved",
        "producteurs",
        Sum,
        0.0,
        1_000_000.0
    ),
    reference!(
        "communes-reached",
        Territoriale,
        "Communes touchées",
        "Communes reached",
        "communes",
        Sum,
        0.0,
        40_000.0
    ),
    reference!(
        "local-partners",
        Territoriale,
        "Partenaires locaux",
        "Local partners",
        "partenaires",
        Sum,
        0.0,
        100_000.0
    ),
    reference!(
        "supply-distance",
        Territoriale,
        "Distance moyenne d'approvisionnement",
        "Average supply distance",
        "km",
        Mean,
        0.0,
        20_000.0
    ),
    reference!(
        "transport-avoided",
        Environnementale,
        "Transport évité",
        "Transport avoided",
        "km",
        Sum,
        0.0,
        1_000_000_000.0
    ),
    reference!(
        "co2e-avoided",
        Environnementale,
        "Émissions évitées",
        "Emissions avoided",
        "t CO2e",
        Sum,
        0.0,
        10_000_000.0
    ),
    reference!("waste-avoided", Environnementale, "Déchets évités", "Waste avoided", "t", Sum, 0.0, 10_000_000.0),
    reference!(
        "organic-share",
        Environnementale,
        "Part de produits biologiques",
        "Share of organic produce",
        "%",
        Share,
        0.0,
        100.0
    ),
];

/// The reference indicator of `id` (`cces:indicator/jobs-fte`), if this version knows it.
pub fn reference(id: &str) -> Option<&'static ReferenceIndicator> {
    REFERENCE.iter().find(|r| r.id == id.trim())
}

/// Reference indicators of one dimension, in list order (what forms suggest first).
pub fn references_of(d: Dimension) -> impl Iterator<Item = &'static ReferenceIndicator> {
    REFERENCE.iter().filter(move |r| r.dimension == d)
}

/// Units compare without case, spaces or the subscript/plain variants of CO₂.
pub fn same_unit(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace('₂', "2").chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    norm(a) == norm(b)
}

/// A period as written → its canonical form: `""` (not said), `2025`, `2025-03`, `2025-Q1`
/// (also written `2025-T1`, French *trimestre*), `2025-S1` (semester) or `2024/2025` (a
/// season, also `2024-2025`). None when it does not parse.
pub fn parse_period(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return Some(String::new());
    }
    let year =
        |y: &str| (y.len() == 4 && y.chars().all(|c| c.is_ascii_digit())).then(|| y.parse::<u16>().ok()).flatten();
    let year = |y: &str| year(y).filter(|y| (1900..=2200).contains(y));
    if let Some(y) = year(s) {
        return Some(y.to_string());
    }
    let (a, b) = s.split_once(['-', '/'])?;
    let y = year(a)?;
    if let Some(y2) = year(b) {
        return (y2 == y + 1).then(|| format!("{y}/{y2}"));
    }
    let b = b.to_uppercase();
    if let Some(q) = b.strip_prefix('Q').or_else(|| b.strip_prefix('T')) {
        return matches!(q, "1" | "2" | "3" | "4").then(|| format!("{y}-Q{q}"));
    }
    if let Some(h) = b.strip_prefix('S') {
        return matches!(h, "1" | "2").then(|| format!("{y}-S{h}"));
    }
    let m: u8 = b.parse().ok().filter(|_| b.len() == 2)?;
    (1..=12).contains(&m).then(|| format!("{y}-{m:02}"))
}

/// The calendar month (`2025-03`, UTC) of a timestamp in milliseconds.
pub fn month_of(ms: i64) -> String {
    super::millis_to_datetime(ms).format("%Y-%m").to_string()
}

super::code::closed_set! {
    /// What a figure counts or adds up.
    pub enum Figure ("observatory figure") {
        SignatoriesKind = "signatories.kind",
        SignatoriesRole = "signatories.role",
        SignatoriesDomain = "signatories.domain",
        SignatoriesLegalForm = "signatories.legal_form",
        SignatoriesCommune = "signatories.commune",
        /// Practices published (once each), by the month of publication.
        PracticesPublished = "practices.published",
        PracticesDomain = "practices.domain",
        PracticesDimension = "practices.dimension",
        /// Actions held (published, not cancelled), by the month they start.
        ActionsHeld = "actions.held",
        /// Their participants (accepted, or the count the origin gives).
        ActionsParticipants = "actions.participants",
        /// A reference indicator (key: its id), per the period it is given for.
        Indicator = "indicator",
    }
}

super::code::closed_set! {
    /// Which data a view adds up.
    pub enum Scope ("observatory scope") {
        /// One local territory.
        Territory = "territoire",
        /// Every territory of this instance.
        Instance = "instance",
        /// This instance's territories and every territory they follow, as federated.
        Network = "reseau",
    }
}

/// Where a figure comes from: a practice or an action (its id and title), linkable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// Its ActivityPub id (its page, for local and remote ones alike).
    pub id: String,
    pub title: String,
}

/// Sources kept per figure: the figure gives its count `n`; the list names the first few and
/// the catalogue's filters give the rest.
pub const MAX_SOURCES: usize = 10;

/// Period of a count's row over all months (beside its month-by-month rows, which carry no
/// sources): what a page shows as the figure, with its sources.
pub const ALL_PERIODS: &str = "all";

/// One cell being added up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub total: f64,
    pub n: i64,
    pub sources: Vec<Source>,
}

impl Cell {
    fn add(&mut self, value: f64, source: Option<&Source>) {
        self.total += value;
        self.n += 1;
        if let Some(s) = source
            && self.sources.len() < MAX_SOURCES
            && !self.sources.contains(s)
        {
            self.sources.push(s.clone());
        }
    }

    /// The figure as its definition says: a sum, or a mean (of values or of shares).
    pub fn value(&self, aggregation: Aggregation) -> f64 {
        match aggregation {
            Aggregation::Sum => self.total,
            Aggregation::Mean | Aggregation::Share if self.n > 0 => self.total / self.n as f64,
            _ => 0.0,
        }
    }
}

/// Key of a cell: figure, key (a code, a commune, an indicator id), period.
pub type CellKey = (Figure, String, String);

/// The figures of one origin, as they are computed from its data.
#[derive(Debug, Default)]
pub struct Tally {
    pub cells: HashMap<CellKey, Cell>,
}

impl Tally {
    /// Adds `value` to a count's month (`2025-03`) and to its row over all periods, which
    /// names the source.
    pub fn count(&mut self, figure: Figure, key: &str, month: &str, value: f64, source: Option<&Source>) {
        self.add(figure, key, month, value, None);
        self.add(figure, key, ALL_PERIODS, value, source);
    }

    /// Adds `value` to one cell.
    pub fn add(&mut self, figure: Figure, key: &str, period: &str, value: f64, source: Option<&Source>) {
        self.cells.entry((figure, key.to_string(), period.to_string())).or_default().add(value, source);
    }
}

/// Cells of several origins for one view, combined: the total of each `(figure, key)` over
/// every period, the month-by-month cells, and which origins contributed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Combined {
    pub cell: Cell,
    /// Origin actor id → its own cell (attribution of the figure).
    pub by_origin: BTreeMap<String, Cell>,
}

impl Combined {
    pub fn merge(&mut self, origin: &str, c: &Cell) {
        for cell in [&mut self.cell, self.by_origin.entry(origin.to_string()).or_default()] {
            cell.total += c.total;
            cell.n += c.n;
            for s in &c.sources {
                if cell.sources.len() < MAX_SOURCES && !cell.sources.contains(s) {
                    cell.sources.push(s.clone());
                }
            }
        }
    }
}

/// Whether a received count or indicator value may be shown: counts are never negative and a
/// reference indicator's value lies in its plausible range (else the value is ignored, logged).
pub fn plausible(figure: Figure, key: &str, value: f64) -> bool {
    if !value.is_finite() {
        return false;
    }
    match figure {
        Figure::Indicator => reference(key).is_some_and(|r| r.plausible(value)),
        _ => value >= 0.0,
    }
}

/// A moderator's mapping of a free indicator (its label and unit) to a reference one, checked:
/// the reference indicator, or the field at fault and the message key (422 beside it).
pub fn check_mapping(
    label: &str,
    unit: &str,
    reference_id: &str,
) -> Result<&'static ReferenceIndicator, (&'static str, &'static str)> {
    if label.trim().is_empty() || label.chars().count() > 200 {
        return Err(("label", "mapping-label-invalid"));
    }
    let r = reference(reference_id).ok_or(("reference", "mapping-unknown-reference"))?;
    if !same_unit(unit, r.unit) {
        return Err(("unit", "mapping-unit-mismatch"));
    }
    Ok(r)
}

/// Why a figure of a received aggregate makes the whole aggregate untrustworthy: a negative
/// count or total, a count of values that is not a whole positive number, or a reference
/// indicator whose value (as its definition adds it up) lies outside its declared range. None
/// when the figure may be shown. A figure or indicator this version does not know is not an
/// error: the caller skips it (a newer vocabulary).
pub fn implausible_received(figure: Figure, key: &str, total: f64, n: i64) -> Option<String> {
    if n < 0 || !total.is_finite() {
        return Some(format!("{} {key}: count {n}, total {total}", figure.as_str()));
    }
    match (figure, reference(key)) {
        (Figure::Indicator, Some(r)) => {
            let value = Cell { total, n, sources: vec![] }.value(r.aggregation);
            (!r.plausible(value)).then(|| format!("{}: {value} outside {}..={}", r.id, r.min, r.max))
        }
        _ => (total < 0.0).then(|| format!("{} {key}: negative total {total}", figure.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_ids_are_unique_and_prefixed() {
        let mut ids: Vec<&str> = REFERENCE.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), REFERENCE.len());
        assert!(REFERENCE.iter().all(|r| r.id.starts_with(ID_PREFIX) && r.min < r.max));
        for d in Dimension::ALL {
            assert!(references_of(d).count() >= 3, "{d:?} has reference indicators");
        }
        assert_eq!(reference(" cces:indicator/jobs-fte").map(|r| r.unit), Some("ETP"));
        assert!(reference("cces:indicator/unknown").is_none());
    }

    #[test]
    fn periods_parse_to_one_form() {
        for (typed, canonical) in [
            ("", ""),
            ("2025", "2025"),
            (" 2025-03 ", "2025-03"),
            ("2025/03", "2025-03"),
            ("2025-T2", "2025-Q2"),
            ("2025-q4", "2025-Q4"),
            ("2025-S1", "2025-S1"),
            ("2024-2025", "2024/2025"),
            ("2024/2025", "2024/2025"),
        ] {
            assert_eq!(parse_period(typed).as_deref(), Some(canonical), "{typed}");
        }
        for refused in ["l'an dernier", "2025-13", "2025-3", "25", "2024-2026", "2025-Q5", "3000", "2025-S3"] {
            assert_eq!(parse_period(refused), None, "{refused}");
        }
    }

    #[test]
    fn figures_add_up_as_defined() {
        let s = |i: &str| Source { id: i.into(), title: i.into() };
        let mut t = Tally::default();
        t.add(Figure::Indicator, "cces:indicator/producer-price-share", "2025", 60.0, Some(&s("a")));
        t.add(Figure::Indicator, "cces:indicator/producer-price-share", "2025", 80.0, Some(&s("b")));
        let cell = &t.cells[&(Figure::Indicator, "cces:indicator/producer-price-share".into(), "2025".into())];
        assert_eq!(cell.value(Aggregation::Share), 70.0);
        assert_eq!(cell.value(Aggregation::Sum), 140.0);
        assert_eq!(cell.sources.len(), 2);
        let mut c = Combined::default();
        c.merge("https://a.example/t/a", cell);
        c.merge("https://b.example/t/b", &Cell { total: 40.0, n: 1, sources: vec![s("c")] });
        assert_eq!(c.cell.value(Aggregation::Share), 60.0, "the mean of the three shares");
        assert_eq!(c.by_origin.len(), 2);
        assert_eq!(c.by_origin["https://b.example/t/b"].sources, vec![s("c")]);
        assert_eq!(Cell::default().value(Aggregation::Mean), 0.0);
    }

    #[test]
    fn implausible_values_are_refused() {
        assert!(!plausible(Figure::ActionsParticipants, "", -3.0));
        assert!(plausible(Figure::ActionsParticipants, "", 3.0));
        assert!(!plausible(Figure::Indicator, "cces:indicator/producer-price-share", 140.0));
        assert!(plausible(Figure::Indicator, "cces:indicator/producer-price-share", 40.0));
        assert!(!plausible(Figure::Indicator, "cces:indicator/jobs-fte", f64::NAN));
        assert!(same_unit("t CO₂e", "t co2e") && !same_unit("km", "m"));
        assert_eq!(month_of(1_740_787_200_000), "2025-03");
    }

    #[test]
    fn mappings_are_checked() {
        assert_eq!(
            check_mapping("Emplois", "ETP", "cces:indicator/jobs-fte").map(|r| r.id),
            Ok("cces:indicator/jobs-fte")
        );
        assert_eq!(check_mapping(" ", "ETP", "cces:indicator/jobs-fte"), Err(("label", "mapping-label-invalid")));
        assert_eq!(
            check_mapping("Emplois", "ETP", "cces:indicator/x"),
            Err(("reference", "mapping-unknown-reference"))
        );
        assert_eq!(check_mapping("Emplois", "h", "cces:indicator/jobs-fte"), Err(("unit", "mapping-unit-mismatch")));
    }

    #[test]
    fn received_aggregates_are_checked_figure_by_figure() {
        let share = "cces:indicator/producer-price-share";
        assert_eq!(implausible_received(Figure::ActionsParticipants, "", 12.0, 3), None);
        assert!(implausible_received(Figure::ActionsParticipants, "", -12.0, 3).is_some());
        assert!(implausible_received(Figure::SignatoriesKind, "structure", 2.0, -1).is_some());
        assert!(implausible_received(Figure::PracticesPublished, "", f64::INFINITY, 1).is_some());
        // A share is checked as the mean it is: 150 over two practices is 75 %.
        assert_eq!(implausible_received(Figure::Indicator, share, 150.0, 2), None);
        assert!(implausible_received(Figure::Indicator, share, 250.0, 2).is_some());
        assert!(implausible_received(Figure::Indicator, "cces:indicator/jobs-fte", -1.0, 1).is_some());
        assert!(implausible_received(Figure::Indicator, "cces:indicator/jobs-fte", 1e12, 1).is_some());
    }
}
