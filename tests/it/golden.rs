//! Golden files of the wire (issue 11): every activity Maillage sends and every object it serves,
//! captured from real instances over loopback — activities as stored for delivery (the exact
//! bytes each inbox is sent) and as the peers' inboxes received them, objects as served over
//! HTTP — normalised (tests/it/common/golden.rs) and compared with tests/fixtures/golden/.
//! `MAILLAGE_BLESS=1 cargo test --test it golden::` rewrites them after a deliberate change.

use crate::common;

use common::{
    TestDb, TestInstance, call, client, eventually, get_json, golden::Golden, mailed_links, path_of, peer::Peer,
    web::Browser,
};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PW: &str = "un mot de passe assez long";

/// The activities stored for delivery after `after` (an `activities.id`), in order; the last id.
async fn sent_since(m: &TestInstance, after: i64) -> (i64, Value) {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, json FROM activities WHERE id > $1 ORDER BY id")
        .bind(after)
        .fetch_all(m.data.store.pool())
        .await
        .expect("activities");
    let last = rows.last().map(|r| r.0).unwrap_or(after);
    // Observatory aggregates go out whenever figures change; observatory_federation.rs tests them.
    let list = rows
        .into_iter()
        .map(|(_, j)| serde_json::from_str::<Value>(&j).expect("stored JSON"))
        .filter(|a| a["object"]["type"] != "cces:Aggregate")
        .collect();
    (last, Value::Array(list))
}

/// Waits until `peer` received `n` activities, and returns those after the first `from`.
async fn received(peer: &Peer, from: usize, n: usize) -> Value {
    eventually(15, &format!("{n} activities at {}", peer.authority), || async { peer.received().len() >= n }).await;
    assert!(peer.refused().is_empty(), "the peer refused: {:?}", peer.refused());
    Value::Array(peer.received()[from..].to_vec())
}

/// What each reader received that `keep` selects, once each has `counts` of them (in the order
/// of `readers`); a reader expected to get none is waited for with the others, then checked.
async fn per_reader(readers: &[(&str, &Peer); 3], counts: [usize; 3], keep: impl Fn(&Value) -> bool) -> Value {
    let mut out = serde_json::Map::new();
    for ((name, peer), n) in readers.iter().zip(counts) {
        let select = || peer.received().into_iter().filter(|a| keep(a)).collect::<Vec<_>>();
        eventually(15, &format!("{n} activities at {name}"), || async { select().len() >= n }).await;
        assert!(peer.refused().is_empty(), "{name} refused: {:?}", peer.refused());
        out.insert(name.to_string(), Value::Array(select()));
    }
    // Deliveries run concurrently: let a stray one arrive before checking there are no more.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for ((name, peer), n) in readers.iter().zip(counts) {
        let got = peer.received().into_iter().filter(|a| keep(a)).count();
        assert_eq!(got, n, "{name} received {got} such activities, not {n}");
    }
    Value::Object(out)
}

async fn follow(peer: &Peer, m: &TestInstance) {
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    let before = peer.received().len();
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    received(peer, before, before + 1).await;
}

async fn moderator(m: &TestInstance) -> Browser {
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    b
}

/// A form posted by a moderator on a practice page; expects the redirection that says done.
async fn act(b: &mut Browser, page: &str, path: &str, form: &[(&str, &str)]) {
    let csrf = b.get(page).await.csrf();
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    let done = b.post(path, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{path}: {}", done.body);
}

async fn get_text(url: &str) -> Value {
    let res = client().get(url).send().await.expect("GET");
    assert!(res.status().is_success(), "GET {url}: {}", res.status());
    res.json().await.expect("json")
}

/// A territory, its practices and its followers: Follow answered (Accept, Reject), the Group
/// updated, a practice published, edited, pinned, unpinned and deleted, each reader (Lemmy,
/// Mastodon, GoToSocial) getting its shapes; and the objects and collections served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_territory_and_practices() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let lemmy = Peer::start_as("lemmy").await;
    let mastodon = Peer::start_as("mastodon").await;
    let gts = Peer::start_as("gotosocial").await;
    let refused = Peer::start().await;
    let g = Golden::default()
        .host(m.base.as_str(), "maillage")
        .host(lemmy.base.as_str(), "lemmy")
        .host(mastodon.base.as_str(), "mastodon")
        .host(gts.base.as_str(), "gotosocial")
        .host(refused.base.as_str(), "refused");
    let modo = m.token(Role::Moderator).await;
    let mut b = moderator(&m).await;

    // Served before anything happens: discovery and the instance's actors.
    let acct = format!("acct:territoire@{}", m.authority);
    g.check("served/webfinger_territory", &get_text(&m.url(&format!("/.well-known/webfinger?resource={acct}"))).await);
    g.check("served/nodeinfo_links", &get_text(&m.url("/.well-known/nodeinfo")).await);
    g.check("served/nodeinfo_2.1", &get_text(&m.url("/nodeinfo/2.1")).await);
    g.check("served/nodeinfo_2.0", &get_text(&m.url("/nodeinfo/2.0")).await);
    g.check("served/host_meta", &get_text(&m.url("/.well-known/host-meta.json")).await);
    g.check("served/instance_application", &get_json(&m.url("/actor")).await);
    g.check("served/instance_outbox", &get_json(&m.url("/actor/outbox")).await);
    g.check("served/editorial_service", &get_json(&m.url("/t/territoire/editorial")).await);

    // Followed: an Accept each, in order.
    for peer in [&lemmy, &mastodon, &gts] {
        follow(peer, &m).await;
    }
    let (mut last, accepts) = sent_since(&m, 0).await;
    g.check("sent/accept_follow", &accepts);
    g.check("served/followers", &get_json(&m.url("/t/territoire/followers")).await);
    g.check("served/followers_page", &get_json(&m.url("/t/territoire/followers?page=1")).await);
    g.check("served/following", &get_json(&m.url("/t/territoire/following")).await);

    // A territory approving its followers rejects one: Reject.
    let manual = maillage::storage::territories::TerritoryUpdate {
        manually_approves_followers: Some(true),
        ..Default::default()
    };
    maillage::processing::territories::update(&m.data, "territoire", manual, "test").await.expect("manual");
    let (l, _) = sent_since(&m, last).await;
    let group = refused.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    refused.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    let who = refused.actor_id().to_string();
    eventually(10, "the pending follower rejected", || async {
        maillage::processing::follows::decide_follower(&m.data, "territoire", &who, false).await.is_ok()
    })
    .await;
    let (l, reject) = sent_since(&m, l).await;
    g.check("sent/reject_follow", &reject);
    g.check("received/reject_follow", &received(&refused, 0, 1).await);

    // The Group renamed: Update, and the Group as served.
    let rename =
        maillage::storage::territories::TerritoryUpdate { name: Some("Pays de Redon".into()), ..Default::default() };
    maillage::processing::territories::update(&m.data, "territoire", rename, "test").await.expect("rename");
    let (l, update) = sent_since(&m, l).await;
    last = l;
    g.check("sent/update_group", &update);
    g.check("served/territory_group", &get_json(&m.territory()).await);

    // A practice published: what is stored, and what each reader got.
    let body = json!({"title": "Épicerie en circuit court", "summary": "Douze fermes, une épicerie.",
        "body": "Les **circuits courts** rapprochent producteurs et habitants.", "domains": ["alimentation"],
        "dimensions": [{"dimension": "economique", "text": "Prix justes",
            "indicators": [{"name": "Part du prix au producteur", "value": 72.5, "unit": "%", "period": "2025"}]}],
        "tags": ["circuit court", "économie sociale"], "commune": "Redon"});
    let (s, created) = call(Method::POST, m.url("/api/v1/practices"), Some(&modo), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;
    let (l, create) = sent_since(&m, last).await;
    last = l;
    g.check("sent/practice_create", &create);
    let ap_id = call(Method::GET, m.url(&format!("/api/v1/practices/{id}")), None, None).await.1["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    let readers = [("lemmy", &lemmy), ("mastodon", &mastodon), ("gotosocial", &gts)];
    let is_create =
        |a: &Value| a["type"] == "Announce" && (a["object"] == ap_id.as_str() || a["object"]["type"] == "Create");
    g.check("received/practice_create", &per_reader(&readers, [1, 1, 1], is_create).await);
    g.check("served/practice_article", &get_json(&ap_id).await);
    g.check("served/practice_microblog", &gts.fetch_json(&ap_id).await.expect("signed fetch"));
    g.check("served/practice_replies", &get_json(&format!("{ap_id}/replies")).await);
    g.check("served/outbox", &get_json(&m.url("/t/territoire/outbox")).await);
    g.check("served/outbox_page", &get_json(&m.url("/t/territoire/outbox?page=1")).await);

    // Edited.
    let patch = json!({"title": "Épicerie solidaire"});
    call(Method::PATCH, m.url(&format!("/api/v1/practices/{id}")), Some(&modo), Some(patch)).await;
    let (l, update) = sent_since(&m, last).await;
    g.check("sent/practice_update", &update);
    let is_update = |a: &Value| {
        (a["type"] == "Update" && a["object"]["id"] == ap_id.as_str())
            || (a["object"]["type"] == "Update" && a["object"]["object"]["id"] == ap_id.as_str())
    };
    g.check("received/practice_update", &per_reader(&readers, [1, 1, 1], is_update).await);

    // Pinned then unpinned: Add, then Remove and Delete, to the microblogs only.
    let page = format!("/pratiques/{id}");
    act(&mut b, &page, &format!("/pratiques/{id}/statut"), &[("action", "pin")]).await;
    let (l, pin) = sent_since(&m, l).await;
    g.check("sent/pin_add", &pin);
    let featured = get_json(&m.url("/t/territoire/featured")).await;
    g.check("served/featured", &featured);
    let pin_id = featured["orderedItems"][0]["id"].as_str().expect("pin id").to_string();
    g.check("served/pin_note", &get_json(&pin_id).await);
    act(&mut b, &page, &format!("/pratiques/{id}/statut"), &[("action", "unpin")]).await;
    let (l, unpin) = sent_since(&m, l).await;
    g.check("sent/pin_remove", &unpin);
    let is_pin =
        |a: &Value| matches!(a["type"].as_str(), Some("Add" | "Remove")) || a["object"]["id"] == pin_id.as_str();
    g.check("received/pin", &per_reader(&readers, [0, 3, 3], is_pin).await);

    // Deleted: Delete by the author, announced to group readers.
    call(Method::DELETE, m.url(&format!("/api/v1/practices/{id}")), Some(&modo), None).await;
    let (_, delete) = sent_since(&m, l).await;
    g.check("sent/practice_delete", &delete);
    let is_delete =
        |a: &Value| (a["type"] == "Delete" && a["object"]["id"] == ap_id.as_str()) || a["object"]["type"] == "Delete";
    g.check("received/practice_delete", &per_reader(&readers, [1, 1, 1], is_delete).await);

    for p in [lemmy, mastodon, gts, refused] {
        p.stop().await;
    }
    m.stop().await;
}

/// The local id of the practice `ap_id` on `m`, once it arrived.
async fn local_id(m: &TestInstance, ap_id: &str) -> i64 {
    for _ in 0..100 {
        let (_, list) = call(Method::GET, m.url("/api/v1/practices"), None, None).await;
        let found = list.as_array().and_then(|a| a.iter().find(|p| p["ap_id"] == ap_id)).and_then(|p| p["id"].as_i64());
        if let Some(id) = found {
            return id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{ap_id} never reached {}", m.authority)
}

/// Waits for `m` to store activities after `after`, and returns them with the last id.
async fn sent_eventually(m: &TestInstance, after: i64, n: usize) -> (i64, Value) {
    eventually(10, &format!("{n} activities sent by {}", m.authority), || async {
        sent_since(m, after).await.1.as_array().is_some_and(|a| a.len() >= n)
    })
    .await;
    sent_since(m, after).await
}

/// Between two Maillage territories: Follow and Undo of it, a comment (`Create` of a `Note`),
/// its `Announce` by the practice's territory and the `Undo` when hidden, an adoption
/// (`Announce` with a note) and its replacement; the comment and the replies as served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_conversations_between_territories() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::sqlite().await).await;
    let g = Golden::default().host(a.base.as_str(), "a").host(b.base.as_str(), "b");
    let handle = format!("territoire@{}", a.authority);
    maillage::processing::follows::follow_remote(&b.data, "territoire", &handle).await.expect("follow");
    let (b_last, follow) = sent_since(&b, 0).await;
    g.check("sent/follow", &follow);
    eventually(10, "B follows A", || async { get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 1 })
        .await;

    let token = a.token(Role::Moderator).await;
    let body = json!({"title": "Jardin partagé", "summary": "Quarante parcelles au pied des immeubles.",
        "body": "Un jardin **partagé**.", "domains": ["alimentation"], "tags": ["jardin"], "commune": "Redon"});
    let (_, created) = call(Method::POST, a.url("/api/v1/practices"), Some(&token), Some(body)).await;
    let id = maillage::domain::ids::PracticeId(created["id"].as_i64().expect("id"));
    call(Method::POST, a.url(&format!("/api/v1/practices/{id}/publish")), Some(&token), None).await;
    let ap_id = call(Method::GET, a.url(&format!("/api/v1/practices/{id}")), None, None).await.1["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    let on_b = local_id(&b, &ap_id).await;
    let (a_last, _) = sent_since(&a, 0).await;

    // B comments: its Create(Note); A announces it to its followers.
    let mut b_modo = moderator(&b).await;
    let page = format!("/pratiques/{on_b}");
    let text = "Nous faisons pareil à **Redon**.";
    act(&mut b_modo, &page, &format!("/pratiques/{on_b}/commenter"), &[("text", text)]).await;
    let (b_last, comment) = sent_since(&b, b_last).await;
    g.check("sent/comment_create", &comment);
    let note_id = comment[0]["object"]["id"].as_str().expect("note id").to_string();
    g.check("served/comment_note", &get_json(&note_id).await);
    let (a_last, announce) = sent_eventually(&a, a_last, 1).await;
    g.check("sent/comment_announce", &announce);
    g.check("served/replies_with_comment", &get_json(&format!("{ap_id}/replies")).await);

    // A hides it: Undo of its Announce.
    let mut a_modo = moderator(&a).await;
    let comment_id = a.data.store.comments(id, false).await.expect("comments").first().map(|c| c.id).expect("one");
    let path = format!("/pratiques/{id}/commentaires/{comment_id}");
    act(&mut a_modo, &format!("/pratiques/{id}"), &path, &[("hidden", "true")]).await;
    g.check("sent/comment_hide", &sent_since(&a, a_last).await.1);

    // B adopts it, then says it again otherwise: Announce, then Undo and a new Announce.
    let adopt = format!("/pratiques/{on_b}/adopter");
    act(&mut b_modo, &page, &adopt, &[("note", "Adaptée à nos marchés du samedi.")]).await;
    let (b_last, adoption) = sent_since(&b, b_last).await;
    g.check("sent/adoption_announce", &adoption);
    act(&mut b_modo, &page, &adopt, &[("note", "Adaptée aux marchés du mercredi.")]).await;
    let (b_last, again) = sent_since(&b, b_last).await;
    g.check("sent/adoption_replace", &again);

    // B stops following A: Undo(Follow).
    maillage::processing::follows::unfollow_remote(&b.data, "territoire", &handle).await.expect("unfollow");
    g.check("sent/undo_follow", &sent_since(&b, b_last).await.1);
    a.stop().await;
    b.stop().await;
}

fn charter_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/charte-cces.md");
    std::fs::read_to_string(path).expect("the CCES charter in ../shared/seed/charte-cces.md")
}

/// The charter as a `Document`. A signatory: its welcome `Note` (`Create`), its actor, the territory's members, its
/// WebFinger, its `Accept` of a follower, and on withdrawal the `Delete`s of the Note and of
/// the actor, then the Tombstones served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_signatories() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let peer = Peer::start().await;
    let g = Golden::default().host(m.base.as_str(), "maillage").host(peer.base.as_str(), "peer");
    let modo = m.token(Role::Moderator).await;
    maillage::processing::signatures::import_charter(&m.data, "territoire", &charter_text(), "2024", "test")
        .await
        .expect("charter");
    g.check("served/charter_document", &get_json(&m.url("/t/territoire/charte/2024")).await);
    follow(&peer, &m).await;
    let (last, _) = sent_since(&m, 0).await;

    let sig = json!({"kind": "structure", "name": "Coopérative Énergie Vilaine", "legal_form": "cooperative",
        "domains": ["energie"], "commune": "Redon", "website": "https://energie-vilaine.example",
        "representative_name": "Dominique Privé", "email": "contact@energie-vilaine.example",
        "postal_address": "1 rue du Port, 35600 Redon", "charter_version": "2024", "consent": true});
    let res = client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("sign");
    assert_eq!(res.status(), StatusCode::CREATED);
    let links = mailed_links(&m);
    let confirm = links.iter().find(|l| l.contains("/signature/confirm")).expect("confirm");
    client().get(confirm).send().await.expect("confirm");
    let id: i64 = sqlx::query_scalar("SELECT id FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    let approve = client().post(m.url(&format!("/api/v1/signatures/{id}/approve"))).bearer_auth(&modo);
    assert_eq!(approve.send().await.expect("approve").status(), StatusCode::NO_CONTENT);
    let (last, welcome) = sent_eventually(&m, last, 1).await;
    g.check("sent/welcome_note_create", &welcome);
    g.check("received/welcome_note_create", &received(&peer, 1, 2).await);
    let note_id = welcome[0]["object"]["id"].as_str().expect("note id").to_string();
    g.check("served/welcome_note", &get_json(&note_id).await);

    let actor_id = m.url(&format!("/s/{id}"));
    g.check("served/signatory_actor", &get_json(&actor_id).await);
    g.check("served/members", &get_json(&m.url("/t/territoire/members")).await);
    g.check("served/members_page", &get_json(&m.url("/t/territoire/members?page=1")).await);
    let acct = format!("acct:s{id}@{}", m.authority);
    g.check("served/webfinger_signatory", &get_text(&m.url(&format!("/.well-known/webfinger?resource={acct}"))).await);
    for name in ["outbox", "followers", "following"] {
        g.check(&format!("served/signatory_{name}"), &get_json(&format!("{actor_id}/{name}")).await);
    }

    // Followed, it answers itself.
    let actor = peer.resolve(&format!("s{id}@{}", m.authority)).await.expect("resolve");
    peer.send(&actor.inbox, "Follow", json!(actor.id)).await.expect("follow");
    let (last, accept) = sent_eventually(&m, last, 1).await;
    g.check("sent/accept_follow_signatory", &accept);

    // Withdrawn: the Note and the actor deleted.
    let manage = links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage").clone();
    let mut b = Browser::new(&m.url(""));
    let csrf = b.get(&path_of(&m, &manage)).await.csrf();
    let token = manage.split("token=").nth(1).expect("token").to_string();
    let done = b.post("/signature/manage/withdraw", &[("csrf", &csrf), ("token", &token), ("confirm", "true")]).await;
    assert_eq!(done.status, StatusCode::OK);
    g.check("sent/withdrawal_deletes", &sent_eventually(&m, last, 1).await.1);
    g.check("served/welcome_note_tombstone", &get_gone(&note_id).await);
    g.check("served/signatory_tombstone", &get_gone(&actor_id).await);
    peer.stop().await;
    m.stop().await;
}

/// What a deleted object's id answers: 410 Gone with a Tombstone.
async fn get_gone(url: &str) -> Value {
    let res = client().get(url).header("Accept", "application/activity+json").send().await.expect("GET");
    assert_eq!(res.status(), StatusCode::GONE, "GET {url}");
    res.json().await.expect("json")
}

/// A shared action (issue 12) published, cancelled and deleted: what is stored for delivery,
/// what each reader gets (Lemmy the territory's Announce of the author's activity, Mastodon the
/// Announce of the id then the author's activities, Gancio the territory's own Create, Update,
/// Delete), and the Event as served at its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_actions() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let lemmy = Peer::start_as("lemmy").await;
    let mastodon = Peer::start_as("mastodon").await;
    let gancio = Peer::start_as("gancio").await;
    let g = Golden::default()
        .host(m.base.as_str(), "maillage")
        .host(lemmy.base.as_str(), "lemmy")
        .host(mastodon.base.as_str(), "mastodon")
        .host(gancio.base.as_str(), "gancio");
    let modo = m.token(Role::Moderator).await;
    for peer in [&lemmy, &mastodon, &gancio] {
        follow(peer, &m).await;
    }
    let (last, _) = sent_since(&m, 0).await;
    let body = json!({"title": "Marché des producteurs", "summary": "Douze fermes vendent en direct.",
        "description": "**Programme** : ouverture à 10 h.", "start": "2030-03-14T10:00", "end": "2030-03-14T17:00",
        "timezone": "Europe/Paris", "place_name": "Halle de Redon", "address": "Place du Marché",
        "postal_code": "35600", "commune": "Redon", "latitude": 47.65, "longitude": -2.08, "capacity": 200,
        "domains": ["alimentation"], "dimensions": ["economique"], "tags": ["circuit court"]});
    let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
    let (last, create) = sent_since(&m, last).await;
    g.check("sent/action_create", &create);
    let ap_id = m.url(&format!("/t/territoire/actions/{id}"));
    let readers = [("lemmy", &lemmy), ("mastodon", &mastodon), ("gancio", &gancio)];
    let is_create = |a: &Value| {
        (a["type"] == "Announce" && (a["object"] == ap_id.as_str() || a["object"]["type"] == "Create"))
            || (a["type"] == "Create" && a["object"]["id"] == ap_id.as_str())
    };
    g.check("received/action_create", &per_reader(&readers, [1, 1, 1], is_create).await);
    g.check("served/action_event", &get_json(&ap_id).await);

    call(Method::POST, m.url(&format!("/api/v1/actions/{id}/cancel")), Some(&modo), None).await;
    let (last, cancel) = sent_since(&m, last).await;
    g.check("sent/action_cancel", &cancel);
    let is_update = |a: &Value| {
        (a["type"] == "Update" && a["object"]["id"] == ap_id.as_str())
            || (a["object"]["type"] == "Update" && a["object"]["object"]["id"] == ap_id.as_str())
    };
    g.check("received/action_cancel", &per_reader(&readers, [1, 1, 1], is_update).await);

    call(Method::DELETE, m.url(&format!("/api/v1/actions/{id}")), Some(&modo), None).await;
    let (_, delete) = sent_since(&m, last).await;
    g.check("sent/action_delete", &delete);
    let is_delete =
        |a: &Value| (a["type"] == "Delete" && a["object"]["id"] == ap_id.as_str()) || a["object"]["type"] == "Delete";
    g.check("received/action_delete", &per_reader(&readers, [1, 1, 1], is_delete).await);
    for p in [lemmy, mastodon, gancio] {
        p.stop().await;
    }
    m.stop().await;
}

/// Announcements (issue 12) published with an image, edited and deleted: what is stored for
/// delivery, what each reader gets (Lemmy the territory's Announce of the author's activity on a
/// titled `Page`, Mastodon the Announce of the id then the author's activities, another Maillage
/// the Announce of the author's activity on the `Note`), the `Note` served at its id and its
/// `Tombstone` once deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_announcements() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let lemmy = Peer::start_as("lemmy").await;
    let mastodon = Peer::start_as("mastodon").await;
    let other = Peer::start_as("maillage").await;
    let g = Golden::default()
        .host(m.base.as_str(), "maillage")
        .host(lemmy.base.as_str(), "lemmy")
        .host(mastodon.base.as_str(), "mastodon")
        .host(other.base.as_str(), "other-maillage");
    let modo = m.token(Role::Moderator).await;
    for peer in [&lemmy, &mastodon, &other] {
        follow(peer, &m).await;
    }
    let (last, _) = sent_since(&m, 0).await;
    use base64::Engine;
    let image = base64::engine::general_purpose::STANDARD.encode(common::web::PNG);
    let body = json!({"title": "Marché de producteurs", "text": "Samedi, **marché** place de la mairie.",
        "link": "https://example.org/marche", "tags": ["circuit court"], "image_base64": image,
        "image_alt": "Des étals de légumes"});
    let (s, created) = call(Method::POST, m.url("/api/v1/announcements"), Some(&modo), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let ap_id = created["ap_id"].as_str().expect("ap_id").to_string();
    let (last, create) = sent_since(&m, last).await;
    g.check("sent/announcement_create", &create);
    let readers = [("lemmy", &lemmy), ("mastodon", &mastodon), ("maillage", &other)];
    let is_create = |a: &Value| {
        a["type"] == "Announce" && (a["object"] == ap_id.as_str() || a["object"]["object"]["id"] == ap_id.as_str())
    };
    g.check("received/announcement_create", &per_reader(&readers, [1, 1, 1], is_create).await);
    g.check("served/announcement_note", &get_json(&ap_id).await);

    let patch = json!({"text": "Samedi **et dimanche**, marché."});
    call(Method::PATCH, m.url(&format!("/api/v1/announcements/{id}")), Some(&modo), Some(patch)).await;
    let (last, update) = sent_since(&m, last).await;
    g.check("sent/announcement_update", &update);
    let is_update = |a: &Value| {
        (a["type"] == "Update" && a["object"]["id"] == ap_id.as_str())
            || (a["object"]["type"] == "Update" && a["object"]["object"]["id"] == ap_id.as_str())
    };
    g.check("received/announcement_update", &per_reader(&readers, [1, 1, 1], is_update).await);

    call(Method::DELETE, m.url(&format!("/api/v1/announcements/{id}")), Some(&modo), None).await;
    let (_, delete) = sent_since(&m, last).await;
    g.check("sent/announcement_delete", &delete);
    let is_delete =
        |a: &Value| (a["type"] == "Delete" && a["object"]["id"] == ap_id.as_str()) || a["object"]["type"] == "Delete";
    g.check("received/announcement_delete", &per_reader(&readers, [1, 1, 1], is_delete).await);
    g.check("served/announcement_tombstone", &get_gone(&ap_id).await);
    for p in [lemmy, mastodon, other] {
        p.stop().await;
    }
    m.stop().await;
}
