//! Discovery documents: WebFinger's JRD (RFC 7033), host-meta's JSON form (RFC 6415), and
//! NodeInfo 2.0/2.1 with its links (FEP-2677 adds the instance's `Application` actor).
//! https://nodeinfo.diaspora.software/protocol

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::activities::to_value;
use crate::federation::actors::AP_CONTENT_TYPE;

/// A link of a JRD (WebFinger, host-meta) or of NodeInfo's discovery document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    pub rel: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

impl Link {
    fn to(rel: &str, media_type: Option<&str>, href: &str) -> Link {
        Link { rel: rel.into(), media_type: media_type.map(String::from), href: Some(href.into()), template: None }
    }
}

/// WebFinger's JSON Resource Descriptor (RFC 7033 §4.4).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Jrd {
    pub subject: String,
    pub aliases: Vec<String>,
    pub links: Vec<Link>,
}

/// Documents made only of links (host-meta, NodeInfo's `/.well-known/nodeinfo`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Links {
    pub links: Vec<Link>,
}

/// WebFinger's answer: the actor (`self`) and its page for people.
pub fn jrd(subject: &str, actor: &str, page: &str) -> Value {
    to_value(&Jrd {
        subject: subject.into(),
        aliases: vec![actor.into()],
        links: vec![
            Link::to("self", Some(AP_CONTENT_TYPE), actor),
            Link::to("http://webfinger.net/rel/profile-page", Some("text/html"), page),
        ],
    })
}

pub fn host_meta_json(template: &str) -> Value {
    let lrdd = Link { rel: "lrdd".into(), media_type: None, href: None, template: Some(template.into()) };
    to_value(&Links { links: vec![lrdd] })
}

pub fn nodeinfo_links(nodeinfo_21: &str, nodeinfo_20: &str, application: &str) -> Value {
    to_value(&Links {
        links: vec![
            Link::to("http://nodeinfo.diaspora.software/ns/schema/2.1", None, nodeinfo_21),
            Link::to("http://nodeinfo.diaspora.software/ns/schema/2.0", None, nodeinfo_20),
            Link::to("https://www.w3.org/ns/activitystreams#Application", None, application),
        ],
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

/// The NodeInfo document as served.
/// https://github.com/jhass/nodeinfo/blob/main/schemas/2.1/schema.json
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeInfoDoc {
    pub version: String,
    pub software: Software,
    pub protocols: Vec<String>,
    pub services: Services,
    pub open_registrations: bool,
    pub usage: Usage,
    pub metadata: Metadata,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Software {
    pub name: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Services {
    pub inbound: Vec<String>,
    pub outbound: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub users: Users,
    pub local_posts: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Users {
    pub total: i64,
    pub active_month: i64,
    pub active_halfyear: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub node_name: String,
    pub node_description: String,
    pub territories: Vec<TerritoryEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TerritoryEntry {
    pub slug: String,
    pub name: String,
    pub id: String,
}

impl NodeInfo<'_> {
    pub fn to_json(&self) -> Value {
        let users = self.users;
        to_value(&NodeInfoDoc {
            version: self.version.into(),
            software: Software {
                name: "maillage".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                homepage: (self.version == "2.1").then(|| self.homepage.to_string()),
            },
            protocols: vec!["activitypub".into()],
            services: Services::default(),
            open_registrations: false,
            usage: Usage {
                users: Users { total: users, active_month: users, active_halfyear: users },
                local_posts: self.posts,
            },
            metadata: Metadata {
                node_name: self.territories.first().map(|t| t.name).unwrap_or("Maillage").into(),
                node_description: "Circuits Courts Économiques et Solidaires".into(),
                territories: self
                    .territories
                    .iter()
                    .map(|t| TerritoryEntry { slug: t.slug.into(), name: t.name.into(), id: t.id.clone() })
                    .collect(),
            },
        })
    }
}
