//! Joining a shared action from its page without a fediverse account (issue 12, point 6):
//! name and email, double opt-in as for charter signatures (`processing::signatures`): the
//! participation waits `unconfirmed` until the mailed link is followed, then counts (join mode
//! `free`) or waits for the moderators (`approval`); a private management link cancels it.
//! Names and addresses are private: never in a page, JSON, ICS or activity; the public sees
//! counts. When the count changes, followers and fediverse participants get an `Update` of
//! the `Event` (its `participantCount` and `remainingAttendeeCapacity`), in the same change.

use super::{
    action_publication::Change as Publication,
    actions::{local_in, readers_before, tell_followers},
    unit::Change,
};
use crate::{
    domain::{
        action::PublicationState,
        now_millis,
        participation::{
            JoinAnswer, JoinFacts, ParticipantState, RefusalReason, WebJoinInput, answer_join, parse_web_join,
        },
        signatory::FieldErrors,
    },
    error::{AppError, AppResult},
    mail::{Mail, send},
    security::{hash_token, new_token},
    state::AppState,
    storage::{action_participants as parts, actions::ActionRow, actions::participant_count_in},
    text::i18n::Tr,
};

/// Attempts per client address and hour (each one may send a mail).
pub const MAX_JOINS_PER_HOUR: i64 = 10;
/// How long a confirmation link stays valid.
const CONFIRM_HOURS: i64 = 48;

/// Why a participation from the page was not taken.
#[derive(Debug)]
pub enum JoinError {
    Fields(FieldErrors),
    TooMany,
    Refused(RefusalReason),
    App(AppError),
}

impl From<AppError> for JoinError {
    fn from(e: AppError) -> Self {
        JoinError::App(e)
    }
}

/// What following the confirmation link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Accepted,
    /// Waiting for the moderators (join mode `approval`).
    Held,
    /// The action filled up (or was cancelled, or ended) meanwhile: nothing kept.
    Refused(RefusalReason),
    /// Unknown, spent or expired link.
    Invalid,
}

fn facts(a: &ActionRow, accepted: i64, already: Option<ParticipantState>) -> JoinFacts {
    JoinFacts {
        status: a.status,
        join_mode: a.join_mode,
        ends_at: a.ends_at,
        now: now_millis(),
        capacity: a.capacity,
        accepted,
        already,
    }
}

fn link(state: &AppState, what: &str, token: &str) -> String {
    let mut url = state.urls.path(&format!("/participation/{what}"));
    url.set_query(Some(&format!("token={token}")));
    url.to_string()
}

/// Takes a participation from the action's page and mails its confirmation link. An address
/// that already joined gets fresh links by mail instead (one participant per address; the
/// answer does not tell which happened, so the form cannot test who takes part).
pub async fn submit(
    state: &AppState,
    a: &ActionRow,
    slug: &str,
    input: &WebJoinInput,
    client: &str,
    tr: Tr,
) -> Result<(), JoinError> {
    let key = vec![format!("join:{client}")];
    if state.store.login_failures_since(&key, now_millis() - 3_600_000).await? >= MAX_JOINS_PER_HOUR {
        return Err(JoinError::TooMany);
    }
    state.store.record_login_failure(&key).await?;
    let (name, email) = parse_web_join(input).map_err(JoinError::Fields)?;
    if !input.nickname.is_empty() {
        tracing::info!("participation honeypot filled: dropped");
        return Ok(());
    }
    let (confirm, manage) = (new_token()?, new_token()?);
    let deadline = now_millis() + CONFIRM_HOURS * 3_600_000;
    let mut change = Change::begin(state).await?;
    parts::expire_unconfirmed(change.conn(), now_millis()).await?;
    let a = local_in(change.conn(), a.id).await?;
    if a.publication != PublicationState::Published {
        return Err(AppError::NotFound(format!("action {}", a.id)).into());
    }
    let existing = parts::by_email_in(change.conn(), a.id, &email).await?;
    let confirm_link = match &existing {
        Some(p) => {
            let unconfirmed = p.state == ParticipantState::Unconfirmed;
            let hash = hash_token(&confirm);
            parts::renew_links(
                change.conn(),
                p.id,
                unconfirmed.then_some(hash.as_str()),
                &hash_token(&manage),
                deadline,
            )
            .await?;
            unconfirmed.then(|| link(state, "confirmer", &confirm))
        }
        None => {
            let accepted = participant_count_in(&mut *change.conn(), a.id).await?;
            if let JoinAnswer::Reject(reason) = answer_join(&facts(&a, accepted, None)) {
                return Err(JoinError::Refused(reason));
            }
            let id = parts::insert_web(
                change.conn(),
                a.id,
                (&name, &email, tr.lang.code()),
                (&hash_token(&confirm), &hash_token(&manage)),
                deadline,
            )
            .await?;
            change.audit("visitor", "action.participant.web", &format!("action {} participant {id}", a.id)).await?;
            Some(link(state, "confirmer", &confirm))
        }
    };
    change.commit().await?;
    let page = state.urls.action(slug, a.id).to_string();
    let manage_link = link(state, "gerer", &manage);
    let args = [
        ("name", name.as_str()),
        ("title", a.title.as_str()),
        ("page", page.as_str()),
        ("manage", manage_link.as_str()),
        ("hours", &CONFIRM_HOURS.to_string()),
    ];
    let (subject, body) = match &confirm_link {
        Some(c) => {
            let mut all = args.to_vec();
            all.push(("confirm", c.as_str()));
            (tr.t_with("join-mail-subject", "title", &a.title), tr.t_args("join-mail-body", &all))
        }
        None => (tr.t_with("join-again-mail-subject", "title", &a.title), tr.t_args("join-again-mail-body", &args)),
    };
    send(state, Mail { to: &email, subject: &subject, body: &body }).await?;
    tracing::info!(action = a.id.0, "participation from the page received, mail sent");
    Ok(())
}

/// Follows a confirmation link. A participation that counts changes the count: followers and
/// fediverse participants get the `Update` in the same change.
pub async fn confirm(state: &AppState, token: &str) -> AppResult<(Confirmed, Option<ActionRow>)> {
    if token.is_empty() {
        return Ok((Confirmed::Invalid, None));
    }
    let hash = hash_token(token);
    let found = parts::by_confirm_in(&mut *state.store.pool().acquire().await?, &hash).await?;
    let Some(p) = found else { return Ok((Confirmed::Invalid, None)) };
    let before = local_in(state.store.pool(), p.action_id).await?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let p = match parts::by_confirm_in(change.conn(), &hash).await? {
        Some(p) if p.state == ParticipantState::Unconfirmed && p.confirm_before.is_some_and(|d| d >= now_millis()) => p,
        _ => return Ok((Confirmed::Invalid, None)),
    };
    let a = local_in(change.conn(), p.action_id).await?;
    let accepted = participant_count_in(&mut *change.conn(), a.id).await?;
    let outcome = match answer_join(&facts(&a, accepted, None)) {
        JoinAnswer::Accept => {
            parts::confirm_web(change.conn(), p.id, ParticipantState::Accepted).await?;
            if a.publication == PublicationState::Published {
                let fresh = local_in(change.conn(), a.id).await?;
                tell_followers(state, &mut change, &readers, &fresh, Publication::Update).await?;
            }
            Confirmed::Accepted
        }
        JoinAnswer::Hold => {
            parts::confirm_web(change.conn(), p.id, ParticipantState::Pending).await?;
            Confirmed::Held
        }
        JoinAnswer::Reject(reason) => {
            parts::remove_by_id(change.conn(), p.id).await?;
            Confirmed::Refused(reason)
        }
    };
    let what = match outcome {
        Confirmed::Accepted => "action.participant.confirm",
        Confirmed::Held => "action.participant.hold",
        _ => "action.participant.refuse",
    };
    change.audit("visitor", what, &format!("action {} participant {}", a.id, p.id)).await?;
    change.commit().await?;
    Ok((outcome, Some(a)))
}

/// The participation a management link names, with its action.
pub async fn managed(state: &AppState, token: &str) -> AppResult<Option<(parts::WebParticipantRow, ActionRow)>> {
    if token.is_empty() {
        return Ok(None);
    }
    let Some(p) = parts::by_manage_in(state.store.pool(), &hash_token(token)).await? else { return Ok(None) };
    let a = local_in(state.store.pool(), p.action_id).await?;
    Ok(Some((p, a)))
}

/// Cancels the participation a management link names; whether there was one. A participant
/// who counted frees a place: followers and fediverse participants get the `Update`.
pub async fn cancel(state: &AppState, token: &str) -> AppResult<bool> {
    let Some((_, before)) = managed(state, token).await? else { return Ok(false) };
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let Some(p) = parts::by_manage_in(&mut *change.conn(), &hash_token(token)).await? else { return Ok(false) };
    parts::remove_by_id(change.conn(), p.id).await?;
    let a = local_in(change.conn(), p.action_id).await?;
    if p.state == ParticipantState::Accepted && a.publication == PublicationState::Published {
        tell_followers(state, &mut change, &readers, &a, Publication::Update).await?;
    }
    change.audit("visitor", "action.participant.cancel", &format!("action {} participant {}", a.id, p.id)).await?;
    change.commit().await?;
    Ok(true)
}
