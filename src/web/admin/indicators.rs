//! Admin console: free indicators in use (given by practices, local or received, without a
//! reference id) and the form a moderator maps one with to a reference indicator (issue 13,
//! point 1). The mapping applies to the rows stored so far and to practices stored later.

use super::*;
use crate::domain::observatory::{REFERENCE, check_mapping};

/// Free indicators listed (the most given first).
const LISTED: i64 = 200;

pub(super) async fn page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    view(&data, &ctx, &q, StatusCode::OK, None).await
}

/// What was typed, and the field at fault with its message (a 422).
type Typed = (FormPairs, (&'static str, String));

async fn view(
    data: &AppState,
    ctx: &Ctx,
    q: &AdminQuery,
    status: StatusCode,
    failed: Option<Typed>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let mut page = AdminPage::new(ctx, "admin-indicators", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(ctx, q);
    let tr = ctx.tr;
    page.intro = tr.t("indicators-intro");
    page.tables.push(Table {
        empty: tr.t("indicators-empty"),
        title: tr.t("indicators-free"),
        headers: vec![
            tr.t("indicator-label"),
            tr.t("indicator-unit"),
            tr.t("indicator-dimension"),
            tr.t("indicator-practices"),
        ],
        rows: data
            .store
            .free_indicators(LISTED)
            .await?
            .into_iter()
            .map(|f| Row {
                key: f.label.clone(),
                cells: vec![f.label, f.unit, tr.t(&format!("dimension-{}", f.dimension)), f.practices.to_string()],
            })
            .collect(),
        actions: vec![],
    });
    let english = tr.lang == crate::text::i18n::Lang::En;
    page.choices =
        REFERENCE.iter().map(|r| (r.id.to_string(), format!("{} ({}) — {}", r.label(english), r.unit, r.id))).collect();
    let typed = |name: &str| failed.as_ref().map(|(f, _)| f.get(name)).unwrap_or_default();
    page.forms.push(FormDef {
        action: AdminPath::indicators().into(),
        title: tr.t("mapping-title"),
        fields: vec![
            Field { name: "label", label: tr.t("indicator-label"), kind: "text", value: typed("label") },
            Field { name: "unit", label: tr.t("indicator-unit"), kind: "text", value: typed("unit") },
            Field { name: "reference", label: tr.t("indicator-reference"), kind: "choice", value: typed("reference") },
        ],
        submit: tr.t("mapping-submit"),
    });
    if let Some((_, error)) = failed {
        page.errors = vec![error];
    }
    render_status(status, &page)
}

pub(super) async fn map(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let (label, unit, reference) = (f.get("label"), f.get("unit"), f.get("reference"));
    match check_mapping(&label, &unit, &reference) {
        Ok(r) => {
            processing::observatory::map_free_indicator(&data, &label, &unit, r.id, &account.email).await?;
            Ok(back(AdminPath::indicators()))
        }
        Err((field, key)) => {
            let q = AdminQuery { t: None, saved: None };
            let error = (field, ctx.tr.t(key));
            view(&data, &ctx, &q, StatusCode::UNPROCESSABLE_ENTITY, Some((f, error))).await
        }
    }
}
