//! Discovery and actor documents as fediverse software reads them.

use crate::common;

use common::{TestDb, TestInstance, client, get_json};
use reqwest::StatusCode;
use serde::Deserialize;

/// NodeInfo 2.1 with every field a strict parser (Fedify) requires.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct StrictNodeInfo {
    version: String,
    software: Software,
    protocols: Vec<String>,
    services: Services,
    open_registrations: bool,
    usage: Usage,
    metadata: serde_json::Map<String, serde_json::Value>,
}
#[derive(Deserialize)]
#[allow(dead_code)]
struct Software {
    name: String,
    version: String,
}
#[derive(Deserialize)]
#[allow(dead_code)]
struct Services {
    inbound: Vec<String>,
    outbound: Vec<String>,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Usage {
    users: Users,
    local_posts: i64,
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Users {
    total: i64,
    active_month: i64,
    active_halfyear: i64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webfinger_nodeinfo_hostmeta_and_actors() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let a = &m.authority;
    let c = client();

    // WebFinger: raw, percent-encoded, by actor URL.
    for resource in
        [format!("acct:territoire@{a}"), format!("acct%3Aterritoire%40{}", a.replace(':', "%3A")), m.territory()]
    {
        let res = c.get(m.url(&format!("/.well-known/webfinger?resource={resource}"))).send().await.expect("wf");
        assert_eq!(res.status(), StatusCode::OK, "{resource}");
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        assert!(res.headers()["content-type"].to_str().expect("ct").starts_with("application/jrd+json"));
        let jrd: serde_json::Value = res.json().await.expect("json");
        assert_eq!(jrd["subject"], format!("acct:territoire@{a}"));
        let links = jrd["links"].as_array().expect("links");
        assert!(
            links
                .iter()
                .any(|l| l["rel"] == "self" && l["type"] == "application/activity+json" && l["href"] == m.territory())
        );
    }
    for (resource, status) in [
        (format!("acct:nobody@{a}"), StatusCode::NOT_FOUND),
        ("acct:territoire@other.example".to_string(), StatusCode::NOT_FOUND),
        ("http://other.example/t/territoire".to_string(), StatusCode::NOT_FOUND),
        ("not a resource".to_string(), StatusCode::NOT_FOUND),
    ] {
        let res = c
            .get(url::Url::parse_with_params(&m.url("/.well-known/webfinger"), [("resource", &resource)]).expect("url"))
            .send()
            .await
            .expect("wf");
        assert_eq!(res.status(), status, "{resource}");
    }
    assert_eq!(c.get(m.url("/.well-known/webfinger")).send().await.expect("wf").status(), StatusCode::BAD_REQUEST);

    // The instance actor (FEP-d556 by origin, Mastodon's acct:host@host).
    for resource in [m.url("/"), format!("acct:{a}@{a}")] {
        let jrd: serde_json::Value = c
            .get(url::Url::parse_with_params(&m.url("/.well-known/webfinger"), [("resource", &resource)]).expect("url"))
            .send()
            .await
            .expect("wf")
            .json()
            .await
            .expect("json");
        assert_eq!(jrd["links"][0]["href"], m.url("/actor"), "{resource}");
    }
    let app = get_json(&m.url("/actor")).await;
    assert_eq!(app["type"], "Application");
    assert!(app["publicKey"]["publicKeyPem"].as_str().expect("pem").contains("BEGIN PUBLIC KEY"));

    // NodeInfo, parsed strictly; FEP-2677 link to the application actor.
    let links = get_json(&m.url("/.well-known/nodeinfo")).await;
    let links = links["links"].as_array().expect("links");
    let href = links
        .iter()
        .find(|l| l["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1")
        .and_then(|l| l["href"].as_str())
        .expect("2.1 link");
    assert!(
        links
            .iter()
            .any(|l| l["rel"] == "https://www.w3.org/ns/activitystreams#Application" && l["href"] == m.url("/actor"))
    );
    let ni: StrictNodeInfo = c.get(href).send().await.expect("ni").json().await.expect("strict nodeinfo");
    assert_eq!(ni.software.name, "maillage");
    assert!(ni.software.name.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'));
    assert_eq!(ni.version, "2.1");
    assert_eq!(ni.protocols, vec!["activitypub"]);
    assert_eq!(ni.usage.users.total, 1);
    assert_eq!(ni.metadata["territories"][0]["slug"], "territoire");
    let ni20: serde_json::Value = c.get(m.url("/nodeinfo/2.0")).send().await.expect("ni").json().await.expect("json");
    assert_eq!(ni20["version"], "2.0");

    // host-meta, XRD and JSON.
    let res = c.get(m.url("/.well-known/host-meta")).send().await.expect("hm");
    assert!(res.headers()["content-type"].to_str().expect("ct").starts_with("application/xrd+xml"));
    let xrd = res.text().await.expect("text");
    assert!(xrd.contains(&format!("template=\"http://{a}/.well-known/webfinger?resource={{uri}}\"")), "{xrd}");
    let hm = get_json(&m.url("/.well-known/host-meta.json")).await;
    assert_eq!(hm["links"][0]["rel"], "lrdd");

    // Content negotiation on the actor URL.
    for accept in
        ["application/activity+json", "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""]
    {
        let res = c.get(m.territory()).header("Accept", accept).send().await.expect("actor");
        assert_eq!(res.headers()["content-type"], "application/activity+json", "{accept}");
        let actor: serde_json::Value = res.json().await.expect("json");
        for field in [
            "id",
            "type",
            "preferredUsername",
            "name",
            "summary",
            "url",
            "inbox",
            "outbox",
            "followers",
            "following",
            "endpoints",
            "publicKey",
            "manuallyApprovesFollowers",
            "discoverable",
            "published",
        ] {
            assert!(actor.get(field).is_some(), "actor lacks {field}");
        }
        assert_eq!(actor["type"], "Group");
        assert_eq!(actor["publicKey"]["id"], format!("{}#main-key", m.territory()));
        assert_eq!(actor["publicKey"]["owner"], m.territory());
        assert_eq!(actor["endpoints"]["sharedInbox"], m.url("/inbox"));
        assert!(actor["@context"].as_array().expect("ctx").iter().any(|v| v == "https://w3id.org/security/v1"));
    }
    let res = c.get(m.territory()).header("Accept", "text/html,application/xhtml+xml").send().await.expect("page");
    assert!(res.headers()["content-type"].to_str().expect("ct").starts_with("text/html"));
    let html = res.text().await.expect("html");
    assert!(html.contains("<html lang=\"fr\">") && html.contains(&format!("@territoire@{a}")));

    // Collections.
    for name in ["followers", "following", "outbox"] {
        let col = get_json(&m.url(&format!("/t/territoire/{name}"))).await;
        assert_eq!(col["type"], "OrderedCollection");
        assert_eq!(col["totalItems"], 0);
        let page = get_json(&m.url(&format!("/t/territoire/{name}?page=1"))).await;
        assert_eq!(page["type"], "OrderedCollectionPage");
        assert_eq!(
            c.get(m.url(&format!("/t/territoire/{name}?page=0"))).send().await.expect("p").status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(c.get(m.url(&format!("/t/nobody/{name}"))).send().await.expect("p").status(), StatusCode::NOT_FOUND);
    }

    // Health and errors.
    assert_eq!(c.get(m.url("/healthz")).send().await.expect("h").text().await.expect("t"), "ok");
    let res = c.get(m.url("/no/such/page")).header("Accept", "text/html").send().await.expect("404");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.expect("t").contains("<html lang=\"fr\">"), "browsers get a page");
    let res = c.get(m.url("/no/such/page")).send().await.expect("404");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<serde_json::Value>().await.expect("json")["error"], "not_found", "other clients get JSON");
    let res = c.get(m.url("/t/nobody")).header("Accept", "application/activity+json").send().await.expect("404");
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.json::<serde_json::Value>().await.expect("json")["error"], "not_found");

    m.stop().await;
}
