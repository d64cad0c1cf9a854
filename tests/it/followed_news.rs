//! A territory's announcements on another Maillage that follows it (issue 12, point 2): the
//! territory of A announces its author's `Create`/`Update`/`Delete` of the `Note`; B keeps it
//! (sanitised) and shows it with the news of its territory that follows A, edits replace it, the
//! deletion removes it. B runs on each backend in turn (A on SQLite). A `Note` announced by a
//! peer that is not the territory's host is refused (403), and one from a territory nobody
//! follows is not kept.

use crate::common;

use common::{TestDb, TestInstance, call, eventually, get_html, peer::Peer};
use maillage::domain::account::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_territorys_news_shows_on_the_follower_instance() {
    use base64::Engine;
    for db in TestDb::all().await {
        let label = db.label;
        let a = TestInstance::start(TestDb::sqlite().await).await;
        let b = TestInstance::start(db).await;
        let modo = a.token(Role::Moderator).await;
        maillage::processing::follows::follow_remote(&b.data, "territoire", &a.territory()).await.expect("B follows A");
        let b_modo = b.token(Role::Moderator).await;
        let accepted = b.url("/api/v1/territories/territoire/following?state=accepted");
        eventually(10, "B's follow accepted", || async {
            let (_, f) = call(Method::GET, accepted.clone(), Some(&b_modo), None).await;
            f.as_array().is_some_and(|f| f.len() == 1)
        })
        .await;

        let image = base64::engine::general_purpose::STANDARD.encode(png());
        let body = json!({"title": "Marché de producteurs", "text": "Samedi, **marché** place de la mairie.",
            "image_base64": image, "image_alt": "Des étals sous la halle"});
        let (s, created) = call(Method::POST, a.url("/api/v1/announcements"), Some(&modo), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "[{label}] {created}");
        let id = created["id"].as_i64().expect("id");
        let news = b.url("/t/territoire/annonces");
        eventually(10, "B shows A's announcement", || async { get_html(&news).await.contains("place de la mairie") })
            .await;
        let page = get_html(&news).await;
        assert!(page.contains("<strong>marché</strong>"), "[{label}] its HTML kept (sanitised)");
        assert!(page.contains("Des étals sous la halle"), "[{label}] the picture, by its alt text");
        assert!(!page.contains(&format!("<img class=\"announcement-image\" src=\"{}", a.url(""))), "no remote <img>");
        assert!(page.contains(&a.territory()) || page.contains("territoire"), "[{label}] who sent it");
        // Not one of B's own announcements: its territory's home lists none.
        let (_, own) = call(Method::GET, b.url("/api/v1/announcements?territory=territoire"), None, None).await;
        assert!(!own.to_string().contains("place de la mairie"), "[{label}] {own}");

        // The edit replaces it.
        let (s, _) = call(
            Method::PATCH,
            a.url(&format!("/api/v1/announcements/{id}")),
            Some(&modo),
            Some(json!({"text": "Samedi **et dimanche**, marché."})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        eventually(10, "B shows the edit", || async { get_html(&news).await.contains("et dimanche") }).await;
        assert!(!get_html(&news).await.contains("place de la mairie"), "[{label}] the old text is gone");

        // The deletion removes it.
        let (s, _) = call(Method::DELETE, a.url(&format!("/api/v1/announcements/{id}")), Some(&modo), None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        eventually(10, "B drops it", || async { !get_html(&news).await.contains("et dimanche") }).await;

        // A peer announcing a Note of another host: refused; a Note of its own, from a group
        // nobody here follows: not kept.
        let peer = Peer::start_as("maillage").await;
        let forged = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": peer.new_id(), "type": "Announce",
            "actor": peer.actor_id(), "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"id": peer.new_id(), "type": "Create", "actor": a.url("/t/territoire/editorial"),
                "object": {"id": a.url("/t/territoire/annonces/999"), "type": "Note", "content": "<p>Faux</p>",
                    "attributedTo": a.url("/t/territoire/editorial"), "to": ["https://www.w3.org/ns/activitystreams#Public"]}}});
        assert_eq!(peer.post_signed(&b.url("/inbox"), &forged.to_string()).await, StatusCode::FORBIDDEN, "[{label}]");
        let note_id = peer.new_id();
        let own = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": peer.new_id(), "type": "Announce",
            "actor": peer.actor_id(), "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"id": peer.new_id(), "type": "Create", "actor": peer.actor_id(),
                "object": {"id": note_id, "type": "Note", "content": "<p>Nouvelle inconnue</p>",
                    "attributedTo": peer.actor_id(), "to": ["https://www.w3.org/ns/activitystreams#Public"]}}});
        assert_eq!(peer.post_signed(&b.url("/inbox"), &own.to_string()).await, StatusCode::ACCEPTED, "[{label}]");
        assert!(!b.data.store.received_announcement_exists(note_id.as_str()).await.expect("read"), "[{label}]");
        assert!(!get_html(&news).await.contains("Nouvelle inconnue"));
        peer.stop().await;
        a.stop().await;
        b.stop().await;
    }
}
