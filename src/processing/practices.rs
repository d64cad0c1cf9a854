//! Authoring good practices: moderators write drafts, publish, edit, unpublish, delete; every
//! change is recorded with its author (the charter's "traçabilité et transparence").

use serde_json::{Value, json};

use crate::{
    domain::{
        practice::{NewPractice, PracticeInput},
        signatory::FieldErrors,
    },
    error::{AppError, AppResult},
    state::AppState,
    storage::practices::{PracticeContent, PracticeRow},
    web::charter::markdown_to_html,
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
    state.store.update_practice(id, &content(&p), author, &changes).await?;
    Ok(())
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
