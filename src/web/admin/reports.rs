//! The report queue (issue 15, point 2): open and resolved reports, one report with the
//! content as it was when reported, the decisions (hide the comment, unpublish, block the
//! actor for the territory, block the domain, dismiss) and forwarding to the origin. The
//! reporter's email shows here only (moderators).

use super::*;
use crate::{
    domain::report::{Decision, LogKind, ReportStatus},
    processing::reports,
    text::html::clean,
};

pub struct ListRow {
    id: i64,
    when: String,
    kind: String,
    label: String,
    source: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ReportsPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    status: &'static str,
    rows: Vec<ListRow>,
    kinds: Vec<(&'static str, String, bool)>,
}

#[derive(Template)]
#[template(path = "admin/report.html")]
struct ReportPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    id: i64,
    when: String,
    kind: String,
    target: String,
    label: String,
    source: String,
    reporter: Option<String>,
    reason: String,
    status: String,
    snapshot: String,
    open: bool,
    remote: bool,
    forwarded: bool,
    decisions: Vec<(&'static str, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    saved: Option<String>,
}

pub(super) async fn list_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let tr = ctx.tr;
    let status = match q.status.as_deref() {
        Some("resolved") => ReportStatus::Resolved,
        _ => ReportStatus::Open,
    };
    let rows = data
        .store
        .reports(status, 200, 0)
        .await?
        .into_iter()
        .map(|r| ListRow {
            id: r.id,
            when: crate::text::time::format(r.created_at, tr.lang, data.config.time_zone),
            kind: tr.t(&format!("report-kind-{}", r.target_kind)),
            label: r.target_label,
            source: tr.t(&format!("report-source-{}", r.source)),
            reason: r.reason.chars().take(200).collect(),
        })
        .collect();
    let public = reports::public_log_kinds(&data).await?;
    let kinds =
        LogKind::ALL.iter().map(|k| (k.as_str(), tr.t(&format!("modlog-kind-{k}")), public.contains(k))).collect();
    let page = ReportsPage {
        l: Layout::new(&ctx, tr.t("reports-title")),
        is_admin: ctx.is_admin(),
        slug: data.config.default_territory.to_string(),
        notice: q.saved.as_ref().map(|_| tr.t("saved")),
        alert: None,
        status: status.as_str(),
        rows,
        kinds,
    };
    render_status(StatusCode::OK, &page)
}

pub(super) async fn report_page(
    State(data): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let tr = ctx.tr;
    let r = data.store.report(id).await?.ok_or_else(|| AppError::NotFound(format!("report {id}")))?;
    let remote = r.target_actor.is_some();
    let decisions = Decision::ALL
        .iter()
        .filter(|d| d.fits(r.target_kind))
        .filter(|d| remote || !matches!(d, Decision::BlockActor | Decision::BlockDomain))
        .filter(|d| *d != &Decision::Unpublish || r.target_actor.is_none())
        .map(|d| (d.as_str(), tr.t(&format!("reports-decision-{d}"))))
        .collect();
    let reporter = match (&r.reporter_email, &r.reporter_actor) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(a)) => Some(a.clone()),
        _ => None,
    };
    let page = ReportPage {
        l: Layout::new(&ctx, format!("{} #{id}", tr.t("reports-title"))),
        is_admin: ctx.is_admin(),
        slug: data.config.default_territory.to_string(),
        notice: q.saved.as_ref().map(|_| tr.t("saved")),
        alert: None,
        id,
        when: crate::text::time::format(r.created_at, tr.lang, data.config.time_zone),
        kind: tr.t(&format!("report-kind-{}", r.target_kind)),
        target: r.target_ap_id.clone(),
        label: r.target_label.clone(),
        source: tr.t(&format!("report-source-{}", r.source)),
        reporter,
        reason: r.reason.clone(),
        status: tr.t(&format!("reports-status-{}", r.status)),
        // Stored sanitised; cleaned again on the way out all the same.
        snapshot: clean(&r.snapshot).into_string(),
        open: r.status == ReportStatus::Open,
        remote,
        forwarded: r.forwarded_at.is_some(),
        decisions,
    };
    Ok(super::super::private(render_status(StatusCode::OK, &page)?))
}

pub(super) async fn decide(
    State(data): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let decision =
        Decision::parse(&f.get("decision")).ok_or_else(|| AppError::Unprocessable("choose a decision".into()))?;
    reports::decide(&data, id, decision, &f.get("reason"), &account.email).await?;
    Ok(back(AdminPath::report(id)))
}

pub(super) async fn forward(
    State(data): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    reports::forward(&data, id, &f.get("comment"), &account.email).await?;
    Ok(back(AdminPath::report(id)))
}

pub(super) async fn settings(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let kinds: Vec<LogKind> = f.get_all("kinds").iter().filter_map(|k| LogKind::parse(k)).collect();
    reports::set_public_log_kinds(&data, &kinds, &account.email).await?;
    Ok(back(AdminPath::reports()))
}

/// The instance's domain blocks in Mastodon's CSV format.
pub fn domain_blocks_csv(blocks: &[crate::storage::hosts::DomainBlockRow]) -> AppResult<String> {
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(crate::processing::domains::CSV_HEADER).map_err(AppError::internal)?;
    for b in blocks {
        let flag = |f: crate::storage::Flag| if f.0 { "true" } else { "false" };
        w.write_record([
            b.domain.as_str(),
            b.severity.as_str(),
            flag(b.reject_media),
            flag(b.reject_reports),
            &crate::web::csv::neutralise(&b.reason),
            flag(b.obfuscate),
        ])
        .map_err(AppError::internal)?;
    }
    String::from_utf8(w.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)
}

/// `GET /admin/domains.csv`: the instance's domain blocks as Mastodon exports them.
pub(super) async fn domains_export(State(data): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let csv = domain_blocks_csv(&data.store.all_domain_blocks().await?)?;
    let mut res = csv.into_response();
    let headers = res.headers_mut();
    headers.insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("text/csv; charset=utf-8"));
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"domain_blocks.csv\""),
    );
    Ok(res)
}

/// `POST /admin/domains/import` (field `csv`): a Mastodon CSV of domain blocks, all or nothing.
pub(super) async fn domains_import(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    crate::processing::domains::import_csv(&data, &f.get("csv"), &account.email).await?;
    Ok(back(AdminPath::domains()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn mastodon_csv_round_trips() {
        let text = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                    spam.example,suspend,true,true,Spam,false\nnoisy.example,limit,false,false,\"Trop de bruit, parfois\",true\n";
        let blocks = crate::processing::domains::parse_csv(text).expect("parse");
        assert_eq!(super::domain_blocks_csv(&blocks).expect("export"), text);
    }
}
