//! What people say about a local shared action (its fediverse comments are moderated as all
//! comments are: `comments.rs`): participants who joined from the page answer the feedback
//! form through their private management link once the action has ended (a rating and a short
//! text, summarised with the evaluation). Each is one change with its audit entry.

use super::{actions::local_in, unit::Change};
use crate::{
    domain::{
        action::ActionStatus,
        feedback::{FeedbackInput, parse},
        now_millis,
        participation::ParticipantState,
        signatory::FieldErrors,
    },
    error::{AppError, AppResult},
    security::hash_token,
    state::AppState,
    storage::{action_feedback as feedback, action_participants as parts},
};

/// Why an answer to the feedback form was not taken.
#[derive(Debug)]
pub enum FeedbackError {
    Fields(FieldErrors),
    /// Unknown or cancelled participation, or one that never counted.
    InvalidLink,
    /// Not ended yet, or cancelled: nothing to give feedback on.
    NotOpen,
    App(AppError),
}

impl From<AppError> for FeedbackError {
    fn from(e: AppError) -> Self {
        FeedbackError::App(e)
    }
}

/// Whether the participant of a management link may answer the form now.
pub fn may_answer(p: &parts::WebParticipantRow, a: &crate::storage::actions::ActionRow) -> bool {
    p.state == ParticipantState::Accepted && a.status != ActionStatus::Cancelled && a.ends_at <= now_millis()
}

/// Records (or replaces) the answer of the participant the management link names.
pub async fn give_feedback(state: &AppState, input: &FeedbackInput) -> Result<(), FeedbackError> {
    if input.token.is_empty() {
        return Err(FeedbackError::InvalidLink);
    }
    let (rating, text) = parse(input).map_err(FeedbackError::Fields)?;
    let mut change = Change::begin(state).await?;
    let p =
        parts::by_manage_in(&mut *change.conn(), &hash_token(&input.token)).await?.ok_or(FeedbackError::InvalidLink)?;
    let a = local_in(change.conn(), p.action_id).await?;
    if p.state != ParticipantState::Accepted {
        return Err(FeedbackError::InvalidLink);
    }
    if !may_answer(&p, &a) {
        return Err(FeedbackError::NotOpen);
    }
    feedback::upsert(change.conn(), a.id, p.id, rating, &text).await?;
    change.audit("visitor", "action.feedback", &format!("action {} participant {}", a.id, p.id)).await?;
    change.commit().await?;
    Ok(())
}

/// The answer a management link already gave, if any.
pub async fn given(state: &AppState, p: &parts::WebParticipantRow) -> AppResult<Option<feedback::FeedbackRow>> {
    feedback::of_participant_in(&mut *state.store.pool().acquire().await?, p.id).await
}
