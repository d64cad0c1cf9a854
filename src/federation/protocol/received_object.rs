//! What the objects received share (ActivityStreams 2.0 `Object`,
//! <https://www.w3.org/TR/activitystreams-vocabulary/#dfn-object>), read the same lenient way:
//! the `Article` (`received_article`), the `Event` (`received_event`) and the `Note`
//! (`received_note`: a reply, or an announcement of a followed territory) flatten
//! [`ObjectFields`] and keep only their own terms.
//!
//! Lenient on purpose: Mastodon, GoToSocial, Lemmy, Mobilizon, Gancio and Maillage each omit or
//! shape fields differently (`attributedTo` a string, an object or a list, as PeerTube sends;
//! `tag` one object or a list; `url` a string, a `Link` or a list). A field of an unexpected shape
//! reads as absent, never as an error; only `id` is required.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;

use super::{id_of, inbound::Ref, one_or_many};

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

/// `source`: the text the author wrote (Markdown for Maillage and Lemmy).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Source {
    #[serde(default, deserialize_with = "lenient")]
    pub content: Option<String>,
}

/// One `tag` (a `Hashtag`; a `Mention` reads the same, its `name` an `@handle`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Hashtag {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
}

/// The fields an `Article`, an `Event` and a reply `Note` share, as received.
#[derive(Debug, Clone, Deserialize)]
pub struct ObjectFields {
    pub id: String,
    /// Its author (the origin territory, or an actor of its host writing in it); the first id
    /// when a list is sent.
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
}

impl ObjectFields {
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_ref().map(Ref::id)
    }

    /// Whether it is published in the actor `origin`: written by it, or naming it as its
    /// `audience` (FEP-1b12: an author of the group's host writing in the group).
    pub fn is_in(&self, origin: &str) -> bool {
        self.attributed_to.as_deref() == Some(origin) || self.audience() == Some(origin)
    }

    /// The text the author wrote (`source.content`), when sent.
    pub fn source_text(&self) -> Option<&str> {
        self.source.as_ref().and_then(|s| s.content.as_deref())
    }

    /// The names of its tags (`#jardin`, `@someone`), in order.
    pub fn tag_names(&self) -> impl Iterator<Item = &str> {
        self.tag.iter().filter_map(|t| t.name.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Flattened into another struct, the shared fields read as leniently as on their own.
    #[test]
    fn shared_fields_read_leniently_when_flattened() {
        #[derive(Deserialize)]
        struct Outer {
            #[serde(flatten)]
            common: ObjectFields,
            #[serde(default, deserialize_with = "lenient")]
            own: Option<i64>,
        }
        let o: Outer = serde_json::from_value(json!({
            "id": "https://x.example/o/1", "name": 5, "summary": "Court",
            "attributedTo": [{"type": "Person", "id": "https://x.example/u/a"}, "https://x.example/c/b"],
            "audience": "https://x.example/c/b", "source": {"content": "*md*"},
            "tag": {"type": "Hashtag", "name": "#jardin"}, "own": 2.5
        }))
        .expect("lenient");
        let c = &o.common;
        assert_eq!((c.name.as_deref(), c.summary.as_deref()), (None, Some("Court")));
        assert_eq!(c.attributed_to.as_deref(), Some("https://x.example/u/a"));
        assert_eq!((c.audience(), c.source_text()), (Some("https://x.example/c/b"), Some("*md*")));
        assert_eq!(c.tag_names().collect::<Vec<_>>(), ["#jardin"]);
        assert!(c.is_in("https://x.example/u/a") && c.is_in("https://x.example/c/b"));
        assert!(!c.is_in("https://x.example/c/other"));
        assert_eq!(o.own, None, "a float is not an integer");
        assert!(serde_json::from_value::<Outer>(json!({"name": "x"})).is_err(), "an id is required");
    }
}
