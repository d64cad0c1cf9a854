//! The evaluation of a shared action once it has ended (the charter's *processus
//! d'évaluation*): each organising territory records the outcome per dimension with indicators
//! (the practices' model: a label, a number, a unit, a period; optionally the reference id of
//! an indicator of the shared vocabulary), how many took part, the structures involved and a
//! short text. Pure rules: [`NewEvaluation::parse`] gives a valid evaluation or field errors.
//! Federated inside the `Event` as `cces:evaluation` (docs/FEDERATION.md).

use serde::Deserialize;
use serde_json::Value;

use super::{
    practice::{Dimension, number},
    signatory::FieldErrors,
};

pub const MAX_SUMMARY: usize = 2000;
pub const MAX_INDICATORS: usize = 40;

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationIndicatorInput {
    /// `sociale`, `economique`, `territoriale` or `environnementale`.
    pub dimension: String,
    pub label: String,
    /// A JSON number (or a string holding one, as forms send: `"62,5"`).
    #[schema(value_type = f64)]
    pub value: Value,
    pub unit: String,
    pub period: String,
    /// Reference id of an indicator of the shared vocabulary, if it is one.
    pub cces_indicator: Option<String>,
}

/// The OpenAPI example of [`EvaluationInput`].
fn evaluation_input_example() -> Value {
    serde_json::from_str(
        r#"{"participants": 140, "structures": [3, 7],
            "summary": "Douze fermes, 140 visiteurs, un panier moyen en hausse.",
            "indicators": [{"dimension": "economique", "label": "Ventes directes", "value": 4200,
              "unit": "€", "period": "2026-03-14"},
             {"dimension": "sociale", "label": "Bénévoles mobilisés", "value": 9, "unit": "personnes",
              "period": "2026-03-14", "cces_indicator": "benevoles"}]}"#,
    )
    .unwrap_or_default()
}

/// An evaluation as written (API, console). Replaces the territory's previous one.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = evaluation_input_example)]
pub struct EvaluationInput {
    /// How many took part (default: the participants counted).
    pub participants: Option<i64>,
    /// Signatory ids of the structures involved (listed structures of the territory).
    pub structures: Vec<i64>,
    pub summary: String,
    pub indicators: Vec<EvaluationIndicatorInput>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationIndicator {
    pub dimension: Dimension,
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
    pub cces_indicator: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewEvaluation {
    pub participants: Option<i64>,
    pub structures: Vec<i64>,
    pub summary: String,
    pub indicators: Vec<EvaluationIndicator>,
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

impl NewEvaluation {
    /// `ended`: whether the action's end is past (an evaluation before it is refused).
    pub fn parse(input: &EvaluationInput, ended: bool) -> Result<NewEvaluation, FieldErrors> {
        let mut e: FieldErrors = vec![];
        if !ended {
            e.push(("action", "evaluation-before-end"));
        }
        let summary = text(&mut e, "summary", &input.summary, MAX_SUMMARY, false);
        let participants = match input.participants {
            Some(n) if !(0..=10_000_000).contains(&n) => {
                e.push(("participants", "field-invalid"));
                None
            }
            n => n,
        };
        let mut structures = input.structures.clone();
        structures.sort_unstable();
        structures.dedup();
        if structures.len() > 100 {
            e.push(("structures", "field-too-long"));
        }
        if input.indicators.len() > MAX_INDICATORS {
            e.push(("indicators", "field-too-long"));
        }
        let mut indicators = vec![];
        for i in &input.indicators {
            let dimension = Dimension::parse(&i.dimension);
            if dimension.is_none() {
                e.push(("indicators", "evaluation-unknown-dimension"));
            }
            let label = text(&mut e, "indicators", &i.label, 100, true);
            let unit = text(&mut e, "indicators", &i.unit, 30, false);
            let period = text(&mut e, "indicators", &i.period, 50, false);
            let reference = i.cces_indicator.as_deref().map(str::trim).filter(|r| !r.is_empty());
            if reference.is_some_and(|r| r.len() > 100) {
                e.push(("indicators", "field-too-long"));
            }
            let value = number(&i.value);
            if value.is_none() {
                e.push(("indicators", "indicator-not-a-number"));
            }
            if let (Some(dimension), Some(value)) = (dimension, value) {
                indicators.push(EvaluationIndicator {
                    dimension,
                    label,
                    value,
                    unit,
                    period,
                    cces_indicator: reference.map(String::from),
                });
            }
        }
        e.dedup();
        if e.is_empty() { Ok(NewEvaluation { participants, structures, summary, indicators }) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> EvaluationInput {
        serde_json::from_value(evaluation_input_example()).expect("the example is an input")
    }

    #[test]
    fn a_valid_evaluation() {
        let ev = NewEvaluation::parse(&valid(), true).expect("valid");
        assert_eq!(ev.indicators.len(), 2);
        assert_eq!(ev.indicators[0].dimension, Dimension::Economique);
        assert_eq!(ev.indicators[1].cces_indicator.as_deref(), Some("benevoles"));
        let mut i = valid();
        i.indicators[0].value = Value::String("4 200,5".into());
        assert_eq!(NewEvaluation::parse(&i, true).expect("French number").indicators[0].value, 4200.5);
    }

    #[test]
    fn field_errors() {
        let e = NewEvaluation::parse(&valid(), false).expect_err("not ended");
        assert!(e.contains(&("action", "evaluation-before-end")), "{e:?}");
        let mut i = valid();
        i.indicators[0].value = Value::String("beaucoup".into());
        assert!(NewEvaluation::parse(&i, true).expect_err("nan").contains(&("indicators", "indicator-not-a-number")));
        let mut i = valid();
        i.indicators[1].dimension = "culturelle".into();
        let e = NewEvaluation::parse(&i, true).expect_err("dimension");
        assert!(e.contains(&("indicators", "evaluation-unknown-dimension")), "{e:?}");
        let mut i = valid();
        i.participants = Some(-3);
        assert!(NewEvaluation::parse(&i, true).expect_err("negative").contains(&("participants", "field-invalid")));
    }
}
