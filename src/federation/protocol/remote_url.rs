//! URLs taken from remote JSON (object ids, `url`s, `cces:structures` ids, profile links):
//! the one check every handler applies before such a URL is stored, fetched or shown as a link.
//!
//! Only `https` is accepted (`http` too with `allow_private_network`, for tests and closed
//! networks), with a host and without credentials: anything else — `javascript://host/…`,
//! `data:`, `file:`, `ftp:` — would become a live link on our pages or a fetch we never meant.
//! Where the protocol ties an object to its sender (an object id on the signer's host, as
//! Mastodon checks it: https://docs.joinmastodon.org/spec/security/#http), [`remote_id`] also
//! checks the host.

use url::Url;

use crate::{
    error::{AppError, AppResult},
    federation::signatures::host_header,
};

/// Longest URL kept: real ids are far shorter; longer ones are only good for bloating rows.
pub const MAX_URL_LEN: usize = 2048;

/// `s` as a URL fit to store and link to; 422 otherwise.
pub fn remote_url(s: &str, allow_private_network: bool) -> AppResult<Url> {
    let refuse = |why: &str| AppError::Unprocessable(format!("unusable URL in remote JSON: {why}"));
    if s.len() > MAX_URL_LEN {
        return Err(refuse("too long"));
    }
    let url = Url::parse(s).map_err(|_| refuse("not a URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private_network => {}
        _ => return Err(refuse("only https URLs are accepted")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("credentials in URL"));
    }
    Ok(url)
}

/// `s` as the id of an object sent by an actor on `signer_host`: a usable URL (422) on that
/// host (403).
pub fn remote_id(s: &str, signer_host: &str, allow_private_network: bool) -> AppResult<Url> {
    let url = remote_url(s, allow_private_network)?;
    if !host_header(&url).eq_ignore_ascii_case(signer_host) {
        return Err(AppError::Forbidden("the object is not on its sender's host".into()));
    }
    Ok(url)
}

/// A link that is only shown (a profile page, a comment's `url`): kept when usable, dropped
/// otherwise (the caller falls back to the checked id).
pub fn remote_link(s: Option<&str>, allow_private_network: bool) -> Option<String> {
    s.and_then(|s| remote_url(s, allow_private_network).ok()).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_web_urls() {
        for ok in
            ["https://mastodon.example/users/alice", "https://[2606:4700::1111]/x", "https://a.example:8443/x?y#z"]
        {
            assert!(remote_url(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "javascript://mastodon.example/%0Aalert(1)",
            "javascript:alert(1)",
            "JAVASCRIPT://mastodon.example/x",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "ftp://mastodon.example/x",
            "vbscript://mastodon.example/x",
            "http://mastodon.example/x",
            "https://user:pw@mastodon.example/x",
            "mastodon.example/x",
            "",
        ] {
            let e = remote_url(bad, false).expect_err(bad);
            assert_eq!(e.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        assert!(remote_url("http://localhost:8080/u", true).is_ok());
        assert!(remote_url("javascript://localhost:8080/u", true).is_err());
        assert!(remote_url(&format!("https://a.example/{}", "x".repeat(MAX_URL_LEN)), false).is_err());
    }

    #[test]
    fn ids_are_on_the_senders_host() {
        assert!(remote_id("https://a.example/n/1", "a.example", false).is_ok());
        assert!(remote_id("https://A.example/n/1", "a.example", false).is_ok());
        let e = remote_id("https://b.example/n/1", "a.example", false).expect_err("other host");
        assert_eq!(e.status(), axum::http::StatusCode::FORBIDDEN);
        let e = remote_id("javascript://a.example/n/1", "a.example", false).expect_err("scheme");
        assert_eq!(e.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(remote_link(Some("javascript:alert(1)"), false), None);
        assert_eq!(remote_link(Some("https://a.example/@x"), false).as_deref(), Some("https://a.example/@x"));
    }
}
