//! Conversations around practices on the wire: a territory's comment (`Note` in reply to an
//! `Article`), the group's `Announce` of members' comments (FEP-1b12), and adoption, an
//! `Announce` of the practice carrying `cces:adoptionNote`.

use serde_json::Value;
use url::Url;

use super::{
    AS_PUBLIC, CCES_NS,
    activities::{Activity, Kind, Note, NoteKind, Tag, TagKind, to_value},
};

/// The key whose presence marks an `Announce` of a practice as an adoption (not a mere boost).
pub const ADOPTION_NOTE: &str = "cces:adoptionNote";

/// A comment written by a territory: public, addressed to the practice's territory (which
/// redistributes it) and to the writer's followers; `tag` mentions the practice's territory so
/// that Mastodon shows it in the right thread and notifies it.
pub struct CommentNote<'a> {
    pub id: &'a Url,
    pub author: &'a Url,
    pub author_followers: &'a Url,
    pub in_reply_to: &'a str,
    pub practice_origin: &'a str,
    pub origin_handle: &'a str,
    pub content_html: &'a str,
    pub published: &'a str,
}

impl CommentNote<'_> {
    pub fn note(&self) -> Note {
        Note {
            context: None,
            id: self.id.to_string(),
            kind: NoteKind::Note,
            attributed_to: self.author.to_string(),
            in_reply_to: Some(self.in_reply_to.to_string()),
            content: self.content_html.to_string(),
            media_type: Some("text/html".into()),
            url: self.id.to_string(),
            published: self.published.to_string(),
            to: vec![AS_PUBLIC.to_string()],
            cc: vec![self.practice_origin.to_string(), self.author_followers.to_string()],
            audience: Some(self.practice_origin.to_string()),
            tag: Some(vec![Tag {
                kind: TagKind::Mention,
                name: format!("@{}", self.origin_handle),
                href: Some(self.practice_origin.to_string()),
            }]),
        }
    }

    pub fn to_json(&self) -> Value {
        to_value(&self.note())
    }

    pub fn create(&self, activity_id: &Url) -> Value {
        let mut create = Activity::new(Kind::Create, activity_id, self.author, self.note())
            .public(&[&self.practice_origin, self.author_followers]);
        create.published = Some(self.published.to_string());
        create.to_json()
    }
}

/// The territory's `Announce` of `object`, public, to its followers (and `also`).
fn group_announce<O>(id: &Url, actor: &Url, object: O, followers: &Url, also: Option<&str>) -> Activity<O> {
    let mut cc: Vec<&dyn ToString> = vec![followers];
    if let Some(a) = &also {
        cc.push(a);
    }
    let mut announce = Activity::new(Kind::Announce, id, actor, object).public(&cc);
    announce.audience = Some(actor.to_string());
    announce
}

/// `Announce` of an object by a territory to its followers. Mastodon cannot read
/// `Announce(Create(…))`, so the object itself is announced, by id: receivers fetch it from its
/// own server rather than trust a copy. `also`: another recipient in `cc`.
pub fn announce(id: &Url, actor: &Url, object: &str, followers: &Url, also: Option<&str>) -> Value {
    group_announce(id, actor, object, followers, also).to_json()
}

/// `Announce` by a territory of a member's activity, embedded (FEP-1b12: what Lemmy communities
/// send, and the only form Lemmy reads a comment's redistribution in), without its `@context`
/// and blind copies.
/// https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md
pub fn announce_activity(id: &Url, actor: &Url, activity: &Value, followers: &Url) -> Value {
    let mut inner = activity.clone();
    if let Some(m) = inner.as_object_mut() {
        for k in ["@context", "bto", "bcc"] {
            m.remove(k);
        }
    }
    group_announce(id, actor, inner, followers, None).to_json()
}

/// `Undo` of a territory's `Announce` of `object` (a hidden comment, a withdrawn adoption).
pub fn undo_announce(id: &Url, actor: &Url, announce: &str, object: &str, followers: &Url) -> Value {
    let mut inner = Activity::new(Kind::Announce, announce, actor, object).public(&[followers]);
    (inner.context, inner.published) = (None, None);
    Activity::new(Kind::Undo, id, actor, inner).public(&[followers]).to_json()
}

/// A territory adopts another's practice: an `Announce` (followers see it as a boost) to the
/// practice's territory, with how it adapted it.
pub fn adoption(id: &Url, actor: &Url, practice: &str, origin: &str, followers: &Url, note: &str) -> Value {
    let mut a = group_announce(id, actor, practice, followers, Some(origin));
    a.context = Some(adoption_context());
    a.adoption_note = Some(note.to_string());
    a.to_json()
}

/// The `@context` of an adoption: ActivityStreams and the CCES terms.
fn adoption_context() -> Value {
    Value::Array(vec![
        Value::String("https://www.w3.org/ns/activitystreams".into()),
        Value::Object(serde_json::Map::from_iter([("cces".to_string(), Value::String(CCES_NS.into()))])),
    ])
}
