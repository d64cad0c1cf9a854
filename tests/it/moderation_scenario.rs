//! Issue 15's "done when", the moderation half, as a new user would try it across two real
//! instances: C follows A's territory and its moderator posts a spam comment under A's
//! practice; a visitor of A reports it from the page (no account), A's moderator hides it from
//! the console, the decision shows in A's public log, and the report forwarded to C arrives
//! there as a `Flag` in C's own queue, without the visitor. (The other halves: backups in
//! `backup::backup_during_load_restores_everything`, the move in
//! `territory_move_federation::a_moved_territory_keeps_its_maillage_follower`.)

use crate::common;

use common::{TestDb, TestInstance, call, client, eventually, get_html, web::Browser};
use maillage::domain::{account::Role, report::ReportStatus};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PW: &str = "un mot de passe solide";
const VISITOR_EMAIL: &str = "voisine.attentive@exemple-prive.example";
const SPAM: &str = "Gagnez 5000 euros par semaine depuis chez vous";

async fn moderator(m: &TestInstance) -> Browser {
    m.account("modo@cces.example", PW, Role::Moderator).await;
    let mut b = Browser::new(&m.url(""));
    b.login("modo@cces.example", PW).await;
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_spam_comment_from_another_instance_is_reported_hidden_logged_and_forwarded() {
    let a = TestInstance::start(TestDb::prefer_postgres().await).await;
    let c = TestInstance::start(TestDb::sqlite().await).await;
    maillage::processing::follows::follow_remote(&c.data, "territoire", &format!("territoire@{}", a.authority))
        .await
        .expect("follow");
    eventually(10, "C follows A", || async {
        common::get_json(&a.url("/t/territoire/followers")).await["totalItems"] == 1
    })
    .await;
    let token = a.token(Role::Moderator).await;
    let practice = json!({"title": "Recyclerie", "summary": "Réparer plutôt que jeter."});
    let (s, created) = call(Method::POST, a.url("/api/v1/practices"), Some(&token), Some(practice)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    call(Method::POST, a.url(&format!("/api/v1/practices/{id}/publish")), Some(&token), None).await;

    // C's moderator comments from C's copy of the practice: spam.
    let mut on_c = None;
    for _ in 0..100 {
        let (_, list) = call(Method::GET, c.url("/api/v1/practices"), None, None).await;
        on_c =
            list.as_array().and_then(|l| l.iter().find(|p| p["title"] == "Recyclerie")).and_then(|p| p["id"].as_i64());
        if on_c.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let on_c = on_c.expect("the practice reached C");
    let mut c_modo = moderator(&c).await;
    let csrf = c_modo.get(&format!("/pratiques/{on_c}")).await.csrf();
    let posted = c_modo.post(&format!("/pratiques/{on_c}/commenter"), &[("csrf", &csrf), ("text", SPAM)]).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    eventually(10, "the comment shows on A", || async {
        get_html(&a.url(&format!("/pratiques/{id}"))).await.contains(SPAM)
    })
    .await;

    // A visitor reports it from A's page.
    let practice_id = maillage::domain::ids::PracticeId(id);
    let comment = a.data.store.comments(practice_id, false).await.expect("comments").remove(0);
    let mut visitor = Browser::new(&a.url(""));
    let page = visitor.get(&format!("/pratiques/{id}")).await;
    let link = maillage::web::reports::link(maillage::domain::report::TargetKind::Comment, &comment.ap_id);
    assert!(page.body.contains(&link.replace('&', "&#38;")), "the report link beside the comment");
    let form = visitor.get(&link).await;
    let csrf = form.csrf();
    let filed = visitor
        .post(
            "/signaler",
            &[
                ("csrf", &csrf),
                ("kind", "comment"),
                ("target", &comment.ap_id),
                ("reason", "Arnaque, sous chaque pratique"),
                ("email", VISITOR_EMAIL),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);

    // A's moderator decides from the console: hidden, logged, forwarded to C.
    let mut a_modo = moderator(&a).await;
    let queue = a_modo.get("/admin/reports").await;
    let report = a.data.store.reports(ReportStatus::Open, 10, 0).await.expect("reports").remove(0);
    assert!(queue.body.contains(&format!("/admin/reports/{}", report.id)));
    let detail = a_modo.get(&format!("/admin/reports/{}", report.id)).await;
    let csrf = detail.csrf();
    let decided = a_modo
        .post(
            &format!("/admin/reports/{}/decide", report.id),
            &[("csrf", &csrf), ("decision", "hide_comment"), ("reason", "Spam commercial")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let forwarded = a_modo
        .post(
            &format!("/admin/reports/{}/forward", report.id),
            &[("csrf", &csrf), ("comment", "Spam commercial venu de chez vous")],
        )
        .await;
    assert_eq!(forwarded.status, StatusCode::SEE_OTHER, "{}", forwarded.body);

    assert!(!get_html(&a.url(&format!("/pratiques/{id}"))).await.contains(SPAM), "hidden on A");
    let log: Value = client().get(a.url("/moderation.json")).send().await.expect("log").json().await.expect("json");
    assert_eq!((log[0]["kind"].as_str(), log[0]["reason"].as_str()), (Some("hide_comment"), Some("Spam commercial")));
    let public = get_html(&a.url("/moderation")).await;
    assert!(public.contains("Spam commercial") && !public.contains(VISITOR_EMAIL), "the public log, no reporter");

    // C receives the Flag: a report in its own queue, from A's instance, without the visitor.
    eventually(15, "the Flag lands in C's queue", || async {
        c.data.store.count_reports(ReportStatus::Open).await.expect("count") > 0
    })
    .await;
    let at_c = c.data.store.reports(ReportStatus::Open, 10, 0).await.expect("reports");
    assert!(at_c.iter().all(|r| r.reporter_email.is_none()), "the visitor's email stays on A");
    assert!(at_c.iter().any(|r| r.reason == "Spam commercial venu de chez vous"), "{at_c:?}");
    assert!(
        at_c.iter().all(|r| r.reporter_actor.as_deref() == Some(a.data.urls.instance_actor().as_str())),
        "reported by A's instance actor"
    );
    a.stop().await;
    c.stop().await;
}
