//! Every URL of this instance in one place, built from its public base URL (as GoToSocial's
//! `internal/uris`): actors, their collections, activities, objects and the pages they link
//! to. Paths are fixed here only; routes (`app.rs`) serve the same ones.

use std::fmt::Display;

use url::Url;

use super::{
    admin_paths::AdminPath,
    ids::{ActionId, PracticeId, SignatoryId},
};

/// An actor of this instance, as its URL names it (the parse side of [`Urls`]' builders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorUrl {
    /// `/` or `/actor` (FEP-d556: the server's origin names the server actor).
    Instance,
    /// `/t/<slug>`
    Territory(String),
    /// `/t/<slug>/editorial`
    Editorial(String),
    /// `/s/<id>`
    Signatory(SignatoryId),
}

#[derive(Debug, Clone)]
pub struct Urls {
    base: Url,
}

impl Urls {
    pub fn new(base: Url) -> Urls {
        Urls { base }
    }

    /// `path` on this instance.
    pub fn path(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    pub fn root(&self) -> Url {
        self.path("/")
    }

    /// The instance actor (an `Application`), which signs fetches.
    pub fn instance_actor(&self) -> Url {
        self.path("/actor")
    }

    /// One of the instance actor's (empty) collections.
    pub fn instance_collection(&self, name: &str) -> Url {
        self.path(&format!("/actor/{name}"))
    }

    pub fn shared_inbox(&self) -> Url {
        self.path("/inbox")
    }

    /// A territory's actor (a `Group`).
    pub fn territory(&self, slug: &str) -> Url {
        self.path(&format!("/t/{slug}"))
    }

    /// The collection `name` of the territory `territory` of another Maillage instance, where
    /// Maillage puts it (only Maillage co-organises: docs/FEDERATION.md, "Co-organisation").
    pub fn remote_territory_collection(territory: &str, name: &str) -> String {
        format!("{}/{name}", territory.trim_end_matches('/'))
    }

    /// A territory's inbox, outbox, followers, following, members or featured collection.
    pub fn territory_collection(&self, slug: &str, name: &str) -> Url {
        self.path(&format!("/t/{slug}/{name}"))
    }

    pub fn territory_inbox(&self, slug: &str) -> Url {
        self.territory_collection(slug, "inbox")
    }

    pub fn territory_followers(&self, slug: &str) -> Url {
        self.territory_collection(slug, "followers")
    }

    /// A territory's editorial actor (a `Service`), the author of its practices.
    pub fn editorial(&self, slug: &str) -> Url {
        self.territory_collection(slug, "editorial")
    }

    /// A territory's pin `Note` of a practice (`parse_pin` in `protocol/pins.rs` reads it back).
    pub fn territory_pin(&self, slug: &str, practice: PracticeId, pinned_at: i64) -> Url {
        self.territory_collection(slug, &format!("pins/{practice}-{pinned_at}"))
    }

    /// The page listing a territory's signatories.
    pub fn signatory_directory(&self, slug: &str) -> Url {
        self.territory_collection(slug, "signataires")
    }

    /// A listed signatory's actor (`Organization` or `Person`).
    pub fn signatory(&self, id: SignatoryId) -> Url {
        self.path(&format!("/s/{id}"))
    }

    pub fn signatory_collection(&self, id: SignatoryId, name: &str) -> Url {
        self.path(&format!("/s/{id}/{name}"))
    }

    /// An activity authored here.
    pub fn activity(&self, id: impl Display) -> Url {
        self.path(&format!("/activities/{id}"))
    }

    /// A `Note` authored here (welcome notes, comments, pins).
    pub fn note(&self, id: impl Display) -> Url {
        self.path(&format!("/notes/{id}"))
    }

    /// A practice's id (its `Article`).
    pub fn practice(&self, id: impl Display) -> Url {
        self.path(&format!("/practices/{id}"))
    }

    /// The `replies` collection of the local practice whose id is `practice`.
    pub fn practice_replies(&self, practice: &Url) -> Url {
        self.path(&format!("{}/replies", practice.path().trim_end_matches('/')))
    }

    /// A practice's page, for people.
    pub fn practice_page(&self, id: PracticeId) -> Url {
        self.path(&format!("/pratiques/{id}"))
    }

    /// The moderators' page confirming a practice's deletion.
    pub fn practice_delete(&self, id: PracticeId) -> Url {
        self.path(&format!("/pratiques/{id}/supprimer"))
    }

    /// A territory's shared action (its `Event` id and page).
    pub fn action(&self, slug: &str, id: ActionId) -> Url {
        self.path(&format!("/t/{slug}/actions/{id}"))
    }

    /// One version of a territory's charter (its `Document`).
    pub fn charter(&self, slug: &str, version: &str) -> Url {
        self.path(&format!("/t/{slug}/charte/{version}"))
    }

    /// A territory's public moderation log (its page; `.json` and `.atom` beside it).
    pub fn moderation_log(&self, slug: &str) -> Url {
        self.path(&format!("/t/{slug}/moderation"))
    }

    /// A territory's Atom feed of practices.
    pub fn practices_feed(&self, slug: &str) -> Url {
        self.path(&format!("/t/{slug}/practices.atom"))
    }

    /// Where a password reset link points.
    pub fn password_reset(&self) -> Url {
        self.path("/password/reset")
    }

    /// Where hashtags link (`<tags>/<tag>`).
    pub fn tags(&self) -> Url {
        self.path("/tags/")
    }

    /// A territory's announcement (its `Note` id and page).
    pub fn announcement(&self, slug: &str, id: impl Display) -> Url {
        self.path(&format!("/t/{slug}/annonces/{id}"))
    }

    /// The moderators' form for a new announcement.
    pub fn announcement_new(&self, slug: &str) -> Url {
        self.path(&format!("/t/{slug}/annonces/nouvelle"))
    }

    /// The moderators' form changing an announcement.
    pub fn announcement_edit(&self, slug: &str, id: impl Display) -> Url {
        self.path(&format!("/t/{slug}/annonces/{id}/modifier"))
    }

    /// The moderators' page deleting an announcement.
    pub fn announcement_delete(&self, slug: &str, id: impl Display) -> Url {
        self.path(&format!("/t/{slug}/annonces/{id}/supprimer"))
    }

    /// The list of a territory's announcements.
    pub fn announcements(&self, slug: &str) -> Url {
        self.path(&format!("/t/{slug}/annonces"))
    }

    /// A territory's Atom feed of announcements.
    pub fn announcements_feed(&self, slug: &str) -> Url {
        self.path(&format!("/t/{slug}/annonces.atom"))
    }

    /// A stored announcement image (`<hash>.<ext>`, never changes: cached for ever).
    pub fn announcement_media(&self, name: &str) -> Url {
        self.path(&format!("/media/a/{name}"))
    }

    pub fn media(&self, id: impl Display) -> Url {
        self.path(&format!("/media/{id}"))
    }

    /// A NodeInfo document (`2.0`, `2.1`).
    pub fn nodeinfo(&self, version: &str) -> Url {
        self.path(&format!("/nodeinfo/{version}"))
    }

    /// A private link sent to a signer (`confirm`, `manage`, `email`).
    pub fn signature_link(&self, kind: &str) -> Url {
        self.path(&format!("/signature/{kind}"))
    }

    /// The WebFinger URL template host-meta gives (RFC 6415: `{uri}` is left for the client).
    pub fn webfinger_template(&self) -> String {
        format!("{}?resource={{uri}}", self.path("/.well-known/webfinger"))
    }

    /// A page of the console, absolute (what mails to moderators link to).
    pub fn admin(&self, page: &AdminPath) -> Url {
        let mut url = self.path(page.path());
        if !page.query().is_empty() {
            url.query_pairs_mut().extend_pairs(page.query());
        }
        url
    }

    /// Whether `url` is on this instance (same scheme, host and port).
    pub fn is_local(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// The actor of this instance `url` names, if any: what [`Urls::instance_actor`],
    /// [`Urls::territory`], [`Urls::editorial`] and [`Urls::signatory`] build, read back.
    pub fn actor_of(&self, url: &Url) -> Option<ActorUrl> {
        if !self.is_local(url) {
            return None;
        }
        let path = url.path().trim_end_matches('/');
        if path.is_empty() || path == "/actor" {
            return Some(ActorUrl::Instance);
        }
        if let Some(id) = path.strip_prefix("/s/") {
            return id.parse().ok().map(ActorUrl::Signatory);
        }
        let rest = path.strip_prefix("/t/")?;
        match rest.split_once('/') {
            None if !rest.is_empty() => Some(ActorUrl::Territory(rest.to_string())),
            Some((slug, "editorial")) if !slug.is_empty() => Some(ActorUrl::Editorial(slug.to_string())),
            _ => None,
        }
    }

    /// The territory `url` names (`/t/<slug>`), if it is one of this instance.
    pub fn territory_slug_of(&self, url: &Url) -> Option<String> {
        match self.actor_of(url)? {
            ActorUrl::Territory(slug) => Some(slug),
            _ => None,
        }
    }

    /// The signatory actor `url` names (`/s/<id>`), if it is one of this instance.
    pub fn signatory_id_of(&self, url: &Url) -> Option<SignatoryId> {
        match self.actor_of(url)? {
            ActorUrl::Signatory(id) => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_paths_on_the_public_base() {
        let urls = Urls::new(Url::parse("https://maillage.example").expect("url"));
        assert_eq!(urls.territory("redon").as_str(), "https://maillage.example/t/redon");
        assert_eq!(urls.territory_inbox("redon").as_str(), "https://maillage.example/t/redon/inbox");
        assert_eq!(urls.editorial("redon").as_str(), "https://maillage.example/t/redon/editorial");
        assert_eq!(urls.signatory(SignatoryId(7)).as_str(), "https://maillage.example/s/7");
        assert_eq!(
            urls.signatory_collection(SignatoryId(7), "followers").as_str(),
            "https://maillage.example/s/7/followers"
        );
        assert_eq!(urls.instance_actor().as_str(), "https://maillage.example/actor");
        assert_eq!(
            urls.practice_page(crate::domain::ids::PracticeId(3)).as_str(),
            "https://maillage.example/pratiques/3"
        );
        assert_eq!(urls.root().as_str(), "https://maillage.example/");
        assert_eq!(urls.webfinger_template(), "https://maillage.example/.well-known/webfinger?resource={uri}");
        assert_eq!(
            urls.admin(&AdminPath::signature(4).of("redon")).as_str(),
            "https://maillage.example/admin/signatures/4?t=redon"
        );
        assert_eq!(urls.admin(&AdminPath::reports()).as_str(), "https://maillage.example/admin/reports");
    }

    #[test]
    fn local_actor_urls_read_back() {
        let urls = Urls::new(Url::parse("https://maillage.example").expect("url"));
        let of = |s: &str| urls.actor_of(&Url::parse(s).expect("url"));
        for built in [
            (urls.instance_actor(), ActorUrl::Instance),
            (urls.root(), ActorUrl::Instance),
            (urls.territory("redon"), ActorUrl::Territory("redon".into())),
            (urls.editorial("redon"), ActorUrl::Editorial("redon".into())),
            (urls.signatory(SignatoryId(7)), ActorUrl::Signatory(SignatoryId(7))),
        ] {
            assert_eq!(urls.actor_of(&built.0), Some(built.1), "{}", built.0);
        }
        assert_eq!(of("https://maillage.example/t/redon/"), Some(ActorUrl::Territory("redon".into())));
        assert_eq!(of("https://maillage.example/t/redon/followers"), None);
        assert_eq!(of("https://maillage.example/s/x"), None);
        assert_eq!(of("https://maillage.example/t/"), None);
        assert_eq!(of("http://maillage.example/t/redon"), None, "another scheme");
        assert_eq!(of("https://maillage.example:8443/t/redon"), None, "another port");
        assert_eq!(of("https://other.example/t/redon"), None);
        let t = Url::parse("https://maillage.example/t/redon").expect("url");
        assert_eq!(urls.territory_slug_of(&t).as_deref(), Some("redon"));
        assert_eq!(urls.signatory_id_of(&urls.signatory(SignatoryId(3))), Some(SignatoryId(3)));
    }
}
