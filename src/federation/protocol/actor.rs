//! Actor documents: what we serve for territories (`Group`) and the instance (`Application`),
//! and what we accept from other servers.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::one_or_many;
use crate::{
    error::{AppError, AppResult},
    federation::keys::ed25519_from_multibase,
};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: String,
    pub owner: String,
    pub public_key_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PropertyValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub value: String,
}

/// The kinds of actor Maillage serves: territories (`Group`), their editorial actor
/// (`Service`), the instance (`Application`), signatories (`Organization` or `Person`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    Group,
    Service,
    Application,
    Organization,
    Person,
}

/// A local actor as served to the fediverse.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorDocument {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: ActorKind,
    pub preferred_username: String,
    pub name: String,
    pub summary: String,
    pub url: Url,
    pub inbox: Url,
    pub outbox: Url,
    pub followers: Url,
    pub following: Url,
    pub endpoints: Endpoints,
    pub public_key: PublicKey,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub published: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// FEP-2c59: the WebFinger address of the actor.
    pub webfinger: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<PropertyValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<super::Image>,
    /// Groups: the collection of their members (territories: public signatory actors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Url>,
    /// Pinned posts (Mastodon's `toot:featured`), shown first on the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    /// The actor's former ids (a Group moved here), as Mastodon's account migration reads them
    /// before following a `Move` (<https://docs.joinmastodon.org/spec/activitypub/#as>).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_known_as: Vec<Url>,
    /// Where the actor moved (it still serves this document, with its followers told by `Move`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<Url>,
    /// Territories: the collections Mobilizon reads on a group.
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub group_collections: Option<GroupCollections>,
}

/// The collections Mobilizon reads when it refreshes a remote group, in this order (outbox and
/// members first): it stops at the first one missing, so a territory serves them all, those
/// it has nothing for empty. `posts` holds its announcements as group posts, `events` its
/// shared actions (docs/FEDERATION.md, "Mobilizon").
/// https://framagit.org/framasoft/mobilizon/-/blob/main/lib/federation/activity_pub/refresher.ex
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupCollections {
    pub resources: Url,
    pub posts: Url,
    pub todos: Url,
    pub discussions: Url,
    pub events: Url,
}

/// Any actor from another server. Tolerant: only what we need is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteActorJson {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub url: Option<Value>,
    pub inbox: Url,
    #[serde(default)]
    pub endpoints: Option<Endpoints>,
    /// Some servers publish several keys; we keep the one owned by the actor.
    #[serde(default, deserialize_with = "one_or_many")]
    pub public_key: Vec<PublicKey>,
    /// FEP-521a: further keys, as `Multikey`s.
    #[serde(default, deserialize_with = "one_or_many")]
    pub assertion_method: Vec<Value>,
}

impl RemoteActorJson {
    pub fn main_key(&self) -> Option<&PublicKey> {
        self.public_key.iter().find(|k| k.owner == self.id.as_str())
    }

    /// The actor's own Ed25519 Multikey: (key id, `publicKeyMultibase`). A multibase that
    /// claims Ed25519 (`z6Mk`) but does not decode to one (too long, bad base58) makes the
    /// actor unusable: it is refused when stored rather than parsed again at every signature.
    pub fn ed25519_key(&self) -> AppResult<Option<(String, String)>> {
        for m in &self.assertion_method {
            let (Some(id), Some(controller), Some(multibase)) = (
                m.get("id").and_then(Value::as_str),
                m.get("controller").and_then(Value::as_str),
                m.get("publicKeyMultibase").and_then(Value::as_str),
            ) else {
                continue;
            };
            let is_multikey = m.get("type").and_then(Value::as_str) == Some("Multikey");
            if is_multikey && controller == self.id.as_str() && multibase.starts_with("z6Mk") {
                ed25519_from_multibase(multibase)
                    .map_err(|e| AppError::BadGateway(format!("unusable Ed25519 key {id}: {}", e.detail())))?;
                return Ok(Some((id.to_string(), multibase.to_string())));
            }
        }
        Ok(None)
    }

    /// The profile page: the first web (http/https) address in `url`. Anything else (a
    /// `javascript:` URL…) would become a dangerous link on our pages.
    pub fn profile_url(&self) -> Option<String> {
        let href = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("href").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        let web = |s: &String| s.starts_with("https://") || s.starts_with("http://");
        match &self.url {
            Some(Value::Array(a)) => a.iter().filter_map(href).find(web),
            Some(v) => href(v).filter(web),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RemoteActorJson;

    fn with_url(url: serde_json::Value) -> Option<String> {
        let actor: RemoteActorJson = serde_json::from_value(serde_json::json!({
            "id": "https://a.example/u/x", "type": "Person", "inbox": "https://a.example/u/x/inbox", "url": url
        }))
        .expect("actor");
        actor.profile_url()
    }

    #[test]
    fn only_web_profile_links() {
        assert_eq!(with_url(serde_json::json!("https://a.example/@x")).as_deref(), Some("https://a.example/@x"));
        assert_eq!(with_url(serde_json::json!("javascript:alert(1)")), None);
        assert_eq!(with_url(serde_json::json!({"type": "Link", "href": "data:text/html,x"})), None);
        let list = serde_json::json!(["javascript:x", {"href": "https://a.example/@x", "type": "Link"}]);
        assert_eq!(with_url(list).as_deref(), Some("https://a.example/@x"));
    }
}
