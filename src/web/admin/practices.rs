//! Admin console: the territory's practices (drafts and published), written and edited with
//! the shared practice form; publishing happens on the practice's page.

use super::*;
use crate::domain::ids::PracticeId;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{practice::PracticeInput, signatory::FieldErrors},
    processing::practices::{self as proc, PracticeError},
    storage::signatories::DirectoryFilter,
    web::csrf_form::CsrfForm,
    web::practice_form::{self, FormSetup},
};
use axum::extract::Path;

#[derive(Template)]
#[template(path = "admin/practices.html")]
struct PracticesPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    rows: Vec<(PracticeId, String, String, String)>,
    q: String,
    status: String,
    statuses: Vec<(&'static str, String)>,
    pager: super::listing::Pager,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct PracticeListQuery {
    t: Option<String>,
    saved: Option<String>,
    q: Option<String>,
    status: Option<String>,
    page: Option<i64>,
}

/// The territory's practices: searched (title, summary, commune), filtered by status, paged.
pub(super) async fn list_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(lq): Query<PracticeListQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let q = AdminQuery { t: lq.t.clone(), saved: lq.saved.clone() };
    let t = selected_territory(&data, &q).await?;
    let tr = ctx.tr;
    let status = lq.status.clone().filter(|s| s == "draft" || s == "published").unwrap_or_default();
    let text = lq.q.clone().unwrap_or_default();
    let (page, offset) = super::listing::page_and_offset(lq.page);
    let (found, total) = data
        .store
        .console_practices(
            t.id,
            crate::domain::practice::Status::parse(&status),
            &text,
            super::listing::PER_PAGE,
            offset,
        )
        .await?;
    let rows = found
        .into_iter()
        .map(|(id, title, status, updated)| (id, title, tr.t(&format!("status-{status}")), tr.datetime(updated)))
        .collect();
    let params = [("t", t.slug.as_str()), ("q", text.as_str()), ("status", status.as_str())];
    let pager = super::listing::Pager::new(tr, AdminPath::practices().path(), &params, page, total);
    let page = PracticesPage {
        l: Layout::new(&ctx, tr.t("admin-practices")),
        is_admin: ctx.is_admin(),
        slug: t.slug.clone(),
        notice: match q.saved.as_deref() {
            Some("deleted") => Some(tr.t("notice-practice-deleted")),
            _ => saved_notice(&ctx, &q),
        },
        alert: None,
        rows,
        q: text,
        status,
        statuses: vec![
            ("", tr.t("practice-status-all")),
            ("draft", tr.t("status-draft")),
            ("published", tr.t("status-published")),
        ],
        pager,
    };
    render_status(StatusCode::OK, &page)
}

/// Listed structures of the territory, to tick those involved.
pub async fn structures(
    state: &AppState,
    territory_id: TerritoryId,
) -> AppResult<Vec<crate::storage::signatories::SignatoryPublic>> {
    let f = DirectoryFilter { kind: Some("structure".into()), ..Default::default() };
    state.store.directory(territory_id, &f).await
}

async fn form(
    data: &AppState,
    ctx: &Ctx,
    t: &TerritoryRow,
    id: Option<PracticeId>,
    v: PracticeInput,
    errors: FieldErrors,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let structures = structures(data, t.id).await?;
    let (title, action) = match id {
        Some(id) => (tr.t("practice-edit"), AdminPath::practice(id).of(&t.slug).to_string()),
        None => (tr.t("practice-new"), AdminPath::practice_new().of(&t.slug).to_string()),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let setup = FormSetup {
        ctx,
        title,
        action,
        hidden: vec![],
        intro: tr.t("practice-form-intro"),
        submit: tr.t("save"),
        structures: &structures,
    };
    let mut page = practice_form::page(setup, v, errors);
    page.admin_menu = true;
    page.is_admin = ctx.is_admin();
    page.slug = t.slug.clone();
    render_status(status, &page)
}

pub(super) async fn new_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    form(&data, &ctx, &t, None, PracticeInput::default(), vec![]).await
}

pub(super) async fn new_save(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    save(&data, &ctx, &q, None, form).await
}

/// Creates (`id` None) or replaces a practice from the posted form; errors re-show the form.
async fn save(
    data: &AppState,
    ctx: &Ctx,
    q: &AdminQuery,
    id: Option<PracticeId>,
    posted_form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(ctx, Role::Moderator, posted_form)?;
    let t = selected_territory(data, q).await?;
    let (input, mut errors) = practice_form::input_from_form(&f, ctx.tr.lang);
    if errors.is_empty() {
        let saved = match id {
            Some(id) => proc::replace(data, id, input.clone(), &account.email).await.map(|()| id),
            None => proc::create(data, &t.slug, &input, &account.email).await,
        };
        match saved {
            Ok(id) => {
                return Ok(Redirect::to(&format!("{}?n=saved", data.urls.practice_page(id).path())).into_response());
            }
            Err(PracticeError::Fields(e)) => errors = e,
            Err(PracticeError::App(e)) => return Err(e),
        }
    }
    form(data, ctx, &t, id, input, errors).await
}

pub(super) async fn edit_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    let p = proc::local(&data, id).await?;
    form(&data, &ctx, &t, Some(id), proc::as_input(&p), vec![]).await
}

pub(super) async fn edit_save(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    Query(q): Query<AdminQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    save(&data, &ctx, &q, Some(id), form).await
}
