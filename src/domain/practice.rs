//! A good practice (*bonne pratique*): what the charter asks signatories to collect and
//! exchange, with the added value it brings in four dimensions — social, economic, territorial,
//! environmental — each with optional indicators. Pure rules: [`NewPractice::parse`] turns a raw
//! input into a valid practice or field-level error keys.

use serde::Deserialize;
use serde_json::Value;

use super::{ids::SignatoryId, observatory, signatory::FieldErrors, territory::ActivityDomain};

/// The four dimensions of added value named by the charter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    Sociale,
    Economique,
    Territoriale,
    Environnementale,
}

impl Dimension {
    pub const ALL: [Dimension; 4] =
        [Dimension::Sociale, Dimension::Economique, Dimension::Territoriale, Dimension::Environnementale];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Sociale => "sociale",
            Dimension::Economique => "economique",
            Dimension::Territoriale => "territoriale",
            Dimension::Environnementale => "environnementale",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == s.trim())
    }
}

super::code::closed_set! {
    /// A practice is seen by its territory's moderators and author while a draft, by everyone
    /// (and its territory's followers) once published.
    pub enum Status ("practice status") {
        Draft = "draft",
        Published = "published",
    }
}

super::code::closed_set! {
    /// What a remote actor did to a practice: liked it, or shared (boosted) it.
    pub enum Reaction ("reaction") {
        Like = "like",
        Share = "share",
    }
}

/// Licence when the author names none: free reuse with attribution and share-alike.
pub const DEFAULT_LICENCE: &str = "CC-BY-SA-4.0";
pub const MAX_SUMMARY: usize = 500;

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IndicatorInput {
    pub name: String,
    /// Must be a JSON number (or a string holding one, as forms send: `"62,5"`).
    #[schema(value_type = f64)]
    pub value: Value,
    pub unit: String,
    pub period: String,
    /// A reference indicator's id (`cces:indicator/jobs-fte`, docs/indicators.md); empty for a
    /// free indicator. The unit must then be the reference's (or empty: it is filled in).
    #[serde(alias = "cces:indicator", skip_serializing_if = "String::is_empty")]
    pub indicator: String,
}

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DimensionInput {
    /// `sociale`, `economique`, `territoriale` or `environnementale`.
    pub dimension: String,
    pub text: String,
    pub indicators: Vec<IndicatorInput>,
}

/// The OpenAPI example of [`PracticeInput`] (the document shows it; nothing reads it).
fn practice_input_example() -> serde_json::Value {
    serde_json::from_str(
        r###"{
        "title": "Un magasin de producteurs en gestion partagée",
        "summary": "Douze fermes du pays de Redon vendent ensemble, sans intermédiaire, et se partagent les permanences.",
        "body": "## Comment\n\nChaque ferme tient deux permanences par mois.",
        "domains": ["alimentation"],
        "dimensions": [{"dimension": "economique", "text": "Prix justes pour les producteurs",
            "indicators": [{"name": "Part du prix revenant aux producteurs", "value": 62.5, "unit": "%", "period": "2025"}]}],
        "commune": "Redon", "latitude": 47.65, "longitude": -2.08,
        "tags": ["circuit-court", "magasin"]
    }"###,
    )
    .unwrap_or_default()
}

/// A practice as written (API and forms). Every field may be left out; in a PATCH only the
/// fields given change.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = practice_input_example)]
pub struct PracticeInput {
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub domains: Vec<String>,
    pub dimensions: Vec<DimensionInput>,
    /// Signatory ids of the structures involved.
    #[schema(value_type = Vec<i64>)]
    pub structures: Vec<SignatoryId>,
    pub partners: String,
    pub governance: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub tags: Vec<String>,
    pub licence: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// Canonical ([`observatory::parse_period`]).
    pub period: String,
    /// The reference indicator it measures, if any ([`observatory::REFERENCE`]).
    pub reference: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DimensionEntry {
    pub dimension: Dimension,
    pub text: String,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPractice {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub domains: Vec<ActivityDomain>,
    pub dimensions: Vec<DimensionEntry>,
    pub structures: Vec<SignatoryId>,
    pub partners: String,
    pub governance: String,
    pub commune: String,
    pub place: Option<(f64, f64)>,
    pub tags: Vec<String>,
    pub licence: String,
}

fn text(e: &mut FieldErrors, field: &'static str, v: &str, max: usize, required: bool) -> String {
    let v = v.trim();
    if required && v.is_empty() {
        e.push((field, "field-required"));
    } else if v.chars().count() > max {
        e.push((field, "field-too-long"));
    }
    v.to_string()
}

pub fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        // A string as people write it in French ("18 400,75", any space), else with a dot.
        Value::String(s) => crate::text::numbers::parse(s, crate::text::i18n::Lang::Fr)
            .ok()
            .or_else(|| s.trim().replace(',', ".").parse::<f64>().ok()),
        _ => None,
    };
    n.filter(|n| n.is_finite())
}

/// One indicator as written, checked against its reference indicator when it names one
/// (issue 13: unit as the reference's, value in its plausible range, a period that parses).
fn indicator(e: &mut FieldErrors, dimension: Dimension, i: &IndicatorInput) -> Option<Indicator> {
    let reference = match i.indicator.trim() {
        "" => None,
        id => match observatory::reference(id) {
            Some(r) if r.dimension == dimension => Some(r),
            _ => {
                e.push(("indicators", "indicator-unknown-reference"));
                return None;
            }
        },
    };
    let named = !i.name.trim().is_empty() || reference.is_none();
    let mut name = text(e, "indicators", &i.name, 100, named);
    let mut unit = text(e, "indicators", &i.unit, 30, false);
    let period = text(e, "indicators", &i.period, 50, false);
    let Some(period) = observatory::parse_period(&period) else {
        e.push(("indicators", "indicator-period-invalid"));
        return None;
    };
    let Some(value) = number(&i.value) else {
        e.push(("indicators", "indicator-not-a-number"));
        return None;
    };
    if let Some(r) = reference {
        if name.is_empty() {
            name = r.label_fr.to_string();
        }
        if unit.is_empty() {
            unit = r.unit.to_string();
        } else if !observatory::same_unit(&unit, r.unit) {
            e.push(("indicators", "indicator-unit-mismatch"));
            return None;
        }
        if !r.plausible(value) {
            e.push(("indicators", "indicator-out-of-range"));
            return None;
        }
    }
    Some(Indicator { name, value, unit, period, reference: reference.map(|r| r.id) })
}

/// Longest hashtag kept, in characters.
pub const MAX_TAG: usize = 50;

/// Free text to a hashtag that Mastodon and GoToSocial link (letters, digits and `_`, accents
/// kept, at least one letter: Mastodon's `HASHTAG_NAME_RE`): several words are joined in
/// CamelCase ("circuit court", "circuit-court" → `CircuitCourt`); one word keeps the case it
/// was typed in. None when no letter remains. Tags compare by [`tag_key`].
/// https://docs.joinmastodon.org/spec/activitypub/#Hashtag
pub fn parse_tag(t: &str) -> Option<String> {
    let words: Vec<&str> = t.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    let tag: String = match words.as_slice() {
        [one] => (*one).to_string(),
        many => many
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
            })
            .collect(),
    };
    let ok = tag.chars().count() <= MAX_TAG && tag.chars().any(char::is_alphabetic);
    ok.then_some(tag)
}

/// What tags are compared and linked by: `#CircuitCourt` and `#circuitcourt` are one tag.
pub fn tag_key(tag: &str) -> String {
    tag.trim_start_matches('#').to_lowercase()
}

impl NewPractice {
    pub fn parse(input: &PracticeInput) -> Result<NewPractice, FieldErrors> {
        let mut e: FieldErrors = vec![];
        let title = text(&mut e, "title", &input.title, 200, true);
        let summary = text(&mut e, "summary", &input.summary, MAX_SUMMARY, true);
        let body = text(&mut e, "body", &input.body, 100_000, false);
        let partners = text(&mut e, "partners", &input.partners, 2000, false);
        let governance = text(&mut e, "governance", &input.governance, 2000, false);
        let commune = text(&mut e, "commune", &input.commune, 100, false);
        let mut domains = vec![];
        for d in &input.domains {
            match ActivityDomain::parse(d) {
                Some(d) if !domains.contains(&d) => domains.push(d),
                Some(_) => {}
                None => e.push(("domains", "field-invalid")),
            }
        }
        let mut dimensions: Vec<DimensionEntry> = vec![];
        for d in &input.dimensions {
            let Some(dimension) = Dimension::parse(&d.dimension) else {
                e.push(("dimensions", "field-invalid"));
                continue;
            };
            if dimensions.iter().any(|x| x.dimension == dimension) {
                e.push(("dimensions", "field-invalid"));
                continue;
            }
            let dim_text = text(&mut e, "dimensions", &d.text, 2000, false);
            if d.indicators.len() > 20 {
                e.push(("indicators", "field-too-long"));
            }
            let mut indicators = vec![];
            for i in &d.indicators {
                if let Some(i) = indicator(&mut e, dimension, i) {
                    indicators.push(i);
                }
            }
            dimensions.push(DimensionEntry { dimension, text: dim_text, indicators });
        }
        let place = match (input.latitude, input.longitude) {
            (None, None) => None,
            (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
                Some((lat, lon))
            }
            _ => {
                e.push(("place", "field-invalid"));
                None
            }
        };
        let mut tags: Vec<String> = vec![];
        for t in &input.tags {
            match parse_tag(t) {
                Some(t) if !tags.iter().any(|x: &String| tag_key(x) == tag_key(&t)) => tags.push(t),
                Some(_) => {}
                None => e.push(("tags", "field-invalid")),
            }
        }
        if tags.len() > 20 {
            e.push(("tags", "field-too-long"));
        }
        let licence =
            input.licence.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or(DEFAULT_LICENCE).to_string();
        if licence.chars().count() > 100 {
            e.push(("licence", "field-too-long"));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(NewPractice {
            title,
            summary,
            body,
            domains,
            dimensions,
            structures: input.structures.clone(),
            partners,
            governance,
            commune,
            place,
            tags,
            licence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn valid() -> PracticeInput {
        serde_json::from_str(
            r###"{
            "title": "Épicerie en circuit court",
            "summary": "Une épicerie associative vend les produits de douze fermes à moins de 30 km.",
            "body": "## Comment\n\nLes bénévoles…",
            "domains": ["alimentation", "commerce"],
            "dimensions": [
                {"dimension": "economique", "text": "Prix justes", "indicators": [
                    {"name": "Part du prix au producteur", "value": 72.5, "unit": "%", "period": "2025"}
                ]},
                {"dimension": "environnementale", "text": "Moins de transport", "indicators": [
                    {"name": "Distance moyenne", "value": "18,5", "unit": "km"}
                ]}
            ],
            "tags": ["#CircuitCourt", "épicerie"],
            "latitude": 47.65, "longitude": -2.08
        }"###,
        )
        .expect("test")
    }

    #[test]
    fn the_openapi_example_is_json() {
        assert!(practice_input_example().is_object());
    }

    #[test]
    fn a_valid_practice() {
        let p = NewPractice::parse(&valid()).expect("test");
        assert_eq!(p.licence, DEFAULT_LICENCE);
        assert_eq!(p.tags, vec!["CircuitCourt", "épicerie"]);
        assert_eq!(p.dimensions[1].indicators[0].value, 18.5, "a decimal comma is a number");
        assert_eq!(p.place, Some((47.65, -2.08)));
    }

    #[test]
    fn free_text_becomes_a_hashtag() {
        for (typed, tag) in [
            ("circuit court", "CircuitCourt"),
            ("circuit-court", "CircuitCourt"),
            ("#CircuitCourt", "CircuitCourt"),
            ("  économie sociale et solidaire ", "ÉconomieSocialeEtSolidaire"),
            ("jardin d'enfants", "JardinDEnfants"),
            ("épicerie", "épicerie"),
            ("zéro_déchet", "zéro_déchet"),
            ("2025 bilan", "2025Bilan"),
        ] {
            assert_eq!(parse_tag(typed).as_deref(), Some(tag), "{typed}");
        }
        for refused in ["", "#", "2025", "!!", &"a".repeat(MAX_TAG + 1)] {
            assert_eq!(parse_tag(refused), None, "{refused}");
        }
        assert_eq!(tag_key("#ÉconomieSociale"), "économiesociale");
        let mut p = valid();
        p.tags = vec!["circuit court".into(), "#circuitcourt".into(), "Circuit-Court".into()];
        assert_eq!(NewPractice::parse(&p).expect("test").tags, vec!["CircuitCourt"], "one tag, whatever its case");
    }

    #[test]
    fn indicator_values_read_as_people_write_them() {
        for (text, expected) in
            [("18 400,75", 18400.75), ("18\u{202f}400,75", 18400.75), ("62,5", 62.5), ("18400.75", 18400.75)]
        {
            assert_eq!(number(&Value::from(text)), Some(expected), "{text}");
        }
        assert_eq!(number(&Value::from(12)), Some(12.0));
        assert_eq!(number(&Value::from("beaucoup")), None);
    }

    #[test]
    fn field_errors() {
        let mut p = valid();
        p.title = String::new();
        p.summary = "x".repeat(MAX_SUMMARY + 1);
        p.domains.push("spatial".into());
        p.dimensions[0].dimension = "culturelle".into();
        p.dimensions[1].indicators[0].value = Value::from("beaucoup");
        p.latitude = Some(123.0);
        p.tags.push("#!?".into());
        let e = NewPractice::parse(&p).expect_err("test");
        for (field, key) in [
            ("title", "field-required"),
            ("summary", "field-too-long"),
            ("domains", "field-invalid"),
            ("dimensions", "field-invalid"),
            ("indicators", "indicator-not-a-number"),
            ("place", "field-invalid"),
            ("tags", "field-invalid"),
        ] {
            assert!(e.contains(&(field, key)), "{field}: {key} missing in {e:?}");
        }
        let unknown: Result<PracticeInput, _> = serde_json::from_str(r#"{"title": "x", "colour": "red"}"#);
        assert!(unknown.is_err(), "unknown fields are refused");
        let no_number: PracticeInput = serde_json::from_str(
            r#"{"title": "t", "summary": "s",
            "dimensions": [{"dimension": "sociale", "indicators": [{"name": "n"}]}]}"#,
        )
        .expect("test");
        assert!(NewPractice::parse(&no_number).expect_err("test").contains(&("indicators", "indicator-not-a-number")));
    }
}

/// Text for the SQLite full-text index: every word lowercased and reduced to its French stem
/// (Snowball), so that "circuits" finds "circuit" and "producteurs" finds "producteur".
/// Queries go through the same function. (PostgreSQL uses its own `french` configuration.)
pub fn french_search_text(text: &str) -> String {
    use std::sync::LazyLock;
    static STEMMER: LazyLock<rust_stemmers::Stemmer> =
        LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French));
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| STEMMER.stem(&w.to_lowercase()).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod search_tests {
    use super::french_search_text;

    #[test]
    fn french_word_forms_meet() {
        assert_eq!(french_search_text("circuits"), french_search_text("Circuit"));
        assert_eq!(french_search_text("producteurs locaux"), french_search_text("producteur local"));
        assert_ne!(french_search_text("énergie"), french_search_text("épicerie"));
    }
}
