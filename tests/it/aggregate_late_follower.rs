//! A territory's `cces:Aggregate` (issue 13, point 9) reaches a follower that arrives after its
//! figures last changed: it goes with the Accept of the Follow, in the same change, to Maillage
//! instances only (a Mastodon follower gets the Accept alone). Without it the late follower
//! would show nothing of the territory until its figures changed again.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{TestDb, TestInstance, call, eventually, fixture, localise, peer::Peer};

/// The network's figure of `origin` on `m` (its value), if shown.
async fn network_value(m: &TestInstance, origin: &str, figure: &str, key: &str) -> Option<f64> {
    let data = call(Method::GET, m.url("/observatoire.json?scope=reseau"), None, None).await.1;
    data["figures"].as_array()?.iter().find_map(|f| {
        (f["territory"] == origin && f["figure"] == figure && f["key"] == key && f["period"] == "all")
            .then(|| f["value"].as_f64())
            .flatten()
    })
}

/// When `m`'s territory last sent its aggregate, once its figures count its signatories and
/// are settled: nothing left to recount (the triggers' version) nor to send.
async fn sent_and_settled(m: &TestInstance, origin: &str) -> Option<String> {
    let (sent, rows) = m.data.store.origin_figures(origin).await.expect("figures");
    let counted = rows.iter().any(|r| r.figure.as_str() == "signatories.kind" && r.key == "structure");
    let unsettled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM observatory_origins WHERE territory_id IS NOT NULL \
         AND (version > computed_version OR computed_version > aggregate_sent_version)",
    )
    .fetch_one(m.data.store.pool())
    .await
    .expect("origins");
    // Handled by the sender (recorded; it went to no inbox, no Maillage instance follows yet).
    sent.and_then(|s| s.aggregate_digest).filter(|_| counted && unsettled == 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_follower_receives_the_figures_without_a_new_change() {
    for db in TestDb::all().await {
        let label = db.label;
        let a = TestInstance::start(db).await;
        let b = TestInstance::start(TestDb::sqlite().await).await;
        let mastodon = Peer::start().await;
        // A's signatories, a practice, an action: figures computed and their aggregate sent (to
        // nobody: no follower yet). Nothing changes them afterwards.
        crate::map::seed(&a).await;
        let oa = a.territory();
        // Settled, and still so a few refresher passes later (it runs every 500 ms).
        let mut sent_at: Option<String> = None;
        for _ in 0..60 {
            let now = sent_and_settled(&a, &oa).await;
            if now.is_some() && now == sent_at {
                break;
            }
            sent_at = now;
            tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        }
        let sent_at = sent_at.unwrap_or_else(|| panic!("[{label}] A's figures never handled by the sender"));
        let figures = |rows: Vec<maillage::storage::observatory::FigureRow>| -> Vec<String> {
            rows.iter().map(|r| format!("{} {} {} {}", r.figure.as_str(), r.key, r.period, r.total)).collect()
        };
        let before = figures(a.data.store.origin_figures(&oa).await.expect("figures").1);

        // Now B (Maillage) and a Mastodon account follow A.
        let handle = format!("territoire@{}", a.authority);
        maillage::processing::follows::follow_remote(&b.data, "territoire", &handle).await.expect("follow");
        // (The Follow names the territory: no practice to put in the fixture.)
        let follow = localise(&fixture("mastodon/follow.json"), &mastodon, &a, "");
        assert_eq!(mastodon.post_signed(&a.url("/inbox"), &follow).await, StatusCode::ACCEPTED, "[{label}]");
        // Signatories never federate one by one: on B they can only come from A's aggregate.
        eventually(15, "A's signatories counted on B", || async {
            network_value(&b, &oa, "signatories.kind", "structure").await == Some(1.0)
        })
        .await;
        assert_eq!(network_value(&b, &oa, "signatories.kind", "individual").await, Some(2.0), "[{label}]");
        eventually(15, "the Mastodon follower's Accept", || async {
            mastodon.received().iter().any(|a| a["type"] == "Accept")
        })
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let aggregates = |p: &Peer| -> Vec<Value> {
            p.received().into_iter().filter(|a| a["object"]["type"] == "cces:Aggregate").collect()
        };
        assert!(aggregates(&mastodon).is_empty(), "[{label}] Mastodon is not sent what it cannot read");
        // A person is no instance's reader: its server is not even asked its software (issue 14).
        assert_eq!(mastodon.gets("/.well-known/nodeinfo"), 0, "[{label}] NodeInfo asked for a person's Follow");
        let (sent, after) = a.data.store.origin_figures(&oa).await.expect("figures");
        let after = figures(after);
        let changed: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
        let sent = sent.expect("sent state");
        assert_eq!(
            sent.aggregate_digest.as_ref(),
            Some(&sent_at),
            "[{label}] not the regular sending; figures changed: {changed:?}"
        );
        assert!(sent.aggregate_sent_at.is_some(), "[{label}] the late Create counts as the first sending");
        mastodon.stop().await;
        a.stop().await;
        b.stop().await;
    }
}
