//! The practice form, shared by moderators (console) and signatories (their management link):
//! plain HTML fields, no JavaScript needed. Each dimension has a text and indicator rows
//! (`ind-<dimension>-<n>-indicator|name|value|unit|period`, `indicator` a <select> of the
//! dimension's reference indicators, issue 13); a row left empty is ignored. Three empty
//! rows are offered without JavaScript, and a button adds more with it. Values are read the
//! reader's way ("18 400,75" in French, see [`super::numbers`]); one that is not a number is
//! kept as typed and shown again with its error beside it.

use askama::Template;
use serde_json::Value;

use super::{
    Layout,
    admin::FormPairs,
    i18n::{Lang, Tr},
    numbers,
    session::Ctx,
};
use crate::{
    domain::{
        ids::SignatoryId,
        observatory,
        practice::{Dimension, DimensionInput, IndicatorInput, PracticeInput},
        signatory::FieldErrors,
        territory::ActivityDomain,
    },
    storage::signatories::SignatoryPublic,
};

pub struct IndicatorRow {
    pub n: usize,
    /// The reference indicator chosen (`cces:indicator/…`), empty for a free one.
    pub indicator: String,
    pub name: String,
    pub value: String,
    pub unit: String,
    pub period: String,
    /// The value's error, beside it (a value that is not a number).
    pub error: Option<String>,
}

/// Empty indicator rows offered under the filled ones (more with the "add a row" button).
const EMPTY_ROWS: usize = 3;

pub struct DimensionBlock {
    pub code: &'static str,
    pub label: String,
    pub text: String,
    pub rows: Vec<IndicatorRow>,
    /// Example indicator (name, value, unit, period), shown as placeholders.
    pub example: [String; 4],
    /// The dimension's reference indicators offered first: (id, "label (unit)").
    pub references: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "practice_form.html")]
pub struct PracticeFormPage {
    pub l: Layout,
    pub action: String,
    /// Hidden fields (token, territory…), besides the CSRF token.
    pub hidden: Vec<(&'static str, String)>,
    pub intro: String,
    pub v: PracticeInput,
    pub tags: String,
    pub latitude: String,
    pub longitude: String,
    pub domains: Vec<(&'static str, String, bool)>,
    pub dimensions: Vec<DimensionBlock>,
    pub structures: Vec<(SignatoryId, String, bool)>,
    pub errors: Vec<(&'static str, String)>,
    pub submit: String,
    /// A signatory's earlier proposals: (edit link or none, title, status label).
    pub proposals: Vec<(Option<String>, String, String)>,
    /// The console's menu, for moderators (not on a signatory's management page).
    pub admin_menu: bool,
    pub is_admin: bool,
    pub slug: String,
    pub notice: Option<String>,
    pub alert: Option<String>,
}

impl PracticeFormPage {
    pub fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m)
    }
}

pub struct FormSetup<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub intro: String,
    pub submit: String,
    pub structures: &'a [SignatoryPublic],
}

pub fn page(s: FormSetup<'_>, v: PracticeInput, errors: FieldErrors) -> PracticeFormPage {
    let tr = s.ctx.tr;
    let domains = ActivityDomain::ALL
        .iter()
        .map(|d| (d.code(), tr.t(&format!("domain-{}", d.code())), v.domains.iter().any(|x| x == d.code())))
        .collect();
    let dimensions = Dimension::ALL
        .iter()
        .map(|d| {
            let existing = v.dimensions.iter().find(|x| x.dimension == d.code());
            let mut rows: Vec<IndicatorRow> = existing
                .map(|e| {
                    e.indicators
                        .iter()
                        .enumerate()
                        .map(|(n, i)| {
                            let (value, error) = value_text(&i.value, tr.lang);
                            IndicatorRow {
                                n,
                                indicator: i.indicator.clone(),
                                name: i.name.clone(),
                                value,
                                unit: i.unit.clone(),
                                period: i.period.clone(),
                                error: error.map(|k| tr.t(k)),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let start = rows.len();
            rows.extend((start..start + EMPTY_ROWS).map(|n| IndicatorRow {
                n,
                indicator: String::new(),
                name: String::new(),
                value: String::new(),
                unit: String::new(),
                period: String::new(),
                error: None,
            }));
            DimensionBlock {
                code: d.code(),
                label: tr.t(&format!("dimension-{}", d.code())),
                text: existing.map(|e| e.text.clone()).unwrap_or_default(),
                rows,
                example: ["name", "value", "unit", "period"]
                    .map(|part| tr.t(&format!("indicator-example-{}-{part}", d.code()))),
                references: observatory::references_of(*d)
                    .map(|r| (r.id, format!("{} ({})", r.label(tr.lang == Lang::En), r.unit)))
                    .collect(),
            }
        })
        .collect();
    let structures =
        s.structures.iter().map(|x| (x.id, x.name.clone(), v.structures.contains(&x.id))).collect::<Vec<_>>();
    PracticeFormPage {
        l: Layout::new(s.ctx, s.title),
        action: s.action,
        hidden: s.hidden,
        intro: s.intro,
        tags: v.tags.join(", "),
        latitude: v.latitude.map(|x| x.to_string()).unwrap_or_default(),
        longitude: v.longitude.map(|x| x.to_string()).unwrap_or_default(),
        domains,
        dimensions,
        structures,
        errors: errors.into_iter().map(|(f, k)| (f, tr.t(k))).collect(),
        submit: s.submit,
        proposals: vec![],
        admin_menu: false,
        is_admin: false,
        slug: String::new(),
        notice: None,
        alert: None,
        v,
    }
}

/// An indicator's value as it goes back in its field: a number written the reader's way
/// ("18 400,75"), or the text typed with why it is not a number.
fn value_text(v: &Value, lang: Lang) -> (String, Option<&'static str>) {
    match v {
        Value::Number(n) => (n.as_f64().map(|x| numbers::format(x, lang, 0)).unwrap_or_default(), None),
        Value::String(s) => {
            let error = match numbers::parse(s, lang) {
                Ok(_) => None,
                Err(e) => Some(e.key()),
            };
            (s.clone(), error)
        }
        _ => (String::new(), None),
    }
}

/// The posted form as an input, numbers read in the reader's language `lang`; unparseable
/// coordinates or indicator values become field errors (the values are kept as typed).
pub fn input_from_form(f: &FormPairs, lang: Lang) -> (PracticeInput, FieldErrors) {
    let mut errors: FieldErrors = vec![];
    let coordinate = |name: &str, errors: &mut FieldErrors| {
        let raw = f.get(name);
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = raw.replace(',', ".").parse::<f64>().ok();
        if parsed.is_none() {
            errors.push(("place", "field-invalid"));
        }
        parsed
    };
    let mut latitude = coordinate("latitude", &mut errors);
    let mut longitude = coordinate("longitude", &mut errors);
    // Without JavaScript nobody picked a suggestion: the commune typed is looked up here.
    if latitude.is_none()
        && longitude.is_none()
        && let Some((lat, lon)) = crate::domain::places::lookup(&f.get("commune")).and_then(|p| p.coordinates)
    {
        (latitude, longitude) = (Some(lat), Some(lon));
    }
    let mut dimensions = vec![];
    for d in Dimension::ALL {
        let code = d.code();
        let text = f.get(&format!("dim-{code}-text"));
        let mut indicators = vec![];
        for n in 0..50 {
            let field = |part: &str| f.get(&format!("ind-{code}-{n}-{part}")).trim().to_string();
            let (name, value, unit, period) = (field("name"), field("value"), field("unit"), field("period"));
            let indicator = field("indicator");
            if [&name, &value, &unit, &period].iter().all(|s| s.is_empty()) {
                continue;
            }
            let value = match numbers::parse(&value, lang) {
                Ok(x) => serde_json::Number::from_f64(x).map(Value::Number).unwrap_or(Value::String(value)),
                Err(_) => {
                    if !errors.contains(&("indicators", "indicators-check-values")) {
                        errors.push(("indicators", "indicators-check-values"));
                    }
                    Value::String(value)
                }
            };
            indicators.push(IndicatorInput { name, value, unit, period, indicator });
        }
        if !text.trim().is_empty() || !indicators.is_empty() {
            dimensions.push(DimensionInput { dimension: code.to_string(), text, indicators });
        }
    }
    let input = PracticeInput {
        title: f.get("title"),
        summary: f.get("summary"),
        body: f.get("body"),
        domains: f.get_all("domains"),
        dimensions,
        structures: f.get_all("structures").iter().filter_map(|s| s.parse().ok()).collect(),
        partners: f.get("partners"),
        governance: f.get("governance"),
        commune: f.get("commune"),
        latitude,
        longitude,
        tags: f.get("tags").split([',', ';']).map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect(),
        licence: Some(f.get("licence")).filter(|l| !l.trim().is_empty()),
    };
    if !errors.is_empty() {
        // The other fields' errors come with these, so that one try shows every mistake.
        let ours: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        let rest = crate::domain::practice::NewPractice::parse(&input).err().unwrap_or_default();
        let rest: FieldErrors = rest.into_iter().filter(|(f, _)| !ours.contains(f)).collect();
        errors.extend(rest);
    }
    (input, errors)
}

/// A label for a revision's author as the public may see it: who, by role, never an address.
pub fn author_label(tr: Tr, author: &str) -> String {
    match author.split_once(':') {
        Some(("signatory", _)) => tr.t("author-signatory"),
        _ if author.starts_with("http") => tr.t("author-remote"),
        _ => tr.t("author-moderation"),
    }
}
