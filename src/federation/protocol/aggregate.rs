//! A territory's observatory figures as one ActivityPub object, `cces:Aggregate` (issue 13,
//! point 9; docs/FEDERATION.md "Observatory aggregates"): served at
//! `/t/<slug>/observatoire/agregat` and sent to the territory's followers in a `Create`, then an
//! `Update` when its figures change, so that other instances need not recompute remote data.
//! Built from plain values; what the values mean: `domain::observatory`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AS_CONTEXT, AS_PUBLIC, CCES_NS, activities::to_value, inbound::Ref};

/// The object's `type`.
pub const AGGREGATE_TYPE: &str = "cces:Aggregate";

#[derive(Debug, Serialize)]
struct Terms {
    cces: &'static str,
}

/// `@context` of an aggregate: ActivityStreams and the `cces` namespace.
pub fn context() -> Value {
    to_value(&(AS_CONTEXT, Terms { cces: CCES_NS }))
}

/// A source of a figure: a practice or a shared action, by its id and title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateSource {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// One figure of the aggregate: a `(figure, key, period)` cell with its running total and the
/// number of values added (so a receiver can combine it with other territories' figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateFigure {
    #[serde(rename = "cces:figure")]
    pub figure: String,
    #[serde(rename = "cces:key", default)]
    pub key: String,
    #[serde(rename = "cces:period")]
    pub period: String,
    #[serde(rename = "cces:total")]
    pub total: f64,
    #[serde(rename = "cces:count")]
    pub count: i64,
    #[serde(rename = "cces:sources", default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<AggregateSource>,
}

/// The aggregate of one territory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Aggregate {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub attributed_to: Ref,
    /// The territory's observatory page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    /// When the figures were computed (RFC 3339): a receiver keeps the newest.
    pub updated: String,
    /// Version of the indicator vocabulary the keys belong to.
    #[serde(rename = "cces:vocabulary", default)]
    pub vocabulary: String,
    #[serde(rename = "cces:figures", default)]
    pub figures: Vec<AggregateFigure>,
}

impl Aggregate {
    /// The aggregate of `territory` (its actor id), public.
    pub fn new(
        id: &str,
        territory: &str,
        page: &str,
        updated: String,
        vocabulary: &str,
        figures: Vec<AggregateFigure>,
    ) -> Self {
        Aggregate {
            context: Some(context()),
            id: id.to_string(),
            kind: AGGREGATE_TYPE.to_string(),
            attributed_to: Ref::Id(territory.to_string()),
            url: Some(page.to_string()),
            to: vec![AS_PUBLIC.to_string()],
            updated,
            vocabulary: vocabulary.to_string(),
            figures,
        }
    }
}

/// Whether an object is an aggregate (`cces:Aggregate`, or its expanded IRI).
pub fn is_aggregate(object: &Value) -> bool {
    let full = format!("{CCES_NS}Aggregate");
    object.get("type").and_then(Value::as_str).is_some_and(|t| t == AGGREGATE_TYPE || t == full)
}

/// `Create`/`Update` of a `cces:Aggregate`.
#[derive(Debug, Clone, Deserialize)]
pub struct CreateAggregate {
    pub id: url::Url,
    pub actor: Ref,
    pub object: Aggregate,
}
