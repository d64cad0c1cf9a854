//! Fixed test vectors: RFC 9421's own examples (Appendix B.2.1, B.2.6, §4.3 `proxy_sig`),
//! requests shaped as Mastodon and Fedify sign them with RFC 9421, and a Mastodon-shaped
//! draft-cavage request whose signature was computed with OpenSSL
//! (`openssl dgst -sha256 -sign test-key-rsa-private.pem`), independently of this code.
//! Keys: tests/fixtures/signatures (RFC 9421 Appendix B.1).

use base64::{Engine, engine::general_purpose::STANDARD};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use maillage::federation::{
    keys::{Signer, Verifier},
    rfc9421::{self, Incoming, parse_signature_input, signature_base, signature_value},
    signatures::{IncomingSignature, RequestSignature},
};
use url::Url;

fn key(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/signatures/{name}", env!("CARGO_MANIFEST_DIR"))).expect("key")
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(HeaderName::from_bytes(k.as_bytes()).expect("name"), HeaderValue::from_str(v).expect("value"));
    }
    h
}

const BODY: &[u8] = br#"{"hello": "world"}"#;
const CREATED: i64 = 1618884473;

fn test_request(extra: &[(&str, &str)]) -> HeaderMap {
    let mut pairs = vec![
        ("host", "example.com"),
        ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("content-type", "application/json"),
        (
            "content-digest",
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
        ),
        ("content-length", "18"),
    ];
    pairs.extend_from_slice(extra);
    headers(&pairs)
}

fn target() -> Url {
    Url::parse("https://example.com/foo?param=Value&Pet=dog").expect("url")
}

#[test]
fn rfc9421_b_2_6_ed25519() {
    let input_header = r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#;
    let sig_header =
        "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";
    let input = &parse_signature_input(input_header).expect("input")[0];
    let base = signature_base(&Method::POST, &target(), &test_request(&[]), input).expect("base");
    assert_eq!(
        base,
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\
         \"content-type\": application/json\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \
         \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
    );
    let sig = signature_value(sig_header, "sig-b26").expect("sig");
    let key = Verifier::from_pem(&key("test-key-ed25519-public.pem")).expect("ed25519 key");
    assert!(key.verify_ed25519(base.as_bytes(), &sig));
    assert!(!key.verify_ed25519(base.replace("POST", "PUT").as_bytes(), &sig));
    assert!(!key.verify_rsa_sha256(base.as_bytes(), &sig));
}

#[test]
fn rfc9421_b_2_1_minimal_rsa_pss() {
    let input_header = r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#;
    let sig_header = "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:";
    let input = &parse_signature_input(input_header).expect("input")[0];
    let base = signature_base(&Method::POST, &target(), &test_request(&[]), input).expect("base");
    assert_eq!(
        base,
        r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
    );
    let key = Verifier::from_pem(&key("test-key-rsa-pss-public.pem")).expect("pss key");
    let sig = signature_value(sig_header, "sig-b21").expect("sig");
    assert!(key.verify_rsa_pss_sha512(base.as_bytes(), &sig));
    assert!(!key.verify_rsa_sha256(base.as_bytes(), &sig));
}

#[test]
fn rfc9421_4_3_proxy_sig_rsa_v1_5_sha256() {
    let input_header = r#"sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256", proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540"#;
    let sig_header = "sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:, proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:";
    let inputs = parse_signature_input(input_header).expect("input");
    let proxy = inputs.iter().find(|i| i.label == "proxy_sig").expect("proxy_sig");
    assert_eq!(proxy.expires, Some(1618884540));
    let h = test_request(&[("forwarded", "for=192.0.2.123;host=example.com;proto=https")]);
    let target = Url::parse("https://origin.host.internal.example/foo?param=Value&Pet=dog").expect("url");
    let base = signature_base(&Method::POST, &target, &h, proxy).expect("base");
    let expected = signature_value(sig_header, "proxy_sig").expect("sig");
    // PKCS#1 v1.5 is deterministic: our signer must produce the RFC's bytes.
    let signer = Signer::from_pem(&key("test-key-rsa-private.pem")).expect("PKCS#1 private key");
    assert_eq!(signer.sign_rsa_sha256(base.as_bytes()).expect("sign"), expected);
    let public = Verifier::from_pem(&key("test-key-rsa-public.pem")).expect("PKCS#1 public key");
    assert!(public.verify_rsa_sha256(base.as_bytes(), &expected));
    let spki = Verifier::from_pem(&key("test-key-rsa-public-spki.pem")).expect("SPKI public key");
    assert!(spki.verify_rsa_sha256(base.as_bytes(), &expected));
}

/// Mastodon 4.5 shape: `@method`, `@target-uri`, `content-digest`, `created`, `keyid`, no `alg`.
#[test]
fn mastodon_and_fedify_shaped_rfc9421_requests() {
    let digest = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
    assert_eq!(rfc9421::content_digest(BODY), digest);
    let rsa = Verifier::from_pem(&key("test-key-rsa-public-spki.pem")).expect("rsa");
    let ed = Verifier::from_pem(&key("test-key-ed25519-public.pem")).expect("ed");
    let cases = [
        (
            r#"sig1=("@method" "@target-uri" "content-digest");created=1618884473;keyid="https://example.com/users/alice#main-key""#,
            "sig1=:bawtxL3ET1xbJA0xFdbAopt9I72imAGvAhO0DPAsaKuN17/qt17Ph7/QTZSYWkFb9xcjyu/z7GfCE43u3cL88ZgpMQ8/VuVucH7xDr0uOHovXUxO/Fol9spOaCGgF2rkq2QIY+7dY8ZAve9j96c74SfC1WbfERFXx+ZX9+UON/HzMYf5vkvCntC/kUhu6Mf1ppyh6bIbRNVZnLjd2Ks7HHhOdjOTXcWSxm0nfsiJ87xtPQICuabQKOPuFGLgd0J9m6qJY25Rb0efmV64D871CoHC7EF1Xxo63W4yYJxfPMy6io2fDxME5H/7ZhVWYPQ7qytPuHJ8NhxOV5jLFM8yYQ==:",
            &rsa,
        ),
        (
            r#"sig1=("@method" "@target-uri" "content-digest");created=1618884473;keyid="https://example.com/users/alice#main-key""#,
            "sig1=:R+cBErdzfPeBWNmfa2sEP/e1rfyC40oncL19oiC4VTrNQH71Gn8eefG5O184alPD9doOqdZFmahHv3jJV/xsAw==:",
            &ed,
        ),
        (
            r#"sig1=("@method" "@target-uri" "@authority" "host" "date" "content-digest");alg="rsa-v1_5-sha256";keyid="https://example.com/users/alice#main-key";created=1618884473"#,
            "sig1=:DVKs+AqEfWY3sUwSTHPx3+ZMgWZVKbv6cEm/yXQHcSPhhQdkuIToZgsQZCWZo0dpQQySHpMaUW3SSilt5bq6TIx0c5KtnZxW2hqsxRZX4ue1QpShwSN/Sj6862+GXvLTQYFxlKwLOAucj1Beh9nb0qP1ew3kCacnGACL6QcG5pmaU/IBRTSr0RXfRia0Ippvt4OMLcFcHDCheYaS7OGFOLrd/UPXiRb0wudwhHv3zL6qgNKaE1ycKZSA/qz2yQQclAoq5t3CTXYc0PanYv6a7Kmm9lAAWtVZmWXEaBrhXz2ModDO4lFJSkHwDPfSHJmXUkuJX5/5IW38UFwU/PXt6w==:",
            &rsa,
        ),
    ];
    for (input, sig, key) in cases {
        let h = headers(&[
            ("host", "example.com"),
            ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("content-digest", digest),
            ("signature-input", input),
            ("signature", sig),
        ]);
        let incoming = Incoming::prepare(&Method::POST, &target(), &h, Some(BODY), CREATED + 5).expect("prepare");
        assert_eq!(incoming.key_id(), "https://example.com/users/alice#main-key");
        assert!(incoming.verify(key), "{input}");
        // The same through the format switch the inbox uses.
        let public = Url::parse("https://example.com/").expect("url");
        let any =
            RequestSignature::prepare(&Method::POST, "/foo?param=Value&Pet=dog", &h, Some(BODY), &public, CREATED + 5)
                .expect("any");
        assert_eq!(any.format(), "rfc9421");
        assert!(any.verify(key));
        // Other body: digest mismatch. Too late: refused.
        assert!(Incoming::prepare(&Method::POST, &target(), &h, Some(b"{}"), CREATED).is_err());
        assert!(Incoming::prepare(&Method::POST, &target(), &h, Some(BODY), CREATED + 13 * 3600).is_err());
    }
}

/// A Mastodon-shaped draft-cavage request (`(request-target) host date digest`), signature from OpenSSL.
#[test]
fn mastodon_shaped_cavage_request() {
    let openssl_sig = "c7Qhj5glyy++oSQfmg5GQ+ECl6IKP51nO1Lso6ULbXnNXTD/l57SU5wmBCdNeSMYnVwYpkaHDktKttIaGd2OkWAIpEfgNs58CLaAM1KiLTnYAsIhkr1yH/bk72OGMdNRb5xnvuJJdij4Ef+O18XNdvcizxl3+Z8OwqrZgJ0/qRJKY/S5BGC8mGXheng1haIfeJjl2A/ROk0pZ+fvwWLFyuT2oiYSOGCkGH0rG+Bb3mGwomKUK8xHyTSDHDNrgz01PMX7yrrlD4IxH7cq2S6yZ0c561frbWU9luu0OIpZMdbAS3qV6AYssrsTSoa4l1OfNdWFGeX2N3qdaWjQCuZP0Q==";
    let signature = format!(
        "keyId=\"https://mastodon.example/users/alice#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{openssl_sig}\""
    );
    let h = headers(&[
        ("host", "example.com"),
        ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="),
        ("content-type", "application/activity+json"),
        ("signature", &signature),
    ]);
    let key = Verifier::from_pem(&key("test-key-rsa-public-spki.pem")).expect("key");
    let sig =
        IncomingSignature::prepare(&Method::POST, "/users/bob/inbox", &h, Some(BODY), CREATED + 60).expect("prepare");
    assert!(sig.verify(&key));
    assert!(
        !IncomingSignature::prepare(&Method::POST, "/users/carol/inbox", &h, Some(BODY), CREATED + 60)
            .expect("p")
            .verify(&key)
    );
    // Our signer gives OpenSSL's bytes for the same signing string.
    let signing = "(request-target): post /users/bob/inbox\nhost: example.com\ndate: Tue, 20 Apr 2021 02:07:55 GMT\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";
    let ours = Signer::from_pem(&key_pem_pkcs8()).expect("signer").sign_rsa_sha256(signing.as_bytes()).expect("sign");
    assert_eq!(STANDARD.encode(ours), openssl_sig);
}

fn key_pem_pkcs8() -> String {
    key("test-key-rsa-private-pkcs8.pem")
}
