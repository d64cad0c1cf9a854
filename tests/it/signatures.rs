//! The charter and its signatures over HTTP: import the CCES charter (../shared/seed), sign as a
//! structure (page) and as an individual (API), confirm from the mail, moderate, directory and
//! exports — with contact details never in public outputs.

use crate::common;

use common::{TestDb, TestInstance, client, get_json, mailed_links, path_of, web::Browser};
use maillage::{domain::account::Role, processing::signatures::import_charter};
use reqwest::StatusCode;
use serde_json::{Value, json};

const EMAIL: &str = "contact@amap-des-marais.example";
const PHONE: &str = "+33 2 99 71 00 42";
const ADDRESS: &str = "12 rue des Marais Secrets, 35600 Redon";

fn charter_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed/charte-cces.md");
    std::fs::read_to_string(path).expect("the CCES charter in ../shared/seed/charte-cces.md")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_confirm_moderate_and_publish() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    m.account("admin@cces.example", "un mot de passe solide", Role::Admin).await;
    let modo = m.token(Role::Moderator).await;
    let text = charter_text();
    import_charter(&m.data, "territoire", &text, "2024", "test").await.expect("import");

    // The charter as a page and as an ActivityStreams Document.
    let mut b = Browser::new(&m.url(""));
    let page = b.get("/t/territoire/charte").await;
    assert!(page.body.contains("Circuits Courts Economiques et Solidaires") && page.body.contains("Version 2024"));
    let doc = get_json(&m.url("/t/territoire/charte")).await;
    assert_eq!((doc["type"].as_str(), doc["version"].as_str()), (Some("Document"), Some("2024")));
    assert!(
        doc["content"].as_str().unwrap_or_default().contains("<strong>Je signe cette charte :</strong>"),
        "Markdown rendered to HTML"
    );

    // The form refuses bad input field by field, and stores nothing.
    let form = b.get("/t/territoire/signer").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let p = b
        .post(
            "/t/territoire/signer",
            &[("csrf", &csrf), ("kind", "structure"), ("email", "not-an-email"), ("charter_version", "2024")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["name-error", "commune-error", "legal_form-error", "domains-error", "email-error", "consent-error"] {
        assert!(p.body.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(p.body.contains("value=\"not-an-email\""), "what was typed is kept");
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM signatories")
            .fetch_one(m.data.store.pool())
            .await
            .expect("n")
    };
    assert_eq!(count().await, 0);
    let p = b.post("/t/territoire/signer", &[("kind", "structure")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "no CSRF token");

    // A structure signs.
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "structure"),
        ("name", "AMAP des Marais"),
        ("legal_form", "association"),
        ("domains", "alimentation"),
        ("commune", "Redon"),
        ("website", "https://amap-des-marais.example"),
        ("representative_name", "Camille Secret"),
        ("representative_role", "co-présidente"),
        ("email", EMAIL),
        ("phone", PHONE),
        ("postal_address", ADDRESS),
        ("charter_version", "2024"),
        ("consent", "true"),
        ("listed", "true"),
    ];
    let p = b.post("/t/territoire/signer", &fields).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Un message vient de vous être envoyé"));
    // The same address again: the same answer, which tells nobody the address had signed
    // (its owner is mailed their links again: tests/it/signatory_privacy.rs).
    let again = b.post("/t/territoire/signer", &fields).await;
    assert_eq!((again.status, again.body), (p.status, p.body));

    let links = mailed_links(&m);
    let confirm = links.iter().find(|l| l.contains("/signature/confirm")).expect("confirmation link").clone();
    assert!(links.iter().any(|l| l.contains("/signature/manage?token=")), "management link mailed");
    // Not listed before moderation.
    assert_eq!(
        client().get(m.url("/api/v1/signatories")).send().await.expect("api").json::<Value>().await.expect("json"),
        json!([])
    );
    let p = b.get(&path_of(&m, &confirm)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Votre signature est confirmée"));
    let again = b.get(&path_of(&m, &confirm)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the link works once");

    // An individual signs through the API (unlisted by default); a bot fills the honeypot.
    let individual = json!({
        "kind": "individual", "name": "Ada Lovelace", "roles": ["citoyen", "consommateur"], "commune": "Redon",
        "email": "ada.secret@example.org", "phone": "0611111111", "charter_version": "2024", "consent": true
    });
    let res = client().post(m.url("/api/v1/signatures")).json(&individual).send().await.expect("api");
    assert_eq!(res.status(), StatusCode::CREATED);
    let bot = json!({"kind": "individual", "name": "Bot", "roles": ["autre"], "commune": "X", "email": "bot@spam.example",
        "charter_version": "2024", "consent": true, "nickname": "gotcha"});
    let res = client().post(m.url("/api/v1/signatures")).json(&bot).send().await.expect("api");
    assert_eq!(res.status(), StatusCode::CREATED, "bots are not told");
    assert_eq!(count().await, 2, "the honeypot signature was dropped");
    let stale = json!({"kind": "individual", "name": "Old", "roles": ["citoyen"], "commune": "X", "email": "old@example.org",
        "charter_version": "2019", "consent": false});
    let res = client().post(m.url("/api/v1/signatures")).json(&stale).send().await.expect("api");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["fields"]["charter_version"], "charter-outdated");
    assert_eq!(body["fields"]["consent"], "consent-required");
    let res = client()
        .post(m.url("/api/v1/signatures"))
        .body("{oops")
        .header("content-type", "application/json")
        .send()
        .await
        .expect("api");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    for link in mailed_links(&m).iter().filter(|l| l.contains("/signature/confirm")) {
        client().get(link).send().await.expect("confirm");
    }

    // Moderation: approve the structure by API, reject the individual with a reason.
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM signatories WHERE status = 'confirmed' ORDER BY id")
        .fetch_all(m.data.store.pool())
        .await
        .expect("ids");
    assert_eq!(ids.len(), 2);
    let url = |id: i64, what: &str| m.url(&format!("/api/v1/signatures/{id}/{what}"));
    assert_eq!(client().post(url(ids[0], "approve")).send().await.expect("api").status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        client().post(url(ids[0], "approve")).bearer_auth(&modo).send().await.expect("api").status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client().post(url(ids[0], "approve")).bearer_auth(&modo).send().await.expect("api").status(),
        StatusCode::CONFLICT
    );
    let res =
        client().post(url(ids[1], "reject")).bearer_auth(&modo).json(&json!({"reason": ""})).send().await.expect("api");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a refusal needs a reason");
    let res = client()
        .post(url(ids[1], "reject"))
        .bearer_auth(&modo)
        .json(&json!({"reason": "Hors du territoire"}))
        .send()
        .await
        .expect("api");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let outbox: String = std::fs::read_dir(m.db.dir.path().join("outbox"))
        .expect("outbox")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(outbox.contains("Hors du territoire"), "the reason is mailed");

    // Directory, exports and API: public fields only.
    let dir = b.get("/t/territoire/signataires").await.body;
    assert!(dir.contains("AMAP des Marais") && dir.contains("Association") && dir.contains("Alimentation"));
    let filtered = b.get("/t/territoire/signataires?kind=individual").await.body;
    assert!(!filtered.contains("AMAP des Marais"));
    let api: Value = client()
        .get(m.url("/api/v1/signatories?domain=alimentation"))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    assert_eq!(api.as_array().map(Vec::len), Some(1));
    assert_eq!(api[0]["name"], "AMAP des Marais");
    let home = b.get("/t/territoire").await.body;
    assert!(home.contains("<strong>1</strong> <a href=\"/t/territoire/signataires\">signataire</a>"), "{home}");
    let csv =
        client().get(m.url("/t/territoire/signataires.csv")).send().await.expect("csv").text().await.expect("text");
    assert!(csv.starts_with("kind,name,") && csv.contains("AMAP des Marais"));
    let json_export =
        client().get(m.url("/t/territoire/signataires.json")).send().await.expect("json").text().await.expect("text");
    let mut public = vec![
        dir,
        filtered,
        api.to_string(),
        home,
        csv,
        json_export,
        doc.to_string(),
        get_json(&m.territory()).await.to_string(),
    ];
    public.push(client().get(m.url("/api/v1/territories")).send().await.expect("api").text().await.expect("text"));
    for out in &public {
        for secret in [EMAIL, PHONE, ADDRESS, "Camille Secret", "ada.secret@example.org", "0611111111", "Ada Lovelace"]
        {
            assert!(!out.contains(secret), "{secret} leaked");
        }
    }

    // The admin export has the contacts, and is audited; moderators cannot get it.
    b.login("admin@cces.example", "un mot de passe solide").await;
    // A new charter version from the console becomes the current one; the old one stays readable.
    let csrf = b.get("/admin/charter").await.csrf();
    let p = b
        .post("/admin/charter", &[("csrf", &csrf), ("version", "2025"), ("content", "# Charte 2025\n\nTexte révisé.")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(get_json(&m.url("/t/territoire/charte")).await["version"], "2025");
    assert!(b.get("/t/territoire/charte/2024").await.body.contains("Version 2024"));
    assert_eq!(
        b.post("/admin/charter", &[("csrf", &csrf), ("version", "2025"), ("content", "x")]).await.status,
        StatusCode::CONFLICT
    );
    let export = b.get("/admin/signatures.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.body.contains(EMAIL) && export.body.contains(PHONE));
    assert!(b.get("/admin/audit").await.body.contains("Coordonnées des signataires exportées"));
    // One signer's record, for an admin acting on their request.
    let one = b.get(&format!("/admin/signature/{}.json", ids[0])).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.body.contains(EMAIL) && one.body.contains(ADDRESS));
    assert!(b.get("/admin/audit?routine=1").await.body.contains("signature téléchargées"));
    // …and edited by an admin on request.
    let form = b.get(&format!("/admin/signature/{}", ids[0])).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(EMAIL), "the form shows the record");
    let csrf = form.csrf();
    let p = b
        .post(
            &format!("/admin/signature/{}", ids[0]),
            &[
                ("csrf", &csrf),
                ("name", "AMAP des Marais de Redon"),
                ("legal_form", "association"),
                ("domains", "alimentation"),
                ("commune", "Redon"),
                ("representative_name", "Camille Secret"),
                ("email", EMAIL),
                ("listed", "true"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(b.get("/t/territoire/signataires").await.body.contains("AMAP des Marais de Redon"));
    m.account("modo@cces.example", "un mot de passe solide", Role::Moderator).await;
    let mut mb = Browser::new(&m.url(""));
    mb.login("modo@cces.example", "un mot de passe solide").await;
    assert_eq!(mb.get("/admin/signatures.csv").await.status, StatusCode::FORBIDDEN);
    assert_eq!(mb.get(&format!("/admin/signature/{}.json", ids[0])).await.status, StatusCode::FORBIDDEN);
    assert_eq!(mb.get("/admin/signatures").await.status, StatusCode::OK);
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_is_rate_limited_per_address() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    import_charter(&m.data, "territoire", &charter_text(), "v1", "test").await.expect("import");
    let mut last = StatusCode::OK;
    for n in 0..11 {
        let body = json!({"kind": "individual", "name": format!("P{n}"), "roles": ["citoyen"], "commune": "Redon",
            "email": format!("p{n}@example.org"), "charter_version": "v1", "consent": true});
        last = client().post(m.url("/api/v1/signatures")).json(&body).send().await.expect("api").status();
        if n < 10 {
            assert_eq!(last, StatusCode::CREATED, "signature {n}");
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn welcome_note_management_link_and_withdrawal() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let modo = m.token(Role::Moderator).await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    // A follower on another server, to see the welcome Note and its retraction.
    let peer = common::peer::Peer::start().await;
    let group = peer.resolve(&format!("territoire@{}", m.authority)).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    common::eventually(10, "Accept", || async { peer.received().iter().any(|a| a["type"] == "Accept") }).await;

    let sig = json!({"kind": "structure", "name": "Coopérative Énergie Vilaine", "legal_form": "cooperative",
        "domains": ["energie"], "commune": "Redon", "representative_name": "Dominique Privé", "email": EMAIL,
        "phone": PHONE, "postal_address": ADDRESS, "charter_version": "2024", "consent": true});
    assert_eq!(
        client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("api").status(),
        StatusCode::CREATED
    );
    let links = mailed_links(&m);
    let confirm = links.iter().find(|l| l.contains("/signature/confirm")).expect("confirm").clone();
    let manage = links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage").clone();
    client().get(&confirm).send().await.expect("confirm");
    let id: i64 = sqlx::query_scalar("SELECT id FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    let res =
        client().post(m.url(&format!("/api/v1/signatures/{id}/approve"))).bearer_auth(&modo).send().await.expect("api");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // The welcome Note reaches the follower, verified by the peer's own signature check.
    common::eventually(10, "welcome Note", || async { peer.received().iter().any(|a| a["type"] == "Create") }).await;
    let create = peer.received().into_iter().find(|a| a["type"] == "Create").expect("create");
    let note_id = create["object"]["id"].as_str().expect("note id").to_string();
    assert!(create["object"]["content"].as_str().unwrap_or_default().contains("Coopérative Énergie Vilaine"));
    assert_eq!(get_json(&note_id).await["type"], "Note");
    assert_eq!(get_json(&m.url("/t/territoire/outbox")).await["totalItems"], 1);

    // The signer's space: their data, editable, exportable.
    let mut b = Browser::new(&m.url(""));
    let page = b.get(&path_of(&m, &manage)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(EMAIL) && page.body.contains("Dominique Privé"), "the signer sees everything");
    let export: Value = client()
        .get(manage.replace("/signature/manage?", "/signature/manage/export?"))
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("json");
    assert_eq!((export["email"].as_str(), export["phone"].as_str()), (Some(EMAIL), Some(PHONE)));
    let token = manage.split("token=").nth(1).expect("token").to_string();
    let csrf = page.csrf();
    let p = b
        .post(
            "/signature/manage",
            &[
                ("csrf", &csrf),
                ("token", &token),
                ("name", "Coopérative Énergie Vilaine"),
                ("legal_form", "cooperative"),
                ("domains", "energie"),
                ("domains", "mobilite"),
                ("commune", "Redon"),
                ("representative_name", "Dominique Privé"),
                ("email", EMAIL),
                ("listed", "true"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("Vos modifications sont enregistrées"));
    assert_eq!(p.cache_control, "no-store", "the saved page holds personal data: never cached");
    let api: Value = client()
        .get(m.url("/api/v1/signatories?domain=mobilite"))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    assert_eq!(api.as_array().map(Vec::len), Some(1), "the edit shows in the directory");
    assert_eq!(
        b.post("/signature/manage/withdraw", &[("csrf", "forged"), ("token", &token), ("confirm", "true")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Withdrawal: personal data erased, the Note retracted (Delete delivered, 410), lists updated.
    let p = b.post("/signature/manage/withdraw", &[("csrf", &csrf), ("token", &token), ("confirm", "true")]).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("vos données personnelles sont effacées"));
    common::eventually(10, "Delete delivered", || async { peer.received().iter().any(|a| a["type"] == "Delete") })
        .await;
    assert_eq!(
        client().get(&note_id).header("accept", "application/activity+json").send().await.expect("note").status(),
        StatusCode::GONE
    );
    assert_eq!(get_json(&m.url("/t/territoire/outbox")).await["totalItems"], 0);
    let row: (String, String, String, Option<String>, Option<String>, Option<String>, String) = sqlx::query_as(
        "SELECT status, name, commune, email, phone, postal_address, representative_name FROM signatories WHERE id = $1",
    )
    .bind(id)
    .fetch_one(m.data.store.pool())
    .await
    .expect("row");
    assert_eq!(
        row,
        ("withdrawn".into(), String::new(), "Redon".into(), None, None, None, String::new()),
        "only an anonymous record stays"
    );
    assert_eq!(b.get(&path_of(&m, &manage)).await.status, StatusCode::NOT_FOUND, "the link is dead");
    let api: Value = client().get(m.url("/api/v1/signatories")).send().await.expect("api").json().await.expect("json");
    assert_eq!(api, json!([]));
    let home = b.get("/t/territoire").await.body;
    assert!(home.contains("<strong>0</strong> <a href=\"/t/territoire/signataires\">signataire</a>"), "counts updated");
    let audit: Vec<String> = sqlx::query_scalar("SELECT actor || ' ' || action || ' ' || detail FROM audit_log")
        .fetch_all(m.data.store.pool())
        .await
        .expect("audit");
    assert!(audit.iter().any(|a| a.contains("signature.withdraw")));
    for a in &audit {
        assert!(
            !a.contains(EMAIL) && !a.contains("Dominique") && !a.contains("Vilaine"),
            "personal data in the audit log: {a}"
        );
    }
    peer.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatory_actor_is_fetchable_followable_then_deleted() {
    let m = TestInstance::start(TestDb::sqlite().await).await;
    let modo = m.token(Role::Moderator).await;
    import_charter(&m.data, "territoire", &charter_text(), "2024", "test").await.expect("import");
    let sig = json!({"kind": "structure", "name": "Épicerie Solidaire", "legal_form": "association", "domains": ["alimentation", "commerce"],
        "commune": "Redon", "website": "https://epicerie.example", "representative_name": "Sam Privé", "email": EMAIL, "phone": PHONE,
        "postal_address": ADDRESS, "charter_version": "2024", "consent": true});
    assert_eq!(
        client().post(m.url("/api/v1/signatures")).json(&sig).send().await.expect("api").status(),
        StatusCode::CREATED
    );
    let links = mailed_links(&m);
    client()
        .get(links.iter().find(|l| l.contains("/signature/confirm")).expect("confirm"))
        .send()
        .await
        .expect("confirm");
    let id: i64 = sqlx::query_scalar("SELECT id FROM signatories").fetch_one(m.data.store.pool()).await.expect("id");
    assert!(
        client()
            .get(m.url(&format!("/s/{id}")))
            .header("accept", "application/activity+json")
            .send()
            .await
            .expect("actor")
            .status()
            == StatusCode::NOT_FOUND,
        "not public before approval"
    );
    client().post(m.url(&format!("/api/v1/signatures/{id}/approve"))).bearer_auth(&modo).send().await.expect("approve");

    // The territory lists it as a member; WebFinger finds it.
    let group = get_json(&m.territory()).await;
    let members = get_json(group["members"].as_str().expect("members")).await;
    let actor_id = m.url(&format!("/s/{id}"));
    assert_eq!(members["orderedItems"], json!([actor_id]));
    let jrd: Value = client()
        .get(m.url(&format!("/.well-known/webfinger?resource=acct:s{id}@{}", m.authority)))
        .send()
        .await
        .expect("wf")
        .json()
        .await
        .expect("json");
    assert_eq!(jrd["links"][0]["href"], actor_id);

    // An independent implementation fetches it (signed GET) and follows it.
    let peer = common::peer::Peer::start().await;
    let actor = peer.resolve(&format!("s{id}@{}", m.authority)).await.expect("resolve");
    assert_eq!(actor.json["type"], "Organization");
    assert_eq!(actor.json["attributedTo"], m.territory());
    let fields = actor.json["attachment"].to_string();
    assert!(
        fields.contains("Commune")
            && fields.contains("Redon")
            && fields.contains("Alimentation")
            && fields.contains("epicerie.example")
    );
    for secret in [EMAIL, PHONE, ADDRESS, "Sam Privé"] {
        assert!(!actor.json.to_string().contains(secret), "{secret} in the actor");
    }
    peer.send(&actor.inbox, "Follow", json!(actor.id)).await.expect("follow");
    common::eventually(10, "Accept signed by the signatory", || async {
        peer.received().iter().any(|a| a["type"] == "Accept" && a["actor"] == actor_id)
    })
    .await;
    assert!(peer.refused().is_empty(), "{:?}", peer.refused());
    assert_eq!(get_json(&m.url(&format!("/s/{id}/followers"))).await["totalItems"], 1);

    // Withdrawal: the actor deletes itself; followers get the Delete; its URL answers 410.
    let manage = links.iter().find(|l| l.contains("/signature/manage?token=")).expect("manage").clone();
    let mut b = Browser::new(&m.url(""));
    let csrf = b.get(&path_of(&m, &manage)).await.csrf();
    let token = manage.split("token=").nth(1).expect("token").to_string();
    assert_eq!(
        b.post("/signature/manage/withdraw", &[("csrf", &csrf), ("token", &token), ("confirm", "true")]).await.status,
        StatusCode::OK
    );
    common::eventually(10, "Delete of the actor", || async {
        peer.received().iter().any(|a| a["type"] == "Delete" && a["object"] == actor_id)
    })
    .await;
    let res = client().get(&actor_id).header("accept", "application/activity+json").send().await.expect("actor");
    assert_eq!(res.status(), StatusCode::GONE);
    assert_eq!(get_json(&m.url("/t/territoire/members")).await["totalItems"], 0);
    peer.stop().await;
    m.stop().await;
}
