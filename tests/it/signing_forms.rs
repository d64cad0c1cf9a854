//! The signing form over HTTP, on SQLite and PostgreSQL: a website typed without `https://` is
//! completed and stored as an address, an empty group of boxes asks for one, every entered
//! value (the consent box too) comes back after an error with a summary linking to the fields;
//! a new instance shows the web charter; mails name the territory and the charter; the private
//! page says where the signature stands, in words.

use crate::common;

use common::{TestDb, TestInstance, client, mailed_links, path_of, web::Browser};
use maillage::{
    domain::account::Role,
    web::i18n::{Lang, Tr},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn website_of(m: &TestInstance, email: &str) -> String {
    sqlx::query_scalar("SELECT website FROM signatories WHERE email = $1")
        .bind(email)
        .fetch_one(m.data.store.pool())
        .await
        .expect("website")
}

/// The mails in the outbox, their quoted-printable bodies decoded.
fn mails(m: &TestInstance) -> Vec<String> {
    let dir = m.db.dir.path().join("outbox");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files.iter().map(|f| decode_qp(&std::fs::read_to_string(f).expect("mail"))).collect()
}

fn decode_qp(text: &str) -> String {
    let text = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_domain_is_completed_and_an_empty_group_asks_for_one_box() {
    for db in TestDb::all().await {
        let m = TestInstance::start(db).await;
        let mut b = Browser::new(&m.url(""));
        let csrf = b.get("/t/territoire/signer").await.csrf();
        let version = maillage::processing::signatures::DEFAULT_CHARTER_VERSION;
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("kind", "structure"),
            ("name", "Jardins de Redon"),
            ("legal_form", "association"),
            ("commune", "Redon"),
            ("website", "jardins-redon.fr"),
            ("representative_name", "Dominique"),
            ("email", "contact@jardins-redon.example"),
            ("phone", "02 99 00 00 00"),
            ("charter_version", version),
            ("consent", "true"),
        ];
        // No domain ticked: refused, with words that say what to do, everything kept.
        let p = b.post("/t/territoire/signer", &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains(r#"<p class="error" id="domains-error">Choisissez au moins une case.</p>"#),
            "{}",
            p.body
        );
        assert!(!p.body.contains("Ce champ est obligatoire."), "no generic message for a group of boxes");
        assert!(
            p.body.contains(r#"aria-describedby="domains-hint domains-error""#),
            "the message is tied to its group"
        );
        // The summary lists the error as a link to the group's first box, and takes the focus.
        let summary = p.body.split(r#"id="error-summary""#).nth(1).expect("an error summary");
        assert!(p.body.contains(r#"role="alert" tabindex="-1""#));
        assert!(
            summary.contains(r##"<a href="#dom-energie">Domaines d&#39;activité : Choisissez au moins une case.</a>"##)
        );
        assert!(p.body.contains(r#"id="dom-energie""#), "the link's target exists");
        // The consent box is still ticked, the values still there.
        let consent = p.body.split(r#"id="consent""#).nth(1).and_then(|s| s.split('>').next()).expect("consent");
        assert!(consent.contains(" checked"), "consent kept: {consent}");
        assert!(p.body.contains(r#"value="jardins-redon.fr""#) && p.body.contains(r#"value="02 99 00 00 00""#));
        assert!(p.body.contains(r#"type="tel" id="phone""#));
        // With a domain: signed, and the website stored as an address.
        fields.push(("domains", "alimentation"));
        let p = b.post("/t/territoire/signer", &fields).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert_eq!(website_of(&m, "contact@jardins-redon.example").await, "https://jardins-redon.fr");

        // What is no web address is refused beside the field, with an example.
        let csrf = b.get("/t/territoire/signer").await.csrf();
        let bad =
            [("csrf", csrf.as_str()), ("kind", "structure"), ("website", "mon site"), ("charter_version", version)];
        let p = b.post("/t/territoire/signer", &bad).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains(r#"id="website-error">Indiquez une adresse de site, par exemple jardins-redon.fr.</p>"#)
        );
        assert!(p.body.contains(r#"aria-describedby="website-hint website-error""#));
        assert!(!p.body.contains("Valeur non reconnue."));
        // No kind chosen: that is what is said, not a missing role.
        let p = b.post("/t/territoire/signer", &[("csrf", csrf.as_str()), ("charter_version", version)]).await;
        assert!(
            p.body.contains(r##"<a href="#kind-individual">Je signe : Ce champ est obligatoire.</a>"##),
            "{}",
            p.body
        );
        assert!(!p.body.contains("roles-error") && !p.body.contains("domains-error"));

        // In English too, the summary names the field and says what to do.
        let mut en = Browser::new(&m.url(""));
        en.accept_language = Some("en".into());
        let csrf = en.get("/t/territoire/signer").await.csrf();
        let p = en.post("/t/territoire/signer", &[("csrf", csrf.as_str()), ("kind", "individual")]).await;
        assert!(p.body.contains(r##"<a href="#role-citoyen">Your roles: Choose at least one box.</a>"##), "{}", p.body);
        assert!(p.body.contains("<h2 id=\"error-summary-title\">The form has errors.</h2>"));

        // The API completes the same way, and names the group's message.
        let sig = json!({"kind": "structure", "name": "Chez Dominique", "legal_form": "entreprise",
            "domains": ["commerce"], "commune": "Redon", "representative_name": "Dominique",
            "website": "www.dominique.fr", "email": "dominique@example.org", "charter_version": version, "consent": true});
        let res = client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("api");
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(website_of(&m, "dominique@example.org").await, "https://www.dominique.fr");
        let citizen = json!({"kind": "individual", "name": "Ada", "commune": "Redon", "email": "ada@example.org",
            "charter_version": version, "consent": true});
        let res = client().post(m.url("/api/v1/signatures")).json(&citizen).send().await.expect("api");
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["fields"]["roles"], "field-choose-one");
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_instance_shows_the_web_charter_and_speaks_plainly_to_signers() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let mut b = Browser::new(&m.url(""));
    // The web charter, by default: its title as the page's heading, its sections as headings,
    // none of the paper form's last lines.
    let page = b.get("/t/territoire/charte").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Charte des Circuits Courts Économiques et Solidaires (CCES)</h1>"));
    assert!(page.body.contains("<h2>I. Définition et valeurs partagées</h2>"), "{}", page.body);
    assert_eq!(page.body.matches("<h1").count(), 1);
    for residue in ["Date et signature", "Coordonnées :", "Je signe cette charte :"] {
        assert!(!page.body.contains(residue), "{residue}");
    }
    // Public pages name the territory, not the software; a footer says what runs it.
    for path in ["/t/territoire", "/t/territoire/signer", "/t/territoire/signataires", "/about", "/pratiques"] {
        let p = b.get(path).await;
        assert!(p.body.contains(r#"<a class="brand" href="/">Territoire CCES</a>"#), "{path}");
        assert!(!p.body.contains("NodeInfo"), "{path}");
        let before_footer = p.body.split("<footer").next().unwrap_or_default();
        assert!(!before_footer.contains("Maillage"), "{path}: {before_footer}");
        assert!(p.body.contains("Propulsé par Maillage"), "{path}");
    }
    let territory = b.get("/t/territoire").await.body;
    assert!(territory.contains("depuis Mastodon ou un autre réseau du fédiverse"), "followers explained");
    // The territory's icon says what it is.
    m.account("admin@cces.example", "un mot de passe solide", Role::Admin).await;
    let mut admin = Browser::new(&m.url(""));
    admin.login("admin@cces.example", "un mot de passe solide").await;
    let csrf = admin.get("/admin/territory").await.csrf();
    let p = admin.post_multipart("/admin/territory/icon", &csrf, common::web::PNG.to_vec(), "logo.png").await;
    assert!(p.status.is_success() || p.status.is_redirection(), "{}", p.status);
    let territory = b.get("/t/territoire").await.body;
    assert!(territory.contains(r#"alt="Logo de Territoire CCES">"#), "{territory}");
    assert!(!territory.contains(r#"alt="""#));
    let en = {
        let mut en = Browser::new(&m.url(""));
        en.accept_language = Some("en".into());
        en.get("/t/territoire").await.body
    };
    assert!(en.contains("from Mastodon or another fediverse network"));
    let directory = b.get("/t/territoire/signataires").await.body;
    assert!(directory.contains(r#"<label for="kind">Personnes ou structures</label>"#));
    assert!(!directory.contains("Je signe"));

    // A citizen signs: the mail names the charter and the territory.
    let csrf = b.get("/t/territoire/signer").await.csrf();
    let version = maillage::processing::signatures::DEFAULT_CHARTER_VERSION;
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "individual"),
        ("name", "Ada"),
        ("roles", "citoyen"),
        ("commune", "Redon"),
        ("email", "ada@example.org"),
        ("charter_version", version),
        ("consent", "true"),
    ];
    assert_eq!(b.post("/t/territoire/signer", &fields).await.status, StatusCode::OK);
    let mail = mails(&m).pop().expect("a mail");
    assert!(
        mail.contains(&format!(
            "Bonjour,\n\nvous avez signé la charte des Circuits Courts Économiques et Solidaires (version {version})\ndu territoire Territoire CCES."
        )),
        "{mail}"
    );
    let links = mailed_links(&m);
    let confirm = links.iter().find(|l| l.contains("/signature/confirm")).expect("confirm").clone();
    let manage = path_of(&m, links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage"));
    // The private page says where the signature stands, in words.
    let private = b.get(&manage).await.body;
    assert!(private.contains("État de votre signature : en attente de confirmation"), "{private}");
    assert!(private.contains("Télécharger toutes mes données") && !private.contains("JSON"));
    client().get(&confirm).send().await.expect("confirm");
    assert!(b.get(&manage).await.body.contains("en attente de validation par l&#39;équipe du territoire"));
    let id: maillage::domain::ids::SignatoryId =
        sqlx::query_scalar("SELECT id FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    maillage::processing::signatures::decide(&m.data, id, true, "", "test", Tr::new(Lang::Fr)).await.expect("approve");
    assert!(b.get(&manage).await.body.contains("État de votre signature : acceptée"));
    // The acceptance mail names the territory and links to its directory.
    let accepted = mails(&m).pop().expect("a mail");
    assert!(
        accepted.contains("du territoire\nTerritoire CCES : l'équipe du territoire a accepté votre signature"),
        "{accepted}"
    );
    assert!(accepted.contains(&m.url("/t/territoire/signataires")), "{accepted}");
    m.stop().await;
}
