//! The `Article` (Lemmy: `Page`) of a practice as other servers send it: inside a
//! `Create`/`Update`, inside a group's `Announce` of one (FEP-1b12), or fetched from an outbox.
//!
//! Lenient like every object received (`received_object`: the fields it shares with the
//! `Event` and the `Note`): `cces:*` are absent outside Maillage, and a field of an unexpected
//! shape reads as absent, as it did when these were read from a `serde_json::Value`; only `id`
//! is required.

use serde::Deserialize;
use serde_json::Value;

use super::received_object::{ObjectFields, lenient, lenient_list};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Location {
    #[serde(default, deserialize_with = "lenient")]
    pub latitude: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub longitude: Option<f64>,
}

/// `cces:structures`: a structure involved, named by the origin.
#[derive(Debug, Clone, Deserialize)]
pub struct StructureRef {
    pub id: String,
    pub name: String,
}

/// A practice as received.
#[derive(Debug, Clone, Deserialize)]
pub struct ArticleObject {
    /// `id`, author, `audience`, `name`, `summary`, `content`, `source`, `tag`.
    #[serde(flatten)]
    pub common: ObjectFields,
    #[serde(default, deserialize_with = "lenient")]
    pub location: Option<Location>,
    #[serde(rename = "cces:domains", default, deserialize_with = "lenient_list")]
    pub domains: Vec<String>,
    /// Kept as sent (an array, or nothing): `storage::practices` reads it as dimensions.
    #[serde(rename = "cces:dimensions", default)]
    pub dimensions: Option<Value>,
    #[serde(rename = "cces:structures", default, deserialize_with = "lenient_list")]
    pub structures: Vec<StructureRef>,
    #[serde(rename = "cces:partners", default, deserialize_with = "lenient")]
    pub partners: Option<String>,
    #[serde(rename = "cces:governance", default, deserialize_with = "lenient")]
    pub governance: Option<String>,
    #[serde(rename = "cces:commune", default, deserialize_with = "lenient")]
    pub commune: Option<String>,
    #[serde(rename = "cces:licence", default, deserialize_with = "lenient")]
    pub licence: Option<String>,
}

impl ArticleObject {
    /// An `Article` embedded in an `Announce` or fetched: 400 when it has no id.
    pub fn from_value(v: &Value) -> AppResult<ArticleObject> {
        ArticleObject::deserialize(v).map_err(|e| AppError::BadRequest(format!("malformed Article: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn odd_shapes_read_as_absent_not_as_errors() {
        let a: ArticleObject = serde_json::from_value(json!({
            "id": "https://x.example/p/1", "type": "Page", "name": 5,
            "attributedTo": [{"type": "Person", "id": "https://x.example/u/a"}, "https://x.example/c/b"],
            "audience": {"id": "https://x.example/c/b"}, "tag": {"type": "Hashtag", "name": "#jardin"},
            "cces:domains": ["alimentation", 3], "location": {"latitude": "47.6"},
            "cces:structures": [{"id": "https://x.example/s/7", "name": "Coin"}, {"id": 3}]
        }))
        .expect("lenient");
        assert_eq!(a.common.name, None);
        assert_eq!(a.common.attributed_to.as_deref(), Some("https://x.example/u/a"));
        assert_eq!(a.common.audience(), Some("https://x.example/c/b"));
        assert_eq!(a.common.tag.len(), 1);
        assert_eq!(a.domains, vec!["alimentation"]);
        assert_eq!(a.location.and_then(|l| l.latitude), None);
        assert_eq!(a.structures.len(), 1);
        assert!(serde_json::from_value::<ArticleObject>(json!({"type": "Article"})).is_err(), "an id is required");
    }

    /// What Lemmy sends inside its community's `Announce` reads whole.
    #[test]
    fn a_lemmy_page_reads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lemmy");
        let text = std::fs::read_to_string(dir.join("announce_create_page.json")).expect("fixture");
        let announce: Value = serde_json::from_str(&text).expect("json");
        let page: ArticleObject = serde_json::from_value(announce["object"]["object"].clone()).expect("page");
        assert!(page.common.name.is_some_and(|n| !n.is_empty()));
        assert!(page.common.attributed_to.is_some());
    }
}
