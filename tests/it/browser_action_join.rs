//! The web participation journey in headless Chromium at phone width (390×844), in French
//! (issue 12, "a browser test"): a visitor opens the territory's agenda, finds the action,
//! joins with name and email, follows the link mailed to them (the test mail outbox) and sees
//! the count go from none to one participant, the remaining places one fewer. No CSP
//! violation, no sideways scrolling. Screenshots in target/screenshots/action-join-*.png.

use crate::common;

use common::{
    TestDb, TestInstance,
    browser::{csp_violations, shot, start_browser, text},
    call, eventually, mailed_links,
};
use fantoccini::{Client, Locator};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn overflow(c: &Client) -> i64 {
    c.execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
        .await
        .expect("script")
        .as_i64()
        .expect("number")
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_on_a_phone_joins_an_action_from_the_agenda() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let modo = m.token(Role::Moderator).await;
    let action = json!({"title": "Chantier participatif au jardin", "summary": "On plante les haies ensemble.",
        "start": "2030-04-12T09:30", "end": "2030-04-12T12:30", "timezone": "Europe/Paris",
        "place_name": "Jardin partagé", "address": "Rue des Tilleuls", "postal_code": "35600", "commune": "Redon",
        "capacity": 12});
    let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(action)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(&modo), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let driver = start_browser().await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    c.goto(&m.url("/t/territoire/agenda")).await.expect("agenda");
    eventually(10, "the agenda lists the action", || async {
        text(c, "main").await.contains("Chantier participatif au jardin")
    })
    .await;
    assert!(overflow(c).await <= 0, "no sideways scrolling on the agenda");
    shot(c, "action-join-agenda-phone-fr").await;
    c.find(Locator::LinkText("Chantier participatif au jardin")).await.expect("link").click().await.expect("tap");
    eventually(10, "the action's page", || async { text(c, "h1").await == "Chantier participatif au jardin" }).await;
    assert!(c.current_url().await.expect("url").path().ends_with(&format!("/t/territoire/actions/{id}")));
    let before = text(c, ".participant-count").await;
    assert_eq!(before, "Aucun participant pour l'instant");
    assert_eq!(text(c, ".remaining").await, "12 places restantes");

    // A mistake first: the address is missing its domain; the page says so beside the field.
    c.find(Locator::Id("join-name")).await.expect("name").send_keys("Nadia Benali").await.expect("type");
    c.find(Locator::Id("join-email")).await.expect("email").send_keys("nadia@exemple").await.expect("type");
    c.find(Locator::Css("form.join button[type=submit]")).await.expect("submit").click().await.expect("tap");
    eventually(10, "the field's error", || async { !text(c, "#join-email-error").await.is_empty() }).await;
    assert!(mailed_links(&m).is_empty(), "nothing mailed for a wrong address");
    assert_eq!(text(c, ".participant-count").await, before, "nothing counted");
    let email = c.find(Locator::Id("join-email")).await.expect("email");
    email.clear().await.expect("clear");
    email.send_keys("nadia@exemple.org").await.expect("type");
    shot(c, "action-join-form-phone-fr").await;
    c.find(Locator::Css("form.join button[type=submit]")).await.expect("submit").click().await.expect("tap");
    eventually(10, "the mail is announced", || async { text(c, "main").await.contains("Un message vient de partir") })
        .await;
    shot(c, "action-join-sent-phone-fr").await;

    // Not counted before the address is confirmed.
    c.goto(&m.url(&format!("/t/territoire/actions/{id}"))).await.expect("page");
    assert_eq!(text(c, ".participant-count").await, before, "not before confirming");
    let confirm = mailed_links(&m)
        .into_iter()
        .find(|l| l.contains("/participation/confirmer"))
        .expect("a confirmation link in the mail");
    c.goto(&confirm).await.expect("confirm");
    eventually(10, "confirmed", || async { text(c, "main").await.contains("participation est confirmée") }).await;
    shot(c, "action-join-confirmed-phone-fr").await;

    c.goto(&m.url("/t/territoire/agenda")).await.expect("agenda");
    c.find(Locator::LinkText("Chantier participatif au jardin")).await.expect("link").click().await.expect("tap");
    eventually(10, "the count changed", || async { text(c, ".participant-count").await == "1 participant" }).await;
    assert_eq!(text(c, ".remaining").await, "11 places restantes");
    let page = text(c, "main").await;
    assert!(!page.contains("Nadia") && !page.contains("nadia@"), "the participant stays private");
    assert!(overflow(c).await <= 0, "no sideways scrolling on the action's page");
    shot(c, "action-join-counted-phone-fr").await;
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    drop(driver);
    m.stop().await;
}
