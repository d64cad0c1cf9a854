//! Mastodon-shaped JSON (tests/fixtures/mastodon) parsed and handled: Follow, Undo(Follow),
//! Accept of our Follow, its actor document and its WebFinger answer.

use crate::common;

use common::{TestDb, TestInstance, eventually, peer::Peer};
use maillage::{
    domain::territory::FollowState,
    federation::protocol::{activities::parse_envelope, actor::RemoteActorJson},
    processing::follows,
    storage::follows::Direction,
};
use reqwest::StatusCode;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/mastodon/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

/// Points the fixture's hosts at the peer (standing for Mastodon) and at our instance.
fn localise(json: &str, peer: &Peer, m: &TestInstance) -> String {
    json.replace("https://mastodon.example/users/alice", peer.actor_id().as_str())
        .replace("https://mastodon.example/", peer.base.as_str())
        .replace("https://maillage.example/", m.base.as_str())
}

#[test]
fn mastodon_documents_parse() {
    let person: RemoteActorJson = serde_json::from_str(&fixture("person.json")).expect("person");
    assert_eq!(person.kind, "Person");
    assert_eq!(person.main_key().expect("key").id, "https://mastodon.example/users/alice#main-key");
    assert_eq!(
        person.endpoints.and_then(|e| e.shared_inbox).expect("shared").as_str(),
        "https://mastodon.example/inbox"
    );
    for f in ["follow.json", "undo_follow.json", "accept_follow.json"] {
        let env = parse_envelope(fixture(f).as_bytes()).expect(f);
        assert_eq!(env.actor.as_str(), "https://mastodon.example/users/alice");
    }
    let wf: activitypub_federation::fetch::webfinger::Webfinger =
        serde_json::from_str(&fixture("webfinger.json")).expect("webfinger");
    assert!(wf.links.iter().any(|l| l.rel.as_deref() == Some("self")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_follow_undo_and_accept_are_handled() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let peer = Peer::start().await;
    let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");

    // Mastodon follows the territory, to the shared inbox as Mastodon does.
    let follow = localise(&fixture("follow.json"), &peer, &m);
    assert_eq!(peer.post_signed(&m.url("/inbox"), &follow).await, StatusCode::ACCEPTED);
    assert_eq!(m.data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await.expect("db"), 1);
    eventually(10, "Accept delivered to the Mastodon stand-in", || async {
        peer.received().iter().any(|a| a["type"] == "Accept")
    })
    .await;

    let undo = localise(&fixture("undo_follow.json"), &peer, &m);
    assert_eq!(peer.post_signed(&m.url("/t/territoire/inbox"), &undo).await, StatusCode::ACCEPTED);
    assert_eq!(m.data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await.expect("db"), 0);

    // The territory follows the Mastodon account; Mastodon answers with its Accept shape.
    follows::follow_remote(&m.data, "territoire", peer.actor_id().as_str()).await.expect("follow");
    eventually(10, "our Follow reaches the peer", || async { peer.received().iter().any(|a| a["type"] == "Follow") })
        .await;
    let our_follow = peer.received().into_iter().find(|a| a["type"] == "Follow").expect("follow");
    let follow_id = our_follow["id"].as_str().expect("id").to_string();
    let accept = localise(&fixture("accept_follow.json"), &peer, &m)
        .replace(&format!("{}activities/OUR_FOLLOW_ID", m.base), &follow_id);
    assert_eq!(peer.post_signed(&m.url("/inbox"), &accept).await, StatusCode::ACCEPTED);
    let actor = m.data.store.remote_actor_by_ap_id(peer.actor_id().as_str()).await.expect("db").expect("actor");
    let f = m.data.store.follow(Direction::Following, t.id, actor.id).await.expect("db").expect("follow");
    assert_eq!(f.state(), FollowState::Accepted);

    peer.stop().await;
    m.stop().await;
}
