//! A peer shaped like GoToSocial (tests/fixtures/gotosocial; `Style::GoToSocial` in
//! tests/it/common/peer.rs): its key id is a separate URL serving a stub actor without inbox, and
//! its actor answers only signed GETs from a signer whose `preferredUsername` is a plain name.
//! It follows a territory on the first try, replies, likes and unfollows — with a port in
//! every public URL. Failed look-ups name the URL and what it answered.

use crate::common;

use common::{TestDb, TestInstance, eventually, fixture, get_html, get_json, localise, peer::Peer, web::Browser};
use maillage::{
    domain::account::Role, federation::protocol::activities::parse_envelope,
    federation::protocol::actor::RemoteActorJson,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[test]
fn gotosocial_fixtures_parse() {
    let person: RemoteActorJson = serde_json::from_str(&fixture("gotosocial/person.json")).expect("person");
    assert_eq!(person.main_key().expect("key").id, "https://gotosocial.example/users/alice/main-key");
    // The key URL serves a stub: not an actor we could deliver to, but it names its owner.
    let stub: Value = serde_json::from_str(&fixture("gotosocial/main_key.json")).expect("stub");
    assert!(serde_json::from_value::<RemoteActorJson>(stub.clone()).is_err(), "no inbox");
    assert_eq!(stub["publicKey"]["owner"], "https://gotosocial.example/users/alice");
    for f in ["follow.json", "undo_follow.json", "like.json", "create_reply.json"] {
        let env = parse_envelope(fixture(&format!("gotosocial/{f}")).as_bytes()).expect(f);
        assert_eq!(env.actor.as_str(), "https://gotosocial.example/users/alice", "{f}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gotosocial_peer_follows_replies_likes_and_unfollows() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let gts = Peer::start_gotosocial().await;
        assert!(m.authority.contains(':') && gts.authority.contains(':'), "ports in both public URLs");
        let group = gts.resolve(&format!("territoire@{}", m.authority)).await.expect("webfinger + fetch");

        // Follow, signed with the key id `…/users/alice/main-key`: accepted on the first try.
        let follow = localise(&fixture("gotosocial/follow.json"), &gts, &m, "");
        assert_eq!(gts.post_signed(group.inbox.as_str(), &follow).await, StatusCode::ACCEPTED, "[{label}]");
        assert!(gts.gets("/users/alice/main-key") >= 1, "[{label}] the key URL was read");
        assert!(gts.gets("/users/alice") >= 1, "[{label}] then its owner, with a signed GET");
        eventually(10, "Accept in GoToSocial's inbox", || async {
            gts.received().iter().any(|a| a["type"] == "Accept")
        })
        .await;
        assert!(gts.refused().is_empty(), "[{label}] {:?}", gts.refused());
        let followers = get_json(&m.url("/t/territoire/followers?page=1")).await;
        assert_eq!(followers["orderedItems"], json!([gts.actor_id().as_str()]), "[{label}]");

        // A practice; GoToSocial replies to it and likes it.
        let (id, practice) =
            common::published_practice(&m, "Marché paysan", "Un marché de producteurs locaux chaque samedi.").await;
        let reply = localise(&fixture("gotosocial/create_reply.json"), &gts, &m, &practice);
        assert_eq!(gts.post_signed(&m.url("/inbox"), &reply).await, StatusCode::ACCEPTED, "[{label}] reply");
        let html = get_html(&m.url(&format!("/pratiques/{id}"))).await;
        assert!(html.contains("le même marché paysan à Guémené-Penfao"), "[{label}] reply shown");
        let like = localise(&fixture("gotosocial/like.json"), &gts, &m, &practice);
        assert_eq!(gts.post_signed(&m.url("/inbox"), &like).await, StatusCode::ACCEPTED, "[{label}] like");
        assert_eq!(m.data.store.reactions(id).await.expect("r").likes, 1, "[{label}]");

        // Unfollow.
        let undo = localise(&fixture("gotosocial/undo_follow.json"), &gts, &m, "");
        assert_eq!(gts.post_signed(group.inbox.as_str(), &undo).await, StatusCode::ACCEPTED, "[{label}] undo");
        assert_eq!(get_json(&m.url("/t/territoire/followers")).await["totalItems"], 0, "[{label}]");
        gts.stop().await;
        m.stop().await;
    }
}

/// Follows from the admin console, the CLI's code path and the log name the URL that failed
/// and what it answered, never the generic WebFinger message nor the remote body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_lookups_name_the_url_and_its_answer() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let gts = Peer::start_gotosocial().await;
    let follow = |h: String| {
        let data = m.data.clone();
        async move { maillage::processing::follows::follow_remote(&data, "territoire", &h).await }
    };
    // GoToSocial's actor requires our signed GET and a plain username for our instance actor.
    let id = follow(format!("alice@{}", gts.authority)).await.expect("follow a GoToSocial account");
    assert_eq!(id, gts.actor_id().as_str());

    let bob = format!("{}users/bob", gts.base);
    let e = follow(format!("bob@{}", gts.authority)).await.expect_err("bob's server fails").to_string();
    assert!(e.contains(&bob) && e.contains("500"), "{e}");
    assert!(!e.contains("SECRET") && !e.contains("did not contain any link"), "{e}");

    let e = follow(format!("nobody@{}", gts.authority)).await.expect_err("unknown").to_string();
    assert!(e.contains("/.well-known/webfinger") && e.contains("404"), "{e}");

    // The admin console shows it beside the field, with a 422.
    m.account("admin@example.org", "correct horse battery", Role::Admin).await;
    let mut b = Browser::new(&m.url(""));
    b.login("admin@example.org", "correct horse battery").await;
    let form = b.get("/admin/following?t=territoire").await;
    let csrf = form.csrf();
    let page = b
        .post("/admin/following?t=territoire", &[("csrf", &csrf), ("handle", &format!("bob@{}", gts.authority))])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&bob) && page.body.contains("500"), "{}", page.body);
    assert!(page.body.contains("aria-invalid=\"true\"") && !page.body.contains("SECRET"));
    gts.stop().await;
    m.stop().await;
}

/// `maillage follow` prints the same cause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_names_the_url_and_its_answer() {
    let gts = Peer::start_gotosocial().await;
    let dir = tempfile::tempdir().expect("tmp");
    let handle = format!("bob@{}", gts.authority);
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .env_remove("MAILLAGE_DATABASE_URL")
        .env("MAILLAGE_PUBLIC_URL", "http://localhost:18499")
        .env("MAILLAGE_ALLOW_PRIVATE_NETWORK", "true")
        .args(["follow", &handle])
        .output()
        .await
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains(&format!("{}users/bob", gts.base)) && stderr.contains("500"), "{stderr}");
    assert!(!stderr.contains("SECRET"), "{stderr}");
    gts.stop().await;
}
