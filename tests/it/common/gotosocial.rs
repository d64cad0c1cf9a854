//! The GoToSocial side of the test peer (`Style::GoToSocial`): its documents come from
//! tests/fixtures/gotosocial. Its key URL serves a stub actor without a signature; its actor
//! answers only a valid signed GET whose signer it can read (go-fed takes a `preferredUsername`
//! containing `:` for an IRI and answers 500), as GoToSocial does.
#![allow(dead_code)]

use std::collections::HashMap;

use activitypub_federation::config::Data;
use axum::{Router, http::StatusCode, response::IntoResponse, routing::get};
use serde_json::Value;
use url::Url;

use super::peer::PeerState;

pub fn routes() -> Router {
    Router::new()
        .route("/users/alice", get(person))
        .route("/users/alice/main-key", get(main_key))
        .route("/users/bob", get(broken))
        .route("/.well-known/webfinger", get(webfinger))
}

pub fn count_get(data: &PeerState, path: &str) {
    *data.gets.lock().expect("lock").entry(path.to_string()).or_default() += 1;
}

/// A GoToSocial fixture with the peer's addresses and key.
fn document(data: &PeerState, file: &str) -> Value {
    let path = format!("{}/tests/fixtures/gotosocial/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("fixture");
    let base = data.me.id.as_str().trim_end_matches("users/alice");
    let mut doc: Value = serde_json::from_str(&text.replace("https://gotosocial.example/", base)).expect("json");
    doc["publicKey"]["publicKeyPem"] = Value::String(data.me.public_key_pem.clone());
    doc
}

fn activity_json(doc: Value) -> axum::response::Response {
    ([("content-type", "application/activity+json")], doc.to_string()).into_response()
}

/// GoToSocial's key URL: a stub actor, served without a signature.
async fn main_key(data: Data<PeerState>) -> impl IntoResponse {
    count_get(&data, "/users/alice/main-key");
    activity_json(document(&data, "main_key.json"))
}

/// GoToSocial's actor: only for a valid signed GET whose signer it can read. Like go-fed, it
/// reads a `preferredUsername` containing `:` as an IRI, finds no username and answers 500.
async fn person(
    data: Data<PeerState>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> impl IntoResponse {
    count_get(&data, "/users/alice");
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
    let now = chrono::Utc::now().timestamp();
    let sig = match maillage::federation::signatures::RequestSignature::prepare(
        &method,
        &path,
        &headers,
        None,
        &data.me.id,
        now,
    ) {
        Ok(s) => s,
        Err(e) => return (StatusCode::UNAUTHORIZED, format!("signature: {e}")).into_response(),
    };
    let mut key_url = match Url::parse(sig.key_id()) {
        Ok(u) => u,
        Err(_) => return (StatusCode::UNAUTHORIZED, "keyId").into_response(),
    };
    key_url.set_fragment(None);
    let signer: Value = match super::client()
        .get(key_url.as_str())
        .header("Accept", "application/activity+json")
        .send()
        .await
        .and_then(|r| r.error_for_status())
    {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(e) => return (StatusCode::UNAUTHORIZED, format!("signer: {e}")).into_response(),
    };
    let username = signer["preferredUsername"].as_str().unwrap_or_default();
    if username.is_empty() || Url::parse(username).is_ok() || username.contains(':') {
        return (StatusCode::INTERNAL_SERVER_ERROR, format!("missing username for {key_url}")).into_response();
    }
    let verified = signer["publicKey"]["publicKeyPem"]
        .as_str()
        .and_then(|pem| maillage::federation::keys::Verifier::from_pem(pem).ok())
        .is_some_and(|v| sig.verify(&v));
    if !verified {
        return (StatusCode::UNAUTHORIZED, "signature does not verify").into_response();
    }
    activity_json(document(&data, "person.json"))
}

/// GoToSocial's WebFinger: `alice` is the peer; `bob` is listed but his actor answers 500.
async fn webfinger(
    data: Data<PeerState>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let base = data.me.id.as_str().trim_end_matches("users/alice").to_string();
    let resource = q.get("resource").cloned().unwrap_or_default();
    let user = resource.trim_start_matches("acct:").split('@').next().unwrap_or_default().to_string();
    if user != "alice" && user != "bob" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let jrd = serde_json::json!({"subject": resource, "links": [
        {"rel": "self", "type": "application/activity+json", "href": format!("{base}users/{user}")}]});
    ([("content-type", "application/jrd+json")], jrd.to_string()).into_response()
}

/// An actor whose server fails; the body must never reach Maillage's callers.
async fn broken() -> impl IntoResponse {
    (StatusCode::INTERNAL_SERVER_ERROR, "SECRET-500-BODY stack trace").into_response()
}
