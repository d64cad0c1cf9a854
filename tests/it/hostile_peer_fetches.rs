//! A hostile peer against what we fetch and what we answer (issue 10): domain blocks given with
//! a port, and blocks applied to objects fetched through an `Announce`; a Group repeating
//! `Accept`s starts one outbox backfill; an inbox answering an endless error body costs a
//! bounded read.

use crate::common;

use std::time::{Duration, Instant};

use common::{
    TestDb, TestInstance, eventually,
    fleet::{MockInbox, add_followers},
    peer::Peer,
};
use maillage::{
    federation::{
        activities::conversation::fetch_object,
        keys::{Signer, generate_rsa_keypair},
        signatures::sign_cavage,
    },
    processing::{domains, follows, territories},
    storage::territories::TerritoryUpdate,
};
use reqwest::StatusCode;
use serde_json::json;

fn follow_of(peer: &Peer, m: &TestInstance) -> String {
    json!({"@context": "https://www.w3.org/ns/activitystreams", "id": peer.new_id(), "type": "Follow",
        "actor": peer.actor_id(), "object": m.territory()})
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_with_a_port_is_that_server_and_covers_announced_objects() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let blocked = Peer::start().await;
    let neighbour = Peer::start().await; // same host name, another port: another server
    let inbox = m.url("/t/territoire/inbox");
    domains::block(&m.data, &blocked.authority.to_uppercase(), "spam").await.expect("block");
    assert_eq!(blocked.post_signed(&inbox, &follow_of(&blocked, &m)).await, StatusCode::FORBIDDEN);
    assert_eq!(neighbour.post_signed(&inbox, &follow_of(&neighbour, &m)).await, StatusCode::ACCEPTED);

    // A Note on a blocked server, announced by someone else: never fetched.
    let host = MockInbox::start().await;
    let note = format!("{}notes/1", host.base);
    host.state.docs.lock().expect("lock").insert(
        "/notes/1".into(),
        json!({"id": note, "type": "Note", "attributedTo": format!("{}users/x", host.base),
            "inReplyTo": m.url("/practices/00000000-0000-0000-0000-000000000000"), "content": "x",
            "to": ["https://www.w3.org/ns/activitystreams#Public"]}),
    );
    domains::block(&m.data, &host.authority, "").await.expect("block");
    let announce = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Announce",
        "id": neighbour.new_id(), "actor": neighbour.actor_id(), "object": note});
    assert_eq!(neighbour.post_signed(&m.url("/inbox"), &announce.to_string()).await, StatusCode::ACCEPTED);
    assert!(fetch_object(&m.data, &note).await.is_err(), "any fetch refuses a blocked domain");
    assert!(host.state.gets.lock().expect("lock").is_empty(), "the blocked server was not asked anything");

    // Unblocking takes the form given to block (any case, with its port).
    assert!(domains::unblock(&m.data, &blocked.authority.to_uppercase()).await.expect("unblock"));
    assert_eq!(blocked.post_signed(&inbox, &follow_of(&blocked, &m)).await, StatusCode::ACCEPTED);
    for p in [blocked, neighbour] {
        p.stop().await;
    }
    host.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_accepts_from_a_group_start_one_backfill() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let group = MockInbox::start().await;
    let keys = generate_rsa_keypair().expect("keys");
    let id = format!("{}g", group.base);
    group.state.docs.lock().expect("lock").insert(
        "/g".into(),
        json!({"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id, "type": "Group", "preferredUsername": "g", "inbox": group.inbox("g"),
            "outbox": format!("{id}/outbox"),
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": keys.public_key_pem}}),
    );
    group.state.docs.lock().expect("lock").insert(
        "/g/outbox".into(),
        json!({"id": format!("{id}/outbox"), "type": "OrderedCollection", "totalItems": 0, "orderedItems": []}),
    );
    follows::follow_remote(&m.data, "territoire", &id).await.expect("follow");
    let follow_id: String =
        sqlx::query_scalar("SELECT follow_ap_id FROM following").fetch_one(m.data.store.pool()).await.expect("row");
    let signer = Signer::from_pem(&keys.private_key_pem).expect("signer");
    let inbox = m.url("/t/territoire/inbox");
    for n in 0..3 {
        let accept = serde_json::to_vec(&json!({"@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{id}/accepts/{n}"), "type": "Accept", "actor": id, "object": follow_id}))
        .expect("json");
        let url = url::Url::parse(&inbox).expect("url");
        let mut req = common::client().post(&inbox);
        for (k, v) in
            sign_cavage(&http::Method::POST, &url, Some(&accept), &format!("{id}#main-key"), &signer).expect("sign")
        {
            req = req.header(k, v);
        }
        assert_eq!(req.body(accept).send().await.expect("post").status(), StatusCode::ACCEPTED, "Accept {n}");
    }
    let outbox_gets = || group.state.gets.lock().expect("lock").iter().filter(|p| *p == "/g/outbox").count();
    eventually(10, "the backfill", || async { outbox_gets() >= 1 }).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(outbox_gets(), 1, "one backfill per follow, whatever the number of Accepts");
    group.stop().await;
    m.stop().await;
}

/// An inbox that refuses every delivery with an endless body.
async fn endless_refusal() -> (String, tokio::sync::oneshot::Sender<()>) {
    use axum::{Router, body::Body, http::StatusCode as S, routing::post};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new().route(
        "/{*path}",
        post(|| async {
            let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
            let endless = futures::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
            (S::BAD_REQUEST, Body::from_stream(endless))
        }),
    );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    (format!("http://localhost:{port}/users/x/inbox"), tx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_error_body_costs_a_bounded_read() {
    // A long HTTP timeout: only the bounded read can end the request early.
    let m = TestInstance::start_with(TestDb::sqlite().await, |c| c.http_timeout_secs = 120).await;
    let (inbox, stop) = endless_refusal().await;
    add_followers(&m.data.store, &[(inbox.clone(), None)]).await;
    let started = Instant::now();
    territories::update(
        &m.data,
        "territoire",
        TerritoryUpdate { name: Some("Nouveau nom".into()), ..Default::default() },
        "test",
    )
    .await
    .expect("update");
    eventually(20, "the refusal recorded", || async {
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT state, last_status FROM deliveries WHERE inbox = $1")
                .bind(&inbox)
                .fetch_optional(m.data.store.pool())
                .await
                .expect("row");
        row == Some(("failed".into(), Some(400)))
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    let _ = stop.send(());
    m.stop().await;
}
