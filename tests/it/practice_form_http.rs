//! The practice form over HTTP, as a French moderator fills it: numbers written the French way
//! ("18 400,75") accepted, an unreadable one refused beside its field; money and percentages
//! shown as the French read them; the commune typed is found in the shipped list of communes;
//! deleting asks first; publishing says how many followers it went to.

use crate::common;

use common::{TestDb, TestInstance, fleet::add_followers, web::Browser};
use maillage::domain::account::Role;
use reqwest::StatusCode;

const PW: &str = "un mot de passe solide";

fn form<'a>(csrf: &'a str, title: &'a str, commune: &'a str, values: [&'a str; 3]) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("summary", "Une épicerie solidaire tenue par des bénévoles."),
        ("body", "Les **bénévoles** tiennent la caisse."),
        ("domains", "alimentation"),
        ("dim-economique-text", "Des prix justes"),
        ("ind-economique-0-name", "Chiffre d'affaires"),
        ("ind-economique-0-value", values[0]),
        ("ind-economique-0-unit", "€"),
        ("ind-economique-0-period", "2025"),
        ("ind-economique-1-name", "Panier moyen"),
        ("ind-economique-1-value", values[1]),
        ("ind-economique-1-unit", "€"),
        // Rows 2 and 3 left empty, row 4 filled: the JavaScript "add a row" numbers on.
        ("ind-economique-4-name", "Part des produits locaux"),
        ("ind-economique-4-value", values[2]),
        ("ind-economique-4-unit", "%"),
        ("commune", commune),
    ]
}

async fn moderator(m: &TestInstance) -> Browser {
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn french_numbers_are_read_and_shown_the_french_way() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let mut b = moderator(&m).await;
    let page = b.get("/admin/pratiques/nouvelle").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<nav class=\"admin\""), "the console's menu is on the form");
    assert!(page.body.contains("name=\"ind-sociale-2-value\""), "three empty rows without JavaScript");
    assert!(page.body.contains("class=\"secondary add-indicator\" hidden"), "the add-row button waits for JavaScript");
    assert!(page.body.contains("placeholder=\"Ex. : part du prix revenant aux producteurs\""), "examples");
    assert!(page.body.contains("<code>**gras**</code>"), "formatting help beside the Markdown field");
    let csrf = page.csrf();

    // An unreadable value: 422, the error beside its field, what was typed kept, other
    // mistakes of the same try shown too, nothing stored.
    let p = b.post("/admin/pratiques/nouvelle", &form(&csrf, "", "Redon", ["18 400,75", "douze", "62,5"])).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"ind-economique-1-error\""), "beside the value: {}", p.body);
    assert!(
        p.body.contains("aria-invalid=\"true\" aria-describedby=\"ind-economique-1-error\""),
        "the field points to its error"
    );
    assert!(p.body.contains("value=\"douze\""), "what was typed is kept");
    assert!(p.body.contains("value=\"18\u{202f}400,75\""), "the good value comes back written the French way");
    assert!(!p.body.contains("id=\"ind-economique-0-error\""), "no error on the good value");
    assert!(p.body.contains("id=\"title-error\""), "the title's error in the same answer");
    assert!(
        m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db").is_empty(),
        "nothing stored"
    );
    for bad in ["18.400,75", "1,2,3", "12 €", "18 40,75"] {
        let p = b.post("/admin/pratiques/nouvelle", &form(&csrf, "Épicerie", "Redon", ["1", bad, "2"])).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?} refused");
        assert!(p.body.contains("id=\"ind-economique-1-error\""), "{bad:?}");
    }

    // Accepted with ordinary, no-break and narrow no-break spaces; the commune typed (without
    // JavaScript, in lower case) is found with its coordinates.
    let values = ["18 400,75", "12,50", "62,5"];
    let p = b.post("/admin/pratiques/nouvelle", &form(&csrf, "Épicerie solidaire", "redon", values)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let id = m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db")[0].id;
    let stored = m.data.store.practice(id).await.expect("db").expect("row");
    let (lat, lon) = (stored.latitude.expect("latitude"), stored.longitude.expect("longitude"));
    assert!((lat - 47.65).abs() < 0.05 && (lon + 2.08).abs() < 0.05, "Redon's coordinates: {lat} {lon}");
    assert!(stored.dimensions.to_json().contains("18400.75"), "stored as a number: {:?}", stored.dimensions);
    for spaced in ["18\u{a0}400,75", "18\u{202f}400,75"] {
        let edit = b.get(&format!("/admin/pratiques/{id}")).await;
        let p = b
            .post(
                &format!("/admin/pratiques/{id}"),
                &form(&edit.csrf(), "Épicerie solidaire", "Redon", [spaced, "12,50", "62,5"]),
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{spaced:?}: {}", p.body);
    }

    let page = b.get(&format!("/pratiques/{id}")).await.body;
    assert!(page.contains("18\u{202f}400,75\u{a0}€"), "grouped, decimal comma, euro after: {page}");
    assert!(page.contains("12,50\u{a0}€"), "cents kept");
    assert!(page.contains("62,5\u{a0}%"), "percentage");
    let mut en = Browser::new(&m.url(""));
    en.accept_language = Some("en".into());
    let page_en = {
        m.data.store.set_practice_status(id, true, "test").await.expect("publish");
        en.get(&format!("/pratiques/{id}")).await.body
    };
    assert!(page_en.contains("€18,400.75") && page_en.contains("€12.50") && page_en.contains("62.5%"), "English");

    // The JSON behind the place search.
    let places: serde_json::Value =
        common::client().get(m.url("/places?q=REDON")).send().await.expect("places").json().await.expect("json");
    assert_eq!(places[0]["name"], "Redon", "{places}");
    assert_eq!(places[0]["label"], "Redon (35)");
    assert!(places[0]["latitude"].as_f64().is_some_and(|l| (l - 47.65).abs() < 0.05));
    let accents: serde_json::Value =
        common::client().get(m.url("/places?q=evreu")).send().await.expect("places").json().await.expect("json");
    assert_eq!(accents[0]["name"], "Évreux", "accents ignored");
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_asks_first_and_publishing_says_who_it_went_to() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mut b = moderator(&m).await;
    let csrf = b.get("/admin/pratiques/nouvelle").await.csrf();
    for title in ["Épicerie solidaire", "Jardin partagé"] {
        let p = b.post("/admin/pratiques/nouvelle", &form(&csrf, title, "Guer", ["3", "4", "5"])).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    }
    let rows = m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db");
    let id_of = |title: &str| rows.iter().find(|p| p.title == title).map(|p| p.id).expect("practice");
    let (first, second) = (id_of("Épicerie solidaire"), id_of("Jardin partagé"));
    add_followers(
        &m.data.store,
        &[("http://127.0.0.1:9/a/inbox".into(), None), ("http://127.0.0.1:9/b/inbox".into(), None)],
    )
    .await;

    // Publishing says it went to the two followers.
    let page = b.get(&format!("/pratiques/{first}")).await;
    assert!(!page.body.contains("value=\"delete\""), "no delete button next to Publish");
    let p = b.post(&format!("/pratiques/{first}/statut"), &[("csrf", &page.csrf()), ("action", "publish")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let shown = b.get(p.location.as_deref().expect("location")).await.body;
    assert!(shown.contains("Publiée et envoyée à 2 abonné·es."), "{shown}");
    let mut en = Browser::new(&m.url(""));
    en.accept_language = Some("en".into());
    assert!(
        en.get(&format!("/pratiques/{first}?n=published&c=1")).await.body.contains("Published and sent to 1 follower.")
    );

    // Deleting: a page asks first; a delete without the confirmation only leads there.
    let p = b.post(&format!("/pratiques/{second}/statut"), &[("csrf", &csrf), ("action", "delete")]).await;
    assert_eq!(p.location.as_deref(), Some(format!("/pratiques/{second}/supprimer").as_str()));
    assert!(m.data.store.practice(second).await.expect("db").is_some(), "not deleted without confirmation");
    let ask = b.get(&format!("/pratiques/{second}/supprimer")).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Supprimer définitivement « Jardin partagé » ?"), "{}", ask.body);
    assert!(ask.body.contains(&format!("href=\"/pratiques/{second}\"")), "a way back");
    let p = b
        .post(
            &format!("/pratiques/{second}/statut"),
            &[("csrf", &ask.csrf()), ("action", "delete"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(m.data.store.practice(second).await.expect("db").is_none(), "deleted once confirmed");
    let mut visitor = Browser::new(&m.url(""));
    let anonymous = visitor.get(&format!("/pratiques/{first}/supprimer")).await;
    assert_ne!(anonymous.status, StatusCode::OK, "for moderators only");
    assert!(!anonymous.body.contains("Supprimer définitivement"));
    m.stop().await;
}
