//! No page scrolls sideways on a phone: every public page, and every admin page logged in, in
//! headless Chromium at 390×844, must have `document.documentElement.scrollWidth` no wider
//! than the viewport. The pages are filled with long names, addresses and tables first, as
//! real use fills them; the failure names the elements that stick out.

use crate::common;

use common::{
    TestDb, TestInstance,
    browser::{shot, start_browser},
    eventually, mailed_links, path_of,
    peer::Peer,
    web::Browser,
};
use fantoccini::{Client, Locator};
use maillage::{domain::account::Role, processing::signatures::import_charter};
use serde_json::json;

pub const PW: &str = "un mot de passe solide";

/// Logs `email` in through the login page.
pub async fn login(c: &Client, m: &TestInstance, email: &str) {
    c.goto(&m.url("/login")).await.expect("login");
    c.find(Locator::Css("#email")).await.expect("email").send_keys(email).await.expect("type");
    c.find(Locator::Css("#password")).await.expect("pw").send_keys(PW).await.expect("type");
    c.find(Locator::Css("form.card button[type=submit]")).await.expect("submit").click().await.expect("click");
    eventually(10, "logged in", || async { c.current_url().await.map(|u| u.path() == "/admin").unwrap_or(false) })
        .await;
}

/// Signs through the API and confirms from the mailed link; returns the signature's id.
pub async fn signed_and_confirmed(m: &TestInstance, signature: serde_json::Value) -> i64 {
    let before = mailed_links(m).len();
    let res = common::client().post(m.url("/api/v1/signatures")).json(&signature).send().await.expect("sign");
    assert_eq!(res.status(), reqwest::StatusCode::CREATED, "{}", res.text().await.unwrap_or_default());
    let links = mailed_links(m);
    let confirm = links[before..].iter().find(|l| l.contains("/signature/confirm")).expect("confirmation link");
    let res = common::client().get(m.url(&path_of(m, confirm))).send().await.expect("confirm");
    assert!(res.status().is_success());
    sqlx::query_scalar("SELECT id FROM signatories WHERE email = $1")
        .bind(signature["email"].as_str().unwrap_or_default())
        .fetch_one(m.data.store.pool())
        .await
        .expect("signature id")
}

pub fn individual(name: &str, commune: &str, email: &str) -> serde_json::Value {
    json!({"kind": "individual", "name": name, "roles": ["citoyen", "consommateur"], "commune": commune,
        "email": email, "phone": "02 99 71 00 42", "charter_version": "2024", "consent": true, "listed": true})
}

/// What sticks out of the viewport on the current page: (scrollWidth, viewport, culprits).
async fn overflow(c: &Client) -> (i64, i64, Vec<String>) {
    let v = c
        .execute(
            "const w = window.innerWidth;
             const out = Array.from(document.querySelectorAll('body *'))
               .filter(e => e.getBoundingClientRect().right > w + 0.5)
               .slice(0, 6)
               .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
                         + ' (' + Math.round(e.getBoundingClientRect().right) + 'px)');
             return [document.documentElement.scrollWidth, w, out];",
            vec![],
        )
        .await
        .expect("measure");
    let culprits = v[2].as_array().into_iter().flatten().filter_map(|e| e.as_str().map(String::from)).collect();
    (v[0].as_i64().unwrap_or_default(), v[1].as_i64().unwrap_or_default(), culprits)
}

/// Ids used more than once on the current page (two forms sharing `id="id"` broke labels).
async fn duplicate_ids(c: &Client) -> Vec<String> {
    let v = c
        .execute(
            "const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
             return ids.filter((x, i) => ids.indexOf(x) !== i);",
            vec![],
        )
        .await
        .expect("ids");
    v.as_array().into_iter().flatten().filter_map(|e| e.as_str().map(String::from)).collect()
}

#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver (.ci/run does)"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_is_wider_than_a_phone() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    m.account("admin-de-la-coordination-territoriale@cces-pays-de-redon.example", PW, Role::Admin).await;
    import_charter(&m.data, "territoire", "# Charte\n\nNous signons.\n", "2024", "test").await.expect("charter");
    // Long unbroken words, as names of structures and addresses are.
    let long = "Association-intercommunale-pour-le-maintien-de-l-agriculture-paysanne";
    let waiting = signed_and_confirmed(
        &m,
        individual(long, "Saint-Nicolas-de-Redon", "tres.longue.adresse.de.contact@association-paysanne-redon.example"),
    )
    .await;
    let manage = mailed_links(&m).into_iter().find(|l| l.contains("/signature/manage?token=")).expect("private link");
    let other = signed_and_confirmed(&m, individual("Ada Lovelace", "Redon", "ada@example.org")).await;
    maillage::processing::signatures::decide(
        &m.data,
        maillage::domain::ids::SignatoryId(other),
        true,
        "",
        "test",
        maillage::web::i18n::Tr::new(maillage::web::i18n::Lang::Fr),
    )
    .await
    .expect("approve");
    // A follower, a blocked domain, an account, a practice: every admin table has rows.
    let peer = Peer::start().await;
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    let mut b = Browser::new(&m.url(""));
    b.login("admin-de-la-coordination-territoriale@cces-pays-de-redon.example", PW).await;
    let csrf = b.get("/admin/domains").await.csrf();
    b.post(
        "/admin/domains",
        &[("csrf", &csrf), ("domain", "un-domaine-tres-long-de-spam-publicitaire.example"), ("reason", long)],
    )
    .await;
    let form = [
        ("csrf", csrf.as_str()),
        ("title", long),
        ("summary", "Des familles partagent trois voitures et réservent en ligne."),
        ("body", "Les **véhicules** partagés circulent entre quatre villages."),
        ("domains", "mobilite"),
        ("commune", "Guer"),
        ("tags", "autopartage, mobilité"),
    ];
    b.post("/admin/pratiques/nouvelle", &form).await;
    let practice = m
        .data
        .store
        .territory_practices(maillage::domain::ids::TerritoryId(1))
        .await
        .expect("practices")
        .first()
        .map(|p| p.id)
        .expect("a practice");
    maillage::processing::practices::set_published(&m.data, practice, true, "test").await.expect("publish");

    let ap_id = m.data.store.practice(practice).await.expect("db").expect("practice").ap_id;
    let report_target: String = url::form_urlencoded::byte_serialize(ap_id.as_bytes()).collect();
    // A line in the public log, with a long reason.
    maillage::processing::domains::limit_audited(
        &m.data,
        "un-domaine-tres-long-de-spam-publicitaire.example",
        long,
        "test",
    )
    .await
    .expect("limit");
    let driver = start_browser().await;
    let c = &driver.client;
    c.set_window_size(390, 844).await.expect("phone");
    let public = [
        "/".to_string(),
        "/t/territoire".into(),
        "/about".into(),
        "/pratiques".into(),
        format!("/pratiques/{practice}"),
        "/t/territoire/pratiques".into(),
        "/t/territoire/charte".into(),
        "/t/territoire/charte/2024".into(),
        "/tags/autopartage".into(),
        path_of(&m, &manage),
        "/t/territoire/signer".into(),
        "/t/territoire/signataires".into(),
        "/login".into(),
        "/password/forgot".into(),
        "/nowhere".into(),
        // Issue 15: the report form and the public moderation log (screenshots below).
        format!("/signaler?kind=practice&target={report_target}"),
        "/moderation".into(),
        "/t/territoire/moderation".into(),
    ];
    let admin = [
        "/admin".to_string(),
        "/admin/territory".into(),
        "/admin/charter".into(),
        "/admin/followers".into(),
        "/admin/following".into(),
        "/admin/pratiques".into(),
        "/admin/pratiques/nouvelle".into(),
        format!("/admin/pratiques/{practice}"),
        "/admin/signatures".into(),
        "/admin/signatures?status=all".into(),
        format!("/admin/signatures/{waiting}"),
        format!("/admin/signature/{waiting}"),
        "/admin/domains".into(),
        "/admin/accounts".into(),
        "/admin/instance".into(),
        "/admin/audit".into(),
        "/admin/audit?routine=1".into(),
        "/admin/federation".into(),
        "/admin/reports".into(),
    ];
    let mut wide = vec![];
    let mut twice = vec![];
    let mut check = |path: String, measured: (i64, i64, Vec<String>), ids: Vec<String>| {
        if measured.0 > measured.1 {
            wide.push(format!("{path}: {} px in {} px: {:?}", measured.0, measured.1, measured.2));
        }
        if !ids.is_empty() {
            twice.push(format!("{path}: {ids:?}"));
        }
    };
    for path in public {
        c.goto(&m.url(&path)).await.expect("goto");
        if path.starts_with("/signaler") || path.ends_with("/moderation") {
            let name = format!("layout-phone{}", path.split('?').next().unwrap_or_default().replace('/', "-"));
            shot(c, &name).await;
        }
        check(path, overflow(c).await, duplicate_ids(c).await);
    }
    login(c, &m, "admin-de-la-coordination-territoriale@cces-pays-de-redon.example").await;
    for path in admin {
        c.goto(&m.url(&path)).await.expect("goto");
        let name = format!("layout-phone{}", path.replace(['/', '?', '=', '&'], "-"));
        shot(c, &name).await;
        check(path, overflow(c).await, duplicate_ids(c).await);
    }
    // The check can fail: a page made wider than the phone is caught.
    c.execute("const d = document.createElement('div'); d.style.width = '600px'; d.textContent = 'x'; document.body.append(d);", vec![])
        .await
        .expect("widen");
    let (scroll, viewport, _) = overflow(c).await;
    assert!(scroll > viewport, "a 600 px element is seen ({scroll} in {viewport})");
    c.execute("for (let i = 0; i < 2; i++) { const e = document.createElement('p'); e.id = 'twice'; document.body.append(e); }", vec![])
        .await
        .expect("twice");
    assert_eq!(duplicate_ids(c).await, vec!["twice".to_string()], "a duplicate id is seen");
    assert!(wide.is_empty(), "pages wider than a 390 px phone:\n{}", wide.join("\n"));
    assert!(twice.is_empty(), "ids used twice on a page:\n{}", twice.join("\n"));
    driver.client.clone().close().await.expect("close");
    m.stop().await;
}
