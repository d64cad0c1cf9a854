//! The inboxes (shared, per territory, instance actor): one handler.
//! https://www.w3.org/TR/activitypub/#inbox-delivery
//!
//! Order of checks, cheapest first, each with its status: size (413), JSON shape (400),
//! blocked domain (403; a `Flag` from one: 202, dropped), signature syntax, time window and
//! digest (401), actor and id on the signer's host (403), key fetch and signature (401), the
//! actor named is the signer (403), blocked by the territory concerned (403; a `Flag`: 202,
//! dropped).
//! Only then are effects applied, in one transaction, before answering 202.

use std::time::Instant;

use activitypub_federation::config::Data;
use axum::{
    body::Bytes,
    extract::rejection::BytesRejection,
    http::{HeaderMap, Method, StatusCode, Uri},
};

use super::{
    activities::{self, Received},
    keys::{Verifier, ed25519_from_multibase},
    objects::resolve_key_owner,
    protocol::{
        activities::{Envelope, parse_envelope},
        inbound::Inbound,
        remote_url::remote_url,
    },
    signatures::{RequestSignature, host_header},
};
use crate::{
    error::{AppError, AppResult},
    metrics::type_label,
    state::AppState,
    storage::actors::RemoteActorRow,
};

/// Largest activity accepted (as Mastodon and the federation crate).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub async fn post_inbox(
    data: Data<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> AppResult<StatusCode> {
    let started = Instant::now();
    let mut kind = "unparsed";
    let result = receive(&data, &method, &uri, &headers, body, &mut kind).await;
    let status = match &result {
        Ok(s) => *s,
        Err(e) => e.status(),
    };
    data.metrics.inbox(status.as_u16(), kind);
    data.metrics.inbox_latency.observe(started.elapsed());
    result
}

async fn receive(
    data: &Data<AppState>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    kind: &mut &'static str,
) -> AppResult<StatusCode> {
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(r.body_text())
        }
    })?;
    let env = parse_envelope(&body)?;
    *kind = type_label(&env.kind);
    // `javascript://host/…` and other non-web ids are refused before anything else (422).
    remote_url(env.id.as_str(), data.config.allow_private_network)?;
    remote_url(env.actor.as_str(), data.config.allow_private_network)?;
    if data.is_blocked(&host_header(&env.actor)).await? {
        if env.kind == "Flag" {
            // A report from a blocked server is dropped without a word (issue 15): a 403 would
            // only tell it to try again, and nothing it reports is acted on here.
            tracing::info!(actor = %env.actor, "Flag from a blocked domain: ignored");
            return Ok(StatusCode::ACCEPTED);
        }
        return Err(AppError::Forbidden("domain blocked by this instance".into()));
    }
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let now = chrono::Utc::now().timestamp();
    let sig = RequestSignature::prepare(method, path, headers, Some(&body), &data.config.public_url, now)?;
    let key_url = url::Url::parse(sig.key_id()).map_err(|_| AppError::Unauthorized("keyId is not a URL".into()))?;
    if host_header(&key_url) != host_header(&env.actor) {
        return Err(AppError::Forbidden("the actor is not on the signer's host".into()));
    }
    if host_header(&env.id) != host_header(&env.actor) {
        return Err(AppError::Forbidden("the activity id is not on the actor's host".into()));
    }
    if env.kind == "Delete" && !knows_actor(data, sig.key_id(), &env).await? {
        // Servers broadcast account deletions to every host they know: an actor we never met
        // has nothing here to delete, and its key is usually gone already (410). Fetching it
        // would only make noise.
        tracing::debug!(actor = %env.actor, "Delete from an unknown actor: ignored");
        return Ok(StatusCode::ACCEPTED);
    }
    let signer = match verify_signer(data, &sig, &env).await {
        Ok(s) => s,
        // A deleted actor's Delete arrives when its key can no longer be fetched: nothing to do.
        Err(AppError::Gone(_)) if env.kind == "Delete" => return Ok(StatusCode::ACCEPTED),
        Err(e) => return Err(e),
    };
    // It spoke, so it is up: deliveries held back for it may go again. Written only when
    // that changes something (`storage::host_book`): no write of its own per activity.
    if data.store.heard_from(&signer.host, sig.format()).await? {
        tracing::info!(host = %signer.host, "host is reachable again");
        data.delivery_notify.notify_one();
    }
    if data.store.was_received(env.id.as_str()).await? {
        // Cheap early exit; the authoritative check is the claim in each handler's transaction.
        return Ok(StatusCode::ACCEPTED);
    }
    if blocked_by_territory(data, uri.path(), &env, &signer).await? {
        if env.kind == "Flag" {
            // As from a domain blocked instance-wide (above): a report from whom the territory
            // blocked is dropped, not refused (issue 15, "Bad input").
            tracing::info!(actor = %env.actor, "Flag from an actor or domain the territory blocks: ignored");
            return Ok(StatusCode::ACCEPTED);
        }
        return Err(AppError::Forbidden("blocked by this territory".into()));
    }
    dispatch(data, &env, &signer).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Whether a territory the activity concerns blocks its signer or the signer's domain
/// (issue 15, point 5): the territory of the inbox posted to (`/t/<slug>/inbox`), or the one
/// whose actor, practice, announcement, action or comment on any of them the activity's object
/// (or the object's `inReplyTo`) names.
async fn blocked_by_territory(data: &AppState, path: &str, env: &Envelope, signer: &RemoteActorRow) -> AppResult<bool> {
    let mut territories = vec![];
    // The territory whose inbox this is, by its actor id: an activity about that territory
    // itself (a Follow of it) does not read it a second time.
    let mut this_one = None;
    let mut segments = path.trim_start_matches('/').split('/');
    if let (Some("t"), Some(slug), Some("inbox"), None) =
        (segments.next(), segments.next(), segments.next(), segments.next())
        && let Some(t) = data.store.territory_by_slug(slug).await?
    {
        territories.push(t.id);
        this_one = Some(data.urls.territory(&t.slug).to_string());
    }
    let named = [super::protocol::id_of(&env.object), env.object.get("inReplyTo").and_then(super::protocol::id_of)];
    for id in named.into_iter().flatten() {
        if this_one.as_deref() == Some(id) {
            continue;
        }
        if let Some(t) = activities::local_territory(data, id).await? {
            territories.push(t.id);
        } else if let Some(t) = data.store.practice_by_ap_id(id).await?.and_then(|p| p.territory_id) {
            territories.push(t);
        } else if let Some(t) = data.store.action_by_ap_id(id).await?.and_then(|a| a.territory_id) {
            territories.push(t);
        } else if let Some(a) = data.store.announcement_by_ap_id(id).await? {
            territories.push(a.territory_id);
        } else if let Some(c) = data.store.comment_by_ap_id(id).await? {
            // A comment on a practice, an announcement or an action concerns the territory
            // that holds what it is on, and the one that wrote it when written from here.
            let on = crate::processing::comments::subject(data, c.on).await?.and_then(|s| s.territory);
            territories.extend(on.map(|(t, _)| t).into_iter().chain(c.local_territory_id));
        }
    }
    territories.sort();
    territories.dedup();
    for t in territories {
        if data.store.blocked_by_territory(t, &signer.ap_id, &signer.host).await? {
            tracing::info!(actor = %signer.ap_id, territory = %t, kind = %env.kind, "activity refused: blocked by the territory");
            return Ok(true);
        }
    }
    Ok(false)
}

/// The verifier for the key the signature names (RSA `publicKey`, or FEP-521a Ed25519).
fn verifier(state: &AppState, owner: &RemoteActorRow, key_id: &str) -> AppResult<Verifier> {
    if owner.ed25519_key_id.as_deref() == Some(key_id)
        && let Some(multibase) = &owner.ed25519_public_key
    {
        return state
            .verifier_for(key_id, multibase, || Verifier::from_ed25519_raw(&ed25519_from_multibase(multibase)?));
    }
    state.verifier_for(&owner.key_id, &owner.public_key_pem, || Verifier::from_pem(&owner.public_key_pem))
}

/// Fetches the key owner and checks the signature. On failure with a stored key, the owner is
/// refetched (it may have rotated its key, as Mastodon does it) at most once per actor per
/// `KEY_REFETCH_INTERVAL`: a stream of bad signatures naming a known actor must not turn us
/// into a stream of fetches to its server.
async fn verify_signer(data: &Data<AppState>, sig: &RequestSignature, env: &Envelope) -> AppResult<RemoteActorRow> {
    let owner = resolve_key_owner(data, sig.key_id(), false).await.map_err(key_error)?;
    let owner = if sig.verify(&verifier(data, &owner, sig.key_id())?) {
        owner
    } else {
        if !data.key_cache.may_refetch(&owner.ap_id) {
            return Err(AppError::Unauthorized("signature does not verify".into()));
        }
        let fresh = resolve_key_owner(data, sig.key_id(), true).await.map_err(key_error)?;
        let unchanged =
            fresh.public_key_pem == owner.public_key_pem && fresh.ed25519_public_key == owner.ed25519_public_key;
        if unchanged || !sig.verify(&verifier(data, &fresh, sig.key_id())?) {
            return Err(AppError::Unauthorized("signature does not verify".into()));
        }
        tracing::info!(actor = %fresh.ap_id, "signature verified after refetching the actor (key rotation)");
        fresh
    };
    if owner.ap_id != env.actor.as_str() {
        return Err(AppError::Forbidden("the activity's actor is not the signer".into()));
    }
    Ok(owner)
}

/// A key we cannot get is an authentication failure for the sender, not our server error.
/// The sender learns only that: what the key's server answered stays in our log (debug), so
/// the inbox cannot be used to read documents through our signed fetches.
fn key_error(e: AppError) -> AppError {
    match e {
        AppError::Internal(_) | AppError::Gone(_) => e,
        other => {
            tracing::debug!(error = %other, "cannot get the signer's key");
            AppError::Unauthorized("cannot get the signer's key".into())
        }
    }
}

async fn knows_actor(data: &AppState, key_id: &str, env: &Envelope) -> AppResult<bool> {
    Ok(data.store.remote_actor_by_key_id(key_id).await?.is_some()
        || data.store.remote_actor_by_ap_id(env.actor.as_str()).await?.is_some())
}

/// The activity as its typed arm (`protocol::inbound`, 400 when a known type lacks its
/// shape), verified then applied by its handler (`activities::receive`).
async fn dispatch(data: &Data<AppState>, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    let inbound = Inbound::parse(env)?;
    let ctx = Received { data, signer, raw: &env.raw, kind: &env.kind };
    activities::receive(inbound, &ctx).await
}
