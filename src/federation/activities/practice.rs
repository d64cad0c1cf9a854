//! Practices from followed territories, as received (`article.rs`, `announce.rs`, `delete.rs`)
//! or fetched from their outboxes (`backfill.rs`): an `Article` stores or refreshes a remote
//! practice (HTML sanitised), a `Delete` removes it; Articles from actors no territory
//! follows are ignored (202). Only the practice's origin may change it: anyone else gets 403
//! and nothing changes.
//!
//! The origin is the territory (`Group`) a practice is published in. It sends the activities
//! itself (older Maillage, other software), or, as Lemmy communities and Maillage do now
//! (FEP-1b12), `Announce`s the activity of the practice's author, an actor on its host whose
//! `Article` names the territory as `audience`.

use serde_json::Value;

use crate::{
    domain::practice_dimensions::Dimensions,
    error::{AppError, AppResult},
    federation::{
        protocol::{
            received_article::ArticleObject,
            remote_url::{remote_id, remote_link},
        },
        signatures::host_header,
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::is_followed_in,
        practices::{self, PracticeContent},
    },
};

/// Remote HTML keeps text structure and web links, nothing that runs or loads (the one
/// sanitiser, `text::html::clean`).
pub fn sanitize(html: &str) -> String {
    crate::text::html::clean(html).into_string()
}

/// At most `max` characters of an optional text.
fn text(v: Option<&str>, max: usize) -> String {
    v.unwrap_or_default().chars().take(max).collect()
}

/// `cces:structures` as received: at most 50, each an `{id, name}` with a usable id (`remote_url`).
fn structure_refs(o: &ArticleObject, allow_private_network: bool) -> String {
    let refs: Vec<Value> = o
        .structures
        .iter()
        .filter_map(|r| {
            let id = remote_link(Some(&r.id), allow_private_network)?;
            let name: String = r.name.chars().take(200).collect();
            Some(crate::federation::protocol::practice::structure_ref(&id, &name))
        })
        .take(50)
        .collect();
    Value::Array(refs).to_string()
}

/// Whether `signer` may publish the `Article` `o`: its id is on the signer's host, and it is
/// written by the signer (the origin territory) or by an author on its host who names the
/// signer as `audience` (FEP-1b12). 403 otherwise. Checked before anything is read or written
/// (`CreateArticle::verify`) and again for Articles fetched from outboxes.
pub fn check_origin(o: &ArticleObject, signer: &RemoteActorRow, allow_private_network: bool) -> AppResult<()> {
    let o = &o.common;
    remote_id(&o.id, &signer.host, allow_private_network)?;
    let author_host = o.attributed_to.as_deref().and_then(|a| url::Url::parse(a).ok()).map(|a| host_header(&a));
    if author_host.as_deref() != Some(signer.host.as_str()) || !o.is_in(&signer.ap_id) {
        return Err(AppError::Forbidden("only a practice's origin may publish it".into()));
    }
    Ok(())
}

/// The received activity that a change applies: its id is claimed in the change's
/// transaction, so that a redelivery changes nothing and a failure leaves neither.
#[derive(Clone, Copy)]
pub struct Claim<'a> {
    pub id: &'a str,
    pub actor: &'a str,
    pub kind: &'a str,
}

/// Deletes the remote practice `ap_id` of `signer` (its origin; 403 for anyone else) and claims
/// the activity, in one transaction; false when we keep no such practice.
pub async fn delete_remote(
    state: &AppState,
    ap_id: Option<&str>,
    signer: &RemoteActorRow,
    claim: Claim<'_>,
) -> AppResult<bool> {
    let Some(ap_id) = ap_id else { return Ok(false) };
    // Most Deletes name nothing here: found out without the write lock.
    if state.store.practice_by_ap_id(ap_id).await?.is_none() {
        return Ok(false);
    }
    let mut change = Change::begin(state).await?;
    let Some(p) = practices::practice_by_ap_id_in(change.conn(), ap_id).await? else { return Ok(false) };
    if p.origin_actor != signer.ap_id || p.territory_id.is_some() {
        return Err(AppError::Forbidden("only a practice's origin may delete it".into()));
    }
    if claim_received(change.conn(), claim.id, claim.actor, claim.kind).await? {
        practices::delete(change.conn(), p.id).await?;
        change.commit().await?;
        tracing::info!(practice = %ap_id, "remote practice deleted");
    }
    Ok(true)
}

/// Stores (or refreshes) the `Article` `o` of `signer`, its origin, in one transaction with the
/// claim of the activity that carried it (none when fetched: backfill); false when ignored (no
/// territory here follows the signer).
pub async fn store_article(
    state: &AppState,
    o: &ArticleObject,
    signer: &RemoteActorRow,
    claim: Option<Claim<'_>>,
) -> AppResult<bool> {
    let (ap_id, common) = (o.common.id.as_str(), &o.common);
    check_origin(o, signer, state.config.allow_private_network)?;
    let tags: Vec<String> = common.tag_names().filter_map(crate::domain::practice::parse_tag).collect();
    let domains: Vec<String> =
        o.domains.iter().filter(|d| crate::domain::territory::ActivityDomain::parse(d).is_some()).cloned().collect();
    let location = o.location.as_ref();
    let content = PracticeContent {
        title: text(common.name.as_deref(), 200),
        summary: text(common.summary.as_deref(), 2000),
        body_md: text(common.source_text(), 100_000),
        body_html: sanitize(&text(common.content.as_deref(), 200_000)),
        domains: domains.into(),
        dimensions: o.dimensions.as_ref().map(Dimensions::from_value).unwrap_or_default(),
        structures: Default::default(),
        structure_refs: structure_refs(o, state.config.allow_private_network),
        partners: text(o.partners.as_deref(), 2000),
        governance: text(o.governance.as_deref(), 2000),
        commune: text(o.commune.as_deref(), 100),
        latitude: location.and_then(|l| l.latitude),
        longitude: location.and_then(|l| l.longitude),
        tags: tags.into(),
        licence: text(o.licence.as_deref(), 100),
    };
    if content.title.is_empty() {
        return Err(AppError::BadRequest("Article without name".into()));
    }
    // What is known is read inside the change that writes: two deliveries of one new Article
    // cannot both insert it.
    let mut change = Change::begin(state).await?;
    let known = practices::practice_by_ap_id_in(change.conn(), ap_id).await?;
    if let Some(existing) = &known
        && existing.origin_actor != signer.ap_id
    {
        return Err(AppError::Forbidden("only a practice's origin may change it".into()));
    }
    // The catalogue holds the practices of territories we follow, not whatever is pushed to us.
    if known.is_none() && !is_followed_in(change.conn(), signer.id).await? {
        tracing::info!(article = %ap_id, from = %signer.ap_id, "Article from an actor no territory follows: ignored");
        return Ok(false);
    }
    if let Some(c) = claim
        && !claim_received(change.conn(), c.id, c.actor, c.kind).await?
    {
        return Ok(true); // A redelivery: applied already.
    }
    if known.is_none() {
        crate::storage::subscriptions::note_learned(change.conn(), signer.id).await?;
    }
    match known {
        Some(p) => {
            practices::update_content(change.conn(), p.id, &content, &signer.ap_id, "remote update").await?;
            if !p.is_published() {
                practices::set_status(change.conn(), p.id, true, &signer.ap_id).await?;
            }
        }
        None => {
            let id = practices::insert(change.conn(), ap_id, None, &signer.ap_id, &content, &signer.ap_id).await?;
            practices::set_status(change.conn(), id, true, &signer.ap_id).await?;
        }
    }
    change.commit().await?;
    tracing::info!(practice = %ap_id, from = %signer.ap_id, "remote practice stored");
    Ok(true)
}
