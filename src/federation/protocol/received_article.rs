//! The `Article` (Lemmy: `Page`) of a practice as other servers send it: inside a
//! `Create`/`Update`, inside a group's `Announce` of one (FEP-1b12), or fetched from an outbox.
//!
//! Lenient on purpose: Mastodon, GoToSocial, Lemmy and Maillage each omit or shape fields
//! differently (`attributedTo` a string, an object or a list, as PeerTube sends; `tag` one
//! object or a list; `cces:*` absent outside Maillage). A field of an unexpected shape reads as
//! absent, as it did when these were read from a `serde_json::Value`; only `id` is required.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;

use super::{id_of, inbound::Ref, one_or_many};
use crate::error::{AppError, AppResult};

/// A field of the wrong shape reads as its default (absent), never as an error.
pub(super) fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(T::deserialize(v).unwrap_or_default())
}

/// A list that may be sent as one item; items of another shape are dropped.
pub(super) fn lenient_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let v = Value::deserialize(d)?;
    let items: Vec<Value> = one_or_many(v).unwrap_or_default();
    Ok(items.into_iter().filter_map(|i| T::deserialize(i).ok()).collect())
}

/// The first id of a reference or a list of them (`attributedTo` as PeerTube sends it).
pub(super) fn first_ref<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match &v {
        Value::Array(a) => a.iter().find_map(id_of),
        v => id_of(v),
    }
    .map(String::from))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Source {
    #[serde(default, deserialize_with = "lenient")]
    pub content: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Hashtag {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
}

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
    pub id: String,
    /// Its author (the origin territory, or an actor of its host writing in it).
    #[serde(rename = "attributedTo", default, deserialize_with = "first_ref")]
    pub attributed_to: Option<String>,
    /// The territory it is published in (FEP-1b12).
    #[serde(default, deserialize_with = "lenient")]
    pub audience: Option<Ref>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    /// HTML, sanitised before it is kept.
    #[serde(default, deserialize_with = "lenient")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub source: Option<Source>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub tag: Vec<Hashtag>,
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

    pub fn audience(&self) -> Option<&str> {
        self.audience.as_ref().map(Ref::id)
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
        assert_eq!(a.name, None);
        assert_eq!(a.attributed_to.as_deref(), Some("https://x.example/u/a"));
        assert_eq!(a.audience(), Some("https://x.example/c/b"));
        assert_eq!(a.tag.len(), 1);
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
        assert!(page.name.is_some_and(|n| !n.is_empty()));
        assert!(page.attributed_to.is_some());
    }
}
