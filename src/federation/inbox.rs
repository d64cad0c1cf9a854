//! The inboxes (shared, per territory, instance actor): one handler.
//! https://www.w3.org/TR/activitypub/#inbox-delivery
//!
//! Order of checks, cheapest first, each with its status: size (413), JSON shape (400),
//! signature syntax, date and digest (401), actor and id on the signer's host (403), key fetch
//! and signature (401), the actor named is the signer (403). Only then are effects applied,
//! in one transaction, before answering 202.

use activitypub_federation::config::Data;
use axum::{
    body::Bytes,
    extract::rejection::BytesRejection,
    http::{HeaderMap, Method, StatusCode, Uri},
};

use super::{
    activities::{accept, follow, undo},
    objects::resolve_key_owner,
    protocol::activities::{Envelope, parse_envelope},
    signatures::{IncomingSignature, host_header},
};
use crate::{
    error::{AppError, AppResult},
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
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(r.body_text())
        }
    })?;
    let env = parse_envelope(&body)?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let sig = IncomingSignature::prepare(&method, path, &headers, Some(&body), chrono::Utc::now().timestamp())?;
    let key_url = url::Url::parse(sig.key_id()).map_err(|_| AppError::Unauthorized("keyId is not a URL".into()))?;
    if host_header(&key_url) != host_header(&env.actor) {
        return Err(AppError::Forbidden("the actor is not on the signer's host".into()));
    }
    if host_header(&env.id) != host_header(&env.actor) {
        return Err(AppError::Forbidden("the activity id is not on the actor's host".into()));
    }
    if env.kind == "Delete" && !knows_actor(&data, sig.key_id(), &env).await? {
        // Servers broadcast account deletions to every host they know: an actor we never met
        // has nothing here to delete, and its key is usually gone already (410). Fetching it
        // would only make noise.
        tracing::debug!(actor = %env.actor, "Delete from an unknown actor: ignored");
        return Ok(StatusCode::ACCEPTED);
    }
    if data.store.was_received(env.id.as_str()).await? {
        // Cheap early exit; the authoritative check is the claim inside each handler's transaction.
        // Still verified: a replay by someone else must not learn anything either way.
        verify_signer(&data, &sig, &env).await?;
        return Ok(StatusCode::ACCEPTED);
    }
    let signer = match verify_signer(&data, &sig, &env).await {
        Ok(s) => s,
        // A deleted actor's Delete arrives when its key can no longer be fetched: nothing to do.
        Err(AppError::Gone(_)) if env.kind == "Delete" => return Ok(StatusCode::ACCEPTED),
        Err(e) => return Err(e),
    };
    dispatch(&data, &env, &signer).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Fetches the key owner and checks the signature, refetching once on failure (key rotation).
async fn verify_signer(data: &Data<AppState>, sig: &IncomingSignature, env: &Envelope) -> AppResult<RemoteActorRow> {
    let owner = resolve_key_owner(data, sig.key_id(), false).await.map_err(key_error)?;
    let verifier = data.verifier_for(&owner.key_id, &owner.public_key_pem)?;
    let owner = if sig.verify(&verifier) {
        owner
    } else {
        let fresh = resolve_key_owner(data, sig.key_id(), true).await.map_err(key_error)?;
        let verifier = data.verifier_for(&fresh.key_id, &fresh.public_key_pem)?;
        if fresh.public_key_pem == owner.public_key_pem || !sig.verify(&verifier) {
            return Err(AppError::Unauthorized("signature does not verify".into()));
        }
        fresh
    };
    if owner.ap_id != env.actor.as_str() {
        return Err(AppError::Forbidden("the activity's actor is not the signer".into()));
    }
    Ok(owner)
}

/// A key we cannot get is an authentication failure for the sender, not our server error.
fn key_error(e: AppError) -> AppError {
    match e {
        AppError::Internal(_) | AppError::Gone(_) => e,
        other => AppError::Unauthorized(format!("cannot get the signer's key: {other}")),
    }
}

async fn knows_actor(data: &AppState, key_id: &str, env: &Envelope) -> AppResult<bool> {
    Ok(data.store.remote_actor_by_key_id(key_id).await?.is_some()
        || data.store.remote_actor_by_ap_id(env.actor.as_str()).await?.is_some())
}

async fn dispatch(state: &AppState, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    match env.kind.as_str() {
        "Follow" => follow::receive(state, env, signer).await,
        "Undo" => undo::receive(state, env, signer).await,
        "Accept" => accept::receive(state, env, signer, true).await,
        "Reject" => accept::receive(state, env, signer, false).await,
        "Delete" if super::protocol::id_of(&env.object) == Some(signer.ap_id.as_str()) => {
            // The actor deleted itself: forget it and its follows.
            state.store.delete_remote_actor(&signer.ap_id).await?;
            tracing::info!(actor = %signer.ap_id, "remote actor deleted");
            Ok(())
        }
        other => {
            tracing::info!(activity = %env.id, kind = %other, actor = %signer.ap_id, "activity type not handled: ignored");
            Ok(())
        }
    }
}
