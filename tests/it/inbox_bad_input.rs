//! Bad input at the inbox gets a clear status and leaves nothing behind.

use crate::common;

use base64::{Engine, engine::general_purpose::STANDARD};
use common::{TestDb, TestInstance, peer::Peer};
use maillage::federation::{
    keys::{Signer, generate_rsa_keypair},
    signatures::{digest_header, sign_cavage},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn count(m: &TestInstance, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(m.data.store.pool()).await.expect("count")
}

/// POSTs `body` to `inbox`, signed draft-cavage with `private_pem` under `key_id`.
async fn post_signed(inbox: &str, body: &[u8], key_id: &str, private_pem: &str) -> StatusCode {
    let url = url::Url::parse(inbox).expect("url");
    let signer = Signer::from_pem(private_pem).expect("signer");
    let mut req = common::client().post(inbox).header("Content-Type", "application/activity+json");
    for (k, v) in sign_cavage(&http::Method::POST, &url, Some(body), key_id, &signer).expect("sign") {
        req = req.header(k, v);
    }
    req.body(body.to_vec()).send().await.expect("post").status()
}

fn follow(peer: &Peer, id: &str, actor: &str, object: &str) -> Vec<u8> {
    let _ = peer;
    serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id, "type": "Follow", "actor": actor, "object": object
    }))
    .expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_change_nothing() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let peer = Peer::start().await;
        let inbox = m.url("/t/territoire/inbox");
        let key_id = format!("{}#main-key", peer.actor_id());
        let pem = peer.private_key_pem();
        let actor = peer.actor_id().to_string();
        let good = follow(&peer, peer.new_id().as_str(), &actor, &m.territory());

        // Unsigned.
        let res = common::client().post(&inbox).body(good.clone()).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "[{label}] unsigned");
        let body: Value = res.json().await.expect("json error body");
        assert_eq!(body["error"], "unauthorized");

        // Signed with a key that is not the actor's.
        let stranger = generate_rsa_keypair().expect("keys");
        assert_eq!(
            post_signed(&inbox, &good, &key_id, &stranger.private_key_pem).await,
            StatusCode::UNAUTHORIZED,
            "[{label}] wrong key"
        );

        // Actor on another host than the signer.
        let spoofed = follow(&peer, peer.new_id().as_str(), "http://elsewhere.example/u/bob", &m.territory());
        assert_eq!(post_signed(&inbox, &spoofed, &key_id, &pem).await, StatusCode::FORBIDDEN, "[{label}] actor host");
        // Activity id on another host than the actor.
        let spoofed = follow(&peer, "http://elsewhere.example/activities/1", &actor, &m.territory());
        assert_eq!(post_signed(&inbox, &spoofed, &key_id, &pem).await, StatusCode::FORBIDDEN, "[{label}] id host");
        // Same host, another actor than the signer.
        let other_actor = peer.base.join("u/bob").expect("url").to_string();
        let spoofed = follow(&peer, peer.new_id().as_str(), &other_actor, &m.territory());
        assert_eq!(post_signed(&inbox, &spoofed, &key_id, &pem).await, StatusCode::FORBIDDEN, "[{label}] other actor");

        // Too large: refused before anything is parsed.
        let mut huge = good.clone();
        huge.extend(std::iter::repeat_n(b' ', 1024 * 1024 + 1));
        let res = common::client().post(&inbox).body(huge).send().await.expect("post");
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE, "[{label}] huge");

        // Malformed JSON, and JSON that is not an activity.
        for bad in
            [&b"{not json"[..], b"[]", b"\xff\xfe", br#"{"id":"x","type":"Follow","actor":"y"}"#, &[b'['; 100_000][..]]
        {
            assert_eq!(post_signed(&inbox, bad, &key_id, &pem).await, StatusCode::BAD_REQUEST, "[{label}] malformed");
        }

        // Old Date: refused even with a correct signature over it.
        let url = url::Url::parse(&inbox).expect("url");
        let old = httpdate::fmt_http_date(std::time::SystemTime::now() - std::time::Duration::from_secs(13 * 3600));
        let digest = digest_header(&good);
        let signing =
            format!("(request-target): post /t/territoire/inbox\nhost: {}\ndate: {old}\ndigest: {digest}", m.authority);
        let sig =
            STANDARD.encode(Signer::from_pem(&pem).expect("s").sign_rsa_sha256(signing.as_bytes()).expect("sign"));
        let res = common::client()
            .post(url)
            .header("Date", old)
            .header("Digest", digest)
            .header("Signature", format!("keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{sig}\""))
            .body(good.clone())
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "[{label}] old date");

        // Digest of another body.
        let url = url::Url::parse(&inbox).expect("url");
        let mut req = common::client().post(&inbox);
        for (k, v) in sign_cavage(&http::Method::POST, &url, Some(b"{}"), &key_id, &Signer::from_pem(&pem).expect("s"))
            .expect("sign")
        {
            req = req.header(k, v);
        }
        assert_eq!(
            req.body(good.clone()).send().await.expect("post").status(),
            StatusCode::UNAUTHORIZED,
            "[{label}] digest"
        );

        // Follow of an actor that does not exist here.
        let ghost = follow(&peer, peer.new_id().as_str(), &actor, &m.url("/t/nobody"));
        assert_eq!(post_signed(&inbox, &ghost, &key_id, &pem).await, StatusCode::NOT_FOUND, "[{label}] unknown actor");

        // Unknown type: accepted and ignored.
        let odd =
            serde_json::to_vec(&json!({"id": peer.new_id(), "type": "Dance", "actor": actor, "object": m.territory()}))
                .expect("json");
        assert_eq!(post_signed(&inbox, &odd, &key_id, &pem).await, StatusCode::ACCEPTED, "[{label}] unknown type");

        // Delete of an actor never seen here: accepted without fetching its (gone) key.
        let gone = serde_json::to_vec(&json!({
            "id": "http://gone.invalid/users/x#delete", "type": "Delete",
            "actor": "http://gone.invalid/users/x", "object": "http://gone.invalid/users/x"
        }))
        .expect("json");
        assert_eq!(
            post_signed(&inbox, &gone, "http://gone.invalid/users/x#main-key", &stranger.private_key_pem).await,
            StatusCode::ACCEPTED,
            "[{label}] delete of unknown actor"
        );

        assert_eq!(count(&m, "followers").await, 0, "[{label}]");
        assert_eq!(count(&m, "received_activities").await, 0, "[{label}]");
        assert_eq!(count(&m, "activities").await, 0, "[{label}] no Accept sent");

        // The same Follow twice: one follower, one Accept.
        assert_eq!(post_signed(&inbox, &good, &key_id, &pem).await, StatusCode::ACCEPTED);
        assert_eq!(post_signed(&m.url("/inbox"), &good, &key_id, &pem).await, StatusCode::ACCEPTED);
        assert_eq!(count(&m, "followers").await, 1, "[{label}]");
        assert_eq!(count(&m, "activities").await, 1, "[{label}] exactly one Accept");

        peer.stop().await;
        m.stop().await;
    }
}
