//! Outgoing HTTP: one reqwest client with a DNS resolver that refuses private addresses (unless
//! `allow_private_network`), and, for the federation crate's fetches, a middleware that signs
//! GETs with the instance actor (servers in "authorized fetch" mode require it) and normalises
//! ActivityPub content types the crate would otherwise reject.

use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use http::Extensions;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest_middleware::{ClientWithMiddleware, Middleware, Next};
use url::Url;

use super::{keys::Signer, signatures::sign_cavage};
use crate::error::{AppError, AppResult};

pub const USER_AGENT: &str = concat!("Maillage/", env!("CARGO_PKG_VERSION"));

/// True for addresses reachable on the public internet.
///
/// Besides the obvious private ranges this refuses every block that reaches a private IPv4
/// host in disguise or is not routable on the internet: IPv4-mapped and IPv4-compatible IPv6
/// (the embedded address is checked), NAT64 (RFC 6052 `64:ff9b::/96`, RFC 8215
/// `64:ff9b:1::/48`), 6to4 (`2002::/16`, RFC 3056), Teredo (`2001::/32`), the deprecated
/// site-local `fec0::/10`, and the IPv4 reserved `240.0.0.0/4` and IETF `192.0.0.0/24`.
/// https://www.iana.org/assignments/iana-ipv4-special-registry/
/// https://www.iana.org/assignments/iana-ipv6-special-registry/
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] == 0
                || o[0] >= 240 // 240.0.0.0/4, reserved (and the broadcast address)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24, IETF protocol assignments
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
                || (o[0] == 198 && (o[1] & 0xfe) == 18)) // 198.18.0.0/15, benchmarking
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_ip(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if s[..6] == [0; 6] && !(v6.is_loopback() || v6.is_unspecified()) {
                // IPv4-compatible `::a.b.c.d` (deprecated, RFC 4291 §2.5.5.1): judged by the
                // address it embeds.
                let [.., a, b, c, d] = v6.octets();
                return is_public_ip(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64, 64:ff9b::/96 and 64:ff9b:1::/48
                || s[0] == 0x2002 // 6to4
                || (s[0] == 0x2001 && s[1] == 0) // Teredo
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0100 && s[1..4] == [0; 3]) // 100::/64, discard-only
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] & 0xffc0) == 0xfec0) // site local (deprecated, still routed internally)
        }
    }
}

/// Most bytes kept of a response body we only log or show (error bodies of deliveries).
pub const MAX_ERROR_BODY: usize = 4 * 1024;

/// Reads at most `max` bytes of a response body, then drops the connection: a peer answering
/// with a huge or endless body costs a fixed amount of memory and time. (Fetched objects,
/// WebFinger and NodeInfo go through the federation crate, which stops at 1 MiB.)
pub async fn read_limited(mut res: reqwest::Response, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < max {
        match res.chunk().await {
            Ok(Some(chunk)) => {
                let room = max - out.len();
                out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    out
}

/// Resolver that drops private addresses, so that a hostile domain pointing at 127.0.0.1 or
/// 10.x cannot make us reach internal services (SSRF).
struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs.into_iter().filter(|a| is_public_ip(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{} resolves only to private addresses", name.as_str()).into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Idle connections kept per host, and for how long (see `build_client`).
const POOL_IDLE_PER_HOST: usize = 2;
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn build_client(allow_private_network: bool, timeout: Duration) -> AppResult<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(timeout)
        // Redirects are followed by hand where wanted (the crate follows one, re-checking it).
        .redirect(reqwest::redirect::Policy::none());
    // Idle connections are kept for a moment, not for reqwest's default 90 s and without
    // bound: a fan-out touches thousands of hosts, each once or in one burst, and every idle
    // connection keeps its buffers (issue 14: a fan-out to 5,000 hosts peaked at 300 MB, 140 MB
    // with these two settings). Two per host and two seconds still carry a burst to one host
    // (the `Accept`s of a wave of follows, a host's followers in a fan-out) over warm connections.
    b = b.pool_max_idle_per_host(POOL_IDLE_PER_HOST).pool_idle_timeout(POOL_IDLE_TIMEOUT);
    if !allow_private_network {
        b = b.dns_resolver(std::sync::Arc::new(PublicOnlyResolver));
    }
    b.build().map_err(|e| AppError::Internal(format!("http client: {e}")))
}

/// Checks a destination before we send anything to it.
pub fn check_target(url: &Url, allow_private_network: bool) -> AppResult<()> {
    match url.scheme() {
        "https" => {}
        "http" if allow_private_network => {}
        _ => {
            return Err(AppError::Forbidden(format!("refusing non-https target {url}")));
        }
    }
    match url.host() {
        None => Err(AppError::Forbidden("target without host".into())),
        Some(url::Host::Ipv4(ip)) if !allow_private_network && !is_public_ip(IpAddr::V4(ip)) => {
            Err(AppError::Forbidden("private address".into()))
        }
        Some(url::Host::Ipv6(ip)) if !allow_private_network && !is_public_ip(IpAddr::V6(ip)) => {
            Err(AppError::Forbidden("private address".into()))
        }
        Some(url::Host::Domain(d)) if !allow_private_network && (d == "localhost" || d.ends_with(".localhost")) => {
            Err(AppError::Forbidden("private address".into()))
        }
        _ => Ok(()),
    }
}

/// Signs the crate's GET requests and normalises response content types.
struct FetchMiddleware {
    key_id: String,
    signer: Signer,
}

#[async_trait::async_trait]
impl Middleware for FetchMiddleware {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        if req.method() == http::Method::GET && !req.headers().contains_key("signature") {
            let headers = sign_cavage(&http::Method::GET, req.url(), None, &self.key_id, &self.signer)
                .map_err(|e| reqwest_middleware::Error::Middleware(anyhow::anyhow!("{e}")))?;
            for (k, v) in headers {
                req.headers_mut().insert(k, v);
            }
        }
        let mut res = next.run(req, extensions).await?;
        // The crate compares Content-Type with three exact strings; real servers send variants
        // (`application/ld+json;profile=…` without space, other parameter orders, charset).
        if let Some(ct) = res.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
            let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            let is_ap = essence == "application/activity+json"
                || (essence == "application/ld+json" && ct.contains("https://www.w3.org/ns/activitystreams"));
            if is_ap {
                res.headers_mut()
                    .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/activity+json"));
            }
        }
        Ok(res)
    }
}

pub fn fetch_client(client: reqwest::Client, key_id: String, signer: Signer) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(client).with(FetchMiddleware { key_id, signer }).build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "100.64.0.1",
            "0.0.0.0",
            "::ffff:127.0.0.1",
            // NAT64, 6to4, Teredo, IPv4-compatible, site-local: private hosts in disguise.
            "64:ff9b::7f00:1",
            "64:ff9b::808:808",
            "64:ff9b:1::a00:1",
            "2002:7f00:1::1",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "::127.0.0.1",
            "::10.0.0.1",
            "::ffff:10.0.0.1",
            "fec0::1",
            "feff::1",
            "2001:db8::1",
            "100::1",
            // IPv4 reserved and IETF ranges.
            "240.0.0.1",
            "255.255.255.254",
            "192.0.0.1",
            "192.0.0.170",
        ] {
            assert!(!is_public_ip(ip.parse().expect("test")), "{ip}");
        }
        for ip in ["1.1.1.1", "2606:4700::1111", "93.184.216.34", "::8.8.8.8", "::ffff:8.8.8.8"] {
            assert!(is_public_ip(ip.parse().expect("test")), "{ip}");
        }
    }

    #[test]
    fn targets() {
        let u = |s: &str| Url::parse(s).expect("test");
        assert!(check_target(&u("https://mastodon.example/inbox"), false).is_ok());
        assert!(check_target(&u("http://mastodon.example/inbox"), false).is_err());
        assert!(check_target(&u("https://127.0.0.1/inbox"), false).is_err());
        assert!(check_target(&u("https://[::1]/inbox"), false).is_err());
        assert!(check_target(&u("https://localhost/inbox"), false).is_err());
        assert!(check_target(&u("http://localhost:8080/inbox"), true).is_ok());
        assert!(check_target(&u("ftp://x.example/"), true).is_err());
    }
}
