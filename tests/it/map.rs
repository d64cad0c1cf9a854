//! The map (issue 13 point 6): the GeoJSON layers parsed with the `geojson` crate (Points,
//! `[longitude, latitude]`), listed signatories only and at their commune's centre (an
//! individual's address and contacts never in them), the page's CSP letting in the tile host,
//! and in headless Chromium at phone width: Leaflet served from here draws the markers, no
//! CSP violation, and without JavaScript the list says the same. Screenshots in
//! target/screenshots/map-*.png.

use std::str::FromStr;

use fantoccini::Locator;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    TestDb, TestInstance,
    browser::{csp_violations, shot, start_browser, start_browser_with},
    call, client, eventually, mailed_links,
};
use maillage::{
    domain::{account::Role, map::commune_centre},
    processing::signatures::import_charter,
};

const ADDRESS: &str = "12 rue des Lilas";
const PHONE: &str = "+33 6 12 34 56 78";

pub(crate) async fn sign(m: &TestInstance, kind: &str, name: &str, commune: &str, email: &str, listed: bool) {
    let modo = m.token(Role::Moderator).await;
    let mut sig = json!({"kind": kind, "name": name, "domains": ["alimentation"], "commune": commune,
        "email": email, "phone": PHONE, "postal_address": ADDRESS, "charter_version": "2024", "consent": true,
        "listed": listed});
    if kind == "structure" {
        sig["legal_form"] = json!("association");
        sig["representative_name"] = json!("Sam Représentant");
    } else {
        sig["roles"] = json!(["citoyen"]);
    }
    let res = client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("sign");
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let confirm = mailed_links(m).into_iter().rev().find(|l| l.contains("/signature/confirm")).expect("confirm link");
    client().get(confirm).send().await.expect("confirm");
    let id: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    let res = client().post(m.url(&format!("/api/v1/signatures/{id}/approve"))).bearer_auth(&modo).send().await;
    assert!(res.expect("approve").status().is_success());
}

/// Two listed signatories, one unlisted, a practice and an action with coordinates.
pub(crate) async fn seed(m: &TestInstance) {
    let charter = ["/../shared/seed/charte-cces.md", "/../../shared/seed/charte-cces.md"]
        .iter()
        .find_map(|p| std::fs::read_to_string(format!("{}{p}", env!("CARGO_MANIFEST_DIR"))).ok())
        .expect("the CCES charter in ../shared/seed/charte-cces.md");
    import_charter(&m.data, "territoire", &charter, "2024", "test").await.expect("import");
    sign(m, "structure", "Épicerie Solidaire", "Rennes", "epicerie@example.org", true).await;
    sign(m, "individual", "Dominique Listée", "Redon", "dominique@example.org", true).await;
    sign(m, "individual", "Camille Discrète", "Vannes", "camille@example.org", false).await;
    let modo = m.token(Role::Moderator).await;
    let practice = json!({"title": "Magasin de producteurs", "summary": "Douze fermes vendent ensemble.",
        "commune": "Redon", "latitude": 47.66, "longitude": -2.09});
    let (s, created) = call(Method::POST, m.url("/api/v1/practices"), Some(&modo), Some(practice)).await;
    assert!(s.is_success(), "{s}: {created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(&modo), None).await;
    assert!(s.is_success(), "publish {s}");
    let action = json!({"title": "Marché des producteurs", "summary": "Douze fermes vendent en direct.",
        "start": "2030-03-14T10:00", "end": "2030-03-14T17:00", "timezone": "Europe/Paris",
        "place_name": "Halle", "address": "Place du Marché", "postal_code": "56000", "commune": "Vannes",
        "latitude": 47.658, "longitude": -2.76});
    let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(action)).await;
    assert!(s.is_success(), "{s}: {created}");
    let id = created["id"].as_i64().expect("id");
    if created["publication"] != "published" {
        let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
        assert!(s.is_success(), "publish action {s}");
    }
}

/// A layer as served: its media type, its body, parsed.
pub(crate) async fn layer(m: &TestInstance, path: &str) -> (String, geojson::FeatureCollection) {
    let res = client().get(m.url(path)).send().await.expect("GET");
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(kind, "application/geo+json", "{path}");
    let body = res.text().await.expect("body");
    let parsed = geojson::FeatureCollection::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}\n{body}"));
    (body, parsed)
}

/// (name, kind, link, [lon, lat]) of every feature, checking each is a Point.
pub(crate) fn features(fc: &geojson::FeatureCollection) -> Vec<(String, String, String, Vec<f64>)> {
    fc.features
        .iter()
        .map(|f| {
            let g = f.geometry.as_ref().expect("geometry");
            let geojson::GeometryValue::Point { coordinates } = &g.value else { panic!("not a Point: {g:?}") };
            let p = |k: &str| f.property(k).and_then(Value::as_str).expect(k).to_string();
            (p("name"), p("kind"), p("link"), coordinates.as_slice().to_vec())
        })
        .collect()
}

#[tokio::test]
async fn geojson_layers_place_only_what_is_public() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        seed(&m).await;
        let (body, fc) = layer(&m, "/carte/signataires.geojson").await;
        let mut got = features(&fc);
        got.sort_by(|a, b| a.0.cmp(&b.0));
        let centre = |c: &str| {
            let (lon, lat) = commune_centre(c).expect(c);
            vec![lon, lat]
        };
        assert_eq!(got.len(), 2, "listed signatories only: {body}");
        assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("Dominique Listée", "individual"));
        assert_eq!(got[0].3, centre("Redon"), "an individual at the commune's centre, longitude first");
        assert!(got[0].3[0] < 0.0 && got[0].3[1] > 47.0, "[lon, lat]: {:?}", got[0].3);
        assert_eq!((got[1].0.as_str(), got[1].1.as_str()), ("Épicerie Solidaire", "structure"));
        assert_eq!(got[1].3, centre("Rennes"));
        assert!(got.iter().all(|f| f.2.starts_with(&m.url("/s/"))), "links to their actors: {got:?}");
        for private in [ADDRESS, PHONE, "dominique@example.org", "epicerie@example.org", "Camille", "Sam Représentant"]
        {
            assert!(!body.contains(private), "{private} in {body}");
        }

        let (_, fc) = layer(&m, "/carte/pratiques.geojson").await;
        let got = features(&fc);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].0.as_str(), got[0].1.as_str(), got[0].3.clone()),
            ("Magasin de producteurs", "practice", vec![-2.09, 47.66])
        );
        assert!(got[0].2.starts_with(&m.url("/pratiques/")), "{}", got[0].2);
        let (_, fc) = layer(&m, "/carte/actions.geojson").await;
        let got = features(&fc);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].1.as_str(), got[0].3.clone()), ("action", vec![-2.76, 47.658]));
        assert!(got[0].2.starts_with(&m.url("/t/territoire/actions/")), "{}", got[0].2);

        // The territory's layers hold the same (one territory here); unknown ones are 404.
        for l in ["signataires", "pratiques", "actions"] {
            let (a, _) = layer(&m, &format!("/carte/{l}.geojson")).await;
            let (b, _) = layer(&m, &format!("/t/territoire/carte/{l}.geojson")).await;
            assert_eq!(a, b, "{l}");
        }
        for bad in ["/carte/adresses.geojson", "/carte/signataires.json", "/t/nulle-part/carte/actions.geojson"] {
            let res = client().get(m.url(bad)).send().await.expect("GET");
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{bad}");
        }

        // The page: its CSP lets the tiles' host in for images only, the list is there.
        let res = client().get(m.url("/carte")).header("Accept", "text/html").send().await.expect("page");
        let csp = res.headers()["content-security-policy"].to_str().expect("csp").to_string();
        assert!(csp.contains("img-src 'self' data: https://tile.openstreetmap.org"), "{csp}");
        assert!(csp.contains("script-src 'self';") && !csp.contains("unsafe"), "{csp}");
        let html = res.text().await.expect("html");
        for want in
            ["Dominique Listée", "Épicerie Solidaire", "Magasin de producteurs", "/static/vendor/leaflet/leaflet.js"]
        {
            assert!(html.contains(want), "{want}");
        }
        for private in [ADDRESS, PHONE, "Camille"] {
            assert!(!html.contains(private), "{private} on the map page");
        }
        let obs = client().get(m.url("/t/territoire/observatoire")).send().await.expect("obs").text().await.expect("t");
        assert!(obs.contains("href=\"/t/territoire/carte\""), "the observatory links to its map");
        for (path, kind) in [
            ("/static/vendor/leaflet/leaflet.js", "text/javascript"),
            ("/static/vendor/leaflet/images/marker-icon.png", "image/png"),
            ("/static/map.js", "text/javascript"),
        ] {
            let res = client().get(m.url(path)).send().await.expect("static");
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            assert!(res.headers()["content-type"].to_str().expect("type").starts_with(kind), "{path}");
        }
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_draws_markers_on_a_phone_and_lists_them_without_javascript() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    seed(&m).await;
    let driver = start_browser().await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    c.goto(&m.url("/carte")).await.expect("goto");
    eventually(15, "Leaflet draws the three layers", || async {
        c.find(Locator::Css("#map[data-ready]")).await.is_ok()
    })
    .await;
    let markers = c.find_all(Locator::Css(".leaflet-marker-icon")).await.expect("markers");
    assert_eq!(markers.len(), 4, "two signatories, a practice, an action");
    for code in ["signataires", "pratiques", "actions"] {
        let found = c.find_all(Locator::Css(&format!(".map-marker-{code}"))).await.expect("markers");
        assert!(!found.is_empty(), "{code}");
    }
    shot(c, "map-phone-fr").await;
    // Markers open a popup linking to the page (a DOM click, as a tap on the marker gives).
    c.execute("document.querySelector('.map-marker-pratiques').click()", vec![]).await.expect("click");
    // The popup fades in: WebDriver reads no text while it is still transparent, so wait for the text.
    eventually(5, "the popup names the practice", || async {
        match c.find(Locator::Css(".leaflet-popup-content a")).await {
            Ok(link) => link.text().await.is_ok_and(|t| t == "Magasin de producteurs"),
            Err(_) => false,
        }
    })
    .await;
    let list = c.find(Locator::Css(".map-list")).await.expect("list").text().await.expect("text");
    assert!(list.contains("Dominique Listée") && list.contains("Marché des producteurs"), "{list}");
    shot(c, "map-popup-phone-fr").await;
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    drop(driver);

    let driver = start_browser_with(false).await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    c.goto(&m.url("/carte")).await.expect("goto");
    let map = c.find(Locator::Css("#map")).await.expect("map");
    assert!(!map.is_displayed().await.expect("displayed"), "no empty map box without JavaScript");
    let items = c.find_all(Locator::Css(".map-list li a")).await.expect("list");
    assert_eq!(items.len(), 4, "the list says the same");
    shot(c, "map-phone-nojs-fr").await;
    drop(driver);
    m.stop().await;
}
