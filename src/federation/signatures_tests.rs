//! Unit tests of draft-cavage signing and verification (src/federation/signatures.rs).
use super::*;
use crate::federation::keys::generate_rsa_keypair;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn signed(body: &[u8]) -> (HeaderMap, crate::federation::keys::KeyPairPem) {
    let keys = generate_rsa_keypair().expect("test");
    let signer = Signer::from_pem(&keys.private_key_pem).expect("test");
    let url = Url::parse("http://localhost:8080/t/territoire/inbox").expect("test");
    let mut headers = HeaderMap::new();
    for (k, v) in sign_cavage(&Method::POST, &url, Some(body), "http://a.example/u/x#main-key", &signer).expect("test")
    {
        headers.insert(k, v);
    }
    (headers, keys)
}

#[test]
fn roundtrip_and_tampering() {
    let body = br#"{"type":"Follow"}"#;
    let (headers, keys) = signed(body);
    let key = Verifier::from_pem(&keys.public_key_pem).expect("test");
    let sig =
        IncomingSignature::prepare(&Method::POST, "/t/territoire/inbox", &headers, Some(body), now()).expect("test");
    assert_eq!(sig.key_id(), "http://a.example/u/x#main-key");
    assert!(sig.verify(&key));
    // Another path: the signature covers (request-target).
    let other = IncomingSignature::prepare(&Method::POST, "/inbox", &headers, Some(body), now()).expect("test");
    assert!(!other.verify(&key));
    // Tampered body: the digest no longer matches.
    assert!(IncomingSignature::prepare(&Method::POST, "/t/territoire/inbox", &headers, Some(b"{}"), now()).is_err());
    // Wrong key.
    let wrong = Verifier::from_pem(&generate_rsa_keypair().expect("test").public_key_pem).expect("test");
    assert!(!sig.verify(&wrong));
    // Old date and future date.
    assert!(
        IncomingSignature::prepare(
            &Method::POST,
            "/t/territoire/inbox",
            &headers,
            Some(body),
            now() + MAX_AGE_SECS + 60
        )
        .is_err()
    );
    assert!(
        IncomingSignature::prepare(
            &Method::POST,
            "/t/territoire/inbox",
            &headers,
            Some(body),
            now() - MAX_SKEW_SECS - 60
        )
        .is_err()
    );
    // Missing digest.
    let mut no_digest = headers.clone();
    no_digest.remove("digest");
    assert!(IncomingSignature::prepare(&Method::POST, "/t/territoire/inbox", &no_digest, Some(body), now()).is_err());
    // Unsigned.
    assert!(IncomingSignature::prepare(&Method::POST, "/", &HeaderMap::new(), Some(body), now()).is_err());
}

#[test]
fn parses_mastodon_header() {
    let p = parse_signature_header(
        r#"keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="AAAA""#,
    )
    .expect("test");
    assert_eq!(p.key_id, "https://mastodon.example/users/alice#main-key");
    assert_eq!(p.headers, vec!["(request-target)", "host", "date", "digest", "content-type"]);
    assert_eq!(p.signature, vec![0, 0, 0]);
    assert!(parse_signature_header("keyId=\"x\"").is_err());
    assert!(parse_signature_header("garbage").is_err());
    assert!(parse_signature_header("keyId=\"x,signature=\"AAAA\"").is_err());
}

#[test]
fn digest_forms() {
    let body = b"hello";
    let mut h = HeaderMap::new();
    h.insert("digest", HeaderValue::from_str(&digest_header(body)).expect("test"));
    assert!(verify_body_digest(&h, body).is_ok());
    assert!(verify_body_digest(&h, b"other").is_err());
    let mut h = HeaderMap::new();
    let b64 = STANDARD.encode(digest::digest(&digest::SHA256, body));
    h.insert("content-digest", HeaderValue::from_str(&format!("sha-256=:{b64}:")).expect("test"));
    assert!(verify_body_digest(&h, body).is_ok());
    assert!(verify_body_digest(&HeaderMap::new(), body).is_err());
}

/// Signs `lines` (a draft-cavage signing string) and returns the `Signature` header value.
fn cavage_header(keys: &crate::federation::keys::KeyPairPem, covered: &str, lines: &str) -> String {
    let signer = Signer::from_pem(&keys.private_key_pem).expect("test");
    let sig = STANDARD.encode(signer.sign_rsa_sha256(lines.as_bytes()).expect("test"));
    format!("keyId=\"https://a.example/u#main-key\",algorithm=\"rsa-sha256\",headers=\"{covered}\",signature=\"{sig}\"")
}

#[test]
fn only_a_covered_digest_binds_the_body() {
    // The signature covers a `Content-Digest` we cannot check (sha-512 only); a `Digest`
    // header beside it, not covered, matches the body: anyone could have added it.
    let keys = generate_rsa_keypair().expect("test");
    let body = br#"{"type":"Follow"}"#;
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let content_digest = "sha-512=:AAAA:";
    let lines = format!(
        "(request-target): post /inbox\nhost: maillage.example\ndate: {date}\ncontent-digest: {content_digest}"
    );
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static("maillage.example"));
    h.insert("date", HeaderValue::from_str(&date).expect("test"));
    h.insert("content-digest", HeaderValue::from_static(content_digest));
    h.insert("digest", HeaderValue::from_str(&digest_header(body)).expect("test"));
    let value = cavage_header(&keys, "(request-target) host date content-digest", &lines);
    h.insert("signature", HeaderValue::from_str(&value).expect("test"));
    let err = IncomingSignature::prepare(&Method::POST, "/inbox", &h, Some(body), now()).expect_err("uncovered");
    assert!(matches!(err, AppError::Unauthorized(_)), "{err}");
    // Covering the matching `Digest` is fine.
    let lines =
        format!("(request-target): post /inbox\nhost: maillage.example\ndate: {date}\ndigest: {}", digest_header(body));
    h.insert(
        "signature",
        HeaderValue::from_str(&cavage_header(&keys, "(request-target) host date digest", &lines)).expect("test"),
    );
    let sig = IncomingSignature::prepare(&Method::POST, "/inbox", &h, Some(body), now()).expect("covered");
    assert!(sig.verify(&Verifier::from_pem(&keys.public_key_pem).expect("test")));
}

#[test]
fn a_request_signed_for_another_host_is_refused() {
    let keys = generate_rsa_keypair().expect("test");
    let signer = Signer::from_pem(&keys.private_key_pem).expect("test");
    let body = br#"{"type":"Follow"}"#;
    let ours = Url::parse("https://maillage.example/").expect("test");
    for (target, accepted) in [
        ("https://maillage.example/inbox", true),
        ("https://MAILLAGE.example/inbox", true),
        ("https://other.example/inbox", false),
        ("https://maillage.example:8443/inbox", false),
        ("https://maillage.example.evil.example/inbox", false),
    ] {
        let url = Url::parse(target).expect("test");
        for format in [SignatureFormat::Cavage, SignatureFormat::Rfc9421] {
            let mut h = HeaderMap::new();
            for (k, v) in format.sign(&Method::POST, &url, Some(body), "https://a.example/u#k", &signer).expect("t") {
                h.insert(k, v);
            }
            let got = RequestSignature::prepare(&Method::POST, "/inbox", &h, Some(body), &ours, now());
            assert_eq!(got.is_ok(), accepted, "{target} {format:?}");
        }
    }
    assert!(is_our_authority("maillage.example:443", &ours));
    assert!(!is_our_authority("maillage.example:80", &ours));
    let local = Url::parse("http://localhost:8080/").expect("test");
    assert!(is_our_authority("localhost:8080", &local) && !is_our_authority("localhost", &local));
}
