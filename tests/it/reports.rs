//! Reports (issue 15): `Flag`s in the shapes Mastodon and Lemmy send land in the moderators'
//! queue (both backends); a visitor reports a comment from its page, a moderator hides it and
//! the decision shows in the public moderation log (HTML, JSON, Atom) without the reporter; a
//! territory's block of an actor removes its follow, hides its comments and refuses its next
//! activity (403); a report about remote content is forwarded to its origin as a `Flag` from the
//! instance actor, without the reporter.

use crate::common;

use common::{TestDb, TestInstance, client, eventually, fixture, golden::Golden, localise, peer::Peer, web::Browser};
use maillage::{
    domain::{
        account::Role,
        report::{Decision, ReportStatus, Source, TargetKind},
        territory::FollowState,
    },
    processing::reports,
    storage::follows::Direction,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PW: &str = "un mot de passe assez long";
const REPORTER_EMAIL: &str = "temoin.discret@exemple-prive.example";

/// A Mastodon-shaped fixture, from the peer: Mastodon's instance actor stands as the peer's actor.
fn from_mastodon(name: &str, peer: &Peer, m: &TestInstance, practice: &str) -> String {
    let text = fixture(name).replace("https://mastodon.example/actor", "https://mastodon.example/users/alice");
    localise(&text, peer, m, practice)
}

/// A reply from `peer` to `practice`, stored as a comment; returns the comment's id.
async fn remote_comment(m: &TestInstance, peer: &Peer, practice: &str) -> String {
    let body = localise(&fixture("mastodon/create_reply.json"), peer, m, practice);
    assert_eq!(peer.post_signed(&m.url("/inbox"), &body).await, StatusCode::ACCEPTED);
    let v: Value = serde_json::from_str(&body).expect("json");
    v["object"]["id"].as_str().expect("note id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_and_lemmy_flags_land_in_the_queue() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
        let (_, practice) = common::published_practice(&m, "Épicerie solidaire", "Une épicerie du quartier.").await;
        let mastodon = Peer::start().await;
        let lemmy = Peer::start().await;

        let flag = from_mastodon("mastodon/flag.json", &mastodon, &m, &practice);
        assert_eq!(mastodon.post_signed(&m.url("/inbox"), &flag).await, StatusCode::ACCEPTED, "[{label}]");
        // Redelivered: nothing more.
        assert_eq!(mastodon.post_signed(&m.url("/inbox"), &flag).await, StatusCode::ACCEPTED, "[{label}]");
        let body = localise(&fixture("lemmy/flag.json"), &lemmy, &m, &practice);
        assert_eq!(lemmy.post_signed(&m.url("/t/territoire/inbox"), &body).await, StatusCode::ACCEPTED, "[{label}]");

        let open = m.data.store.reports(ReportStatus::Open, 10, 0).await.expect("reports");
        assert_eq!(open.len(), 2, "[{label}] one report per Flag (the account beside its post is context)");
        let lemmy_report = &open[0];
        let mastodon_report = &open[1];
        for r in [lemmy_report, mastodon_report] {
            assert_eq!(r.target_kind, TargetKind::Practice, "[{label}]");
            assert_eq!(r.target_ap_id, practice, "[{label}]");
            assert_eq!(r.territory_id, Some(t.id), "[{label}]");
            assert_eq!(r.source, Source::Federation, "[{label}]");
            assert!(r.snapshot.contains("Épicerie solidaire"), "[{label}] the content as it was");
        }
        assert_eq!(mastodon_report.reason, "Publicité déguisée, pas une pratique du territoire", "[{label}] content");
        assert_eq!(lemmy_report.reason, "Spam: the same post in every community", "[{label}] Lemmy's summary");
        assert_eq!(mastodon_report.reporter_actor.as_deref(), Some(mastodon.actor_id().as_str()), "[{label}]");

        // A Flag with no object, or about nothing held here: 202, nothing filed.
        let empty = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Flag",
            "id": format!("{}flags/empty", mastodon.base), "actor": mastodon.actor_id(), "content": "?"});
        assert_eq!(mastodon.post_signed(&m.url("/inbox"), &empty.to_string()).await, StatusCode::ACCEPTED);
        let elsewhere = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Flag",
            "id": format!("{}flags/elsewhere", mastodon.base), "actor": mastodon.actor_id(),
            "object": [format!("{}users/bob", mastodon.base), "https://other.example/notes/1"], "content": "spam"});
        assert_eq!(mastodon.post_signed(&m.url("/inbox"), &elsewhere.to_string()).await, StatusCode::ACCEPTED);
        assert_eq!(m.data.store.count_reports(ReportStatus::Open).await.expect("count"), 2, "[{label}] ignored");

        mastodon.stop().await;
        lemmy.stop().await;
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_reports_a_moderator_decides_and_the_public_log_shows_it() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let (practice_id, practice) = common::published_practice(&m, "Jardin partagé", "Un jardin de quartier.").await;
    let spammer = Peer::start().await;
    let comment = remote_comment(&m, &spammer, &practice).await;

    // The practice's page links each comment to the report form.
    let mut visitor = Browser::new(m.base.as_str());
    let page = visitor.get(&format!("/pratiques/{practice_id}")).await;
    assert!(
        page.body.contains("/signaler?kind=comment&#38;target="),
        "a report link beside the comment: {}",
        page.body
    );
    let form_path = format!("/signaler?kind=comment&target={}", urlencoding(&comment));
    let form = visitor.get(&form_path).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();

    // Without a reason, or with one too long: 422, the message beside the field, nothing filed.
    let base = [("csrf", csrf.as_str()), ("kind", "comment"), ("target", comment.as_str())];
    let p = visitor.post("/signaler", &[&base[..], &[("reason", "  "), ("email", REPORTER_EMAIL)]].concat()).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"reason-error\""), "the error beside the reason");
    assert!(p.body.contains(REPORTER_EMAIL), "what was typed is kept in the form");
    let long = "x".repeat(2001);
    let p = visitor.post("/signaler", &[&base[..], &[("reason", long.as_str())]].concat()).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = visitor
        .post("/signaler", &[("csrf", "wrong"), ("kind", "comment"), ("target", &comment), ("reason", "spam")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "CSRF checked");
    assert_eq!(m.data.store.count_reports(ReportStatus::Open).await.expect("count"), 0);

    let reason = "Publicité pour un casino, répétée sous chaque pratique";
    let p = visitor.post("/signaler", &[&base[..], &[("reason", reason), ("email", REPORTER_EMAIL)]].concat()).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let report = m.data.store.reports(ReportStatus::Open, 10, 0).await.expect("reports").remove(0);
    assert_eq!((report.target_kind, report.source), (TargetKind::Comment, Source::Web));
    assert_eq!(report.reporter_email.as_deref(), Some(REPORTER_EMAIL));
    assert_eq!(report.target_actor.as_deref(), Some(spammer.actor_id().as_str()));

    // The moderator sees the queue, the content as it was and the reporter's address; hides it.
    m.account("moderatrice@maillage.example", PW, Role::Moderator).await;
    let mut moderator = Browser::new(m.base.as_str());
    moderator.login("moderatrice@maillage.example", PW).await;
    let queue = moderator.get("/admin/reports").await;
    assert!(queue.body.contains(&format!("/admin/reports/{}", report.id)), "listed in the queue");
    let detail = moderator.get(&format!("/admin/reports/{}", report.id)).await;
    assert!(detail.body.contains("Nous lançons la même épicerie à Vannes"), "the snapshot");
    assert!(detail.body.contains(REPORTER_EMAIL), "moderators may answer the reporter");
    assert!(detail.cache_control.contains("no-store"));
    let csrf = detail.csrf();
    let public_reason = "Publicité non sollicitée";
    let p = moderator
        .post(
            &format!("/admin/reports/{}/decide", report.id),
            &[("csrf", &csrf), ("decision", "hide_comment"), ("reason", public_reason)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let c = m.data.store.comment_by_ap_id(&comment).await.expect("db").expect("comment");
    assert!(c.hidden.0, "the comment is hidden");
    let report = m.data.store.report(report.id).await.expect("db").expect("report");
    assert_eq!((report.status, report.decision.as_deref()), (ReportStatus::Resolved, Some("hide_comment")));
    // Decided once: a second decision is a conflict, nothing changes.
    let again = reports::decide(&m.data, report.id, Decision::Dismiss, "", "x").await;
    assert!(again.is_err());

    // The public log: instance-wide and the territory's, JSON and Atom; no reporter anywhere.
    let json: Value = client().get(m.url("/moderation.json")).send().await.expect("json").json().await.expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(json[0]["kind"], "hide_comment");
    assert_eq!(json[0]["reason"], public_reason);
    assert_eq!(json[0]["target_kind"], "comment");
    let html = moderator.get("/t/territoire/moderation").await.body;
    assert!(html.contains("Commentaire masqué") && html.contains(public_reason), "{html}");
    assert!(!html.contains(&format!("href=\"{comment}\"")), "a hidden comment is a label, not a link");
    let atom = client().get(m.url("/t/territoire/moderation.atom")).send().await.expect("atom");
    assert!(atom.headers()["content-type"].to_str().unwrap_or_default().starts_with("application/atom+xml"));
    let atom = atom.text().await.expect("atom");
    assert!(atom.contains(public_reason));
    let mut anonymous = Browser::new(m.base.as_str());
    for public in [
        anonymous.get("/moderation").await.body,
        anonymous.get("/t/territoire/moderation").await.body,
        json.to_string(),
        atom,
        anonymous.get(&format!("/pratiques/{practice_id}")).await.body,
    ] {
        assert!(!public.contains(REPORTER_EMAIL), "the reporter's email is never public");
        assert!(!public.contains(reason), "the reporter's words are not the public reason");
    }
    // The kinds shown are a setting: without `hide_comment`, the line leaves the public log.
    reports::set_public_log_kinds(&m.data, &[maillage::domain::report::LogKind::BlockDomain], "admin")
        .await
        .expect("set");
    let json: Value = client().get(m.url("/moderation.json")).send().await.expect("json").json().await.expect("json");
    assert_eq!(json, json!([]));
    let search =
        maillage::storage::moderation::AuditSearch { text: "report.decide".into(), limit: 10, ..Default::default() };
    let (_, decided) = m.data.store.search_audit(&search).await.expect("audit");
    assert_eq!(decided, 1, "the decision is in the audit log");

    spammer.stop().await;
    m.stop().await;
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_territory_block_removes_the_follow_hides_comments_and_refuses_the_next_activity() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
    let (practice_id, practice) = common::published_practice(&m, "Ressourcerie", "Réemploi et réparation.").await;
    let troll = Peer::start().await;
    let follow = localise(&fixture("mastodon/follow.json"), &troll, &m, &practice);
    assert_eq!(troll.post_signed(&m.url("/inbox"), &follow).await, StatusCode::ACCEPTED);
    assert_eq!(m.data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await.expect("n"), 1);
    let comment = remote_comment(&m, &troll, &practice).await;

    // Reported through the API, then blocked for the territory.
    let res = client()
        .post(m.url("/api/v1/reports"))
        .json(&json!({"kind": "actor", "target": troll.actor_id(), "reason": "Harcèlement des bénévoles"}))
        .send()
        .await
        .expect("report");
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    reports::decide(&m.data, id, Decision::BlockActor, "Harcèlement", "moderatrice").await.expect("decide");

    assert_eq!(m.data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await.expect("n"), 0);
    let c = m.data.store.comment_by_ap_id(&comment).await.expect("db").expect("comment");
    assert!(c.hidden.0, "its comments are hidden");
    let blocks = m.data.store.territory_blocks(t.id).await.expect("blocks");
    assert_eq!(blocks.len(), 1);

    // Its next activities for the territory: 403, nothing stored.
    let reply = localise(&fixture("mastodon/create_reply.json"), &troll, &m, &practice)
        .replace("113502004321987654", "113502004321999999");
    assert_eq!(troll.post_signed(&m.url("/inbox"), &reply).await, StatusCode::FORBIDDEN, "a reply refused");
    let like = localise(&fixture("mastodon/like.json"), &troll, &m, &practice);
    assert_eq!(troll.post_signed(&m.url("/inbox"), &like).await, StatusCode::FORBIDDEN, "a like refused");
    assert_eq!(m.data.store.comments(practice_id, true).await.expect("comments").len(), 1);

    // Another actor of the same server is not concerned.
    let other = Peer::start().await;
    let like = localise(&fixture("mastodon/like.json"), &other, &m, &practice);
    assert_eq!(other.post_signed(&m.url("/inbox"), &like).await, StatusCode::ACCEPTED);

    let log: Value =
        client().get(m.url("/t/territoire/moderation.json")).send().await.expect("log").json().await.expect("json");
    assert_eq!(log[0]["kind"], "block_actor", "{log}");
    assert_eq!(log[0]["reason"], "Harcèlement");
    troll.stop().await;
    other.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_forwarded_to_the_origin_without_the_reporter() {
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let (_, practice) = common::published_practice(&m, "Repair café", "Réparer ensemble.").await;
    let origin = Peer::start().await;
    let comment = remote_comment(&m, &origin, &practice).await;
    // Moderators are told of new reports (instance setting `moderation_mail`, each time by default).
    m.account("moderatrice@maillage.example", PW, Role::Moderator).await;
    let res = client()
        .post(m.url("/api/v1/reports"))
        .json(&json!({"kind": "comment", "target": comment, "reason": "Arnaque au faux prêt", "email": REPORTER_EMAIL}))
        .send()
        .await
        .expect("report");
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
    let links = common::mailed_links(&m);
    assert!(links.iter().any(|l| l.ends_with("/admin/reports")), "moderators mailed: {links:?}");
    let before = origin.received().len();
    let inbox = reports::forward(&m.data, id, "Arnaque au faux prêt", "moderatrice").await.expect("forward");
    assert!(inbox.starts_with(origin.base.as_str()), "{inbox}");
    eventually(15, "the Flag reaches the origin", || async {
        origin.received().iter().skip(before).any(|a| a["type"] == "Flag")
    })
    .await;
    let flag = origin.received().into_iter().skip(before).find(|a| a["type"] == "Flag").expect("flag");
    assert_eq!(flag["actor"], m.data.urls.instance_actor().as_str(), "from the instance actor");
    assert_eq!(flag["object"], json!([origin.actor_id(), comment]));
    assert_eq!(flag["content"], "Arnaque au faux prêt");
    assert!(!flag.to_string().contains(REPORTER_EMAIL), "the reporter is never named");
    assert!(m.data.store.report(id).await.expect("db").expect("report").forwarded_at.is_some());
    Golden::default()
        .host(m.base.as_str(), "maillage")
        .host(origin.base.as_str(), "mastodon")
        .check("sent/flag_forward", &flag);
    origin.stop().await;
    m.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_block_lists_import_and_export() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                   spam.example,suspend,true,true,Spam,false\nnoisy.example,limit,false,false,Bruyant,false\n";
        // A bad line: nothing of the file is imported.
        let bad = format!("{csv}third.example,ban,false,false,,false\n");
        assert!(maillage::processing::domains::import_csv(&m.data, &bad, "admin").await.is_err(), "[{label}]");
        assert!(m.data.store.all_domain_blocks().await.expect("blocks").is_empty(), "[{label}] all or nothing");
        let n = maillage::processing::domains::import_csv(&m.data, csv, "admin").await.expect("import");
        assert_eq!(n, 2, "[{label}]");
        assert!(m.data.is_blocked("spam.example").await.expect("blocked"), "[{label}] suspended");
        assert!(!m.data.is_blocked("noisy.example").await.expect("blocked"), "[{label}] limited is not refused");
        let exported = maillage::web::admin::domain_blocks_csv(&m.data.store.all_domain_blocks().await.expect("b"))
            .expect("export");
        // Exported sorted by domain, every field kept.
        let sorted = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                      noisy.example,limit,false,false,Bruyant,false\nspam.example,suspend,true,true,Spam,false\n";
        assert_eq!(exported, sorted, "[{label}]");
        m.stop().await;
    }
}

/// Announcements and actions (issue 15, point 3): their pages link to the report form; a
/// moderator unpublishes each from a report (the announcement back to draft, its followers
/// told with a `Delete`), and the public log says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_and_actions_are_reported_and_unpublished_from_the_queue() {
    use maillage::{domain::announcement::AnnouncementInput, processing::announcements};
    let m = TestInstance::start(TestDb::prefer_postgres().await).await;
    let (_, practice) = common::published_practice(&m, "Ressourcerie", "Réemploi.").await;
    let follower = Peer::start().await;
    let follow = localise(&fixture("mastodon/follow.json"), &follower, &m, &practice);
    assert_eq!(follower.post_signed(&m.url("/inbox"), &follow).await, StatusCode::ACCEPTED);
    let input = AnnouncementInput {
        title: "Loterie gagnante".into(),
        text: "Cliquez ici pour gagner.".into(),
        status: "published".into(),
        ..Default::default()
    };
    let id = announcements::create(&m.data, "territoire", &input, &announcements::ImageChange::Keep, "modo")
        .await
        .map_err(|e| format!("{e:?}"))
        .expect("announcement");
    let announcement = m.data.store.announcement(id).await.expect("db").expect("row").ap_id;
    let modo = m.token(Role::Moderator).await;
    let body = json!({"title": "Marché", "summary": "Des fermes.", "description": "Programme.",
        "start": "2030-03-14T10:00", "end": "2030-03-14T17:00", "timezone": "Europe/Paris", "commune": "Redon"});
    let (s, created) = common::call(reqwest::Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let action_id = created["id"].as_i64().expect("id");
    let publish = m.url(&format!("/api/v1/actions/{action_id}/publish"));
    let (s, _) = common::call(reqwest::Method::POST, publish, Some(&modo), None).await;
    assert!(s.is_success());
    let action_path = format!("/t/territoire/actions/{action_id}");
    let action = m.url(&action_path);

    let mut visitor = Browser::new(m.base.as_str());
    let page = visitor.get(&action_path).await.body;
    assert!(page.contains("/signaler?kind=action&#38;target="), "a report link on the action's page: {page}");
    let page = visitor.get(&format!("/t/territoire/annonces/{id}")).await.body;
    assert!(page.contains("/signaler?kind=announcement&#38;target="), "and on the announcement's: {page}");

    for (kind, target, label) in [("announcement", &announcement, "Loterie gagnante"), ("action", &action, "Marché")] {
        let form = visitor.get(&format!("/signaler?kind={kind}&target={}", urlencoding(target))).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains(label), "the form names what is reported: {}", form.body);
        let csrf = form.csrf();
        let p = visitor
            .post("/signaler", &[("csrf", &csrf), ("kind", kind), ("target", target), ("reason", "Arnaque")])
            .await;
        assert_eq!(p.status, StatusCode::OK, "{kind}: {}", p.body);
    }
    let open = m.data.store.reports(ReportStatus::Open, 10, 0).await.expect("reports");
    assert_eq!(open.len(), 2);
    let before = follower.received().len();
    for r in &open {
        reports::decide(&m.data, r.id, Decision::Unpublish, "Escroquerie", "moderatrice").await.expect("unpublish");
    }
    let a = m.data.store.announcement(id).await.expect("db").expect("row");
    assert_eq!(a.status, maillage::domain::announcement::AnnouncementStatus::Draft, "back to draft");
    assert_eq!(visitor.get(&format!("/t/territoire/annonces/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_ne!(visitor.get(&action_path).await.status, StatusCode::OK, "the action's page is gone");
    eventually(15, "the follower is told to delete the announcement", || async {
        follower.received().iter().skip(before).any(|a| a["type"] == "Delete" && a.to_string().contains(&announcement))
    })
    .await;
    let log: Value = client().get(m.url("/moderation.json")).send().await.expect("log").json().await.expect("json");
    let kinds: Vec<(&str, &str)> = log
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["kind"].as_str().unwrap_or(""), l["target_kind"].as_str().unwrap_or("")))
        .collect();
    assert!(kinds.contains(&("unpublish", "announcement")) && kinds.contains(&("unpublish", "action")), "{log}");
    assert!(!log.to_string().contains("Arnaque"), "the reporter's words stay private");
    follower.stop().await;
    m.stop().await;
}

/// A `Create` of a reply from `peer` to `target` (its `n`th note); returns (activity, note id).
fn reply_to(peer: &Peer, m: &TestInstance, target: &str, n: u64) -> (String, String) {
    let body = localise(&fixture("mastodon/create_reply.json"), peer, m, target)
        .replace("113502004321987654", &format!("1135020043219{n:05}"));
    let v: Value = serde_json::from_str(&body).expect("json");
    let note = v["object"]["id"].as_str().expect("note id").to_string();
    (body, note)
}

async fn hidden(m: &TestInstance, comment: &str) -> bool {
    m.data.store.comment_by_ap_id(comment).await.expect("db").expect("comment").hidden.0
}

/// Issue 15, point 5, for every kind of comment: once a territory blocks an actor, its comments
/// on the territory's announcements and actions are hidden, and its replies to them, or to any
/// comment on them, are refused (403) and stored nowhere; another actor's are not concerned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_territory_block_covers_announcement_and_action_comments() {
    use maillage::{
        domain::{announcement::AnnouncementInput, ids::ActionId, report::BlockKind},
        processing::{announcements, territory_blocks},
        storage::comments::Commented,
    };
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let t = m.data.store.territory_by_slug("territoire").await.expect("db").expect("t");
        let input = AnnouncementInput {
            title: "Marché de Noël".into(),
            text: "Les producteurs du territoire.".into(),
            status: "published".into(),
            ..Default::default()
        };
        let id = announcements::create(&m.data, "territoire", &input, &announcements::ImageChange::Keep, "modo")
            .await
            .map_err(|e| format!("{e:?}"))
            .expect("announcement");
        let announcement = m.data.store.announcement(id).await.expect("db").expect("row").ap_id;
        let modo = m.token(Role::Moderator).await;
        let body = json!({"title": "Marché", "summary": "Des fermes.", "description": "Programme.",
            "start": "2030-03-14T10:00", "end": "2030-03-14T17:00", "timezone": "Europe/Paris", "commune": "Redon"});
        let (s, created) = common::call(reqwest::Method::POST, m.url("/api/v1/actions"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "[{label}] {created}");
        let action_id = ActionId(created["id"].as_i64().expect("id"));
        let publish = m.url(&format!("/api/v1/actions/{action_id}/publish"));
        let (s, _) = common::call(reqwest::Method::POST, publish, Some(&modo), None).await;
        assert!(s.is_success(), "[{label}]");
        let action = m.data.store.action(action_id).await.expect("db").expect("action").ap_id;
        let on_announcement = Commented::Announcement(id);
        let on_action = Commented::Action(action_id);

        let troll = Peer::start().await;
        let other = Peer::start().await;
        let comment = |peer: &Peer, target: &str, n: u64| reply_to(peer, &m, target, n);
        let (a1, troll_on_announcement) = comment(&troll, &announcement, 1);
        let (a2, troll_on_action) = comment(&troll, &action, 2);
        let (a3, other_on_announcement) = comment(&other, &announcement, 3);
        let (a4, other_on_action) = comment(&other, &action, 4);
        for (peer, body) in [(&troll, &a1), (&troll, &a2), (&other, &a3), (&other, &a4)] {
            assert_eq!(peer.post_signed(&m.url("/inbox"), body).await, StatusCode::ACCEPTED, "[{label}]");
        }
        assert_eq!(m.data.store.comments(on_announcement, false).await.expect("comments").len(), 2, "[{label}]");
        assert_eq!(m.data.store.comments(on_action, false).await.expect("comments").len(), 2, "[{label}]");

        territory_blocks::block(&m.data, t.id, BlockKind::Actor, troll.actor_id().as_str(), "Harcèlement", "modo")
            .await
            .expect("block");

        assert!(hidden(&m, &troll_on_announcement).await, "[{label}] its announcement comment is hidden");
        assert!(hidden(&m, &troll_on_action).await, "[{label}] its action comment is hidden");
        assert!(!hidden(&m, &other_on_announcement).await, "[{label}] another's stays");
        assert!(!hidden(&m, &other_on_action).await, "[{label}] another's stays");

        // Its replies to the announcement, the action, or a comment on either: 403, nothing stored.
        let targets = [&announcement, &action, &other_on_announcement, &other_on_action, &troll_on_action];
        for (n, target) in (10..).zip(targets) {
            let (body, _) = comment(&troll, target, n);
            assert_eq!(
                troll.post_signed(&m.url("/inbox"), &body).await,
                StatusCode::FORBIDDEN,
                "[{label}] a reply to {target} refused"
            );
        }
        assert_eq!(m.data.store.comments(on_announcement, true).await.expect("comments").len(), 2, "[{label}]");
        assert_eq!(m.data.store.comments(on_action, true).await.expect("comments").len(), 2, "[{label}]");

        // Another actor still replies to a comment on the action.
        let (body, note) = comment(&other, &other_on_action, 20);
        assert_eq!(other.post_signed(&m.url("/inbox"), &body).await, StatusCode::ACCEPTED, "[{label}]");
        assert!(!hidden(&m, &note).await, "[{label}] stored and shown");
        assert_eq!(m.data.store.comments(on_action, true).await.expect("comments").len(), 3, "[{label}]");
        troll.stop().await;
        other.stop().await;
        m.stop().await;
    }
}
