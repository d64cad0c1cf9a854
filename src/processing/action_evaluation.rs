//! Evaluating a shared action once it has ended (issue 12, point 8): each organising
//! territory of this instance records its outcome (indicators per dimension, participants,
//! structures involved, a short text) in one change. An action of ours: its followers and
//! co-organisers get an `Update` of the `Event` carrying every evaluation (`cces:evaluation`).
//! A remote action we co-organise: our territory sends the origin an `Update` with its
//! evaluation, and the origin sends the action, evaluations included, to everyone
//! (docs/FEDERATION.md, "Co-organisation" and "Maillage namespace").

use sqlx::AnyConnection;

use super::{
    action_publication as publication,
    actions::{self as actions, ActionError, readers_before, tell_followers},
    unit::Change,
};
use crate::{
    domain::{
        action::PublicationState,
        evaluation::{EvaluationInput, NewEvaluation},
        feedback::Summary,
        ids::{ActionId, TerritoryId},
        local_actor::LocalActor,
        now_millis,
        signatory::Kind,
    },
    error::{AppError, AppResult},
    federation::{
        outgoing,
        protocol::{
            coorganisation::{EvaluationJson, EvaluationKind, FeedbackJson, IndicatorJson, organizer_update},
            practice::time,
        },
    },
    state::AppState,
    storage::{
        action_evaluations::{self as evaluations, EvaluationContent, EvaluationRow, IndicatorRow},
        action_feedback::ratings_in,
        action_invitations::local_coorganizer_in,
        actions::{self as store, ActionRow},
        actors::remote_actor_by_ap_id_in,
        signatories::listed_in,
    },
};

/// The evaluations of an action as the `Event` carries them. The first written by one of our
/// territories carries the summary of the feedback participants gave here (counted now, so that
/// every `Update` of the action has it as it is); those received carry what their instance sent.
pub async fn wire_in(conn: &mut AnyConnection, action_id: ActionId) -> AppResult<Vec<EvaluationJson>> {
    let rows = evaluations::of_action_in(conn, action_id).await?;
    let ours = Summary::of(&ratings_in(&mut *conn, action_id).await?);
    let ours = ours.average().map(|mean| FeedbackJson { answers: ours.answers, mean_rating: mean });
    let first_local = rows.iter().position(|(e, _)| e.territory_id.is_some());
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(n, (e, indicators))| EvaluationJson {
            kind: EvaluationKind::Evaluation,
            attributed_to: e.organizer.clone(),
            participants: e.participants,
            structures: e.structures.to_vec(),
            summary: e.summary.clone(),
            indicators: indicators
                .into_iter()
                .map(|i| IndicatorJson {
                    dimension: i.dimension,
                    name: i.label,
                    value: i.value,
                    unit: i.unit,
                    period: i.period,
                    indicator: i.cces_indicator,
                })
                .collect(),
            updated: time(e.updated_at),
            feedback: if Some(n) == first_local {
                ours
            } else {
                e.feedback_answers
                    .zip(e.feedback_mean)
                    .map(|(answers, mean_rating)| FeedbackJson { answers, mean_rating })
            },
        })
        .collect())
}

/// An evaluation with its indicators (API).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    #[serde(flatten)]
    pub evaluation: EvaluationRow,
    pub indicators: Vec<IndicatorRow>,
}

/// The evaluations of a published action (or of a draft, for moderators: `drafts`).
pub async fn list(state: &AppState, action_id: ActionId, drafts: bool) -> AppResult<Vec<Evaluation>> {
    let r = state.store.action(action_id).await?.ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    if r.publication != PublicationState::Published && !drafts {
        return Err(AppError::NotFound(format!("action {action_id}")));
    }
    let mut conn = state.store.pool().acquire().await?;
    Ok(evaluations::of_action_in(&mut conn, action_id)
        .await?
        .into_iter()
        .map(|(evaluation, indicators)| Evaluation { evaluation, indicators })
        .collect())
}

/// Which of our territories organises `r` (its owner, or the one co-organising it), and its
/// actor id.
async fn our_organizer(state: &AppState, conn: &mut AnyConnection, r: &ActionRow) -> AppResult<(TerritoryId, String)> {
    if let Some(t) = r.territory_id {
        return Ok((t, r.origin_actor.clone()));
    }
    let t = local_coorganizer_in(conn, r.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("action {} is organised by none of our territories", r.id)))?;
    let slug = crate::storage::territories::territory_by_id_in(&mut *conn, t)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("territory {t}")))?
        .slug;
    Ok((t, state.urls.territory(&slug).to_string()))
}

/// Records (or replaces) our territory's evaluation of the ended action `action_id`.
pub async fn evaluate(
    state: &AppState,
    action_id: ActionId,
    input: &EvaluationInput,
    by: &str,
) -> Result<(), ActionError> {
    let before =
        state.store.action(action_id).await?.ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let r = store::action_in(change.conn(), action_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("action {action_id}")))?;
    let (territory, organizer) = our_organizer(state, change.conn(), &r).await?;
    let ev = NewEvaluation::parse(input, r.ends_at <= now_millis()).map_err(ActionError::Fields)?;
    let listed = listed_in(change.conn(), territory).await?;
    let mut structures = vec![];
    for id in &ev.structures {
        match listed.iter().find(|s| s.id.0 == *id && s.kind == Kind::Structure) {
            Some(s) => structures.push(state.urls.signatory(s.id).to_string()),
            None => return Err(ActionError::Fields(vec![("structures", "field-invalid")])),
        }
    }
    let counted = match r.territory_id {
        Some(_) => store::participant_count_in(change.conn(), r.id).await?,
        None => r.remote_participants,
    };
    let content = EvaluationContent {
        participants: Some(ev.participants.unwrap_or(counted)),
        structures,
        summary: ev.summary.clone(),
        indicators: ev
            .indicators
            .iter()
            .map(|i| IndicatorRow {
                dimension: i.dimension.code().into(),
                label: i.label.clone(),
                value: i.value,
                unit: i.unit.clone(),
                period: i.period.clone(),
                cces_indicator: i.cces_indicator.clone(),
            })
            .collect(),
        // Ours is counted when the `Event` is built (`wire_in`).
        feedback: None,
    };
    evaluations::upsert(change.conn(), r.id, &organizer, Some(territory), &content, by).await?;
    if r.territory_id.is_some() {
        if r.publication == PublicationState::Published {
            let fresh = actions::local_in(change.conn(), r.id).await?;
            tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
        }
    } else {
        // The origin is the one source of the action: it gets our evaluation and sends it on.
        let origin = remote_actor_by_ap_id_in(change.conn(), &r.origin_actor)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("actor {}", r.origin_actor)))?;
        let event = actions::event_json_in(state, change.conn(), &r).await?;
        let update = organizer_update(&outgoing::new_activity_id(state), &organizer, &event, &r.origin_actor);
        change.queue(LocalActor::Territory(territory), &update, false, std::slice::from_ref(&origin.inbox)).await?;
    }
    change.audit(by, "action.evaluate", &format!("action {action_id}")).await?;
    change.commit().await?;
    Ok(())
}
