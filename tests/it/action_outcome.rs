//! What people say about a shared action and what came of it (issue 12, points 4 and 8), on
//! SQLite and PostgreSQL: a Mastodon reply to the `Event` becomes a comment of the action,
//! shown on its page (sanitised), likes counted once per actor and withdrawn by `Undo`; a
//! moderator hides a comment and shows it again; only its author deletes it (403 for anyone
//! else); a reply that is not public is never kept. Once the action has ended, a participant
//! who joined from the page answers the feedback form through the management link (rating
//! 1–5 and a private text; bad input 422, nothing stored; before the end 409; a second answer
//! replaces the first), and the page shows the organisers' evaluation per dimension with its
//! indicators beside the ratings' summary, never the private text; the `Event` carries that
//! summary in its `cces:evaluation`, and moderators read the texts through the API.

use crate::common;

use common::{
    TestDb, TestInstance, call, fixture, get_html, localise, mailed_links, path_of, peer::Peer, web::Browser,
};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn published_action(m: &TestInstance, token: &str, start: &str, end: &str) -> (i64, String) {
    let body = json!({"title": "Fête des semences", "summary": "On échange des graines.", "start": start, "end": end,
        "timezone": "Europe/Paris", "place_name": "Médiathèque", "commune": "Redon", "capacity": 10});
    let (s, created) = call(Method::POST, m.url("/api/v1/actions"), Some(token), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = call(Method::POST, m.url(&format!("/api/v1/actions/{id}/publish")), Some(token), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    (id, m.url(&format!("/t/territoire/actions/{id}")))
}

/// The form actions of a page that hide or show comments.
fn comment_forms(body: &str) -> Vec<String> {
    body.split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|p| p.contains("/commentaires/"))
        .map(String::from)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fediverse_replies_to_an_action_become_its_comments() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let (mastodon, stranger) = (Peer::start_as("mastodon").await, Peer::start_as("mastodon").await);
        let modo = m.token(Role::Moderator).await;
        let (id, ap_id) = published_action(&m, &modo, "2030-04-05T10:00", "2030-04-05T16:00").await;
        let inbox = m.url("/t/territoire/inbox");
        assert!(get_html(&ap_id).await.contains("<strong id=\"likes\">0</strong>"), "[{label}] no like yet");

        let reply = localise(&fixture("mastodon/reply_to_announcement.json"), &mastodon, &m, &ap_id);
        let note_id =
            serde_json::from_str::<Value>(&reply).expect("json")["object"]["id"].as_str().expect("id").to_string();
        assert_eq!(mastodon.post_signed(&inbox, &reply).await, StatusCode::ACCEPTED, "[{label}]");
        assert_eq!(mastodon.post_signed(&inbox, &reply).await, StatusCode::ACCEPTED, "[{label}] again");
        let like_id = mastodon.new_id();
        let like = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": like_id, "type": "Like",
            "actor": mastodon.actor_id(), "object": ap_id});
        assert_eq!(mastodon.post_signed(&inbox, &like.to_string()).await, StatusCode::ACCEPTED);
        assert_eq!(mastodon.post_signed(&inbox, &like.to_string()).await, StatusCode::ACCEPTED);
        let page = get_html(&ap_id).await;
        assert!(page.contains("Super, on passera au marché samedi !"), "[{label}] the reply is a comment");
        assert!(!page.contains("alert(1)"), "[{label}] remote HTML sanitised");
        assert!(page.contains("<strong id=\"likes\">1</strong>"), "[{label}] liked once");
        assert_eq!(
            m.data.store.comments(maillage::domain::ids::ActionId(id), false).await.expect("comments").len(),
            1,
            "[{label}]"
        );

        // A reply that is not public (followers only): never kept.
        let mut private: Value = serde_json::from_str(&reply).expect("json");
        private["id"] = json!(mastodon.new_id());
        private["object"]["id"] = json!(format!("{note_id}-private"));
        private["to"] = json!([format!("{}/followers", mastodon.actor_id())]);
        private["object"]["to"] = private["to"].clone();
        private["cc"] = json!([]);
        private["object"]["cc"] = json!([]);
        private["object"]["content"] = json!("<p>Entre nous</p>");
        assert_eq!(mastodon.post_signed(&inbox, &private.to_string()).await, StatusCode::ACCEPTED);
        assert!(!get_html(&ap_id).await.contains("Entre nous"), "[{label}] a private reply is not a comment");

        // Someone else cannot delete it (known here first: a Delete from an unknown actor is
        // ignored before any check). Its Leave of an action it never joined changes nothing.
        let leave = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": stranger.new_id(),
            "type": "Leave", "actor": stranger.actor_id(), "object": ap_id});
        assert_eq!(stranger.post_signed(&inbox, &leave.to_string()).await, StatusCode::ACCEPTED);
        let delete = |by: &Peer| {
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": by.new_id(), "type": "Delete",
                "actor": by.actor_id(), "object": {"id": note_id, "type": "Tombstone"}})
            .to_string()
        };
        assert_eq!(stranger.post_signed(&inbox, &delete(&stranger)).await, StatusCode::FORBIDDEN, "[{label}]");

        // A moderator hides it, then shows it again.
        m.account("modo@example.org", "un mot de passe assez long", Role::Moderator).await;
        let mut browser = Browser::new(&m.url("/"));
        browser.login("modo@example.org", "un mot de passe assez long").await;
        let own = browser.get(&format!("/t/territoire/actions/{id}")).await;
        let form = comment_forms(&own.body).pop().expect("the comment's form");
        let hidden = browser.post(&form, &[("csrf", &own.csrf()), ("action", "hide")]).await;
        assert_eq!(hidden.status, StatusCode::SEE_OTHER, "[{label}] {}", hidden.body);
        assert!(!get_html(&ap_id).await.contains("on passera au marché"), "[{label}] hidden from the public");
        let own = browser.get(&format!("/t/territoire/actions/{id}")).await;
        assert!(own.body.contains("hidden-comment") && own.body.contains("on passera au marché"), "[{label}] modo");
        let bad = browser.post(&form, &[("csrf", &own.csrf()), ("action", "erase")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "[{label}]");
        let shown = browser.post(&form, &[("csrf", &own.csrf()), ("action", "show")]).await;
        assert_eq!(shown.status, StatusCode::SEE_OTHER);
        assert!(get_html(&ap_id).await.contains("on passera au marché"), "[{label}] shown again");
        let anonymous = Browser::new(&m.url("/")).post(&form, &[("action", "hide")]).await;
        assert!(anonymous.status.is_client_error(), "[{label}] {}", anonymous.status);

        // Undo of the like; Delete by the author.
        let undo = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": mastodon.new_id(), "type": "Undo",
            "actor": mastodon.actor_id(), "object": {"id": like_id, "type": "Like", "actor": mastodon.actor_id(), "object": ap_id}});
        assert_eq!(mastodon.post_signed(&inbox, &undo.to_string()).await, StatusCode::ACCEPTED);
        assert_eq!(mastodon.post_signed(&inbox, &delete(&mastodon)).await, StatusCode::ACCEPTED);
        let page = get_html(&ap_id).await;
        assert!(page.contains("<strong id=\"likes\">0</strong>"), "[{label}] like withdrawn");
        assert!(!page.contains("on passera au marché"), "[{label}] deleted by its author");
        let audit = m.data.store.audit_page(50, 0).await.expect("audit");
        for what in ["action.comment", "action.comment.hide", "action.comment.show"] {
            assert!(audit.iter().any(|a| a.action == what), "[{label}] {what} audited");
        }
        mastodon.stop().await;
        stranger.stop().await;
        m.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participants_give_feedback_and_the_page_shows_the_evaluation() {
    for db in TestDb::all().await {
        let label = db.label;
        let m = TestInstance::start(db).await;
        let modo = m.token(Role::Moderator).await;
        // Another Maillage follows the territory: it gets the evaluation with its summary.
        let other = TestInstance::start(TestDb::sqlite().await).await;
        maillage::processing::follows::follow_remote(&other.data, "territoire", &m.territory()).await.expect("follow");
        common::eventually(10, "the follow", || async {
            common::get_json(&m.url("/t/territoire/followers")).await["totalItems"] == 1
        })
        .await;
        let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris);
        let local = |d: chrono::Duration| (now + d).format("%Y-%m-%dT%H:%M").to_string();
        let (id, ap_id) =
            published_action(&m, &modo, &local(-chrono::Duration::hours(3)), &local(chrono::Duration::hours(2))).await;
        let path = format!("/t/territoire/actions/{id}");

        // Joins from the page, confirms.
        let mut b = Browser::new(&m.url("/"));
        let csrf = b.get(&path).await.csrf();
        let p = b
            .post(&format!("{path}/participer"), &[("csrf", &csrf), ("name", "Inès"), ("email", "ines@example.org")])
            .await;
        assert_eq!(p.status, StatusCode::OK, "[{label}] {}", p.body);
        let links = mailed_links(&m);
        let confirm = links.iter().find(|l| l.contains("/participation/confirmer")).expect("confirm link");
        let manage = path_of(&m, links.iter().find(|l| l.contains("/participation/gerer")).expect("manage link"));
        let token = manage.split("token=").nth(1).expect("token").to_string();
        assert_eq!(b.get(&path_of(&m, confirm)).await.status, StatusCode::OK);

        // Not before the end: no form, and a direct answer is refused.
        let before = b.get(&manage).await;
        assert!(!before.body.contains("feedback-rating-5"), "[{label}] no form before the end");
        let early =
            b.post("/participation/avis", &[("csrf", &before.csrf()), ("token", &token), ("rating", "4")]).await;
        assert_eq!(early.status, StatusCode::CONFLICT, "[{label}] {}", early.body);

        let ended = local(-chrono::Duration::minutes(1));
        let (s, e) =
            call(Method::PATCH, m.url(&format!("/api/v1/actions/{id}")), Some(&modo), Some(json!({"end": ended})))
                .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let form = b.get(&manage).await;
        assert!(form.body.contains("feedback-rating-5"), "[{label}] the form once ended");
        let csrf = form.csrf();

        // Bad input: 422 with the field's message, nothing stored.
        for (rating, comment) in [("9", "Bien."), ("", "Bien."), ("4", &"x".repeat(1001) as &str)] {
            let p = b
                .post(
                    "/participation/avis",
                    &[("csrf", &csrf), ("token", &token), ("rating", rating), ("comment", comment)],
                )
                .await;
            assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "[{label}] {rating}");
            assert!(p.body.contains("error-summary"), "[{label}] {rating}");
        }
        assert!(
            m.data.store.action_feedback(maillage::domain::ids::ActionId(id)).await.expect("feedback").is_empty(),
            "[{label}] nothing stored"
        );
        let wrong = b.post("/participation/avis", &[("csrf", &csrf), ("token", "nope"), ("rating", "4")]).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "[{label}]");

        let ok = b
            .post(
                "/participation/avis",
                &[("csrf", &csrf), ("token", &token), ("rating", "3"), ("comment", "Trop court.")],
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "[{label}] {}", ok.body);
        let again = b
            .post(
                "/participation/avis",
                &[("csrf", &csrf), ("token", &token), ("rating", "5"), ("comment", "Très bien organisé, merci.")],
            )
            .await;
        assert_eq!(again.status, StatusCode::OK, "[{label}]");
        let stored = m.data.store.action_feedback(maillage::domain::ids::ActionId(id)).await.expect("feedback");
        assert_eq!(stored.len(), 1, "[{label}] the second answer replaces the first");
        assert_eq!((stored[0].rating, stored[0].comment.as_str()), (5, "Très bien organisé, merci."));
        assert!(b.get(&manage).await.body.contains("Très bien organisé"), "[{label}] the form shows the answer");

        // The organisers' evaluation.
        let eval = json!({"summary": "Une belle fête, des graines pour tout le monde.", "participants": 45,
            "indicators": [{"dimension": "environnementale", "label": "Variétés échangées", "value": 120, "unit": "variétés", "period": "2030"},
                           {"dimension": "sociale", "label": "Bénévoles", "value": 9, "unit": "personnes", "period": "2030"}]});
        let (s, e) =
            call(Method::PUT, m.url(&format!("/api/v1/actions/{id}/evaluation")), Some(&modo), Some(eval)).await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{e}");
        let page = get_html(&ap_id).await;
        for want in [
            "Bilan",
            "Une belle fête",
            "45 personnes ont participé",
            "Environnementale",
            "Variétés échangées",
            "120",
            "Sociale",
            "Bénévoles",
            "L’avis des participants",
            "1 réponse",
        ] {
            assert!(page.contains(want), "[{label}] {want} on the page");
        }
        for private in ["Très bien organisé", "Inès", "ines@example.org"] {
            assert!(!page.contains(private), "[{label}] {private} is private");
        }

        // The `Event` carries the summary in its evaluation (answers, mean), never the texts.
        let event = common::get_json(&ap_id).await;
        let evaluation = &event["cces:evaluation"][0];
        assert_eq!(
            evaluation["cces:feedback"],
            json!({"cces:answers": 1, "cces:meanRating": 5.0}),
            "[{label}] {event}"
        );
        let (_, api) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}")), None, None).await;
        let (_, evaluations) = call(Method::GET, m.url(&format!("/api/v1/actions/{id}/evaluation")), None, None).await;
        for public in [event.to_string(), api.to_string(), evaluations.to_string()] {
            for private in ["Très bien organisé", "Inès", "ines@example.org"] {
                assert!(!public.contains(private), "[{label}] {private} in {public}");
            }
        }
        // Moderators read the texts through the API; no one else.
        let feedback = m.url(&format!("/api/v1/actions/{id}/feedback"));
        let (s, f) = call(Method::GET, feedback.clone(), Some(&modo), None).await;
        assert_eq!(s, StatusCode::OK, "[{label}] {f}");
        assert_eq!((f["answers"].as_i64(), f["mean_rating"].as_f64()), (Some(1), Some(5.0)), "[{label}] {f}");
        assert_eq!(f["items"][0]["comment"], "Très bien organisé, merci.");
        assert_eq!(call(Method::GET, feedback, None, None).await.0, StatusCode::UNAUTHORIZED);
        let (s, _) = call(Method::GET, m.url("/api/v1/actions/999999/feedback"), Some(&modo), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The follower keeps the summary with the evaluation (the texts never travel).
        let origin = url::form_urlencoded::byte_serialize(m.territory().as_bytes()).collect::<String>();
        let copy = || async {
            let (_, list) = call(Method::GET, other.url(&format!("/api/v1/actions?origin={origin}")), None, None).await;
            list[0]["id"].as_i64()
        };
        common::eventually(15, "the action on the follower", || async { copy().await.is_some() }).await;
        let there = other.url(&format!("/api/v1/actions/{}/evaluation", copy().await.expect("id")));
        common::eventually(15, "the evaluation and its summary on the follower", || async {
            let (_, e) = call(Method::GET, there.clone(), None, None).await;
            e[0]["feedback_answers"] == 1 && e[0]["feedback_mean"] == 5.0
        })
        .await;
        let (_, e) = call(Method::GET, there, None, None).await;
        assert!(!e.to_string().contains("Très bien organisé"), "[{label}] {e}");
        other.stop().await;
        m.stop().await;
    }
}
