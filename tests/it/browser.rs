//! Browser tests in headless Chromium (Debian's `chromium` and `chromium-driver`, driven over
//! WebDriver): log in, edit the territory and see it on the page and in the actor JSON, approve
//! a pending follower, switch languages; pages at phone and desktop width. Screenshots go to
//! `target/screenshots/` so that failures can be looked at.

use crate::common;

use common::{
    TestDb, TestInstance,
    browser::{csp_violations, shot, start_browser, start_browser_with, text},
    eventually, get_json,
    peer::Peer,
};
use fantoccini::Locator;
use maillage::{domain::account::Role, storage::territories::TerritoryUpdate};
use serde_json::json;

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_run_under_the_csp_without_violations() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin@cces.example", "un mot de passe solide", Role::Admin).await;
    let charter = "# Charte\n\nJe signe [cette charte](https://cces.example/charte).\n";
    maillage::processing::signatures::import_charter(&m.data, "territoire", charter, "2024", "test")
        .await
        .expect("import");
    let driver = start_browser().await;
    let c = &driver.client;
    let mut pages = vec!["/", "/t/territoire", "/about", "/pratiques", "/t/territoire/charte", "/t/territoire/signer"];
    pages.extend(["/t/territoire/signataires", "/login", "/nowhere"]);
    for path in pages {
        c.goto(&m.url(path)).await.expect("goto");
        assert_eq!(csp_violations(c).await, Vec::<String>::new(), "{path}");
    }
    // The territory page's script ran (it shows the copy button), under the policy.
    c.goto(&m.url("/t/territoire")).await.expect("goto");
    let copy = c.find(Locator::Css("button[data-copy]")).await.expect("copy button");
    assert!(copy.is_displayed().await.expect("displayed"), "app.js ran");
    // Logged in: the admin console and the practice form.
    c.goto(&m.url("/login")).await.expect("login");
    c.find(Locator::Css("#email")).await.expect("email").send_keys("admin@cces.example").await.expect("type");
    c.find(Locator::Css("#password")).await.expect("pw").send_keys("un mot de passe solide").await.expect("type");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "admin console", || async { c.current_url().await.map(|u| u.path() == "/admin").unwrap_or(false) })
        .await;
    for path in ["/admin", "/admin/territory", "/admin/pratiques/nouvelle", "/admin/signatures", "/admin/audit"] {
        c.goto(&m.url(path)).await.expect("goto");
        assert_eq!(csp_violations(c).await, Vec::<String>::new(), "{path}");
    }
    // The check can see a violation: an inline script is refused and reported.
    c.execute(
        "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s);",
        vec![],
    )
    .await
    .expect("inject");
    let ran = c.execute("return window.ran === 1;", vec![]).await.expect("ran");
    assert_eq!(ran, json!(false), "the inline script was blocked");
    eventually(5, "the violation reported", || async { !csp_violations(c).await.is_empty() }).await;
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_edits_territory_approves_follower_and_switches_language() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin@cces.example", "un mot de passe solide", Role::Admin).await;
    maillage::processing::territories::update(
        &m.data,
        "territoire",
        TerritoryUpdate { manually_approves_followers: Some(true), ..Default::default() },
        "test",
    )
    .await
    .expect("update");
    let peer = Peer::start().await;
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");

    let driver = start_browser().await;
    let c = &driver.client;

    // Public page, French by default, at phone then desktop width.
    c.goto(&m.url("/t/territoire")).await.expect("goto");
    assert_eq!(
        c.find(Locator::Css("html")).await.expect("html").attr("lang").await.expect("lang").as_deref(),
        Some("fr")
    );
    assert!(text(c, "h1").await.contains("Territoire CCES"));
    c.set_window_size(390, 844).await.expect("phone");
    shot(c, "territory-phone-fr").await;
    c.set_window_size(1280, 900).await.expect("desktop");
    shot(c, "territory-desktop-fr").await;

    // Log in.
    c.goto(&m.url("/login")).await.expect("login");
    shot(c, "login-fr").await;
    c.find(Locator::Css("#email")).await.expect("email").send_keys("admin@cces.example").await.expect("type");
    c.find(Locator::Css("#password")).await.expect("pw").send_keys("un mot de passe solide").await.expect("type");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "admin console", || async { c.current_url().await.map(|u| u.path() == "/admin").unwrap_or(false) })
        .await;
    assert!(text(c, "main").await.contains("admin@cces.example"));
    shot(c, "admin-fr").await;

    // Edit the territory's name.
    c.goto(&m.url("/admin/territory")).await.expect("territory form");
    let name = c.find(Locator::Css("#name")).await.expect("name");
    name.clear().await.expect("clear");
    name.send_keys("Pays de Redon").await.expect("type");
    c.find(Locator::Css("#perimeter")).await.expect("perimeter").send_keys("Redon Agglomération").await.expect("type");
    c.find(Locator::Css("label[for=d-alimentation]")).await.expect("domain").click().await.expect("check");
    shot(c, "admin-territory-fr").await;
    c.find(Locator::Css("form[action^='/admin/territory?'] button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("click");
    eventually(10, "saved notice", || async { text(c, "main").await.contains("Modifications enregistrées") }).await;
    c.goto(&m.url("/t/territoire")).await.expect("home");
    assert_eq!(text(c, "h1").await, "Pays de Redon");
    assert!(text(c, "main").await.contains("Alimentation"));
    assert_eq!(get_json(&m.territory()).await["name"], "Pays de Redon", "the actor JSON shows the new name");

    // Approve the pending follower: the peer receives the Accept.
    c.goto(&m.url("/admin/followers")).await.expect("followers");
    assert!(text(c, "main").await.contains("@alice@"));
    shot(c, "admin-followers-fr").await;
    // Rejecting asks first: its button shows only once "Refuser…" is opened.
    let reject = c.find(Locator::Css("form[action*='decision=reject'] details.confirm button")).await.expect("reject");
    assert!(!reject.is_displayed().await.expect("displayed"), "the reject button waits behind its question");
    c.find(Locator::Css("form[action*='decision=reject'] details.confirm summary"))
        .await
        .expect("summary")
        .click()
        .await
        .expect("open");
    assert!(reject.is_displayed().await.expect("displayed"), "opened, the question and its button show");
    assert!(text(c, "form[action*='decision=reject'] details.confirm p").await.contains("Refuser cet abonnement"));
    c.find(Locator::Css("form[action*='decision=approve'] button"))
        .await
        .expect("approve")
        .click()
        .await
        .expect("click");
    eventually(15, "Accept delivered", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;

    // Switch to English and back.
    c.find(Locator::Css("a[hreflang=en]")).await.expect("EN").click().await.expect("click");
    eventually(10, "English page", || async { text(c, "main").await.contains("Followers") }).await;
    assert_eq!(
        c.find(Locator::Css("html")).await.expect("html").attr("lang").await.expect("lang").as_deref(),
        Some("en")
    );
    c.goto(&m.url("/t/territoire")).await.expect("home");
    assert!(text(c, "main").await.contains("Follow from the fediverse"));
    c.set_window_size(390, 844).await.expect("phone");
    shot(c, "territory-phone-en").await;
    c.find(Locator::Css("a[hreflang=fr]")).await.expect("FR").click().await.expect("click");
    eventually(10, "French again", || async { text(c, "main").await.contains("Suivre depuis le fédiverse") }).await;

    driver.client.clone().close().await.expect("close");
    peer.stop().await;
    m.stop().await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_form_in_french_on_a_phone_without_javascript() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let charter = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/charte-cces.md"))
        .expect("charter");
    maillage::processing::signatures::import_charter(&m.data, "territoire", &charter, "2024", "test")
        .await
        .expect("import");
    let driver = start_browser_with(false).await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    c.goto(&m.url("/t/territoire/signer")).await.expect("form");
    shot(c, "sign-phone-fr").await;
    // Sent empty: errors next to their fields.
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "errors shown", || async { text(c, "main").await.contains("Le formulaire contient des erreurs.") })
        .await;
    for id in ["kind-error", "name-error", "commune-error", "email-error", "consent-error"] {
        let e = c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("{id} shown"));
        assert!(e.is_displayed().await.expect("displayed"), "{id} visible");
    }
    let name = c.find(Locator::Id("name")).await.expect("name");
    assert_eq!(name.attr("aria-describedby").await.expect("attr").as_deref(), Some("name-error"));
    shot(c, "sign-errors-phone-fr").await;
    // Filled in as an association: signed.
    c.find(Locator::Css("label[for=kind-structure]")).await.expect("kind").click().await.expect("click");
    c.find(Locator::Id("name")).await.expect("name").send_keys("AMAP des Marais").await.expect("type");
    c.find(Locator::Id("commune")).await.expect("commune").send_keys("Redon").await.expect("type");
    c.find(Locator::Css("#legal_form option[value=association]")).await.expect("form").click().await.expect("select");
    c.find(Locator::Css("label[for=dom-alimentation]")).await.expect("domain").click().await.expect("click");
    c.find(Locator::Id("representative_name")).await.expect("rep").send_keys("Camille").await.expect("type");
    c.find(Locator::Id("email")).await.expect("email").send_keys("amap@example.org").await.expect("type");
    c.find(Locator::Css("label[for=consent]")).await.expect("consent").click().await.expect("click");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "signed", || async { text(c, "main").await.contains("Un message vient de vous être envoyé") }).await;
    shot(c, "sign-done-phone-fr").await;
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderator_writes_and_publishes_a_practice_visitor_finds_it_on_a_phone() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("modo@cces.example", "un mot de passe solide", Role::Moderator).await;
    let driver = start_browser().await;
    let c = &driver.client;
    c.goto(&m.url("/login")).await.expect("login");
    c.find(Locator::Css("#email")).await.expect("email").send_keys("modo@cces.example").await.expect("type");
    c.find(Locator::Css("#password")).await.expect("pw").send_keys("un mot de passe solide").await.expect("type");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "logged in", || async { c.current_url().await.map(|u| u.path() == "/admin").unwrap_or(false) })
        .await;

    // The form, filled as a moderator would, an indicator with a decimal comma.
    c.goto(&m.url("/admin/pratiques/nouvelle")).await.expect("form");
    let fill = |id: &'static str, v: &'static str| async move {
        c.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("{id}")).send_keys(v).await.expect("type");
    };
    fill("title", "Cantine en circuit court").await;
    fill("summary", "La cantine scolaire sert chaque jour des produits de fermes voisines.").await;
    fill("body", "Les **producteurs** livrent la cuisine centrale.").await;
    fill("dim-economique-text", "Des débouchés stables pour les fermes").await;
    c.find(Locator::Css("input[name=ind-economique-0-name]"))
        .await
        .expect("i")
        .send_keys("Part locale")
        .await
        .expect("t");
    c.find(Locator::Css("input[name=ind-economique-0-value]")).await.expect("v").send_keys("62,5").await.expect("t");
    c.find(Locator::Css("input[name=ind-economique-0-unit]")).await.expect("u").send_keys("%").await.expect("t");
    c.find(Locator::Css("label[for=dom-alimentation]")).await.expect("domain").click().await.expect("click");
    shot(c, "practice-form-desktop-fr").await;
    // Every field of the long form has an accessible name (a label or aria-label).
    let fields = c
        .execute(
            "const all = Array.from(document.querySelectorAll('form.practice-form input:not([type=hidden]), \
             form.practice-form textarea, form.practice-form select')); \
             return {count: all.length, unlabelled: all.filter(e => !e.getAttribute('aria-label') \
             && !(e.id && document.querySelector('label[for=\"' + e.id + '\"]'))).map(e => e.name)};",
            vec![],
        )
        .await
        .expect("script");
    assert!(fields["count"].as_u64().unwrap_or(0) > 40, "the form's fields were found: {fields}");
    assert_eq!(fields["unlabelled"], json!([]), "fields without a label");
    c.find(Locator::Css("form.practice-form button[type=submit]")).await.expect("save").click().await.expect("click");
    eventually(10, "the draft's page", || async { text(c, "main").await.contains("brouillon") }).await;
    c.find(Locator::Css("form[action$='/statut'] button")).await.expect("publish").click().await.expect("click");
    eventually(10, "published", || async { text(c, "main").await.contains("Publiée.") }).await;
    assert!(!text(c, "main").await.contains("brouillon"));

    // A visitor on a phone searches another word form and opens it.
    let visitor = start_browser().await;
    let v = &visitor.client;
    v.set_window_size(390, 844).await.expect("phone");
    v.goto(&m.url("/pratiques")).await.expect("catalogue");
    v.find(Locator::Id("q")).await.expect("q").send_keys("producteur").await.expect("type");
    v.find(Locator::Css("form.filters > button")).await.expect("search").click().await.expect("click");
    eventually(10, "found", || async { text(v, "main").await.contains("Cantine en circuit court") }).await;
    shot(v, "practices-catalogue-phone-fr").await;
    v.find(Locator::LinkText("Cantine en circuit court")).await.expect("link").click().await.expect("click");
    eventually(10, "the practice page", || async { text(v, "main").await.contains("Part locale") }).await;
    assert!(text(v, "table.indicators").await.contains("62,5 %"), "French decimal comma");
    shot(v, "practice-page-phone-fr").await;
    visitor.client.clone().close().await.expect("close");
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}
