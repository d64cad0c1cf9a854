//! Co-organising a shared action across instances, and its evaluation, on the wire (issue 12,
//! points 7 and 8). No program we know of has these (Mobilizon's `Invite` is of a person to a
//! group), so we follow ActivityStreams' own vocabulary:
//!
//! - `Invite {actor: A, object: <the Event, embedded>, target: B, to: [B]}`: territory A
//!   invites territory B to co-organise (https://www.w3.org/TR/activitystreams-vocabulary/#dfn-invite);
//! - `Accept`/`Reject {actor: B, object: <the Invite, embedded>}`: B's answer;
//! - `Undo {actor: B, object: <its Accept>}`: B withdraws; `Remove {actor: A, object: B,
//!   target: <the Event>}`: A withdraws B (the `target` carries `type: Event`, which tells it
//!   from a pin's `Remove`);
//! - `cces:evaluation` on the `Event`: the organisers' evaluations after it ended.
//!
//! Shapes and choices: docs/FEDERATION.md, "Co-organisation" and "Maillage namespace".

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{
    activities::{Activity, Kind, embedded, to_value},
    event::EventKind,
    inbound::Ref,
};

/// `Invite` of `invitee` (a territory of another instance) to co-organise `event` (embedded).
pub fn invite(id: &Url, inviter: &str, event: &Value, invitee: &str) -> Value {
    let mut a = Activity::new(Kind::Invite, id, inviter, embedded(event));
    a.to = vec![invitee.to_string()];
    a.target = Some(invitee.to_string());
    a.to_json()
}

/// `Accept` (or `Reject`) by `invitee` of `invite` (embedded whole), to the inviter.
pub fn answer_invite(id: &Url, invitee: &str, invite: &Value, accept: bool) -> Value {
    let mut a = Activity::new(if accept { Kind::Accept } else { Kind::Reject }, id, invitee, embedded(invite));
    a.to = invite.get("actor").and_then(super::id_of).map(String::from).into_iter().collect();
    a.to_json()
}

/// An `Invite` we received, rebuilt from what we stored (embedded in our answer).
#[derive(Debug, Clone, Serialize)]
struct StoredInvite<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: Kind,
    actor: &'a str,
    object: &'a str,
    target: &'a str,
}

pub fn stored_invite(invite_ap_id: &str, inviter: &str, event_id: &str, invitee: &str) -> Value {
    to_value(&StoredInvite { id: invite_ap_id, kind: Kind::Invite, actor: inviter, object: event_id, target: invitee })
}

/// The id of our territory's `Accept` of an invitation: the same each time it is rebuilt (for
/// the `Undo` that withdraws it), on the territory's id as Mastodon ids its `Accept`s.
pub fn accept_id(territory: &str, invitation_id: i64) -> Result<Url, url::ParseError> {
    Url::parse(&format!("{territory}#accepts/invites/{invitation_id}"))
}

/// `Undo` of an `Accept` of an `Invite`: the invited territory withdraws.
pub fn undo_accept(id: &Url, invitee: &str, accept: &Value, inviter: &str) -> Value {
    let mut a = Activity::new(Kind::Undo, id, invitee, embedded(accept));
    a.to = vec![inviter.to_string()];
    a.to_json()
}

/// `Update` of the action's `Event` by a co-organising territory, to the action's origin only
/// (practical details it changed, or its evaluation): the origin checks and sends it on.
pub fn organizer_update(id: &Url, organizer: &str, event: &Value, origin: &str) -> Value {
    let mut a = Activity::new(Kind::Update, id, organizer, embedded(event));
    a.context = event.get("@context").cloned().or(a.context);
    a.to = vec![origin.to_string()];
    a.to_json()
}

/// The `target` of a [`remove_organizer`]: the action, named with its type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRef {
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
struct RemoveOrganizer {
    #[serde(rename = "@context")]
    context: Value,
    id: String,
    #[serde(rename = "type")]
    kind: Kind,
    actor: String,
    published: String,
    to: Vec<String>,
    object: String,
    target: EventRef,
}

/// `Remove` of the co-organiser `organizer` from the action `event_id`, by its origin.
pub fn remove_organizer(id: &Url, origin: &str, organizer: &str, event_id: &str) -> Value {
    to_value(&RemoveOrganizer {
        context: super::activity_context(),
        id: id.to_string(),
        kind: Kind::Remove,
        actor: origin.into(),
        published: super::activities::now(),
        to: vec![organizer.into()],
        object: organizer.into(),
        target: EventRef { kind: EventKind::Event, id: event_id.into() },
    })
}

/// A received `Invite`: the `Event` embedded (or its id: then fetched), the invited territory.
#[derive(Debug, Clone, Deserialize)]
pub struct Invite {
    pub id: Url,
    pub actor: Ref,
    pub object: Value,
    #[serde(default)]
    pub target: Option<Ref>,
}

/// A received `Accept`/`Reject` of one of our `Invite`s (embedded, or its id).
#[derive(Debug, Clone, Deserialize)]
pub struct AnswerInvite {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
}

/// A received `Remove` of a co-organiser from an action.
#[derive(Debug, Clone, Deserialize)]
pub struct RemoveOrganizerIn {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
    pub target: EventRef,
}

/// An `Accept`/`Reject` whose object is an `Invite`.
pub fn is_invite_answer(object: &Value) -> bool {
    object.get("type").and_then(Value::as_str) == Some("Invite")
}

/// A `Remove` whose target is an `Event`.
pub fn is_organizer_removal(raw: &Value) -> bool {
    raw.get("target").and_then(|t| t.get("type")).and_then(Value::as_str) == Some("Event")
}

/// One organiser's evaluation of an action, in the `Event`'s `cces:evaluation` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationJson {
    #[serde(rename = "type")]
    pub kind: EvaluationKind,
    /// The organising territory that wrote it.
    #[serde(rename = "attributedTo")]
    pub attributed_to: String,
    /// How many took part, as it counts them.
    #[serde(rename = "cces:participants", default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<i64>,
    /// Actor ids of the structures involved.
    #[serde(rename = "cces:structures", default)]
    pub structures: Vec<String>,
    /// Plain text.
    #[serde(default)]
    pub summary: String,
    #[serde(rename = "cces:indicators", default)]
    pub indicators: Vec<IndicatorJson>,
    pub updated: String,
    /// The participants' feedback its instance collected (answers, mean rating); absent
    /// without answers. The texts never travel.
    /// Lenient: a summary of another shape reads as absent (the evaluation is kept).
    #[serde(
        rename = "cces:feedback",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::received_object::lenient"
    )]
    pub feedback: Option<FeedbackJson>,
}

/// The summary of the participants' feedback form (ratings from 1 to 5).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeedbackJson {
    #[serde(rename = "cces:answers")]
    pub answers: i64,
    /// The mean rating, one decimal.
    #[serde(rename = "cces:meanRating")]
    pub mean_rating: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvaluationKind {
    #[serde(rename = "cces:Evaluation")]
    Evaluation,
}

/// An indicator of an evaluation: as practices' (`name`, numeric `value`, `unit`, `period`),
/// with its dimension and, when it is one, the shared vocabulary's reference id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorJson {
    #[serde(rename = "cces:dimension")]
    pub dimension: String,
    pub name: String,
    pub value: f64,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub period: String,
    #[serde(rename = "cces:indicator", default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_answer_and_removal_shapes() {
        let id = Url::parse("https://a.example/activities/1").expect("test");
        let event = serde_json::json!({"@context": "x", "id": "https://a.example/t/a/actions/1", "type": "Event"});
        let inv = invite(&id, "https://a.example/t/a", &event, "https://b.example/t/b");
        assert_eq!((inv["type"].as_str(), inv["target"].as_str()), (Some("Invite"), Some("https://b.example/t/b")));
        assert!(inv["object"].get("@context").is_none(), "embedded without its context");
        let ok = answer_invite(&id, "https://b.example/t/b", &inv, true);
        assert!(is_invite_answer(&ok["object"]));
        assert_eq!(ok["to"], serde_json::json!(["https://a.example/t/a"]));
        let rm =
            remove_organizer(&id, "https://a.example/t/a", "https://b.example/t/b", "https://a.example/t/a/actions/1");
        assert!(is_organizer_removal(&rm));
        let parsed: RemoveOrganizerIn = serde_json::from_value(rm).expect("reads back");
        assert_eq!(parsed.object.id(), "https://b.example/t/b");
    }
}
