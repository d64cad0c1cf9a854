//! Deliveries handed by the change that queued them to the worker of the same process
//! (`federation::handoff`): an inbox's `Accept`s go out without a claim each, exactly once; the
//! hand-over leases only what a claim would take (order per object, unreachable hosts); a lease
//! that lapsed while its delivery waited is not renewed once another claim holds it.

use crate::common;

use std::sync::atomic::Ordering;

use common::{TestDb, TestInstance, eventually, fleet::MockInbox};
use maillage::{
    domain::{local_actor::LocalActor, now_millis},
    federation::{
        keys::{Signer, generate_rsa_keypair},
        signatures::sign_cavage,
    },
    storage::{
        Store,
        activities::{NewActivity, insert_activity},
        deliveries,
    },
};
use reqwest::StatusCode;
use serde_json::json;

const FOLLOWERS: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_are_answered_by_handed_deliveries_each_once() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let keys = generate_rsa_keypair().expect("keys");
    let peer = MockInbox::start().await;
    peer.set_key(&m.data.store.territory_by_slug("territoire").await.expect("db").expect("t").public_key_pem);
    for i in 0..FOLLOWERS {
        let id = format!("{}users/u{i}", peer.base);
        let doc = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id, "type": "Person", "preferredUsername": format!("u{i}"),
            "inbox": peer.inbox(&format!("users/u{i}/inbox")),
            "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": keys.public_key_pem }
        });
        peer.state.docs.lock().expect("lock").insert(format!("/users/u{i}"), doc);
    }
    let claims_before = m.data.metrics.delivery_claims.load(Ordering::Relaxed);
    let inbox = m.url("/t/territoire/inbox");
    let url = url::Url::parse(&inbox).expect("url");
    let signer = Signer::from_pem(&keys.private_key_pem).expect("signer");
    for i in 0..FOLLOWERS {
        let actor = format!("{}users/u{i}", peer.base);
        let body = serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}activities/f{i}", peer.base), "type": "Follow", "actor": actor, "object": m.territory()
        }))
        .expect("json");
        let mut req = common::client().post(&inbox);
        for (k, v) in
            sign_cavage(&http::Method::POST, &url, Some(&body), &format!("{actor}#main-key"), &signer).expect("sign")
        {
            req = req.header(k, v);
        }
        let status = req.body(body).send().await.expect("post").status();
        assert_eq!(status, StatusCode::ACCEPTED, "follow {i}");
    }
    eventually(30, "every Follow answered", || async { peer.delivered().len() >= FOLLOWERS }).await;
    // Late duplicates would come from a lease taken twice.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let delivered = peer.delivered();
    let mut to: Vec<String> = delivered.iter().map(|r| r.path.clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(delivered.len(), FOLLOWERS, "one Accept per Follow");
    assert_eq!(to.len(), FOLLOWERS, "each follower answered once");
    assert!(delivered.iter().all(|r| r.body["type"] == "Accept"));
    assert_eq!(peer.bad_signatures(), 0);
    let handed = m.data.metrics.deliveries_handed.load(Ordering::Relaxed);
    let claims = m.data.metrics.delivery_claims.load(Ordering::Relaxed) - claims_before;
    assert_eq!(handed as usize, FOLLOWERS, "every Accept handed over");
    // The worker still polls the queue now and then (every 2 s by default); a claim per
    // Follow would be 24 here.
    assert!(claims < (FOLLOWERS / 3) as u64, "claims while answering {FOLLOWERS} follows: {claims}");
    eventually(10, "delivered rows recorded", || async {
        let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE state = 'done' AND leased_until = 0")
            .fetch_one(m.data.store.pool())
            .await
            .expect("rows");
        done == FOLLOWERS as i64
    })
    .await;
    peer.stop().await;
    m.stop().await;
}

async fn activity(tx: &mut sqlx::AnyConnection, n: usize, object: &str) -> i64 {
    let ap = format!("http://localhost/activities/h{n}");
    insert_activity(
        tx,
        &NewActivity {
            ap_id: &ap,
            by: LocalActor::Instance,
            kind: "Update",
            object_ap_id: Some(object),
            json: &json!({"id": ap, "type": "Update"}),
            public: false,
        },
    )
    .await
    .expect("insert")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handing_over_leases_what_a_claim_would_take_and_a_lapsed_lease_stays_lapsed() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let (first, second, other) =
            ("https://a.example/inbox", "https://b.example/inbox", "https://down.example/inbox");
        store.mark_unreachable("down.example").await.expect("unreachable");
        // An earlier delivery about the object to `first`, queued and not sent yet.
        let mut tx = store.begin().await.expect("tx");
        let earlier = activity(&mut tx, 1, "obj").await;
        deliveries::enqueue(&mut tx, earlier, "obj", &[first.to_string()]).await.expect("enqueue");
        tx.commit().await.expect("commit");
        // A change about the same object to all three hands over only `second`: `first` waits
        // behind the earlier delivery, `other`'s host is unreachable.
        let until = now_millis() + 60_000;
        let mut tx = store.begin().await.expect("tx");
        let later = activity(&mut tx, 2, "obj").await;
        let leased =
            deliveries::enqueue_leased(&mut tx, later, "obj", &[first.into(), second.into(), other.into()], until)
                .await
                .expect("enqueue");
        tx.commit().await.expect("commit");
        let leased: Vec<&str> = leased.iter().map(|(_, inbox, _)| inbox.as_str()).collect();
        assert_eq!(leased, vec![second], "[{label}] only what may go now is handed over");
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE activity_id = $1")
            .bind(later)
            .fetch_one(store.pool())
            .await
            .expect("count");
        assert_eq!(queued, 3, "[{label}] every inbox queued, leased or not");
        // A claim takes the earlier delivery and nothing handed over.
        let claimed = store.claim_due_deliveries(64, 4, 60_000, &[]).await.expect("claim");
        let claimed: Vec<(i64, &str)> = claimed.iter().map(|d| (d.id, d.inbox.as_str())).collect();
        assert_eq!(claimed.len(), 1, "[{label}] {claimed:?}");
        assert_eq!(claimed[0].1, first, "[{label}] the earlier delivery first");
        // A handed-over delivery whose lease lapsed is claimed by someone else: the holder's
        // renewal then fails and it is not sent twice.
        let mut tx = store.begin().await.expect("tx");
        let lapsing = activity(&mut tx, 3, "other-obj").await;
        let lapsed_at = now_millis() - 1;
        let handed = deliveries::enqueue_leased(&mut tx, lapsing, "other-obj", &[second.to_string()], lapsed_at)
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        assert_eq!(handed.len(), 1, "[{label}]");
        let id = handed[0].0;
        let retaken = store.claim_due_deliveries(64, 4, 60_000, &[]).await.expect("claim");
        assert!(retaken.iter().any(|d| d.id == id), "[{label}] a lapsed lease is claimable");
        let renewed = store.renew_lease(id, lapsed_at, now_millis() + 60_000).await.expect("renew");
        assert!(!renewed, "[{label}] the first holder's renewal fails once another claim holds it");
        let held = retaken.iter().find(|d| d.id == id).expect("held").leased_until;
        assert!(
            store.renew_lease(id, held, now_millis() + 90_000).await.expect("renew"),
            "[{label}] the holder renews"
        );
        store.close().await;
        db.cleanup().await;
    }
}
