//! The territory settings as an administrator uses them: the presentation written in Markdown
//! shown as Markdown wherever it appears (page, home, the actor followers read), a picture too
//! large answered on the form itself, sizes written "1 Mo", the fediverse address explained.

use crate::common;

use common::{TestDb, TestInstance, web::Browser};
use maillage::domain::account::Role;
use reqwest::StatusCode;

const PW: &str = "un mot de passe solide";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

async fn admin(m: &TestInstance) -> Browser {
    m.account("admin@cces.example", PW, Role::Admin).await;
    let mut b = Browser::new(&m.url(""));
    b.login("admin@cces.example", PW).await;
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_presentation_is_markdown_everywhere_it_is_shown() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let mut b = admin(&m).await;
    let form = b.get("/admin/territory").await;
    assert!(form.body.contains("<code>**gras**</code>"), "formatting help beside the presentation");
    assert!(form.body.contains("@territoire@"), "the fediverse address");
    assert!(form.body.contains("Elle ne change pas quand le nom change"), "and why it stays");
    let summary = "**Rencontre** des producteurs et des mangeurs.\n\nUn second *paragraphe*.";
    let p = b
        .post(
            "/admin/territory",
            &[("csrf", &form.csrf()), ("name", "Pays de Redon"), ("summary", summary), ("domains", "alimentation")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = b.get("/t/territoire").await.body;
    assert!(
        page.contains("<p><strong>Rencontre</strong> des producteurs et des mangeurs.</p>")
            && page.contains("<p>Un second <em>paragraphe</em>.</p>"),
        "two paragraphs, bold and italics: {page}"
    );
    assert!(!page.contains("**Rencontre**"), "no literal asterisks");
    // With a second territory, the home page lists both, each with its first paragraph.
    maillage::processing::territories::create(&m.data, "voisin", "Territoire voisin", "Un *voisin*.", "test")
        .await
        .expect("second territory");
    let home = b.get("/").await.body;
    assert!(home.contains("<strong>Rencontre</strong>") && !home.contains("paragraphe"), "the first paragraph: {home}");
    let actor: serde_json::Value = common::client()
        .get(m.territory())
        .header("Accept", "application/activity+json")
        .send()
        .await
        .expect("actor")
        .json()
        .await
        .expect("json");
    let html = actor["summary"].as_str().expect("summary");
    assert!(html.contains("<strong>Rencontre</strong>") && html.contains("<em>paragraphe</em>"), "{html}");
    let form = b.get("/admin/territory").await;
    assert!(form.body.contains("@territoire@"), "renamed, the address stays");
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_too_large_is_answered_on_the_form() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let mut b = admin(&m).await;
    let form = b.get("/admin/territory").await;
    assert!(form.body.contains("1\u{a0}Mo au plus"), "sizes as French people write them: {}", form.body);
    assert!(!form.body.contains("Mio"));
    let csrf = form.csrf();
    // A 4 MB PNG straight from a phone: the form again, its error beside the file field.
    let mut big = PNG.to_vec();
    big.resize(4 * 1024 * 1024, 7);
    let p = b.post_multipart("/admin/territory/icon", &csrf, big, "photo.png").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"icon-error\"") && p.body.contains("L&#39;image dépasse 1\u{a0}Mo"), "{}", p.body);
    assert!(p.body.contains("aria-describedby=\"icon-error\""));
    assert!(p.body.contains("action=\"/logout\""), "still logged in");
    // A 30 MB camera file is read to its end (and dropped): the same form, never a reset.
    let mut huge = PNG.to_vec();
    huge.resize(30 * 1024 * 1024, 7);
    let p = b.post_multipart("/admin/territory/icon", &csrf, huge, "huge.png").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"icon-error\""));
    assert!(m.data.store.territory_by_slug("territoire").await.expect("db").expect("t").icon_media_id.is_none());
    // A good one: shown as the current icon, with a text alternative.
    let p = b.post_multipart("/admin/territory/icon", &csrf, PNG.to_vec(), "logo.png").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let form = b.get("/admin/territory").await.body;
    assert!(
        form.contains("class=\"icon-preview\"") && form.contains("alt=\"Icône actuelle de Territoire CCES\""),
        "{form}"
    );
    m.stop().await;
}
