//! Activities: the envelope every incoming activity must have, and the typed shapes of the ones
//! we send, built from plain values.

use serde::{Deserialize, Serialize};
use serde_json::Value;
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

/// The activity types Maillage sends (and `Like`, which only the benchmarks send).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Follow,
    Accept,
    Reject,
    Create,
    Update,
    Delete,
    Undo,
    Announce,
    Add,
    Remove,
    Like,
    Move,
    /// An invitation to co-organise a shared action (docs/FEDERATION.md, "Co-organisation").
    Invite,
}

/// An activity as Maillage sends it, around an object `O` (an id, an embedded activity or
/// object). Absent parts are left out of the JSON, not sent as `null` or `[]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity<O = Value> {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub actor: String,
    /// Every activity we send says when (GoToSocial warns about an "unusable published
    /// property"); only the activities we embed again (a stored Follow, an undone Announce) lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    pub object: O,
    /// The collection an `Add` or `Remove` changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// What an adopting territory says of its adoption (an `Announce`).
    #[serde(rename = "cces:adoptionNote", default, skip_serializing_if = "Option::is_none")]
    pub adoption_note: Option<String>,
}

impl<O> Activity<O> {
    /// A new activity sent now: the ActivityStreams context, `published` now, no addressing.
    pub fn new(kind: Kind, id: impl ToString, actor: impl ToString, object: O) -> Activity<O> {
        Activity {
            context: Some(activity_context()),
            id: id.to_string(),
            kind,
            actor: actor.to_string(),
            published: Some(now()),
            to: vec![],
            cc: vec![],
            audience: None,
            object,
            target: None,
            adoption_note: None,
        }
    }

    /// Public, and to `cc` (the followers first).
    pub fn public(mut self, cc: &[&dyn ToString]) -> Activity<O> {
        self.to = vec![super::AS_PUBLIC.to_string()];
        self.cc = cc.iter().map(|c| c.to_string()).collect();
        self
    }
}

impl<O: Serialize> Activity<O> {
    /// The JSON sent (and stored for delivery).
    pub fn to_json(&self) -> Value {
        to_value(self)
    }
}

/// Any of our wire structs as JSON: they hold only strings, numbers and JSON values, so
/// serialising cannot fail; `Null` would show in the golden files if it ever did.
pub fn to_value(v: &impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A deleted object as a `Delete` carries it (no `@context`: the activity's applies).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tombstone {
    /// Only when served at its own id (a `Delete` carries it without).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: TombstoneKind,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum TombstoneKind {
    Tombstone,
}

impl Tombstone {
    pub fn of(id: impl ToString) -> Tombstone {
        Tombstone { context: None, id: id.to_string(), kind: TombstoneKind::Tombstone }
    }
}

/// A public `Note` by a territory (welcome notes, comments, pins).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: NoteKind,
    pub attributed_to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub url: String,
    pub published: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Vec<Tag>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum NoteKind {
    Note,
}

/// A `Hashtag` or a `Mention`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tag {
    #[serde(rename = "type")]
    pub kind: TagKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagKind {
    Hashtag,
    Mention,
}

/// `object` without its `@context`, to embed in another activity.
pub fn embedded(object: &Value) -> Value {
    let mut inner = object.clone();
    if let Some(m) = inner.as_object_mut() {
        m.remove("@context");
    }
    inner
}

pub fn follow(id: &Url, actor: &Url, object: &Url) -> Value {
    Activity::new(Kind::Follow, id, actor, object.as_str()).to_json()
}

/// `Accept` or `Reject` of a Follow. The Follow is embedded whole: Mastodon matches it by id,
/// others by actor and object. `kind` is `"Reject"` or else an `Accept` is sent (the callers
/// name the answer as the activity does).
pub fn answer_follow(kind: &str, id: &Url, actor: &Url, follow: &Value) -> Value {
    let kind = if kind == "Reject" { Kind::Reject } else { Kind::Accept };
    let mut answer = Activity::new(kind, id, actor, embedded(follow));
    answer.to = follow.get("actor").and_then(id_of).map(String::from).into_iter().collect();
    answer.to_json()
}

/// `Move` of `actor` to `target`, as Mastodon's account migration sends it (object: the old
/// actor itself; <https://docs.joinmastodon.org/spec/activitypub/#Move>), public, to the
/// followers.
pub fn move_actor(id: &Url, actor: &Url, target: &Url, followers: &Url) -> Value {
    let mut activity = Activity::new(Kind::Move, id, actor, actor.to_string()).public(&[followers]);
    activity.target = Some(target.to_string());
    activity.to_json()
}

/// `Update` of an object (here: a territory's actor document), public, to the followers.
pub fn update(id: &Url, actor: &Url, object: &Value, followers: &Url) -> Value {
    Activity::new(Kind::Update, id, actor, embedded(object)).public(&[followers]).to_json()
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
    let note = Note {
        context: None,
        id: note_id.to_string(),
        kind: NoteKind::Note,
        attributed_to: actor.to_string(),
        in_reply_to: None,
        content: content_html.to_string(),
        media_type: None,
        url: url.to_string(),
        published: published.to_string(),
        to: vec![super::AS_PUBLIC.to_string()],
        cc: vec![followers.to_string()],
        audience: Some(actor.to_string()),
        tag: None,
    };
    let mut create = Activity::new(Kind::Create, id, actor, note).public(&[followers]);
    create.published = Some(published.to_string());
    create.to_json()
}

/// `Delete` of an object we published; the object becomes a `Tombstone`.
pub fn delete(id: &Url, actor: &Url, object: &Url, followers: &Url) -> Value {
    Activity::new(Kind::Delete, id, actor, Tombstone::of(object)).public(&[followers]).to_json()
}

/// `Delete` of an actor by itself (account removal).
pub fn delete_actor(id: &Url, actor: &Url) -> Value {
    let mut delete = Activity::new(Kind::Delete, id, actor, actor.as_str());
    delete.to = vec![super::AS_PUBLIC.to_string()];
    delete.to_json()
}

/// A `Follow` we received, rebuilt from what we stored (for approvals made later).
pub fn stored_follow(follow_ap_id: &str, follower: &str, territory_url: &str) -> Value {
    let mut follow = Activity::new(Kind::Follow, follow_ap_id, follower, territory_url);
    (follow.context, follow.published) = (None, None);
    follow.to_json()
}

pub fn undo(id: &Url, actor: &Url, object: &Value) -> Value {
    Activity::new(Kind::Undo, id, actor, embedded(object)).to_json()
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
