//! Tests of `inbound.rs`: every fixture and golden activity lands in its arm.

use serde_json::json;

use super::*;
use crate::federation::protocol::activities::parse_envelope;

fn parse(v: &Value) -> AppResult<Inbound> {
    Inbound::parse(&parse_envelope(v.to_string().as_bytes()).expect("envelope"))
}

/// The arm's name, to compare arms without comparing bodies.
fn arm(i: &Inbound) -> &'static str {
    match i {
        Inbound::Follow(_) => "Follow",
        Inbound::Accept(_) => "Accept",
        Inbound::Reject(_) => "Reject",
        Inbound::Undo(_) => "Undo",
        Inbound::Article(_) => "Article",
        Inbound::Event(_) => "Event",
        Inbound::AnnounceEvent(_) => "AnnounceEvent",
        Inbound::DeleteEvent(_) => "DeleteEvent",
        Inbound::Note(_) => "Note",
        Inbound::UpdateActor(_) => "UpdateActor",
        Inbound::Delete(_) => "Delete",
        Inbound::AnnouncePractice(_) => "AnnouncePractice",
        Inbound::AnnounceNews(_) => "AnnounceNews",
        Inbound::Announce(_) => "Announce",
        Inbound::Like(_) => "Like",
        Inbound::Join(_) => "Join",
        Inbound::Leave(_) => "Leave",
        Inbound::Rsvp(_) => "Rsvp",
        Inbound::Move(_) => "Move",
        Inbound::Flag(_) => "Flag",
        Inbound::Invite(_) => "Invite",
        Inbound::AnswerInvite(_) => "AnswerInvite",
        Inbound::RemoveOrganizer(_) => "RemoveOrganizer",
        Inbound::Aggregate(_) => "Aggregate",
        Inbound::Unknown => "Unknown",
    }
}

fn kind(v: Value) -> &'static str {
    arm(&parse(&v).expect("known shape"))
}

#[test]
fn each_shape_has_one_kind() {
    let a = |t: &str, o: Value| json!({"id": "https://x.example/a", "type": t, "actor": "https://x.example/u", "object": o});
    let article = json!({"type": "Article", "id": "https://x.example/p"});
    assert_eq!(kind(a("Create", article.clone())), "Article");
    assert_eq!(kind(a("Update", json!({"type": "Page", "id": "https://x.example/p"}))), "Article");
    assert_eq!(kind(a("Create", json!({"type": "Note", "id": "https://x.example/n"}))), "Note");
    assert_eq!(kind(a("Create", json!({"type": "Question"}))), "Unknown");
    assert_eq!(kind(a("Update", json!({"type": "Person", "id": "https://x.example/other"}))), "Unknown");
    assert_eq!(kind(a("Update", json!({"type": "Question", "id": "https://x.example/q"}))), "Unknown");
    assert_eq!(kind(a("Announce", json!({"type": "Create", "object": {"type": "Page"}}))), "AnnouncePractice");
    assert_eq!(kind(a("Announce", json!({"type": "Delete"}))), "AnnouncePractice");
    // A group relaying a comment (a reply) / a territory announcing its news (answers nothing).
    let reply = json!({"type": "Create", "object": {"type": "Note", "inReplyTo": "https://x.example/p"}});
    assert_eq!(kind(a("Announce", reply)), "Announce");
    assert_eq!(kind(a("Announce", json!({"type": "Create", "object": {"type": "Note"}}))), "AnnounceNews");
    let edit = json!({"type": "Update", "object": {"type": "Note", "id": "https://x.example/n", "inReplyTo": null}});
    assert_eq!(kind(a("Announce", edit)), "AnnounceNews");
    assert_eq!(kind(a("Announce", json!("https://x.example/n"))), "Announce");
    assert_eq!(kind(a("Delete", json!("https://x.example/n"))), "Delete");
    assert_eq!(kind(a("Delete", json!({"type": "Tombstone", "id": "https://x.example/n"}))), "Delete");
    assert_eq!(kind(a("Follow", json!({"id": "https://y.example/t"}))), "Follow");
    assert_eq!(kind(a("Undo", json!({"type": ["Follow"], "object": "https://y.example/t"}))), "Undo");
    assert_eq!(kind(a("Accept", json!("https://y.example/f"))), "Accept");
    assert_eq!(kind(a("Reject", Value::Null)), "Reject");
    assert_eq!(kind(a("Like", json!("https://y.example/p"))), "Like");
    assert_eq!(kind(a("Create", json!({"type": "Event", "id": "https://x.example/e"}))), "Event");
    let tombstone = json!({"type": "Tombstone", "formerType": "Event", "id": "https://x.example/e"});
    assert_eq!(kind(a("Delete", tombstone.clone())), "DeleteEvent");
    assert_eq!(kind(a("Announce", json!({"type": "Update", "object": {"type": "Event"}}))), "AnnounceEvent");
    assert_eq!(kind(a("Announce", json!({"type": "Delete", "object": tombstone}))), "AnnounceEvent");
    assert!(parse(&a("Move", json!("https://x.example/n"))).is_err(), "a Move without its target is malformed");
    assert_eq!(kind(a("EmojiReact", json!("https://x.example/n"))), "Unknown");
    let aggregate = json!({"type": "cces:Aggregate", "id": "https://x.example/t/a/observatoire/agregat",
        "attributedTo": "https://x.example/t/a", "updated": "2026-01-01T00:00:00Z", "cces:figures": []});
    assert_eq!(kind(a("Update", aggregate)), "Aggregate");
}

#[test]
fn a_known_type_without_its_shape_is_a_bad_request() {
    let a = |t: &str, o: Value| json!({"id": "https://x.example/a", "type": t, "actor": "https://x.example/u", "object": o});
    for bad in [
        a("Follow", Value::Null),
        a("Follow", json!(5)),
        a("Follow", json!({"id": 5})),
        a("Undo", json!({"type": "Follow", "object": 5})),
        a("Like", json!([1])),
        a("Update", json!({"type": "Person", "id": "https://x.example/u", "inbox": 3})),
        a(
            "Create",
            json!({"type": "cces:Aggregate", "id": "https://x.example/g", "attributedTo": "https://x.example/u",
            "updated": "2026-01-01T00:00:00Z", "cces:figures": [{"cces:figure": "indicator", "cces:total": "beaucoup"}]}),
        ),
    ] {
        assert!(matches!(parse(&bad), Err(AppError::BadRequest(_))), "{bad}");
    }
}

/// Every activity the fixtures hold, as Mastodon, GoToSocial, Lemmy and Maillage send
/// them, lands in the arm that handles it.
#[test]
fn every_fixture_lands_in_its_arm() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let expected = [
        ("gotosocial/create_reply.json", "Note"),
        ("gotosocial/follow.json", "Follow"),
        ("gotosocial/like.json", "Like"),
        ("gotosocial/undo_follow.json", "Undo"),
        ("lemmy/announce_create_page.json", "AnnouncePractice"),
        ("lemmy/create_comment.json", "Note"),
        ("lemmy/like.json", "Like"),
        ("lemmy/undo_like.json", "Undo"),
        ("mastodon/accept_follow.json", "Accept"),
        ("mastodon/create_reply.json", "Note"),
        ("mastodon/create_reply_direct.json", "Note"),
        ("mastodon/create_reply_followers_only.json", "Note"),
        ("mastodon/delete_reply.json", "Delete"),
        ("mastodon/follow.json", "Follow"),
        ("mastodon/like.json", "Like"),
        ("mastodon/move.json", "Move"),
        ("mastodon/undo_follow.json", "Undo"),
        ("mastodon/undo_like.json", "Undo"),
        ("gancio/create_event.json", "Event"),
        ("mobilizon/create_event.json", "Event"),
        ("mobilizon/join.json", "Join"),
        ("mobilizon/leave.json", "Leave"),
        // Friendica names the Event by id: `Accept`/`Reject` are told apart from a Follow's
        // answer by the id being one of our actions (activities/accept.rs).
        ("friendica/rsvp_accept.json", "Accept"),
        ("friendica/rsvp_tentative_accept.json", "Rsvp"),
        ("friendica/rsvp_reject.json", "Reject"),
        ("mastodon/flag.json", "Flag"),
        ("lemmy/flag.json", "Flag"),
        ("misskey/flag.json", "Flag"),
        ("gotosocial/flag.json", "Flag"),
    ];
    for (file, want) in expected {
        let text = std::fs::read_to_string(dir.join(file)).expect(file);
        let env = parse_envelope(text.as_bytes()).expect(file);
        let got = Inbound::parse(&env).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(arm(&got), want, "{file}");
    }
    // What Maillage sends is what another Maillage reads.
    let golden = dir.join("golden/sent");
    let mut seen = 0;
    for entry in std::fs::read_dir(&golden).expect("golden/sent") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("golden");
        let sent: Vec<Value> = match serde_json::from_str(&text).expect("golden JSON") {
            Value::Array(all) => all,
            one => vec![one],
        };
        for activity in sent {
            let env = parse_envelope(activity.to_string().as_bytes()).expect("golden activity");
            let got = Inbound::parse(&env).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            seen += 1;
            if env.kind != "Add" && env.kind != "Remove" {
                assert_ne!(arm(&got), "Unknown", "{}", path.display());
            }
        }
    }
    assert!(seen > 0, "no activity in golden/sent");
}
