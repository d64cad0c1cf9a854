//! Good practices over HTTP: written and searched through the API, sent to the territories
//! that follow theirs, changed only by their origin (remote HTML sanitised). Their storage and
//! the catalogue search: `practice_storage.rs`.

use crate::common;

use common::{TestDb, TestInstance, call, client};
use maillage::domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practices_api_authoring_and_search() {
    use reqwest::Method;
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = m.token(Role::Moderator).await;
    let base = m.url("/api/v1/practices");
    let practice = json!({
        "title": "Épicerie en circuit court",
        "summary": "Une épicerie associative vend les produits de douze fermes à moins de 30 km.",
        "body": "Les producteurs livrent chaque semaine. <script>alert(1)</script>",
        "domains": ["alimentation"],
        "dimensions": [{"dimension": "economique", "text": "Prix justes",
            "indicators": [{"name": "Part du prix au producteur", "value": 72.5, "unit": "%", "period": "2025"}]}],
        "tags": ["circuitcourt"]
    });
    let (s, _) = call(Method::POST, base.clone(), None, Some(practice.clone())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let mut bad = practice.clone();
    bad["summary"] = json!("x".repeat(501));
    bad["title"] = json!("");
    bad["dimensions"][0]["indicators"][0]["value"] = json!("beaucoup");
    let (s, e) = call(Method::POST, base.clone(), Some(&modo), Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (e["fields"]["title"].as_str(), e["fields"]["summary"].as_str()),
        (Some("field-required"), Some("field-too-long"))
    );
    assert_eq!(e["fields"]["indicators"], "indicator-not-a-number");
    let (s, created) = call(Method::POST, base.clone(), Some(&modo), Some(practice)).await;
    assert_eq!(s, StatusCode::CREATED);
    let id = created["id"].as_i64().expect("id");

    // A draft: invisible to the public, visible to moderators with its history.
    let (s, _) = call(Method::GET, format!("{base}/{id}"), None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, list) = call(Method::GET, format!("{base}?q=circuits"), None, None).await;
    assert_eq!((s, list.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    assert_eq!(call(Method::POST, format!("{base}/{id}/publish"), Some(&modo), None).await.0, StatusCode::NO_CONTENT);
    let (s, list) = call(Method::GET, format!("{base}?q=circuits&dimension=economique"), None, None).await;
    assert_eq!((s, list[0]["id"].as_i64()), (StatusCode::OK, Some(id)), "'circuits' finds 'circuit'");
    let (s, one) = call(Method::GET, format!("{base}/{id}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(one.get("author").is_none() && one.get("revisions").is_none(), "no author or history in public");
    let html = one["body_html"].as_str().expect("html");
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "raw HTML is shown as text: {html}");

    // A partial edit keeps the other fields and is recorded.
    let (s, _) =
        call(Method::PATCH, format!("{base}/{id}"), Some(&modo), Some(json!({"title": "Épicerie solidaire"}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, e) = call(Method::PATCH, format!("{base}/{id}"), Some(&modo), Some(json!({"domains": ["spatial"]}))).await;
    assert_eq!((s, e["fields"]["domains"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("field-invalid")));
    let (_, one) = call(Method::GET, format!("{base}/{id}"), Some(&modo), None).await;
    assert_eq!(one["title"], "Épicerie solidaire");
    assert_eq!(one["summary"], "Une épicerie associative vend les produits de douze fermes à moins de 30 km.");
    let changes: Vec<&str> =
        one["revisions"].as_array().expect("revisions").iter().filter_map(|r| r["changes"].as_str()).collect();
    assert_eq!(changes, vec!["created", "published", "title"]);

    // Feeds and data: Atom, JSON, CSV with one line per indicator.
    let atom = client().get(m.url("/t/territoire/practices.atom")).send().await.expect("atom");
    assert!(atom.headers()["content-type"].to_str().expect("ct").starts_with("application/atom+xml"));
    let atom = atom.text().await.expect("text");
    assert!(
        atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
            && atom.contains("<title>Épicerie solidaire</title>")
    );
    assert!(!atom.contains("<script>"), "escaped: {atom}");
    let csv = client().get(m.url("/t/territoire/practices.csv")).send().await.expect("csv").text().await.expect("text");
    assert!(csv.contains("economique,Part du prix au producteur,72.5,%,2025"), "{csv}");
    let data: Value =
        client().get(m.url("/t/territoire/practices.json")).send().await.expect("json").json().await.expect("json");
    assert_eq!(data[0]["dimensions"][0]["indicators"][0]["value"], 72.5);

    assert_eq!(call(Method::POST, format!("{base}/{id}/unpublish"), Some(&modo), None).await.0, StatusCode::NO_CONTENT);
    let atom =
        client().get(m.url("/t/territoire/practices.atom")).send().await.expect("atom").text().await.expect("text");
    assert!(!atom.contains("<entry>"), "unpublished practices leave the feed");
    assert_eq!(call(Method::GET, format!("{base}/{id}"), None, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(Method::DELETE, format!("{base}/{id}"), Some(&modo), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(call(Method::DELETE, format!("{base}/{id}"), Some(&modo), None).await.0, StatusCode::NOT_FOUND);
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practices_travel_to_following_territories() {
    use reqwest::Method;
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = a.token(Role::Moderator).await;
    // Before B follows: one practice published, one published then deleted.
    for (title, keep) in [("Recyclerie du bourg", true), ("Troc abandonné", false)] {
        let body = json!({"title": title, "summary": "Une pratique d'avant l'abonnement."});
        let (_, created) = call(Method::POST, a.url("/api/v1/practices"), Some(&modo), Some(body)).await;
        let id = created["id"].as_i64().expect("id");
        call(Method::POST, a.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;
        if !keep {
            call(Method::DELETE, a.url(&format!("/api/v1/practices/{id}")), Some(&modo), None).await;
        }
    }
    maillage::processing::follows::follow_remote(&b.data, "territoire", &format!("territoire@{}", a.authority))
        .await
        .expect("follow");
    common::eventually(10, "B follows A", || async {
        common::get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 1
    })
    .await;
    // A's earlier practices come from its outbox once A accepts; the deleted one does not.
    common::eventually(10, "earlier practice on B", || async {
        call(Method::GET, b.url("/api/v1/practices?q=recyclerie"), None, None)
            .await
            .1
            .as_array()
            .is_some_and(|a| a.len() == 1)
    })
    .await;
    assert_eq!(call(Method::GET, b.url("/api/v1/practices?q=troc"), None, None).await.1, json!([]));
    let practice = json!({
        "title": "Épicerie en circuit court", "summary": "Douze fermes, une épicerie, zéro intermédiaire.",
        "body": "Les circuits courts rapprochent producteurs et habitants.", "domains": ["alimentation"],
        "dimensions": [{"dimension": "territoriale", "text": "Emplois locaux", "indicators": [{"name": "Emplois", "value": 3}]}],
        "tags": ["circuitcourt"], "latitude": 47.65, "longitude": -2.08, "commune": "Redon"
    });
    let (_, created) = call(Method::POST, a.url("/api/v1/practices"), Some(&modo), Some(practice)).await;
    let id = created["id"].as_i64().expect("id");
    call(Method::POST, a.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;

    // B's catalogue finds it from another French word form, with its structured fields.
    let search = |q: &str| b.url(&format!("/api/v1/practices?q={q}"));
    common::eventually(10, "practice on B", || async {
        call(Method::GET, search("circuit"), None, None).await.1.as_array().is_some_and(|a| a.len() == 1)
    })
    .await;
    let (_, found) = call(Method::GET, search("producteur"), None, None).await;
    let remote = &found[0];
    assert_eq!(remote["origin_actor"], a.territory());
    assert_eq!(remote["commune"], "Redon");
    assert_eq!(remote["domains"], "alimentation");
    assert!(remote["dimensions"].as_str().unwrap_or_default().contains("Emplois"), "{remote}");
    assert_eq!(remote["latitude"], 47.65);
    let filtered = call(
        Method::GET,
        b.url(&format!("/api/v1/practices?territory={}&dimension=territoriale", a.territory())),
        None,
        None,
    )
    .await
    .1;
    assert_eq!(filtered.as_array().map(Vec::len), Some(1));

    // An update travels; a deletion too.
    call(
        Method::PATCH,
        a.url(&format!("/api/v1/practices/{id}")),
        Some(&modo),
        Some(json!({"title": "Épicerie solidaire"})),
    )
    .await;
    common::eventually(10, "update on B", || async {
        call(Method::GET, search("circuit"), None, None).await.1[0]["title"] == "Épicerie solidaire"
    })
    .await;
    call(Method::DELETE, a.url(&format!("/api/v1/practices/{id}")), Some(&modo), None).await;
    common::eventually(10, "deletion on B", || async {
        call(Method::GET, search("circuit"), None, None).await.1 == json!([])
    })
    .await;
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_origin_changes_a_practice_and_remote_html_is_sanitised() {
    // On both backends: sanitising happens before storage, whichever it is.
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let origin = common::peer::Peer::start().await;
        let group = origin.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
        let article_id = origin.base.join("articles/1").expect("url");
        let article = json!({
            "id": article_id, "type": "Article", "name": "Jardin partagé", "summary": "Un jardin.", "attributedTo": origin.actor_id(),
            "content": "<p onclick=\"steal()\">Les jardins partagés</p><script>alert(1)</script><iframe src=\"https://evil.example\"></iframe>",
            "cces:domains": ["alimentation", "spatial"],
            "cces:structures": [{"id": origin.base.join("s/7").expect("url"), "name": "Jardins du Coin"},
                {"id": "javascript:alert(1)", "name": "Piège"}]
        });
        // Pushed by an actor no territory follows: accepted (202) and not stored.
        origin.send(&group.inbox, "Create", article.clone()).await.expect("create");
        let (_, found) = call(reqwest::Method::GET, m.url("/api/v1/practices?q=jardins"), None, None).await;
        assert_eq!(found, json!([]), "unsolicited Articles stay out of the catalogue");
        // Once the territory follows it (here, asked to: the peer never answers), they come in.
        maillage::processing::follows::follow_remote(&m.data, "territoire", origin.actor_id().as_str())
            .await
            .expect("follow");
        let mut article = article;
        article["id"] = json!(origin.base.join("articles/2").expect("url"));
        let article_id = article["id"].as_str().expect("id").to_string();
        origin.send(&group.inbox, "Create", article.clone()).await.expect("create");
        let (_, found) = call(reqwest::Method::GET, m.url("/api/v1/practices?q=jardins"), None, None).await;
        let html = found[0]["body_html"].as_str().expect("html").to_string();
        assert!(html.contains("Les jardins partagés"));
        assert!(!html.contains("script") && !html.contains("iframe") && !html.contains("onclick"), "sanitised: {html}");
        assert_eq!(found[0]["domains"], "alimentation", "unknown domains dropped");
        let page = common::get_html(&m.url(&format!("/pratiques/{}", found[0]["id"]))).await;
        assert!(page.contains(&format!("<a href=\"{}s/7\">Jardins du Coin</a>", origin.base)), "structures kept");
        assert!(!page.contains("javascript:") && !page.contains("Piège"), "only web links");

        // Someone else tries to change or delete it: refused, nothing changed.
        let other = common::peer::Peer::start().await;
        let mut forged = article.clone();
        forged["name"] = json!("Piraté");
        forged["attributedTo"] = json!(other.actor_id());
        let activity = |kind: &str, object: Value| {
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": other.new_id(), "type": kind,
                "actor": other.actor_id(), "object": object})
            .to_string()
        };
        let inbox = group.inbox.to_string();
        assert_eq!(other.post_signed(&inbox, &activity("Update", forged)).await, StatusCode::FORBIDDEN);
        assert_eq!(other.post_signed(&inbox, &activity("Delete", json!(article_id))).await, StatusCode::FORBIDDEN);
        // The origin announces a comment that is gone by the time we fetch it: nothing to keep,
        // nothing to retry (202, not 502).
        let gone = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": origin.new_id(),
            "type": "Announce", "actor": origin.actor_id(), "object": origin.base.join("notes/gone").expect("url")});
        assert_eq!(origin.post_signed(&inbox, &gone.to_string()).await, StatusCode::ACCEPTED);
        let (_, found) = call(reqwest::Method::GET, m.url("/api/v1/practices?q=jardin"), None, None).await;
        assert_eq!(found[0]["title"], "Jardin partagé", "{found}");

        // Each received change claims its activity id in its own transaction: a replayed
        // `Update` changes nothing, and a `Delete` is recorded as received with its effect.
        let by_origin = |id: &str, kind: &str, object: Value| {
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": kind,
                "actor": origin.actor_id(), "object": object})
            .to_string()
        };
        let update_id = origin.new_id().to_string();
        let mut renamed = article.clone();
        renamed["name"] = json!("Jardin des voisins");
        assert_eq!(
            origin.post_signed(&inbox, &by_origin(&update_id, "Update", renamed.clone())).await,
            StatusCode::ACCEPTED
        );
        renamed["name"] = json!("Rejoué");
        assert_eq!(origin.post_signed(&inbox, &by_origin(&update_id, "Update", renamed)).await, StatusCode::ACCEPTED);
        let (_, found) = call(reqwest::Method::GET, m.url("/api/v1/practices?q=jardin"), None, None).await;
        assert_eq!(found[0]["title"], "Jardin des voisins", "a replayed activity is applied once: {found}");
        let delete_id = origin.new_id().to_string();
        assert_eq!(
            origin.post_signed(&inbox, &by_origin(&delete_id, "Delete", json!(article_id))).await,
            StatusCode::ACCEPTED
        );
        let (_, found) = call(reqwest::Method::GET, m.url("/api/v1/practices?q=jardin"), None, None).await;
        assert_eq!(found, json!([]));
        assert!(
            m.data.store.was_received(&delete_id).await.expect("received"),
            "the Delete is claimed with its effect"
        );
        m.stop().await;
    }
}
