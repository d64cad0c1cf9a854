//! The client's address, as rate limits (login, signing, API) count it.
//!
//! Behind a reverse proxy the socket peer is the proxy; the client is in `X-Forwarded-For`,
//! which every hop appends to and which the client itself may have pre-filled with anything.
//! So the list is read from the right: entries added by proxies listed in `trusted_proxies`
//! are skipped, and the first entry that is not a trusted proxy is the client — the leftmost
//! entries, which a client can forge, are never believed. With no trusted proxy (the default)
//! the header is ignored and the socket peer is the client.
//! MDN: <https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#selecting_an_ip_address>

use std::net::{IpAddr, SocketAddr};

use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;

/// The client address for a request whose socket peer is `peer`.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    // Every `X-Forwarded-For` header, in order, then its entries from right to left.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.iter().rev() {
        let Some(ip) = parse_entry(entry) else {
            // Garbage where an address should be: the hop before it cannot be trusted either.
            return Some(client);
        };
        client = ip;
        if !is_trusted(&ip) {
            return Some(ip);
        }
    }
    Some(client)
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:5678`.
fn parse_entry(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>().ok().or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip())).map(canonical)
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:1.2.3.4`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The client address of a request, as text ("unknown" without a socket peer, e.g. in tests
/// that call the router directly).
pub fn client_of(extensions: &Extensions, headers: &HeaderMap, trusted: &[IpNet]) -> String {
    let peer = extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    client_ip(peer, headers, trusted).map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().expect("test"));
        }
        h
    }

    fn nets(n: &[&str]) -> Vec<IpNet> {
        n.iter().map(|s| s.parse().expect("test")).collect()
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("test"))
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(client_ip(ip("127.0.0.1"), &xff(&["203.0.113.9"]), &[]), ip("127.0.0.1"));
    }

    #[test]
    fn the_rightmost_untrusted_entry_is_the_client() {
        let t = nets(&["127.0.0.0/8", "10.0.0.0/8"]);
        // The client forged the first entry; our proxies appended the real one, then their own.
        let h = xff(&["6.6.6.6, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("127.0.0.1"), &xff(&["[2001:db8::7]:4711"]), &t), ip("2001:db8::7"));
        assert_eq!(client_ip(ip("::ffff:127.0.0.1"), &xff(&["203.0.113.9:80"]), &t), ip("203.0.113.9"));
        // A request from an untrusted peer keeps its own address, whatever it claims.
        assert_eq!(client_ip(ip("198.51.100.1"), &h, &t), ip("198.51.100.1"));
        // Only proxies in the chain: the leftmost one is all we know.
        assert_eq!(client_ip(ip("127.0.0.1"), &xff(&["10.0.0.3"]), &t), ip("10.0.0.3"));
        assert_eq!(client_ip(ip("127.0.0.1"), &HeaderMap::new(), &t), ip("127.0.0.1"));
        // Garbage stops the walk at the last hop we could trust.
        assert_eq!(client_ip(ip("127.0.0.1"), &xff(&["203.0.113.9, bogus, 10.0.0.2"]), &t), ip("10.0.0.2"));
    }
}
