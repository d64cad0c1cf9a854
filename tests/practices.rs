//! Good practices in storage: drafts, publication, revisions, and the catalogue search that
//! handles French word forms, on SQLite (FTS5) and PostgreSQL (tsvector 'french').

mod common;

use common::TestDb;
use maillage::storage::{
    Store,
    practices::{PracticeContent, PracticeFilter},
};

fn content(title: &str, body: &str, domains: &str, tags: &str) -> PracticeContent {
    PracticeContent {
        title: title.into(),
        summary: format!("{title}, en quelques mots."),
        body_md: body.into(),
        body_html: format!("<p>{body}</p>"),
        domains: domains.into(),
        dimensions: r#"[{"dimension":"economique","text":"","indicators":[{"name":"Prix","value":72.5,"unit":"%","period":"2025"}]}]"#.into(),
        structures: String::new(),
        partners: String::new(),
        governance: String::new(),
        commune: "Redon".into(),
        latitude: Some(47.65),
        longitude: Some(-2.08),
        tags: tags.into(),
        licence: "CC-BY-SA-4.0".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_search_finds_french_word_forms() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let actor = "http://localhost/t/territoire";
        let a = store
            .insert_practice(
                "http://localhost/p/1",
                None,
                actor,
                &content(
                    "Épicerie",
                    "Un circuit court entre fermes et habitants.",
                    "alimentation",
                    "epicerie,circuitcourt",
                ),
                "modo",
            )
            .await
            .expect("insert");
        let b = store
            .insert_practice(
                "http://localhost/p/2",
                None,
                "http://ailleurs.example/t/x",
                &content("Covoiturage", "Des trajets partagés vers le marché.", "mobilite", "mobilite"),
                "modo",
            )
            .await
            .expect("insert");
        let search = |q: &str| PracticeFilter { q: Some(q.into()), ..Default::default() };
        assert!(
            store.search_practices(&search("circuit"), 10).await.expect("search").is_empty(),
            "[{label}] drafts are not listed"
        );
        assert!(store.set_practice_status(a, true, "modo").await.expect("publish"));
        assert!(store.set_practice_status(b, true, "modo").await.expect("publish"));
        let found = store.search_practices(&search("circuits"), 10).await.expect("search");
        assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a], "[{label}] 'circuits' finds 'circuit'");
        let found = store.search_practices(&search("partagé"), 10).await.expect("search");
        assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), vec![b], "[{label}] 'partagé' finds 'partagés'");
        assert!(store.search_practices(&search("astronautes"), 10).await.expect("search").is_empty());
        // Filters.
        let f = PracticeFilter { domain: Some("mobilite".into()), ..Default::default() };
        assert_eq!(store.search_practices(&f, 10).await.expect("f").len(), 1);
        let f = PracticeFilter { tag: Some("#CircuitCourt".into()), ..Default::default() };
        assert_eq!(store.search_practices(&f, 10).await.expect("f")[0].id, a);
        let f = PracticeFilter { territory: Some("http://ailleurs.example/t/x".into()), ..Default::default() };
        assert_eq!(store.search_practices(&f, 10).await.expect("f")[0].id, b);
        let f = PracticeFilter { dimension: Some("economique".into()), ..Default::default() };
        assert_eq!(store.search_practices(&f, 10).await.expect("f").len(), 2);
        let f = PracticeFilter { dimension: Some("sociale".into()), ..Default::default() };
        assert!(store.search_practices(&f, 10).await.expect("f").is_empty());
        // An edit is searchable at once and recorded with its author.
        store
            .update_practice(
                a,
                &content("Épicerie", "Des producteurs engagés.", "alimentation", "epicerie"),
                "admin",
                "body, tags",
            )
            .await
            .expect("update");
        assert_eq!(store.search_practices(&search("producteur"), 10).await.expect("search")[0].id, a, "[{label}]");
        assert!(
            store.search_practices(&search("circuits"), 10).await.expect("search").is_empty(),
            "[{label}] old text gone"
        );
        let revisions = store.practice_revisions(a).await.expect("revisions");
        let changes: Vec<&str> = revisions.iter().map(|r| r.changes.as_str()).collect();
        assert_eq!(changes, vec!["created", "published", "body, tags"], "[{label}]");
        assert_eq!(revisions[2].author, "admin");
        assert!(store.delete_practice(b).await.expect("delete"));
        assert!(store.search_practices(&search("partagé"), 10).await.expect("search").is_empty(), "[{label}] deleted");
        let p = store.practice(a).await.expect("get").expect("row");
        assert_eq!((p.latitude, p.status.as_str()), (Some(47.65), "published"));
        store.close().await;
        db.cleanup().await;
    }
}
