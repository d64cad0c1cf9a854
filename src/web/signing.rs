//! Signing the charter: the form's page and what it posts, the address confirmation, and the
//! message pages they answer with (the form itself: `sign_form.rs`).

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use serde::Deserialize;

use super::{Layout, admin::FormPairs, render, render_status, session::Ctx, territory_path::TerritoryPath};
use crate::{
    domain::signatory::SignatureInput,
    error::{AppError, AppResult},
    processing::signatures::{SignError, confirm, submit},
    state::AppState,
    storage::territories::TerritoryRow,
    web::csrf_form::CsrfForm,
};

use super::sign_form::{SignPage, input_from_form};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/signer", get(sign_page).post(sign_post))
        .route("/signature/confirm", get(confirm_page))
}

async fn current_version(state: &AppState, t: &TerritoryRow) -> AppResult<String> {
    state.store.current_charter(t.id).await?.map(|c| c.version).ok_or_else(|| AppError::NotFound("charter".into()))
}

async fn sign_page(State(data): State<AppState>, ctx: Ctx, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    let version = current_version(&data, &t).await?;
    render(&SignPage::new(&ctx, &t.slug, &version, SignatureInput::default(), vec![]))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    class: &'static str,
    message: String,
}

pub fn message(ctx: &Ctx, status: StatusCode, title: &str, text: &str, class: &'static str) -> AppResult<Response> {
    render_status(status, &MessagePage { l: Layout::new(ctx, ctx.tr.t(title)), class, message: ctx.tr.t(text) })
}

async fn sign_post(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    CsrfForm(f): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    let input = input_from_form(&f);
    match submit(&data, &t.slug, &input, &ctx.client, ctx.tr).await {
        Ok(_) => message(&ctx, StatusCode::OK, "sign-title", "sign-sent", "notice"),
        Err(SignError::Fields(errors)) => {
            let version = current_version(&data, &t).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &SignPage::new(&ctx, &t.slug, &version, input, errors))
        }
        Err(SignError::TooMany) => {
            message(&ctx, StatusCode::TOO_MANY_REQUESTS, "sign-title", "sign-throttled", "alert")
        }
        Err(SignError::App(e)) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn confirm_page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    if confirm(&data, q.token.as_deref().unwrap_or_default()).await? {
        message(&ctx, StatusCode::OK, "sign-title", "sign-confirmed", "notice")
    } else {
        message(&ctx, StatusCode::BAD_REQUEST, "sign-title", "sign-confirm-invalid", "alert")
    }
}
