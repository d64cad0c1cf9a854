//! The observatory (issue 13): reference indicators checked in forms and the API (422), figures
//! kept by the refresher and added up as each indicator's definition says, the pages' SVG
//! charts (parsed as XML, each with its title and data table), the Frictionless package checked
//! against the table-schema rules, and the network scope adding a followed instance's figures
//! with their origin.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{self, TestDb, TestInstance, call};
use maillage::domain::account::Role;

fn practice(title: &str, dimensions: Value) -> Value {
    json!({"title": title, "summary": "Une pratique mesurée.", "domains": ["alimentation"], "dimensions": dimensions})
}

/// Creates and publishes a practice through the API; its id.
async fn publish(m: &TestInstance, token: &str, body: Value) -> i64 {
    let (status, created) = call(Method::POST, m.url("/api/v1/practices"), Some(token), Some(body)).await;
    assert!(status.is_success(), "{status}: {created}");
    let id = created["id"].as_i64().expect("id");
    let (status, _) = call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(token), None).await;
    assert!(status.is_success(), "publish {status}");
    id
}

fn figure<'a>(data: &'a Value, origin: &str, figure: &str, key: &str, period: &str) -> Option<&'a Value> {
    data["figures"]
        .as_array()?
        .iter()
        .find(|f| f["territory"] == origin && f["figure"] == figure && f["key"] == key && f["period"] == period)
}

#[tokio::test]
async fn reference_indicators_are_checked_and_added_up() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        // Bad input: 422 with the field named, nothing written.
        for (indicator, key) in [
            (json!({"indicator": "cces:indicator/jobs-fte", "value": 3, "unit": "km"}), "indicator-unit-mismatch"),
            (
                json!({"indicator": "cces:indicator/jobs-fte", "value": 3, "period": "l'an dernier"}),
                "indicator-period-invalid",
            ),
            (json!({"indicator": "cces:indicator/jobs-fte", "value": "beaucoup"}), "indicator-not-a-number"),
            (json!({"indicator": "cces:indicator/jobs-fte", "value": -2}), "indicator-out-of-range"),
            (json!({"indicator": "cces:indicator/co2e-avoided", "value": 2}), "indicator-unknown-reference"),
        ] {
            let body = practice("Refusée", json!([{"dimension": "sociale", "indicators": [indicator]}]));
            let (status, answer) = call(Method::POST, m.url("/api/v1/practices"), Some(&modo), Some(body)).await;
            assert_eq!(status, 422, "{key}: {answer}");
            assert!(answer.to_string().contains("indicators"), "{key}: {answer}");
        }
        let (_, listed) = call(Method::GET, m.url("/api/v1/practices?q=refusee"), None, None).await;
        assert_eq!(listed, json!([]), "nothing half-written");

        let share = "cces:indicator/producer-price-share";
        let first = publish(
            &m,
            &modo,
            practice(
                "Magasin de producteurs",
                json!([
                    {"dimension": "sociale", "indicators": [{"indicator": "cces:indicator/jobs-fte", "value": "2,5", "period": "2025"}]},
                    {"dimension": "economique", "indicators": [
                        {"indicator": share, "value": 60, "unit": "%", "period": "2025"},
                        {"name": "Chiffre d'affaires", "value": 18400, "unit": "€", "period": "2025"}
                    ]}
                ]),
            ),
        )
        .await;
        publish(
            &m,
            &modo,
            practice(
                "Épicerie paysanne",
                json!([{"dimension": "economique", "indicators": [{"indicator": share, "value": 80, "period": "2025"}]}]),
            ),
        )
        .await;
        // The reference id is stored with the indicator and federates in the Article.
        let rows = m.data.store.practice_indicator_rows(maillage::domain::ids::PracticeId(first)).await.expect("db");
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].1.as_deref(), Some("cces:indicator/jobs-fte"));
        assert_eq!(rows[0].0, "Emplois créés", "a reference indicator without a name takes its label");
        assert_eq!(rows[2].1, None, "a free indicator stays free");
        let (_, stored) = call(Method::GET, m.url(&format!("/api/v1/practices/{first}")), None, None).await;
        assert!(stored.to_string().contains(r#"\"cces:indicator\":\"cces:indicator/jobs-fte\""#), "{stored}");

        let origin = m.territory();
        let url = m.url("/observatoire.json");
        common::eventually(15, "figures refreshed", || async {
            let data = call(Method::GET, url.clone(), None, None).await.1;
            figure(&data, &origin, "practices.published", "", "all").is_some_and(|f| f["value"] == 2.0)
        })
        .await;
        let data = call(Method::GET, url.clone(), None, None).await.1;
        let share_2025 = figure(&data, &origin, "indicator", share, "2025").expect("share figure");
        assert_eq!(share_2025["value"], 70.0, "a share is the mean of the shares given: {share_2025}");
        assert_eq!(share_2025["count"], 2);
        assert_eq!(share_2025["aggregation"], "share");
        let jobs = figure(&data, &origin, "indicator", "cces:indicator/jobs-fte", "2025").expect("jobs");
        assert_eq!(jobs["value"], 2.5);
        assert_eq!(jobs["unit"], "ETP");
        assert_eq!(figure(&data, &origin, "practices.domain", "alimentation", "all").expect("domain")["value"], 2.0);
        assert_eq!(data["licence"], "Licence Ouverte / Etalab 2.0");

        // A moderator maps a free indicator to a reference one: the figures follow.
        {
            let mut tx = m.data.store.begin().await.expect("tx");
            maillage::storage::observatory::map_indicator(
                &mut tx,
                "Chiffre d'affaires",
                "€",
                "cces:indicator/local-spending-kept",
                "test",
            )
            .await
            .expect("map");
            tx.commit().await.expect("commit");
        }
        common::eventually(15, "mapped indicator counted", || async {
            let data = call(Method::GET, url.clone(), None, None).await.1;
            figure(&data, &origin, "indicator", "cces:indicator/local-spending-kept", "2025")
                .is_some_and(|f| f["value"] == 18400.0)
        })
        .await;

        // Charts as XML: each an image with a title and a description, and a table beside it.
        let page = common::get_html(&m.url("/observatoire")).await;
        assert_svg_charts(&page);
        assert!(page.contains("Magasin de producteurs") && page.contains("70"), "figures link their sources");
        let en = common::client()
            .get(m.url("/t/territoire/observatoire?scope=reseau"))
            .header("Accept", "text/html")
            .header("Accept-Language", "en")
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("text");
        assert!(en.contains("Observatory") && en.contains("aria-current=\"page\">The network"), "English, scope shown");
        assert_svg_charts(&en);
        let csv = common::client().get(m.url("/t/territoire/observatoire.csv")).send().await.expect("csv");
        assert_eq!(csv.status(), 200);
        assert!(csv.text().await.expect("csv").starts_with("territory,territory_name,local,"));
        m.stop().await;
    }
}

/// Every `<svg>` of the page parses as XML, is an image with a title and a description, and a
/// data table follows it.
fn assert_svg_charts(page: &str) {
    let mut rest = page;
    let mut count = 0;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + "</svg>".len();
        let svg = &rest[start..end];
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG is XML: {e}\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        let title = root.children().find(|n| n.has_tag_name("title")).and_then(|t| t.text()).unwrap_or_default();
        let desc = root.children().find(|n| n.has_tag_name("desc")).and_then(|t| t.text()).unwrap_or_default();
        assert!(!title.trim().is_empty() && !desc.trim().is_empty(), "{svg}");
        let labelled = root.attribute("aria-labelledby").unwrap_or_default();
        assert!(labelled.contains(
            root.children().find(|n| n.has_tag_name("title")).and_then(|t| t.attribute("id")).unwrap_or("?")
        ));
        assert!(root.descendants().any(|n| n.has_tag_name("rect")), "bars drawn");
        rest = &rest[end..];
        let table = rest.find("<table class=\"data\">").expect("a table after the chart");
        assert!(rest.find("<svg").is_none_or(|next| table < next), "the chart's own table follows it");
        count += 1;
    }
    assert!(count >= 3, "charts drawn: {count}");
}

/// The Frictionless table-schema rules this package relies on
/// (https://specs.frictionlessdata.io/data-package/, /table-schema/), and each resource's CSV
/// against its schema: the header names the fields in order, each cell has its type.
#[tokio::test]
async fn datapackage_follows_the_frictionless_rules() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let modo = m.token(Role::Moderator).await;
    publish(
        &m,
        &modo,
        practice(
            "Compost partagé",
            json!([{"dimension": "environnementale", "indicators": [{"indicator": "cces:indicator/waste-avoided", "value": 12, "period": "2025-T2"}]}]),
        ),
    )
    .await;
    let origin = m.territory();
    common::eventually(15, "figures refreshed", || async {
        let data = call(Method::GET, m.url("/observatoire.json"), None, None).await.1;
        figure(&data, &origin, "indicator", "cces:indicator/waste-avoided", "2025-Q2").is_some()
    })
    .await;
    let p = common::get_json(&m.url("/observatoire/datapackage.json")).await;
    let name_ok = |s: &Value| {
        s.as_str().is_some_and(|s| {
            !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        })
    };
    assert!(name_ok(&p["name"]), "{p}");
    assert_eq!(p["profile"], "tabular-data-package");
    let licences = p["licenses"].as_array().expect("licenses");
    assert!(licences.iter().all(|l| l["name"].is_string() || l["path"].is_string()));
    assert_eq!(licences[0]["title"], "Licence Ouverte / Etalab 2.0");
    let resources = p["resources"].as_array().expect("resources");
    assert!(!resources.is_empty());
    let types = [
        "string",
        "number",
        "integer",
        "boolean",
        "object",
        "array",
        "date",
        "time",
        "datetime",
        "year",
        "yearmonth",
        "duration",
        "geopoint",
        "geojson",
        "any",
    ];
    for r in resources {
        assert!(name_ok(&r["name"]), "{r}");
        assert_eq!(r["profile"], "tabular-data-resource");
        let fields = r["schema"]["fields"].as_array().expect("fields");
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().expect("field name")).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "field names are unique");
        for f in fields {
            assert!(types.contains(&f["type"].as_str().expect("type")), "{f}");
        }
        for k in r["schema"]["primaryKey"].as_array().expect("primary key") {
            assert!(names.contains(&k.as_str().expect("key")), "primary key {k} is a field");
        }
        // Fetch the resource where it is (its URL is the instance's public one).
        let path = r["path"].as_str().expect("path");
        let url = url::Url::parse(path).expect("absolute path");
        let local = m.url(&format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()));
        let text = common::client().get(local).send().await.expect("csv").text().await.expect("csv text");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().expect("header").iter().map(String::from).collect();
        assert_eq!(header, names, "the CSV's header is the schema's fields");
        let mut rows = 0;
        let mut keys = std::collections::HashSet::new();
        for record in reader.records() {
            let record = record.expect("record");
            for (cell, f) in record.iter().zip(fields) {
                let ok = match f["type"].as_str().unwrap_or_default() {
                    "number" => cell.parse::<f64>().is_ok(),
                    "integer" => cell.parse::<i64>().is_ok(),
                    "boolean" => matches!(cell, "true" | "false"),
                    _ => true,
                };
                assert!(ok, "{cell:?} is a {} ({})", f["type"], f["name"]);
            }
            let key: Vec<String> = r["schema"]["primaryKey"]
                .as_array()
                .expect("key")
                .iter()
                .map(|k| record[names.iter().position(|n| Some(*n) == k.as_str()).expect("field")].to_string())
                .collect();
            assert!(keys.insert(key), "primary key unique");
            rows += 1;
        }
        assert!(rows > 0, "{} has rows", r["name"]);
    }
    m.stop().await;
}

/// B follows A: B's network observatory adds A's figures to its own, each attributed, A's with
/// the date it was received; B's instance scope keeps its own only.
#[tokio::test]
async fn the_network_adds_a_followed_territory() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let share = "cces:indicator/producer-price-share";
    let dims = |v: i64| json!([{"dimension": "economique", "indicators": [{"indicator": share, "value": v, "period": "2025"}]}]);
    maillage::processing::follows::follow_remote(&b.data, "territoire", &format!("territoire@{}", a.authority))
        .await
        .expect("follow");
    common::eventually(10, "B follows A", || async {
        common::get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 1
    })
    .await;
    publish(&a, &a.token(Role::Moderator).await, practice("Halle paysanne", dims(50))).await;
    publish(&b, &b.token(Role::Moderator).await, practice("Marché de plein vent", dims(90))).await;
    let (oa, ob) = (a.territory(), b.territory());
    let network = b.url("/observatoire.json?scope=reseau");
    common::eventually(20, "A's figures on B", || async {
        let data = call(Method::GET, network.clone(), None, None).await.1;
        figure(&data, &oa, "indicator", share, "2025").is_some()
            && figure(&data, &ob, "indicator", share, "2025").is_some()
    })
    .await;
    let data = call(Method::GET, network.clone(), None, None).await.1;
    let from_a = figure(&data, &oa, "indicator", share, "2025").expect("A");
    assert_eq!(from_a["value"], 50.0);
    assert_eq!(from_a["local"], false);
    assert!(from_a["received_at"].as_str().is_some_and(|d| d.len() >= 20), "{from_a}");
    assert_eq!(figure(&data, &ob, "indicator", share, "2025").expect("B")["local"], true);
    let instance = call(Method::GET, b.url("/observatoire.json?scope=instance"), None, None).await.1;
    assert!(figure(&instance, &oa, "indicator", share, "2025").is_none(), "the instance scope is B's own");
    // The page adds both (a mean share of 70 %) and names both territories and practices.
    let page = common::get_html(&b.url("/observatoire?scope=reseau")).await;
    assert!(page.contains("Halle paysanne") && page.contains("Marché de plein vent"), "sources of both");
    assert!(page.contains(&oa), "A is named as an origin");
    assert!(page.contains("70"), "the network's mean share");
    a.stop().await;
    b.stop().await;
}
