//! The signing journey in headless Chromium, in French, at phone (390×844) and desktop width: a
//! citizen makes a mistake and recovers (error summary focused, links to the field, consent
//! still ticked), a structure gives its website as a bare domain and finds it as `https://…`,
//! the form shows only the section of the kind chosen, and the pages of the journey have no
//! duplicate `id` and no sideways scrolling. Screenshots in `target/screenshots/`.

use crate::common;

use common::{
    TestDb, TestInstance,
    browser::{shot, start_browser, start_browser_with, text},
    eventually, mailed_links, path_of,
};
use fantoccini::{Client, Locator};
use maillage::web::i18n::{Lang, Tr};
use serde_json::{Value, json};

const SIZES: [(&str, u32, u32); 2] = [("phone", 390, 844), ("desktop", 1280, 900)];

async fn fill(c: &Client, id: &str, value: &str) {
    let e = c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("#{id}"));
    e.clear().await.expect("clear");
    e.send_keys(value).await.expect("type");
}

async fn click_label(c: &Client, id: &str) {
    c.find(Locator::Css(&format!("label[for='{id}']")))
        .await
        .unwrap_or_else(|_| panic!("label {id}"))
        .click()
        .await
        .expect("click");
}

async fn submit(c: &Client) {
    c.find(Locator::Css("form.sign-form button[type=submit]")).await.expect("submit").click().await.expect("click");
}

async fn displayed(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.expect(css).is_displayed().await.expect("displayed")
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("script")
}

/// The `id`s that appear more than once on the page.
async fn duplicate_ids(c: &Client) -> Value {
    js(
        c,
        "const ids = Array.from(document.querySelectorAll('[id]'), e => e.id); \
           return [...new Set(ids.filter((x, i) => ids.indexOf(x) !== i))];",
    )
    .await
}

/// How much wider than the window the page is (0: no sideways scrolling).
async fn overflow(c: &Client) -> i64 {
    js(c, "return document.documentElement.scrollWidth - window.innerWidth;").await.as_i64().expect("number")
}

async fn signed(c: &Client) {
    eventually(10, "signed", || async { text(c, "main").await.contains("Un message vient de vous être envoyé") }).await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_makes_a_mistake_fixes_it_and_signs() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let driver = start_browser().await;
    let c = &driver.client;
    for (size, width, height) in SIZES {
        c.set_window_size(width, height).await.expect("size");
        c.goto(&m.url("/t/territoire/signer")).await.expect("form");
        // Nothing chosen yet: neither section; a citizen sees only theirs.
        assert!(!displayed(c, "[data-for-kind=structure]").await && !displayed(c, "[data-for-kind=individual]").await);
        click_label(c, "kind-individual").await;
        assert!(displayed(c, "[data-for-kind=individual]").await, "{size}: the citizen's section");
        assert!(!displayed(c, "[data-for-kind=structure]").await, "{size}: no legal form for a citizen");
        assert!(!displayed(c, "#legal_form").await && !displayed(c, "#governance").await);
        // Fields look alike, the phone too; boxes are 24 px at least, in rows of 44 px.
        let sizes = js(
            c,
            "const r = id => document.getElementById(id).getBoundingClientRect(); \
             return {phone: [r('phone').width, r('phone').height], email: [r('email').width, r('email').height], \
             box: [r('role-citoyen').width, r('role-citoyen').height], \
             row: document.getElementById('role-citoyen').closest('.choice').getBoundingClientRect().height, \
             consent: r('consent').width};",
        )
        .await;
        assert_eq!(sizes["phone"], sizes["email"], "{size}: the phone field is styled like the others");
        assert!(sizes["email"][1].as_f64().unwrap_or(0.0) >= 40.0, "{size}: {sizes}");
        assert!(sizes["box"][0].as_f64().unwrap_or(0.0) >= 24.0 && sizes["box"][1].as_f64().unwrap_or(0.0) >= 24.0);
        assert!(sizes["row"].as_f64().unwrap_or(0.0) >= 44.0 && sizes["consent"].as_f64().unwrap_or(0.0) >= 24.0);
        // Required fields are marked, a legend explains the mark.
        assert!(text(c, "label[for=name]").await.ends_with('*'));
        assert!(text(c, "#required-legend").await.contains("astérisque (*) sont obligatoires"));
        assert_eq!(
            c.find(Locator::Id("email")).await.expect("email").attr("aria-required").await.expect("a"),
            Some("true".into())
        );
        shot(c, &format!("signing-citizen-{size}-fr")).await;

        // A mistake in the address.
        fill(c, "name", "Ada Lovelace").await;
        fill(c, "commune", "Redon").await;
        click_label(c, "role-citoyen").await;
        fill(c, "email", &format!("ada-{size}@exemple")).await;
        fill(c, "phone", "06 11 22 33 44").await;
        click_label(c, "consent").await;
        submit(c).await;
        eventually(10, "the error summary", || async {
            text(c, "#error-summary").await.contains("Adresse électronique")
        })
        .await;
        // The summary has the focus (so a phone shows it), lists the error as a link to the field.
        let focused = js(c, "return document.activeElement && document.activeElement.id;").await;
        assert_eq!(focused, json!("error-summary"), "{size}: focus moved to the summary");
        let link = c.find(Locator::Css("#error-summary a[href='#email']")).await.expect("a link to the field");
        assert!(link.text().await.expect("text").contains("Adresse électronique invalide."));
        assert_eq!(
            c.find(Locator::Css("#error-summary")).await.expect("s").attr("role").await.expect("r"),
            Some("alert".into())
        );
        // What was entered is still there, the consent box still ticked.
        assert!(c.find(Locator::Id("consent")).await.expect("consent").is_selected().await.expect("sel"), "{size}");
        assert!(c.find(Locator::Id("role-citoyen")).await.expect("role").is_selected().await.expect("sel"));
        let phone = c.find(Locator::Id("phone")).await.expect("phone").prop("value").await.expect("v");
        assert_eq!(phone.as_deref(), Some("06 11 22 33 44"));
        let email = c.find(Locator::Id("email")).await.expect("email");
        assert_eq!(email.attr("aria-describedby").await.expect("a").as_deref(), Some("email-hint email-error"));
        assert!(displayed(c, "#email-error").await);
        assert!(overflow(c).await <= 0, "{size}: the page with its errors fits the window");
        shot(c, &format!("signing-citizen-error-{size}-fr")).await;
        // The link leads to the field.
        link.click().await.expect("follow the link");
        eventually(5, "the field focused", || async {
            js(c, "return document.activeElement.id;").await == json!("email")
        })
        .await;
        shot(c, &format!("signing-citizen-error-link-{size}-fr")).await;
        // Fixed, sent again: signed.
        fill(c, "email", &format!("ada-{size}@exemple.fr")).await;
        submit(c).await;
        signed(c).await;
        shot(c, &format!("signing-citizen-done-{size}-fr")).await;
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signatories WHERE kind = 'individual' AND roles = 'citoyen'")
        .fetch_one(m.data.store.pool())
        .await
        .expect("count");
    assert_eq!(n, 2, "one signature per width");
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_structure_gives_a_bare_domain_and_finds_it_as_https() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let driver = start_browser().await;
    let c = &driver.client;
    for (size, width, height) in SIZES {
        c.set_window_size(width, height).await.expect("size");
        c.goto(&m.url("/t/territoire/signer")).await.expect("form");
        click_label(c, "kind-structure").await;
        assert!(displayed(c, "[data-for-kind=structure]").await && !displayed(c, "[data-for-kind=individual]").await);
        // "Site web" has a line of its own, above its field (not beside the domains).
        let layout = js(
            c,
            "const l = document.querySelector('label[for=website]').getBoundingClientRect(); \
             const i = document.getElementById('website').getBoundingClientRect(); \
             const d = document.getElementById('dom-autre').getBoundingClientRect(); \
             return l.bottom <= i.top + 1 && l.top >= d.bottom;",
        )
        .await;
        assert_eq!(layout, json!(true), "{size}: the website label on its own line");
        fill(c, "name", &format!("Jardins de Redon ({size})")).await;
        fill(c, "commune", "Redon").await;
        c.find(Locator::Css("#legal_form option[value=association]")).await.expect("o").click().await.expect("select");
        click_label(c, "dom-alimentation").await;
        let site = format!("jardins-redon-{size}.fr");
        fill(c, "website", &site).await;
        fill(c, "representative_name", "Dominique").await;
        fill(c, "email", &format!("jardins-{size}@exemple.fr")).await;
        click_label(c, "listed").await;
        click_label(c, "consent").await;
        shot(c, &format!("signing-structure-{size}-fr")).await;
        submit(c).await;
        signed(c).await;
        let stored: String = sqlx::query_scalar("SELECT website FROM signatories WHERE email = $1")
            .bind(format!("jardins-{size}@exemple.fr"))
            .fetch_one(m.data.store.pool())
            .await
            .expect("website");
        assert_eq!(stored, format!("https://{site}"));
    }
    // Confirmed and accepted, the structures are in the directory with their full address.
    for link in mailed_links(&m).iter().filter(|l| l.contains("/signature/confirm")) {
        c.goto(link).await.expect("confirm");
    }
    let ids: Vec<maillage::domain::ids::SignatoryId> =
        sqlx::query_scalar("SELECT id FROM signatories").fetch_all(m.data.store.pool()).await.expect("ids");
    for id in ids {
        maillage::processing::signatures::decide(&m.data, id, true, "", "test", Tr::new(Lang::Fr))
            .await
            .expect("approve");
    }
    for (size, width, height) in SIZES {
        c.set_window_size(width, height).await.expect("size");
        c.goto(&m.url("/t/territoire/signataires")).await.expect("directory");
        let link = c.find(Locator::LinkText(&format!("Jardins de Redon ({size})"))).await.expect("listed");
        let href = link.attr("href").await.expect("href").unwrap_or_default();
        assert_eq!(href.trim_end_matches('/'), format!("https://jardins-redon-{size}.fr"));
        assert!(text(c, "main > p").await.starts_with("2 structures"), "the count in plain words");
        shot(c, &format!("signing-directory-{size}-fr")).await;
    }
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journey_pages_have_unique_ids_and_fit_a_phone() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let domains = Some("alimentation,energie,mobilite".to_string());
    let update = maillage::storage::territories::TerritoryUpdate { domains, ..Default::default() };
    maillage::processing::territories::update(&m.data, "territoire", update, "test").await.expect("domains");
    let sig = json!({"kind": "structure", "name": "AMAP des Marais", "legal_form": "association",
        "domains": ["alimentation"], "commune": "Redon", "representative_name": "Camille",
        "website": "amap.example", "email": "amap@example.org", "consent": true,
        "charter_version": maillage::processing::signatures::DEFAULT_CHARTER_VERSION});
    let res = common::client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("api");
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let links = mailed_links(&m);
    let manage = path_of(&m, links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage"));

    let driver = start_browser().await;
    let c = &driver.client;
    let pages = ["/t/territoire/signer", "/t/territoire/charte", "/t/territoire/signataires", &manage, "/t/territoire"];
    for (size, width, height) in SIZES {
        c.set_window_size(width, height).await.expect("size");
        for path in pages {
            c.goto(&m.url(path)).await.expect("goto");
            assert_eq!(duplicate_ids(c).await, json!([]), "{size} {path}");
            assert!(overflow(c).await <= 0, "{size} {path}: wider than the window");
            // The language links are big enough to tap (44 px).
            let fr = js(
                c,
                "const r = document.querySelector('.langs a').getBoundingClientRect(); return [r.width, r.height];",
            )
            .await;
            assert!(fr[0].as_f64().unwrap_or(0.0) >= 44.0 && fr[1].as_f64().unwrap_or(0.0) >= 44.0, "{path}: {fr}");
        }
        // The territory's tags too (28 px).
        c.goto(&m.url("/t/territoire")).await.expect("territory");
        let tags =
            js(c, "return Array.from(document.querySelectorAll('.tags li'), e => e.getBoundingClientRect().height);")
                .await;
        let tags: Vec<f64> = tags.as_array().expect("heights").iter().filter_map(Value::as_f64).collect();
        assert_eq!(tags.len(), 3, "{size}");
        assert!(tags.iter().all(|h| *h >= 28.0), "{size}: tags {tags:?}");
    }
    // The private page, on a phone: the signature's state in words, the structure's section only.
    c.set_window_size(390, 844).await.expect("phone");
    c.goto(&m.url(&manage)).await.expect("private page");
    assert!(text(c, "main").await.contains("en attente de confirmation"));
    assert!(displayed(c, "[data-for-kind=structure]").await && !displayed(c, "[data-for-kind=individual]").await);
    assert_eq!(
        c.find(Locator::Id("website")).await.expect("w").prop("value").await.expect("v").as_deref(),
        Some("https://amap.example")
    );
    shot(c, "signing-private-phone-fr").await;
    c.goto(&m.url("/t/territoire/charte")).await.expect("charter");
    assert!(text(c, "h1").await.contains("Charte des Circuits Courts"));
    shot(c, "signing-charter-phone-fr").await;
    driver.client.clone().close().await.expect("close");

    // Without JavaScript: both sections usable under their headings, no dead "Copier" button.
    let plain = start_browser_with(false).await;
    let p = &plain.client;
    p.set_window_size(390, 844).await.expect("phone");
    p.goto(&m.url("/t/territoire/signer")).await.expect("form");
    assert!(displayed(p, "[data-for-kind=structure]").await && displayed(p, "[data-for-kind=individual]").await);
    assert_eq!(text(p, "#for-structure").await, "Si vous signez pour une structure");
    assert_eq!(duplicate_ids(p).await, json!([]));
    shot(p, "signing-form-nojs-phone-fr").await;
    p.goto(&m.url("/t/territoire")).await.expect("territory");
    assert!(!displayed(p, "button[data-copy]").await, "the copy button needs JavaScript");
    plain.client.clone().close().await.expect("close");
    m.stop().await;
}
