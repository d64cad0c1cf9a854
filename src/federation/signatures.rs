//! HTTP signatures, draft-cavage-http-signatures-12 as Mastodon sends and expects them:
//! `(request-target) host date digest`, RSA-SHA256 (PKCS#1 v1.5), on aws-lc-rs.
//! https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12
//! https://docs.joinmastodon.org/spec/security/#http
//!
//! Verification is split in two: [`IncomingSignature::prepare`] does every check that needs no
//! key (syntax, covered headers, date window, body digest), so that a request that fails them
//! costs no key fetch; [`IncomingSignature::verify`] then checks the signature with the key.

use aws_lc_rs::digest;
use base64::{Engine, engine::general_purpose::STANDARD};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use super::keys::{Signer, Verifier};
use crate::error::{AppError, AppResult};

/// A signature older than this is refused (Mastodon uses the same 12 hours).
pub const MAX_AGE_SECS: i64 = 12 * 3600;
/// A signature dated further in the future than this is refused (clock skew allowance).
pub const MAX_SKEW_SECS: i64 = 3600;

/// `SHA-256=<base64>`, the RFC 3230 `Digest` header value for a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(digest::digest(&digest::SHA256, body)))
}

/// `host[:port]` of a URL, as sent in the `Host` header.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

fn request_target(method: &Method, path_and_query: &str) -> String {
    format!("{} {}", method.as_str().to_lowercase(), path_and_query)
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Headers to add to an outgoing request (`Host`, `Date`, `Digest` with a body, `Signature`).
pub fn sign_cavage(
    method: &Method,
    url: &Url,
    body: Option<&[u8]>,
    key_id: &str,
    signer: &Signer,
) -> AppResult<Vec<(HeaderName, HeaderValue)>> {
    let host = host_header(url);
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let mut covered = vec!["(request-target)", "host", "date"];
    let mut lines = vec![
        format!("(request-target): {}", request_target(method, &path_and_query(url))),
        format!("host: {host}"),
        format!("date: {date}"),
    ];
    let digest = body.map(digest_header);
    if let Some(d) = &digest {
        covered.push("digest");
        lines.push(format!("digest: {d}"));
    }
    let signature = STANDARD.encode(signer.sign_rsa_sha256(lines.join("\n").as_bytes())?);
    let header = format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{signature}\"",
        covered.join(" ")
    );
    let value = |s: String| HeaderValue::from_str(&s).map_err(|_| AppError::internal("unencodable header"));
    let mut out = vec![(http::header::HOST, value(host)?), (http::header::DATE, value(date)?)];
    if let Some(d) = digest {
        out.push((HeaderName::from_static("digest"), value(d)?));
    }
    out.push((HeaderName::from_static("signature"), value(header)?));
    Ok(out)
}

/// The parameters of a `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    pub key_id: String,
    pub algorithm: Option<String>,
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

fn unauthorized(m: &str) -> AppError {
    AppError::Unauthorized(m.to_string())
}

/// Parses `keyId="…",algorithm="…",headers="…",signature="…"` (quoted values may contain commas).
pub fn parse_signature_header(value: &str) -> AppResult<SignatureParams> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or_else(|| unauthorized("malformed Signature header"))?;
        let name = rest[..eq].trim().trim_start_matches(',').trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let val;
        if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').ok_or_else(|| unauthorized("unterminated quote in Signature header"))?;
            val = stripped[..end].to_string();
            rest = stripped[end + 1..].trim_start();
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            val = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        rest = rest.trim_start_matches(',').trim_start();
        fields.push((name, val));
    }
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let key_id = get("keyid").ok_or_else(|| unauthorized("Signature without keyId"))?;
    let signature = get("signature").ok_or_else(|| unauthorized("Signature without signature"))?;
    let signature = STANDARD.decode(signature.as_bytes()).map_err(|_| unauthorized("signature is not base64"))?;
    let headers =
        get("headers").unwrap_or_else(|| "date".into()).split_whitespace().map(str::to_ascii_lowercase).collect();
    let num = |n: &str| -> AppResult<Option<i64>> {
        get(n).map(|v| v.parse().map_err(|_| unauthorized("bad number in Signature header"))).transpose()
    };
    Ok(SignatureParams {
        key_id,
        algorithm: get("algorithm"),
        headers,
        signature,
        created: num("created")?,
        expires: num("expires")?,
    })
}

/// The value of a covered header field: its values trimmed and joined with ", " (the rule of
/// both draft-cavage §2.3 and RFC 9421 §2.1). Missing or non-text: the signature is unusable.
pub(crate) fn covered_header(headers: &HeaderMap, name: &str) -> AppResult<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().map(str::trim))
        .collect::<Result<_, _>>()
        .map_err(|_| unauthorized("signed header is not text"))?;
    if values.is_empty() {
        return Err(AppError::Unauthorized(format!("signed header `{name}` is missing")));
    }
    Ok(values.join(", "))
}

/// The time window, the same for both formats: at most `MAX_AGE_SECS` old, at most
/// `MAX_SKEW_SECS` ahead, and not past its own expiry.
pub(crate) fn check_signature_time(signed_at: i64, expires: Option<i64>, now: i64) -> AppResult<()> {
    if signed_at < now - MAX_AGE_SECS {
        return Err(unauthorized("signature is too old"));
    }
    if signed_at > now + MAX_SKEW_SECS {
        return Err(unauthorized("signature is dated in the future"));
    }
    if expires.is_some_and(|e| e < now) {
        return Err(unauthorized("signature has expired"));
    }
    Ok(())
}

/// A signed request that passed every check but the cryptographic one.
#[derive(Debug)]
pub struct IncomingSignature {
    pub params: SignatureParams,
    signing_string: String,
}

impl IncomingSignature {
    /// Checks syntax, covered headers, date window and (when there is a body) its digest.
    /// `now` is seconds since the epoch.
    pub fn prepare(
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        now: i64,
    ) -> AppResult<IncomingSignature> {
        Self::prepare_digested(method, path_and_query, headers, body.map(BodyDigest::of).as_ref(), now)
    }

    /// [`IncomingSignature::prepare`] with the body's digest already computed.
    pub fn prepare_digested(
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Option<&BodyDigest>,
        now: i64,
    ) -> AppResult<IncomingSignature> {
        let raw = match headers.get("signature") {
            Some(v) => v.to_str().map_err(|_| unauthorized("Signature header is not text"))?.to_string(),
            None => match headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
                Some(v) if v.starts_with("Signature ") => v["Signature ".len()..].to_string(),
                _ => return Err(unauthorized("request is not signed")),
            },
        };
        let params = parse_signature_header(&raw)?;
        if let Some(alg) = &params.algorithm {
            // hs2019 means "derive from the key": with RSA keys that is RSA-SHA256 in practice.
            if !matches!(alg.to_ascii_lowercase().as_str(), "rsa-sha256" | "hs2019") {
                return Err(unauthorized("unsupported signature algorithm"));
            }
        }
        let covers = |h: &str| params.headers.iter().any(|x| x == h);
        if !covers("(request-target)") || !covers("host") {
            return Err(unauthorized("signature must cover (request-target) and host"));
        }
        if !covers("date") && !covers("(created)") {
            return Err(unauthorized("signature must cover date or (created)"));
        }
        if body.is_some() && !covers("digest") && !covers("content-digest") {
            return Err(unauthorized("signature must cover the body digest"));
        }
        // Time window, on whichever time the signature covers.
        let signed_at = if covers("(created)") {
            params.created.ok_or_else(|| unauthorized("(created) covered but missing"))?
        } else {
            let date = headers
                .get(http::header::DATE)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| unauthorized("missing Date header"))?;
            let t = httpdate::parse_http_date(date).map_err(|_| unauthorized("unparsable Date header"))?;
            t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
        };
        check_signature_time(signed_at, params.expires, now)?;
        if let Some(body) = body {
            verify_covered_digest(headers, body, covers)?;
        }
        let mut lines = Vec::with_capacity(params.headers.len());
        for h in &params.headers {
            let line = match h.as_str() {
                "(request-target)" => format!("(request-target): {}", request_target(method, path_and_query)),
                "(created)" => format!("(created): {}", params.created.unwrap_or_default()),
                "(expires)" => {
                    format!("(expires): {}", params.expires.ok_or_else(|| unauthorized("(expires) missing"))?)
                }
                name => format!("{name}: {}", covered_header(headers, name)?),
            };
            lines.push(line);
        }
        Ok(IncomingSignature { params, signing_string: lines.join("\n") })
    }

    pub fn key_id(&self) -> &str {
        &self.params.key_id
    }

    pub fn verify(&self, key: &Verifier) -> bool {
        key.verify_rsa_sha256(self.signing_string.as_bytes(), &self.params.signature)
    }
}

/// A signed request in either format, checked but for the cryptography.
#[derive(Debug)]
pub enum RequestSignature {
    Cavage(IncomingSignature),
    Rfc9421(super::rfc9421::Incoming),
}

impl RequestSignature {
    /// RFC 9421 when `Signature-Input` is present, draft-cavage otherwise. `public_url` gives
    /// the scheme (behind a TLS proxy the request we see is plain http) and, without a `Host`
    /// header, the authority of the target URI.
    pub fn prepare(
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        public_url: &Url,
        now: i64,
    ) -> AppResult<RequestSignature> {
        // The signed `Host` / `@authority` must be ours: a request signed for another server
        // (intercepted there, or sent to it by a hostile peer) is not replayable here.
        for host in headers.get_all(http::header::HOST) {
            if !host.to_str().is_ok_and(|h| is_our_authority(h, public_url)) {
                return Err(unauthorized("the request was signed for another host"));
            }
        }
        let body = body.map(BodyDigest::of);
        let body = body.as_ref();
        if headers.contains_key("signature-input") {
            let authority = headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
                .unwrap_or_else(|| host_header(public_url));
            let target = Url::parse(&format!("{}://{authority}{path_and_query}", public_url.scheme()))
                .map_err(|_| unauthorized("unusable target URI"))?;
            Ok(RequestSignature::Rfc9421(super::rfc9421::Incoming::prepare_digested(
                method, &target, headers, body, now,
            )?))
        } else {
            Ok(RequestSignature::Cavage(IncomingSignature::prepare_digested(
                method,
                path_and_query,
                headers,
                body,
                now,
            )?))
        }
    }

    pub fn key_id(&self) -> &str {
        match self {
            RequestSignature::Cavage(s) => s.key_id(),
            RequestSignature::Rfc9421(s) => s.key_id(),
        }
    }

    pub fn format(&self) -> &'static str {
        match self {
            RequestSignature::Cavage(_) => "cavage",
            RequestSignature::Rfc9421(_) => "rfc9421",
        }
    }

    pub fn verify(&self, key: &Verifier) -> bool {
        match self {
            RequestSignature::Cavage(s) => s.verify(key),
            RequestSignature::Rfc9421(s) => s.verify(key),
        }
    }
}

/// How we sign outgoing requests. Hosts that refuse one get the other (double-knocking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureFormat {
    Cavage,
    Rfc9421,
}

impl SignatureFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureFormat::Cavage => "cavage",
            SignatureFormat::Rfc9421 => "rfc9421",
        }
    }

    pub fn parse(s: &str) -> Option<SignatureFormat> {
        match s {
            "cavage" => Some(SignatureFormat::Cavage),
            "rfc9421" => Some(SignatureFormat::Rfc9421),
            _ => None,
        }
    }

    pub fn other(self) -> SignatureFormat {
        match self {
            SignatureFormat::Cavage => SignatureFormat::Rfc9421,
            SignatureFormat::Rfc9421 => SignatureFormat::Cavage,
        }
    }

    /// Headers to add to a request signed in this format.
    pub fn sign(
        self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        key_id: &str,
        signer: &Signer,
    ) -> AppResult<Vec<(HeaderName, HeaderValue)>> {
        match self {
            SignatureFormat::Cavage => sign_cavage(method, url, body, key_id, signer),
            SignatureFormat::Rfc9421 => super::rfc9421::sign(method, url, body, key_id, signer),
        }
    }
}

/// The SHA-256 of a request body, computed once per request: every signature of the request
/// (RFC 9421 allows several) is checked against this one value, so a request carrying many
/// signatures does not make us hash its 1 MiB body many times.
#[derive(Clone, Copy)]
pub struct BodyDigest([u8; 32]);

#[cfg(test)]
thread_local! {
    /// Bodies hashed on this thread (unit tests check "once per request").
    pub(crate) static BODY_HASHES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl BodyDigest {
    pub fn of(body: &[u8]) -> BodyDigest {
        #[cfg(test)]
        BODY_HASHES.with(|c| c.set(c.get() + 1));
        let mut out = [0u8; 32];
        out.copy_from_slice(digest::digest(&digest::SHA256, body).as_ref());
        BodyDigest(out)
    }
}

/// Checks `Digest: SHA-256=…` (RFC 3230) and `Content-Digest: sha-256=:…:` (RFC 9530) against
/// the body, for the digest headers the signature covers only (`covers`): an uncovered digest
/// header proves nothing (anyone on the path can add one for a body of their own), so a
/// signature covering only, say, a `sha-512` digest with an uncovered matching `sha-256` one
/// beside it is refused. Every SHA-256 value in a covered header must match; at least one must
/// be there.
pub fn verify_covered_digest(headers: &HeaderMap, body: &BodyDigest, covers: impl Fn(&str) -> bool) -> AppResult<()> {
    let mut seen = false;
    for name in ["digest", "content-digest"] {
        if !covers(name) {
            continue;
        }
        for v in headers.get_all(name).iter().filter_map(|v| v.to_str().ok()) {
            for part in v.split(',') {
                if let Some((alg, value)) = part.trim().split_once('=')
                    && alg.trim().eq_ignore_ascii_case("sha-256")
                {
                    seen = true;
                    let value = value.trim();
                    let value = if name == "content-digest" { value.trim_matches(':') } else { value };
                    if STANDARD.decode(value).ok().as_deref() != Some(&body.0[..]) {
                        return Err(unauthorized("body digest does not match"));
                    }
                }
            }
        }
    }
    if seen { Ok(()) } else { Err(unauthorized("the signature covers no SHA-256 body digest")) }
}

/// Checks whichever SHA-256 body digest headers are present (both formats), covered or not.
/// For callers without a signature; the inbox uses [`verify_covered_digest`].
pub fn verify_body_digest(headers: &HeaderMap, body: &[u8]) -> AppResult<()> {
    verify_covered_digest(headers, &BodyDigest::of(body), |_| true)
}

/// Whether a `Host` header value names the authority of `public_url` (case-insensitive, the
/// scheme's default port optional). https://www.rfc-editor.org/rfc/rfc9110#section-4.2.3
pub fn is_our_authority(host: &str, public_url: &Url) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let ours = host_header(public_url).to_ascii_lowercase();
    let default_port = match public_url.scheme() {
        "https" => ":443",
        _ => ":80",
    };
    host == ours || (public_url.port().is_none() && host.strip_suffix(default_port) == Some(ours.as_str()))
}

#[cfg(test)]
#[path = "signatures_tests.rs"]
mod tests;
