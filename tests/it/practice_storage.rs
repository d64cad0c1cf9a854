//! Good practices in storage: drafts, publication, revisions, and the catalogue search that
//! handles French word forms, on SQLite (FTS5) and PostgreSQL (tsvector 'french').

use crate::common;

use common::TestDb;
use maillage::{
    domain::{
        list::List,
        practice::{Dimension, french_search_text},
        practice_dimensions::Dimensions,
    },
    storage::{
        Store,
        bench_seed::SeedPractice,
        practices::{PracticeContent, PracticeFilter},
    },
};

fn content(title: &str, body: &str, domains: &str, tags: &str) -> PracticeContent {
    PracticeContent {
        title: title.into(),
        summary: format!("{title}, en quelques mots."),
        body_md: body.into(),
        body_html: format!("<p>{body}</p>"),
        domains: List::parse(domains).expect("domains"),
        dimensions: Dimensions::from_json(
            r#"[{"dimension":"economique","text":"","indicators":[{"name":"Prix","value":72.5,"unit":"%","period":"2025"}]}]"#,
        ),
        structures: Default::default(),
        structure_refs: "[]".into(),
        partners: String::new(),
        governance: String::new(),
        commune: "Redon".into(),
        latitude: Some(47.65),
        longitude: Some(-2.08),
        tags: List::parse(tags).expect("tags"),
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
        // The dimension filter follows an edit of the dimensions (`practice_dimensions`, kept in
        // the practice's transaction), and matches the code whole.
        let by_dimension = |d: &str| PracticeFilter { dimension: Some(d.into()), ..Default::default() };
        let mut social = content("Épicerie", "Des producteurs engagés.", "alimentation", "epicerie");
        social.dimensions = Dimensions::from_json(
            r#"[{"dimension":"sociale","text":"Lien","indicators":[]},{"dimension":"sociale","text":"","indicators":[]}]"#,
        );
        store.update_practice(a, &social, "admin", "dimensions").await.expect("update");
        let ids =
            |found: Vec<maillage::storage::practices::PracticeRow>| found.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(ids(store.search_practices(&by_dimension("sociale"), 10).await.expect("f")), vec![a], "[{label}]");
        assert_eq!(
            ids(store.search_practices(&by_dimension("economique"), 10).await.expect("f")),
            vec![b],
            "[{label}]"
        );
        assert!(store.search_practices(&by_dimension("social"), 10).await.expect("f").is_empty(), "[{label}]");
        assert!(store.search_practices(&by_dimension("%"), 10).await.expect("f").is_empty(), "[{label}]");
        let revisions = store.practice_revisions(a).await.expect("revisions");
        let changes: Vec<&str> = revisions.iter().map(|r| r.changes.as_str()).collect();
        assert_eq!(changes, vec!["created", "published", "body, tags", "dimensions"], "[{label}]");
        assert_eq!(revisions[2].author, "admin");
        assert!(store.delete_practice(b).await.expect("delete"));
        assert!(store.search_practices(&search("partagé"), 10).await.expect("search").is_empty(), "[{label}] deleted");
        let p = store.practice(a).await.expect("get").expect("row");
        assert_eq!((p.latitude, p.status.as_str()), (Some(47.65), "published"));
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_filters_reach_old_practices_and_pages() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        // 25 older practices of one territory, then 1,100 newer ones of another: filters must
        // still find the old ones (they are applied in SQL, not on a first batch).
        let old = "http://vieux.example/t/x";
        for n in 0..25 {
            let id = store
                .insert_practice(
                    &format!("{old}/p/{n}"),
                    None,
                    old,
                    &content("Ancien", "Un marché.", "culture", "troc"),
                    "m",
                )
                .await
                .expect("insert");
            store.set_practice_status(id, true, "m").await.expect("publish");
        }
        let new = "http://neuf.example/t/y";
        let mut tx = store.begin().await.expect("tx");
        for n in 0..1100 {
            sqlx::query(
                "INSERT INTO practices (ap_id, origin_actor, status, title, summary, licence, author, created_at, \
                 updated_at, published_at, domains) VALUES ($1, $2, 'published', 'Récent', 'r', 'CC-BY-SA-4.0', 'm', \
                 $3, $3, $3, 'mobilite')",
            )
            .bind(format!("{new}/p/{n}"))
            .bind(new)
            .bind(4_000_000_000_000_i64 + n)
            .execute(&mut *tx)
            .await
            .expect("insert");
        }
        tx.commit().await.expect("commit");
        let f = |territory: &str, page: i64| PracticeFilter {
            territory: Some(territory.into()),
            page: Some(page),
            ..Default::default()
        };
        assert_eq!(store.search_practices(&f(old, 1), 10).await.expect("s").len(), 10, "[{label}]");
        assert_eq!(store.search_practices(&f(old, 3), 10).await.expect("s").len(), 5, "[{label}] the last page");
        assert!(store.search_practices(&f(old, 4), 10).await.expect("s").is_empty(), "[{label}]");
        let by_tag = PracticeFilter { tag: Some("troc".into()), ..Default::default() };
        assert_eq!(store.search_practices(&by_tag, 100).await.expect("s").len(), 25, "[{label}] tag beyond the newest");
        let by_domain = PracticeFilter { domain: Some("culture".into()), ..Default::default() };
        assert_eq!(store.search_practices(&by_domain, 100).await.expect("s").len(), 25, "[{label}]");
        let partial = PracticeFilter { domain: Some("cult".into()), ..Default::default() };
        assert!(store.search_practices(&partial, 100).await.expect("s").is_empty(), "[{label}] whole codes only");
        let words = PracticeFilter { q: Some("marchés".into()), page: Some(2), ..Default::default() };
        assert_eq!(store.search_practices(&words, 20).await.expect("s").len(), 5, "[{label}] words and pages");
        let newest = store.search_practices(&PracticeFilter::default(), 1).await.expect("s");
        assert_eq!(newest[0].ap_id, format!("{new}/p/1099"), "[{label}] newest first");
        store.close().await;
        db.cleanup().await;
    }
}

/// Searches with words walk the newest practices first and fall back to the full-text index when
/// the walk finds too few (storage/practice_search.rs): every page must be the one the plain
/// filter gives, for common words (found by the walk), rarer ones (after a larger window) and
/// rare ones (the fallback), with the other filters, on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn word_search_pages_are_the_same_whichever_plan_finds_them() {
    const DOMAINS: [&str; 3] = ["alimentation", "habitat", "culture"];
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let mut seeds = vec![];
        for n in 0..900_usize {
            // "jardin" in 9 of 10, "cantine" in 1 of 12, "recyclerie" in 1 of 150.
            let mut words = vec!["marché"];
            if n % 10 != 0 {
                words.push("jardin");
            }
            if n % 12 == 0 {
                words.push("cantine");
            }
            if n % 150 == 7 {
                words.push("recyclerie");
            }
            // Out of id order, with ties: the catalogue's order is (published_at, id).
            seeds.push(seed_practice(n, &words.join(" "), DOMAINS[n % 3], 1_800_000_000_000 + ((n * 7) % 450) as i64));
        }
        store.seed_practices(&seeds).await.expect("seed");
        let mut order: Vec<&SeedPractice> = seeds.iter().collect();
        // Ids follow the seeding order: ties on the date go to the later seed first.
        order.sort_by_key(|p| {
            std::cmp::Reverse((p.at, p.ap_id.rsplit('/').next().and_then(|n| n.parse::<usize>().ok())))
        });
        let cases: [(&str, &str, Option<&str>, Option<Dimension>); 6] = [
            ("jardins", "jardin", None, None),
            ("jardin", "jardin", Some("habitat"), Some(Dimension::Territoriale)),
            ("cantines", "cantine", None, None),
            ("cantine jardin", "cantine", Some("culture"), None),
            ("recyclerie", "recyclerie", None, None),
            ("marchés", "marché", None, Some(Dimension::Sociale)),
        ];
        for (q, word, domain, dimension) in cases {
            let expected: Vec<&str> = order
                .iter()
                .filter(|p| {
                    p.body.split(' ').any(|w| w == word) && (q != "cantine jardin" || p.body.contains("jardin"))
                })
                .filter(|p| domain.is_none_or(|d| p.domain == d))
                .filter(|p| dimension.is_none_or(|d| p.dimension == d))
                .map(|p| p.ap_id.as_str())
                .collect();
            for page in 1..=4_i64 {
                let f = PracticeFilter {
                    q: Some(q.into()),
                    domain: domain.map(String::from),
                    dimension: dimension.map(|d| d.code().to_string()),
                    page: Some(page),
                    ..Default::default()
                };
                let found = store.search_practices(&f, 25).await.expect("search");
                let got: Vec<&str> = found.iter().map(|p| p.ap_id.as_str()).collect();
                let want: Vec<&str> = expected.iter().skip((page as usize - 1) * 25).take(25).copied().collect();
                assert_eq!(got, want, "[{label}] {q:?} {domain:?} {dimension:?} page {page}");
            }
        }
        store.close().await;
        db.cleanup().await;
    }
}

/// A practice numbered long ago and published after the others (an old draft published today)
/// puts a far id in the newest window: the walk reads the full-text index over that id and the
/// run of the others, not everything between (storage/practice_search.rs, `id_ranges`), and the
/// pages stay the plain filter's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_practice_published_today_is_found_first() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        // Practice 0 is seeded first (lowest id) with the newest date; 1..1000 in date order,
        // "jardin" in two of three, practice 0 included.
        let seeds: Vec<SeedPractice> = (0..1000_usize)
            .map(|n| {
                let body = if n % 3 == 2 { "marché" } else { "jardin marché" };
                let at = if n == 0 { 1_900_000_000_000 } else { 1_800_000_000_000 + n as i64 };
                seed_practice(n, body, "alimentation", at)
            })
            .collect();
        store.seed_practices(&seeds).await.expect("seed");
        let mut expected: Vec<String> =
            (1..1000_usize).rev().filter(|n| n % 3 != 2).map(|n| format!("https://t.example/t/x/p/{n}")).collect();
        expected.insert(0, "https://t.example/t/x/p/0".into());
        for page in 1..=3_i64 {
            let f = PracticeFilter { q: Some("jardins".into()), page: Some(page), ..Default::default() };
            let got: Vec<String> =
                store.search_practices(&f, 25).await.expect("search").into_iter().map(|p| p.ap_id).collect();
            let want: Vec<String> = expected.iter().skip((page as usize - 1) * 25).take(25).cloned().collect();
            assert_eq!(got, want, "[{label}] page {page}");
        }
        store.close().await;
        db.cleanup().await;
    }
}

/// Practice `n` of the search tests: `body` is its text, dimension `n % 4`.
fn seed_practice(n: usize, body: &str, domain: &str, at: i64) -> SeedPractice {
    SeedPractice {
        ap_id: format!("https://t.example/t/x/p/{n}"),
        origin_actor: "https://t.example/t/x".into(),
        title: format!("Pratique {n}"),
        summary: "s".into(),
        search_text: french_search_text(body),
        body: body.to_string(),
        domain: domain.into(),
        dimension: Dimension::ALL[n % 4],
        tag: "t".into(),
        at,
    }
}

/// Merging the SQLite full-text index (the maintenance step that keeps word searches fast,
/// issue 14) does work when practices arrived in several commits, and changes no search result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merging_the_search_index_changes_no_result() {
    /// The ids of the first three pages of 25 of each search.
    async fn pages(store: &Store) -> Vec<Vec<String>> {
        let mut all = vec![];
        for q in ["jardins", "marchés paysans", "jardin"] {
            for page in 1..=3 {
                let f = PracticeFilter { q: Some(q.into()), page: Some(page), ..Default::default() };
                let found = store.search_practices(&f, 25).await.expect("search");
                all.push(found.into_iter().map(|p| p.ap_id).collect());
            }
        }
        all
    }
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        // Ten commits: ten segments of the index on SQLite.
        for batch in 0..10_usize {
            let seeds: Vec<SeedPractice> = (batch * 30..(batch + 1) * 30)
                .map(|n| {
                    let body = if n % 3 == 0 { "jardin partagé" } else { "marché paysan" };
                    seed_practice(n, body, "alimentation", 1_800_000_000_000 + n as i64)
                })
                .collect();
            store.seed_practices(&seeds).await.expect("seed");
        }
        let before = pages(&store).await;
        assert_eq!(before[0].len(), 25, "[{label}] a full first page of 'jardins'");
        let first = store.merge_search_index().await.expect("merge");
        if label == "sqlite" {
            assert!(first > 0, "[{label}] ten segments, nothing merged");
        } else {
            assert_eq!(first, 0, "[{label}] nothing to merge on PostgreSQL");
        }
        store.merge_search_index_fully().await.expect("merge fully");
        assert_eq!(store.merge_search_index().await.expect("merge"), 0, "[{label}] still merging");
        assert_eq!(before, pages(&store).await, "[{label}] merging changed a result");
        store.close().await;
        db.cleanup().await;
    }
}

/// A practice without coordinates, then one with, on one connection: PostgreSQL caches the
/// statement with the first call's parameter types (sqlx's `Any` driver once typed a NULL
/// `f64` as `float4`, and the second insert failed with "incorrect binary data format").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinates_after_none_on_one_connection() {
    for db in TestDb::all().await {
        let label = db.label;
        let store = Store::connect(&db.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let mut tx = store.begin().await.expect("begin");
        let mut without = content("Sans lieu", "Pas de coordonnées.", "alimentation", "");
        without.latitude = None;
        without.longitude = None;
        let with = content("Avec lieu", "Des coordonnées.", "alimentation", "");
        for (n, c) in [(1, &without), (2, &with), (3, &without), (4, &with)] {
            maillage::storage::practices::insert(
                &mut tx,
                &format!("http://localhost/p/{n}"),
                None,
                "http://localhost/t/x",
                c,
                "m",
            )
            .await
            .unwrap_or_else(|e| panic!("[{label}] insert {n}: {e}"));
        }
        tx.commit().await.expect("commit");
        let p = store.practice_by_ap_id("http://localhost/p/4").await.expect("read").expect("row");
        assert_eq!(p.latitude, Some(47.65), "[{label}]");
        let p = store.practice_by_ap_id("http://localhost/p/3").await.expect("read").expect("row");
        assert_eq!(p.latitude, None, "[{label}]");
    }
}
