//! Good practices on the wire: an `Article` with a self-contained `summary`, hashtags, and every
//! structured field in the `cces:` namespace, written by the territory's editorial `Service`
//! and published in the territory `Group` (`audience`, and in `to`), as Lemmy communities
//! publish posts (FEP-1b12): the author `Create`s, the group `Announce`s the `Create`.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md
//!
//! Lemmy takes a post only from a `Person`, `Service` or `Organization` on the object's host with
//! the `Create`'s `actor` equal to `attributedTo`: a `Group` author is refused. Mastodon shows an
//! `Article` as its `name`, `summary` and a link; GoToSocial (and Pleroma, Akkoma) turn `summary`
//! into a content warning and drop `name`, so they get [`microblog`]. docs/FEDERATION.md.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AS_PUBLIC, CCES_NS,
    activities::{Activity, Kind, Tag, TagKind, to_value},
};
use crate::domain::{
    ids::PracticeId,
    practice::tag_key,
    practice_dimensions::{DimensionTarget, Dimensions},
    urls::Urls,
};

/// The vocabulary a practice adds to ActivityStreams: the `cces:` terms and `Hashtag`.
#[derive(Debug, Serialize)]
struct Terms {
    cces: &'static str,
    #[serde(rename = "Hashtag")]
    hashtag: &'static str,
}

pub fn context() -> Value {
    to_value(&("https://www.w3.org/ns/activitystreams", Terms { cces: CCES_NS, hashtag: "as:Hashtag" }))
}

pub fn time(ms: i64) -> String {
    crate::domain::millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Who publishes a practice, and where: a local territory, every URL from [`Urls`].
#[derive(Debug, Clone)]
pub struct Publication {
    urls: Urls,
    slug: String,
    /// The territory's `Group` id.
    pub territory: String,
    /// `<public_url>/tags/`.
    pub tag_base: String,
    /// For a territory of another Maillage instance (an action co-organised with it): its
    /// editorial author and followers collection, as that instance names them.
    remote: Option<(String, String)>,
}

impl Publication {
    /// The territory `slug` of this instance.
    pub fn local(urls: &Urls, slug: &str) -> Publication {
        Publication {
            urls: urls.clone(),
            slug: slug.to_string(),
            territory: urls.territory(slug).to_string(),
            tag_base: urls.tags().to_string(),
            remote: None,
        }
    }

    /// A territory of another Maillage instance (the origin of an action one of ours
    /// co-organises): only Maillage co-organises, so its editorial actor and followers sit where
    /// Maillage puts them (docs/FEDERATION.md, "Co-organisation").
    pub fn remote(urls: &Urls, territory: &str) -> Publication {
        let at = |name: &str| Urls::remote_territory_collection(territory, name);
        Publication {
            urls: urls.clone(),
            slug: String::new(),
            territory: territory.to_string(),
            tag_base: urls.tags().to_string(),
            remote: Some((at("editorial"), at("followers"))),
        }
    }

    /// The territory whose actor id is `territory` (a local practice's `origin_actor`); None
    /// when it names no territory of this instance.
    pub fn of(urls: &Urls, territory: &str) -> Option<Publication> {
        let slug = urls.territory_slug_of(&url::Url::parse(territory).ok()?)?;
        Some(Publication::local(urls, &slug))
    }

    /// The editorial actor (a `Service`): the author of its practices.
    pub fn author(&self) -> String {
        match &self.remote {
            Some((author, _)) => author.clone(),
            None => self.urls.editorial(&self.slug).to_string(),
        }
    }

    pub fn followers(&self) -> String {
        match &self.remote {
            Some((_, followers)) => followers.clone(),
            None => self.urls.territory_followers(&self.slug).to_string(),
        }
    }

    /// The territory's `featured` collection.
    pub fn featured(&self) -> String {
        self.urls.territory_collection(&self.slug, "featured").to_string()
    }

    /// The territory's pin `Note` of `practice`, pinned at `pinned_at` (ms).
    pub fn pin(&self, practice: PracticeId, pinned_at: i64) -> String {
        self.urls.territory_pin(&self.slug, practice, pinned_at).to_string()
    }
}

/// A practice on the wire. The conversation (`replies`, `likes`, `shares`) is added by the
/// caller that counts it, in `extra`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ArticleKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub content: String,
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    pub url: String,
    pub attributed_to: String,
    pub audience: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    pub tag: Vec<Tag>,
    #[serde(rename = "cces:domains")]
    pub domains: Vec<String>,
    /// As stored: the domain's dimensions with their indicators (docs/FEDERATION.md).
    #[serde(rename = "cces:dimensions")]
    pub dimensions: Vec<DimensionTarget>,
    #[serde(rename = "cces:commune")]
    pub commune: String,
    #[serde(rename = "cces:licence")]
    pub licence: String,
    #[serde(rename = "cces:partners")]
    pub partners: String,
    #[serde(rename = "cces:governance")]
    pub governance: String,
    #[serde(rename = "cces:structures")]
    pub structures: Vec<StructureRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Place>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum ArticleKind {
    Article,
}

/// The Markdown a practice was written in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub content: String,
    pub media_type: String,
}

/// Where a practice happens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Place {
    #[serde(rename = "type")]
    pub kind: PlaceKind,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum PlaceKind {
    Place,
}

/// One entry of `cces:structures`: a structure's actor id and name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StructureRef {
    pub id: String,
    pub name: String,
}

/// A `Hashtag` as Mastodon and GoToSocial link it: `name` `#Tag`, `href` `<public_url>/tags/<key>`.
pub fn hashtag_tag(tag_base: &str, tag: &str) -> Tag {
    let href = url::Url::parse(&format!("{tag_base}{}", tag_key(tag)))
        .map(String::from)
        .unwrap_or_else(|_| format!("{tag_base}{}", tag_key(tag)));
    Tag { kind: TagKind::Hashtag, name: format!("#{}", tag.trim_start_matches('#')), href: Some(href) }
}

pub fn hashtag(tag_base: &str, tag: &str) -> Value {
    to_value(&hashtag_tag(tag_base, tag))
}

/// One entry of `cces:structures` as JSON.
pub fn structure_ref(id: &str, name: &str) -> Value {
    to_value(&StructureRef { id: id.into(), name: name.into() })
}

/// What an `Article` is made of: plain values (the caller reads them from wherever the practice
/// is kept; the wire type knows nothing of storage).
pub struct PracticeFields<'a> {
    pub ap_id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body_html: &'a str,
    pub body_md: &'a str,
    pub domains: &'a [String],
    pub dimensions: &'a Dimensions,
    pub tags: &'a [String],
    pub commune: &'a str,
    pub licence: &'a str,
    pub partners: &'a str,
    pub governance: &'a str,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

/// `structures`: (actor id, name) of the structures involved.
pub fn article(p: &PracticeFields, at: &Publication, structures: &[(String, String)]) -> Value {
    let published = p.published_at.unwrap_or(p.created_at);
    to_value(&Article {
        context: Some(context()),
        id: p.ap_id.to_string(),
        kind: ArticleKind::Article,
        name: p.title.to_string(),
        summary: Some(p.summary.to_string()),
        content: p.body_html.to_string(),
        media_type: "text/html".into(),
        source: Some(Source { content: p.body_md.to_string(), media_type: "text/markdown".into() }),
        url: p.ap_id.to_string(),
        attributed_to: at.author(),
        audience: at.territory.to_string(),
        // The group first in `to`: Lemmy takes the first `Group` of `to`/`cc` as the community.
        to: vec![at.territory.to_string(), AS_PUBLIC.to_string()],
        cc: vec![at.followers()],
        published: time(published),
        // `updated` only for an edit after publication: a draft edited before it was published
        // would say it was updated before it existed, and GoToSocial then refuses the whole
        // object ("'updated' predates 'published'"); Mastodon shows any `updated` as "edited".
        updated: (p.updated_at > published).then(|| time(p.updated_at)),
        tag: p.tags.iter().map(|t| hashtag_tag(&at.tag_base, t)).collect(),
        domains: p.domains.to_vec(),
        dimensions: p.dimensions.0.clone(),
        commune: p.commune.to_string(),
        licence: p.licence.to_string(),
        partners: p.partners.to_string(),
        governance: p.governance.to_string(),
        structures: structures.iter().map(|(id, name)| StructureRef { id: id.clone(), name: name.clone() }).collect(),
        location: match (p.latitude, p.longitude) {
            (Some(latitude), Some(longitude)) => {
                Some(Place { kind: PlaceKind::Place, name: p.commune.to_string(), latitude, longitude })
            }
            _ => None,
        },
        extra: serde_json::Map::new(),
    })
}

fn escape(s: &str) -> String {
    crate::federation::actors::escape_html(s)
}

/// The same `Article` for programs that make `summary` a content warning and drop `name`
/// (GoToSocial, Pleroma, Akkoma): no `summary`; `content` is the title, the summary, a link to
/// the page and the hashtags, which is what Mastodon shows of the full shape. The structured
/// `cces:` fields stay (they ignore them). `full` is what [`article`] gave (with the
/// conversation the caller added); anything else is returned as it is.
pub fn microblog(full: &Value, page_url: &str) -> Value {
    let Ok(mut a) = serde_json::from_value::<Article>(full.clone()) else {
        return full.clone();
    };
    let tags: Vec<String> = a
        .tag
        .iter()
        .filter_map(|t| {
            let href = t.href.as_deref()?;
            Some(format!(
                "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                escape(href),
                escape(t.name.trim_start_matches('#'))
            ))
        })
        .collect();
    let mut html = format!(
        "<p><strong>{}</strong></p><p>{}</p><p><a href=\"{}\">{}</a></p>",
        escape(&a.name),
        escape(a.summary.as_deref().unwrap_or_default()),
        escape(page_url),
        escape(page_url)
    );
    if !tags.is_empty() {
        html.push_str(&format!("<p>{}</p>", tags.join(" ")));
    }
    a.summary = None;
    a.source = None;
    a.content = html;
    a.url = page_url.to_string();
    to_value(&a)
}

/// `Create`/`Update`/`Delete` by the practice's author (the editorial actor): `kind` is
/// `"Create"`, `"Delete"`, or else an `Update`.
pub fn by_author(kind: &str, id: &str, at: &Publication, object: &Value, published: &str) -> Value {
    let kind = match kind {
        "Create" => Kind::Create,
        "Delete" => Kind::Delete,
        _ => Kind::Update,
    };
    let mut object = object.clone();
    let context = object.as_object_mut().and_then(|o| o.remove("@context")).unwrap_or_else(context);
    let mut a = Activity::new(kind, id, at.author(), object);
    a.context = Some(context);
    a.published = Some(published.to_string());
    a.to = vec![at.territory.to_string(), AS_PUBLIC.to_string()];
    a.cc = vec![at.followers()];
    a.audience = Some(at.territory.to_string());
    a.to_json()
}

/// The territory's `Announce` of `object`: an activity of its author (FEP-1b12, as Lemmy's
/// communities send), or an object's id (what Mastodon-API servers read: they fetch it).
pub fn announce(id: &str, at: &Publication, object: Value, published: &str) -> Value {
    let mut object = object;
    let context = object.as_object_mut().and_then(|o| o.remove("@context")).unwrap_or_else(super::activity_context);
    let mut a = Activity::new(Kind::Announce, id, &at.territory, object).public(&[&at.followers()]);
    a.context = Some(context);
    a.published = Some(published.to_string());
    a.audience = Some(at.territory.to_string());
    a.to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists() -> (Vec<String>, Vec<String>) {
        (vec!["alimentation".to_string()], vec!["CircuitCourt".to_string(), "ÉconomieSociale".to_string()])
    }

    fn fields<'a>(domains: &'a [String], tags: &'a [String]) -> PracticeFields<'a> {
        PracticeFields {
            ap_id: "https://m.example/practices/0b5e",
            title: "Épicerie en circuit court",
            summary: "Douze fermes, une épicerie.",
            body_md: "Les **circuits courts**.",
            body_html: "<p>Les <strong>circuits courts</strong>.</p>",
            domains,
            dimensions: Box::leak(Box::new(Dimensions::from_json(
                r#"[{"dimension":"territoriale","text":"Emplois","indicators":[]}]"#,
            ))),
            partners: "",
            governance: "",
            commune: "Redon",
            latitude: Some(47.65),
            longitude: Some(-2.08),
            tags,
            licence: "CC-BY-SA-4.0",
            created_at: 1_764_000_000_000,
            updated_at: 1_764_000_000_000,
            published_at: Some(1_764_000_000_000),
        }
    }

    /// What Lemmy, Mastodon and Maillage get, and what GoToSocial gets, as golden files:
    /// `MAILLAGE_BLESS=1` rewrites them after a deliberate change.
    #[test]
    fn golden_shapes() {
        let at = Publication::local(&Urls::new(url::Url::parse("https://m.example").unwrap()), "redon");
        let (domains, tags) = lists();
        let full = article(&fields(&domains, &tags), &at, &[]);
        let short = microblog(&full, "https://m.example/pratiques/7");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden");
        for (name, value) in [("practice_article.json", &full), ("practice_gotosocial.json", &short)] {
            let path = format!("{dir}/{name}");
            let text = serde_json::to_string_pretty(value).expect("json") + "\n";
            if std::env::var_os("MAILLAGE_BLESS").is_some() {
                std::fs::create_dir_all(dir).expect("dir");
                std::fs::write(&path, &text).expect("write");
            }
            let golden = std::fs::read_to_string(&path).expect("golden file");
            // Compared as JSON (key order means nothing on the wire).
            let golden: Value = serde_json::from_str(&golden).expect("golden JSON");
            assert_eq!(value, &golden, "{name} changed: check it, then MAILLAGE_BLESS=1");
        }
        assert!(author_is_not_the_group(&full));
        assert!(short.get("summary").is_none());
    }

    #[test]
    fn updated_never_predates_published() {
        let at = Publication::local(&Urls::new(url::Url::parse("https://m.example").unwrap()), "redon");
        // A draft written, edited, then published later: no `updated` (GoToSocial refuses one
        // that predates `published`).
        let (domains, tags) = lists();
        let mut p = fields(&domains, &tags);
        p.created_at = 1_700_000_000_000;
        p.updated_at = 1_700_000_500_000;
        p.published_at = Some(1_764_000_000_000);
        assert!(article(&p, &at, &[]).get("updated").is_none());
        // Edited after publication: `updated` is there, and later.
        p.updated_at = 1_764_000_600_000;
        let a = article(&p, &at, &[]);
        assert!(a["updated"].as_str() > a["published"].as_str(), "{a}");
    }

    fn author_is_not_the_group(a: &Value) -> bool {
        a["attributedTo"] == "https://m.example/t/redon/editorial" && a["audience"] == "https://m.example/t/redon"
    }

    #[test]
    fn hashtags_are_what_mastodon_links() {
        let h = hashtag("https://m.example/tags/", "ÉconomieSociale");
        assert_eq!(h["name"], "#ÉconomieSociale");
        assert_eq!(h["href"], "https://m.example/tags/%C3%A9conomiesociale");
        assert_eq!(hashtag("https://m.example/tags/", "CircuitCourt")["href"], "https://m.example/tags/circuitcourt");
    }
}
