//! The observatory across instances (issue 13, points 2, 4 and 9): each territory's figures
//! travel as its `cces:Aggregate`; three instances, B and C following A: B's network adds its
//! own figures and A's (even A's signatories, which only the aggregate carries), each
//! attributed, and an evaluation recorded on A changes B's figures with the action as source.
//! Received aggregates from a territory not followed, with a negative count, a value outside
//! its indicator's range, or older than the one kept are ignored, never shown; a forged one is
//! refused.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    TestDb, TestInstance, call, eventually,
    fleet::{MockInbox, add_followers_of_kind},
    get_html, get_json,
    peer::Peer,
};
use maillage::domain::account::Role;

const SHARE: &str = "cces:indicator/producer-price-share";
const VOLUNTEERS: &str = "cces:indicator/volunteers";

fn practice(title: &str, share: i64) -> Value {
    json!({"title": title, "summary": "Une pratique mesurée.", "domains": ["alimentation"],
        "dimensions": [{"dimension": "economique", "indicators": [{"indicator": SHARE, "value": share, "period": "2025"}]}]})
}

async fn publish(m: &TestInstance, token: &str, body: Value) {
    let (s, created) = call(Method::POST, m.url("/api/v1/practices"), Some(token), Some(body)).await;
    assert!(s.is_success(), "{s}: {created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/practices/{id}/publish")), Some(token), None).await;
    assert!(s.is_success(), "publish {s}");
}

/// The network's figure of `origin` (its value), if shown.
async fn network_value(m: &TestInstance, origin: &str, figure: &str, key: &str, period: &str) -> Option<f64> {
    let data = call(Method::GET, m.url("/observatoire.json?scope=reseau"), None, None).await.1;
    data["figures"].as_array()?.iter().find_map(|f| {
        (f["territory"] == origin && f["figure"] == figure && f["key"] == key && f["period"] == period)
            .then(|| f["value"].as_f64())
            .flatten()
    })
}

async fn follow(follower: &TestInstance, followed: &TestInstance) {
    let handle = format!("territoire@{}", followed.authority);
    maillage::processing::follows::follow_remote(&follower.data, "territoire", &handle).await.expect("follow");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_add_a_followed_territorys_aggregate() {
    let a = TestInstance::start(TestDb::sqlite().await).await;
    let b = TestInstance::start(TestDb::prefer_postgres().await).await;
    let c = TestInstance::start(TestDb::sqlite().await).await;
    follow(&b, &a).await;
    follow(&c, &a).await;
    eventually(15, "B and C follow A", || async {
        get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 2
    })
    .await;
    // A: three approved signatories (a structure, two individuals), a practice and an action.
    crate::map::seed(&a).await;
    let ta = a.token(Role::Moderator).await;
    publish(&a, &ta, practice("Halle paysanne", 50)).await;
    publish(&b, &b.token(Role::Moderator).await, practice("Marché de plein vent", 90)).await;
    let (oa, ob) = (a.territory(), b.territory());

    // Signatories never federate one by one: on B and C they come from A's aggregate only.
    for m in [&b, &c] {
        eventually(30, "A's aggregate received", || async {
            network_value(m, &oa, "signatories.kind", "structure", "all").await == Some(1.0)
                && network_value(m, &oa, "indicator", SHARE, "2025").await == Some(50.0)
        })
        .await;
    }
    assert_eq!(network_value(&b, &oa, "signatories.kind", "individual", "all").await, Some(2.0));
    assert_eq!(network_value(&b, &ob, "indicator", SHARE, "2025").await, Some(90.0), "B's own");
    let received = call(Method::GET, b.url("/observatoire.json?scope=reseau"), None, None).await.1;
    let from_a = received["figures"].as_array().expect("figures").iter().find(|f| f["territory"] == oa).expect("A");
    assert_eq!(from_a["local"], false);
    assert!(from_a["received_at"].as_str().is_some_and(|d| d.len() >= 20), "the date received: {from_a}");
    let page = get_html(&b.url("/observatoire?scope=reseau")).await;
    assert!(page.contains("Halle paysanne") && page.contains("Marché de plein vent"), "sources of both");
    assert!(page.contains(&oa), "A is named as an origin");
    assert!(page.contains("70"), "the network's mean share of 50 and 90");

    // The map's network scope and the observatory's GeoJSON on B (RFC 7946: Points, [lon, lat]).
    let (_, here) = crate::map::layer(&b, "/carte/pratiques.geojson").await;
    assert!(crate::map::features(&here).iter().all(|f| f.0 != "Magasin de producteurs"), "B's own practices only");
    eventually(15, "A's practice on B's network map", || async {
        let (_, net) = crate::map::layer(&b, "/carte/pratiques.geojson?scope=reseau").await;
        crate::map::features(&net).iter().any(|(name, kind, link, at)| {
            name == "Magasin de producteurs"
                && kind == "practice"
                && link.starts_with(&a.url("/"))
                && (at[0] + 2.09).abs() < 1e-6
                && (at[1] - 47.66).abs() < 1e-6
        })
    })
    .await;
    assert!(
        get_html(&b.url("/carte?scope=reseau")).await.contains("Magasin de producteurs"),
        "listed without JavaScript"
    );
    let (_, obs) = crate::map::layer(&b, "/observatoire.geojson?scope=reseau").await;
    let rennes = obs
        .features
        .iter()
        .find(|f| f.property("commune").and_then(Value::as_str) == Some("Rennes"))
        .expect("A's signatories in Rennes");
    let geometry = rennes.geometry.as_ref().expect("geometry");
    let geojson::GeometryValue::Point { coordinates } = &geometry.value else { panic!("not a Point: {geometry:?}") };
    assert!(
        (-1.8..-1.6).contains(&coordinates[0]) && (48.0..48.2).contains(&coordinates[1]),
        "[lon, lat]: {coordinates:?}"
    );
    assert_eq!(rennes.property("territory").and_then(Value::as_str), Some(oa.as_str()));
    assert_eq!(rennes.property("value").and_then(Value::as_f64), Some(1.0));
    assert_eq!(rennes.property("local").and_then(Value::as_bool), Some(false));
    let (body, _) = crate::map::layer(&b, "/observatoire.geojson?scope=instance").await;
    assert!(!body.contains("Rennes"), "B's instance scope has no signatory of A: {body}");

    // The aggregate as A serves it.
    let served = get_json(&a.url("/t/territoire/observatoire/agregat")).await;
    assert_eq!(served["type"], "cces:Aggregate");
    assert_eq!(served["attributedTo"], oa);
    assert_eq!(served["cces:vocabulary"], "2026.1");
    let figures = served["cces:figures"].as_array().expect("figures");
    let share = figures
        .iter()
        .find(|f| f["cces:figure"] == "indicator" && f["cces:key"] == SHARE && f["cces:period"] == "2025")
        .expect("the share");
    assert_eq!((share["cces:total"].as_f64(), share["cces:count"].as_i64()), (Some(50.0), Some(1)));
    assert_eq!(share["cces:sources"][0]["name"], "Halle paysanne");
    assert!(!served.to_string().contains("@example.org"), "no email in the aggregate");

    // An evaluation recorded on A: its reference indicator reaches B, the action as source.
    let now = chrono::Utc::now();
    let action = json!({"title": "Chantier participatif", "summary": "Un chantier ouvert à tous.",
        "start": (now - chrono::Duration::hours(1)).to_rfc3339(), "end": (now + chrono::Duration::hours(2)).to_rfc3339(),
        "timezone": "Europe/Paris", "place_name": "Jardin", "commune": "Redon", "dimensions": ["sociale"]});
    let (s, created) = call(Method::POST, a.url("/api/v1/actions"), Some(&ta), Some(action)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let x = created["id"].as_i64().expect("id");
    if created["publication"] != "published" {
        let (s, _) = call(Method::POST, a.url(&format!("/api/v1/actions/{x}/publish")), Some(&ta), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
    }
    let ended = (now - chrono::Duration::minutes(1)).to_rfc3339();
    let (s, e) =
        call(Method::PATCH, a.url(&format!("/api/v1/actions/{x}")), Some(&ta), Some(json!({"end": ended}))).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    let eval = json!({"summary": "Douze bénévoles.", "participants": 30, "indicators": [
        {"dimension": "sociale", "label": "Bénévoles", "value": 12, "unit": "personnes", "period": "2026",
         "cces_indicator": VOLUNTEERS}]});
    let (s, e) = call(Method::PUT, a.url(&format!("/api/v1/actions/{x}/evaluation")), Some(&ta), Some(eval)).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
    eventually(30, "A's evaluation in B's figures", || async {
        network_value(&b, &oa, "indicator", VOLUNTEERS, "2026").await == Some(12.0)
    })
    .await;
    assert_eq!(network_value(&a, &oa, "indicator", VOLUNTEERS, "2026").await, Some(12.0), "A's own view too");
    let page = get_html(&b.url("/observatoire?scope=reseau")).await;
    assert!(page.contains("Chantier participatif"), "the evaluated action is the figure's source");
    a.stop().await;
    b.stop().await;
    c.stop().await;
}

/// Issue 13, points 4 and 7: the network scope of an observatory instance O that subscribes to
/// A as a whole (O's instance actor follows A's; no territory of O follows A's territory) counts
/// A's territory, attributed with its origin and the date received, on the observatory, its
/// exports and the map; the instance scope does not. O on each backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_counts_territories_of_a_subscribed_instance() {
    use maillage::{domain::subscription::SubscriptionKind, processing::subscriptions};
    for db in TestDb::all().await {
        let o = TestInstance::start(db).await;
        let a = TestInstance::start(TestDb::sqlite().await).await;
        subscriptions::subscribe(&o.data, &a.url("/"), SubscriptionKind::Instance, "test").await.expect("subscribe");
        eventually(15, "A accepts O's subscription", || async {
            o.data.store.subscriptions().await.expect("db").first().map(|s| s.state)
                == Some(maillage::domain::territory::FollowState::Accepted)
        })
        .await;
        let mut body = practice("Conserverie du Pays", 40);
        body["commune"] = json!("Redon");
        body["latitude"] = json!(47.66);
        body["longitude"] = json!(-2.09);
        publish(&a, &a.token(Role::Moderator).await, body).await;
        let oa = a.territory();
        eventually(30, "A's figures in O's network", || async {
            network_value(&o, &oa, "indicator", SHARE, "2025").await == Some(40.0)
        })
        .await;
        let follows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM following").fetch_one(o.data.store.pool()).await.expect("db");
        assert_eq!(follows, 0, "no territory of O follows A's: only the subscription brings it");
        let data = call(Method::GET, o.url("/observatoire.json?scope=reseau"), None, None).await.1;
        let from_a = data["figures"].as_array().expect("figures").iter().find(|f| f["territory"] == oa).expect("A");
        assert_eq!(from_a["local"], false);
        assert!(from_a["received_at"].as_str().is_some_and(|d| d.len() >= 20), "the date received: {from_a}");
        let page = get_html(&o.url("/observatoire?scope=reseau")).await;
        assert!(page.contains(&oa) && page.contains("Conserverie du Pays"), "origin and source named");
        let here = call(Method::GET, o.url("/observatoire.json?scope=instance"), None, None).await.1;
        assert!(
            here["figures"].as_array().expect("figures").iter().all(|f| f["territory"] != oa),
            "the instance scope counts O's own territories only"
        );
        eventually(15, "A's practice on O's network map", || async {
            let (_, net) = crate::map::layer(&o, "/carte/pratiques.geojson?scope=reseau").await;
            crate::map::features(&net).iter().any(|(name, kind, link, _)| {
                name == "Conserverie du Pays" && kind == "practice" && link.starts_with(&a.url("/"))
            })
        })
        .await;
        let (body, _) = crate::map::layer(&o, "/carte/pratiques.geojson").await;
        assert!(!body.contains("Conserverie du Pays"), "not on O's own map");
        o.stop().await;
        a.stop().await;
    }
}

/// A figure of a peer's aggregate.
fn fig(figure: &str, key: &str, period: &str, total: f64, count: i64) -> Value {
    json!({"cces:figure": figure, "cces:key": key, "cces:period": period, "cces:total": total, "cces:count": count})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn received_aggregates_are_checked_before_they_count() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let peer = Peer::start().await;
    let origin = peer.actor_id().to_string();
    let inbox = m.url("/inbox");
    let aggregate = |kind: &str, updated: &str, figures: Vec<Value>| {
        json!({"@context": ["https://www.w3.org/ns/activitystreams", {"cces": "https://maillage.cces.fr/ns#"}],
            "id": peer.new_id(), "type": kind, "actor": origin,
            "object": {"id": peer.base.join("observatoire/agregat").expect("url"), "type": "cces:Aggregate",
                "attributedTo": origin, "to": ["https://www.w3.org/ns/activitystreams#Public"], "updated": updated,
                "cces:vocabulary": "2026.1", "cces:figures": figures}})
        .to_string()
    };
    let jobs = |total: f64| fig("indicator", "cces:indicator/jobs-fte", "2025", total, 1);
    let stored = || async {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observatory_figures WHERE origin = $1")
            .bind(&origin)
            .fetch_one(m.data.store.pool())
            .await
            .expect("db");
        n
    };
    let shown = || network_value(&m, &origin, "indicator", "cces:indicator/jobs-fte", "2025");

    // Not followed: ignored (202), nothing stored.
    let first = aggregate("Create", "2026-01-01T00:00:00Z", vec![jobs(3.0)]);
    assert_eq!(peer.post_signed(&inbox, &first).await, StatusCode::ACCEPTED);
    assert_eq!(stored().await, 0, "an aggregate from a territory not followed is not stored");

    // Followed (accepted): stored, shown with its origin.
    maillage::processing::follows::follow_remote(&m.data, "territoire", &origin).await.expect("follow");
    eventually(10, "our Follow reaches the peer", || async { peer.received().iter().any(|a| a["type"] == "Follow") })
        .await;
    let follow_id = peer.received().into_iter().find(|a| a["type"] == "Follow").expect("follow")["id"].clone();
    let accept = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": peer.new_id(), "type": "Accept",
        "actor": origin, "object": follow_id});
    assert_eq!(peer.post_signed(&inbox, &accept.to_string()).await, StatusCode::ACCEPTED);
    let mut figures = vec![jobs(3.0), fig("signatories.kind", "structure", "all", 4.0, 4)];
    figures[0]["cces:sources"] = json!([{"id": "javascript:alert(1)", "name": "Piège"},
        {"id": peer.base.join("practices/1").expect("url"), "name": "Recyclerie"}]);
    let valid = aggregate("Create", "2026-01-02T00:00:00Z", figures);
    assert_eq!(peer.post_signed(&inbox, &valid).await, StatusCode::ACCEPTED);
    assert_eq!(shown().await, Some(3.0));
    assert_eq!(network_value(&m, &origin, "signatories.kind", "structure", "all").await, Some(4.0));
    let page = get_html(&m.url("/observatoire?scope=reseau")).await;
    assert!(page.contains("Recyclerie") && !page.contains("javascript:alert"), "only usable source links");

    // Each bad aggregate is ignored whole: the figures kept stay as they were.
    for (what, figures) in [
        ("a negative count", vec![jobs(5.0), fig("actions.participants", "", "all", -40.0, 2)]),
        ("a negative number of values", vec![jobs(5.0), fig("practices.published", "", "all", 2.0, -2)]),
        ("a share above 100 %", vec![jobs(5.0), fig("indicator", SHARE, "2025", 250.0, 1)]),
        ("jobs outside the range", vec![jobs(1e9)]),
    ] {
        let update = aggregate("Update", "2026-01-03T00:00:00Z", figures);
        assert_eq!(peer.post_signed(&inbox, &update).await, StatusCode::ACCEPTED, "{what}");
        assert_eq!(shown().await, Some(3.0), "{what}: ignored, never shown");
    }
    // Older than the one kept: ignored.
    let late = aggregate("Update", "2025-12-31T00:00:00Z", vec![jobs(7.0)]);
    assert_eq!(peer.post_signed(&inbox, &late).await, StatusCode::ACCEPTED);
    assert_eq!(shown().await, Some(3.0), "an older aggregate arriving late changes nothing");
    // Someone else's figures: refused.
    let mut forged: Value =
        serde_json::from_str(&aggregate("Update", "2026-01-04T00:00:00Z", vec![jobs(9.0)])).expect("json");
    forged["object"]["attributedTo"] = json!(m.territory());
    assert_eq!(peer.post_signed(&inbox, &forged.to_string()).await, StatusCode::FORBIDDEN);
    // A newer, plausible one replaces the figures.
    let newer = aggregate("Update", "2026-01-05T00:00:00Z", vec![jobs(5.0)]);
    assert_eq!(peer.post_signed(&inbox, &newer).await, StatusCode::ACCEPTED);
    assert_eq!(shown().await, Some(5.0));
    assert_eq!(network_value(&m, &origin, "signatories.kind", "structure", "all").await, None, "replaced whole");
    peer.stop().await;
    m.stop().await;
}

/// A moderator maps a free indicator to a reference one in the console: a unit that does not
/// match or an unknown reference is a 422 beside its field (nothing written); once mapped, the
/// practices already published count in the reference indicator's figure, and the audit log
/// says who did it.
#[tokio::test]
async fn a_moderator_maps_a_free_indicator() {
    use crate::common::web::Browser;
    const PW: &str = "un mot de passe solide";
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let token = m.token(Role::Moderator).await;
    let free = json!({"title": "Atelier vélo", "summary": "Réparer ensemble.", "domains": ["mobilite"],
        "dimensions": [{"dimension": "sociale", "indicators": [{"name": "Emplois créés", "value": 2, "unit": "ETP", "period": "2025"}]}]});
    publish(&m, &token, free).await;
    let jobs = "cces:indicator/jobs-fte";
    let mine = m.territory();
    let mut modo = Browser::new(m.url("").trim_end_matches('/'));
    modo.login("modo@cces.example", PW).await;
    let page = modo.get("/admin/indicateurs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("emplois créés") && page.body.contains(&format!("value=\"{jobs}\"")), "{}", page.body);
    let csrf = page.csrf();
    let post = |unit: &'static str, reference: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("label", "Emplois créés".to_string()),
            ("unit", unit.to_string()),
            ("reference", reference.to_string()),
        ]
    };
    for (unit, reference, field) in [("h", jobs, "unit"), ("ETP", "cces:indicator/nope", "reference")] {
        let form = post(unit, reference);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = modo.post("/admin/indicateurs", &pairs).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{unit} {reference}");
        assert!(refused.body.contains(&format!("id=\"{field}-error\"")), "{}", refused.body);
    }
    assert_eq!(network_value(&m, &mine, "indicator", jobs, "2025").await, None, "nothing mapped yet");
    let form = post("ETP", jobs);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(modo.post("/admin/indicateurs", &pairs).await.status, StatusCode::SEE_OTHER);
    eventually(15, "the mapped indicator counted", || async {
        network_value(&m, &mine, "indicator", jobs, "2025").await == Some(2.0)
    })
    .await;
    assert!(!modo.get("/admin/indicateurs").await.body.contains("emplois créés"), "no longer a free indicator");
    let audit = m.data.store.audit_page(20, 0).await.expect("db");
    assert!(audit.iter().any(|e| e.action == "observatory.indicator.map" && e.actor == "modo@cces.example"));
    m.stop().await;
}

/// The observatory on a phone (390 px) in headless Chromium: its SVG charts fit the screen (no
/// sideways scrolling), each with its title and its data table, and the page works without
/// JavaScript alike. Screenshots in target/screenshots/observatory-*.png.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_observatory_reads_on_a_phone() {
    use crate::common::browser::{csp_violations, shot, start_browser, start_browser_with};
    use fantoccini::Locator;
    let m = TestInstance::start(TestDb::sqlite().await).await;
    crate::map::seed(&m).await;
    publish(&m, &m.token(Role::Moderator).await, practice("Halle paysanne", 62)).await;
    eventually(15, "the figures are computed", || async {
        network_value(&m, &m.territory(), "indicator", SHARE, "2025").await == Some(62.0)
    })
    .await;
    for javascript in [true, false] {
        let driver = if javascript { start_browser().await } else { start_browser_with(false).await };
        let c = &driver.client;
        c.set_window_size(390, 844).await.expect("phone");
        for (path, name) in [("/observatoire", "instance"), ("/observatoire?scope=reseau", "network")] {
            c.goto(&m.url(path)).await.expect("goto");
            let charts = c.find_all(Locator::Css("svg.chart")).await.expect("charts");
            assert!(!charts.is_empty(), "{path}: charts");
            for chart in &charts {
                assert!(chart.find(Locator::Css("title")).await.is_ok(), "{path}: each chart has a title");
            }
            let tables = c.find_all(Locator::Css("table.data")).await.expect("tables");
            assert!(tables.len() >= charts.len(), "{path}: a data table beside each chart");
            // Measured by script, so with JavaScript on (the layout is the same without).
            if javascript {
                let fits = c
                    .execute("return document.documentElement.scrollWidth <= window.innerWidth;", vec![])
                    .await
                    .expect("width");
                assert_eq!(fits, Value::Bool(true), "{path}: no sideways scrolling on a phone");
                let width = c
                    .execute("return Math.max(...[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().right));", vec![])
                    .await
                    .expect("svg width");
                assert!(width.as_f64().is_some_and(|w| w <= 390.0), "{path}: charts within the screen ({width})");
            }
            let text = c.find(Locator::Css("main")).await.expect("main").text().await.expect("text");
            assert!(text.contains("Halle paysanne"), "{path}: the figures name their sources");
            shot(c, &format!("observatory-{name}-phone-{}fr", if javascript { "" } else { "nojs-" })).await;
        }
        if javascript {
            assert_eq!(csp_violations(c).await, Vec::<String>::new());
        }
        drop(driver);
    }
    m.stop().await;
}

/// Only followers through which another Maillage follows (a territory's `Group`, an instance's
/// `Application`) are asked their software when an aggregate goes out: a person's server is
/// not (issue 14: at each start, a NodeInfo request to every follower host).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_groups_and_instance_actors_are_candidates_for_the_aggregate() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let (people, groups) = (MockInbox::start().await, MockInbox::start().await);
    add_followers_of_kind(&m.data.store, &[(people.inbox("users/p"), None)], "Person").await;
    add_followers_of_kind(&m.data.store, &[(groups.inbox("c/g"), None)], "Group").await;
    let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("territory");
    assert_eq!(m.data.store.follower_inboxes(t.id).await.expect("inboxes").len(), 2);
    let candidates = m.data.store.instance_like_follower_inboxes(t.id).await.expect("candidates");
    assert_eq!(candidates, vec![groups.inbox("c/g")]);
    people.stop().await;
    groups.stop().await;
    m.stop().await;
}
