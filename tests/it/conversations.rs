//! Practices across three territories, over real HTTP with signatures checked: B and C follow
//! A; A publishes, updates and deletes; B finds it by a French word form; C comments (the
//! comment shows on A and reaches B through A's Announce); A hides it; B adopts it and A shows
//! "adoptée par 1 territoire"; a Mastodon-style follower receives the Article.

use crate::common;

use common::{TestDb, TestInstance, call, client, eventually, get_html, peer::Peer, web::Browser};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PW: &str = "un mot de passe solide";

async fn follow(from: &TestInstance, to: &TestInstance) {
    maillage::processing::follows::follow_remote(&from.data, "territoire", &format!("territoire@{}", to.authority))
        .await
        .expect("follow");
}

/// The local id of the practice `ap_id` on instance `m`, once it is there.
async fn local_id(m: &TestInstance, q: &str, ap_id: &str) -> maillage::domain::ids::PracticeId {
    let mut found = None;
    for _ in 0..100 {
        let (_, list) = call(Method::GET, m.url(&format!("/api/v1/practices?q={q}")), None, None).await;
        found = list
            .as_array()
            .and_then(|a| a.iter().find(|p| p["ap_id"] == ap_id))
            .and_then(|p| p["id"].as_i64())
            .map(maillage::domain::ids::PracticeId);
        if found.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    found.unwrap_or_else(|| panic!("{ap_id} never reached {}", m.authority))
}

async fn page(m: &TestInstance, path: &str) -> String {
    get_html(&m.url(path)).await
}

async fn moderator(m: &TestInstance) -> Browser {
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_territories_exchange_discuss_and_adopt_a_practice() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let c = TestInstance::start(TestDb::sqlite().await).await;
    follow(&b, &a).await;
    follow(&c, &a).await;
    // A Mastodon-style account follows A too.
    let mastodon = Peer::start().await;
    let group = mastodon.resolve(&format!("territoire@{}", a.authority)).await.expect("resolve");
    mastodon.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    eventually(10, "three followers on A", || async {
        common::get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 3
    })
    .await;

    // A publishes.
    let token = a.token(Role::Moderator).await;
    let practice = json!({
        "title": "Épicerie en circuit court",
        "summary": "Une épicerie associative vend les produits de douze fermes à moins de 30 km.",
        "body": "Chaque producteur livre le mardi ; le circuit court réduit les transports.",
        "domains": ["alimentation"],
        "dimensions": [{"dimension": "economique", "text": "Prix justes",
            "indicators": [{"name": "Part du prix au producteur", "value": 72.5, "unit": "%", "period": "2025"}]}],
        "tags": ["circuitcourt"]
    });
    let (s, created) = call(Method::POST, a.url("/api/v1/practices"), Some(&token), Some(practice)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = maillage::domain::ids::PracticeId(created["id"].as_i64().expect("id"));
    call(Method::POST, a.url(&format!("/api/v1/practices/{id}/publish")), Some(&token), None).await;
    let ap_id = call(Method::GET, a.url(&format!("/api/v1/practices/{id}")), None, None).await.1["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();

    // B and C have it; B's search finds it from another word form ("circuits", "producteurs").
    let on_b = local_id(&b, "circuits", &ap_id).await;
    let on_c = local_id(&c, "producteurs", &ap_id).await;
    let b_page = page(&b, "/pratiques?q=circuits").await;
    assert!(b_page.contains("Épicerie en circuit court") && b_page.contains(&format!("/pratiques/{on_b}")), "{b_page}");
    let b_practice = page(&b, &format!("/pratiques/{on_b}")).await;
    assert!(b_practice.contains("Part du prix au producteur") && b_practice.contains("72,5"), "indicators shown");
    assert!(b_practice.contains(&format!("href=\"{ap_id}\"")), "a remote practice links to its origin");

    // The Mastodon-style follower (no NodeInfo: it gets both shapes, as Lemmy sends them) got
    // the territory's Announce of the editorial actor's Create(Article): title, summary, link.
    eventually(10, "Announce(Create(Article)) at the Mastodon stand-in", || async {
        mastodon.received().iter().any(|x| x["type"] == "Announce" && x["object"]["object"]["type"] == "Article")
    })
    .await;
    let announce = mastodon
        .received()
        .into_iter()
        .find(|x| x["type"] == "Announce" && x["object"]["type"] == "Create")
        .expect("announce");
    let create = &announce["object"];
    assert_eq!(create["object"]["name"], "Épicerie en circuit court");
    assert_eq!(create["object"]["url"], ap_id.as_str());
    assert!(create["object"]["summary"].as_str().is_some_and(|s| s.starts_with("Une épicerie")));
    // The Article at its id, for ActivityPub clients; the page for browsers.
    let article = client().get(&ap_id).header("Accept", "application/activity+json").send().await.expect("get");
    assert_eq!(article.status(), StatusCode::OK);
    let article: Value = article.json().await.expect("json");
    assert_eq!(
        (article["type"].as_str(), article["audience"].as_str()),
        (Some("Article"), Some(a.territory().as_str()))
    );

    // An update reaches B and C.
    call(
        Method::PATCH,
        a.url(&format!("/api/v1/practices/{id}")),
        Some(&token),
        Some(json!({"title": "Épicerie solidaire en circuit court"})),
    )
    .await;
    for m in [&b, &c] {
        eventually(10, "update on the followers", || async {
            call(Method::GET, m.url("/api/v1/practices?q=circuit"), None, None).await.1[0]["title"]
                == "Épicerie solidaire en circuit court"
        })
        .await;
    }

    // C comments (its moderator, through the page): A shows it, and A's Announce brings it to B.
    let mut c_modo = moderator(&c).await;
    let csrf = c_modo.get(&format!("/pratiques/{on_c}")).await.csrf();
    let posted = c_modo
        .post(
            &format!("/pratiques/{on_c}/commenter"),
            &[("csrf", &csrf), ("text", "Nous faisons pareil à **Redon** <script>alert(1)</script>")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let c_handle = format!("territoire@{}", c.authority);
    eventually(10, "C's comment on A", || async {
        let p = page(&a, &format!("/pratiques/{id}")).await;
        p.contains("Nous faisons pareil à <strong>Redon</strong>") && p.contains(&c_handle)
    })
    .await;
    let a_page = page(&a, &format!("/pratiques/{id}")).await;
    assert!(!a_page.contains("<script>alert(1)"), "the comment is sanitised");
    eventually(10, "C's comment announced to B", || async {
        page(&b, &format!("/pratiques/{on_b}")).await.contains("Nous faisons pareil à <strong>Redon</strong>")
    })
    .await;
    eventually(10, "the Mastodon stand-in got the Announce of the comment", || async {
        mastodon
            .received()
            .iter()
            .any(|x| x["type"] == "Announce" && x["object"].as_str().is_some_and(|o| o.contains("/notes/")))
    })
    .await;

    // B adopts it: A shows "adoptée par 1 territoire" with a link to B.
    let mut b_modo = moderator(&b).await;
    let csrf = b_modo.get(&format!("/pratiques/{on_b}")).await.csrf();
    let adopted = b_modo
        .post(
            &format!("/pratiques/{on_b}/adopter"),
            &[("csrf", &csrf), ("note", "Adaptée à nos marchés de producteurs du samedi.")],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    eventually(10, "the adoption shows on A", || async {
        let p = page(&a, &format!("/pratiques/{id}")).await;
        p.contains("adoptée par 1 territoire") && p.contains("Adaptée à nos marchés")
    })
    .await;
    assert!(page(&a, &format!("/pratiques/{id}")).await.contains(&format!("href=\"{}\"", b.territory())));
    assert!(page(&a, "/pratiques").await.contains("adoptée par 1 territoire"), "the catalogue shows it too");

    // A likes counted.
    mastodon.send(&group.inbox, "Like", json!(ap_id)).await.expect("like");
    assert!(page(&a, &format!("/pratiques/{id}")).await.contains("1 mention « j&#39;aime »"), "one Like counted");

    // A's moderator hides C's comment: it leaves A's public page, and B (Undo(Announce)).
    let mut a_modo = moderator(&a).await;
    let comment_id =
        a.data.store.comments(id, false).await.expect("comments").first().map(|c| c.id).expect("a comment");
    let csrf = a_modo.get(&format!("/pratiques/{id}")).await.csrf();
    let hidden = a_modo
        .post(&format!("/pratiques/{id}/commentaires/{comment_id}"), &[("csrf", &csrf), ("hidden", "true")])
        .await;
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    assert!(!page(&a, &format!("/pratiques/{id}")).await.contains("Nous faisons pareil"), "hidden on A");
    eventually(10, "the hide reaches B", || async {
        !page(&b, &format!("/pratiques/{on_b}")).await.contains("Nous faisons pareil")
    })
    .await;

    // B's instance hosts a second territory: its moderators choose in whose name they adopt.
    maillage::processing::territories::create(&b.data.store, "pays-vannes", "Pays de Vannes", "Un autre territoire.")
        .await
        .expect("second territory");
    let b_page = b_modo.get(&format!("/pratiques/{on_b}")).await;
    assert!(b_page.body.contains("<option value=\"pays-vannes\">Pays de Vannes</option>"), "a territory to choose");
    let adopted = b_modo
        .post(
            &format!("/pratiques/{on_b}/adopter"),
            &[("csrf", &b_page.csrf()), ("t", "pays-vannes"), ("note", "Pour nos cantines.")],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER, "{}", adopted.body);
    eventually(10, "two adoptions on A", || async {
        page(&a, &format!("/pratiques/{id}")).await.contains("adoptée par 2 territoires")
    })
    .await;

    // Withdrawn one after the other (Undo): A counts one, then none.
    for (t, expected) in [("territoire", "adoptée par 1 territoire"), ("pays-vannes", "Pas encore adoptée")] {
        let csrf = b_modo.get(&format!("/pratiques/{on_b}")).await.csrf();
        b_modo.post(&format!("/pratiques/{on_b}/abandonner"), &[("csrf", &csrf), ("t", t)]).await;
        eventually(10, "the withdrawal reaches A", || async {
            page(&a, &format!("/pratiques/{id}")).await.contains(expected)
        })
        .await;
    }

    // C hides its own second comment: a Delete to A, which tells B (Undo of its Announce).
    let csrf = c_modo.get(&format!("/pratiques/{on_c}")).await.csrf();
    c_modo
        .post(&format!("/pratiques/{on_c}/commenter"), &[("csrf", &csrf), ("text", "Un second avis, à retirer.")])
        .await;
    for (m, path) in [(&a, format!("/pratiques/{id}")), (&b, format!("/pratiques/{on_b}"))] {
        eventually(10, "the second comment arrives", || async { page(m, &path).await.contains("Un second avis") })
            .await;
    }
    let second = c.data.store.comments(on_c, false).await.expect("comments");
    let second = second.iter().find(|x| x.content_html.contains("second avis")).expect("second").id;
    let csrf = c_modo.get(&format!("/pratiques/{on_c}")).await.csrf();
    let p =
        c_modo.post(&format!("/pratiques/{on_c}/commentaires/{second}"), &[("csrf", &csrf), ("hidden", "true")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    for (m, path) in [(&a, format!("/pratiques/{id}")), (&b, format!("/pratiques/{on_b}"))] {
        eventually(10, "the second comment withdrawn", || async { !page(m, &path).await.contains("Un second avis") })
            .await;
    }

    // A deletes it: gone from B and C, and A lists nothing of its conversation any more (the
    // Announces of its comments, even of a hidden one, leave the outbox and `/activities`).
    let listed = async || -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM activities WHERE public = 1 AND object_ap_id IN \
             (SELECT c.ap_id FROM practice_comments c JOIN practices p ON p.id = c.practice_id WHERE p.id = $1)",
        )
        .bind(id)
        .fetch_one(a.data.store.pool())
        .await
        .expect("count")
    };
    assert!(listed().await > 0, "the comment's Announce is listed while the practice lives");
    let comment_ids: Vec<String> = sqlx::query_scalar("SELECT ap_id FROM practice_comments WHERE practice_id = $1")
        .bind(id)
        .fetch_all(a.data.store.pool())
        .await
        .expect("comments");
    call(Method::DELETE, a.url(&format!("/api/v1/practices/{id}")), Some(&token), None).await;
    for comment in &comment_ids {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE public = 1 AND object_ap_id = $1")
            .bind(comment)
            .fetch_one(a.data.store.pool())
            .await
            .expect("count");
        assert_eq!(n, 0, "{comment}: nothing of a deleted practice's conversation stays listed");
    }
    for m in [&b, &c] {
        eventually(10, "deletion on the followers", || async {
            call(Method::GET, m.url("/api/v1/practices?q=circuit"), None, None).await.1 == json!([])
        })
        .await;
    }
    mastodon.stop().await;
    for m in [a, b, c] {
        m.stop().await;
    }
}
