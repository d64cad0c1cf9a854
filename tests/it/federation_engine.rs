//! Inbox side of the engine: an RFC 9421-first sender (Fedify's shape) is accepted at the first
//! knock and answered in RFC 9421; key rotation is followed after one refetch; actor Updates
//! refresh our copy; blocked domains are refused before any work.

use crate::common;

use base64::{Engine, engine::general_purpose::STANDARD};
use common::{TestDb, TestInstance, eventually, fleet::MockInbox};
use maillage::federation::{
    keys::{KeyPairPem, Signer, generate_rsa_keypair},
    rfc9421::content_digest,
    signatures::sign_cavage,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A remote actor, served by a mock server whose inbox records what we send; the test can
/// change its document (and so its key).
struct RemoteActor {
    mock: MockInbox,
}

impl RemoteActor {
    async fn start(keys: &KeyPairPem) -> RemoteActor {
        let mock = MockInbox::start().await;
        let id = format!("{}users/rot", mock.base);
        let doc = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id, "type": "Person", "preferredUsername": "rot", "name": "Avant",
            "inbox": mock.inbox("users/rot"),
            "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": keys.public_key_pem }
        });
        mock.state.docs.lock().expect("lock").insert("/users/rot".into(), doc);
        RemoteActor { mock }
    }

    fn id(&self) -> String {
        format!("{}users/rot", self.mock.base)
    }

    fn doc(&self) -> Value {
        self.mock.state.docs.lock().expect("lock")["/users/rot"].clone()
    }

    fn set_key(&self, pem: &str) {
        self.mock.state.docs.lock().expect("lock").get_mut("/users/rot").expect("doc")["publicKey"]["publicKeyPem"] =
            json!(pem);
    }

    fn activity(&self, kind: &str, object: Value) -> Vec<u8> {
        let id = format!("{}activities/{}", self.mock.base, uuid::Uuid::new_v4());
        serde_json::to_vec(&json!({"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": kind, "actor": self.id(), "object": object}))
            .expect("json")
    }
}

async fn post_cavage(inbox: &str, body: &[u8], key_id: &str, pem: &str) -> StatusCode {
    let url = url::Url::parse(inbox).expect("url");
    let mut req = common::client().post(inbox);
    for (k, v) in
        sign_cavage(&http::Method::POST, &url, Some(body), key_id, &Signer::from_pem(pem).expect("s")).expect("sign")
    {
        req = req.header(k, v);
    }
    req.body(body.to_vec()).send().await.expect("post").status()
}

/// Signs as Fedify does (RFC 9421, label sig1, `alg;keyid;created`, with @authority, host and
/// date), building the signature base by hand rather than with Maillage's RFC 9421 code.
async fn post_fedify_style(inbox: &str, body: &[u8], key_id: &str, pem: &str) -> StatusCode {
    let url = url::Url::parse(inbox).expect("url");
    let authority = format!("{}:{}", url.host_str().expect("host"), url.port().expect("port"));
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let digest = content_digest(body);
    let created = chrono::Utc::now().timestamp();
    let params = format!(
        "(\"@method\" \"@target-uri\" \"@authority\" \"host\" \"date\" \"content-digest\");alg=\"rsa-v1_5-sha256\";keyid=\"{key_id}\";created={created}"
    );
    let base = format!(
        "\"@method\": POST\n\"@target-uri\": {inbox}\n\"@authority\": {authority}\n\"host\": {authority}\n\"date\": {date}\n\"content-digest\": {digest}\n\"@signature-params\": {params}"
    );
    let sig = STANDARD.encode(Signer::from_pem(pem).expect("s").sign_rsa_sha256(base.as_bytes()).expect("sign"));
    common::client()
        .post(inbox)
        .header("host", &authority)
        .header("date", date)
        .header("content-digest", digest)
        .header("content-type", "application/activity+json")
        .header("signature-input", format!("sig1={params}"))
        .header("signature", format!("sig1=:{sig}:"))
        .body(body.to_vec())
        .send()
        .await
        .expect("post")
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9421_first_sender_is_accepted_and_answered_in_kind() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let keys = generate_rsa_keypair().expect("keys");
    let actor = RemoteActor::start(&keys).await;
    let their_inbox = &actor.mock;
    their_inbox.set_formats(vec!["rfc9421"]);
    their_inbox.set_key(&m.data.store.territory_by_slug("territoire").await.expect("db").expect("t").public_key_pem);
    let follow = actor.activity("Follow", json!(m.territory()));
    let status = post_fedify_style(
        &m.url("/t/territoire/inbox"),
        &follow,
        &format!("{}#main-key", actor.id()),
        &keys.private_key_pem,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "accepted at the first knock");
    eventually(10, "Accept delivered", || async { their_inbox.delivered().len() == 1 }).await;
    let received = their_inbox.received();
    assert_eq!(received.len(), 1, "our first knock used the format they signed with");
    assert_eq!(received[0].format, "rfc9421");
    assert_eq!(received[0].body["type"], "Accept");
    // Later deliveries too, at the first knock.
    maillage::processing::territories::update(
        &m.data,
        "territoire",
        maillage::storage::territories::TerritoryUpdate { name: Some("Nouveau nom".into()), ..Default::default() },
        "test",
    )
    .await
    .expect("update");
    eventually(10, "Update delivered", || async { their_inbox.delivered().len() == 2 }).await;
    assert_eq!(their_inbox.received().len(), 2, "no refused knock");
    assert_eq!(their_inbox.received()[1].body["object"]["name"], "Nouveau nom");
    actor.mock.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_actor_update_and_domain_blocks() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let old = generate_rsa_keypair().expect("keys");
    let actor = RemoteActor::start(&old).await;
    let key_id = format!("{}#main-key", actor.id());
    let inbox = m.url("/inbox");

    let follow = actor.activity("Follow", json!(m.territory()));
    assert_eq!(post_cavage(&inbox, &follow, &key_id, &old.private_key_pem).await, StatusCode::ACCEPTED);

    // The actor rotates its key: our cached key fails, one refetch finds the new one.
    let new = generate_rsa_keypair().expect("keys");
    actor.set_key(&new.public_key_pem);
    let like = actor.activity("Like", json!(m.territory()));
    assert_eq!(
        post_cavage(&inbox, &like, &key_id, &new.private_key_pem).await,
        StatusCode::ACCEPTED,
        "rotated key accepted"
    );
    let cached = m.data.store.remote_actor_by_ap_id(&actor.id()).await.expect("db").expect("actor");
    assert_eq!(cached.public_key_pem, new.public_key_pem);
    // A key it does not publish is still refused, after the refetch.
    let stranger = generate_rsa_keypair().expect("keys");
    let like = actor.activity("Like", json!(m.territory()));
    assert_eq!(post_cavage(&inbox, &like, &key_id, &stranger.private_key_pem).await, StatusCode::UNAUTHORIZED);

    // Update of the actor by itself refreshes our copy.
    let mut doc = actor.doc();
    doc["name"] = json!("Après");
    let update = actor.activity("Update", doc);
    assert_eq!(post_cavage(&inbox, &update, &key_id, &new.private_key_pem).await, StatusCode::ACCEPTED);
    let cached = m.data.store.remote_actor_by_ap_id(&actor.id()).await.expect("db").expect("actor");
    assert_eq!(cached.name.as_deref(), Some("Après"));

    // Blocked domain: refused before anything is fetched or stored.
    maillage::processing::domains::block(&m.data, "localhost", "test").await.expect("block");
    let undo = actor.activity("Undo", serde_json::from_slice::<Value>(&follow).expect("json"));
    assert_eq!(post_cavage(&inbox, &undo, &key_id, &new.private_key_pem).await, StatusCode::FORBIDDEN);
    let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
    let followers = |m: &TestInstance| {
        let store = m.data.store.clone();
        async move {
            store
                .count_follows(
                    maillage::storage::follows::Direction::Followers,
                    t.id,
                    maillage::domain::territory::FollowState::Accepted,
                )
                .await
                .expect("n")
        }
    };
    assert_eq!(followers(&m).await, 1, "the blocked Undo changed nothing");
    maillage::processing::domains::unblock(&m.data, "localhost").await.expect("unblock");
    assert_eq!(post_cavage(&inbox, &undo, &key_id, &new.private_key_pem).await, StatusCode::ACCEPTED);
    assert_eq!(followers(&m).await, 0);
    actor.mock.stop().await;
    m.stop().await;
}
