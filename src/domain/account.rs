//! Accounts of the people who run an instance.

super::code::closed_set! {
    /// What an account or API token may do. Admins: everything. Moderators: followers, audit log,
    /// federation status — not settings, domain blocks, accounts or tokens.
    #[derive(PartialOrd, Ord)]
    pub enum Role ("role") {
        Moderator = "moderator",
        Admin = "admin",
    }
}

/// A plausible email address (one `@`, a dot in the domain, no spaces or controls, ≤ 254).
pub fn parse_email(input: &str) -> Result<String, &'static str> {
    let s = input.trim().to_lowercase();
    let valid = s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid { Ok(s) } else { Err("email-invalid") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_emails() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert!(Role::Admin > Role::Moderator);
        assert_eq!(parse_email(" Ada@Example.ORG ").expect("test"), "ada@example.org");
        for bad in ["", "ada", "ada@", "@example.org", "ada@example", "a b@example.org", "a@b@example.org", "ada@.org"]
        {
            assert!(parse_email(bad).is_err(), "{bad}");
        }
    }
}
