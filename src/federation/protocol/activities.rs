//! Activities: the envelope every incoming activity must have, and builders for the ones we send.

use serde_json::{Value, json};
use url::Url;

use super::{activity_context, id_of};
use crate::error::{AppError, AppResult};

/// What the inbox needs to know of any activity before dispatching on its type.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: Url,
    pub kind: String,
    pub actor: Url,
    pub object: Value,
    pub raw: Value,
}

fn bad(m: &str) -> AppError {
    AppError::BadRequest(m.to_string())
}

/// Parses an inbox body: malformed JSON or a missing `id`, `type` or `actor` is a 400.
pub fn parse_envelope(body: &[u8]) -> AppResult<Envelope> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    let obj = raw.as_object().ok_or_else(|| bad("an activity is a JSON object"))?;
    let id = obj.get("id").and_then(Value::as_str).ok_or_else(|| bad("activity without id"))?;
    let id = Url::parse(id).map_err(|_| bad("activity id is not a URL"))?;
    // `type` may be an array in JSON-LD; the first string names it.
    let kind = match obj.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => {
            a.iter().find_map(Value::as_str).ok_or_else(|| bad("activity without type"))?.to_string()
        }
        _ => return Err(bad("activity without type")),
    };
    let actor = obj.get("actor").and_then(id_of).ok_or_else(|| bad("activity without actor"))?;
    let actor = Url::parse(actor).map_err(|_| bad("actor is not a URL"))?;
    let object = obj.get("object").cloned().unwrap_or(Value::Null);
    Ok(Envelope { id, kind, actor, object, raw })
}

/// Now, as `published` says it (RFC 3339, seconds).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Every activity we send says when (GoToSocial warns about an "unusable published property").
fn with_context(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.insert("@context".into(), activity_context());
        m.entry("published").or_insert_with(|| Value::String(now()));
    }
    v
}

pub fn follow(id: &Url, actor: &Url, object: &Url) -> Value {
    with_context(json!({ "id": id, "type": "Follow", "actor": actor, "object": object }))
}

/// `Accept` or `Reject` of a Follow. The Follow is embedded whole: Mastodon matches it by id,
/// others by actor and object.
pub fn answer_follow(kind: &str, id: &Url, actor: &Url, follow: &Value) -> Value {
    let mut inner = follow.clone();
    if let Some(m) = inner.as_object_mut() {
        m.remove("@context");
    }
    let to = follow.get("actor").cloned().unwrap_or(Value::Null);
    with_context(json!({ "id": id, "type": kind, "actor": actor, "to": [to], "object": inner }))
}

/// `Update` of an object (here: a territory's actor document), public, to the followers.
pub fn update(id: &Url, actor: &Url, object: &Value, followers: &Url) -> Value {
    let mut inner = object.clone();
    if let Some(m) = inner.as_object_mut() {
        m.remove("@context");
    }
    with_context(json!({
        "id": id, "type": "Update", "actor": actor, "to": [super::AS_PUBLIC], "cc": [followers], "object": inner
    }))
}

/// `Create` of a public `Note` by `actor`, to its followers.
pub fn create_note(
    id: &Url,
    note_id: &Url,
    actor: &Url,
    followers: &Url,
    content_html: &str,
    url: &Url,
    published: &str,
) -> Value {
    with_context(json!({
        "id": id, "type": "Create", "actor": actor, "published": published,
        "to": [super::AS_PUBLIC], "cc": [followers],
        "object": {
            "id": note_id, "type": "Note", "attributedTo": actor, "content": content_html, "url": url,
            "published": published, "to": [super::AS_PUBLIC], "cc": [followers], "audience": actor
        }
    }))
}

/// `Delete` of an object we published; the object becomes a `Tombstone`.
pub fn delete(id: &Url, actor: &Url, object: &Url, followers: &Url) -> Value {
    with_context(json!({
        "id": id, "type": "Delete", "actor": actor, "to": [super::AS_PUBLIC], "cc": [followers],
        "object": { "id": object, "type": "Tombstone" }
    }))
}

/// `Delete` of an actor by itself (account removal).
pub fn delete_actor(id: &Url, actor: &Url) -> Value {
    with_context(json!({ "id": id, "type": "Delete", "actor": actor, "to": [super::AS_PUBLIC], "object": actor }))
}

/// A `Follow` we received, rebuilt from what we stored (for approvals made later).
pub fn stored_follow(follow_ap_id: &str, follower: &str, territory_url: &str) -> Value {
    json!({ "id": follow_ap_id, "type": "Follow", "actor": follower, "object": territory_url })
}

pub fn undo(id: &Url, actor: &Url, object: &Value) -> Value {
    let mut inner = object.clone();
    if let Some(m) = inner.as_object_mut() {
        m.remove("@context");
    }
    with_context(json!({ "id": id, "type": "Undo", "actor": actor, "object": inner }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_errors() {
        assert!(parse_envelope(b"{not json").is_err());
        assert!(parse_envelope(b"[]").is_err());
        assert!(parse_envelope(br#"{"type":"Follow","actor":"https://a.example/u"}"#).is_err());
        assert!(parse_envelope(br#"{"id":"x","type":"Follow","actor":"https://a.example/u"}"#).is_err());
        assert!(parse_envelope(br#"{"id":"https://a.example/1","actor":"https://a.example/u"}"#).is_err());
        let e = parse_envelope(
            br#"{"id":"https://a.example/1","type":["Follow"],"actor":{"id":"https://a.example/u"},"object":"https://b.example/t"}"#,
        )
        .expect("test");
        assert_eq!(e.kind, "Follow");
        assert_eq!(e.actor.as_str(), "https://a.example/u");
    }
}
