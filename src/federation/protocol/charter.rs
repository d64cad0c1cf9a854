//! A territory's charter as an ActivityStreams `Document`: the text signatories sign, in HTML
//! and in its Markdown source, with the version they signed (`cces:version`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AS_CONTEXT, CCES_NS, activities::to_value, practice::Source};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CharterDocument {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: DocumentKind,
    pub name: String,
    pub media_type: String,
    pub content: String,
    pub source: Source,
    pub version: String,
    pub published: String,
    pub updated: String,
    pub attributed_to: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum DocumentKind {
    Document,
}

/// The terms a charter adds: the CCES namespace and its `version`.
#[derive(Debug, Serialize)]
struct Terms {
    cces: &'static str,
    version: &'static str,
}

/// What a charter is made of, as plain values.
pub struct Charter<'a> {
    pub id: &'a str,
    /// The territory's name.
    pub territory_name: &'a str,
    /// The territory's actor id.
    pub territory: &'a str,
    pub content_html: &'a str,
    pub content_md: &'a str,
    pub version: &'a str,
    /// When this version was published, and when the latest one was (RFC 3339).
    pub published: &'a str,
    pub updated: &'a str,
}

impl Charter<'_> {
    pub fn to_json(&self) -> Value {
        to_value(&CharterDocument {
            context: to_value(&(AS_CONTEXT, Terms { cces: CCES_NS, version: "cces:version" })),
            id: self.id.into(),
            kind: DocumentKind::Document,
            name: format!("Charte CCES — {}", self.territory_name),
            media_type: "text/html".into(),
            content: self.content_html.into(),
            source: Source { content: self.content_md.into(), media_type: "text/markdown".into() },
            version: self.version.into(),
            published: self.published.into(),
            updated: self.updated.into(),
            attributed_to: self.territory.into(),
            url: self.id.into(),
        })
    }
}
