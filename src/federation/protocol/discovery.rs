//! Discovery documents: WebFinger's JRD (RFC 7033), host-meta's JSON form (RFC 6415), and
//! NodeInfo 2.0/2.1 with its links (FEP-2677 adds the instance's `Application` actor).
//! https://nodeinfo.diaspora.software/protocol

use serde_json::{Value, json};

use crate::federation::actors::AP_CONTENT_TYPE;

/// WebFinger's answer: the actor (`self`) and its page for people.
pub fn jrd(subject: &str, actor: &str, page: &str) -> Value {
    json!({
        "subject": subject,
        "aliases": [actor],
        "links": [
            { "rel": "self", "type": AP_CONTENT_TYPE, "href": actor },
            { "rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page }
        ]
    })
}

pub fn host_meta_json(template: &str) -> Value {
    json!({ "links": [{ "rel": "lrdd", "template": template }] })
}

pub fn nodeinfo_links(nodeinfo_21: &str, nodeinfo_20: &str, application: &str) -> Value {
    json!({
        "links": [
            { "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": nodeinfo_21 },
            { "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": nodeinfo_20 },
            { "rel": "https://www.w3.org/ns/activitystreams#Application", "href": application }
        ]
    })
}

/// One territory as NodeInfo's metadata lists it.
pub struct NodeTerritory<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub id: String,
}

pub struct NodeInfo<'a> {
    /// "2.0" or "2.1" (2.1 adds `software.homepage`).
    pub version: &'a str,
    pub homepage: &'a str,
    pub users: i64,
    pub posts: i64,
    pub territories: Vec<NodeTerritory<'a>>,
}

impl NodeInfo<'_> {
    pub fn to_json(&self) -> Value {
        let mut software = json!({ "name": "maillage", "version": env!("CARGO_PKG_VERSION") });
        if self.version == "2.1" {
            software["homepage"] = json!(self.homepage);
        }
        let users = self.users;
        json!({
            "version": self.version,
            "software": software,
            "protocols": ["activitypub"],
            "services": { "inbound": [], "outbound": [] },
            "openRegistrations": false,
            "usage": {
                "users": { "total": users, "activeMonth": users, "activeHalfyear": users },
                "localPosts": self.posts
            },
            "metadata": {
                "nodeName": self.territories.first().map(|t| t.name).unwrap_or("Maillage"),
                "nodeDescription": "Circuits Courts Économiques et Solidaires",
                "territories": self.territories.iter().map(|t| json!({"slug": t.slug, "name": t.name, "id": t.id}))
                    .collect::<Vec<_>>()
            }
        })
    }
}
