//! A signature of the CCES charter: "en mon nom propre" (an individual) or "au nom de ma
//! structure". Parse, don't validate: [`NewSignature::parse`] turns a raw form into a value
//! whose every field is within its rules, or into field-level error keys (Fluent ids).

use super::{account::parse_email, territory::ActivityDomain};

super::code::closed_set! {
    /// Who signs: a person in their own name, or a structure.
    pub enum Kind ("signatory kind") {
        Individual = "individual",
        Structure = "structure",
    }
}

/// "en tant que citoyen, consommateur, producteur, salarié…"
pub const ROLES: [&str; 7] = ["citoyen", "consommateur", "producteur", "salarie", "usager", "distributeur", "autre"];
pub const LEGAL_FORMS: [&str; 5] = ["association", "cooperative", "entreprise", "collectivite", "autre"];

super::code::closed_set! {
    /// Where a signature is: waiting for its email confirmation, for a moderator's decision,
    /// decided, or withdrawn by its signer.
    pub enum Status ("signatory status") {
        Unconfirmed = "unconfirmed",
        Confirmed = "confirmed",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

/// The form as sent (page or API), before any check.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignatureInput {
    pub kind: String,
    pub name: String,
    pub roles: Vec<String>,
    pub legal_form: String,
    pub domains: Vec<String>,
    pub website: String,
    pub commune: String,
    pub representative_name: String,
    pub representative_role: String,
    pub governance: String,
    pub partners: String,
    pub email: String,
    pub phone: String,
    pub postal_address: String,
    /// The charter version the signer was shown and consents to.
    pub charter_version: String,
    pub consent: bool,
    /// Appear in the public directory (default: structures yes, individuals no).
    pub listed: Option<bool>,
    /// Honeypot: a field people never see; bots fill it.
    pub nickname: String,
    /// API only: the territory's slug (default: the instance's default territory).
    pub territory: String,
}

/// A signature whose every field passed its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSignature {
    pub kind: Kind,
    pub name: String,
    pub roles: Vec<&'static str>,
    pub legal_form: Option<&'static str>,
    pub domains: String,
    pub website: String,
    pub commune: String,
    pub representative_name: String,
    pub representative_role: String,
    pub governance: String,
    pub partners: String,
    pub email: String,
    pub phone: String,
    pub postal_address: String,
    pub listed: bool,
}

/// (field, Fluent key of the message)
pub type FieldErrors = Vec<(&'static str, &'static str)>;

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize, required: bool) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.push((field, "field-required"));
    } else if v.chars().count() > max {
        errors.push((field, "field-too-long"));
    } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        errors.push((field, "field-invalid"));
    }
    v.to_string()
}

/// A website as people type it: "jardins-redon.fr" and "www.dominique.fr" are addresses too,
/// completed to `https://…`. `None` for what is no web address ("mon site", "ftp://…",
/// "javascript:…"); an empty field stays empty.
pub fn website_url(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(String::new());
    }
    let lower = typed.to_ascii_lowercase();
    let full = if lower.starts_with("https://") || lower.starts_with("http://") {
        typed.to_string()
    } else if typed.contains("://") || typed.contains(':') && !typed.contains('.') {
        return None;
    } else {
        format!("https://{typed}")
    };
    let url = url::Url::parse(&full).ok()?;
    let host = url.host_str()?;
    // A name with a dot and a top-level part (not "localhost", not "jardins."), and no userinfo.
    let named = host.contains('.') && !host.ends_with('.') && !host.starts_with('.');
    let clean = url.username().is_empty() && url.password().is_none() && !typed.chars().any(char::is_whitespace);
    (matches!(url.scheme(), "http" | "https") && named && clean).then_some(full)
}

impl NewSignature {
    pub fn parse(input: &SignatureInput, current_charter: &str) -> Result<NewSignature, FieldErrors> {
        let mut e: FieldErrors = vec![];
        let kind = Kind::parse(&input.kind);
        if kind.is_none() {
            e.push(("kind", "field-required"));
        }
        let kind = kind.unwrap_or(Kind::Individual);
        let name = text(&mut e, "name", &input.name, 200, true);
        let commune = text(&mut e, "commune", &input.commune, 100, true);
        let mut roles = vec![];
        for r in &input.roles {
            match ROLES.iter().find(|x| **x == r.trim()) {
                Some(x) if !roles.contains(x) => roles.push(*x),
                Some(_) => {}
                None => e.push(("roles", "field-invalid")),
            }
        }
        let legal_form = match (kind, input.legal_form.trim()) {
            (Kind::Structure, "") => {
                e.push(("legal_form", "field-required"));
                None
            }
            (Kind::Structure, f) => match LEGAL_FORMS.iter().find(|x| **x == f) {
                Some(x) => Some(*x),
                None => {
                    e.push(("legal_form", "field-invalid"));
                    None
                }
            },
            (Kind::Individual, _) => None,
        };
        let domains = match ActivityDomain::parse_list(input.domains.iter().map(String::as_str)) {
            Ok(d) => d,
            Err(_) => {
                e.push(("domains", "field-invalid"));
                String::new()
            }
        };
        // A group of boxes says what to do, not "required": one box is enough. No kind chosen
        // yet: only that is said (the form shows the group of the kind chosen).
        match Kind::parse(&input.kind) {
            Some(Kind::Individual) if roles.is_empty() => e.push(("roles", "field-choose-one")),
            Some(Kind::Structure) if domains.is_empty() => e.push(("domains", "field-choose-one")),
            _ => {}
        }
        let website = text(&mut e, "website", &input.website, 300, false);
        let website = match website_url(&website) {
            Some(url) => url,
            None => {
                e.push(("website", "website-invalid"));
                website
            }
        };
        let structure = kind == Kind::Structure;
        let representative_name = text(&mut e, "representative_name", &input.representative_name, 200, structure);
        let representative_role = text(&mut e, "representative_role", &input.representative_role, 200, false);
        let governance = text(&mut e, "governance", &input.governance, 2000, false);
        let partners = text(&mut e, "partners", &input.partners, 2000, false);
        let email = match parse_email(&input.email) {
            Ok(m) => m,
            Err(_) => {
                e.push(("email", if input.email.trim().is_empty() { "field-required" } else { "email-invalid" }));
                String::new()
            }
        };
        let phone = text(&mut e, "phone", &input.phone, 30, false);
        if !phone.chars().all(|c| c.is_ascii_digit() || " +-.()".contains(c)) {
            e.push(("phone", "field-invalid"));
        }
        let postal_address = text(&mut e, "postal_address", &input.postal_address, 500, false);
        if !input.consent {
            e.push(("consent", "consent-required"));
        }
        if input.charter_version.trim() != current_charter {
            e.push(("charter_version", "charter-outdated"));
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(NewSignature {
            kind,
            name,
            roles: if structure { vec![] } else { roles },
            legal_form,
            domains: if structure { domains } else { String::new() },
            website: if structure { website } else { String::new() },
            commune,
            representative_name: if structure { representative_name } else { String::new() },
            representative_role: if structure { representative_role } else { String::new() },
            governance: if structure { governance } else { String::new() },
            partners: if structure { partners } else { String::new() },
            email,
            phone,
            postal_address,
            listed: input.listed.unwrap_or(structure),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn structure() -> SignatureInput {
        SignatureInput {
            kind: "structure".into(),
            name: "AMAP des Marais".into(),
            legal_form: "association".into(),
            domains: vec!["alimentation".into()],
            commune: "Redon".into(),
            representative_name: "Camille".into(),
            email: "contact@amap.example".into(),
            charter_version: "2024".into(),
            consent: true,
            ..Default::default()
        }
    }

    #[test]
    fn valid_structure_and_individual() {
        let s = NewSignature::parse(&structure(), "2024").expect("test");
        assert!(s.listed, "structures are listed by default");
        let i = SignatureInput {
            kind: "individual".into(),
            name: "Ada".into(),
            roles: vec!["citoyen".into(), "producteur".into(), "citoyen".into()],
            commune: "Redon".into(),
            email: "Ada@Example.org".into(),
            charter_version: "2024".into(),
            consent: true,
            website: "https://ignored.example".into(),
            ..Default::default()
        };
        let i = NewSignature::parse(&i, "2024").expect("test");
        assert!(!i.listed, "individuals are unlisted by default");
        assert_eq!(i.roles, vec!["citoyen", "producteur"]);
        assert_eq!(i.email, "ada@example.org");
        assert!(i.website.is_empty(), "structure-only fields dropped");
    }

    #[test]
    fn field_errors() {
        let mut s = structure();
        s.name = String::new();
        s.email = "nope".into();
        s.legal_form = "sarl-secrete".into();
        s.domains = vec!["spatial".into()];
        s.consent = false;
        s.charter_version = "2019".into();
        s.governance = "x".repeat(2001);
        let e = NewSignature::parse(&s, "2024").expect_err("test");
        for field in ["name", "email", "legal_form", "domains", "consent", "charter_version", "governance"] {
            assert!(e.iter().any(|(f, _)| *f == field), "{field} not reported: {e:?}");
        }
        let i = SignatureInput { kind: "individual".into(), roles: vec!["astronaute".into()], ..Default::default() };
        let e = NewSignature::parse(&i, "2024").expect_err("test");
        assert!(e.contains(&("roles", "field-invalid")));
        assert!(e.contains(&("email", "field-required")));
    }

    #[test]
    fn an_empty_group_of_boxes_asks_for_one() {
        let i = SignatureInput { kind: "individual".into(), ..Default::default() };
        let e = NewSignature::parse(&i, "2024").expect_err("test");
        assert!(e.contains(&("roles", "field-choose-one")), "{e:?}");
        let mut s = structure();
        s.domains = vec![];
        let e = NewSignature::parse(&s, "2024").expect_err("test");
        assert_eq!(e, vec![("domains", "field-choose-one")]);
    }

    #[test]
    fn a_website_without_scheme_is_completed() {
        for (typed, stored) in [
            ("jardins-redon.fr", "https://jardins-redon.fr"),
            ("www.dominique.fr", "https://www.dominique.fr"),
            (" www.dominique.fr/contact ", "https://www.dominique.fr/contact"),
            ("http://amap.example", "http://amap.example"),
            ("HTTPS://Amap.example", "HTTPS://Amap.example"),
            ("", ""),
        ] {
            let mut s = structure();
            s.website = typed.into();
            assert_eq!(NewSignature::parse(&s, "2024").expect(typed).website, stored, "{typed}");
        }
        for bad in ["mon site", "javascript:alert(1)", "ftp://amap.example", "localhost", "amap.", "a b.fr", "x@y.fr:1"]
        {
            let mut s = structure();
            s.website = bad.into();
            let e = NewSignature::parse(&s, "2024").expect_err(bad);
            assert_eq!(e, vec![("website", "website-invalid")], "{bad}");
        }
    }
}
