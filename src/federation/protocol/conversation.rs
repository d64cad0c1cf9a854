//! Conversations around practices on the wire: a territory's comment (`Note` in reply to an
//! `Article`), the group's `Announce` of members' comments (FEP-1b12), and adoption, an
//! `Announce` of the practice carrying `cces:adoptionNote`.

use serde_json::{Value, json};
use url::Url;

use super::{AS_PUBLIC, CCES_NS, activity_context};

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
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "type": "Note", "attributedTo": self.author, "inReplyTo": self.in_reply_to,
            "content": self.content_html, "mediaType": "text/html", "url": self.id,
            "published": self.published,
            "to": [AS_PUBLIC], "cc": [self.practice_origin, self.author_followers],
            "audience": self.practice_origin,
            "tag": [{"type": "Mention", "href": self.practice_origin, "name": format!("@{}", self.origin_handle)}],
        })
    }

    pub fn create(&self, activity_id: &Url) -> Value {
        json!({
            "@context": activity_context(), "id": activity_id, "type": "Create", "actor": self.author,
            "published": self.published, "to": [AS_PUBLIC], "cc": [self.practice_origin, self.author_followers],
            "object": self.to_json(),
        })
    }
}

/// `Announce` of an object by a territory to its followers. Mastodon cannot read
/// `Announce(Create(…))`, so the object itself is announced, by id: receivers fetch it from its
/// own server rather than trust a copy.
pub fn announce(id: &Url, actor: &Url, object: &str, followers: &Url, also: Option<&str>) -> Value {
    let mut cc = vec![json!(followers)];
    if let Some(a) = also {
        cc.push(json!(a));
    }
    json!({
        "@context": activity_context(), "id": id, "type": "Announce", "actor": actor, "object": object,
        "published": super::activities::now(), "to": [AS_PUBLIC], "cc": cc, "audience": actor,
    })
}

/// `Announce` by a territory of a member's activity, embedded (FEP-1b12: what Lemmy communities
/// send, and the only form Lemmy reads a comment's redistribution in).
/// https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md
pub fn announce_activity(id: &Url, actor: &Url, activity: &Value, followers: &Url) -> Value {
    let mut inner = activity.clone();
    if let Some(m) = inner.as_object_mut() {
        // Blind copies stay blind (ActivityPub 6: `bto` and `bcc` are removed before delivery).
        for k in ["@context", "bto", "bcc"] {
            m.remove(k);
        }
    }
    json!({
        "@context": activity_context(), "id": id, "type": "Announce", "actor": actor, "object": inner,
        "published": super::activities::now(), "to": [AS_PUBLIC], "cc": [followers], "audience": actor,
    })
}

/// `Undo` of a territory's `Announce` of `object` (a hidden comment, a withdrawn adoption).
pub fn undo_announce(id: &Url, actor: &Url, announce: &str, object: &str, followers: &Url) -> Value {
    let inner = json!({
        "id": announce, "type": "Announce", "actor": actor, "object": object, "to": [AS_PUBLIC], "cc": [followers]
    });
    let mut undo = super::activities::undo(id, actor, &inner);
    undo["to"] = json!([AS_PUBLIC]);
    undo["cc"] = json!([followers]);
    undo
}

/// A territory adopts another's practice: an `Announce` (followers see it as a boost) to the
/// practice's territory, with how it adapted it.
pub fn adoption(id: &Url, actor: &Url, practice: &str, origin: &str, followers: &Url, note: &str) -> Value {
    let mut a = announce(id, actor, practice, followers, Some(origin));
    a["@context"] = json!(["https://www.w3.org/ns/activitystreams", {"cces": CCES_NS}]);
    a[ADOPTION_NOTE] = json!(note);
    a
}
