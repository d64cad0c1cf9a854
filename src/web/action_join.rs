//! Taking part in a shared action from its page (issue 12, point 6): the name-and-email form
//! (`processing::web_participation`: double opt-in, private), its confirmation and management
//! links, and the remote-interaction form that sends a Mobilizon or Maillage user to their own
//! server (which sends the `Join`). Mastodon and GoToSocial cannot send a `Join`: the page
//! offers them its address to look up instead. Once the action has ended, the management page
//! carries the participants' feedback form (`processing::action_conversation`).

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{
    Layout,
    action_pages::{JoinForm, action_page, published_in},
    csrf_form::CsrfForm,
    render_status,
    session::Ctx,
    signing::message,
};
use crate::{
    domain::{
        feedback::FeedbackInput,
        participation::{ParticipantState, RefusalReason, WebJoinInput},
    },
    error::AppResult,
    processing::{
        action_conversation::{self as conversation, FeedbackError},
        web_participation::{self as joining, Confirmed, JoinError},
    },
    state::AppState,
    storage::actions::ActionRow,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/actions/{id}/participer", post(join))
        .route("/t/{slug}/actions/{id}/distant", post(remote))
        .route("/participation/confirmer", get(confirm))
        .route("/participation/gerer", get(manage_page).post(cancel))
        .route("/participation/avis", post(feedback))
}

fn refusal_key(r: RefusalReason) -> &'static str {
    match r {
        RefusalReason::Full => "join-full",
        RefusalReason::Ended => "join-closed-ended",
        RefusalReason::Cancelled => "join-closed-cancelled",
        RefusalReason::NotOpen => "join-none",
    }
}

async fn join(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, crate::domain::ids::ActionId)>,
    CsrfForm(input): CsrfForm<WebJoinInput>,
) -> AppResult<Response> {
    let a = published_in(&data, &slug, id).await?;
    match joining::submit(&data, &a, &slug, &input, &ctx.client, ctx.tr).await {
        Ok(()) => message(&ctx, StatusCode::OK, "join-title", "join-sent", "notice"),
        Err(JoinError::Fields(errors)) => {
            let errors = errors.into_iter().map(|(f, k)| (f, ctx.tr.t(k))).collect();
            let form = JoinForm { name: input.name, email: input.email, errors };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &action_page(&data, &ctx, &slug, a, form).await?)
        }
        Err(JoinError::TooMany) => {
            message(&ctx, StatusCode::TOO_MANY_REQUESTS, "join-title", "join-throttled", "alert")
        }
        Err(JoinError::Refused(r)) => message(&ctx, StatusCode::CONFLICT, "join-title", refusal_key(r), "alert"),
        Err(JoinError::App(e)) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
struct RemoteForm {
    #[serde(default)]
    handle: String,
}

/// To the reader's own server, which shows the action and sends the `Join` (Mobilizon's
/// `/interact?uri=`, any server's `ostatus.org/schema/1.0/subscribe` template).
async fn remote(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, crate::domain::ids::ActionId)>,
    CsrfForm(form): CsrfForm<RemoteForm>,
) -> AppResult<Response> {
    let a = published_in(&data, &slug, id).await?;
    let target = super::pages::subscribe_url(&data, form.handle.trim(), &a.ap_id)
        .await
        .map(|u| super::links::Href::new(&u))
        .filter(|h| !h.is_none());
    match target {
        Some(url) => Ok(Redirect::to(url.as_str()).into_response()),
        None => {
            let errors = vec![("handle", ctx.tr.t("join-handle-unknown"))];
            let page = action_page(&data, &ctx, &slug, a, JoinForm { errors, ..JoinForm::default() }).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn confirm(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let (outcome, _) = joining::confirm(&data, &q.token).await?;
    let res = match outcome {
        Confirmed::Accepted => message(&ctx, StatusCode::OK, "join-title", "join-confirmed", "notice"),
        Confirmed::Held => message(&ctx, StatusCode::OK, "join-title", "join-held", "notice"),
        Confirmed::Refused(r) => message(&ctx, StatusCode::CONFLICT, "join-title", refusal_key(r), "alert"),
        Confirmed::Invalid => message(&ctx, StatusCode::BAD_REQUEST, "join-title", "join-link-invalid", "alert"),
    }?;
    Ok(super::private(res))
}

#[derive(Template)]
#[template(path = "participation.html")]
struct ManagePage {
    l: Layout,
    token: String,
    a: ActionRow,
    page: String,
    when: String,
    state: String,
    /// The feedback form, once the action has ended (confirmed participants only).
    feedback: Option<FeedbackForm>,
}

/// The feedback form as shown: the answer so far (or as sent back with its errors).
#[derive(Default)]
struct FeedbackForm {
    rating: String,
    comment: String,
    errors: Vec<(&'static str, String)>,
    choices: Vec<(i64, String, bool)>,
}

impl FeedbackForm {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// With (rating, its words, chosen) for each of 1 to 5.
    fn with_choices(mut self, tr: crate::text::i18n::Tr) -> Self {
        self.choices = (1..=5_i64)
            .map(|n| (n, tr.t_with("feedback-rating-value", "n", &n.to_string()), self.rating.trim() == n.to_string()))
            .collect();
        self
    }
}

async fn manage_page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    manage_view(&data, &ctx, q.token, StatusCode::OK, None).await
}

/// The management page of the participation `token` names; `form` the feedback as sent back.
async fn manage_view(
    data: &AppState,
    ctx: &Ctx,
    token: String,
    status: StatusCode,
    form: Option<FeedbackForm>,
) -> AppResult<Response> {
    let Some((p, a)) = joining::managed(data, &token).await? else {
        return Ok(super::private(message(ctx, StatusCode::BAD_REQUEST, "join-title", "join-link-invalid", "alert")?));
    };
    let feedback = match (conversation::may_answer(&p, &a), form) {
        (false, _) => None,
        (true, Some(f)) => Some(f),
        (true, None) => Some(match conversation::given(data, &p).await? {
            Some(g) => FeedbackForm { rating: g.rating.to_string(), comment: g.comment, ..FeedbackForm::default() },
            None => FeedbackForm::default(),
        }),
    }
    .map(|f| f.with_choices(ctx.tr));
    let slug = match a.territory_id {
        Some(t) => data.store.territory_by_id(t).await?.map(|t| t.slug).unwrap_or_default(),
        None => String::new(),
    };
    let state = match p.state {
        ParticipantState::Accepted => "join-state-accepted",
        ParticipantState::Pending => "join-state-pending",
        _ => "join-state-unconfirmed",
    };
    let page = ManagePage {
        l: Layout::new(ctx, ctx.tr.t("join-manage-title")),
        token,
        page: format!("/t/{slug}/actions/{}", a.id),
        when: super::agenda::when(ctx.tr, &a),
        state: ctx.tr.t(state),
        feedback,
        a,
    };
    Ok(super::private(render_status(status, &page)?))
}

/// The feedback form sent from the management page (issue 12, point 8).
async fn feedback(State(data): State<AppState>, ctx: Ctx, CsrfForm(f): CsrfForm<FeedbackInput>) -> AppResult<Response> {
    let res = match conversation::give_feedback(&data, &f).await {
        Ok(()) => message(&ctx, StatusCode::OK, "feedback-form-title", "feedback-thanks", "notice")?,
        Err(FeedbackError::Fields(errors)) => {
            let errors = errors.into_iter().map(|(field, k)| (field, ctx.tr.t(k))).collect();
            let form = FeedbackForm { rating: f.rating, comment: f.comment, errors, choices: vec![] };
            return manage_view(&data, &ctx, f.token, StatusCode::UNPROCESSABLE_ENTITY, Some(form)).await;
        }
        Err(FeedbackError::InvalidLink) => {
            message(&ctx, StatusCode::BAD_REQUEST, "feedback-form-title", "join-link-invalid", "alert")?
        }
        Err(FeedbackError::NotOpen) => {
            message(&ctx, StatusCode::CONFLICT, "feedback-form-title", "feedback-not-open", "alert")?
        }
        Err(FeedbackError::App(e)) => return Err(e),
    };
    Ok(super::private(res))
}

#[derive(Debug, Deserialize)]
struct CancelForm {
    #[serde(default)]
    token: String,
}

async fn cancel(State(data): State<AppState>, ctx: Ctx, CsrfForm(f): CsrfForm<CancelForm>) -> AppResult<Response> {
    let res = if joining::cancel(&data, &f.token).await? {
        message(&ctx, StatusCode::OK, "join-manage-title", "join-cancelled", "notice")
    } else {
        message(&ctx, StatusCode::BAD_REQUEST, "join-manage-title", "join-link-invalid", "alert")
    }?;
    Ok(super::private(res))
}
