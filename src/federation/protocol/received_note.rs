//! A reply (`Note`; Lemmy: `Comment`) as other servers send it: inside a `Create`/`Update`,
//! inside a group's `Announce`, or fetched from its id.
//!
//! Lenient like every object received (`received_object`, whose [`ObjectFields`] it flattens,
//! as `received_article` and `received_event` do): Mastodon, GoToSocial, Lemmy, Friendica and
//! Maillage shape `url`, `to`/`cc` and `attributedTo` differently; a field of an unexpected
//! shape reads as absent. Only `id` is required.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{
    AS_PUBLIC,
    inbound::Ref,
    one_or_many,
    received_object::{ObjectFields, lenient, lenient_list},
};
use crate::error::{AppError, AppResult};

/// One `url` as sent: the address itself, or a `Link` (its `href`) or object (its `id`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum UrlRef {
    Text(String),
    Link {
        #[serde(default, deserialize_with = "lenient")]
        id: Option<String>,
        #[serde(default, deserialize_with = "lenient")]
        href: Option<String>,
    },
}

/// `to`/`cc`: absent (or null) is `None` (then the activity's addressing counts), else the ids
/// listed, one or many; items of another shape are dropped.
fn addressing<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Ref>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        v => {
            let items: Vec<Value> = one_or_many(v).unwrap_or_default();
            Some(items.into_iter().filter_map(|i| Ref::deserialize(i).ok()).collect())
        }
    })
}

/// A reply as received: the fields every object shares ([`ObjectFields`]), and its own.
#[derive(Debug, Clone, Deserialize)]
pub struct NoteObject {
    #[serde(flatten)]
    pub common: ObjectFields,
    /// What it answers: a practice, an announcement, or a comment on either.
    #[serde(rename = "inReplyTo", default, deserialize_with = "lenient")]
    pub in_reply_to: Option<Ref>,
    /// RFC 3339.
    #[serde(default, deserialize_with = "lenient")]
    pub published: Option<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub url: Vec<UrlRef>,
    #[serde(default, deserialize_with = "addressing")]
    pub to: Option<Vec<Ref>>,
    #[serde(default, deserialize_with = "addressing")]
    pub cc: Option<Vec<Ref>>,
    /// Media (a territory's announcement: its picture); items of another shape are dropped.
    #[serde(default, deserialize_with = "lenient_list")]
    pub attachment: Vec<Attachment>,
}

/// A media attachment as Mastodon and Maillage send it (`Document`/`Image` with a `url`).
#[derive(Debug, Clone, Deserialize)]
pub struct Attachment {
    #[serde(rename = "mediaType", default, deserialize_with = "lenient")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub url: Option<String>,
    /// The alternative text.
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
}

impl NoteObject {
    /// A `Note` embedded in an `Announce` or fetched: 400 when it has no id.
    pub fn from_value(v: &Value) -> AppResult<NoteObject> {
        NoteObject::deserialize(v).map_err(|e| AppError::BadRequest(format!("malformed Note: {e}")))
    }

    pub fn in_reply_to(&self) -> Option<&str> {
        self.in_reply_to.as_ref().map(Ref::id)
    }

    /// Whether it is addressed to the public, when it says to whom it is addressed (`None`
    /// when it has neither `to` nor `cc`: the carrying activity's addressing then counts).
    pub fn addressed_public(&self) -> Option<bool> {
        if self.to.is_none() && self.cc.is_none() {
            return None;
        }
        let all = self.to.iter().chain(&self.cc).flatten();
        Some(all.map(Ref::id).any(|id| matches!(id, AS_PUBLIC | "as:Public" | "Public")))
    }

    /// The first usable-looking `url` given (a string, a `Link`'s `href`, an object's `id`).
    pub fn first_url(&self) -> Option<&str> {
        self.url.iter().find_map(|u| match u {
            UrlRef::Text(s) => Some(s.as_str()),
            UrlRef::Link { id, href } => id.as_deref().or(href.as_deref()),
        })
    }

    /// The first picture attached: (its URL, its alternative text).
    pub fn first_image(&self) -> Option<(&str, &str)> {
        self.attachment.iter().find_map(|a| {
            a.media_type.as_deref().filter(|t| t.starts_with("image/"))?;
            Some((a.url.as_deref()?, a.name.as_deref().unwrap_or_default()))
        })
    }

    /// `published` in milliseconds, when it is a valid date.
    pub fn published_millis(&self) -> Option<i64> {
        let s = self.published.as_deref()?;
        chrono::DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp_millis())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn odd_shapes_read_as_absent_not_as_errors() {
        let n = NoteObject::from_value(&json!({
            "id": "https://x.example/n/1", "type": "Note", "content": 5, "published": "yesterday",
            "attributedTo": [{"id": "https://x.example/u/a"}], "inReplyTo": {"id": "https://y.example/p/1"},
            "url": [3, {"type": "Link", "href": "https://x.example/@a/1"}], "to": null, "cc": "as:Public"
        }))
        .expect("lenient");
        assert_eq!((n.common.content.as_deref(), n.published_millis()), (None, None));
        assert_eq!(n.common.attributed_to.as_deref(), Some("https://x.example/u/a"));
        assert_eq!(n.in_reply_to(), Some("https://y.example/p/1"));
        assert_eq!(n.first_url(), Some("https://x.example/@a/1"));
        assert_eq!(n.addressed_public(), Some(true));
        let bare = NoteObject::from_value(&json!({"id": "https://x.example/n/2", "to": [], "url": 4})).expect("bare");
        assert_eq!((bare.addressed_public(), bare.first_url()), (Some(false), None));
        let unaddressed = NoteObject::from_value(&json!({"id": "https://x.example/n/3"})).expect("unaddressed");
        assert_eq!(unaddressed.addressed_public(), None);
        assert!(NoteObject::from_value(&json!({"type": "Note"})).is_err(), "an id is required");
    }

    /// The replies of every program we read parse (tests/fixtures), with their author.
    #[test]
    fn fixtures_of_replies_read() {
        let all = crate::federation::protocol::fixture_objects(&["Note", "Comment"]);
        for (path, object) in &all {
            let n = NoteObject::from_value(object).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(n.common.attributed_to.is_some(), "{}", path.display());
        }
        assert!(all.len() >= 6, "only {} Note fixtures", all.len());
    }
}
