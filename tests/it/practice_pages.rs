//! Practice pages as people use them: a moderator writes a draft with the form (field errors
//! next to the fields, nothing stored), publishes it, edits it (only the changed fields are
//! recorded); a signatory proposes one through their private link; the catalogue searches
//! French word forms; the public history names roles, never addresses.

use crate::common;

use common::{TestDb, TestInstance, client, mailed_links, path_of, web::Browser};
use maillage::{domain::account::Role, processing::signatures::import_charter};
use reqwest::StatusCode;
use serde_json::json;

const PW: &str = "un mot de passe solide";

fn practice_form<'a>(csrf: &'a str, title: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("summary", "Des familles partagent trois voitures et réservent en ligne."),
        ("body", "Les **véhicules** partagés circulent entre quatre villages."),
        ("domains", "mobilite"),
        ("dim-environnementale-text", "Moins de voitures"),
        ("ind-environnementale-0-name", "Voitures évitées"),
        ("ind-environnementale-0-value", value),
        ("ind-environnementale-0-unit", "véhicules"),
        ("ind-environnementale-0-period", "2025"),
        ("commune", "Guer"),
        ("latitude", "47,9"),
        ("longitude", "-2,12"),
        ("tags", "autopartage, mobilité"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_write_publish_and_edit_practices_in_pages() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    let form = b.get("/admin/pratiques/nouvelle").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"ind-sociale-0-value\""), "indicator rows without JavaScript");
    let csrf = form.csrf();

    // Bad input: errors beside the fields, nothing stored.
    let mut bad = practice_form(&csrf, "", "beaucoup");
    let long = "x".repeat(501);
    bad[2] = ("summary", &long);
    let p = b.post("/admin/pratiques/nouvelle", &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"title-error\"") && p.body.contains("Ce champ est obligatoire."), "{}", p.body);
    assert!(p.body.contains("id=\"summary-error\"") && p.body.contains("Ce texte est trop long."));
    assert!(p.body.contains("id=\"indicators-error\""), "the indicator without a number is named");
    assert!(p.body.contains("value=\"beaucoup\""), "what was typed is kept");
    assert!(
        m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db").is_empty(),
        "nothing stored"
    );
    let forged = b.post("/admin/pratiques/nouvelle", &practice_form("forged", "Autopartage", "3")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "CSRF checked");

    // A draft: the moderator sees it, the public does not.
    let p = b.post("/admin/pratiques/nouvelle", &practice_form(&csrf, "Autopartage rural", "3")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let path = p.location.expect("location");
    let id: maillage::domain::ids::PracticeId =
        path.trim_start_matches("/pratiques/").split('?').next().expect("id").parse().expect("id");
    let draft = b.get(&format!("/pratiques/{id}")).await;
    assert!(draft.body.contains("brouillon") && draft.body.contains("<strong>véhicules</strong>"));
    let public = client().get(m.url(&format!("/pratiques/{id}"))).header("Accept", "text/html").send().await;
    assert_eq!(public.expect("get").status(), StatusCode::NOT_FOUND);

    // Published from its page: in the catalogue, found from another word form.
    let csrf = draft.csrf();
    let p = b.post(&format!("/pratiques/{id}/statut"), &[("csrf", &csrf), ("action", "publish")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let mut visitor = Browser::new(&m.url(""));
    let found = visitor.get("/pratiques?q=v%C3%A9hicule&dimension=environnementale").await;
    assert!(found.body.contains("Autopartage rural") && found.body.contains("1 bonne pratique"), "{}", found.body);
    let none = visitor.get("/pratiques?q=v%C3%A9hicule&dimension=sociale").await;
    assert!(none.body.contains("Aucune bonne pratique trouvée."));
    let page = visitor.get(&format!("/pratiques/{id}")).await;
    assert!(page.body.contains("Voitures évitées") && page.body.contains("3\u{a0}véhicules"), "indicator shown");
    assert!(page.body.contains("<meta property=\"og:title\" content=\"Autopartage rural\">"), "link previews");
    let home = visitor.get("/t/territoire").await;
    assert!(
        home.body.contains(&format!("<a href=\"/pratiques/{id}\">Autopartage rural</a>")),
        "on the territory's home"
    );
    assert!(page.body.contains("#autopartage") && page.body.contains("47.9"), "tags and place");
    let tag = visitor.get("/tags/autopartage").await;
    assert_eq!(tag.location.as_deref(), Some("/pratiques?tag=autopartage"), "hashtag links lead to the catalogue");
    assert!(visitor.get("/pratiques?tag=autopartage").await.body.contains("Autopartage rural"));

    // An edit through the form records only what changed; the public history shows roles.
    let form = b.get(&format!("/admin/pratiques/{id}")).await;
    assert!(form.body.contains("value=\"Autopartage rural\"") && form.body.contains("value=\"3\""), "{}", form.body);
    let csrf = form.csrf();
    let p = b.post(&format!("/admin/pratiques/{id}"), &practice_form(&csrf, "Autopartage entre villages", "3")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let revisions = m.data.store.practice_revisions(id).await.expect("revisions");
    let changes: Vec<&str> = revisions.iter().map(|r| r.changes.as_str()).collect();
    assert_eq!(changes, vec!["created", "published", "title"]);
    let page = visitor.get(&format!("/pratiques/{id}")).await;
    assert!(
        page.body.contains("Autopartage entre villages") && page.body.contains("l&#39;équipe de modération : titre")
    );
    assert!(!page.body.contains("modo@cces.example"), "no address in the public history");
    let en = {
        let mut v = Browser::new(&m.url(""));
        v.accept_language = Some("en".into());
        v.get(&format!("/pratiques/{id}")).await
    };
    assert!(en.body.contains("Change history") && en.body.contains("Environmental"), "English too");
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatories_propose_practices_through_their_private_link() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let charter = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/charte-cces.md"))
        .expect("charter");
    import_charter(&m.data, "territoire", &charter, "2024", "test").await.expect("import");
    let sig = json!({"kind": "individual", "name": "Camille", "roles": ["consommateur"], "commune": "Redon",
        "email": "camille@exemple.example", "charter_version": "2024", "consent": true});
    let res = client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("sign");
    assert_eq!(res.status(), StatusCode::CREATED);
    let links = mailed_links(&m);
    let manage = links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage").clone();
    let propose = path_of(&m, &manage).replace("/signature/manage?", "/signature/manage/practice?");
    let mut b = Browser::new(&m.url(""));
    assert_eq!(b.get(&propose).await.status, StatusCode::NOT_FOUND, "not before the address is confirmed");
    let confirm = links.iter().find(|l| l.contains("/signature/confirm")).expect("confirm").clone();
    client().get(&confirm).send().await.expect("confirm");
    let form = b.get(&propose).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.cache_control, "no-store", "the page carries the private link");
    let token = manage.split("token=").nth(1).expect("token").to_string();
    let csrf = form.csrf();
    let mut fields = practice_form(&csrf, "Troc de graines", "12");
    fields.push(("token", &token));
    let p = b.post("/signature/manage/practice", &fields).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("brouillon"), "the signer is told it awaits review");
    let drafts = m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db");
    assert_eq!((drafts.len(), drafts[0].status.as_str()), (1, "draft"));
    assert!(drafts[0].author.starts_with("signatory:"), "recorded as the signatory's");
    let public = client().get(m.url("/api/v1/practices")).send().await.expect("get").text().await.expect("text");
    assert!(!public.contains("Troc de graines"), "a proposal is not public");

    // Back on the link: the proposal is listed and, while a draft, editable by its author only.
    let again = b.get(&propose).await;
    let edit_link = format!("id={}\">Troc de graines", drafts[0].id);
    assert!(
        again.body.contains("Troc de graines") && again.body.contains(&edit_link),
        "listed, with an edit link: {}",
        again.body
    );
    let edit_path = format!("{propose}&id={}", drafts[0].id);
    let form = b.get(&edit_path).await;
    assert!(form.body.contains("value=\"Troc de graines\""), "{}", form.body);
    let csrf = form.csrf();
    let id = drafts[0].id.to_string();
    let mut fields = practice_form(&csrf, "Troc de graines et de plants", "12");
    fields.push(("token", &token));
    fields.push(("id", &id));
    assert_eq!(b.post("/signature/manage/practice", &fields).await.status, StatusCode::OK);
    let p = m.data.store.practice(drafts[0].id).await.expect("db").expect("row");
    assert_eq!(p.title, "Troc de graines et de plants");
    assert_eq!(
        m.data.store.territory_practices(maillage::domain::ids::TerritoryId(1)).await.expect("db").len(),
        1,
        "edited, not duplicated"
    );
    // Once published, the proposal is the moderators' to change.
    m.data.store.set_practice_status(p.id, true, "test").await.expect("publish");
    assert_eq!(b.get(&edit_path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.post("/signature/manage/practice", &fields).await.status, StatusCode::NOT_FOUND);
    assert_eq!(m.data.store.practice(p.id).await.expect("db").expect("row").title, "Troc de graines et de plants");
    m.stop().await;
}
