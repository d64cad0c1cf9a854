//! Keys published apart from the actor (`CryptographicKey`, FEP-521a `Multikey`,
//! tests/fixtures/keys), and keys or actors a hostile server publishes: over-long multibase keys,
//! inboxes on another host, key documents that are not keys, floods of bad signatures.

use crate::common;

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _};
use base64::{Engine, engine::general_purpose::STANDARD};
use common::{TestDb, TestInstance, client, fixture, fleet::MockInbox, peer::Peer};
use maillage::federation::{
    keys::{Signer, Verifier, generate_rsa_keypair},
    objects::DbRemoteActor,
    protocol::actor::RemoteActorJson,
    rfc9421::content_digest,
    signatures::sign_cavage,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use url::Url;

fn base58(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = vec![];
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    "1".repeat(zeros) + &digits.iter().rev().map(|&d| ALPHABET[d as usize] as char).collect::<String>()
}

/// The test Ed25519 key (tests/fixtures/signatures) and its FEP-521a multibase.
fn ed25519() -> (Ed25519KeyPair, String) {
    let pem = fixture("signatures/test-key-ed25519-private.pem");
    let der = maillage::federation::keys::from_pem(&pem).expect("pem");
    let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).expect("ed25519");
    let mut bytes = vec![0xed, 0x01];
    bytes.extend_from_slice(pair.public_key().as_ref());
    let multibase = format!("z{}", base58(&bytes));
    (pair, multibase)
}

/// A keys.example fixture pointed at the mock server, for actor `user`, with these keys.
fn doc(path: &str, mock: &MockInbox, user: &str, pem: &str, multibase: &str) -> Value {
    let text = fixture(path).replace("https://keys.example/", mock.base.as_str()).replace("users/carol", user);
    let mut v: Value = serde_json::from_str(&text).expect("json");
    if v.get("publicKeyPem").is_some() {
        v["publicKeyPem"] = json!(pem);
    }
    if v.get("publicKey").is_some() {
        v["publicKey"]["publicKeyPem"] = json!(pem);
    }
    if v.get("publicKeyMultibase").is_some() {
        v["publicKeyMultibase"] = json!(multibase);
    }
    if let Some(methods) = v.get_mut("assertionMethod").and_then(Value::as_array_mut) {
        for m in methods {
            m["publicKeyMultibase"] = json!(multibase);
        }
    }
    v
}

fn serve(mock: &MockInbox, path: &str, v: Value) {
    mock.state.docs.lock().expect("lock").insert(path.to_string(), v);
}

fn follow(actor: &str, m: &TestInstance) -> String {
    json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
        "id": format!("{actor}/follows/{}", uuid::Uuid::new_v4()), "actor": actor, "object": m.territory()})
    .to_string()
}

/// POST signed draft-cavage (RSA) under `key_id`; the status and the body.
async fn post_cavage(inbox: &str, body: &str, key_id: &str, private_pem: &str) -> (StatusCode, String) {
    let url = Url::parse(inbox).expect("url");
    let signer = Signer::from_pem(private_pem).expect("signer");
    let mut req = client().post(inbox).header("Content-Type", "application/activity+json");
    for (k, v) in sign_cavage(&http::Method::POST, &url, Some(body.as_bytes()), key_id, &signer).expect("sign") {
        req = req.header(k, v);
    }
    let res = req.body(body.to_string()).send().await.expect("post");
    (res.status(), res.text().await.unwrap_or_default())
}

/// POST signed RFC 9421 with Ed25519 (`alg="ed25519"`), as FEP-521a keys are used.
async fn post_ed25519(inbox: &str, body: &str, key_id: &str, pair: &Ed25519KeyPair) -> StatusCode {
    let created = chrono::Utc::now().timestamp();
    let digest = content_digest(body.as_bytes());
    let params = format!(
        "(\"@method\" \"@target-uri\" \"content-digest\");created={created};keyid=\"{key_id}\";alg=\"ed25519\""
    );
    let base = format!(
        "\"@method\": POST\n\"@target-uri\": {inbox}\n\"content-digest\": {digest}\n\"@signature-params\": {params}"
    );
    let sig = STANDARD.encode(pair.sign(base.as_bytes()).as_ref());
    client()
        .post(inbox)
        .header("Content-Type", "application/activity+json")
        .header("content-digest", digest)
        .header("signature-input", format!("sig1={params}"))
        .header("signature", format!("sig1=:{sig}:"))
        .body(body.to_string())
        .send()
        .await
        .expect("post")
        .status()
}

#[test]
fn key_fixtures_parse() {
    let actor: RemoteActorJson = serde_json::from_str(&fixture("keys/actor.json")).expect("actor");
    assert_eq!(actor.main_key().expect("rsa").id, "https://keys.example/keys/rsa-1");
    let (id, _) = actor.ed25519_key().expect("valid").expect("ed25519");
    assert_eq!(id, "https://keys.example/keys/ed-1");
    let key: Value = serde_json::from_str(&fixture("keys/cryptographic_key.json")).expect("key");
    assert_eq!(key["owner"], "https://keys.example/users/carol");
    let mk: Value = serde_json::from_str(&fixture("keys/multikey.json")).expect("multikey");
    assert_eq!(mk["controller"], "https://keys.example/users/carol");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cryptographic_key_and_multikey_documents_lead_to_their_owner() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mock = MockInbox::start().await;
    let rsa = generate_rsa_keypair().expect("rsa");
    let (ed, multibase) = ed25519();
    // Each actor with its own key ids (`-1` carol, `-2` dave).
    let relabel = |v: Value| -> Value {
        serde_json::from_str(&v.to_string().replace("keys/rsa-1", "keys/rsa-2").replace("keys/ed-1", "keys/ed-2"))
            .expect("json")
    };
    serve(&mock, "/users/carol", doc("keys/actor.json", &mock, "users/carol", &rsa.public_key_pem, &multibase));
    serve(&mock, "/users/dave", relabel(doc("keys/actor.json", &mock, "users/dave", &rsa.public_key_pem, &multibase)));
    serve(&mock, "/keys/rsa-1", doc("keys/cryptographic_key.json", &mock, "users/carol", &rsa.public_key_pem, ""));
    serve(&mock, "/keys/ed-2", relabel(doc("keys/multikey.json", &mock, "users/dave", "", &multibase)));
    let carol = format!("{}users/carol", mock.base);
    let dave = format!("{}users/dave", mock.base);

    // CryptographicKey → owner carol, who lists it.
    let key_id = format!("{}keys/rsa-1", mock.base);
    let (status, body) = post_cavage(&m.url("/inbox"), &follow(&carol, &m), &key_id, &rsa.private_key_pem).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(m.data.store.remote_actor_by_ap_id(&carol).await.expect("db").is_some());

    // Multikey → controller dave, who lists it; the signature is Ed25519 (RFC 9421).
    let key_id = format!("{}keys/ed-2", mock.base);
    assert_eq!(post_ed25519(&m.url("/inbox"), &follow(&dave, &m), &key_id, &ed).await, StatusCode::ACCEPTED);
    let row = m.data.store.remote_actor_by_ap_id(&dave).await.expect("db").expect("dave stored");
    assert_eq!(row.ed25519_key_id.as_deref(), Some(key_id.as_str()));

    // A key document naming an owner that does not list it proves nothing.
    let mut stray = doc("keys/cryptographic_key.json", &mock, "users/erin", &rsa.public_key_pem, "");
    stray["id"] = json!(format!("{}keys/stray", mock.base));
    serve(&mock, "/users/erin", doc("keys/actor.json", &mock, "users/erin", &rsa.public_key_pem, &multibase));
    serve(&mock, "/keys/stray", stray);
    let erin = format!("{}users/erin", mock.base);
    let key_id = format!("{}keys/stray", mock.base);
    let (status, _) = post_cavage(&m.url("/inbox"), &follow(&erin, &m), &key_id, &rsa.private_key_pem).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    mock.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_long_multibase_keys_are_refused_when_the_actor_is_stored() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mock = MockInbox::start().await;
    let rsa = generate_rsa_keypair().expect("rsa");
    let long = format!("z6Mk{}", "z".repeat(20_000));
    let mut actor = doc("keys/actor.json", &mock, "users/mallory", &rsa.public_key_pem, &long);
    let mallory = format!("{}users/mallory", mock.base);
    actor["publicKey"]["id"] = json!(format!("{mallory}#main-key"));
    serve(&mock, "/users/mallory", actor);
    let started = std::time::Instant::now();
    let (status, _) =
        post_cavage(&m.url("/inbox"), &follow(&mallory, &m), &format!("{mallory}#main-key"), &rsa.private_key_pem)
            .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(m.data.store.remote_actor_by_ap_id(&mallory).await.expect("db").is_none(), "not stored");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    mock.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_parsed_outside_the_cache_lock_and_failures_are_cached() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let state = m.data.app_data().clone();
    // A parse that itself needs the cache: deadlocks if the cache lock is held while parsing.
    let (tx, rx) = std::sync::mpsc::channel();
    let inner = state.clone();
    std::thread::spawn(move || {
        let r = inner.verifier_for("https://a.example/k1", "text-1", || {
            inner.verifier_for("https://a.example/k2", "text-2", || {
                Err(maillage::error::AppError::BadRequest("x".into()))
            })
        });
        let _ = tx.send(r.is_err());
    });
    assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(5)), Ok(true), "parsing held the cache lock");

    // A key that fails to parse costs one parse, however often it is presented.
    let calls = std::sync::atomic::AtomicUsize::new(0);
    for _ in 0..5 {
        let r = state.verifier_for("https://a.example/bad", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END", || {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Verifier::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
        });
        assert!(r.is_err());
    }
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signatures_refetch_a_known_actor_at_most_once() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let peer = Peer::start().await;
    let body = |n: u32| {
        json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
            "id": format!("{}follows/{n}", peer.base), "actor": peer.actor_id(), "object": m.territory()})
        .to_string()
    };
    assert_eq!(peer.post_signed(&m.url("/inbox"), &body(0)).await, StatusCode::ACCEPTED);
    let before = peer.gets("/u/alice");
    let forger = generate_rsa_keypair().expect("rsa");
    for n in 1..=4 {
        let status = peer.post_signed_with(&m.url("/inbox"), &body(n), &forger.private_key_pem).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let refetches = peer.gets("/u/alice") - before;
    assert!(refetches <= 1, "4 bad signatures refetched the actor {refetches} times");
    // The real key still works without a fetch.
    assert_eq!(peer.post_signed(&m.url("/inbox"), &body(9)).await, StatusCode::ACCEPTED);
    assert_eq!(peer.gets("/u/alice") - before, refetches);
    peer.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_errors_do_not_echo_remote_documents() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mock = MockInbox::start().await;
    let rsa = generate_rsa_keypair().expect("rsa");
    // A "key" that is a third party's private document on the signer's host.
    serve(&mock, "/private/payroll", json!({"id": "x", "salary": "TOP-SECRET-PAYROLL"}));
    let actor = format!("{}users/mallory", mock.base);
    let key_id = format!("{}private/payroll#k", mock.base);
    let (status, body) = post_cavage(&m.url("/inbox"), &follow(&actor, &m), &key_id, &rsa.private_key_pem).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!body.contains("TOP-SECRET") && !body.contains("salary"), "{body}");
    mock.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actors_whose_inboxes_are_elsewhere_are_refused() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mock = MockInbox::start().await;
    let rsa = generate_rsa_keypair().expect("rsa");
    for (user, field, value) in [
        ("users/s1", "/endpoints/sharedInbox", "http://elsewhere.example/inbox"),
        ("users/s2", "/inbox", "http://elsewhere.example/users/s2/inbox"),
        ("users/s3", "/endpoints/sharedInbox", "ftp://KEYHOST/inbox"),
    ] {
        let mut actor = doc("keys/actor.json", &mock, user, &rsa.public_key_pem, "");
        actor.as_object_mut().expect("obj").remove("assertionMethod");
        let id = format!("{}{user}", mock.base);
        actor["publicKey"]["id"] = json!(format!("{id}#main-key"));
        *actor.pointer_mut(field).expect(field) = json!(value.replace("KEYHOST", &mock.authority));
        serve(&mock, &format!("/{user}"), actor);
        let (status, _) =
            post_cavage(&m.url("/inbox"), &follow(&id, &m), &format!("{id}#main-key"), &rsa.private_key_pem).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{user}: {field} = {value}");
        assert!(m.data.store.remote_actor_by_ap_id(&id).await.expect("db").is_none(), "{user} not stored");
    }
    mock.stop().await;
    m.stop().await;

    // Without `allow_private_network`, an actor id must be https.
    let m = TestInstance::start_with(TestDb::sqlite().await, |c| c.allow_private_network = false).await;
    let plain: RemoteActorJson = serde_json::from_value(json!({"id": "http://a.example/u/x", "type": "Person",
        "inbox": "http://a.example/u/x/inbox", "publicKey": {"id": "http://a.example/u/x#k", "owner": "http://a.example/u/x",
        "publicKeyPem": rsa.public_key_pem}}))
    .expect("actor");
    let expected = Url::parse("http://a.example/u/x").expect("url");
    assert!(
        <DbRemoteActor as activitypub_federation::traits::Object>::verify(&plain, &expected, &m.data).await.is_err()
    );
    m.stop().await;
}
