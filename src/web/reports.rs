//! Reports from visitors (issue 15, point 1): `GET /signaler?kind=…&target=…` shows the form
//! (reason, optional email kept private), `POST /signaler` files it (CSRF, 422 beside the
//! fields, 429 past the hourly limit per address). Everyone may report, without an account.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use serde::Deserialize;

use super::{Layout, render_status, session::Ctx};
use crate::{
    domain::report::{Source, TargetKind},
    error::{AppError, AppResult},
    processing::reports::{self, ReportError, ReportInput},
    state::AppState,
    web::csrf_form::CsrfForm,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/signaler", get(form_page).post(form_post))
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportForm {
    l: Layout,
    kind: String,
    target: String,
    label: String,
    reason: String,
    email: String,
    errors: Vec<(&'static str, String)>,
}

impl ReportForm {
    fn error_for(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|(n, _)| *n == name).map(|(_, e)| e.clone())
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message {
    l: Layout,
    class: &'static str,
    message: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Wanted {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: String,
}

async fn label_of(state: &AppState, kind: &str, target: &str) -> AppResult<String> {
    let Some(kind) = TargetKind::parse(kind) else { return Ok(String::new()) };
    Ok(reports::target(state, Some(kind), target, true).await?.map(|t| t.label).unwrap_or_default())
}

async fn form_page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<Wanted>) -> AppResult<Response> {
    let label = label_of(&data, &q.kind, &q.target).await?;
    let page = ReportForm {
        l: Layout::new(&ctx, ctx.tr.t("report-title")),
        kind: q.kind,
        target: q.target,
        label,
        reason: String::new(),
        email: String::new(),
        errors: vec![],
    };
    render_status(StatusCode::OK, &page)
}

async fn form_post(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<ReportInput>, AppError>,
) -> AppResult<Response> {
    let CsrfForm(input) = form?;
    let caller = ctx.account.as_ref().map(|a| a.email.clone());
    match reports::file(&data, &input, Source::Web, &ctx.client, caller.as_deref()).await {
        Ok(_) => {
            let page = Message {
                l: Layout::new(&ctx, ctx.tr.t("report-title")),
                class: "notice",
                message: ctx.tr.t("report-thanks"),
            };
            render_status(StatusCode::OK, &page)
        }
        Err(ReportError::Fields(errors)) => {
            let label = label_of(&data, &input.kind, &input.target).await?;
            let page = ReportForm {
                l: Layout::new(&ctx, ctx.tr.t("report-title")),
                label,
                errors: errors.into_iter().map(|(f, code)| (f, ctx.tr.t(code))).collect(),
                kind: input.kind,
                target: input.target,
                reason: input.reason,
                email: input.email,
            };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(ReportError::TooMany) => {
            let page = Message {
                l: Layout::new(&ctx, ctx.tr.t("report-title")),
                class: "alert",
                message: ctx.tr.t("report-too-many"),
            };
            render_status(StatusCode::TOO_MANY_REQUESTS, &page)
        }
        Err(ReportError::App(e)) => Err(e),
    }
}

/// The link to the report form about `ap_id` (put beside what may be reported).
pub fn link(kind: TargetKind, ap_id: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("kind", kind.as_str())
        .append_pair("target", ap_id)
        .finish();
    format!("/signaler?{query}")
}
