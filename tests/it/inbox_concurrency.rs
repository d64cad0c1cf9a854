//! Many signed activities at once: every one is committed and answered 202, on SQLite (one
//! writer at a time) as on PostgreSQL. Guards against pool starvation and SQLite lock upgrades.

use crate::common;

use common::{TestDb, TestInstance, fleet::MockInbox};
use futures::StreamExt;
use maillage::federation::{
    keys::{Signer, generate_rsa_keypair},
    signatures::sign_cavage,
};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_follows_all_commit() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let host = MockInbox::start().await;
        let keys = generate_rsa_keypair().expect("keys");
        for n in 0..32 {
            let id = format!("{}users/u{n}", host.base);
            host.state.docs.lock().expect("lock").insert(
                format!("/users/u{n}"),
                json!({
                    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                    "id": id, "type": "Person", "inbox": format!("{id}/inbox"),
                    "endpoints": {"sharedInbox": format!("{}inbox", host.base)},
                    "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": keys.public_key_pem}
                }),
            );
        }
        let signer = Signer::from_pem(&keys.private_key_pem).expect("signer");
        let inbox = url::Url::parse(&m.url("/inbox")).expect("url");
        let requests: Vec<_> = (0..96)
            .map(|n| {
                let actor = format!("{}users/u{}", host.base, n % 32);
                let body = serde_json::to_vec(&json!({
                    "id": format!("{}activities/{n}", host.base), "type": "Follow", "actor": actor, "object": m.territory()
                }))
                .expect("json");
                let headers = sign_cavage(&http::Method::POST, &inbox, Some(&body), &format!("{actor}#main-key"), &signer).expect("sign");
                (body, headers)
            })
            .collect();
        let statuses: Vec<u16> = futures::stream::iter(requests)
            .map(|(body, headers)| {
                let inbox = inbox.clone();
                async move {
                    let mut req = common::client().post(inbox);
                    for (k, v) in headers {
                        req = req.header(k, v);
                    }
                    req.body(body).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
                }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        assert!(
            statuses.iter().all(|s| *s == 202),
            "[{label}] {:?}",
            statuses.iter().filter(|s| **s != 202).collect::<Vec<_>>()
        );
        let received: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM received_activities")
            .fetch_one(m.data.store.pool())
            .await
            .expect("n");
        let followers: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM followers").fetch_one(m.data.store.pool()).await.expect("n");
        assert_eq!((received, followers), (96, 32), "[{label}]");
        host.stop().await;
        m.stop().await;
    }
}

/// Host bookkeeping is kept in memory (issue 14) yet stays true: the first activity of a host
/// records it with the format it signed in, an activity from a host marked unreachable revives
/// it at once (its held deliveries must not wait for the cache), and "last heard from" reaches
/// the database when written back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_bookkeeping_is_written_when_it_changes() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let host = MockInbox::start().await;
        let keys = generate_rsa_keypair().expect("keys");
        let id = format!("{}users/u", host.base);
        host.state.docs.lock().expect("lock").insert(
            "/users/u".into(),
            json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": id, "type": "Person", "inbox": format!("{id}/inbox"),
                "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": keys.public_key_pem}
            }),
        );
        let signer = Signer::from_pem(&keys.private_key_pem).expect("signer");
        let inbox = url::Url::parse(&m.url("/inbox")).expect("url");
        let send = |n: u32| {
            let body = serde_json::to_vec(&json!({
                "id": format!("{}activities/{n}", host.base), "type": "Follow", "actor": id, "object": m.territory()
            }))
            .expect("json");
            let headers = sign_cavage(&http::Method::POST, &inbox, Some(&body), &format!("{id}#main-key"), &signer)
                .expect("sign");
            let mut req = common::client().post(inbox.clone());
            for (k, v) in headers {
                req = req.header(k, v);
            }
            async move { req.body(body).send().await.map(|r| r.status().as_u16()).unwrap_or(0) }
        };
        let row = || async { m.data.store.host(&host.authority).await.expect("db") };

        assert_eq!(send(1).await, 202, "[{label}]");
        let first = row().await.expect("the host is recorded on its first activity");
        assert_eq!(first.signature_format.as_deref(), Some("cavage"), "[{label}] format learned");
        assert!(first.unreachable_since.is_none() && first.last_probe_at.is_some(), "[{label}] {first:?}");

        m.data.store.mark_unreachable(&host.authority).await.expect("mark");
        assert_eq!(send(2).await, 202, "[{label}]");
        assert!(row().await.expect("row").unreachable_since.is_none(), "[{label}] revived by its activity at once");

        let before = row().await.expect("row").last_probe_at.expect("heard");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        assert_eq!(send(3).await, 202, "[{label}]");
        m.data.store.flush_hosts_heard().await.expect("flush");
        let after = row().await.expect("row").last_probe_at.expect("heard");
        assert!(after > before, "[{label}] last heard from written back: {before} then {after}");
        host.stop().await;
        m.stop().await;
    }
}
