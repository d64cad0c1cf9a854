//! Wire types: the JSON shapes Maillage sends and accepts, apart from any behaviour.

pub mod activities;
pub mod actor;
pub mod aggregate;
pub mod announcement;
pub mod charter;
pub mod collections;
pub mod conversation;
pub mod coorganisation;
pub mod discovery;
pub mod event;
pub mod flag;
pub mod inbound;
pub mod moves;
pub mod participation;
pub mod pins;
pub mod practice;
pub mod received_article;
pub mod received_event;
pub mod received_note;
pub mod received_object;
pub mod remote_url;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub const AS_PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Whether an object is addressed to the public: `as:Public` in its `to` or `cc`, in any of
/// the three forms JSON-LD allows (full IRI, `as:Public`, `Public`), as a string or inside an
/// object. An object without `to` and `cc` takes the addressing of the activity that carries
/// it (`activity`). Mastodon's followers-only and direct posts lack it.
/// https://www.w3.org/TR/activitypub/#public-addressing
pub fn is_public(object: &Value, activity: Option<&Value>) -> bool {
    let addressed = |v: &Value| ["to", "cc"].iter().any(|k| v.get(*k).is_some_and(|a| !a.is_null()));
    let holder = match activity {
        Some(a) if !addressed(object) => a,
        _ => object,
    };
    ["to", "cc"].iter().filter_map(|k| holder.get(*k)).any(|v| {
        let items = match v {
            Value::Array(a) => a.iter().collect::<Vec<_>>(),
            one => vec![one],
        };
        items.into_iter().filter_map(id_of).any(|id| matches!(id, AS_PUBLIC | "as:Public" | "Public"))
    })
}

/// JSON-LD namespace for CCES terms (documented in docs/FEDERATION.md).
pub const CCES_NS: &str = "https://maillage.cces.fr/ns#";

/// The extension terms of actors' `@context`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ActorTerms {
    manually_approves_followers: &'static str,
    /// A moved territory's old and new actors name each other (`Move`, issue 15): Mastodon
    /// declares both terms in the ActivityStreams namespace, as ids.
    also_known_as: IdTerm,
    moved_to: IdTerm,
    toot: &'static str,
    discoverable: &'static str,
    featured: IdTerm,
    schema: &'static str,
    #[serde(rename = "PropertyValue")]
    property_value: &'static str,
    value: &'static str,
    cces: &'static str,
}

/// A term whose values are ids (`"@type": "@id"`).
#[derive(Debug, Serialize)]
struct IdTerm {
    #[serde(rename = "@id")]
    id: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

/// `@context` of actors: ActivityStreams, the security vocabulary (without which strict
/// implementations such as Fedify ignore `publicKey`), and the extension terms we use.
pub fn actor_context() -> Value {
    let terms = ActorTerms {
        manually_approves_followers: "as:manuallyApprovesFollowers",
        also_known_as: IdTerm { id: "as:alsoKnownAs", kind: "@id" },
        moved_to: IdTerm { id: "as:movedTo", kind: "@id" },
        toot: "http://joinmastodon.org/ns#",
        discoverable: "toot:discoverable",
        featured: IdTerm { id: "toot:featured", kind: "@id" },
        schema: "http://schema.org#",
        property_value: "schema:PropertyValue",
        value: "schema:value",
        cces: CCES_NS,
    };
    activities::to_value(&(AS_CONTEXT, "https://w3id.org/security/v1", terms))
}

/// The ActivityStreams vocabulary.
pub const AS_CONTEXT: &str = "https://www.w3.org/ns/activitystreams";

pub fn activity_context() -> Value {
    Value::String(AS_CONTEXT.into())
}

/// An `id` reference that may be given as a string or as an embedded object with an `id`.
pub fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(m) => m.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Deserializes a value that may be one item or an array of them.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(d)? {
        None => vec![],
        Some(OneOrMany::One(t)) => vec![t],
        Some(OneOrMany::Many(v)) => v,
    })
}

/// What a deleted object's id answers (with 410 Gone), and what a `Delete` carries.
/// https://www.w3.org/TR/activitypub/#delete-activity-outbox
pub fn tombstone(id: &str) -> Value {
    let mut t = activities::Tombstone::of(id);
    t.context = Some(activity_context());
    activities::to_value(&t)
}

/// An actor's `icon`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Image {
    #[serde(rename = "type")]
    pub kind: ImageKind,
    pub url: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum ImageKind {
    Image,
}

pub fn image(url: &str) -> Image {
    Image { kind: ImageKind::Image, url: url.into() }
}

/// Every object of one of `types` in tests/fixtures (a file's `object`, or the file itself),
/// with its file: what the parsers of received objects must read.
#[cfg(test)]
pub(crate) fn fixture_objects(types: &[&str]) -> Vec<(std::path::PathBuf, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|program| std::fs::read_dir(program.path()).into_iter().flatten().flatten().map(|f| f.path()));
    files
        .filter_map(|path| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
            let object = if v.get("object").is_some_and(Value::is_object) { v["object"].clone() } else { v };
            let kind = object.get("type").and_then(Value::as_str)?;
            types.contains(&kind).then_some((path, object))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn public_addressing() {
        for public in [
            json!({"to": [AS_PUBLIC]}),
            json!({"to": "as:Public"}),
            json!({"cc": ["https://a.example/followers", "Public"]}),
            json!({"to": [{"id": AS_PUBLIC}]}),
        ] {
            assert!(is_public(&public, None), "{public}");
        }
        // Mastodon's followers-only and direct replies, and nothing at all.
        for private in [
            json!({"to": ["https://a.example/users/alice/followers"], "cc": ["https://m.example/t/territoire"]}),
            json!({"to": ["https://m.example/t/territoire"], "cc": []}),
            json!({"to": ["https://www.w3.org/ns/activitystreams#Publicity"]}),
            json!({}),
        ] {
            assert!(!is_public(&private, None), "{private}");
        }
        // The object's own addressing wins over the activity's; without any, the activity's.
        let create = json!({"to": [AS_PUBLIC]});
        assert!(!is_public(&json!({"to": ["https://a.example/followers"]}), Some(&create)));
        assert!(is_public(&json!({"content": "x"}), Some(&create)));
    }
}
