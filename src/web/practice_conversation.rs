//! What moderators post on a practice's page about its conversation: a comment (sent to the
//! practice's followers), hiding or showing a comment, adopting the practice or giving it up.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};

use super::session::Ctx;
use crate::domain::ids::PracticeId;
use crate::{
    domain::account::Role,
    error::{AppError, AppResult},
    processing::{comments, conversations},
    state::AppState,
    storage::comments::Commented,
    web::csrf_form::{CsrfForm, FormPairs},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pratiques/{id}/commenter", post(comment_post))
        .route("/pratiques/{id}/commentaires/{comment}", post(comment_visibility))
        .route("/pratiques/{id}/adopter", post(adopt_post))
        .route("/pratiques/{id}/abandonner", post(unadopt_post))
}

/// The moderator posting (401 or 403 first), with the form checked against CSRF.
pub(super) fn moderator_form(ctx: &Ctx, form: Result<CsrfForm<FormPairs>, AppError>) -> AppResult<(String, FormPairs)> {
    let account = ctx.require(Role::Moderator)?;
    let CsrfForm(f) = form?;
    Ok((account.email.clone(), f))
}

fn back_to(state: &AppState, id: PracticeId, notice: &str) -> Response {
    Redirect::to(&format!("{}?n={notice}#conversation", state.urls.practice_page(id).path())).into_response()
}

/// The territory a moderator acts as: the form's `t`, else the instance's default.
fn acting_territory(state: &AppState, f: &FormPairs) -> String {
    Some(f.get("t")).filter(|t| !t.is_empty()).unwrap_or_else(|| state.config.default_territory.to_string())
}

async fn comment_post(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (by, f) = moderator_form(&ctx, form)?;
    let slug = acting_territory(&data, &f);
    conversations::comment(&data.federation()?, &slug, id, &f.get("text"), &by).await?;
    Ok(back_to(&data, id, "comment-posted"))
}

async fn comment_visibility(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((id, comment)): Path<(PracticeId, i64)>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (by, f) = moderator_form(&ctx, form)?;
    comments::set_hidden(&data, Commented::Practice(id), comment, f.get("hidden") == "true", &by).await?;
    Ok(back_to(&data, id, "comment-updated"))
}

async fn adopt_post(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (by, f) = moderator_form(&ctx, form)?;
    let slug = acting_territory(&data, &f);
    conversations::adopt(&data.federation()?, &slug, id, &f.get("note"), &by).await?;
    Ok(back_to(&data, id, "adopted"))
}

async fn unadopt_post(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (by, f) = moderator_form(&ctx, form)?;
    let slug = acting_territory(&data, &f);
    conversations::unadopt(&data.federation()?, &slug, id, &by).await?;
    Ok(back_to(&data, id, "unadopted"))
}
