//! Announcements on the wire: a `Note` by the territory's editorial `Service`, published in the
//! territory `Group` (`audience`, first in `to`), as practices are (FEP-1b12), so that the three
//! kinds of object look alike. docs/FEDERATION.md, "Announcements".
//!
//! - Mastodon and GoToSocial show a `Note`'s `content` and its image `attachment` (a `Document`
//!   with `mediaType`, `name` = the alternative text) in the home timeline; hashtags are
//!   `Hashtag` tags linking to `/tags/<tag>`.
//! - Lemmy takes a `Note` as a post but needs a title: it gets [`lemmy_page`], the same object
//!   (same id) as a `Page` whose `name` is the title (or the text's first words), the link as
//!   its first attachment (Lemmy's post URL) and the picture as `image`.
//!   https://join-lemmy.org/docs/contributors/05-federation.html

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AS_PUBLIC, Image,
    activities::{Tag, to_value},
    image,
    practice::{Publication, context, hashtag_tag, time},
};

/// The picture of an announcement, as Mastodon reads a media attachment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    #[serde(rename = "type")]
    pub kind: String,
    pub media_type: String,
    pub url: String,
    /// The alternative text (Mastodon's "description").
    pub name: String,
    pub width: i64,
    pub height: i64,
}

/// An outside link, as Lemmy sends a post's URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    #[serde(rename = "type")]
    pub kind: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

/// An announcement on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    /// `Note`, or `Page` for Lemmy.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub content: String,
    pub media_type: String,
    pub source: Source,
    pub url: String,
    /// Mobilizon's group post: its author (then `attributedTo` is the group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    pub attributed_to: String,
    pub audience: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    pub tag: Vec<Tag>,
    /// Lemmy: the link first (its post URL), then the picture; others: the picture.
    pub attachment: Vec<Value>,
    /// Lemmy's thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

/// What a `Note` is made of: plain values.
pub struct AnnouncementFields<'a> {
    pub ap_id: &'a str,
    pub title: &'a str,
    pub body_html: &'a str,
    pub body_md: &'a str,
    pub link: &'a str,
    /// (absolute URL, media type, width, height, alt text)
    pub image: Option<(&'a str, &'a str, i64, i64, &'a str)>,
    pub tags: &'a [String],
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

fn escape(s: &str) -> String {
    crate::federation::actors::escape_html(s)
}

/// The announcement's `Note`, as served at its id and sent to Mastodon, GoToSocial, Mobilizon
/// and Maillage. A title becomes the first, bold paragraph (Mastodon ignores a `Note`'s `name`,
/// GoToSocial shows it as a content warning: tried against GoToSocial 0.20, so none is sent);
/// the link and the hashtags end the text, as Mastodon users write them.
pub fn note(a: &AnnouncementFields, at: &Publication) -> Value {
    let published = a.published_at.unwrap_or(a.created_at);
    let mut content = String::new();
    if !a.title.is_empty() {
        content.push_str(&format!("<p><strong>{}</strong></p>", escape(a.title)));
    }
    content.push_str(a.body_html);
    if !a.link.is_empty() {
        content.push_str(&format!("<p><a href=\"{0}\" rel=\"nofollow noopener\">{0}</a></p>", escape(a.link)));
    }
    let tags: Vec<Tag> = a.tags.iter().map(|t| hashtag_tag(&at.tag_base, t)).collect();
    let links: Vec<String> = tags
        .iter()
        .filter_map(|t| {
            Some(format!(
                "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                escape(t.href.as_deref()?),
                escape(t.name.trim_start_matches('#'))
            ))
        })
        .collect();
    if !links.is_empty() {
        content.push_str(&format!("<p>{}</p>", links.join(" ")));
    }
    let attachment = a
        .image
        .map(|(url, media_type, width, height, alt)| {
            to_value(&Document {
                kind: "Document".into(),
                media_type: media_type.into(),
                url: url.into(),
                name: alt.into(),
                width,
                height,
            })
        })
        .into_iter()
        .collect();
    to_value(&Note {
        context: Some(context()),
        id: a.ap_id.to_string(),
        kind: "Note".into(),
        // No `name`: GoToSocial shows a `Note`'s name as a content warning (when it has no
        // `summary`), hiding the text; the title is already the first, bold paragraph.
        name: None,
        content,
        media_type: "text/html".into(),
        source: Source { content: a.body_md.to_string(), media_type: "text/markdown".into() },
        url: a.ap_id.to_string(),
        actor: None,
        attributed_to: at.author(),
        audience: at.territory.to_string(),
        // The group first: Lemmy takes the first `Group` of `to`/`cc` as the community.
        to: vec![at.territory.to_string(), AS_PUBLIC.to_string()],
        cc: vec![at.followers()],
        published: time(published),
        // Only for an edit after publication (GoToSocial refuses an `updated` before `published`).
        updated: (a.updated_at > published).then(|| time(a.updated_at)),
        tag: tags,
        attachment,
        image: None,
    })
}

/// A title for Lemmy, which needs one: the title, or the text's first words.
pub fn title_for_lemmy(title: &str, body_md: &str) -> String {
    if !title.trim().is_empty() {
        return title.trim().to_string();
    }
    let first = body_md.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let plain: String = first.chars().filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '[' | ']')).collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        if out.chars().count() + w.chars().count() + 1 > 80 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The same announcement for Lemmy (and the group readers that take its shapes): a `Page`
/// with a `name`, the link as first attachment, the picture as `image` and attachment.
pub fn lemmy_page(note: &Value, title: &str, link: &str) -> Value {
    let Ok(mut n) = serde_json::from_value::<Note>(note.clone()) else {
        return note.clone();
    };
    n.kind = "Page".into();
    n.name = Some(title.to_string());
    let picture = n.attachment.first().and_then(|d| d.get("url")).and_then(Value::as_str).map(image);
    let mut attachment = vec![];
    if !link.is_empty() {
        attachment.push(to_value(&Link { kind: "Link".into(), href: link.into() }));
    }
    attachment.append(&mut n.attachment);
    n.attachment = attachment;
    n.image = picture;
    to_value(&n)
}

/// The same announcement as a Mobilizon group post: an `Article` with `actor` (its author, the
/// editorial `Service`) and `attributedTo` (the group), a `name` and the `content` without the
/// title paragraph. Mobilizon makes a group post of nothing else (a `Note` would be a comment):
/// https://framagit.org/framasoft/mobilizon/-/blob/main/lib/federation/activity_stream/converter/post.ex
pub fn mobilizon_post(note: &Value, title: &str, name: &str) -> Value {
    let Ok(mut n) = serde_json::from_value::<Note>(note.clone()) else {
        return note.clone();
    };
    n.kind = "Article".into();
    n.name = Some(name.to_string());
    if !title.is_empty() {
        let heading = format!("<p><strong>{}</strong></p>", escape(title));
        if let Some(rest) = n.content.strip_prefix(&heading) {
            n.content = rest.to_string();
        }
    }
    n.actor = Some(std::mem::replace(&mut n.attributed_to, n.audience.clone()));
    to_value(&n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(tags: &'a [String]) -> AnnouncementFields<'a> {
        AnnouncementFields {
            ap_id: "https://m.example/t/redon/annonces/3",
            title: "Marché de producteurs",
            body_html: "<p>Samedi, <strong>marché</strong> place de la mairie.</p>",
            body_md: "Samedi, **marché** place de la mairie.",
            link: "https://example.org/marche",
            image: Some((
                "https://m.example/media/a/0f.jpg",
                "image/jpeg",
                800,
                600,
                "Des étals de légumes sous les halles",
            )),
            tags,
            created_at: 1_764_000_000_000,
            updated_at: 1_764_000_000_000,
            published_at: Some(1_764_000_000_000),
        }
    }

    /// What Mastodon, GoToSocial and Maillage get, and what Lemmy gets, as golden files:
    /// `MAILLAGE_BLESS=1` rewrites them after a deliberate change.
    #[test]
    fn golden_shapes() {
        let at =
            Publication::local(&crate::domain::urls::Urls::new(url::Url::parse("https://m.example").unwrap()), "redon");
        let tags = vec!["CircuitCourt".to_string()];
        let f = fields(&tags);
        let note = note(&f, &at);
        let page = lemmy_page(&note, &title_for_lemmy(f.title, f.body_md), f.link);
        let post = mobilizon_post(&note, f.title, &title_for_lemmy(f.title, f.body_md));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden");
        for (name, value) in [
            ("announcement_note.json", &note),
            ("announcement_lemmy_page.json", &page),
            ("announcement_mobilizon_post.json", &post),
        ] {
            let path = format!("{dir}/{name}");
            let text = serde_json::to_string_pretty(value).expect("json") + "\n";
            if std::env::var_os("MAILLAGE_BLESS").is_some() {
                std::fs::write(&path, &text).expect("write");
            }
            let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("golden")).expect("json");
            assert_eq!(value, &golden, "{name} changed: check it, then MAILLAGE_BLESS=1");
        }
        assert_eq!(note["attachment"][0]["name"], "Des étals de légumes sous les halles");
        assert_eq!(page["attachment"][0]["href"], "https://example.org/marche");
        assert_eq!(page["image"]["url"], "https://m.example/media/a/0f.jpg");
        assert_eq!(page["type"], "Page");
        // Mobilizon's group post: the author as `actor`, the group as `attributedTo`, the title
        // once (as `name`).
        assert_eq!((post["type"].as_str(), post["name"].as_str()), (Some("Article"), Some("Marché de producteurs")));
        assert_eq!(post["actor"], "https://m.example/t/redon/editorial");
        assert_eq!(post["attributedTo"], "https://m.example/t/redon");
        assert_eq!(post["id"], note["id"], "the same object");
        let content = post["content"].as_str().expect("content");
        assert!(content.starts_with("<p>Samedi") && !content.contains("<strong>Marché"), "{content}");
        assert!(note.get("actor").is_none(), "a Note has no actor");
    }

    #[test]
    fn lemmy_always_gets_a_title() {
        assert_eq!(title_for_lemmy("", "\n**Marché** samedi\nsuite"), "Marché samedi");
        let long = "mot ".repeat(40);
        let t = title_for_lemmy("", &long);
        assert!(t.chars().count() <= 81 && t.ends_with('…'), "{t}");
        assert_eq!(title_for_lemmy(" Titre ", "texte"), "Titre");
    }
}
