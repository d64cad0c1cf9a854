//! What an incoming activity is: one arm of [`Inbound`] per kind we handle, each carrying the
//! serde struct its body deserialises into (no storage, no side effect here). The inbox
//! verifies and applies each arm in `federation::activities` (one file per activity, a
//! `verify` then a `receive` step, as Lemmy's `ActivityHandler`).
//!
//! A known type whose body does not have the shape it needs is a 400; a type we do not
//! handle is `Unknown`: logged and answered 202 (ActivityPub 7: a server ignores what it does
//! not understand).
//!
//! Adding an activity (`Join`, `Leave`, `Invite`, `Flag`): its struct and one line in
//! [`Inbound::parse`] here, its handler file in `federation/activities/` and one line in
//! `activities::receive`.

use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::Value;
use url::Url;

pub use super::coorganisation::{AnswerInvite, Invite, RemoveOrganizerIn};
pub use super::flag::Flag;
pub use super::participation::{Join, Leave, Rsvp};
use super::{
    activities::Envelope, actor::RemoteActorJson, id_of, received_article::ArticleObject, received_event::EventObject,
    received_note::NoteObject,
};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone)]
pub enum Inbound {
    Follow(Follow),
    Accept(AnswerFollow),
    Reject(AnswerFollow),
    Undo(Undo),
    /// `Create`/`Update` of an `Article` (or Lemmy's `Page`): a practice.
    Article(Box<CreateArticle>),
    /// `Create`/`Update` of an `Event`: a shared action.
    Event(Box<CreateEvent>),
    /// `Announce` of a `Create`/`Update` of an `Event`, or of a `Delete` of one: a group
    /// relaying its author's activity on a shared action.
    AnnounceEvent(AnnounceEvent),
    /// `Delete` of an `Event` (a `Tombstone` whose `formerType` is `Event`).
    DeleteEvent(DeleteEvent),
    /// `Create`/`Update` of a `Note` (or `Comment`): a reply.
    Note(Box<CreateNote>),
    /// `Update` of an actor by itself (new name, new key, new inbox).
    UpdateActor(Box<UpdateActor>),
    Delete(Delete),
    /// `Announce` of a `Create`/`Update` of an `Article`, or of a `Delete`: a group relaying its
    /// author's activity on a practice (FEP-1b12).
    AnnouncePractice(AnnouncePractice),
    /// `Announce` by a territory of another Maillage of its author's `Create`/`Update` of a
    /// `Note` that answers nothing: one of its announcements (its `Delete` comes as
    /// [`Inbound::AnnouncePractice`]'s).
    AnnounceNews(AnnounceNews),
    /// Any other `Announce`: a boost, an adoption, or a group relaying a comment.
    Announce(Announce),
    Like(Like),
    /// `Join` of a shared action (Mobilizon).
    Join(Join),
    /// `Leave` of a shared action (Mobilizon).
    Leave(Leave),
    /// `Accept`/`TentativeAccept`/`Reject` of an `Event` (Friendica's RSVP). An `Accept` or
    /// `Reject` naming the event by id only comes as `Accept`/`Reject` and is told apart there
    /// (by the id being one of our actions).
    Rsvp(Rsvp),
    /// `Move` of an actor to its new address (a territory that changed instance).
    Move(super::moves::Move),
    /// `Flag`: a report (Mastodon, Lemmy, Misskey, GoToSocial).
    Flag(Flag),
    /// `Invite` of one of our territories to co-organise a shared action.
    Invite(Invite),
    /// `Accept`/`Reject` of an `Invite` one of our territories sent.
    AnswerInvite(AnswerInvite),
    /// `Remove` of a co-organiser from a shared action, by its origin.
    RemoveOrganizer(RemoveOrganizerIn),
    /// `Create`/`Update` of a territory's observatory figures (`cces:Aggregate`).
    Aggregate(Box<super::aggregate::CreateAggregate>),
    /// A type we do not handle (or an `Update` of something we do not keep).
    Unknown,
}

/// A reference as JSON-LD writes it: the id itself, or an object carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Ref {
    Id(String),
    Object { id: String },
}

impl Ref {
    pub fn id(&self) -> &str {
        match self {
            Ref::Id(id) | Ref::Object { id } => id,
        }
    }
}

/// `type` as JSON-LD allows it: a string, or a list whose first string names it.
fn first_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Array(a)) => a.iter().find_map(Value::as_str).map(String::from),
        _ => None,
    })
}

/// `Follow` of one of our actors (a territory or a signatory).
/// https://www.w3.org/TR/activitypub/#follow-activity-inbox
#[derive(Debug, Clone, Deserialize)]
pub struct Follow {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
}

/// `Accept` or `Reject` of a Follow one of our territories sent.
#[derive(Debug, Clone, Deserialize)]
pub struct AnswerFollow {
    pub id: Url,
    pub actor: Ref,
    #[serde(default)]
    pub object: Option<AnsweredFollow>,
}

/// The Follow answered: named by id (most servers), or embedded with its actor (then the
/// embedded id may be another than ours: some older software).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AnsweredFollow {
    Id(String),
    Embedded {
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        actor: Option<Ref>,
    },
}

/// `Undo` of a `Follow`, `Like` or `Announce`, embedded (Mastodon, Lemmy) or named by id.
/// https://www.w3.org/TR/activitypub/#undo-activity-inbox
#[derive(Debug, Clone, Deserialize)]
pub struct Undo {
    pub id: Url,
    pub actor: Ref,
    #[serde(default)]
    pub object: Option<Undone>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Undone {
    Id(String),
    Embedded(UndoneActivity),
}

#[derive(Debug, Clone, Deserialize)]
pub struct UndoneActivity {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "first_type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub actor: Option<Ref>,
    #[serde(default)]
    pub object: Option<Ref>,
}

impl Undo {
    /// The id of the undone activity, however it is given.
    pub fn undone_id(&self) -> Option<&str> {
        match &self.object {
            Some(Undone::Id(id)) => Some(id),
            Some(Undone::Embedded(a)) => a.id.as_deref(),
            None => None,
        }
    }

    pub fn undone(&self) -> Option<&UndoneActivity> {
        match &self.object {
            Some(Undone::Embedded(a)) => Some(a),
            _ => None,
        }
    }
}

/// `Create`/`Update` of an `Article` or `Page`. The object's content is read by
/// `activities::article::store_article`, which also reads the Articles fetched from outboxes.
#[derive(Debug, Clone, Deserialize)]
pub struct CreateArticle {
    pub id: Url,
    pub actor: Ref,
    pub object: ArticleObject,
}

/// `Create`/`Update` of an `Event` (a shared action). Its object is read by
/// `activities::event`, whatever program sent it (Maillage, Mobilizon, Gancio).
#[derive(Debug, Clone, Deserialize)]
pub struct CreateEvent {
    pub id: Url,
    pub actor: Ref,
    pub object: EventObject,
}

/// `Announce` by a group of its author's `Create`/`Update`/`Delete` of an `Event`.
#[derive(Debug, Clone, Deserialize)]
pub struct AnnounceEvent {
    pub id: Url,
    pub actor: Ref,
    pub object: AnnouncedActivity,
}

/// `Delete` whose object is a `Tombstone` of an `Event`.
#[derive(Debug, Clone, Deserialize)]
pub struct DeleteEvent {
    pub id: Url,
    pub actor: Ref,
    pub object: Ref,
}

/// `Create`/`Update` of a `Note` or `Comment`. Its object is read by
/// `activities::conversation`, as the Notes fetched or embedded in an `Announce` are.
#[derive(Debug, Clone, Deserialize)]
pub struct CreateNote {
    pub id: Url,
    pub actor: Ref,
    pub object: NoteObject,
}

/// `Update` of an actor by itself.
#[derive(Debug, Clone, Deserialize)]
pub struct UpdateActor {
    pub id: Url,
    pub actor: Ref,
    pub object: RemoteActorJson,
}

/// `Delete` of a practice, a comment, or the actor itself.
/// https://www.w3.org/TR/activitypub/#delete-activity-inbox
#[derive(Debug, Clone, Deserialize)]
pub struct Delete {
    pub id: Url,
    pub actor: Ref,
    #[serde(default)]
    pub object: Option<Ref>,
}

/// `Announce` by a group of an activity of its author on a practice (FEP-1b12).
#[derive(Debug, Clone, Deserialize)]
pub struct AnnouncePractice {
    pub id: Url,
    pub actor: Ref,
    pub object: AnnouncedActivity,
}

/// `Announce` by a group of its author's `Create`/`Update` of an announcement (a `Note`).
#[derive(Debug, Clone, Deserialize)]
pub struct AnnounceNews {
    pub id: Url,
    pub actor: Ref,
    pub object: AnnouncedActivity,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AnnouncedActivity {
    #[serde(rename = "type", default, deserialize_with = "first_type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub actor: Option<Ref>,
    /// The `Article` of a `Create`/`Update`, the id (or `Tombstone`) of a `Delete`.
    #[serde(default)]
    pub object: Value,
}

/// `Announce` of a practice (a boost; with `cces:adoptionNote`, an adoption) or of a comment
/// (a group relaying it, its `Create` embedded or its id).
#[derive(Debug, Clone, Deserialize)]
pub struct Announce {
    pub id: Url,
    pub actor: Ref,
    #[serde(default)]
    pub object: Value,
    #[serde(rename = "cces:adoptionNote", default)]
    pub adoption_note: Option<Value>,
}

impl Announce {
    /// What is announced: the object of an embedded `Create`, or the object itself.
    pub fn announced(&self) -> &Value {
        match self.object.get("type").and_then(Value::as_str) {
            Some("Create") => self.object.get("object").unwrap_or(&Value::Null),
            _ => &self.object,
        }
    }
}

/// `Like` of a practice.
#[derive(Debug, Clone, Deserialize)]
pub struct Like {
    pub id: Url,
    pub actor: Ref,
    #[serde(default)]
    pub object: Option<Ref>,
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

/// A group's `Announce` of a `Create`/`Update` of a `Note` that is no reply (its news).
pub fn is_announced_news(object: &Value) -> bool {
    let inner = object.get("object").unwrap_or(&Value::Null);
    matches!(object.get("type").and_then(Value::as_str), Some("Create" | "Update"))
        && is_note(inner)
        && inner.get("inReplyTo").is_none_or(Value::is_null)
}

/// An `Update` whose object is its actor's own document.
fn is_actor_update(env: &Envelope) -> bool {
    env.object.is_object() && id_of(&env.object) == Some(env.actor.as_str())
}

impl Inbound {
    /// The arm `env` is, with its body deserialised; 400 when a known type lacks its shape.
    pub fn parse(env: &Envelope) -> AppResult<Inbound> {
        let o = &env.object;
        Ok(match env.kind.as_str() {
            "Create" | "Update" if is_article(o) => Inbound::Article(Box::new(body(env)?)),
            "Create" | "Update" if is_note(o) => Inbound::Note(Box::new(body(env)?)),
            "Create" | "Update" if is_event(o) => Inbound::Event(Box::new(body(env)?)),
            "Create" | "Update" if super::aggregate::is_aggregate(o) => Inbound::Aggregate(Box::new(body(env)?)),
            "Delete" if is_event_tombstone(o) => Inbound::DeleteEvent(body(env)?),
            "Announce" if is_announced_event(o) => Inbound::AnnounceEvent(body(env)?),
            "Update" if is_actor_update(env) => Inbound::UpdateActor(Box::new(body(env)?)),
            "Announce" if is_announced_practice(o) => Inbound::AnnouncePractice(body(env)?),
            "Announce" if is_announced_news(o) => Inbound::AnnounceNews(body(env)?),
            "Announce" => Inbound::Announce(body(env)?),
            "Like" => Inbound::Like(body(env)?),
            "Accept" | "Reject" | "TentativeAccept" if is_event(o) => Inbound::Rsvp(body(env)?),
            "TentativeAccept" => Inbound::Rsvp(body(env)?),
            "Join" => Inbound::Join(body(env)?),
            "Leave" => Inbound::Leave(body(env)?),
            "Flag" => Inbound::Flag(body(env)?),
            "Invite" => Inbound::Invite(body(env)?),
            "Accept" | "Reject" if super::coorganisation::is_invite_answer(o) => Inbound::AnswerInvite(body(env)?),
            "Remove" if super::coorganisation::is_organizer_removal(&env.raw) => Inbound::RemoveOrganizer(body(env)?),
            "Follow" => Inbound::Follow(body(env)?),
            "Undo" => Inbound::Undo(body(env)?),
            "Accept" => Inbound::Accept(body(env)?),
            "Reject" => Inbound::Reject(body(env)?),
            "Delete" => Inbound::Delete(body(env)?),
            "Move" => Inbound::Move(body(env)?),
            _ => Inbound::Unknown,
        })
    }
}

fn body<T: DeserializeOwned>(env: &Envelope) -> AppResult<T> {
    T::deserialize(&env.raw).map_err(|e| AppError::BadRequest(format!("malformed {}: {e}", env.kind)))
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;
