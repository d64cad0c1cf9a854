//! What a practice says of its added value, typed: for each of the four dimensions it documents,
//! a text and measured indicators. Storage keeps it as JSON text (the federated
//! `cces:dimensions` shape) beside a `practice_dimensions` row per code, which is what searches
//! filter on; everything above storage reads this type, never the JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

use super::practice::{Dimension, DimensionEntry};

/// One measured indicator, as federated. `value` keeps the number as written (`3` stays `3`,
/// not `3.0`): what other servers sent is served back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    /// The reference indicator's id (docs/indicators.md), federated as is.
    #[serde(rename = "cces:indicator", default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub unit: String,
    pub value: Number,
}

impl IndicatorValue {
    /// `value` as a float (always finite: JSON numbers cannot be NaN or infinite).
    pub fn number(&self) -> f64 {
        self.value.as_f64().unwrap_or_default()
    }
}

/// One dimension a practice documents. Fields are serialised in the order the JSON has always
/// been written (alphabetical), so that stored and federated bytes stay the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionTarget {
    pub dimension: Dimension,
    #[serde(default)]
    pub indicators: Vec<IndicatorValue>,
    #[serde(default)]
    pub text: String,
}

/// The dimensions of one practice, in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dimensions(pub Vec<DimensionTarget>);

impl Dimensions {
    /// Reads what another server sent or what was stored: entries whose `dimension` is not one
    /// of the four codes are dropped, and so are indicators whose value is not a number (they
    /// could be neither filtered on nor added up).
    pub fn from_value(v: &Value) -> Dimensions {
        let entries = v.as_array().map(Vec::as_slice).unwrap_or_default();
        Dimensions(
            entries
                .iter()
                .filter_map(|e| {
                    let dimension = Dimension::parse(e.get("dimension")?.as_str()?)?;
                    let text = e.get("text").and_then(Value::as_str).unwrap_or_default().to_string();
                    let indicators =
                        e.get("indicators").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                    let indicators = indicators.iter().filter_map(|i| serde_json::from_value(i.clone()).ok()).collect();
                    Some(DimensionTarget { dimension, indicators, text })
                })
                .collect(),
        )
    }

    /// [`Dimensions::from_value`] of JSON text (anything that is not a JSON array reads as none).
    pub fn from_json(s: &str) -> Dimensions {
        Dimensions::from_value(&serde_json::from_str(s).unwrap_or(Value::Null))
    }

    /// The stored and federated JSON text.
    pub fn to_json(&self) -> String {
        // Strings, numbers and enums only: serialising cannot fail.
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    /// The distinct dimension codes, sorted (one `practice_dimensions` row each).
    pub fn codes(&self) -> Vec<Dimension> {
        let mut codes: Vec<Dimension> = self.0.iter().map(|d| d.dimension).collect();
        codes.sort_by_key(|d| d.code());
        codes.dedup();
        codes
    }

    pub fn iter(&self) -> std::slice::Iter<'_, DimensionTarget> {
        self.0.iter()
    }
}

/// A valid practice's dimensions (local writes).
impl From<&[DimensionEntry]> for Dimensions {
    fn from(entries: &[DimensionEntry]) -> Dimensions {
        Dimensions(
            entries
                .iter()
                .map(|d| DimensionTarget {
                    dimension: d.dimension,
                    indicators: d
                        .indicators
                        .iter()
                        // Parsing keeps finite values only; a non-finite one could not be JSON.
                        .filter_map(|i| {
                            Some(IndicatorValue {
                                indicator: i.reference.map(str::to_string),
                                name: i.name.clone(),
                                period: i.period.clone(),
                                unit: i.unit.clone(),
                                value: Number::from_f64(i.value)?,
                            })
                        })
                        .collect(),
                    text: d.text.clone(),
                })
                .collect(),
        )
    }
}

/// Rows decode leniently (`#[sqlx(try_from = "String")]` takes the blanket `TryFrom`): stored
/// JSON from older versions or other servers never fails a read.
impl From<String> for Dimensions {
    fn from(s: String) -> Dimensions {
        Dimensions::from_json(&s)
    }
}

/// As JSON text: the API and revision snapshots have always shown `dimensions` as a string.
impl Serialize for Dimensions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_json_round_trips_byte_for_byte() {
        let stored = r#"[{"dimension":"economique","indicators":[{"cces:indicator":"cces:indicator/jobs-fte","name":"Emplois","period":"2025","unit":"ETP","value":3}],"text":"Prix justes"},{"dimension":"sociale","indicators":[{"name":"Part","period":"","unit":"%","value":62.5}],"text":""}]"#;
        let d = Dimensions::from_json(stored);
        assert_eq!(d.to_json(), stored);
        assert_eq!(d.0[0].indicators[0].number(), 3.0);
        assert_eq!(d.codes(), vec![Dimension::Economique, Dimension::Sociale]);
    }

    #[test]
    fn odd_remote_entries_are_dropped_not_fatal() {
        let d = Dimensions::from_json(
            r#"[{"dimension": "culturelle", "text": "x"},
                {"dimension": "territoriale", "indicators": [{"name": "n", "value": "beaucoup"}, {"name": "m", "value": 2}]},
                "not an object", {"text": "no code"}]"#,
        );
        assert_eq!(d.0.len(), 1);
        assert_eq!(d.0[0].dimension, Dimension::Territoriale);
        assert_eq!(d.0[0].indicators.len(), 1, "the indicator without a number is dropped");
        assert_eq!(d.0[0].text, "");
        assert_eq!(Dimensions::from_json("{not json").0, vec![]);
        assert_eq!(Dimensions::from_json("{}").to_json(), "[]");
    }

    #[test]
    fn serialises_as_json_text_for_the_api() {
        let d = Dimensions::from_json(r#"[{"dimension":"sociale","indicators":[],"text":"Lien"}]"#);
        let v = serde_json::to_value(&d).expect("value");
        assert_eq!(v, Value::from(r#"[{"dimension":"sociale","indicators":[],"text":"Lien"}]"#));
    }
}
