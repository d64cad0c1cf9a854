//! Pinned practices as Mastodon and GoToSocial show them on a profile.
//!
//! Both show a pinned post only when the pinning account wrote it: Mastodon's
//! `FetchFeaturedCollectionService` reads the `featured` items of type `Note` (or bare ids) whose
//! author is the account, GoToSocial's `dereferenceAccountFeatured` every item whose author is the
//! account. A practice is written by the territory's editorial actor (Lemmy refuses a `Group`
//! author, see `practice.rs`), so each pin is also a short `Note` by the territory itself — title,
//! summary, link to the page — served at [`pin_id`] while the pin lasts. Mastodon learns of a
//! new pin from `Add` (object: the note, target: `featured`), as its own accounts send it, and of
//! an unpin from `Remove` then `Delete` (the note would otherwise stay among the territory's
//! posts). Each pin has its own id (practice and pin time): Mastodon never fetches a deleted id
//! again, so pinning the same practice later needs a new one.
//! https://docs.joinmastodon.org/spec/activitypub/#featured

use crate::domain::ids::PracticeId;
use serde_json::Value;

use super::{
    AS_PUBLIC,
    activities::{Activity, Kind, Note, NoteKind, Tag, Tombstone, to_value},
    practice::Publication,
};

/// `(practice id, pinned_at)` of a pin's last path segment.
pub fn parse_pin(segment: &str) -> Option<(PracticeId, i64)> {
    let (practice, at) = segment.split_once('-')?;
    Some((practice.parse().ok()?, at.parse().ok()?))
}

/// The territory's `Note` for a pin. `microblog` is the practice in the shape microblogs read
/// (`practice::microblog`: `content` with title, summary, link and hashtags; `tag`).
pub fn pin_note(id: &str, at: &Publication, microblog: &Value, page_url: &str, published: &str) -> Value {
    let content = microblog.get("content").and_then(Value::as_str).unwrap_or_default();
    // The hashtags are ours (built by `practice::hashtag`): one that would not read as a tag
    // is left out rather than sent malformed.
    let tags = microblog.get("tag").and_then(Value::as_array).into_iter().flatten();
    let tags = tags.filter_map(|t| serde_json::from_value::<Tag>(t.clone()).ok()).collect();
    to_value(&Note {
        context: Some(super::activity_context()),
        id: id.to_string(),
        kind: NoteKind::Note,
        attributed_to: at.territory.to_string(),
        in_reply_to: None,
        content: content.to_string(),
        media_type: None,
        url: page_url.to_string(),
        published: published.to_string(),
        to: vec![AS_PUBLIC.to_string()],
        cc: vec![at.followers()],
        audience: None,
        tag: Some(tags),
    })
}

/// An activity of the territory about one of its pins, public, to its followers.
fn by_territory<O>(kind: Kind, id: &str, at: &Publication, object: O, published: &str) -> Activity<O> {
    let mut a = Activity::new(kind, id, &at.territory, object).public(&[&at.followers()]);
    a.published = Some(published.to_string());
    a
}

/// `Add` (pin) or `Remove` (unpin) of a pin note to or from the territory's `featured`.
/// `kind` is `"Remove"`, or else an `Add` is sent.
pub fn featured_change(kind: &str, id: &str, at: &Publication, note_id: &str, published: &str) -> Value {
    let kind = if kind == "Remove" { Kind::Remove } else { Kind::Add };
    let mut change = by_territory(kind, id, at, note_id, published);
    change.target = Some(at.featured());
    change.to_json()
}

/// `Delete` of a pin note, once unpinned.
pub fn delete_pin(id: &str, at: &Publication, note_id: &str, published: &str) -> Value {
    by_territory(Kind::Delete, id, at, Tombstone::of(note_id), published).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::urls::Urls;
    use serde_json::json;

    #[test]
    fn pin_ids_round_trip_and_refuse_anything_else() {
        let at = Publication::local(&Urls::new(url::Url::parse("https://x.example").unwrap()), "redon");
        let id = at.pin(PracticeId(12), 1_700_000_000_000);
        assert_eq!(id, "https://x.example/t/redon/pins/12-1700000000000");
        assert_eq!(parse_pin("12-1700000000000"), Some((PracticeId(12), 1_700_000_000_000)));
        for bad in ["12", "-1", "a-1", "12-", "12-x", ""] {
            assert_eq!(parse_pin(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_note_is_the_territorys_and_carries_the_microblog_content() {
        let at = Publication::local(&Urls::new(url::Url::parse("https://x.example").unwrap()), "redon");
        let mb = json!({"content": "<p><strong>Jardin</strong></p>", "tag": [{"type": "Hashtag", "name": "#Jardin"}]});
        let n = pin_note(
            "https://x.example/t/redon/pins/1-2",
            &at,
            &mb,
            "https://x.example/pratiques/1",
            "2026-12-04T00:00:00Z",
        );
        assert_eq!(n["type"], "Note");
        assert_eq!(n["attributedTo"], "https://x.example/t/redon");
        assert_eq!(n["content"], "<p><strong>Jardin</strong></p>");
        assert_eq!(n["tag"][0]["name"], "#Jardin");
        assert_eq!(n["url"], "https://x.example/pratiques/1");
        let add = featured_change(
            "Add",
            "https://x.example/activities/a",
            &at,
            "https://x.example/t/redon/pins/1-2",
            "2026-12-04T00:00:00Z",
        );
        assert_eq!(add["target"], "https://x.example/t/redon/featured");
        assert_eq!(add["object"], "https://x.example/t/redon/pins/1-2");
    }
}
