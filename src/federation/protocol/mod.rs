//! Wire types: the JSON shapes Maillage sends and accepts, apart from any behaviour.

pub mod activities;
pub mod actor;
pub mod collections;
pub mod conversation;
pub mod practice;

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

pub const AS_PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// JSON-LD namespace for CCES terms (documented in docs/FEDERATION.md).
pub const CCES_NS: &str = "https://maillage.cces.fr/ns#";

/// `@context` of actors: ActivityStreams, the security vocabulary (without which strict
/// implementations such as Fedify ignore `publicKey`), and the extension terms we use.
pub fn actor_context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "cces": CCES_NS
        }
    ])
}

pub fn activity_context() -> Value {
    json!("https://www.w3.org/ns/activitystreams")
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
