//! What an incoming activity is, read from its shape alone (no storage, no side effect): the
//! inbox dispatches on [`Inbound`] with one arm per kind, each handled by one receiver in
//! `federation::activities`. Types we do not handle are `Unknown`: logged and answered 202
//! (ActivityPub 7: a server ignores what it does not understand).

use serde_json::Value;

use super::activities::Envelope;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inbound {
    /// `Create`/`Update` of an `Article` (or Lemmy's `Page`): a practice.
    Article,
    /// `Create`/`Update` of an `Event`: a shared action.
    Event,
    /// `Announce` of a `Create`/`Update` of an `Event`, or of a `Delete` of one: a group
    /// relaying its author's activity on a shared action.
    AnnouncedEvent,
    /// `Delete` of an `Event` (a `Tombstone` whose `formerType` is `Event`).
    EventDelete,
    /// `Create`/`Update` of a `Note` (or `Comment`): a reply.
    Note,
    /// `Update` of anything else: an actor refreshing itself.
    Update,
    /// `Announce` of a `Create`/`Update` of an `Article`, or of a `Delete`: a group relaying its
    /// author's activity on a practice (FEP-1b12).
    AnnouncedPractice,
    /// Any other `Announce`: a boost, an adoption, or a group relaying a comment.
    Announce,
    Like,
    Follow,
    Undo,
    Accept,
    Reject,
    Delete,
    Unknown,
}

pub fn is_article(object: &Value) -> bool {
    matches!(object.get("type").and_then(Value::as_str), Some("Article" | "Page"))
}

pub fn is_note(object: &Value) -> bool {
    matches!(object.get("type").and_then(Value::as_str), Some("Note" | "Comment"))
}

pub fn is_event(object: &Value) -> bool {
    object.get("type").and_then(Value::as_str) == Some("Event")
}

/// A `Tombstone` of an `Event` (what Maillage and Gancio read as its deletion).
pub fn is_event_tombstone(object: &Value) -> bool {
    object.get("formerType").and_then(Value::as_str) == Some("Event")
}

/// A group's `Announce` of an activity on a shared action.
pub fn is_announced_event(object: &Value) -> bool {
    let inner = object.get("object").unwrap_or(&Value::Null);
    match object.get("type").and_then(Value::as_str) {
        Some("Create" | "Update") => is_event(inner),
        Some("Delete") => is_event_tombstone(inner),
        _ => false,
    }
}

/// A group's `Announce` of an activity on a practice: `Create`/`Update` of an `Article`, `Delete`.
pub fn is_announced_practice(object: &Value) -> bool {
    match object.get("type").and_then(Value::as_str) {
        Some("Create" | "Update") => object.get("object").is_some_and(is_article),
        Some("Delete") => true,
        _ => false,
    }
}

impl Inbound {
    pub fn of(env: &Envelope) -> Inbound {
        let o = &env.object;
        match env.kind.as_str() {
            "Create" | "Update" if is_article(o) => Inbound::Article,
            "Create" | "Update" if is_note(o) => Inbound::Note,
            "Create" | "Update" if is_event(o) => Inbound::Event,
            "Delete" if is_event_tombstone(o) => Inbound::EventDelete,
            "Announce" if is_announced_event(o) => Inbound::AnnouncedEvent,
            "Update" => Inbound::Update,
            "Announce" if is_announced_practice(o) => Inbound::AnnouncedPractice,
            "Announce" => Inbound::Announce,
            "Like" => Inbound::Like,
            "Follow" => Inbound::Follow,
            "Undo" => Inbound::Undo,
            "Accept" => Inbound::Accept,
            "Reject" => Inbound::Reject,
            "Delete" => Inbound::Delete,
            _ => Inbound::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::federation::protocol::activities::parse_envelope;

    fn kind(v: Value) -> Inbound {
        Inbound::of(&parse_envelope(v.to_string().as_bytes()).expect("envelope"))
    }

    #[test]
    fn each_shape_has_one_kind() {
        let a = |t: &str, o: Value| json!({"id": "https://x.example/a", "type": t, "actor": "https://x.example/u", "object": o});
        assert_eq!(kind(a("Create", json!({"type": "Article"}))), Inbound::Article);
        assert_eq!(kind(a("Update", json!({"type": "Page"}))), Inbound::Article);
        assert_eq!(kind(a("Create", json!({"type": "Note"}))), Inbound::Note);
        assert_eq!(kind(a("Create", json!({"type": "Question"}))), Inbound::Unknown);
        assert_eq!(kind(a("Update", json!({"type": "Person"}))), Inbound::Update);
        assert_eq!(
            kind(a("Announce", json!({"type": "Create", "object": {"type": "Page"}}))),
            Inbound::AnnouncedPractice
        );
        assert_eq!(kind(a("Announce", json!({"type": "Delete"}))), Inbound::AnnouncedPractice);
        assert_eq!(kind(a("Announce", json!({"type": "Create", "object": {"type": "Note"}}))), Inbound::Announce);
        assert_eq!(kind(a("Announce", json!("https://x.example/n"))), Inbound::Announce);
        assert_eq!(kind(a("Delete", json!("https://x.example/n"))), Inbound::Delete);
        assert_eq!(kind(a("Create", json!({"type": "Event"}))), Inbound::Event);
        assert_eq!(kind(a("Delete", json!({"type": "Tombstone", "formerType": "Event"}))), Inbound::EventDelete);
        assert_eq!(
            kind(a("Announce", json!({"type": "Update", "object": {"type": "Event"}}))),
            Inbound::AnnouncedEvent
        );
        assert_eq!(
            kind(a("Announce", json!({"type": "Delete", "object": {"type": "Tombstone", "formerType": "Event"}}))),
            Inbound::AnnouncedEvent
        );
        assert_eq!(kind(a("Move", json!("https://x.example/n"))), Inbound::Unknown);
        assert_eq!(kind(a("EmojiReact", json!("https://x.example/n"))), Inbound::Unknown);
    }
}
