//! `Flag`: a report, as the fediverse sends it (Mastodon, Misskey and GoToSocial from their
//! instance actor with `object` listing the reported account and its posts, the comment in
//! `content`; Lemmy from its user, one post or comment as `object`, the reason in `summary`
//! and `to` the community) and as Maillage forwards one (Mastodon's shape: the instance actor,
//! the remote author and the reported objects, the moderator's text in `content`, never the
//! local reporter). https://www.w3.org/TR/activitystreams-vocabulary/#dfn-flag
//! docs/FEDERATION.md "Reports".

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{activities::now, activity_context, id_of, inbound::Ref};

/// A `Flag` received.
#[derive(Debug, Clone, Deserialize)]
pub struct Flag {
    pub id: Url,
    pub actor: Ref,
    /// One reference or a list of them (ids or objects carrying an id); may be absent.
    #[serde(default)]
    pub object: Value,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

impl Flag {
    /// The ids reported, in the order given (duplicates dropped).
    pub fn objects(&self) -> Vec<String> {
        let items: Vec<&Value> = match &self.object {
            Value::Array(a) => a.iter().collect(),
            Value::Null => vec![],
            one => vec![one],
        };
        let mut ids: Vec<String> = vec![];
        for id in items.into_iter().filter_map(id_of) {
            if !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
        ids
    }

    /// The reporter's comment: `content` (Mastodon, Misskey, GoToSocial, Lemmy 0.19), else
    /// `summary` (Lemmy before 0.19).
    pub fn comment(&self) -> &str {
        self.content.as_deref().filter(|c| !c.trim().is_empty()).or(self.summary.as_deref()).unwrap_or_default()
    }
}

/// A `Flag` Maillage sends to the origin of reported content.
#[derive(Debug, Clone, Serialize)]
pub struct FlagOut {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub actor: String,
    pub published: String,
    /// The remote author first, then the reported objects (what Mastodon reads).
    pub object: Vec<String>,
    pub content: String,
}

/// The `Flag` forwarded by our instance actor `actor` about `objects`, with `content`.
pub fn flag(id: &Url, actor: &Url, objects: &[String], content: &str) -> Value {
    super::activities::to_value(&FlagOut {
        context: activity_context(),
        id: id.to_string(),
        kind: "Flag",
        actor: actor.to_string(),
        published: now(),
        object: objects.to_vec(),
        content: content.to_string(),
    })
}
