//! The test peer's inbox: the library's `receive_activity` (signature checked against the
//! activity's `actor`), with the key id of the request kept for the receive step, which refuses
//! an activity signed by a key that is not its actor's, as GoToSocial and Mastodon do.

use activitypub_federation::{
    axum::inbox::{ActivityData, receive_activity},
    config::Data,
    protocol::context::WithContext,
};
use axum::{http::StatusCode, response::IntoResponse};

use super::peer::{Incoming, KnownActor, PeerState};

tokio::task_local! {
    /// The key id the request being received was signed with (see [`Incoming::receive`]).
    static SIGNED_WITH: String;
}

/// The `keyId` of a cavage `Signature` header or the `keyid` of an RFC 9421 `Signature-Input`.
fn key_id_of(headers: &axum::http::HeaderMap) -> String {
    let field = |name: &str, key: &str| {
        let text = headers.get(name)?.to_str().ok()?;
        let start = text.find(key)? + key.len();
        text[start..].split('"').next().map(str::to_string)
    };
    field("signature", "keyId=\"").or_else(|| field("signature-input", "keyid=\"")).unwrap_or_default()
}

pub async fn post_inbox(
    data: Data<PeerState>,
    headers: axum::http::HeaderMap,
    activity: ActivityData,
) -> impl IntoResponse {
    let received = receive_activity::<WithContext<Incoming>, KnownActor, PeerState>(activity, &data);
    match SIGNED_WITH.scope(key_id_of(&headers), received).await {
        Ok(()) => StatusCode::ACCEPTED,
        Err(e) => {
            data.refused.lock().expect("lock").push(e.to_string());
            StatusCode::UNAUTHORIZED
        }
    }
}

/// The key id of the request being received (empty outside a request).
pub fn signed_with() -> String {
    SIGNED_WITH.try_with(Clone::clone).unwrap_or_default()
}
