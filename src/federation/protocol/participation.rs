//! Participation in a shared action, as Mobilizon sends and reads it: `Join {actor, object:
//! the Event id}`, `Leave {object: the Event id}`, and the organiser's `Accept`/`Reject` whose
//! `object` is the `Join`, embedded (Mobilizon matches the participation by it) and whose
//! `actor` manages the event (the organising territory). See docs/FEDERATION.md, "Events".

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{
    activities::{Kind, embedded, now},
    activity_context,
    inbound::Ref,
};

/// `Join` of an `Event` (Mobilizon: `participationMessage` may come along; not kept).
#[derive(Debug, Clone, Deserialize)]
pub struct Join {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
}

/// Friendica's RSVP: `Accept` (going), `TentativeAccept` (maybe) or `Reject` (not going) whose
/// object is the `Event` itself (its id or embedded), not a `Join`.
/// /work/shared/docs/interop-notes.md "Events"; https://www.w3.org/TR/activitystreams-vocabulary/#dfn-tentativeaccept
#[derive(Debug, Clone, Deserialize)]
pub struct Rsvp {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
}

/// `Leave` of an `Event`.
#[derive(Debug, Clone, Deserialize)]
pub struct Leave {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
}

/// The answer to a `Join`: `Accept` or `Reject` (with the reason in `summary` and `content`).
#[derive(Debug, Clone, Serialize)]
pub struct JoinAnswer {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub actor: String,
    pub published: String,
    pub to: Vec<String>,
    pub object: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// `Accept` (no reason) or `Reject` (with `reason`) of `join`, by `actor`, to the joiner.
pub fn answer_join(id: &Url, actor: &Url, join: &Value, reason: Option<&str>) -> Value {
    let answer = JoinAnswer {
        context: activity_context(),
        id: id.to_string(),
        kind: if reason.is_some() { Kind::Reject } else { Kind::Accept },
        actor: actor.to_string(),
        published: now(),
        to: join.get("actor").and_then(super::id_of).map(String::from).into_iter().collect(),
        object: embedded(join),
        summary: reason.map(String::from),
        content: reason.map(String::from),
    };
    super::activities::to_value(&answer)
}

/// A `Join` we received, rebuilt from what we stored (to answer it after a moderator decides).
#[derive(Debug, Clone, Serialize)]
pub struct StoredJoin {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub actor: String,
    pub object: String,
}

pub fn stored_join(join_ap_id: &str, actor: &str, event_id: &str) -> Value {
    super::activities::to_value(&StoredJoin {
        id: join_ap_id.to_string(),
        kind: "Join",
        actor: actor.to_string(),
        object: event_id.to_string(),
    })
}
