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

use serde_json::{Value, json};

use super::{AS_PUBLIC, CCES_NS};
use crate::{domain::practice::tag_key, storage::practices::PracticeRow};

pub fn context() -> Value {
    json!(["https://www.w3.org/ns/activitystreams", {"cces": CCES_NS, "Hashtag": "as:Hashtag"}])
}

pub fn time(ms: i64) -> String {
    crate::domain::millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The editorial actor of a territory (a `Service`): the author of its practices.
pub fn editorial_id(territory: &str) -> String {
    format!("{territory}/editorial")
}

/// Who publishes a practice, and where.
pub struct Publication<'a> {
    /// The territory's `Group` id.
    pub territory: &'a str,
    /// `<public_url>/tags/`.
    pub tag_base: &'a str,
}

impl Publication<'_> {
    pub fn author(&self) -> String {
        editorial_id(self.territory)
    }

    pub fn followers(&self) -> String {
        format!("{}/followers", self.territory)
    }
}

/// A `Hashtag` as Mastodon and GoToSocial link it: `name` `#Tag`, `href` `<public_url>/tags/<key>`.
pub fn hashtag(tag_base: &str, tag: &str) -> Value {
    let href = url::Url::parse(&format!("{tag_base}{}", tag_key(tag)))
        .map(String::from)
        .unwrap_or_else(|_| format!("{tag_base}{}", tag_key(tag)));
    json!({"type": "Hashtag", "name": format!("#{}", tag.trim_start_matches('#')), "href": href})
}

/// One entry of `cces:structures`: a structure's actor id and name.
pub fn structure_ref(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name})
}

/// `structures`: (actor id, name) of the structures involved.
pub fn article(p: &PracticeRow, at: &Publication, structures: &[(String, String)]) -> Value {
    let list = |s: &str| s.split(',').filter(|x| !x.is_empty()).map(String::from).collect::<Vec<_>>();
    let tags: Vec<Value> = list(&p.tags).iter().map(|t| hashtag(at.tag_base, t)).collect();
    let published = p.published_at.unwrap_or(p.created_at);
    let mut a = json!({
        "@context": context(),
        "id": p.ap_id, "type": "Article", "name": p.title, "summary": p.summary,
        "content": p.body_html, "mediaType": "text/html",
        "source": {"content": p.body_md, "mediaType": "text/markdown"},
        "url": p.ap_id, "attributedTo": at.author(), "audience": at.territory,
        // The group first in `to`: Lemmy takes the first `Group` of `to`/`cc` as the community.
        "to": [at.territory, AS_PUBLIC], "cc": [at.followers()],
        "published": time(published),
        "tag": tags,
        "cces:domains": list(&p.domains),
        "cces:dimensions": serde_json::from_str::<Value>(&p.dimensions).unwrap_or(json!([])),
        "cces:commune": p.commune, "cces:licence": p.licence,
        "cces:partners": p.partners, "cces:governance": p.governance,
        "cces:structures": structures.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
    });
    // `updated` only for an edit after publication: a draft edited before it was published
    // would say it was updated before it existed, and GoToSocial then refuses the whole object
    // ("'updated' predates 'published'"); Mastodon shows any `updated` as "edited".
    if p.updated_at > published {
        a["updated"] = json!(time(p.updated_at));
    }
    if let (Some(lat), Some(lon)) = (p.latitude, p.longitude) {
        a["location"] = json!({"type": "Place", "name": p.commune, "latitude": lat, "longitude": lon});
    }
    a
}

fn escape(s: &str) -> String {
    crate::federation::actors::escape_html(s)
}

/// The same `Article` for programs that make `summary` a content warning and drop `name`
/// (GoToSocial, Pleroma, Akkoma): no `summary`; `content` is the title, the summary, a link to
/// the page and the hashtags, which is what Mastodon shows of the full shape. The structured
/// `cces:` fields stay (they ignore them).
pub fn microblog(full: &Value, page_url: &str) -> Value {
    let mut a = full.clone();
    let text = |k: &str| full.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let tags: Vec<String> = full
        .get("tag")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?.trim_start_matches('#');
            let href = t.get("href")?.as_str()?;
            Some(format!(
                "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                escape(href),
                escape(name)
            ))
        })
        .collect();
    let mut html = format!(
        "<p><strong>{}</strong></p><p>{}</p><p><a href=\"{}\">{}</a></p>",
        escape(&text("name")),
        escape(&text("summary")),
        escape(page_url),
        escape(page_url)
    );
    if !tags.is_empty() {
        html.push_str(&format!("<p>{}</p>", tags.join(" ")));
    }
    if let Some(m) = a.as_object_mut() {
        m.remove("summary");
        m.remove("source");
        m.insert("content".into(), json!(html));
        m.insert("url".into(), json!(page_url));
    }
    a
}

/// `Create`/`Update`/`Delete` by the practice's author (the editorial actor).
pub fn by_author(kind: &str, id: &str, at: &Publication, object: &Value, published: &str) -> Value {
    let mut object = object.clone();
    let context = object.as_object_mut().and_then(|o| o.remove("@context")).unwrap_or_else(context);
    json!({
        "@context": context, "id": id, "type": kind, "actor": at.author(), "published": published,
        "to": [at.territory, AS_PUBLIC], "cc": [at.followers()], "audience": at.territory, "object": object,
    })
}

/// The territory's `Announce` of `object`: an activity of its author (FEP-1b12, as Lemmy's
/// communities send), or an object's id (what Mastodon-API servers read: they fetch it).
pub fn announce(id: &str, at: &Publication, object: Value, published: &str) -> Value {
    let mut object = object;
    let context = match object.as_object_mut().and_then(|o| o.remove("@context")) {
        Some(c) => c,
        None => super::activity_context(),
    };
    json!({
        "@context": context, "id": id, "type": "Announce", "actor": at.territory, "published": published,
        "to": [AS_PUBLIC], "cc": [at.followers()], "audience": at.territory, "object": object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> PracticeRow {
        PracticeRow {
            id: 7,
            ap_id: "https://m.example/practices/0b5e".into(),
            territory_id: Some(1),
            origin_actor: "https://m.example/t/redon".into(),
            status: "published".into(),
            title: "Épicerie en circuit court".into(),
            summary: "Douze fermes, une épicerie.".into(),
            body_md: "Les **circuits courts**.".into(),
            body_html: "<p>Les <strong>circuits courts</strong>.</p>".into(),
            domains: "alimentation".into(),
            dimensions: r#"[{"dimension":"territoriale","text":"Emplois","indicators":[]}]"#.into(),
            structures: String::new(),
            structure_refs: "[]".into(),
            partners: String::new(),
            governance: String::new(),
            commune: "Redon".into(),
            latitude: Some(47.65),
            longitude: Some(-2.08),
            tags: "CircuitCourt,ÉconomieSociale".into(),
            licence: "CC-BY-SA-4.0".into(),
            author: "modo@m.example".into(),
            created_at: 1_764_000_000_000,
            updated_at: 1_764_000_000_000,
            published_at: Some(1_764_000_000_000),
            pinned_at: None,
        }
    }

    /// What Lemmy, Mastodon and Maillage get, and what GoToSocial gets, as golden files:
    /// `MAILLAGE_BLESS=1` rewrites them after a deliberate change.
    #[test]
    fn golden_shapes() {
        let at = Publication { territory: "https://m.example/t/redon", tag_base: "https://m.example/tags/" };
        let full = article(&row(), &at, &[]);
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
            assert_eq!(text, golden, "{name} changed: check it, then MAILLAGE_BLESS=1");
        }
        assert!(author_is_not_the_group(&full));
        assert!(short.get("summary").is_none());
    }

    #[test]
    fn updated_never_predates_published() {
        let at = Publication { territory: "https://m.example/t/redon", tag_base: "https://m.example/tags/" };
        // A draft written, edited, then published later: no `updated` (GoToSocial refuses one
        // that predates `published`).
        let mut p = row();
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
