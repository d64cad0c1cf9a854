//! Authoring good practices: moderators write drafts, publish, edit, unpublish, delete; every
//! change is recorded with its author (the charter's "traçabilité et transparence").

use serde_json::{Value, json};

use super::practice_publication::{Change, prepare, queue};
use crate::{
    domain::{
        practice::{NewPractice, PracticeInput},
        signatory::FieldErrors,
    },
    error::{AppError, AppResult},
    state::AppState,
    storage::practices::{PracticeContent, PracticeRow},
    web::html::markdown_to_html,
};

/// Why a practice was not saved.
#[derive(Debug)]
pub enum PracticeError {
    Fields(FieldErrors),
    App(AppError),
}

impl From<AppError> for PracticeError {
    fn from(e: AppError) -> Self {
        PracticeError::App(e)
    }
}

fn content(p: &NewPractice) -> PracticeContent {
    let dimensions: Vec<Value> = p
        .dimensions
        .iter()
        .map(|d| {
            json!({
                "dimension": d.dimension.code(),
                "text": d.text,
                "indicators": d.indicators.iter().map(|i| json!({"name": i.name, "value": i.value, "unit": i.unit, "period": i.period})).collect::<Vec<_>>(),
            })
        })
        .collect();
    PracticeContent {
        title: p.title.clone(),
        summary: p.summary.clone(),
        body_md: p.body.clone(),
        body_html: markdown_to_html(&p.body),
        domains: p.domains.iter().map(|d| d.code()).collect::<Vec<_>>().join(","),
        dimensions: Value::Array(dimensions).to_string(),
        structures: p.structures.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        structure_refs: "[]".into(),
        partners: p.partners.clone(),
        governance: p.governance.clone(),
        commune: p.commune.clone(),
        latitude: p.place.map(|(lat, _)| lat),
        longitude: p.place.map(|(_, lon)| lon),
        tags: p.tags.join(","),
        licence: p.licence.clone(),
    }
}

/// The stored practice back into the input shape (for partial updates).
pub fn as_input(p: &PracticeRow) -> PracticeInput {
    let list = |s: &str| s.split(',').filter(|x| !x.is_empty()).map(String::from).collect::<Vec<_>>();
    PracticeInput {
        title: p.title.clone(),
        summary: p.summary.clone(),
        body: p.body_md.clone(),
        domains: list(&p.domains),
        dimensions: serde_json::from_str(&p.dimensions).unwrap_or_default(),
        structures: p.structures.split(',').filter_map(|x| x.parse().ok()).collect(),
        partners: p.partners.clone(),
        governance: p.governance.clone(),
        commune: p.commune.clone(),
        latitude: p.latitude,
        longitude: p.longitude,
        tags: list(&p.tags),
        licence: Some(p.licence.clone()),
    }
}

pub async fn create(state: &AppState, slug: &str, input: &PracticeInput, author: &str) -> Result<i64, PracticeError> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let p = NewPractice::parse(input).map_err(PracticeError::Fields)?;
    let ap_id = state.config.url(&format!("/practices/{}", uuid::Uuid::new_v4()));
    let id = state
        .store
        .insert_practice(ap_id.as_str(), Some(t.id), state.territory_id_url(&t.slug).as_str(), &content(&p), author)
        .await?;
    Ok(id)
}

/// A local practice, or 404 (remote ones are edited by their own territory only).
pub async fn local(state: &AppState, id: i64) -> AppResult<PracticeRow> {
    state
        .store
        .practice(id)
        .await?
        .filter(|p| p.territory_id.is_some())
        .ok_or_else(|| AppError::NotFound(format!("practice {id}")))
}

/// Applies the fields present in `patch` (JSON object) over the stored practice.
pub async fn update(state: &AppState, id: i64, patch: &Value, author: &str) -> Result<(), PracticeError> {
    let current = local(state, id).await?;
    let mut merged = serde_json::to_value(SerializableInput(as_input(&current))).map_err(AppError::from)?;
    let fields = patch.as_object().ok_or_else(|| AppError::BadRequest("a JSON object".into()))?;
    let mut changed = vec![];
    for (k, v) in fields {
        if let Some(m) = merged.as_object_mut() {
            if m.get(k) != Some(v) {
                changed.push(k.clone());
            }
            m.insert(k.clone(), v.clone());
        }
    }
    let input: PracticeInput = serde_json::from_value(merged).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let p = NewPractice::parse(&input).map_err(PracticeError::Fields)?;
    changed.sort();
    let changes = if changed.is_empty() { "no change".to_string() } else { changed.join(", ") };
    let new_content = content(&p);
    // A public practice's followers get the `Update`, queued in the edit's transaction: both
    // happen or neither does.
    let update = if current.status == "published" {
        let fresh = with_content(&current, &new_content);
        let inboxes = state.store.follower_inboxes(current.territory_id.unwrap_or_default()).await?;
        let article = article_json(state, &fresh).await?;
        Some(prepare(state, &fresh, Change::Update, Some(article), &inboxes).await?)
    } else {
        None
    };
    let mut tx = state.store.begin().await?;
    crate::storage::practices::update_content(&mut tx, id, &new_content, author, &changes).await?;
    if let Some(prepared) = &update {
        queue(&mut tx, current.territory_id, prepared).await?;
    }
    tx.commit().await.map_err(AppError::from)?;
    state.delivery_notify.notify_one();
    Ok(())
}

/// The stored practice with new content (what the `Update` describes).
fn with_content(p: &PracticeRow, c: &PracticeContent) -> PracticeRow {
    PracticeRow {
        title: c.title.clone(),
        summary: c.summary.clone(),
        body_md: c.body_md.clone(),
        body_html: c.body_html.clone(),
        domains: c.domains.clone(),
        dimensions: c.dimensions.clone(),
        structures: c.structures.clone(),
        structure_refs: c.structure_refs.clone(),
        partners: c.partners.clone(),
        governance: c.governance.clone(),
        commune: c.commune.clone(),
        latitude: c.latitude,
        longitude: c.longitude,
        tags: c.tags.clone(),
        licence: c.licence.clone(),
        updated_at: crate::domain::now_millis(),
        ..p.clone()
    }
}

/// Replaces a local practice's content with a whole form's input (pages), recording which
/// fields changed, and tells followers when it is public.
pub async fn replace(state: &AppState, id: i64, mut input: PracticeInput, author: &str) -> Result<(), PracticeError> {
    NewPractice::parse(&input).map_err(PracticeError::Fields)?;
    // Forms send numbers as text and may leave the licence empty (the default): compare them
    // as stored, or every save would record them as changed.
    if input.licence.is_none() {
        input.licence = Some(crate::domain::practice::DEFAULT_LICENCE.to_string());
    }
    for i in input.dimensions.iter_mut().flat_map(|d| d.indicators.iter_mut()) {
        let n = i.value.as_str().and_then(|s| s.trim().replace(',', ".").parse::<f64>().ok());
        if let Some(n) = n.and_then(serde_json::Number::from_f64) {
            i.value = Value::Number(n);
        }
    }
    let patch = serde_json::to_value(SerializableInput(input)).map_err(AppError::from)?;
    update(state, id, &patch, author).await
}

/// `PracticeInput` as JSON with the same field names it is read with.
struct SerializableInput(PracticeInput);

impl serde::Serialize for SerializableInput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = &self.0;
        let dims: Vec<Value> = p
            .dimensions
            .iter()
            .map(|d| {
                json!({"dimension": d.dimension, "text": d.text, "indicators": d.indicators.iter()
                    .map(|i| json!({"name": i.name, "value": i.value, "unit": i.unit, "period": i.period})).collect::<Vec<_>>()})
            })
            .collect();
        json!({
            "title": p.title, "summary": p.summary, "body": p.body, "domains": p.domains, "dimensions": dims,
            "structures": p.structures, "partners": p.partners, "governance": p.governance, "commune": p.commune,
            "latitude": p.latitude, "longitude": p.longitude, "tags": p.tags, "licence": p.licence,
        })
        .serialize(s)
    }
}

/// The structures a local practice names, as its page and its `Article` show them: listed,
/// approved structures only, looked up now (a structure that left is no longer named).
pub async fn structure_refs(state: &AppState, p: &PracticeRow) -> AppResult<Vec<(String, String)>> {
    let Some(territory_id) = p.territory_id else {
        let refs: Vec<Value> = serde_json::from_str(&p.structure_refs).unwrap_or_default();
        return Ok(refs
            .iter()
            .filter_map(|r| Some((r.get("id")?.as_str()?.to_string(), r.get("name")?.as_str()?.to_string())))
            .collect());
    };
    let ids: Vec<i64> = p.structures.split(',').filter_map(|x| x.parse().ok()).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let listed = state.store.directory(territory_id, &Default::default()).await?;
    Ok(listed
        .into_iter()
        .filter(|s| ids.contains(&s.id) && s.kind == "structure")
        .map(|s| (state.config.url(&format!("/s/{}", s.id)).to_string(), s.name))
        .collect())
}

use crate::federation::protocol::collections;

/// The practice as an `Article`, with the structures it names.
pub async fn article_json(state: &AppState, p: &PracticeRow) -> AppResult<Value> {
    let tag_base = state.config.url("/tags/").to_string();
    let at = crate::federation::protocol::practice::Publication { territory: &p.origin_actor, tag_base: &tag_base };
    let refs = structure_refs(state, p).await?;
    let mut article = crate::federation::protocol::practice::article(p, &at, &refs);
    // The conversation, as Mastodon serves it: `replies` with its first page inline (GoToSocial
    // warns about a collection without one), and counts.
    let comments: Vec<String> = state.store.comments(p.id, false).await?.into_iter().map(|c| c.ap_id).collect();
    article["replies"] = collections::replies(&p.ap_id, &comments, 1);
    let reactions = state.store.reactions(p.id).await?;
    article["likes"] = collections::counted(reactions.likes);
    article["shares"] = collections::counted(reactions.shares);
    Ok(article)
}

/// Publishes (or unpublishes) and tells the territory's followers in the same transaction:
/// the publication (`Create`), or its withdrawal (`Delete`) when it leaves the public catalogue.
/// Who a newly published practice was sent to, for the message that says what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    /// Accepted followers of the territory.
    pub followers: i64,
    /// Distinct inboxes (servers, mostly) its `Create` was queued for.
    pub inboxes: usize,
}

/// Publishes or unpublishes a local practice; `Some` when it has just been published, with
/// whom it was sent to.
pub async fn set_published(state: &AppState, id: i64, published: bool, author: &str) -> AppResult<Option<Reached>> {
    let p = local(state, id).await?;
    let was_published = p.status == "published";
    let territory_id = p.territory_id.unwrap_or_default();
    let inboxes = state.store.follower_inboxes(territory_id).await?;
    let prepared = match (was_published, published) {
        (false, true) => {
            let mut fresh = p.clone();
            fresh.status = "published".into();
            fresh.published_at = Some(p.published_at.unwrap_or_else(crate::domain::now_millis));
            let article = article_json(state, &fresh).await?;
            Some(prepare(state, &fresh, Change::Create, Some(article), &inboxes).await?)
        }
        (true, false) => Some(prepare(state, &p, Change::Delete, None, &inboxes).await?),
        _ => None,
    };
    let mut tx = state.store.begin().await?;
    crate::storage::practices::set_status(&mut tx, id, published, author).await?;
    if was_published && !published {
        // Its `Create`, `Update`s and `Announce`s leave the outbox and `/activities/{id}` with it.
        crate::storage::activities::retract_public(&mut tx, &p.ap_id).await?;
    }
    if let Some(prepared) = &prepared {
        queue(&mut tx, Some(territory_id), prepared).await?;
    }
    tx.commit().await?;
    state.delivery_notify.notify_one();
    if was_published || !published {
        return Ok(None);
    }
    let followers = state
        .store
        .count_follows(
            crate::storage::follows::Direction::Followers,
            territory_id,
            crate::domain::territory::FollowState::Accepted,
        )
        .await?;
    Ok(Some(Reached { followers, inboxes: inboxes.len() }))
}

/// Deletes a local practice; followers get a `Delete` if it was public, in the same transaction.
pub async fn delete(state: &AppState, id: i64) -> AppResult<()> {
    let p = local(state, id).await?;
    let tell = if p.status == "published" {
        let inboxes = state.store.follower_inboxes(p.territory_id.unwrap_or_default()).await?;
        Some(prepare(state, &p, Change::Delete, None, &inboxes).await?)
    } else {
        None
    };
    let mut tx = state.store.begin().await?;
    crate::storage::activities::retract_public(&mut tx, &p.ap_id).await?;
    if let Some(prepared) = &tell {
        queue(&mut tx, p.territory_id, prepared).await?;
    }
    crate::storage::practices::delete(&mut tx, id).await?;
    tx.commit().await?;
    state.delivery_notify.notify_one();
    Ok(())
}
