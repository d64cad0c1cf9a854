//! The signer's own space, reached by the private link mailed at signing: view and edit their
//! data, export it as JSON, withdraw (personal data erased).

use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};

use super::{
    admin::FormPairs,
    private, render_status,
    session::Ctx,
    sign_form::{input_from_form, manage_page},
    signing::message,
};
use crate::domain::ids::PracticeId;
use crate::{
    domain::signatory::SignatureInput,
    error::{AppError, AppResult},
    processing::signatures::{SignError, confirm_new_address, edit_by_signer, withdraw},
    security::hash_token,
    state::AppState,
    storage::{practices::PracticeRow, signatories::SignatoryPrivate},
    web::csrf_form::CsrfForm,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signature/manage", get(manage).post(manage_save))
        .route("/signature/email", get(email_confirm))
        .route("/signature/manage/export", get(export))
        .route("/signature/manage/withdraw", post(withdraw_post))
        .route("/signature/manage/practice", get(practice_page).post(practice_save))
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn by_token(state: &AppState, token: &str) -> AppResult<Option<(SignatoryPrivate, String, String)>> {
    let Some(s) = state.store.signatory_by_manage_token(&hash_token(token)).await? else { return Ok(None) };
    let slug = state.store.territory_by_id(s.territory_id).await?.map(|t| t.slug).unwrap_or_default();
    let version = state.store.charter_version(s.charter_id).await?;
    Ok(Some((s, slug, version.unwrap_or_default())))
}

pub fn as_input(s: &SignatoryPrivate, version: &str) -> SignatureInput {
    SignatureInput {
        kind: s.kind.as_str().to_string(),
        name: s.name.clone(),
        roles: s.roles.to_vec(),
        legal_form: s.legal_form.clone(),
        domains: s.domains.to_vec(),
        website: s.website.clone(),
        commune: s.commune.clone(),
        representative_name: s.representative_name.clone(),
        representative_role: s.representative_role.clone(),
        governance: s.governance.clone(),
        partners: s.partners.clone(),
        email: s.email.clone().unwrap_or_default(),
        phone: s.phone.clone().unwrap_or_default(),
        postal_address: s.postal_address.clone().unwrap_or_default(),
        charter_version: version.to_string(),
        consent: true,
        listed: Some(s.listed != 0),
        nickname: String::new(),
        territory: String::new(),
    }
}

fn invalid(ctx: &Ctx) -> AppResult<Response> {
    message(ctx, StatusCode::NOT_FOUND, "manage-title", "manage-invalid", "alert")
}

async fn manage(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    let Some((s, slug, version)) = by_token(&data, &token).await? else { return invalid(&ctx) };
    let page = manage_page(&ctx, (&slug, &version, s.status.as_str()), &token, as_input(&s, &version), vec![], false);
    Ok(private(render_status(StatusCode::OK, &page)?))
}

async fn manage_save(State(data): State<AppState>, ctx: Ctx, CsrfForm(f): CsrfForm<FormPairs>) -> AppResult<Response> {
    let token = f.get("token");
    let Some((s, slug, version)) = by_token(&data, &token).await? else { return invalid(&ctx) };
    let input = input_from_form(&f);
    let errors = match edit_by_signer(&data, &s, input.clone(), &version, ctx.tr).await {
        Ok(address_pending) => {
            let (s, _, _) = by_token(&data, &token).await?.ok_or_else(|| AppError::NotFound("signature".into()))?;
            let mut page =
                manage_page(&ctx, (&slug, &version, s.status.as_str()), &token, as_input(&s, &version), vec![], true);
            if address_pending {
                page = page.with_notice(ctx.tr.t_with(
                    "manage-email-pending",
                    "hours",
                    &crate::processing::signatures::EMAIL_LINK_HOURS.to_string(),
                ));
            }
            return Ok(private(render_status(StatusCode::OK, &page)?));
        }
        Err(SignError::Fields(e)) => e,
        Err(SignError::TooMany) => vec![],
        Err(SignError::App(e)) => return Err(e),
    };
    let page = manage_page(&ctx, (&slug, &version, s.status.as_str()), &token, input, errors, false);
    Ok(private(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?))
}

/// The link mailed to a new address: the signature takes it.
async fn email_confirm(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let (status, text, class) = match confirm_new_address(&data, &q.token.unwrap_or_default()).await {
        Ok(true) => (StatusCode::OK, "email-change-done", "notice"),
        Ok(false) => (StatusCode::NOT_FOUND, "email-change-invalid", "alert"),
        Err(AppError::Conflict(_)) => (StatusCode::CONFLICT, "email-change-taken", "alert"),
        Err(e) => return Err(e),
    };
    Ok(private(message(&ctx, status, "manage-title", text, class)?))
}

/// Everything kept about the signer, as JSON (right of access and portability).
async fn export(State(data): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    let Some((s, slug, version)) = by_token(&data, &token).await? else { return invalid(&ctx) };
    Ok(export_response(&s, &slug, &version))
}

/// Everything kept about a signatory, as the signer downloads it. Fields in alphabetical order:
/// the order the document has always had (it was a JSON map).
#[derive(Serialize)]
struct SignatoryExport<'a> {
    charter_version: &'a str,
    commune: &'a str,
    confirmed_at: Option<String>,
    decided_at: Option<String>,
    domains: &'a crate::domain::list::List<String>,
    email: Option<&'a str>,
    governance: &'a str,
    kind: &'a crate::domain::signatory::Kind,
    legal_form: &'a str,
    listed: bool,
    name: &'a str,
    partners: &'a str,
    phone: Option<&'a str>,
    postal_address: Option<&'a str>,
    representative_name: &'a str,
    representative_role: &'a str,
    roles: &'a crate::domain::list::List<String>,
    signed_at: Option<String>,
    status: &'a crate::domain::signatory::Status,
    territory: &'a str,
    website: &'a str,
}

/// A signatory's whole record as a JSON download (the signer's export, or an admin's on request).
pub fn export_response(s: &SignatoryPrivate, slug: &str, version: &str) -> Response {
    let time = |t: Option<i64>| t.map(|t| crate::domain::millis_to_datetime(t).to_rfc3339());
    let doc = SignatoryExport {
        charter_version: version,
        commune: &s.commune,
        confirmed_at: time(s.confirmed_at),
        decided_at: time(s.decided_at),
        domains: &s.domains,
        email: s.email.as_deref(),
        governance: &s.governance,
        kind: &s.kind,
        legal_form: &s.legal_form,
        listed: s.listed != 0,
        name: &s.name,
        partners: &s.partners,
        phone: s.phone.as_deref(),
        postal_address: s.postal_address.as_deref(),
        representative_name: &s.representative_name,
        representative_role: &s.representative_role,
        roles: &s.roles,
        signed_at: time(Some(s.created_at)),
        status: &s.status,
        territory: slug,
        website: &s.website,
    };
    let mut res = private(axum::Json(doc).into_response());
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"ma-signature-cces.json\""),
    );
    res
}

async fn withdraw_post(
    State(data): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    let Some((s, _, _)) = by_token(&data, &f.get("token")).await? else { return invalid(&ctx) };
    if f.get("confirm") != "true" {
        return Err(AppError::Unprocessable("confirm: tick the box to withdraw".into()));
    }
    withdraw(&data, s.id, &format!("signatory #{}", s.id)).await?;
    message(&ctx, StatusCode::OK, "manage-title", "manage-withdrawn", "notice")
}

/// A signatory proposes good practices: drafts in their territory, for moderators to review and
/// publish; they may edit a proposal while it is a draft. Only signatures confirmed by email
/// (approved or awaiting approval) may.
#[derive(Debug, Deserialize)]
pub struct ProposalQuery {
    token: Option<String>,
    id: Option<PracticeId>,
}

fn author_of(s: &SignatoryPrivate) -> String {
    format!("signatory:{}", s.id)
}

/// One of the signatory's own proposals, still a draft.
async fn own_draft(state: &AppState, s: &SignatoryPrivate, id: PracticeId) -> AppResult<Option<PracticeRow>> {
    Ok(state
        .store
        .practice(id)
        .await?
        .filter(|p| p.author == author_of(s) && !p.is_published() && p.territory_id == Some(s.territory_id)))
}

async fn practice_form(
    data: &AppState,
    ctx: &Ctx,
    (s, token): (&SignatoryPrivate, &str),
    editing: Option<PracticeId>,
    v: crate::domain::practice::PracticeInput,
    errors: crate::domain::signatory::FieldErrors,
) -> AppResult<Response> {
    let structures = super::admin::practices_structures(data, s.territory_id).await?;
    let mut hidden = vec![("token", token.to_string())];
    hidden.extend(editing.map(|id| ("id", id.to_string())));
    let setup = super::practice_form::FormSetup {
        ctx,
        title: ctx.tr.t(if editing.is_some() { "manage-practice-edit" } else { "manage-practice" }),
        action: "/signature/manage/practice".into(),
        hidden,
        intro: ctx.tr.t("manage-practice-intro"),
        submit: ctx.tr.t("save"),
        structures: &structures,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut page = super::practice_form::page(setup, v, errors);
    let encoded = percent_encoding::utf8_percent_encode(token, percent_encoding::NON_ALPHANUMERIC).to_string();
    page.proposals = data
        .store
        .practices_by_author(s.territory_id, &author_of(s))
        .await?
        .into_iter()
        .map(|p| {
            let link = (!p.is_published()).then(|| format!("/signature/manage/practice?token={encoded}&id={}", p.id));
            (link, p.title, ctx.tr.t(&format!("status-{}", p.status)))
        })
        .collect();
    Ok(private(render_status(status, &page)?))
}

fn may_propose(s: &SignatoryPrivate) -> bool {
    may_propose_status(s.status.as_str())
}

/// Only a signature confirmed by email (accepted or awaiting a decision) may propose practices.
pub fn may_propose_status(status: &str) -> bool {
    matches!(status, "approved" | "confirmed")
}

async fn practice_page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<ProposalQuery>) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    let Some((s, _, _)) = by_token(&data, &token).await?.filter(|(s, _, _)| may_propose(s)) else {
        return invalid(&ctx);
    };
    let input = match q.id {
        Some(id) => match own_draft(&data, &s, id).await? {
            Some(p) => crate::processing::practices::as_input(&p),
            None => return invalid(&ctx),
        },
        None => Default::default(),
    };
    practice_form(&data, &ctx, (&s, &token), q.id, input, vec![]).await
}

async fn practice_save(
    State(data): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    use crate::processing::practices::{PracticeError, create_audited, replace_audited};
    const PROPOSE: &str = "practice.propose";
    let token = f.get("token");
    let Some((s, slug, _)) = by_token(&data, &token).await?.filter(|(s, _, _)| may_propose(s)) else {
        return invalid(&ctx);
    };
    let editing = f.get("id").parse::<PracticeId>().ok();
    if let Some(id) = editing
        && own_draft(&data, &s, id).await?.is_none()
    {
        return invalid(&ctx);
    }
    let (input, mut errors) = super::practice_form::input_from_form(&f, ctx.tr.lang);
    if errors.is_empty() {
        let author = author_of(&s);
        let saved = match editing {
            Some(id) => replace_audited(&data, id, input.clone(), &author, Some(PROPOSE)).await.map(|()| id),
            None => create_audited(&data, &slug, &input, &author, Some(PROPOSE)).await,
        };
        match saved {
            Ok(_) => {
                return message(&ctx, StatusCode::OK, "manage-practice", "manage-practice-sent", "notice");
            }
            Err(PracticeError::Fields(e)) => errors = e,
            Err(PracticeError::App(e)) => return Err(e),
        }
    }
    practice_form(&data, &ctx, (&s, &token), editing, input, errors).await
}
