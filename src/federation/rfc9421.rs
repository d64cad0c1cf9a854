//! HTTP Message Signatures, RFC 9421, as Mastodon (4.4+) and Fedify use them: covered
//! components `@method`, `@target-uri` and `content-digest` (RFC 9530) with a `created`
//! parameter; RSASSA-PKCS1-v1_5 SHA-256 (`rsa-v1_5-sha256`) to sign, and on the verify side
//! also `rsa-pss-sha512` and `ed25519`.
//! https://www.rfc-editor.org/rfc/rfc9421  https://www.rfc-editor.org/rfc/rfc9530

use aws_lc_rs::digest;
use base64::{Engine, engine::general_purpose::STANDARD};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use url::Url;

use super::{
    keys::{Signer, Verifier},
    signatures::BodyDigest,
};
use crate::error::{AppError, AppResult};

/// Signatures of one request looked at, at most (Mastodon and Fedify send one).
pub const MAX_SIGNATURES: usize = 4;

fn unauthorized(m: &str) -> AppError {
    AppError::Unauthorized(m.to_string())
}

/// `sha-256=:<base64>:`, the RFC 9530 `Content-Digest` value of a body.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(digest::digest(&digest::SHA256, body)))
}

/// Headers for an outgoing request signed with RFC 9421 (label `sig1`).
pub fn sign(
    method: &Method,
    url: &Url,
    body: Option<&[u8]>,
    key_id: &str,
    signer: &Signer,
) -> AppResult<Vec<(HeaderName, HeaderValue)>> {
    let created = chrono::Utc::now().timestamp();
    let mut components = vec!["@method", "@target-uri"];
    let digest = body.map(content_digest);
    if digest.is_some() {
        components.push("content-digest");
    }
    let list: Vec<String> = components.iter().map(|c| format!("\"{c}\"")).collect();
    let params = format!("({});created={created};keyid=\"{key_id}\";alg=\"rsa-v1_5-sha256\"", list.join(" "));
    let mut base = format!("\"@method\": {}\n\"@target-uri\": {}\n", method.as_str(), url);
    if let Some(d) = &digest {
        base.push_str(&format!("\"content-digest\": {d}\n"));
    }
    base.push_str(&format!("\"@signature-params\": {params}"));
    let sig = STANDARD.encode(signer.sign_rsa_sha256(base.as_bytes())?);
    let value = |s: String| HeaderValue::from_str(&s).map_err(|_| AppError::internal("unencodable header"));
    let mut out = vec![(http::header::HOST, value(super::signatures::host_header(url))?)];
    if let Some(d) = digest {
        out.push((HeaderName::from_static("content-digest"), value(d)?));
    }
    out.push((HeaderName::from_static("signature-input"), value(format!("sig1={params}"))?));
    out.push((HeaderName::from_static("signature"), value(format!("sig1=:{sig}:"))?));
    Ok(out)
}

/// One member of a `Signature-Input` dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureInput {
    pub label: String,
    pub components: Vec<String>,
    /// The member value as received: the `@signature-params` line of the base.
    pub raw_params: String,
    pub key_id: Option<String>,
    pub alg: Option<String>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

/// Splits a structured-field dictionary at top-level commas (outside quotes and parentheses).
fn split_members(s: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut escaped, mut start) = (0i32, false, false, 0usize);
    let mut out = vec![];
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out.into_iter().filter(|m| !m.is_empty()).collect()
}

pub fn parse_signature_input(header: &str) -> AppResult<Vec<SignatureInput>> {
    let mut out = vec![];
    for member in split_members(header) {
        let (label, value) = member.split_once('=').ok_or_else(|| unauthorized("malformed Signature-Input"))?;
        let value = value.trim();
        let inner = value.strip_prefix('(').ok_or_else(|| unauthorized("Signature-Input member is not a list"))?;
        let close = inner.find(')').ok_or_else(|| unauthorized("unterminated Signature-Input list"))?;
        let mut components = vec![];
        for item in inner[..close].split_whitespace() {
            // Component parameters (;req, ;sf, ;key, ;bs) change what is signed: not supported.
            let name = item.strip_prefix('"').and_then(|i| i.strip_suffix('"')).filter(|n| !n.contains('"'));
            let name = name.ok_or_else(|| unauthorized("unsupported component in Signature-Input"))?;
            components.push(name.to_ascii_lowercase());
        }
        let mut input = SignatureInput {
            label: label.trim().to_string(),
            components,
            raw_params: value.to_string(),
            key_id: None,
            alg: None,
            created: None,
            expires: None,
        };
        for param in inner[close + 1..].split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = param.split_once('=').unwrap_or((param, ""));
            let text = v.trim_matches('"').to_string();
            let num = || v.parse::<i64>().map_err(|_| unauthorized("bad number in Signature-Input"));
            match k {
                "keyid" => input.key_id = Some(text),
                "alg" => input.alg = Some(text),
                "created" => input.created = Some(num()?),
                "expires" => input.expires = Some(num()?),
                _ => {}
            }
        }
        out.push(input);
    }
    Ok(out)
}

/// The signature bytes of label `label` in a `Signature` dictionary.
pub fn signature_value(header: &str, label: &str) -> AppResult<Vec<u8>> {
    for member in split_members(header) {
        if let Some((l, v)) = member.split_once('=')
            && l.trim() == label
        {
            let b64 = v.trim().trim_matches(':');
            return STANDARD.decode(b64).map_err(|_| unauthorized("signature is not base64"));
        }
    }
    Err(unauthorized("no signature for the Signature-Input label"))
}

/// A request signed with RFC 9421 that passed every check but the cryptographic one.
#[derive(Debug)]
pub struct Incoming {
    pub input: SignatureInput,
    pub signature: Vec<u8>,
    base: String,
}

impl Incoming {
    /// `target_uri` is the absolute URI the sender addressed (scheme and authority of this
    /// server, path and query of the request). `now` is seconds since the epoch.
    pub fn prepare(
        method: &Method,
        target_uri: &Url,
        headers: &HeaderMap,
        body: Option<&[u8]>,
        now: i64,
    ) -> AppResult<Incoming> {
        Self::prepare_digested(method, target_uri, headers, body.map(BodyDigest::of).as_ref(), now)
    }

    /// [`Incoming::prepare`] with the body's digest already computed (once for all signatures).
    pub fn prepare_digested(
        method: &Method,
        target_uri: &Url,
        headers: &HeaderMap,
        body: Option<&BodyDigest>,
        now: i64,
    ) -> AppResult<Incoming> {
        let input_header =
            header_text(headers, "signature-input")?.ok_or_else(|| unauthorized("request is not signed"))?;
        let sig_header = header_text(headers, "signature")?.ok_or_else(|| unauthorized("Signature header missing"))?;
        let inputs = parse_signature_input(&input_header)?;
        // Several signatures may be present; take the first that covers what we require. A
        // sender has no use for more than a few: the rest are not even looked at.
        let mut last_err = unauthorized("no usable signature");
        for input in inputs.into_iter().take(MAX_SIGNATURES) {
            match Self::check(method, target_uri, headers, body, now, input, &sig_header) {
                Ok(i) => return Ok(i),
                Err(e) => last_err = e,
            }
        }
        Err(last_err)
    }

    fn check(
        method: &Method,
        target_uri: &Url,
        headers: &HeaderMap,
        body: Option<&BodyDigest>,
        now: i64,
        input: SignatureInput,
        sig_header: &str,
    ) -> AppResult<Incoming> {
        let covers = |c: &str| input.components.iter().any(|x| x == c);
        if input.key_id.is_none() {
            return Err(unauthorized("signature without keyid"));
        }
        if !covers("@method") {
            return Err(unauthorized("signature must cover @method"));
        }
        if !covers("@target-uri") && !(covers("@authority") && (covers("@path") || covers("@request-target"))) {
            return Err(unauthorized("signature must cover the target URI"));
        }
        if body.is_some() && !covers("content-digest") && !covers("digest") {
            return Err(unauthorized("signature must cover content-digest"));
        }
        let created = input.created.ok_or_else(|| unauthorized("signature without created"))?;
        super::signatures::check_signature_time(created, input.expires, now)?;
        if let Some(alg) = &input.alg
            && !matches!(alg.as_str(), "rsa-v1_5-sha256" | "rsa-pss-sha512" | "ed25519")
        {
            return Err(unauthorized("unsupported signature algorithm"));
        }
        if let Some(body) = body {
            super::signatures::verify_covered_digest(headers, body, covers)?;
        }
        let base = signature_base(method, target_uri, headers, &input)?;
        let signature = signature_value(sig_header, &input.label)?;
        Ok(Incoming { input, signature, base })
    }

    pub fn key_id(&self) -> &str {
        self.input.key_id.as_deref().unwrap_or_default()
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn verify(&self, key: &Verifier) -> bool {
        match self.input.alg.as_deref() {
            Some("rsa-pss-sha512") => key.verify_rsa_pss_sha512(self.base.as_bytes(), &self.signature),
            Some("ed25519") => key.verify_ed25519(self.base.as_bytes(), &self.signature),
            // Without alg, the key decides (RFC 9421 §3.3.7); RSA keys mean PKCS#1 v1.5 SHA-256.
            _ => key.verify_any(self.base.as_bytes(), &self.signature),
        }
    }
}

/// The signature base of RFC 9421 §2.5 for `input` over a request.
pub fn signature_base(
    method: &Method,
    target_uri: &Url,
    headers: &HeaderMap,
    input: &SignatureInput,
) -> AppResult<String> {
    let mut base = String::new();
    for c in &input.components {
        let value = match c.as_str() {
            "@method" => method.as_str().to_string(),
            "@target-uri" => target_uri.to_string(),
            "@authority" => super::signatures::host_header(target_uri).to_ascii_lowercase(),
            "@scheme" => target_uri.scheme().to_string(),
            "@path" => target_uri.path().to_string(),
            "@query" => format!("?{}", target_uri.query().unwrap_or("")),
            "@request-target" => match target_uri.query() {
                Some(q) => format!("{}?{q}", target_uri.path()),
                None => target_uri.path().to_string(),
            },
            name if name.starts_with('@') => return Err(unauthorized("unsupported derived component")),
            name => super::signatures::covered_header(headers, name)?,
        };
        base.push_str(&format!("\"{c}\": {value}\n"));
    }
    base.push_str(&format!("\"@signature-params\": {}", input.raw_params));
    Ok(base)
}

fn header_text(headers: &HeaderMap, name: &str) -> AppResult<Option<String>> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str())
        .collect::<Result<_, _>>()
        .map_err(|_| unauthorized("signature header is not text"))?;
    Ok(if values.is_empty() { None } else { Some(values.join(", ")) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::{
        keys::generate_rsa_keypair,
        signatures::{MAX_AGE_SECS, MAX_SKEW_SECS},
    };

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn roundtrip_and_refusals() {
        let keys = generate_rsa_keypair().expect("test");
        let signer = Signer::from_pem(&keys.private_key_pem).expect("test");
        let key = Verifier::from_pem(&keys.public_key_pem).expect("test");
        let url = Url::parse("https://maillage.example/t/territoire/inbox?x=1").expect("test");
        let body = br#"{"type":"Follow"}"#;
        let mut headers = HeaderMap::new();
        for (k, v) in sign(&Method::POST, &url, Some(body), "https://a.example/u#main-key", &signer).expect("test") {
            headers.insert(k, v);
        }
        let sig = Incoming::prepare(&Method::POST, &url, &headers, Some(body), now()).expect("test");
        assert_eq!(sig.key_id(), "https://a.example/u#main-key");
        assert!(sig.verify(&key));
        // Another target URI, another method, another key, another body.
        let other = Url::parse("https://maillage.example/inbox").expect("test");
        assert!(!Incoming::prepare(&Method::POST, &other, &headers, Some(body), now()).expect("test").verify(&key));
        assert!(!Incoming::prepare(&Method::PUT, &url, &headers, Some(body), now()).expect("test").verify(&key));
        let wrong = Verifier::from_pem(&generate_rsa_keypair().expect("test").public_key_pem).expect("test");
        assert!(!sig.verify(&wrong));
        assert!(Incoming::prepare(&Method::POST, &url, &headers, Some(b"{}"), now()).is_err());
        // Too old, too early.
        assert!(Incoming::prepare(&Method::POST, &url, &headers, Some(body), now() + MAX_AGE_SECS + 10).is_err());
        assert!(Incoming::prepare(&Method::POST, &url, &headers, Some(body), now() - MAX_SKEW_SECS - 10).is_err());
        // Digest removed: not covered any more.
        let mut h = headers.clone();
        h.remove("content-digest");
        assert!(Incoming::prepare(&Method::POST, &url, &h, Some(body), now()).is_err());
    }

    #[test]
    fn parses_dictionaries() {
        let inputs = parse_signature_input(
            r#"sig1=("@method" "@target-uri" "content-digest");created=1618884473;keyid="k, 1";alg="rsa-v1_5-sha256", sig2=("@authority");created=1"#,
        )
        .expect("test");
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[0].components, vec!["@method", "@target-uri", "content-digest"]);
        assert_eq!(inputs[0].key_id.as_deref(), Some("k, 1"));
        assert_eq!(inputs[0].created, Some(1618884473));
        assert_eq!(
            inputs[0].raw_params,
            r#"("@method" "@target-uri" "content-digest");created=1618884473;keyid="k, 1";alg="rsa-v1_5-sha256""#
        );
        assert!(parse_signature_input(r#"sig1=("@query-param";name="x")"#).is_err());
        assert!(parse_signature_input("garbage").is_err());
        assert_eq!(signature_value("sig1=:AAAA:, sig2=:AQID:", "sig2").expect("test"), vec![1, 2, 3]);
        assert!(signature_value("sig1=:AAAA:", "sig9").is_err());
    }

    #[test]
    fn the_body_is_hashed_once_whatever_the_number_of_signatures() {
        let keys = generate_rsa_keypair().expect("test");
        let signer = Signer::from_pem(&keys.private_key_pem).expect("test");
        let url = Url::parse("https://maillage.example/inbox").expect("test");
        let body = vec![b' '; 64 * 1024];
        let mut headers = HeaderMap::new();
        for (k, v) in sign(&Method::POST, &url, Some(&body), "https://a.example/u#main-key", &signer).expect("test") {
            headers.insert(k, v);
        }
        // Two signatures without a value in `Signature` (each fails after its digest check),
        // then the real one.
        let real = headers.get("signature-input").and_then(|v| v.to_str().ok()).expect("test").to_string();
        let params = real.strip_prefix("sig1=").expect("test");
        let input = format!("a={params}, b={params}, {real}");
        headers.insert("signature-input", HeaderValue::from_str(&input).expect("test"));
        crate::federation::signatures::BODY_HASHES.with(|c| c.set(0));
        let sig = Incoming::prepare(&Method::POST, &url, &headers, Some(&body), now()).expect("the third verifies");
        assert!(sig.verify(&Verifier::from_pem(&keys.public_key_pem).expect("test")));
        assert_eq!(crate::federation::signatures::BODY_HASHES.with(|c| c.get()), 1);
        // Past MAX_SIGNATURES, the rest is not looked at.
        let many = format!("{}{real}", format!("x={params}, ").repeat(MAX_SIGNATURES));
        headers.insert("signature-input", HeaderValue::from_str(&many).expect("test"));
        assert!(Incoming::prepare(&Method::POST, &url, &headers, Some(&body), now()).is_err());
    }
}
