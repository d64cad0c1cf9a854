//! The one HTML sanitiser. Everything this instance shows or sends as HTML that it did not
//! write itself — Markdown written here (practices, charter, comments) and HTML received from
//! other servers — goes through [`clean`], before it is stored and again before it is shown
//! (a row stored by an older version is cleaned on the way out).
//!
//! What survives: text structure (paragraphs, lists, emphasis, tables, quotes, code) and links
//! to `http`, `https`, `mailto` or a relative URL, all `rel="nofollow noopener noreferrer"`.
//! Scripts, event attributes, styles and other URL schemes (`javascript:`, `data:`, `vbscript:`…)
//! are removed. Images are never embedded: a visitor's browser would fetch them from a third
//! party and hand it their address; a Markdown image becomes a link to it, a remote `<img>` is
//! dropped. OWASP: <https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html>

use std::{collections::HashSet, fmt, sync::LazyLock};

/// HTML that went through [`clean`]. Templates print it without escaping (askama's
/// `HtmlSafe`), and the only way to build one is the sanitiser: no template needs `|safe`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for SafeHtml {}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow noopener noreferrer"))
        .rm_tags(["img"]);
    b
});

/// The sanitiser: any HTML in, [`SafeHtml`] out.
pub fn clean(html: &str) -> SafeHtml {
    SafeHtml(CLEANER.clean(html).to_string())
}

/// Markdown to sanitised HTML. Raw HTML in the source is shown as text (charters, practices
/// and comments are content, not markup); images become links.
pub fn markdown(md: &str) -> SafeHtml {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    clean(&out)
}

/// [`markdown`] as a `String`, for what is stored or put in ActivityPub JSON.
pub fn markdown_to_html(md: &str) -> String {
    markdown(md).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_only_web_and_mail_targets() {
        let html = markdown_to_html(concat!(
            "[a](javascript:alert(document.cookie)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,<script>x</script>) ",
            "[d](vbscript:msgbox) [e](jav&#x09;ascript:alert(1)) [f](https://ok.example/x) [g](/pratiques?tag=x) ",
            "[h](mailto:contact@ok.example) [i](relative/page)"
        ));
        let lower = html.to_lowercase();
        for bad in ["javascript:", "data:", "vbscript:", "<script"] {
            assert!(!lower.contains(bad), "{bad} survived: {html}");
        }
        for good in ["href=\"https://ok.example/x\"", "href=\"/pratiques?tag=x\"", "href=\"mailto:contact@ok.example\""]
        {
            assert!(html.contains(good), "{good} lost: {html}");
        }
        assert!(html.contains("href=\"relative/page\""));
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""));
    }

    #[test]
    fn images_are_never_embedded() {
        let md = markdown_to_html("![le logo](https://tracker.example/pixel.png)");
        assert!(!md.contains("<img"), "{md}");
        assert!(md.contains("href=\"https://tracker.example/pixel.png\"") && md.contains("le logo"), "{md}");
        let remote = clean("<p>Bonjour<img src=\"https://tracker.example/p.png\" onerror=\"alert(1)\"></p>");
        assert_eq!(remote.as_str(), "<p>Bonjour</p>");
    }

    #[test]
    fn remote_html_loses_scripts_and_handlers() {
        let h = clean(
            "<p onclick=\"x()\" style=\"color:red\">t</p><script>alert(1)</script><a href=\"javascript:alert(1)\">l</a>\
             <iframe src=\"https://evil.example\"></iframe><form action=\"https://evil.example\"><input></form>",
        );
        assert_eq!(h.as_str(), "<p>t</p><a rel=\"nofollow noopener noreferrer\">l</a>");
    }

    #[test]
    fn raw_html_in_markdown_is_text() {
        assert_eq!(markdown_to_html("<b>x</b>"), "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
    }
}
