//! Every URL of this instance in one place, built from its public base URL (as GoToSocial's
//! `internal/uris`): actors, their collections, activities, objects and the pages they link
//! to. Paths are fixed here only; routes (`app.rs`) serve the same ones.

use std::fmt::Display;

use url::Url;

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

    /// The page listing a territory's signatories.
    pub fn signatory_directory(&self, slug: &str) -> Url {
        self.territory_collection(slug, "signataires")
    }

    /// A listed signatory's actor (`Organization` or `Person`).
    pub fn signatory(&self, id: impl Display) -> Url {
        self.path(&format!("/s/{id}"))
    }

    pub fn signatory_collection(&self, id: impl Display, name: &str) -> Url {
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

    /// A practice's page, for people.
    pub fn practice_page(&self, id: super::ids::PracticeId) -> Url {
        self.path(&format!("/pratiques/{id}"))
    }

    /// A territory's shared action (its `Event` id and page).
    pub fn action(&self, slug: &str, id: impl Display) -> Url {
        self.path(&format!("/t/{slug}/actions/{id}"))
    }

    /// One version of a territory's charter (its `Document`).
    pub fn charter(&self, slug: &str, version: &str) -> Url {
        self.path(&format!("/t/{slug}/charte/{version}"))
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
        assert_eq!(urls.signatory(7).as_str(), "https://maillage.example/s/7");
        assert_eq!(urls.signatory_collection(7, "followers").as_str(), "https://maillage.example/s/7/followers");
        assert_eq!(urls.instance_actor().as_str(), "https://maillage.example/actor");
        assert_eq!(
            urls.practice_page(crate::domain::ids::PracticeId(3)).as_str(),
            "https://maillage.example/pratiques/3"
        );
        assert_eq!(urls.root().as_str(), "https://maillage.example/");
    }
}
