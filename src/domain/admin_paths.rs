//! The console's paths (`/admin/…`), next to [`super::urls::Urls`] which builds the public ones:
//! pages link and redirect to them relative to the site ([`AdminPath`]'s `Display`), mails
//! link to them absolute ([`super::urls::Urls::admin`]). Paths are fixed here only; the routes
//! (`web/admin/mod.rs`) serve the same ones. The query is percent-encoded
//! (`application/x-www-form-urlencoded`, as browsers send forms).

use std::fmt::{self, Display};

/// A page or form target of the console, with its query (`?t=<slug>` picks the territory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminPath {
    path: String,
    query: Vec<(&'static str, String)>,
}

impl AdminPath {
    fn at(path: impl Into<String>) -> AdminPath {
        AdminPath { path: path.into(), query: vec![] }
    }

    /// With `key=value` added to the query.
    pub fn with(mut self, key: &'static str, value: impl Display) -> AdminPath {
        self.query.push((key, value.to_string()));
        self
    }

    /// For the territory `slug` (`?t=<slug>`).
    pub fn of(self, slug: &str) -> AdminPath {
        self.with("t", slug)
    }

    /// The path alone, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }

    pub fn dashboard() -> AdminPath {
        AdminPath::at("/admin")
    }

    /// A territory's settings.
    pub fn territory() -> AdminPath {
        AdminPath::at("/admin/territory")
    }

    pub fn followers() -> AdminPath {
        AdminPath::at("/admin/followers")
    }

    /// Approving (`approve`) or rejecting (`reject`) a held follower.
    pub fn followers_decide(decision: &str) -> AdminPath {
        AdminPath::at("/admin/followers/decide").with("decision", decision)
    }

    /// Approving or rejecting a held follow of a signatory's actor (limited domains).
    pub fn signatory_followers_decide(decision: &str) -> AdminPath {
        AdminPath::at("/admin/followers/signataires").with("decision", decision)
    }

    pub fn following() -> AdminPath {
        AdminPath::at("/admin/following")
    }

    pub fn unfollow() -> AdminPath {
        AdminPath::at("/admin/following/unfollow")
    }

    /// Invitations to co-organise actions, sent and received.
    pub fn invitations() -> AdminPath {
        AdminPath::at("/admin/invitations")
    }

    /// Accepting or declining an invitation (`decision`).
    pub fn invitations_decide(decision: &str) -> AdminPath {
        AdminPath::at("/admin/invitations/decide").with("decision", decision)
    }

    /// `Join`s of actions waiting for a moderator.
    pub fn held_joins() -> AdminPath {
        AdminPath::at("/admin/actions/attente")
    }

    pub fn domains() -> AdminPath {
        AdminPath::at("/admin/domains")
    }

    pub fn domains_unblock() -> AdminPath {
        AdminPath::at("/admin/domains/unblock")
    }

    pub fn accounts() -> AdminPath {
        AdminPath::at("/admin/accounts")
    }

    pub fn accounts_toggle() -> AdminPath {
        AdminPath::at("/admin/accounts/toggle")
    }

    /// The instance's settings (admins only).
    pub fn instance() -> AdminPath {
        AdminPath::at("/admin/instance")
    }

    pub fn audit() -> AdminPath {
        AdminPath::at("/admin/audit")
    }

    /// The delivery queue, hosts and backups.
    pub fn federation() -> AdminPath {
        AdminPath::at("/admin/federation")
    }

    /// The signatures to moderate.
    pub fn signatures() -> AdminPath {
        AdminPath::at("/admin/signatures")
    }

    /// One signature, as moderators decide on it.
    pub fn signature(id: impl Display) -> AdminPath {
        AdminPath::at(format!("/admin/signatures/{id}"))
    }

    /// One signature's full record: its export and its edit form.
    pub fn signature_record(id: impl Display) -> AdminPath {
        AdminPath::at(format!("/admin/signature/{id}"))
    }

    /// The charter's versions and its import.
    pub fn charter() -> AdminPath {
        AdminPath::at("/admin/charter")
    }

    pub fn practices() -> AdminPath {
        AdminPath::at("/admin/pratiques")
    }

    pub fn practice(id: impl Display) -> AdminPath {
        AdminPath::at(format!("/admin/pratiques/{id}"))
    }

    pub fn practice_new() -> AdminPath {
        AdminPath::at("/admin/pratiques/nouvelle")
    }

    pub fn reports() -> AdminPath {
        AdminPath::at("/admin/reports")
    }

    pub fn report(id: impl Display) -> AdminPath {
        AdminPath::at(format!("/admin/reports/{id}"))
    }

    /// Instance subscriptions and relays.
    pub fn subscriptions() -> AdminPath {
        AdminPath::at("/admin/abonnements")
    }

    pub fn subscriptions_remove() -> AdminPath {
        AdminPath::at("/admin/abonnements/retirer")
    }

    /// Approving or refusing an instance subscribing to ours (`decision`).
    pub fn subscriptions_decide(decision: &str) -> AdminPath {
        AdminPath::at("/admin/abonnements/decider").with("decision", decision)
    }

    /// Free indicators mapped to reference ones.
    pub fn indicators() -> AdminPath {
        AdminPath::at("/admin/indicateurs")
    }
}

/// The path and its query, relative to the site (`/admin/followers?t=redon`).
impl Display for AdminPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if !self.query.is_empty() {
            let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.query).finish();
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

impl From<AdminPath> for String {
    fn from(p: AdminPath) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries() {
        assert_eq!(AdminPath::dashboard().to_string(), "/admin");
        assert_eq!(AdminPath::followers().of("redon").to_string(), "/admin/followers?t=redon");
        assert_eq!(
            AdminPath::signatures().of("redon").with("status", "confirmed").to_string(),
            "/admin/signatures?t=redon&status=confirmed"
        );
        assert_eq!(AdminPath::followers_decide("approve").to_string(), "/admin/followers/decide?decision=approve");
        assert_eq!(AdminPath::report(7).path(), "/admin/reports/7");
        assert_eq!(AdminPath::signature_record(3).to_string(), "/admin/signature/3");
        // What comes from a request cannot add a parameter or leave the path.
        assert_eq!(AdminPath::charter().of("a&b=c#d").to_string(), "/admin/charter?t=a%26b%3Dc%23d");
    }
}
