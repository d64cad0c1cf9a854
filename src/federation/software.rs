//! What software a remote host runs (its NodeInfo `software.name`), and which shape of a
//! practice each program reads: the choice is documented in docs/FEDERATION.md.
//! https://github.com/jhass/nodeinfo/blob/main/PROTOCOL.md

use serde_json::Value;

use super::{delivery::inbox_host, http::check_target};
use crate::{domain::now_millis, error::AppResult, state::AppState};

/// A host's answer is kept a week; a host that did not answer is asked again after a day.
const FRESH_MS: i64 = 7 * 24 * 3600 * 1000;
const RETRY_MS: i64 = 24 * 3600 * 1000;

/// How a program reads a territory's practices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Reads `Announce(Create(Article))` from a group (FEP-1b12): Lemmy, Mbin, PieFed, Maillage.
    Group,
    /// Mastodon-API servers: read `Announce(<object id>)` and fetch the object; Mastodon shows
    /// an `Article` as title, summary and link.
    Microblog,
    /// As [`Reader::Microblog`], but `summary` becomes a content warning and `name` is dropped:
    /// they get the practice as title, summary and link in `content` (GoToSocial, Pleroma, Akkoma).
    MicroblogNoSummary,
    /// No NodeInfo: sent both `Announce`s, as Lemmy does for everyone.
    Unknown,
}

impl Reader {
    pub fn of(software: &str) -> Reader {
        match software {
            "lemmy" | "mbin" | "kbin" | "piefed" | "maillage" => Reader::Group,
            "gotosocial" | "pleroma" | "akkoma" => Reader::MicroblogNoSummary,
            "" => Reader::Unknown,
            _ => Reader::Microblog,
        }
    }

    pub fn reads_group_announces(self) -> bool {
        matches!(self, Reader::Group | Reader::Unknown)
    }

    pub fn reads_object_announces(self) -> bool {
        !matches!(self, Reader::Group)
    }
}

/// The software of `host` (`host[:port]`) as stored, asking its NodeInfo when unknown or stale.
/// Never fails: a host that does not answer is [`Reader::Unknown`].
pub async fn software_of(state: &AppState, host: &str) -> String {
    match state.store.host_software(host).await {
        Ok(Some((s, at))) if now_millis() - at < if s.is_empty() { RETRY_MS } else { FRESH_MS } => return s,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(host, error = %e, "cannot read a host's software");
            return String::new();
        }
    }
    let found = match ask_nodeinfo(state, host).await {
        Ok(s) => s,
        Err(e) => {
            tracing::info!(host, error = %e, "no NodeInfo: the host's software is unknown");
            String::new()
        }
    };
    if let Err(e) = state.store.set_host_software(host, &found).await {
        tracing::warn!(host, error = %e, "cannot record a host's software");
    }
    found
}

/// The software only as stored (no request): for choices made while answering a request.
pub async fn known_software(state: &AppState, host: &str) -> String {
    state.store.host_software(host).await.ok().flatten().map(|(s, _)| s).unwrap_or_default()
}

async fn get_json(state: &AppState, url: &str) -> AppResult<Value> {
    let url = url::Url::parse(url)?;
    check_target(&url, state.config.allow_private_network)?;
    // A host is asked once in a while, and many hosts at once (a publication, the first
    // aggregate): its connection is not kept idle in the pool, where hundreds of them held
    // their buffers at once (issue 14: startup's look-up of 500 hosts grew the server by 15 MB).
    let res = state
        .http
        .get(url.clone())
        .header("Accept", "application/json")
        .header(reqwest::header::CONNECTION, "close")
        .send()
        .await;
    let res = res.map_err(|e| crate::error::AppError::BadGateway(format!("{url}: {e}")))?;
    if !res.status().is_success() {
        return Err(crate::error::AppError::BadGateway(format!("{url} answered {}", res.status())));
    }
    // NodeInfo documents are small: read at most 256 KiB (a larger or endless body is cut, and
    // then is not JSON), never the whole of what a host sends.
    const MAX: usize = 256 * 1024;
    let bytes = super::http::read_limited(res, MAX + 1).await;
    if bytes.len() > MAX {
        return Err(crate::error::AppError::BadGateway(format!("{url}: document too large")));
    }
    serde_json::from_slice(&bytes).map_err(|e| crate::error::AppError::BadGateway(format!("{url}: {e}")))
}

async fn ask_nodeinfo(state: &AppState, host: &str) -> AppResult<String> {
    let scheme = state.config.public_url.scheme();
    let links = get_json(state, &format!("{scheme}://{host}/.well-known/nodeinfo")).await?;
    let href = links
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|l| {
            l.get("rel").and_then(Value::as_str).is_some_and(|r| r.contains("nodeinfo.diaspora.software/ns/schema/2"))
        })
        .find_map(|l| l.get("href").and_then(Value::as_str))
        .ok_or_else(|| crate::error::AppError::BadGateway(format!("{host}: no NodeInfo 2.x link")))?
        .to_string();
    // The document is on the host that named it: no redirection of our requests elsewhere.
    if inbox_host(&href) != host {
        return Err(crate::error::AppError::BadGateway(format!("{host}: NodeInfo on another host")));
    }
    let doc = get_json(state, &href).await?;
    let name = doc.get("software").and_then(|s| s.get("name")).and_then(Value::as_str).unwrap_or_default();
    Ok(name.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(50).collect())
}

/// What each host reads, looked up (NodeInfo, at most one round trip per host, several at
/// once) before a change opens its transaction: no network inside a held write lock.
#[derive(Debug, Clone, Default)]
pub struct Readers(std::collections::HashMap<String, Reader>);

impl Readers {
    /// The readers of the hosts of `inboxes`.
    pub async fn of(state: &AppState, inboxes: &[String]) -> Readers {
        use futures::StreamExt;
        // Hosts not asked yet (or stale) cost a NodeInfo round trip each, which a publication
        // must not pay one after the other.
        let hosts: std::collections::BTreeSet<String> = inboxes.iter().map(|i| inbox_host(i)).collect();
        Readers(
            futures::stream::iter(hosts)
                .map(|host| async move {
                    let r = Reader::of(&software_of(state, &host).await);
                    (host, r)
                })
                .buffer_unordered(16)
                .collect()
                .await,
        )
    }

    /// Inboxes split by what their hosts read: (group readers, object readers with `summary`,
    /// object readers without). A host not looked up (it followed since) or of unknown
    /// software is in the first two.
    pub fn split(&self, inboxes: &[String]) -> [Vec<String>; 3] {
        let mut out: [Vec<String>; 3] = Default::default();
        for inbox in inboxes {
            let reader = self.0.get(&inbox_host(inbox)).copied().unwrap_or(Reader::Unknown);
            if reader.reads_group_announces() {
                out[0].push(inbox.clone());
            }
            match reader {
                Reader::Microblog | Reader::Unknown => out[1].push(inbox.clone()),
                Reader::MicroblogNoSummary => out[2].push(inbox.clone()),
                Reader::Group => {}
            }
        }
        out
    }
}

/// The inboxes of `inboxes` on Maillage instances (NodeInfo's software name): what reads our
/// own `cces:` objects, such as the observatory's aggregates.
pub async fn maillage_inboxes(state: &AppState, inboxes: &[String]) -> std::collections::HashSet<String> {
    use futures::StreamExt;
    let hosts: std::collections::BTreeSet<String> = inboxes.iter().map(|i| inbox_host(i)).collect();
    let maillage: std::collections::HashSet<String> = futures::stream::iter(hosts)
        .map(|host| async move { (software_of(state, &host).await == "maillage").then_some(host) })
        .buffer_unordered(16)
        .filter_map(|h| async move { h })
        .collect()
        .await;
    inboxes.iter().filter(|i| maillage.contains(&inbox_host(i))).cloned().collect()
}

/// Inboxes split by what their hosts read (see [`Readers::split`]).
pub async fn split_inboxes(state: &AppState, inboxes: &[String]) -> [Vec<String>; 3] {
    Readers::of(state, inboxes).await.split(inboxes)
}

/// The host whose key signed a request (draft-cavage `Signature` or RFC 9421 `Signature-Input`),
/// unverified: only for choosing among shapes of public content, never for access.
pub fn requester_host(headers: &axum::http::HeaderMap) -> Option<String> {
    let key_id = if let Some(v) = headers.get("signature").and_then(|v| v.to_str().ok()) {
        super::signatures::parse_signature_header(v).ok()?.key_id
    } else {
        let v = headers.get("signature-input")?.to_str().ok()?;
        let start = v.find("keyid=\"")? + "keyid=\"".len();
        v[start..].split('"').next()?.to_string()
    };
    url::Url::parse(&key_id).ok().map(|u| super::signatures::host_header(&u))
}

#[cfg(test)]
mod tests {
    use super::Reader;

    #[test]
    fn readers() {
        assert_eq!(Reader::of("lemmy"), Reader::Group);
        assert_eq!(Reader::of("maillage"), Reader::Group);
        assert_eq!(Reader::of("mastodon"), Reader::Microblog);
        assert_eq!(Reader::of("gotosocial"), Reader::MicroblogNoSummary);
        assert!(Reader::of("").reads_group_announces() && Reader::of("").reads_object_announces());
        assert!(!Reader::of("lemmy").reads_object_announces());
    }
}
