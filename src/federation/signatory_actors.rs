//! Listed signatories on the fediverse: a structure is an `Organization`, an individual a
//! `Person`, at `/s/<id>`, with profile fields as `PropertyValue`s and `attributedTo` their
//! territory, whose `Group` lists them in its `members` collection. Followable: Follows are
//! accepted at once, signed with the signatory's own key. No contact detail is ever published.

use activitypub_federation::config::Data;
use axum::{
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::Value;
use url::Url;

use super::{
    actors::{ap_json, escape_html, wants_activity_json},
    outgoing,
    protocol::{
        activities::answer_follow,
        actor::{ActorKind, Endpoints, LocalActor, PropertyValue, PublicKey},
        actor_context,
        collections::{OrderedCollection, OrderedCollectionPage},
    },
};
use crate::{
    domain::millis_to_datetime,
    error::{AppError, AppResult},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        signatories::{SignatoryActorRow, add_signatory_follower, remove_signatory_follower, signatory_actor_in},
    },
};

/// `/s/<id>` when `url` names a signatory actor of this instance.
pub fn local_signatory_id(state: &AppState, url: &str) -> Option<i64> {
    let u = Url::parse(url).ok()?;
    if super::signatures::host_header(&u) != state.config.authority() {
        return None;
    }
    u.path().strip_prefix("/s/").and_then(|id| id.parse().ok())
}

fn field(name: &str, value: String) -> PropertyValue {
    PropertyValue { kind: "PropertyValue".into(), name: name.into(), value }
}

pub fn actor_json(state: &AppState, s: &SignatoryActorRow, territory_slug: &str) -> Value {
    let id = state.config.url(&format!("/s/{}", s.id));
    let sub = |p: &str| state.config.url(&format!("/s/{}/{p}", s.id));
    let mut fields = vec![];
    if s.kind == crate::domain::signatory::Kind::Structure {
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
    let territory = state.territory_id_url(territory_slug);
    let published =
        millis_to_datetime(s.decided_at.unwrap_or_default()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let actor = LocalActor {
        context: actor_context(),
        id: id.clone(),
        kind: if s.kind == crate::domain::signatory::Kind::Structure {
            ActorKind::Organization
        } else {
            ActorKind::Person
        },
        preferred_username: format!("s{}", s.id),
        name: s.name.clone(),
        summary: if s.governance.is_empty() { String::new() } else { super::actors::html_paragraphs(&s.governance) },
        url: state.config.url(&format!("/t/{territory_slug}/signataires")),
        inbox: sub("inbox"),
        outbox: sub("outbox"),
        followers: sub("followers"),
        following: sub("following"),
        endpoints: Endpoints { shared_inbox: Some(state.config.url("/inbox")) },
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
    };
    let mut v = serde_json::to_value(actor).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.insert("attributedTo".into(), Value::String(territory.to_string()));
    }
    v
}

async fn public_signatory(state: &AppState, id: &str) -> AppResult<(SignatoryActorRow, String)> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound("actor".into()))?;
    let s = state.store.signatory_actor(id).await?.ok_or_else(|| AppError::NotFound("actor".into()))?;
    // Once an actor (it has keys), always a trace: withdrawn or unlisted since, it is gone.
    if s.public_key_pem.is_some() && !s.is_public() {
        return Err(AppError::Gone(format!("signatory {id} withdrew or is no longer listed")));
    }
    if !s.is_public() {
        return Err(AppError::NotFound("actor".into()));
    }
    let slug = state.store.territory_by_id(s.territory_id).await?.map(|t| t.slug).unwrap_or_default();
    Ok((s, slug))
}

pub async fn get_actor(data: Data<AppState>, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let result = public_signatory(&data, &id).await;
    if let Err(AppError::Gone(_)) = &result {
        let mut res = ap_json(&super::protocol::tombstone(data.config.url(&format!("/s/{id}")).as_str()));
        *res.status_mut() = StatusCode::GONE;
        return Ok(res);
    }
    let (s, slug) = result?;
    if !wants_activity_json(&headers) {
        return Ok(Redirect::to(&format!("/t/{slug}/signataires")).into_response());
    }
    Ok(ap_json(&actor_json(&data, &s, &slug)))
}

/// Outbox and following are empty; followers counts who follows.
pub async fn get_collection(data: Data<AppState>, Path((id, name)): Path<(String, String)>) -> AppResult<Response> {
    let (s, _) = public_signatory(&data, &id).await?;
    let total = match name.as_str() {
        "followers" => data.store.count_signatory_followers(s.id).await?,
        "outbox" | "following" => 0,
        _ => return Err(AppError::NotFound(name)),
    };
    Ok(ap_json(&OrderedCollection {
        context: super::protocol::activity_context(),
        id: data.config.url(&format!("/s/{id}/{name}")),
        kind: super::protocol::collections::CollectionKind::OrderedCollection,
        total_items: total,
        first: None,
    }))
}

/// The territory's members: its public signatory actors.
pub async fn get_members(data: Data<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let t =
        data.store.territory_by_slug(&slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let ids = data.store.member_ids(t.id).await?;
    let items: Vec<Value> =
        ids.iter().map(|id| Value::String(data.config.url(&format!("/s/{id}")).to_string())).collect();
    let collection = data.config.url(&format!("/t/{slug}/members"));
    // One page holds every member: a territory's signatories number in the hundreds at most.
    let mut page = OrderedCollectionPage::new(&collection, 1, items.len() as i64, items);
    page.id = collection;
    page.kind = super::protocol::collections::CollectionKind::OrderedCollection;
    Ok(ap_json(&page))
}

/// A Follow of a signatory's actor: accepted at once, the Accept signed with its key.
pub async fn receive_follow(
    state: &AppState,
    follow_id: &str,
    follow: &Value,
    follower: &RemoteActorRow,
    signatory_id: i64,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    let s = signatory_actor_in(change.conn(), signatory_id).await?.filter(SignatoryActorRow::is_public);
    let s = s.ok_or_else(|| AppError::NotFound("actor".into()))?;
    let actor = state.config.url(&format!("/s/{}", s.id));
    let answer = answer_follow("Accept", &outgoing::new_activity_id(state), &actor, follow);
    if !claim_received(change.conn(), follow_id, &follower.ap_id, "Follow").await? {
        return Ok(());
    }
    add_signatory_follower(change.conn(), s.id, follower.id, follow_id).await?;
    change
        .queue_signed_by(Some(s.territory_id), Some(s.id), &answer, false, std::slice::from_ref(&follower.inbox))
        .await?;
    change.commit().await
}

pub async fn receive_unfollow(
    state: &AppState,
    undo_id: &str,
    follower: &RemoteActorRow,
    signatory_id: i64,
) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), undo_id, &follower.ap_id, "Undo").await? {
        return Ok(());
    }
    remove_signatory_follower(change.conn(), signatory_id, follower.id).await?;
    change.commit().await
}
