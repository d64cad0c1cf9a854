//! Announcements (*annonces*): a territory's short news (issue 12, point 1). Markdown text, an
//! optional title, link and image (with its alternative text), hashtags.

use serde::Deserialize;

use super::{
    practice::{parse_tag, tag_key},
    signatory::FieldErrors,
};

super::code::closed_set! {
    /// Where an announcement stands: a draft is seen by moderators only; a deleted one is gone
    /// from pages and federated as a `Tombstone`.
    pub enum AnnouncementStatus ("announcement status") {
        Draft = "draft",
        Published = "published",
        Deleted = "deleted",
    }
}

/// Longest title, as Lemmy takes a post's `name` (200 characters).
pub const MAX_TITLE: usize = 200;
/// Short news: Mastodon's default limit is 500 characters, but its servers accept longer
/// remote posts; a bound keeps a page readable.
pub const MAX_TEXT: usize = 5000;
pub const MAX_ALT: usize = 1500;
pub const MAX_TAGS: usize = 10;

fn example() -> AnnouncementInput {
    AnnouncementInput {
        title: "Marché de producteurs".into(),
        text: "Samedi, **marché de producteurs** place de la mairie.".into(),
        link: "https://example.org/marche".into(),
        tags: vec!["CircuitCourt".into()],
        image_alt: String::new(),
        image_base64: String::new(),
        status: "published".into(),
    }
}

/// An announcement as written (API and form).
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = example)]
pub struct AnnouncementInput {
    pub title: String,
    /// Markdown (required).
    pub text: String,
    /// A web link (`http` or `https`).
    pub link: String,
    pub tags: Vec<String>,
    /// The image's description for people who cannot see it: required with an image.
    pub image_alt: String,
    /// API only: a PNG, JPEG, WebP or GIF image, base64 (the form uploads a file). Empty keeps
    /// the current image; `"-"` removes it.
    #[serde(skip_serializing)]
    pub image_base64: String,
    /// `draft` or `published` (default `published`).
    pub status: String,
}

/// A valid announcement (the image is checked by `processing::media`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAnnouncement {
    pub title: String,
    pub text: String,
    pub link: Option<String>,
    pub tags: Vec<String>,
    pub image_alt: String,
    pub status: AnnouncementStatus,
}

fn text(e: &mut FieldErrors, field: &'static str, v: &str, max: usize, required: bool) -> String {
    let v = v.trim();
    if required && v.is_empty() {
        e.push((field, "field-required"));
    } else if v.chars().count() > max {
        e.push((field, "field-too-long"));
    }
    v.to_string()
}

impl NewAnnouncement {
    /// `has_image`: whether the announcement will carry an image (its alt text is then required).
    pub fn parse(input: &AnnouncementInput, has_image: bool) -> Result<NewAnnouncement, FieldErrors> {
        let mut e: FieldErrors = vec![];
        let title = text(&mut e, "title", &input.title, MAX_TITLE, false);
        let body = text(&mut e, "text", &input.text, MAX_TEXT, true);
        let image_alt = text(&mut e, "image_alt", &input.image_alt, MAX_ALT, has_image);
        let link = match input.link.trim() {
            "" => None,
            v => match url::Url::parse(v) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() && v.len() <= 2000 => {
                    Some(u.into())
                }
                _ => {
                    e.push(("link", "field-invalid"));
                    None
                }
            },
        };
        let mut tags: Vec<String> = vec![];
        for t in input.tags.iter().filter(|t| !t.trim().is_empty()) {
            match parse_tag(t) {
                Some(t) if !tags.iter().any(|x| tag_key(x) == tag_key(&t)) => tags.push(t),
                Some(_) => {}
                None => e.push(("tags", "field-invalid")),
            }
        }
        if tags.len() > MAX_TAGS {
            e.push(("tags", "field-too-long"));
        }
        let status = match input.status.trim() {
            "" => AnnouncementStatus::Published,
            s => match AnnouncementStatus::parse(s) {
                Some(s @ (AnnouncementStatus::Draft | AnnouncementStatus::Published)) => s,
                _ => {
                    e.push(("status", "field-invalid"));
                    AnnouncementStatus::Draft
                }
            },
        };
        if !e.is_empty() {
            return Err(e);
        }
        Ok(NewAnnouncement {
            title,
            text: body,
            link,
            tags,
            image_alt: if has_image { image_alt } else { String::new() },
            status,
        })
    }
}

/// Tags as typed in a form: separated by spaces or commas, `#` optional.
pub fn split_tags(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.trim_start_matches('#').is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> AnnouncementInput {
        AnnouncementInput { text: text.into(), ..AnnouncementInput::default() }
    }

    #[test]
    fn text_is_required_and_alt_with_an_image() {
        assert_eq!(NewAnnouncement::parse(&input("  "), false), Err(vec![("text", "field-required")]));
        assert_eq!(NewAnnouncement::parse(&input("Marché"), true), Err(vec![("image_alt", "field-required")]));
        let ok = NewAnnouncement::parse(&input("Marché"), false).expect("valid");
        assert_eq!(ok.status, AnnouncementStatus::Published);
        assert_eq!(ok.link, None);
    }

    #[test]
    fn links_tags_and_status_are_checked() {
        let mut i = input("Marché");
        i.link = "javascript:alert(1)".into();
        i.status = "deleted".into();
        i.tags = vec!["#circuit court".into(), "CircuitCourt".into(), "Bio".into()];
        let e = NewAnnouncement::parse(&i, false).expect_err("invalid");
        assert_eq!(e, vec![("link", "field-invalid"), ("status", "field-invalid")]);
        i.link = "https://example.org/a".into();
        i.status = "draft".into();
        let ok = NewAnnouncement::parse(&i, false).expect("valid");
        assert_eq!(ok.tags, vec!["CircuitCourt".to_string(), "Bio".to_string()]);
        assert_eq!(ok.status, AnnouncementStatus::Draft);
        assert_eq!(split_tags("#Bio, circuit  Local"), vec!["#Bio", "circuit", "Local"]);
    }
}
