//! RSA key pairs for actors, on aws-lc-rs (fast key generation even in debug builds; the `rsa`
//! crate signs nothing here, see RUSTSEC-2023-0071).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use aws_lc_rs::{
    encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der},
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _, ParsedPublicKey},
};
use base64::{Engine, engine::general_purpose::STANDARD};

use crate::error::{AppError, AppResult};

pub use crate::domain::key_pair::KeyPairPem;

/// Generates an RSA-2048 key pair, the size every fediverse server accepts.
pub fn generate_rsa_keypair() -> AppResult<KeyPairPem> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| AppError::internal("RSA key generation failed"))?;
    let private: Pkcs8V1Der = pair.as_der().map_err(|_| AppError::internal("PKCS#8 encoding failed"))?;
    let public: PublicKeyX509Der =
        pair.public_key().as_der().map_err(|_| AppError::internal("SPKI encoding failed"))?;
    Ok(KeyPairPem {
        public_key_pem: to_pem("PUBLIC KEY", public.as_ref()),
        private_key_pem: to_pem("PRIVATE KEY", private.as_ref()),
    })
}

pub fn to_pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Decodes the first PEM block (any label); tolerant of `\r\n` and stray spaces, as keys
/// published by other servers sometimes have them.
pub fn from_pem(pem: &str) -> AppResult<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    if body.is_empty() {
        return Err(AppError::BadRequest("not a PEM key".into()));
    }
    STANDARD.decode(body.as_bytes()).map_err(|_| AppError::BadRequest("bad base64 in PEM key".into()))
}

/// A private key ready to sign (parsing PKCS#8 costs more than a signature: keep these).
#[derive(Clone)]
pub struct Signer {
    pair: Arc<KeyPair>,
}

impl Signer {
    pub fn from_pem(private_key_pem: &str) -> AppResult<Signer> {
        let der = from_pem(private_key_pem)?;
        // PKCS#8 as we store keys; PKCS#1 (`RSA PRIVATE KEY`) as older software exports them.
        let pair = KeyPair::from_pkcs8(&der)
            .or_else(|_| KeyPair::from_der(&der))
            .map_err(|e| AppError::Internal(format!("bad private key: {e}")))?;
        Ok(Signer { pair: Arc::new(pair) })
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256, the one algorithm every fediverse server verifies.
    pub fn sign_rsa_sha256(&self, message: &[u8]) -> AppResult<Vec<u8>> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig)
            .map_err(|_| AppError::internal("RSA signing failed"))?;
        Ok(sig)
    }
}

/// A public key ready to verify (parsed once, then cached by the caller).
#[derive(Clone)]
pub enum Verifier {
    Rsa { pkcs1: Arc<ParsedPublicKey>, der: Arc<Vec<u8>> },
    Ed25519(Arc<ParsedPublicKey>),
}

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
const ED25519_SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

impl Verifier {
    /// Accepts RSA keys as SubjectPublicKeyInfo or PKCS#1 `RSA PUBLIC KEY` PEM (both seen in
    /// the wild), and Ed25519 SubjectPublicKeyInfo PEM.
    pub fn from_pem(public_key_pem: &str) -> AppResult<Verifier> {
        let der = from_pem(public_key_pem)?;
        if der.len() == 44 && der[..12] == ED25519_SPKI_PREFIX {
            return Verifier::from_ed25519_raw(&der[12..]);
        }
        let key = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &der)
            .map_err(|e| AppError::Unauthorized(format!("unusable public key: {e}")))?;
        Ok(Verifier::Rsa { pkcs1: Arc::new(key), der: Arc::new(der) })
    }

    /// An Ed25519 key from its 32 raw bytes (FEP-521a Multikey).
    pub fn from_ed25519_raw(raw: &[u8]) -> AppResult<Verifier> {
        if raw.len() != 32 {
            return Err(AppError::Unauthorized("an Ed25519 key has 32 bytes".into()));
        }
        let key = ParsedPublicKey::new(&signature::ED25519, raw)
            .map_err(|e| AppError::Unauthorized(format!("unusable Ed25519 key: {e}")))?;
        Ok(Verifier::Ed25519(Arc::new(key)))
    }

    pub fn verify_rsa_sha256(&self, message: &[u8], sig: &[u8]) -> bool {
        matches!(self, Verifier::Rsa { pkcs1, .. } if pkcs1.verify_sig(message, sig).is_ok())
    }

    pub fn verify_rsa_pss_sha512(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            Verifier::Rsa { der, .. } => {
                signature::UnparsedPublicKey::new(&signature::RSA_PSS_2048_8192_SHA512, der.as_slice())
                    .verify(message, sig)
                    .is_ok()
            }
            Verifier::Ed25519(_) => false,
        }
    }

    pub fn verify_ed25519(&self, message: &[u8], sig: &[u8]) -> bool {
        matches!(self, Verifier::Ed25519(k) if k.verify_sig(message, sig).is_ok())
    }

    /// The algorithm the key implies: RSA PKCS#1 v1.5 SHA-256, or Ed25519.
    pub fn verify_any(&self, message: &[u8], sig: &[u8]) -> bool {
        self.verify_rsa_sha256(message, sig) || self.verify_ed25519(message, sig)
    }
}

/// Longest base58btc text of an Ed25519 multikey (2 + 32 bytes: 47 characters). Longer input
/// is refused before decoding, which is quadratic in its length.
const MAX_ED25519_MULTIBASE_CHARS: usize = 48;

/// Decodes a FEP-521a `publicKeyMultibase` Ed25519 key: `z` (base58btc), multicodec 0xed01.
/// https://codeberg.org/fediverse/fep/src/branch/main/fep/521a/fep-521a.md
pub fn ed25519_from_multibase(s: &str) -> AppResult<Vec<u8>> {
    let rest = s.strip_prefix('z').ok_or_else(|| AppError::BadRequest("multibase key must be base58btc".into()))?;
    if rest.len() > MAX_ED25519_MULTIBASE_CHARS {
        return Err(AppError::BadRequest("multibase key longer than an Ed25519 key".into()));
    }
    let bytes = base58_decode(rest).ok_or_else(|| AppError::BadRequest("bad base58".into()))?;
    match bytes.as_slice() {
        [0xed, 0x01, key @ ..] if key.len() == 32 => Ok(key.to_vec()),
        _ => Err(AppError::BadRequest("not an Ed25519 multikey".into())),
    }
}

/// Base58 (Bitcoin alphabet). Quadratic: callers bound the input length.
fn base58_decode(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    // Little-endian while decoding, reversed at the end (no insertions at the front).
    let mut out: Vec<u8> = vec![];
    for c in s.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == c)? as u32;
        for b in out.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    let mut result = vec![0u8; zeros];
    result.extend(out.iter().rev());
    Some(result)
}

/// Bound on cached parsed public keys; past it the cache starts again (cheap and good enough:
/// a parse costs ~20 µs).
const VERIFIER_CACHE_MAX: usize = 10_000;

/// How often a known actor whose signature fails may make us refetch it (key rotation).
pub const KEY_REFETCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(600);

type TextHash = [u8; 32];

/// A key's text (hashed) and what parsing it gave: the verifier, or why it is unusable.
type CachedParse = (TextHash, Result<Verifier, String>);

/// Parsed public keys by key id, failures included (a hostile key costs one parse), and when
/// each actor was last refetched after a failed signature.
///
/// The locks guard only map look-ups and insertions: parsing happens outside them, so one
/// slow key never stalls every other inbox request.
#[derive(Default)]
pub struct KeyCache {
    verifiers: Mutex<HashMap<String, CachedParse>>,
    refetched: Mutex<HashMap<String, Instant>>,
}

fn text_hash(text: &str) -> TextHash {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

impl KeyCache {
    /// The verifier for `key_id` whose published text is `text`, parsed by `parse` at most
    /// once per text (the error too).
    pub fn verifier(
        &self,
        key_id: &str,
        text: &str,
        parse: impl FnOnce() -> AppResult<Verifier>,
    ) -> AppResult<Verifier> {
        let hash = text_hash(text);
        let cached = self
            .verifiers
            .lock()
            .map_err(|_| AppError::internal("poisoned lock"))?
            .get(key_id)
            .filter(|(h, _)| *h == hash)
            .map(|(_, r)| r.clone());
        if let Some(r) = cached {
            return r.map_err(AppError::Unauthorized);
        }
        let parsed = parse();
        let entry = parsed.as_ref().map(Verifier::clone).map_err(AppError::detail);
        let mut cache = self.verifiers.lock().map_err(|_| AppError::internal("poisoned lock"))?;
        if cache.len() >= VERIFIER_CACHE_MAX {
            cache.clear();
        }
        cache.insert(key_id.to_string(), (hash, entry));
        parsed
    }

    /// Whether `actor` may be refetched now: true at most once per `KEY_REFETCH_INTERVAL`.
    pub fn may_refetch(&self, actor: &str) -> bool {
        let Ok(mut map) = self.refetched.lock() else {
            return false;
        };
        let now = Instant::now();
        if map.get(actor).is_some_and(|at| now.duration_since(*at) < KEY_REFETCH_INTERVAL) {
            return false;
        }
        if map.len() >= VERIFIER_CACHE_MAX {
            map.retain(|_, at| now.duration_since(*at) < KEY_REFETCH_INTERVAL);
        }
        map.insert(actor.to_string(), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_sign_verify_roundtrip() {
        let keys = generate_rsa_keypair().expect("test");
        assert!(keys.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert!(keys.private_key_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let sig = Signer::from_pem(&keys.private_key_pem).expect("test").sign_rsa_sha256(b"hello").expect("test");
        let v = Verifier::from_pem(&keys.public_key_pem).expect("test");
        assert!(v.verify_rsa_sha256(b"hello", &sig));
        assert!(!v.verify_rsa_sha256(b"hellO", &sig));
        let other = generate_rsa_keypair().expect("test");
        assert!(!Verifier::from_pem(&other.public_key_pem).expect("test").verify_rsa_sha256(b"hello", &sig));
        assert!(!format!("{keys:?}").contains("PRIVATE"));
    }

    #[test]
    fn multibase_ed25519() {
        // FEP-521a example key.
        let raw = ed25519_from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").expect("test");
        assert_eq!(raw.len(), 32);
        assert!(Verifier::from_ed25519_raw(&raw).is_ok());
        assert!(ed25519_from_multibase("z0OIl").is_err());
        assert!(ed25519_from_multibase("uAAAA").is_err());
    }

    #[test]
    fn multibase_longer_than_a_key_is_refused_without_decoding() {
        let long = format!("z6Mk{}", "z".repeat(40_000));
        let started = std::time::Instant::now();
        assert!(ed25519_from_multibase(&long).is_err());
        assert!(started.elapsed() < std::time::Duration::from_millis(100), "{:?}", started.elapsed());
        // The longest valid one still decodes.
        assert!(ed25519_from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").is_ok());
    }

    #[test]
    fn failed_parses_are_cached() {
        let cache = KeyCache::default();
        let mut calls = 0;
        for _ in 0..3 {
            let r = cache.verifier("https://a.example/u#k", "bad", || {
                calls += 1;
                Err(AppError::Unauthorized("unusable".into()))
            });
            assert!(r.is_err());
        }
        assert_eq!(calls, 1);
        // A new text is parsed again.
        let _ = cache.verifier("https://a.example/u#k", "other", || {
            calls += 1;
            Err(AppError::Unauthorized("unusable".into()))
        });
        assert_eq!(calls, 2);
    }

    #[test]
    fn refetch_at_most_once_per_interval() {
        let cache = KeyCache::default();
        assert!(cache.may_refetch("https://a.example/u"));
        assert!(!cache.may_refetch("https://a.example/u"));
        assert!(cache.may_refetch("https://b.example/u"));
    }

    #[test]
    fn bad_pem_is_an_error_not_a_panic() {
        assert!(from_pem("garbage").is_err());
        assert!(Verifier::from_pem("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----").is_err());
        assert!(Verifier::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    }
}
