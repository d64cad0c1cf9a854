//! A listed signatory's actor document: an `Organization` (structure) or a `Person`
//! (individual), with its public profile fields as `PropertyValue`s and `attributedTo` its
//! territory. No contact detail is ever published.

use serde_json::Value;

use crate::{
    domain::{millis_to_datetime, signatory::Kind},
    federation::{
        actors::{escape_html, html_paragraphs},
        protocol::{
            actor::{ActorDocument, ActorKind, Endpoints, PropertyValue, PublicKey},
            actor_context,
        },
    },
    state::AppState,
    storage::signatories::SignatoryActorRow,
};

fn field(name: &str, value: String) -> PropertyValue {
    PropertyValue { kind: "PropertyValue".into(), name: name.into(), value }
}

pub fn actor_json(state: &AppState, s: &SignatoryActorRow, territory_slug: &str) -> Value {
    let id = state.urls.signatory(s.id);
    let sub = |p: &str| state.urls.signatory_collection(s.id, p);
    let mut fields = vec![];
    if s.kind == Kind::Structure {
        let domains: Vec<&str> = s
            .domains
            .iter()
            .filter_map(|d| crate::domain::territory::ActivityDomain::parse(d))
            .map(|d| d.label_fr())
            .collect();
        fields.push(field("Domaines", domains.join(", ")));
        fields.push(field("Forme juridique", escape_html(&s.legal_form)));
    } else {
        fields.push(field("Rôles", escape_html(&s.roles.join(", "))));
    }
    fields.push(field("Commune", escape_html(&s.commune)));
    if !s.website.is_empty() {
        let w = escape_html(&s.website);
        fields
            .push(field("Site web", format!("<a href=\"{w}\" rel=\"me nofollow noopener\" target=\"_blank\">{w}</a>")));
    }
    let territory = state.urls.territory(territory_slug);
    let published =
        millis_to_datetime(s.decided_at.unwrap_or_default()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let actor = ActorDocument {
        context: actor_context(),
        id: id.clone(),
        kind: if s.kind == Kind::Structure { ActorKind::Organization } else { ActorKind::Person },
        preferred_username: format!("s{}", s.id),
        name: s.name.clone(),
        summary: if s.governance.is_empty() { String::new() } else { html_paragraphs(&s.governance) },
        url: state.urls.signatory_directory(territory_slug),
        inbox: sub("inbox"),
        outbox: sub("outbox"),
        followers: sub("followers"),
        following: sub("following"),
        endpoints: Endpoints { shared_inbox: Some(state.urls.shared_inbox()) },
        public_key: PublicKey {
            id: format!("{id}#main-key"),
            owner: id.to_string(),
            public_key_pem: s.public_key_pem.clone().unwrap_or_default(),
        },
        manually_approves_followers: false,
        discoverable: true,
        published,
        updated: None,
        webfinger: format!("s{}@{}", s.id, state.config.authority()),
        attachment: fields,
        icon: None,
        members: None,
        featured: None,
        also_known_as: Vec::new(),
        moved_to: None,
        group_collections: None,
    };
    let mut v = serde_json::to_value(actor).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.insert("attributedTo".into(), Value::String(territory.to_string()));
    }
    v
}
