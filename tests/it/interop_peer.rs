//! An independent implementation (the activitypub_federation crate's own signing, verifying and
//! WebFinger code) discovers a territory, fetches it with a signed GET, follows it, receives a
//! verified Accept, and unfollows.

use crate::common;

use common::{TestDb, TestInstance, eventually, get_json, peer::Peer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_peer_follows_and_unfollows_a_territory() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let peer = Peer::start().await;

        // WebFinger then a signed GET of the actor, as the crate does it.
        let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("webfinger + fetch");
        assert_eq!(group.id.as_str(), m.territory(), "[{label}]");
        assert_eq!(group.json["type"], "Group");
        assert!(
            group.json["@context"].to_string().contains("https://w3id.org/security/v1")
                || group.json.get("@context").is_none()
        );
        let fetched = peer.fetch(&m.territory()).await.expect("signed fetch");
        assert_eq!(fetched.id, group.id);

        // Follow → Accept delivered to the peer's inbox, which verified our signature.
        let follow = peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("send follow");
        eventually(10, "Accept in the peer's inbox", || async { !peer.received().is_empty() }).await;
        let accept = peer.received()[0].clone();
        assert_eq!(accept["type"], "Accept", "[{label}] {accept}");
        assert_eq!(accept["actor"], m.territory());
        assert_eq!(accept["object"]["id"], follow.id.as_str());
        assert!(peer.refused().is_empty(), "peer refused: {:?}", peer.refused());

        // A later delivery (the territory renamed: Update of the Group) reaches the peer,
        // verified by the crate's own signature check.
        maillage::processing::territories::update(
            &m.data,
            "territoire",
            maillage::storage::territories::TerritoryUpdate {
                name: Some("Pays de Redon".into()),
                ..Default::default()
            },
            "test",
        )
        .await
        .expect("update");
        eventually(10, "Update in the peer's inbox", || async {
            peer.received().iter().any(|a| a["type"] == "Update")
        })
        .await;
        let update = peer.received().into_iter().find(|a| a["type"] == "Update").expect("update");
        assert_eq!(update["object"]["name"], "Pays de Redon");
        assert!(peer.refused().is_empty(), "peer refused: {:?}", peer.refused());

        let followers = get_json(&m.url("/t/territoire/followers?page=1")).await;
        assert_eq!(followers["totalItems"], 1);
        assert_eq!(followers["orderedItems"][0], peer.actor_id().as_str());

        // The same Follow delivered again: one follower, no error.
        peer.send_activity(&group.inbox, &follow).await.expect("resend");
        assert_eq!(get_json(&m.url("/t/territoire/followers")).await["totalItems"], 1);

        // Undo(Follow), via the shared inbox this time.
        let shared = group.shared_inbox.clone().expect("sharedInbox advertised");
        let follow_json = serde_json::to_value(&follow).expect("json");
        peer.send(&shared, "Undo", follow_json).await.expect("send undo");
        eventually(10, "follower removed", || async {
            get_json(&m.url("/t/territoire/followers")).await["totalItems"] == 0
        })
        .await;

        peer.stop().await;
        m.stop().await;
    }
}
