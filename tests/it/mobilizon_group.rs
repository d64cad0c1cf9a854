//! A territory seen from Mobilizon (issue 12, points 2 and 9; interop notes "Announcements,
//! posts and what each program shows"), on SQLite and PostgreSQL. A Mobilizon-shaped follower
//! (NodeInfo `mobilizon`) refreshes the group by reading `outbox`, `members`, `resources`,
//! `posts`, `todos`, `discussions`, `events` in that order and stops at the first it cannot
//! read: all are there. An announcement reaches it as the territory's `Announce` of its id;
//! fetched (signed) it is the group post Mobilizon's converter takes: an `Article` with
//! `actor` (its author) and `attributedTo` (the group), `name` and `content`; it is in `posts`,
//! and its edit comes as an `Update` of that `Article` from its author. Others still get the
//! `Note`.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_json, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn follow(peer: &Peer, m: &TestInstance) {
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    eventually(10, "Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;
}

/// What Mobilizon's refresher accepts of a collection: `orderedItems` (or `items`, or a
/// `first` page) in an `OrderedCollection`.
fn items(c: &Value) -> Option<&Vec<Value>> {
    if c["type"] != "OrderedCollection" && c["type"] != "OrderedCollectionPage" {
        return None;
    }
    c["orderedItems"].as_array().or_else(|| c["items"].as_array())
}

/// What Mobilizon's post converter requires (`as_to_model_data` for `Article`).
fn is_group_post(o: &Value, group: &str) -> bool {
    o["type"] == "Article"
        && o["actor"].is_string()
        && o["attributedTo"] == group
        && o["name"].as_str().is_some_and(|n| !n.is_empty())
        && o["content"].as_str().is_some_and(|c| !c.is_empty())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mobilizon_reads_the_group_and_shows_announcements_as_group_posts() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        let mobilizon = Peer::start_as("mobilizon").await;
        follow(&mobilizon, &m).await;
        let group_id = m.territory();

        let body = json!({"title": "Marché de producteurs", "text": "Samedi, **marché** place de la mairie.",
            "tags": ["circuit court"]});
        let (s, created) = call(Method::POST, m.url("/api/v1/announcements"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "[{label}] {created}");
        let id = created["id"].as_i64().expect("id");
        let ap_id = created["ap_id"].as_str().expect("ap_id").to_string();
        let action = json!({"title": "Troc de plants", "start": "2030-04-18T14:00", "end": "2030-04-18T17:00",
            "timezone": "Europe/Paris", "place_name": "Jardin partagé", "commune": "Redon"});
        let (s, a) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(action)).await;
        assert_eq!(s, StatusCode::CREATED, "[{label}] {a}");
        let action_id = a["id"].as_i64().expect("id");
        call(Method::POST, m.url(&format!("/api/v1/actions/{action_id}/publish")), Some(&modo), None).await;

        // The refresh, in Mobilizon's order: every collection is there and readable.
        let group = mobilizon.fetch_json(&group_id).await.expect("the group");
        let mut read = vec![];
        for name in ["outbox", "members", "resources", "posts", "todos", "discussions", "events"] {
            let url = group[name].as_str().unwrap_or_else(|| panic!("[{label}] the group names no {name}: {group}"));
            let c = mobilizon.fetch_json(url).await.unwrap_or_else(|e| panic!("[{label}] {name}: {e}"));
            let list = match items(&c) {
                Some(l) => l.clone(),
                // A collection whose pages are behind `first` (the outbox of an empty territory).
                None if c["first"].is_string() => vec![],
                None => panic!("[{label}] {name} is no collection Mobilizon reads: {c}"),
            };
            read.push((name, list));
        }
        let posts = &read[3].1;
        assert_eq!(posts.len(), 1, "[{label}] {posts:?}");
        assert!(is_group_post(&posts[0], &group_id), "[{label}] {}", posts[0]);
        assert_eq!(posts[0]["id"], ap_id.as_str());
        let events = &read[6].1;
        assert_eq!(events.len(), 1, "[{label}] {events:?}");
        assert_eq!((events[0]["type"].as_str(), events[0]["name"].as_str()), (Some("Event"), Some("Troc de plants")));
        for empty in [2, 4, 5] {
            assert!(read[empty].1.is_empty(), "[{label}] {}", read[empty].0);
        }

        // The announcement: the Announce of its id, then the group post Mobilizon fetches.
        eventually(10, "the Announce", || async {
            mobilizon.received().iter().any(|x| x["type"] == "Announce" && x["object"] == ap_id.as_str())
        })
        .await;
        let post = mobilizon.fetch_json(&ap_id).await.expect("fetch");
        assert!(is_group_post(&post, &group_id), "[{label}] {post}");
        assert_eq!(post["name"], "Marché de producteurs");
        let content = post["content"].as_str().expect("content");
        assert!(content.contains("<strong>marché</strong>") && !content.contains("Marché de producteurs"), "{content}");
        // Its author is an actor Mobilizon can fetch; the group is a `Group`.
        let author = mobilizon.fetch_json(post["actor"].as_str().expect("actor")).await.expect("author");
        assert_eq!(author["type"], "Service", "[{label}]");
        assert_eq!(mobilizon.fetch_json(&group_id).await.expect("group")["type"], "Group");
        // Anyone else still gets the `Note` at the same id.
        let note = get_json(&ap_id).await;
        assert_eq!((note["type"].as_str(), note["attributedTo"].as_str()), (Some("Note"), post["actor"].as_str()));

        // The edit: an Update of the group post, from its author (no Update of a Note, which
        // Mobilizon would take for a comment's).
        let (s, _) = call(
            Method::PATCH,
            m.url(&format!("/api/v1/announcements/{id}")),
            Some(&modo),
            Some(json!({"text": "Samedi **et dimanche**, marché."})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        eventually(10, "the Update", || async {
            mobilizon.received().iter().any(|x| x["type"] == "Update" && x["object"]["id"] == ap_id.as_str())
        })
        .await;
        let updates: Vec<Value> = mobilizon
            .received()
            .into_iter()
            .filter(|x| x["type"] == "Update" && x["object"]["id"] == ap_id.as_str())
            .collect();
        assert_eq!(updates.len(), 1, "[{label}] one shape: {updates:?}");
        assert!(is_group_post(&updates[0]["object"], &group_id), "[{label}] {}", updates[0]);
        assert_eq!(updates[0]["actor"], updates[0]["object"]["actor"], "[{label}] from its author");
        assert!(updates[0]["object"]["content"].as_str().unwrap_or_default().contains("et dimanche"));
        assert!(mobilizon.refused().is_empty(), "{:?}", mobilizon.refused());

        // Deleted: the Delete from its author, and the post leaves `posts`.
        let (s, _) = call(Method::DELETE, m.url(&format!("/api/v1/announcements/{id}")), Some(&modo), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        eventually(10, "the Delete", || async {
            mobilizon.received().iter().any(|x| x["type"] == "Delete" && x["object"]["id"] == ap_id.as_str())
        })
        .await;
        let posts = mobilizon.fetch_json(group["posts"].as_str().expect("posts")).await.expect("posts");
        assert_eq!(items(&posts).map(Vec::len), Some(0), "[{label}] {posts}");
        mobilizon.stop().await;
        m.stop().await;
    }
}
