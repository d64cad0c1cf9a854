//! Signed GETs of remote documents (actors, keys, WebFinger) whose errors say which URL answered
//! what: the HTTP status, the content type, or the parse error, never the remote body.
//!
//! The federation crate's fetch parses the body before looking at the status and puts the whole
//! body in its error, so a 500 page became "missing field `inbox`" and any document a remote
//! server pointed us at could be read back through our error messages. Here the status is
//! checked first, bodies are bounded, and messages quote nothing of the document.
//! Content types: https://www.w3.org/TR/activitypub/#retrieving-objects (and
//! GHSA-jhrq-qvrm-qr36 for why a non-ActivityPub type is refused).

use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::{http::check_target, signatures::sign_cavage};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

/// Largest document read (as the inbox, and the federation crate).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Redirects followed by hand (each target checked like the first).
const MAX_REDIRECTS: usize = 2;

/// What kind of document is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    ActivityPub,
    /// RFC 7033 JRD.
    WebFinger,
}

impl Accept {
    fn header(self) -> &'static str {
        match self {
            Accept::ActivityPub => {
                "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
            }
            Accept::WebFinger => "application/jrd+json, application/json",
        }
    }

    pub fn accepts(self, content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match self {
            Accept::ActivityPub => {
                essence == "application/activity+json"
                    || (essence == "application/ld+json"
                        && content_type.contains("https://www.w3.org/ns/activitystreams"))
            }
            Accept::WebFinger => essence == "application/jrd+json" || essence == "application/json",
        }
    }
}

/// A fetched document and the URL it was finally read from.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub url: Url,
    pub json: Value,
}

/// GET `url`, signed by the instance actor (servers in authorized-fetch mode, GoToSocial,
/// require it), following at most two redirects.
pub async fn get_json(state: &AppState, url: &Url, accept: Accept) -> AppResult<Fetched> {
    let mut url = url.clone();
    url.set_fragment(None);
    for _ in 0..=MAX_REDIRECTS {
        check_target(&url, state.config.allow_private_network)?;
        if state.is_blocked(&super::signatures::host_header(&url)).await? {
            return Err(AppError::Forbidden(format!("{} is blocked by this instance", url.host_str().unwrap_or(""))));
        }
        let (key_id, signer) = state.signer_for(crate::domain::local_actor::LocalActor::Instance).await?;
        let mut req = state.http.get(url.as_str()).header(header::ACCEPT, accept.header());
        for (k, v) in sign_cavage(&http::Method::GET, &url, None, &key_id, &signer)? {
            req = req.header(k, v);
        }
        let res =
            req.send().await.map_err(|e| AppError::BadGateway(format!("GET {url} failed: {}", e.without_url())))?;
        let status = res.status();
        if status.is_redirection()
            && let Some(location) = res.headers().get(header::LOCATION).and_then(|l| l.to_str().ok())
        {
            url = url.join(location).map_err(|_| AppError::BadGateway(format!("GET {url}: bad redirect")))?;
            url.set_fragment(None);
            continue;
        }
        return read(res, &url, accept).await;
    }
    Err(AppError::BadGateway(format!("GET {url}: too many redirects")))
}

async fn read(mut res: reqwest::Response, url: &Url, accept: Accept) -> AppResult<Fetched> {
    let status = res.status();
    if status == StatusCode::GONE {
        return Err(AppError::Gone(format!("{url} answered 410 Gone")));
    }
    if !status.is_success() {
        // The body is not read: it is the remote server's business, not our caller's.
        return Err(AppError::BadGateway(format!("GET {url} answered {status}")));
    }
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if !accept.accepts(&content_type) {
        let shown: String = content_type.chars().filter(|c| !c.is_control()).take(80).collect();
        return Err(AppError::BadGateway(format!("GET {url} answered {status} with Content-Type `{shown}`")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res
        .chunk()
        .await
        .map_err(|e| AppError::BadGateway(format!("GET {url}: body unreadable: {}", e.without_url())))?
    {
        if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return Err(AppError::BadGateway(format!("GET {url}: document larger than 1 MiB")));
        }
        body.extend_from_slice(&chunk);
    }
    let json = serde_json::from_slice(&body).map_err(|e| AppError::BadGateway(format!("{url} is not JSON: {e}")))?;
    Ok(Fetched { url: url.clone(), json })
}

/// Parses a fetched document as `T`; the error names the URL and the parse error.
pub fn parse<T: DeserializeOwned>(fetched: &Fetched, what: &str) -> AppResult<T> {
    serde_json::from_value(fetched.json.clone())
        .map_err(|e| AppError::BadGateway(format!("{} is not a usable {what}: {}", fetched.url, scrub(&e.to_string()))))
}

/// A serde message without the quoted values it may carry (`invalid value: string "…"`): the
/// cause stays readable, the remote document's content does not travel further.
pub fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' if quoted => {
                quoted = false;
                out.push_str("…\"");
            }
            '"' => {
                quoted = true;
                out.push('"');
            }
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out.chars().take(300).collect()
}

/// A property given as an id string or as an embedded object with an `id`.
pub fn string_field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    match v.get(name)? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_drops_quoted_values() {
        let e = serde_json::from_str::<u8>("\"SECRET\"").expect_err("test").to_string();
        assert!(e.contains("SECRET"), "{e}");
        assert!(!scrub(&e).contains("SECRET"));
        assert_eq!(scrub("missing field `inbox`"), "missing field `inbox`");
    }

    #[test]
    fn content_types() {
        assert!(Accept::ActivityPub.accepts("application/activity+json; charset=utf-8"));
        assert!(Accept::ActivityPub.accepts("application/ld+json;profile=\"https://www.w3.org/ns/activitystreams\""));
        assert!(!Accept::ActivityPub.accepts("text/html"));
        assert!(!Accept::ActivityPub.accepts("application/json"));
        assert!(Accept::WebFinger.accepts("application/jrd+json"));
    }
}
