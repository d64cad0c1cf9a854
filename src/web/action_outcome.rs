//! What the page of a shared action shows besides its facts: the organisers' evaluations once
//! it has happened (per dimension with indicators, participants, structures, text; the same
//! data the `Event` carries as `cces:evaluation`), the summary of the participants' feedback,
//! the fediverse comments received on it (moderators hide or show them here) and its likes.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};

use super::{
    action_pages::{organiser, published_in},
    csrf_form::{CsrfForm, FormPairs},
    i18n::Tr,
    links::Href,
    session::Ctx,
};
use crate::{
    domain::{account::Role, feedback::Summary, ids::ActionId},
    error::{AppError, AppResult},
    processing::{action_evaluation, comments},
    state::AppState,
    storage::{
        actions::ActionRow,
        comments::{CommentRow, Commented},
        reactions::Reacted,
    },
    text::html::{SafeHtml, clean},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/t/{slug}/actions/{id}/commentaires/{cid}", post(comment_visibility))
}

/// The indicators of one dimension: (name, value with its unit, period).
pub struct DimensionView {
    pub label: String,
    pub indicators: Vec<(String, String, String)>,
}

/// One organiser's evaluation.
pub struct EvaluationView {
    pub by: (String, Href),
    pub participants: Option<String>,
    pub structures: Vec<(String, Href)>,
    pub summary: String,
    pub dimensions: Vec<DimensionView>,
}

/// The participants' ratings: how many answered, the mean, and how many gave each rating.
pub struct FeedbackView {
    pub answers: String,
    pub average: String,
    /// (rating, how many), 5 first.
    pub ratings: Vec<(i64, i64)>,
}

pub struct Outcome {
    pub evaluations: Vec<EvaluationView>,
    pub feedback: Option<FeedbackView>,
    pub comments: Vec<(CommentRow, SafeHtml)>,
    pub likes: i64,
    pub moderator: bool,
}

/// A structure involved: a listed signatory of ours by name, anyone else as last seen.
async fn structure(state: &AppState, actor: &str) -> AppResult<Option<(String, Href)>> {
    if let Some(id) = url::Url::parse(actor).ok().and_then(|u| state.urls.signatory_id_of(&u)) {
        return Ok(state
            .store
            .signatory_actor(id)
            .await?
            .filter(|s| s.is_public())
            .map(|s| (s.name, Href::new(&format!("/s/{id}")))));
    }
    Ok(Some(organiser(state, actor).await?))
}

fn dimensions(tr: Tr, indicators: Vec<crate::storage::action_evaluations::IndicatorRow>) -> Vec<DimensionView> {
    let mut out: Vec<(String, DimensionView)> = vec![];
    for i in indicators {
        let row = (i.label, super::numbers::quantity(i.value, &i.unit, tr.lang), i.period);
        match out.iter_mut().find(|(code, _)| *code == i.dimension) {
            Some((_, d)) => d.indicators.push(row),
            None => out.push((
                i.dimension.clone(),
                DimensionView { label: tr.t(&format!("dimension-{}", i.dimension)), indicators: vec![row] },
            )),
        }
    }
    out.into_iter().map(|(_, d)| d).collect()
}

/// Everything the page shows of what happened and what was said.
pub async fn outcome(state: &AppState, ctx: &Ctx, a: &ActionRow) -> AppResult<Outcome> {
    let tr = ctx.tr;
    let mut evaluations = vec![];
    // The summaries other instances sent with their evaluations (answers, sum of ratings).
    let mut received = (0_i64, 0.0_f64);
    for e in action_evaluation::list(state, a.id, false).await? {
        if let (Some(n), Some(mean)) = (e.evaluation.feedback_answers, e.evaluation.feedback_mean) {
            received = (received.0 + n, received.1 + mean * n as f64);
        }
        let mut structures = vec![];
        for s in e.evaluation.structures.iter() {
            structures.extend(structure(state, s).await?);
        }
        evaluations.push(EvaluationView {
            by: organiser(state, &e.evaluation.organizer).await?,
            participants: e.evaluation.participants.map(|n| tr.plural("evaluation-participants", n)),
            structures,
            summary: e.evaluation.summary,
            dimensions: dimensions(tr, e.indicators),
        });
    }
    let summary = Summary::of(&state.store.action_feedback_ratings(a.id).await?);
    let feedback = match summary.average() {
        Some(avg) => Some(FeedbackView {
            answers: tr.plural("feedback-answers", summary.answers),
            average: super::numbers::quantity(avg, "/ 5", tr.lang),
            ratings: (1..=5).rev().zip(summary.by_rating.iter().rev().copied()).collect(),
        }),
        // An action of another instance: the summary its organisers sent (no detail per rating).
        None if received.0 > 0 => Some(FeedbackView {
            answers: tr.plural("feedback-answers", received.0),
            average: super::numbers::quantity((received.1 / received.0 as f64 * 10.0).round() / 10.0, "/ 5", tr.lang),
            ratings: vec![],
        }),
        None => None,
    };
    let moderator = ctx.account.as_ref().is_some_and(|acc| acc.role() >= Role::Moderator);
    let comments = state.store.comments(a.id, moderator).await?.into_iter().map(|c| (clean(&c.content_html), c));
    Ok(Outcome {
        evaluations,
        feedback,
        comments: comments.map(|(h, c)| (c, h)).collect(),
        likes: state.store.reaction_count(Reacted::Action(a.id)).await?,
        moderator,
    })
}

/// A moderator hides or shows a comment (`action` = `hide` or `show`).
async fn comment_visibility(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id, cid)): Path<(String, ActionId, i64)>,
    CsrfForm(f): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    let account = ctx.require(Role::Moderator)?;
    let a = published_in(&data, &slug, id).await?;
    let hidden = match f.get("action").as_str() {
        "hide" => true,
        "show" => false,
        _ => return Err(AppError::BadRequest("action: hide or show".into())),
    };
    comments::set_hidden(&data, Commented::Action(a.id), cid, hidden, &account.email).await?;
    Ok(Redirect::to(&format!("/t/{slug}/actions/{id}#comments")).into_response())
}
