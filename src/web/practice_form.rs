//! The practice form, shared by moderators (console) and signatories (their management link):
//! plain HTML fields, no JavaScript needed. Each dimension has a text and indicator rows
//! (`ind-<dimension>-<n>-name|value|unit|period`); a row left empty is ignored, and two empty
//! rows are always offered.

use askama::Template;
use serde_json::Value;

use super::{Layout, admin::FormPairs, i18n::Tr, session::Ctx};
use crate::{
    domain::{
        practice::{Dimension, DimensionInput, IndicatorInput, PracticeInput},
        signatory::FieldErrors,
        territory::ActivityDomain,
    },
    storage::signatories::SignatoryPublic,
};

pub struct IndicatorRow {
    pub n: usize,
    pub name: String,
    pub value: String,
    pub unit: String,
    pub period: String,
}

pub struct DimensionBlock {
    pub code: &'static str,
    pub label: String,
    pub text: String,
    pub rows: Vec<IndicatorRow>,
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
    pub structures: Vec<(i64, String, bool)>,
    pub errors: Vec<(&'static str, String)>,
    pub submit: String,
    /// A signatory's earlier proposals: (edit link or none, title, status label).
    pub proposals: Vec<(Option<String>, String, String)>,
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
                        .map(|(n, i)| IndicatorRow {
                            n,
                            name: i.name.clone(),
                            value: match &i.value {
                                Value::Number(n) => number_text(n),
                                Value::String(s) => s.clone(),
                                _ => String::new(),
                            },
                            unit: i.unit.clone(),
                            period: i.period.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let start = rows.len();
            rows.extend((start..start + 2).map(|n| IndicatorRow {
                n,
                name: String::new(),
                value: String::new(),
                unit: String::new(),
                period: String::new(),
            }));
            DimensionBlock {
                code: d.code(),
                label: tr.t(&format!("dimension-{}", d.code())),
                text: existing.map(|e| e.text.clone()).unwrap_or_default(),
                rows,
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
        v,
    }
}

/// 3.0 is shown as "3": numbers as people type them.
fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        _ => n.to_string(),
    }
}

/// The posted form as an input; unparseable coordinates become a field error.
pub fn input_from_form(f: &FormPairs) -> (PracticeInput, FieldErrors) {
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
    let latitude = coordinate("latitude", &mut errors);
    let longitude = coordinate("longitude", &mut errors);
    let mut dimensions = vec![];
    for d in Dimension::ALL {
        let code = d.code();
        let text = f.get(&format!("dim-{code}-text"));
        let mut indicators = vec![];
        for n in 0..50 {
            let field = |part: &str| f.get(&format!("ind-{code}-{n}-{part}")).trim().to_string();
            let (name, value, unit, period) = (field("name"), field("value"), field("unit"), field("period"));
            if [&name, &value, &unit, &period].iter().all(|s| s.is_empty()) {
                continue;
            }
            indicators.push(IndicatorInput { name, value: Value::String(value), unit, period });
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
