//! What Lemmy 0.19 checks before it shows a post in a community, as a test peer would: the
//! community's `Announce(Create(Page|Article))` (crates/apub/src/activities/community/announce.rs,
//! activities/create_or_update/post.rs, objects/post.rs, protocol/objects/page.rs). Actor
//! documents are given already fetched (`docs`, by id), so that the same checks run on Lemmy's own
//! fixtures and on what Maillage serves.
#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::Value;
use url::Url;

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

fn host(id: &str) -> Result<String, String> {
    let u = Url::parse(id).map_err(|_| format!("{id} is not a URL"))?;
    Ok(format!("{}:{}", u.host_str().unwrap_or_default(), u.port_or_known_default().unwrap_or(0)))
}

fn id_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(m) => m.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// `to`/`cc` as Lemmy reads them (one or many), failing when absent as Lemmy's structs do.
fn audience_list<'a>(v: &'a Value, key: &str) -> Result<Vec<&'a str>, String> {
    match v.get(key) {
        Some(Value::Array(a)) => Ok(a.iter().filter_map(Value::as_str).collect()),
        Some(Value::String(s)) => Ok(vec![s]),
        _ => Err(format!("`{key}` missing")),
    }
}

fn is_public(v: &Value) -> Result<(), String> {
    let (to, cc) = (audience_list(v, "to")?, audience_list(v, "cc")?);
    if to.contains(&PUBLIC) || cc.contains(&PUBLIC) { Ok(()) } else { Err("not public".into()) }
}

fn doc<'a>(docs: &'a HashMap<String, Value>, id: &str) -> Result<&'a Value, String> {
    docs.get(id).ok_or_else(|| format!("{id} does not dereference"))
}

/// An actor document as Lemmy's `Person`/`Group` structs require it.
fn actor(docs: &HashMap<String, Value>, id: &str, kinds: &[&str]) -> Result<(), String> {
    let d = doc(docs, id)?;
    let kind = d.get("type").and_then(Value::as_str).unwrap_or_default();
    if !kinds.contains(&kind) {
        return Err(format!("unknown variant `{kind}` for {id}, expected one of {kinds:?}"));
    }
    if d.get("id").and_then(Value::as_str) != Some(id) {
        return Err(format!("{id}: the document's id differs"));
    }
    for key in ["preferredUsername", "inbox"] {
        d.get(key).and_then(Value::as_str).ok_or_else(|| format!("{id}: missing `{key}`"))?;
    }
    let key = d.get("publicKey").ok_or_else(|| format!("{id}: missing `publicKey`"))?;
    for k in ["id", "owner", "publicKeyPem"] {
        key.get(k).and_then(Value::as_str).ok_or_else(|| format!("{id}: publicKey without `{k}`"))?;
    }
    if kinds.contains(&"Group") {
        d.get("outbox").and_then(Value::as_str).ok_or_else(|| format!("{id}: a community without `outbox`"))?;
    }
    Ok(())
}

/// The post's author: `attributedTo` as an id, or the `Person` of a PeerTube-style list.
fn creator(page: &Value) -> Result<&str, String> {
    match page.get("attributedTo") {
        Some(Value::Array(a)) => a
            .iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some("Person"))
            .and_then(id_of)
            .ok_or_else(|| "attributedTo without a Person".into()),
        Some(v) => id_of(v).ok_or_else(|| "attributedTo is not an id".into()),
        None => Err("no attributedTo".into()),
    }
}

/// Every check Lemmy makes on a post (`Page`, `Article`, `Note`, `Video`, `Event`).
pub fn verify_post(page: &Value, docs: &HashMap<String, Value>) -> Result<String, String> {
    let kind = page.get("type").and_then(Value::as_str).unwrap_or_default();
    if !["Page", "Article", "Note", "Video", "Event"].contains(&kind) {
        return Err(format!("unknown variant `{kind}`"));
    }
    let id = page.get("id").and_then(Value::as_str).ok_or("post without id")?;
    let author = creator(page)?;
    actor(docs, author, &["Person", "Service", "Organization", "Application"])?;
    if host(author)? != host(id)? {
        return Err("the author is not on the post's host".into());
    }
    // The community: `audience` when present, else the first Group of to/cc.
    let community = match page.get("audience").and_then(id_of) {
        Some(a) => a.to_string(),
        None => audience_list(page, "to")?
            .into_iter()
            .chain(audience_list(page, "cc")?)
            .find(|id| docs.get(*id).and_then(|d| d.get("type")).and_then(Value::as_str) == Some("Group"))
            .ok_or("no community in to/cc")?
            .to_string(),
    };
    actor(docs, &community, &["Group"])?;
    is_public(page)?;
    let text = |k: &str| page.get(k).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
    if !text("name") && !text("content") {
        return Err("neither name nor content".into());
    }
    if let Some(t) = page.get("mediaType").and_then(Value::as_str)
        && t != "text/html"
        && t != "text/markdown"
    {
        return Err(format!("mediaType {t}"));
    }
    if let Some(s) = page.get("source")
        && s.get("mediaType").and_then(Value::as_str) != Some("text/markdown")
    {
        return Err("source is not Markdown".into());
    }
    for a in page.get("attachment").and_then(Value::as_array).into_iter().flatten() {
        let t = a.get("type").and_then(Value::as_str).unwrap_or_default();
        if !["Link", "Image", "Document"].contains(&t) {
            return Err(format!("attachment of type `{t}`"));
        }
    }
    for t in page.get("tag").and_then(Value::as_array).into_iter().flatten() {
        if t.get("type").and_then(Value::as_str) != Some("Hashtag") || t.get("href").and_then(Value::as_str).is_none() {
            return Err(format!("tag {t}"));
        }
    }
    if let Some(p) = page.get("published").and_then(Value::as_str) {
        chrono::DateTime::parse_from_rfc3339(p).map_err(|e| format!("published {p}: {e}"))?;
    }
    Ok(community)
}

/// `Announce(Create|Update(post))` from a community, embedded, as Lemmy takes it.
pub fn verify_announce(announce: &Value, docs: &HashMap<String, Value>) -> Result<(), String> {
    if announce.get("type").and_then(Value::as_str) != Some("Announce") {
        return Err("not an Announce".into());
    }
    let group = announce.get("actor").and_then(Value::as_str).ok_or("Announce without actor")?;
    actor(docs, group, &["Group"])?;
    is_public(announce)?;
    let inner = announce.get("object").filter(|o| o.is_object()).ok_or("a bare Announce(id): Lemmy refuses it")?;
    let kind = inner.get("type").and_then(Value::as_str).unwrap_or_default();
    if kind != "Create" && kind != "Update" {
        return Err(format!("Announce of `{kind}`"));
    }
    let by = inner.get("actor").and_then(id_of).ok_or("Create without actor")?;
    let page = inner.get("object").filter(|o| o.is_object()).ok_or("Create without an embedded object")?;
    if creator(page)? != by {
        return Err("Create.actor is not attributedTo".into());
    }
    let inner_id = inner.get("id").and_then(Value::as_str).ok_or("Create without id")?;
    if host(inner_id)? != host(by)? || host(page.get("id").and_then(Value::as_str).unwrap_or_default())? != host(by)? {
        return Err("Create, its actor and its object on different hosts".into());
    }
    audience_list(inner, "to")?;
    let community = verify_post(page, docs)?;
    if community != group {
        return Err(format!("announced by {group}, posted in {community}"));
    }
    Ok(())
}

/// The ids `verify_announce` dereferences.
pub fn ids_to_fetch(announce: &Value) -> Vec<String> {
    let mut ids = vec![];
    let mut push = |v: Option<&Value>| {
        if let Some(id) = v.and_then(id_of) {
            ids.push(id.to_string());
        }
    };
    push(announce.get("actor"));
    let inner = announce.get("object");
    push(inner.and_then(|i| i.get("actor")));
    let page = inner.and_then(|i| i.get("object"));
    push(page.and_then(|p| p.get("audience")));
    if let Some(Value::Array(to)) = page.and_then(|p| p.get("to")) {
        for t in to.iter().filter(|t| t.as_str() != Some(PUBLIC)) {
            push(Some(t));
        }
    }
    ids.sort();
    ids.dedup();
    ids
}
