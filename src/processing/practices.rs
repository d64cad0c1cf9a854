//! Authoring good practices: moderators write drafts, publish, edit, unpublish, delete; every
//! change is recorded with its author (the charter's "traçabilité et transparence").

use serde_json::Value;

use sqlx::AnyConnection;

use super::{
    practice_publication::{self as publication, prepare},
    unit::Change,
};
use crate::domain::ids::PracticeId;
use crate::{
    domain::{
        practice::{DimensionInput, IndicatorInput, NewPractice, PracticeInput, Status},
        practice_dimensions::Dimensions,
        signatory::Kind,
    },
    error::{AppError, AppResult},
    federation::software::Readers,
    state::AppState,
    storage::{
        comments::{self, Commented},
        conversations::reactions_in,
        follows::follower_inboxes_in,
        practices::{PracticeContent, PracticeRow, practice_in},
        signatories::listed_in,
    },
    text::html::markdown_to_html,
};

/// Why a practice was not saved.
pub type PracticeError = super::input_error::InputError;

fn content(p: &NewPractice) -> PracticeContent {
    PracticeContent {
        title: p.title.clone(),
        summary: p.summary.clone(),
        body_md: p.body.clone(),
        body_html: markdown_to_html(&p.body),
        domains: p.domains.iter().map(|d| d.code().to_string()).collect::<Vec<_>>().into(),
        dimensions: Dimensions::from(p.dimensions.as_slice()),
        structures: p.structures.clone().into(),
        structure_refs: "[]".into(),
        partners: p.partners.clone(),
        governance: p.governance.clone(),
        commune: p.commune.clone(),
        latitude: p.place.map(|(lat, _)| lat),
        longitude: p.place.map(|(_, lon)| lon),
        tags: p.tags.clone().into(),
        licence: p.licence.clone(),
    }
}

/// The stored practice back into the input shape (for partial updates).
pub fn as_input(p: &PracticeRow) -> PracticeInput {
    PracticeInput {
        title: p.title.clone(),
        summary: p.summary.clone(),
        body: p.body_md.clone(),
        domains: p.domains.to_vec(),
        dimensions: p
            .dimensions
            .iter()
            .map(|d| DimensionInput {
                dimension: d.dimension.code().to_string(),
                text: d.text.clone(),
                indicators: d
                    .indicators
                    .iter()
                    .map(|i| IndicatorInput {
                        name: i.name.clone(),
                        value: Value::Number(i.value.clone()),
                        unit: i.unit.clone(),
                        period: i.period.clone(),
                        indicator: i.indicator.clone().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        structures: p.structures.to_vec(),
        partners: p.partners.clone(),
        governance: p.governance.clone(),
        commune: p.commune.clone(),
        latitude: p.latitude,
        longitude: p.longitude,
        tags: p.tags.to_vec(),
        licence: Some(p.licence.clone()),
    }
}

pub async fn create(
    state: &AppState,
    slug: &str,
    input: &PracticeInput,
    author: &str,
) -> Result<PracticeId, PracticeError> {
    create_audited(state, slug, input, author, None).await
}

/// As [`create`], with an audit entry `action` in the same transaction.
pub async fn create_audited(
    state: &AppState,
    slug: &str,
    input: &PracticeInput,
    author: &str,
    action: Option<&str>,
) -> Result<PracticeId, PracticeError> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let p = NewPractice::parse(input).map_err(PracticeError::Fields)?;
    let ap_id = state.urls.practice(uuid::Uuid::new_v4());
    let mut change = Change::begin(state).await?;
    let id = crate::storage::practices::insert(
        change.conn(),
        ap_id.as_str(),
        Some(t.id),
        state.urls.territory(&t.slug).as_str(),
        &content(&p),
        author,
    )
    .await?;
    if let Some(action) = action {
        change.audit(author, action, &format!("practice {id}")).await?;
    }
    change.commit().await?;
    Ok(id)
}

/// A local practice, or 404 (remote ones are edited by their own territory only).
pub async fn local(state: &AppState, id: PracticeId) -> AppResult<PracticeRow> {
    local_in(state.store.pool(), id).await
}

/// [`local`], read through the pool or inside a change.
pub async fn local_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: PracticeId,
) -> AppResult<PracticeRow> {
    practice_in(conn, id)
        .await?
        .filter(|p| p.territory_id.is_some())
        .ok_or_else(|| AppError::NotFound(format!("practice {id}")))
}

/// What the hosts of a territory's followers read, looked up before a change's transaction
/// (network); empty when nothing will be sent.
async fn readers_before(state: &AppState, p: &PracticeRow, sends: bool) -> AppResult<Readers> {
    if !sends {
        return Ok(Readers::default());
    }
    let inboxes = state.store.follower_inboxes(p.territory_id.unwrap_or_default()).await?;
    Ok(Readers::of(state, &inboxes).await)
}

/// Applies the fields present in `patch` (JSON object) over the stored practice.
pub async fn update(state: &AppState, id: PracticeId, patch: &Value, author: &str) -> Result<(), PracticeError> {
    update_audited(state, id, patch, author, None).await
}

/// As [`update`], with an audit entry `action` in the same transaction.
pub async fn update_audited(
    state: &AppState,
    id: PracticeId,
    patch: &Value,
    author: &str,
    action: Option<&str>,
) -> Result<(), PracticeError> {
    let before = local(state, id).await?;
    let readers = readers_before(state, &before, before.is_published()).await?;
    // The practice is read again inside the change: what is merged and sent is what is stored.
    let mut change = Change::begin(state).await?;
    let current = local_in(change.conn(), id).await?;
    let mut merged = serde_json::to_value(as_input(&current)).map_err(AppError::from)?;
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
    crate::storage::practices::update_content(change.conn(), id, &new_content, author, &changes).await?;
    if current.is_published() {
        let fresh = with_content(&current, &new_content);
        let inboxes = follower_inboxes_in(change.conn(), current.territory_id.unwrap_or_default()).await?;
        let article = article_json_in(state, change.conn(), &fresh).await?;
        let prepared = prepare(state, &readers, &fresh, publication::Change::Update, Some(article), &inboxes)?;
        change.queue_prepared(current.territory_id, &prepared).await?;
    }
    if let Some(action) = action {
        change.audit(author, action, &format!("practice {id}")).await?;
    }
    change.commit().await?;
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
pub async fn replace(
    state: &AppState,
    id: PracticeId,
    input: PracticeInput,
    author: &str,
) -> Result<(), PracticeError> {
    replace_audited(state, id, input, author, None).await
}

/// As [`replace`], with an audit entry `action` in the same transaction.
pub async fn replace_audited(
    state: &AppState,
    id: PracticeId,
    mut input: PracticeInput,
    author: &str,
    action: Option<&str>,
) -> Result<(), PracticeError> {
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
    let patch = serde_json::to_value(&input).map_err(AppError::from)?;
    update_audited(state, id, &patch, author, action).await
}

/// The structures a local practice names, as its page and its `Article` show them: listed,
/// approved structures only, looked up now (a structure that left is no longer named).
pub async fn structure_refs(state: &AppState, p: &PracticeRow) -> AppResult<Vec<(String, String)>> {
    structure_refs_in(state, &mut *state.store.pool().acquire().await?, p).await
}

/// [`structure_refs`], read inside a change.
async fn structure_refs_in(
    state: &AppState,
    conn: &mut AnyConnection,
    p: &PracticeRow,
) -> AppResult<Vec<(String, String)>> {
    let Some(territory_id) = p.territory_id else {
        let refs: Vec<Value> = serde_json::from_str(&p.structure_refs).unwrap_or_default();
        return Ok(refs
            .iter()
            .filter_map(|r| Some((r.get("id")?.as_str()?.to_string(), r.get("name")?.as_str()?.to_string())))
            .collect());
    };
    let ids = &p.structures;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let listed = listed_in(conn, territory_id).await?;
    Ok(listed
        .into_iter()
        .filter(|s| ids.contains(&s.id) && s.kind == Kind::Structure)
        .map(|s| (state.urls.signatory(s.id).to_string(), s.name))
        .collect())
}

use crate::federation::protocol::collections;

/// The values an `Article` is built from (the wire type does not know storage rows).
fn fields(p: &PracticeRow) -> crate::federation::protocol::practice::PracticeFields<'_> {
    crate::federation::protocol::practice::PracticeFields {
        ap_id: &p.ap_id,
        title: &p.title,
        summary: &p.summary,
        body_html: &p.body_html,
        body_md: &p.body_md,
        domains: &p.domains,
        dimensions: &p.dimensions,
        tags: &p.tags,
        commune: &p.commune,
        licence: &p.licence,
        partners: &p.partners,
        governance: &p.governance,
        latitude: p.latitude,
        longitude: p.longitude,
        created_at: p.created_at,
        updated_at: p.updated_at,
        published_at: p.published_at,
    }
}

/// The practice as an `Article`, with the structures it names.
pub async fn article_json(state: &AppState, p: &PracticeRow) -> AppResult<Value> {
    article_json_in(state, &mut *state.store.pool().acquire().await?, p).await
}

/// [`article_json`], read inside a change (what the change is about to commit).
pub async fn article_json_in(state: &AppState, conn: &mut AnyConnection, p: &PracticeRow) -> AppResult<Value> {
    let at = crate::federation::protocol::practice::Publication::of(&state.urls, &p.origin_actor)
        .ok_or_else(|| AppError::internal("a practice's territory is not one of this instance"))?;
    let refs = structure_refs_in(state, conn, p).await?;
    let mut article = crate::federation::protocol::practice::article(&fields(p), &at, &refs);
    // The conversation, as Mastodon serves it: `replies` with its first page inline (GoToSocial
    // warns about a collection without one), and counts.
    let comments: Vec<String> =
        comments::list_in(&mut *conn, Commented::Practice(p.id), false).await?.into_iter().map(|c| c.ap_id).collect();
    article["replies"] = collections::replies(&state.urls.practice_replies(&url::Url::parse(&p.ap_id)?), &comments, 1);
    let reactions = reactions_in(&mut *conn, p.id).await?;
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

/// Publishes or unpublishes a local practice, with its audit entry (`by`); `Some` when it has
/// just been published, with whom it was sent to.
pub async fn set_published(state: &AppState, id: PracticeId, published: bool, by: &str) -> AppResult<Option<Reached>> {
    let readers = readers_for_publication(state, id, published).await?;
    let mut change = Change::begin(state).await?;
    let (was_published, territory_id, inboxes) =
        set_published_in(state, &mut change, &readers, id, published, by).await?;
    change.commit().await?;
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
    Ok(Some(Reached { followers, inboxes }))
}

/// What the followers' software reads, asked before a change that (un)publishes practice `id`.
pub async fn readers_for_publication(state: &AppState, id: PracticeId, published: bool) -> AppResult<Readers> {
    let before = local(state, id).await?;
    readers_before(state, &before, (before.is_published()) != published).await
}

/// [`set_published`] inside the caller's change (a report's decision commits its own rows
/// with it): whether it was published before, its territory, and how many inboxes are told.
pub async fn set_published_in(
    state: &AppState,
    change: &mut Change,
    readers: &Readers,
    id: PracticeId,
    published: bool,
    by: &str,
) -> AppResult<(bool, crate::domain::ids::TerritoryId, usize)> {
    let p = local_in(change.conn(), id).await?;
    let was_published = p.is_published();
    let territory_id = p.territory_id.unwrap_or_default();
    let inboxes = follower_inboxes_in(change.conn(), territory_id).await?;
    let prepared = match (was_published, published) {
        (false, true) => {
            let mut fresh = p.clone();
            fresh.status = Status::Published;
            fresh.published_at = Some(p.published_at.unwrap_or_else(crate::domain::now_millis));
            let article = article_json_in(state, change.conn(), &fresh).await?;
            Some(prepare(state, readers, &fresh, publication::Change::Create, Some(article), &inboxes)?)
        }
        (true, false) => Some(prepare(state, readers, &p, publication::Change::Delete, None, &inboxes)?),
        _ => None,
    };
    crate::storage::practices::set_status(change.conn(), id, published, by).await?;
    if was_published && !published {
        // Its `Create`, `Update`s and `Announce`s leave the outbox and `/activities/{id}` with it.
        crate::storage::activities::retract_public(change.conn(), &p.ap_id).await?;
    }
    if let Some(prepared) = &prepared {
        change.queue_prepared(Some(territory_id), prepared).await?;
    }
    let action = if published { "practice.publish" } else { "practice.unpublish" };
    change.audit(by, action, &format!("practice {id}")).await?;
    Ok((was_published, territory_id, inboxes.len()))
}

/// Deletes a local practice, with its audit entry (`by`); followers get a `Delete` if it was
/// public, in the same transaction.
pub async fn delete(state: &AppState, id: PracticeId, by: &str) -> AppResult<()> {
    let before = local(state, id).await?;
    let readers = readers_before(state, &before, before.is_published()).await?;
    let mut change = Change::begin(state).await?;
    let p = local_in(change.conn(), id).await?;
    crate::storage::activities::retract_public(change.conn(), &p.ap_id).await?;
    crate::storage::practices::delete(change.conn(), id).await?;
    if p.is_published() {
        let inboxes = follower_inboxes_in(change.conn(), p.territory_id.unwrap_or_default()).await?;
        let prepared = prepare(state, &readers, &p, publication::Change::Delete, None, &inboxes)?;
        change.queue_prepared(p.territory_id, &prepared).await?;
    }
    change.audit(by, "practice.delete", &format!("practice {id}")).await?;
    change.commit().await
}
