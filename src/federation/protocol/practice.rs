//! Good practices on the wire: an `Article` with a self-contained `summary`, hashtags,
//! `audience` the territory, and every structured field in the `cces:` namespace.

use serde_json::{Value, json};

use super::{AS_PUBLIC, CCES_NS};
use crate::storage::practices::PracticeRow;

pub fn context() -> Value {
    json!(["https://www.w3.org/ns/activitystreams", {"cces": CCES_NS, "Hashtag": "as:Hashtag"}])
}

fn time(ms: i64) -> String {
    crate::domain::millis_to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `structures`: (actor id, name) of the structures involved.
pub fn article(p: &PracticeRow, followers: &str, tag_base: &str, structures: &[(String, String)]) -> Value {
    let list = |s: &str| s.split(',').filter(|x| !x.is_empty()).map(String::from).collect::<Vec<_>>();
    let tags: Vec<Value> = list(&p.tags)
        .iter()
        .map(|t| json!({"type": "Hashtag", "name": format!("#{t}"), "href": format!("{tag_base}{t}")}))
        .collect();
    let mut a = json!({
        "@context": context(),
        "id": p.ap_id, "type": "Article", "name": p.title, "summary": p.summary,
        "content": p.body_html, "mediaType": "text/html",
        "source": {"content": p.body_md, "mediaType": "text/markdown"},
        "url": p.ap_id, "attributedTo": p.origin_actor, "audience": p.origin_actor,
        "to": [AS_PUBLIC], "cc": [followers],
        "published": time(p.published_at.unwrap_or(p.created_at)), "updated": time(p.updated_at),
        "tag": tags,
        "cces:domains": list(&p.domains),
        "cces:dimensions": serde_json::from_str::<Value>(&p.dimensions).unwrap_or(json!([])),
        "cces:commune": p.commune, "cces:licence": p.licence,
        "cces:partners": p.partners, "cces:governance": p.governance,
        "cces:structures": structures.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
    });
    if let (Some(lat), Some(lon)) = (p.latitude, p.longitude) {
        a["location"] = json!({"type": "Place", "name": p.commune, "latitude": lat, "longitude": lon});
    }
    a
}
