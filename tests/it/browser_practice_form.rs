//! The good-practice form in headless Chromium, in French, as a moderator uses it: an indicator
//! row added with the button, "18 400,75" typed as one writes it and "18 400,75 €" read on the
//! published page; the commune picked from the place search, which fills the coordinates; a
//! practice deleted only after the confirmation page. At desktop and phone width, no page wider
//! than the screen, no CSP violation. Screenshots in `target/screenshots/`.

use crate::common;

use common::{
    TestDb, TestInstance,
    browser::{csp_violations, shot, start_browser, text},
    eventually,
};
use fantoccini::{Client, Locator};
use maillage::{
    domain::{account::Role, practice::PracticeInput},
    processing::practices,
};

/// Text with every kind of space (no-break, narrow no-break) as a plain one.
fn plain(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ")
}

async fn page_width(c: &Client) -> u64 {
    let w = c.execute("return document.documentElement.scrollWidth;", vec![]).await.expect("width");
    w.as_u64().unwrap_or(u64::MAX)
}

async fn value_of(c: &Client, id: &str) -> String {
    let v = c.find(Locator::Id(id)).await.expect(id).prop("value").await.expect("value");
    v.unwrap_or_default()
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderator_publishes_french_numbers_picks_a_commune_and_deletes_after_confirming() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("modo@cces.example", "un mot de passe solide", Role::Moderator).await;
    let other = PracticeInput {
        title: "Pratique à supprimer".into(),
        summary: "Une fiche de trop.".into(),
        domains: vec!["alimentation".into()],
        ..Default::default()
    };
    let other = practices::create(&m.data, "territoire", &other, "test").await.map_err(|_| "create").expect("other");
    let driver = start_browser().await;
    let c = &driver.client;
    c.goto(&m.url("/login")).await.expect("login");
    c.find(Locator::Css("#email")).await.expect("email").send_keys("modo@cces.example").await.expect("type");
    c.find(Locator::Css("#password")).await.expect("pw").send_keys("un mot de passe solide").await.expect("type");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "logged in", || async { c.current_url().await.map(|u| u.path() == "/admin").unwrap_or(false) })
        .await;

    c.goto(&m.url("/admin/pratiques/nouvelle")).await.expect("form");
    assert!(c.find(Locator::Css("main nav.admin")).await.is_ok(), "the console's menu on the form");
    let fill = |id: &'static str, v: &'static str| async move {
        c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("{id}")).send_keys(v).await.expect("type");
    };
    fill("title", "Épicerie solidaire").await;
    fill("summary", "Une épicerie tenue par des bénévoles du pays de Redon.").await;
    fill("body", "Les **bénévoles** tiennent la caisse.").await;
    fill("dim-economique-text", "Des prix justes pour tous").await;
    c.find(Locator::Css("label[for=dom-alimentation]")).await.expect("domain").click().await.expect("click");
    // A fourth row through the button (three are there without JavaScript).
    let rows = "fieldset:has(#dim-economique-text) tr.indicator-row";
    assert_eq!(c.find_all(Locator::Css(rows)).await.expect("rows").len(), 3);
    c.find(Locator::Css("fieldset:has(#dim-economique-text) button.add-indicator"))
        .await
        .expect("add a row")
        .click()
        .await
        .expect("click");
    assert_eq!(c.find_all(Locator::Css(rows)).await.expect("rows").len(), 4, "a row added");
    for (part, v) in [("name", "Chiffre d'affaires"), ("value", "18 400,75"), ("unit", "€"), ("period", "2025")] {
        let css = format!("input[name=ind-economique-3-{part}]");
        c.find(Locator::Css(&css)).await.expect("new row's field").send_keys(v).await.expect("type");
    }
    // The place search: "redo" typed, Redon picked, its coordinates filled in.
    fill("commune", "redo").await;
    let redon = "#commune-suggestions button[data-code='35236']";
    eventually(10, "Redon suggested", || async { c.find(Locator::Css(redon)).await.is_ok() }).await;
    shot(c, "practice-form-place-search-desktop-fr").await;
    c.find(Locator::Css(redon)).await.expect("Redon").click().await.expect("pick");
    assert_eq!(value_of(c, "commune").await, "Redon");
    let lat: f64 = value_of(c, "latitude").await.parse().expect("latitude filled");
    assert!((lat - 47.65).abs() < 0.05, "{lat}");
    assert!(!value_of(c, "longitude").await.is_empty());
    assert_eq!(csp_violations(c).await, Vec::<String>::new(), "the form's scripts under the CSP");
    c.find(Locator::Css("form.practice-form button[type=submit]")).await.expect("save").click().await.expect("click");
    eventually(10, "the draft's page", || async { text(c, "main").await.contains("brouillon") }).await;
    c.find(Locator::Css("form[action$='/statut'] input[value=publish] + button"))
        .await
        .expect("publish")
        .click()
        .await
        .expect("click");
    eventually(10, "published", || async { text(c, "main").await.contains("Publiée.") }).await;
    let table = plain(&text(c, "table.indicators").await);
    assert!(table.contains("18 400,75 €"), "French grouping, comma and euro: {table}");
    shot(c, "practice-published-desktop-fr").await;

    // At phone width: the form and the page fit the screen.
    c.set_window_size(390, 844).await.expect("phone");
    let url = c.current_url().await.expect("url");
    for path in [url.path().to_string(), "/admin/pratiques/nouvelle".to_string()] {
        c.goto(&m.url(&path)).await.expect("goto");
        assert!(page_width(c).await <= 390, "{path} is wider than the phone");
    }
    shot(c, "practice-form-phone-fr").await;
    c.goto(url.as_str()).await.expect("page");
    assert!(plain(&text(c, "table.indicators").await).contains("18 400,75 €"));
    shot(c, "practice-published-phone-fr").await;

    // Deleting the other one: its page only links to a confirmation page.
    c.goto(&m.url(&format!("/pratiques/{other}"))).await.expect("other");
    c.find(Locator::LinkText("Supprimer…")).await.expect("delete link").click().await.expect("click");
    eventually(10, "asked", || async { text(c, "main").await.contains("Supprimer définitivement") }).await;
    assert!(m.data.store.practice(other).await.expect("db").is_some(), "nothing deleted yet");
    assert!(page_width(c).await <= 390);
    shot(c, "practice-delete-confirm-phone-fr").await;
    c.find(Locator::Css("form.confirm-delete button.danger")).await.expect("confirm").click().await.expect("click");
    eventually(10, "back to the list", || async {
        c.current_url().await.map(|u| u.path() == "/admin/pratiques").unwrap_or(false)
    })
    .await;
    assert!(m.data.store.practice(other).await.expect("db").is_none(), "deleted once confirmed");
    assert!(text(c, "main").await.contains("Bonne pratique supprimée."), "the list says what happened");
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_commune_typed_is_found_and_errors_sit_beside_their_fields() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin@cces.example", "un mot de passe solide", Role::Admin).await;
    let driver = common::browser::start_browser_with(false).await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    c.goto(&m.url("/login")).await.expect("login");
    c.find(Locator::Css("#email")).await.expect("email").send_keys("admin@cces.example").await.expect("type");
    c.find(Locator::Css("#password")).await.expect("pw").send_keys("un mot de passe solide").await.expect("type");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "logged in", || async { c.current_url().await.map(|u| u.path() == "/admin").unwrap_or(false) })
        .await;

    c.goto(&m.url("/admin/pratiques/nouvelle")).await.expect("form");
    let add = c.find(Locator::Css("button.add-indicator")).await.expect("button");
    assert!(!add.is_displayed().await.expect("displayed"), "no add-row button that would do nothing");
    let fill = |id: &'static str, v: &'static str| async move {
        c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("{id}")).send_keys(v).await.expect("type");
    };
    fill("title", "Jardin partagé").await;
    fill("summary", "Un jardin cultivé ensemble au bord de l'Oust.").await;
    c.find(Locator::Css("label[for=dom-alimentation]")).await.expect("domain").click().await.expect("click");
    for (part, v) in [("name", "Récolte"), ("value", "1 200,5 kilos"), ("unit", "kg")] {
        let css = format!("input[name=ind-environnementale-2-{part}]");
        c.find(Locator::Css(&css)).await.expect("third row").send_keys(v).await.expect("type");
    }
    fill("commune", "guer").await;
    c.find(Locator::Css("form.practice-form button[type=submit]")).await.expect("save").click().await.expect("click");
    eventually(10, "the error", || async { c.find(Locator::Id("ind-environnementale-0-error")).await.is_ok() }).await;
    // The error sits in the value's cell, right above the field, on the phone's screen.
    let cell = text(c, "td:has(#ind-environnementale-0-value)").await;
    assert!(cell.contains("Ce n’est pas un nombre"), "{cell}");
    assert!(page_width(c).await <= 390, "the form with its errors fits the phone");
    c.execute("document.getElementById('ind-environnementale-0-error').scrollIntoView();", vec![])
        .await
        .expect("scroll");
    shot(c, "practice-form-error-phone-fr-nojs").await;
    let value = c.find(Locator::Id("ind-environnementale-0-value")).await.expect("value");
    value.clear().await.expect("clear");
    value.send_keys("1 200,5").await.expect("type");
    c.find(Locator::Css("form.practice-form button[type=submit]")).await.expect("save").click().await.expect("click");
    eventually(10, "saved", || async { text(c, "main").await.contains("brouillon") }).await;
    let p = &m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db")[0];
    let lat = p.latitude.expect("Guer's coordinates found on the server");
    assert!((lat - 47.9).abs() < 0.05, "{lat}");
    assert!(plain(&text(c, "table.indicators").await).contains("1 200,5 kg"));

    // The territory settings at phone width: help, fediverse address, nothing wider than the screen.
    c.goto(&m.url("/admin/territory")).await.expect("settings");
    assert!(text(c, "main").await.contains("**gras**"), "formatting help");
    assert!(text(c, "main").await.contains("@territoire@"), "fediverse address");
    assert!(page_width(c).await <= 390, "settings fit the phone");
    shot(c, "territory-settings-phone-fr").await;
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}
