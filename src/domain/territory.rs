//! A territory: the local network of CCES signatories, federated as an ActivityPub `Group`.

use std::fmt;

/// The short name of a territory, used in its handle (`@slug@host`) and URLs.
/// Parse, don't validate: a `Slug` is always 1–64 characters of `a-z`, `0-9`, `_`, `-`,
/// starting with a letter or digit, so it is safe in paths and `acct:` URIs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Slug, String> {
        let s = input.trim();
        if s.is_empty() || s.len() > 64 {
            return Err("a slug has 1 to 64 characters".into());
        }
        if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
            return Err(format!("`{s}`: only lowercase letters a-z, digits, `_` and `-`"));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(format!("`{s}`: must start with a letter or digit"));
        }
        // `s<digits>` names signatory actors in WebFinger.
        if s.len() > 1 && s.starts_with('s') && s[1..].chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("`{s}`: reserved for signatories"));
        }
        Ok(Slug(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Validated display name (1–200 characters, no control characters).
pub fn parse_name(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.is_empty() || s.chars().count() > 200 {
        return Err("a name has 1 to 200 characters".into());
    }
    if s.chars().any(char::is_control) {
        return Err("a name has no control characters".into());
    }
    Ok(s.to_string())
}

/// Validated summary (plain text, at most 5000 characters).
pub fn parse_summary(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.chars().count() > 5000 {
        return Err("a summary has at most 5000 characters".into());
    }
    Ok(s.to_string())
}

/// Domains of activity named by the CCES charter ("énergie, finance, habitat, culture,
/// alimentation, commerce…"), plus mobility and "other".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityDomain {
    Energie,
    Finance,
    Habitat,
    Culture,
    Alimentation,
    Commerce,
    Mobilite,
    Autre,
}

impl ActivityDomain {
    pub const ALL: [ActivityDomain; 8] = [
        ActivityDomain::Energie,
        ActivityDomain::Finance,
        ActivityDomain::Habitat,
        ActivityDomain::Culture,
        ActivityDomain::Alimentation,
        ActivityDomain::Commerce,
        ActivityDomain::Mobilite,
        ActivityDomain::Autre,
    ];

    /// Stable code, used in storage, forms, the API and federation.
    pub fn code(self) -> &'static str {
        match self {
            ActivityDomain::Energie => "energie",
            ActivityDomain::Finance => "finance",
            ActivityDomain::Habitat => "habitat",
            ActivityDomain::Culture => "culture",
            ActivityDomain::Alimentation => "alimentation",
            ActivityDomain::Commerce => "commerce",
            ActivityDomain::Mobilite => "mobilite",
            ActivityDomain::Autre => "autre",
        }
    }

    /// French label (federated profile fields are French first).
    pub fn label_fr(self) -> &'static str {
        match self {
            ActivityDomain::Energie => "Énergie",
            ActivityDomain::Finance => "Finance",
            ActivityDomain::Habitat => "Habitat",
            ActivityDomain::Culture => "Culture",
            ActivityDomain::Alimentation => "Alimentation",
            ActivityDomain::Commerce => "Commerce",
            ActivityDomain::Mobilite => "Mobilité",
            ActivityDomain::Autre => "Autre",
        }
    }

    pub fn parse(code: &str) -> Option<ActivityDomain> {
        ActivityDomain::ALL.into_iter().find(|d| d.code() == code.trim())
    }

    /// Validates a list of codes into the stored form; unknown codes are an error.
    pub fn parse_list<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<String, String> {
        let mut out: Vec<&str> = vec![];
        for c in codes.into_iter().map(str::trim).filter(|c| !c.is_empty()) {
            let d = ActivityDomain::parse(c).ok_or_else(|| format!("unknown domain `{c}`"))?;
            if !out.contains(&d.code()) {
                out.push(d.code());
            }
        }
        Ok(out.join(","))
    }
}

/// Validated perimeter (free text, at most 500 characters).
pub fn parse_perimeter(input: &str) -> Result<String, String> {
    let s = input.trim();
    if s.chars().count() > 500 || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err("a perimeter has at most 500 characters".into());
    }
    Ok(s.to_string())
}

super::code::closed_set! {
    /// State of a follow relation, in either direction.
    pub enum FollowState ("follow state") {
        /// Waiting for approval (incoming) or for the remote Accept (outgoing).
        Pending = "pending",
        Accepted = "accepted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("territoire").is_ok());
        assert!(Slug::parse("pays-de-la-loire_2").is_ok());
        for bad in ["", "Territoire", "a b", "-x", "é", "a/b", &"x".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(
            ActivityDomain::parse_list(["energie", " alimentation", "energie"]).expect("test"),
            "energie,alimentation"
        );
        assert!(ActivityDomain::parse_list(["spatial"]).is_err());
        assert_eq!(ActivityDomain::parse("mobilite").map(|d| d.label_fr()), Some("Mobilité"));
    }

    #[test]
    fn names_and_summaries() {
        assert_eq!(parse_name("  Pays de Redon ").expect("test"), "Pays de Redon");
        assert!(parse_name("").is_err());
        assert!(parse_name("a\u{7}b").is_err());
        assert!(parse_summary(&"x".repeat(5001)).is_err());
    }
}
