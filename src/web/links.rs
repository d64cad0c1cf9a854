//! Where a link or a redirect may point.
//!
//! - [`Href`]: a link target for templates. Built from anything (remote JSON included), it
//!   prints only an `http(s)` URL or a path of this site; anything else (`javascript:`,
//!   `data:`, …) prints `#`. Templates take `Href`, so none can emit a non-web `href`.
//! - [`same_origin_path`]: the one parser of `?next=` / `?back=` redirect targets. Only a path
//!   of this site passes; every known way of smuggling another origin past a naive
//!   "starts with `/`" check is refused (OWASP Unvalidated Redirects cheat sheet,
//!   <https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html>).

use std::fmt;

use url::Url;

/// A link target safe to put in `href`/`src`: an absolute `http(s)` URL or a path of this site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Href(Option<String>);

impl Href {
    /// Keeps `s` if it is an absolute `http(s)` URL with a host, or a same-origin path.
    pub fn new(s: &str) -> Href {
        let s = s.trim();
        if let Some(path) = same_origin_path(s) {
            return Href(Some(path));
        }
        match Url::parse(s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Href(Some(u.to_string())),
            _ => Href(None),
        }
    }

    /// Whether the target was refused (templates may show plain text instead of a link).
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("#")
    }
}

impl From<&str> for Href {
    fn from(s: &str) -> Href {
        Href::new(s)
    }
}

impl From<String> for Href {
    fn from(s: String) -> Href {
        Href::new(&s)
    }
}

/// Printed escaped by askama like any text: `&` in a query stays valid HTML.
impl fmt::Display for Href {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `s` if it is a path on this site (with its query and fragment), else `None`.
///
/// Refused: anything not starting with exactly one `/` (`//host`, `/\host`, `\/host`,
/// `https:…`, `javascript:…`), backslashes anywhere (browsers read them as `/`), ASCII control
/// characters and whitespace (browsers strip tabs and newlines, turning `/\t/host` into
/// `//host`; CR/LF would also split the `Location` header), and percent-encoded slashes,
/// backslashes or control characters in the path (`/%2F/host`, `/%09/host`, `/%5Chost`),
/// which some proxies and frameworks decode once more. Last, the path is resolved against a
/// placeholder origin and must stay on it.
pub fn same_origin_path(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'/') || matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return None;
    }
    if s.len() > 2000 || s.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) {
        return None;
    }
    let path = s.split(['?', '#']).next().unwrap_or_default();
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    if decoded.get(1) == Some(&b'/')
        || decoded.iter().any(|b| *b == b'\\' || b.is_ascii_control() || *b == b' ')
        || path.to_ascii_lowercase().contains("%2f")
    {
        return None;
    }
    let base = Url::parse("https://same-origin.invalid/").ok()?;
    let joined = base.join(s).ok()?;
    (joined.origin() == base.origin()).then(|| s.to_string())
}

/// A redirect target from the query: the path if it is one of ours, else `fallback`.
pub fn redirect_target(s: Option<&str>, fallback: &str) -> String {
    s.and_then(same_origin_path).unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(key: &str) -> Vec<String> {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/web/open-redirects.json")).expect("fixture");
        serde_json::from_value(doc[key].clone()).expect("strings")
    }

    #[test]
    fn known_bypasses_are_refused() {
        let bypasses = fixture("bypasses");
        assert!(bypasses.len() > 20);
        for b in &bypasses {
            assert_eq!(same_origin_path(b), None, "{b:?} accepted");
            assert_eq!(redirect_target(Some(b), "/"), "/");
        }
        assert_eq!(redirect_target(None, "/admin"), "/admin");
    }

    #[test]
    fn paths_of_this_site_pass() {
        for ok in fixture("kept") {
            assert_eq!(same_origin_path(&ok), Some(ok.clone()), "{ok} refused");
        }
    }

    #[test]
    fn hrefs_are_web_or_nothing() {
        assert_eq!(Href::new("https://a.example/x?y=1").as_str(), "https://a.example/x?y=1");
        assert_eq!(Href::new("/t/territoire").as_str(), "/t/territoire");
        for bad in
            ["javascript:alert(1)", "javascript://a.example/%0aalert(1)", "data:text/html,x", "mailto:a@b", "//x"]
        {
            assert!(Href::new(bad).is_none(), "{bad}");
            assert_eq!(Href::new(bad).to_string(), "#");
        }
    }
}
