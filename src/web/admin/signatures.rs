//! Admin console: charter versions, contact export, a signature's record and correction on
//! the signer's request, withdrawal (moderation itself: `moderation.rs`).

use super::*;
use crate::domain::ids::SignatoryId;
use axum::extract::Path;

/// The one place contact details leave the instance: a CSV for administrators, audited.
pub(super) async fn signatures_export(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    let account = ctx.require(Role::Admin)?.clone();
    let t = selected_territory(&data, &q).await?;
    let mut out = crate::web::csv::Csv::new(&[
        "id",
        "status",
        "kind",
        "name",
        "roles",
        "legal_form",
        "domains",
        "website",
        "commune",
        "representative_name",
        "representative_role",
        "email",
        "phone",
        "postal_address",
        "listed",
        "created_at",
    ])?;
    let rows = data.store.signatories_private(t.id).await?;
    for s in &rows {
        let created = crate::domain::millis_to_datetime(s.created_at).to_rfc3339();
        let listed = if s.listed != 0 { "yes" } else { "no" };
        out.row(&[
            &s.id.to_string(),
            s.status.as_str(),
            s.kind.as_str(),
            &s.name,
            &s.roles.joined(),
            &s.legal_form,
            &s.domains.joined(),
            &s.website,
            &s.commune,
            &s.representative_name,
            &s.representative_role,
            s.email.as_deref().unwrap_or(""),
            s.phone.as_deref().unwrap_or(""),
            s.postal_address.as_deref().unwrap_or(""),
            listed,
            &created,
        ])?;
    }
    data.store.audit(&account.email, "signatures.export_contacts", &format!("{}: {} rows", t.slug, rows.len())).await?;
    Ok(crate::web::private(out.into_response()?))
}

/// Withdrawal on the signer's request, by an administrator (recorded without personal data).
pub(super) async fn signatures_withdraw(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let id: SignatoryId =
        f.get("id").trim().parse().map_err(|_| AppError::Unprocessable("id: a signature number".into()))?;
    processing::signatures::withdraw(&data, id, &account.email).await?;
    Ok(back(AdminPath::signatures().of(&q.t.unwrap_or_default())))
}

pub(super) async fn charter_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "charter-title", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    page.tables.push(Table {
        empty: String::new(),
        title: tr.t("charter-versions"),
        headers: vec![tr.t("charter-title"), tr.t("when")],
        rows: data
            .store
            .charters(t.id)
            .await?
            .into_iter()
            .map(|c| Row { key: c.version.clone(), cells: vec![c.version, tr.datetime(c.published_at)] })
            .collect(),
        actions: vec![],
    });
    page.forms.push(FormDef {
        action: AdminPath::charter().of(&t.slug).into(),
        title: tr.t("charter-import"),
        fields: vec![
            Field { name: "version", label: tr.t("charter-version-label"), kind: "text", value: String::new() },
            Field { name: "content", label: tr.t("charter-content"), kind: "textarea", value: String::new() },
        ],
        submit: tr.t("save"),
    });
    render_status(StatusCode::OK, &page)
}

pub(super) async fn charter_import(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let t = selected_territory(&data, &q).await?;
    processing::signatures::import_charter(&data, &t.slug, &f.get("content"), &f.get("version"), &account.email)
        .await?;
    Ok(back(AdminPath::charter().of(&t.slug)))
}

async fn signature_record(
    data: &AppState,
    id: SignatoryId,
) -> AppResult<(crate::storage::signatories::SignatoryPrivate, String, String)> {
    let s = data.store.signatory_private(id).await?.filter(|s| s.status != crate::domain::signatory::Status::Withdrawn);
    let s = s.ok_or_else(|| AppError::NotFound("signature".into()))?;
    let slug = data.store.territory_by_id(s.territory_id).await?.map(|t| t.slug).unwrap_or_default();
    let version = data.store.charter_version(s.charter_id).await?;
    Ok((s, slug, version.unwrap_or_default()))
}

/// A signatory's record for an administrator acting on the signer's request: `<id>.json`
/// downloads it (access, portability), `<id>` shows it as an editable form. Both audited by id.
pub(super) async fn signature_export(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let account = ctx.require(Role::Admin)?.clone();
    let json = id.ends_with(".json");
    let id: SignatoryId = id.trim_end_matches(".json").parse().map_err(|_| AppError::NotFound("signature".into()))?;
    let (s, slug, version) = signature_record(&data, id).await?;
    if json {
        data.store.audit(&account.email, "signature.export", &format!("signature #{id}")).await?;
        return Ok(crate::web::signer::export_response(&s, &slug, &version));
    }
    data.store.audit(&account.email, "signature.view", &format!("signature #{id}")).await?;
    let input = crate::web::signer::as_input(&s, &version);
    let page = crate::web::sign_form::admin_edit_page(&ctx, &slug, &version, id, input, vec![], false);
    Ok(crate::web::private(render_status(StatusCode::OK, &page)?))
}

pub(super) async fn signature_edit(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let id: SignatoryId = id.parse().map_err(|_| AppError::NotFound("signature".into()))?;
    let (s, slug, version) = signature_record(&data, id).await?;
    let input = crate::web::sign_form::input_from_form(&f);
    let errors = match processing::signatures::edit(&data, &s, input.clone(), &version, &account.email).await {
        Ok(()) => return Ok(back(AdminPath::signature_record(id))),
        Err(processing::signatures::SignError::Fields(e)) => e,
        Err(processing::signatures::SignError::TooMany) => vec![],
        Err(processing::signatures::SignError::App(e)) => return Err(e),
    };
    let page = crate::web::sign_form::admin_edit_page(&ctx, &slug, &version, id, input, errors, false);
    Ok(crate::web::private(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?))
}
