//! Admin console: moderating signatures. The list (search, status filter, pages) lets a
//! coordinator approve a row or reject it with a reason where it stands, or many at once; each
//! row links to the signature's details. A refused action re-renders the page with the error
//! beside the field and what was typed kept.

use super::listing::{PER_PAGE, Pager, page_and_offset, return_path};
use super::*;
use crate::domain::ids::SignatoryId;
use crate::storage::moderation::SignatureSearch;
use axum::extract::Path;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    t: Option<String>,
    q: Option<String>,
    status: Option<String>,
    page: Option<i64>,
    done: Option<String>,
    n: Option<i64>,
}

pub struct SignatureRow {
    pub id: SignatoryId,
    pub name: String,
    pub kind: String,
    pub commune: String,
    pub received: String,
    pub status: String,
    pub pending: bool,
    /// The reason typed in this row's reject form, kept after an error.
    pub reason: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/signatures.html")]
struct SignaturesPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    q: String,
    status: String,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<SignatureRow>,
    pager: Pager,
    here: String,
    bulk_reason: String,
    bulk_error: Option<String>,
}

/// Status filter choices; the first (waiting) is the default.
const STATUSES: [&str; 4] = ["confirmed", "approved", "rejected", "all"];

pub fn status_label(tr: crate::web::i18n::Tr, status: &str) -> String {
    tr.t(&format!("moderation-signature-status-{status}"))
}

/// A notice saying what the last action did ("2 signatures acceptées.").
fn done_notice(tr: crate::web::i18n::Tr, done: Option<&str>, n: Option<i64>) -> Option<String> {
    let key = match done? {
        "approve" => "decided-approved",
        "reject" => "decided-rejected",
        _ => return None,
    };
    Some(tr.plural(key, n.unwrap_or(1)))
}

async fn list(data: &AppState, ctx: &Ctx, q: &ListQuery) -> AppResult<SignaturesPage> {
    let tr = ctx.tr;
    let t = selected_territory(data, &AdminQuery { t: q.t.clone(), saved: None }).await?;
    let status = q.status.clone().filter(|s| STATUSES.contains(&s.as_str())).unwrap_or_else(|| "confirmed".into());
    let text = q.q.clone().unwrap_or_default();
    let (page, offset) = page_and_offset(q.page);
    let search = SignatureSearch {
        status: if status == "all" { String::new() } else { status.clone() },
        text: text.clone(),
        limit: PER_PAGE,
        offset,
    };
    let (found, total) = data.store.search_signatures(t.id, &search).await?;
    let rows = found
        .into_iter()
        .map(|s| SignatureRow {
            id: s.id,
            kind: tr.t(&format!("kind-{}", s.kind)),
            commune: s.commune,
            received: tr.datetime(s.confirmed_at.unwrap_or(s.created_at)),
            status: match &s.reject_reason {
                Some(reason) if s.status == crate::domain::signatory::Status::Rejected => {
                    format!("{} : {reason}", status_label(tr, s.status.as_str()))
                }
                _ => status_label(tr, s.status.as_str()),
            },
            pending: s.status == crate::domain::signatory::Status::Confirmed,
            name: s.name,
            reason: String::new(),
            error: None,
        })
        .collect();
    let params = [("t", t.slug.as_str()), ("q", text.as_str()), ("status", status.as_str())];
    let pager = Pager::new(tr, AdminPath::signatures().path(), &params, page, total);
    // Where actions come back to: this list, with its search (never the action's own URL,
    // when the page is re-rendered after a refused action).
    let mut here = AdminPath::signatures();
    for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
        here = here.with(k, v);
    }
    if page > 1 {
        here = here.with("page", page);
    }
    let here = here.to_string();
    Ok(SignaturesPage {
        l: Layout::new(ctx, tr.t("admin-signatures")),
        is_admin: ctx.is_admin(),
        slug: t.slug,
        notice: done_notice(tr, q.done.as_deref(), q.n),
        alert: None,
        q: text,
        statuses: STATUSES.iter().map(|s| (*s, status_label(tr, s))).collect(),
        status,
        rows,
        pager,
        here,
        bulk_reason: String::new(),
        bulk_error: None,
    })
}

pub(super) async fn signatures_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let page = list(&data, &ctx, &q).await?;
    Ok(crate::web::private(render_status(StatusCode::OK, &page)?))
}

/// Why a decision could not be taken, in the coordinator's words; other errors stay errors.
pub(super) fn decision_error(tr: crate::web::i18n::Tr, e: AppError) -> AppResult<String> {
    match e {
        AppError::Conflict(_) | AppError::NotFound(_) => Ok(tr.t("decision-not-waiting")),
        AppError::Unprocessable(_) => Ok(tr.t("reject-reason-missing")),
        e => Err(e),
    }
}

/// A refusal needs a reason the signer will read (at most 1000 characters).
pub(super) fn check_reason(tr: crate::web::i18n::Tr, approve: bool, reason: &str) -> Result<(), String> {
    let n = reason.trim().chars().count();
    if approve || (1..=1000).contains(&n) { Ok(()) } else { Err(tr.t("reject-reason-missing")) }
}

/// The list URL (with its search) the form was posted from, as a query for re-rendering.
fn list_query_of(path: &str) -> ListQuery {
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut q = ListQuery::default();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "t" => q.t = Some(v.into_owned()),
            "q" => q.q = Some(v.into_owned()),
            "status" => q.status = Some(v.into_owned()),
            "page" => q.page = v.parse().ok(),
            _ => {}
        }
    }
    q
}

fn with_done(path: &str, decision: &str, n: usize) -> String {
    let base: String = path
        .split_once('?')
        .map(|(p, q)| {
            let kept: Vec<String> = url::form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "done" && k != "n")
                .map(|(k, v)| format!("{}={}", urlencode(&k), urlencode(&v)))
                .collect();
            if kept.is_empty() { p.to_string() } else { format!("{p}?{}", kept.join("&")) }
        })
        .unwrap_or_else(|| path.to_string());
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}done={decision}&n={n}")
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One signature approved, or rejected with its reason, from its row or its details page.
pub(super) async fn signatures_decide(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(d): Query<super::network::DecisionQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let approve = d.decision == "approve";
    let id: SignatoryId =
        f.get("id").trim().parse().map_err(|_| AppError::BadRequest("id: a signature number".into()))?;
    let slug = f.get("t");
    let from = return_path(&f.get("return"), AdminPath::signatures().of(&slug).into());
    let reason = f.get("reason");
    let outcome = match check_reason(ctx.tr, approve, &reason) {
        Err(e) => Err(e),
        Ok(()) => match processing::signatures::decide(&data, id, approve, &reason, &account.email, ctx.tr).await {
            Ok(()) => Ok(()),
            Err(e) => Err(decision_error(ctx.tr, e)?),
        },
    };
    let error = match outcome {
        Ok(()) => return Ok(Redirect::to(&with_done(&from, &d.decision, 1)).into_response()),
        Err(e) => e,
    };
    if from.starts_with(&format!("{}/", AdminPath::signatures().path())) {
        let page = super::signature_detail::detail(&data, &ctx, id, reason, Some(error)).await?;
        return Ok(crate::web::private(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?));
    }
    let mut page = list(&data, &ctx, &list_query_of(&from)).await?;
    match page.rows.iter_mut().find(|r| r.id == id) {
        Some(row) => {
            row.reason = reason;
            row.error = Some(error);
        }
        None => page.alert = Some(error),
    }
    Ok(crate::web::private(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?))
}

/// Many signatures at once: the ticked rows approved, or all rejected with one reason.
pub(super) async fn signatures_bulk(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let tr = ctx.tr;
    let decision = f.get("decision");
    let approve = decision == "approve";
    if !approve && decision != "reject" {
        return Err(AppError::BadRequest("decision: approve or reject".into()));
    }
    let slug = f.get("t");
    let from = return_path(&f.get("return"), AdminPath::signatures().of(&slug).into());
    let ids: Vec<SignatoryId> = f.get_all("ids").iter().filter_map(|i| i.trim().parse().ok()).collect();
    let reason = f.get("reason");
    let refuse = |page: &mut SignaturesPage, message: String, field: bool| {
        page.bulk_reason = reason.clone();
        if field {
            page.bulk_error = Some(message);
        } else {
            page.alert = Some(message);
        }
    };
    if ids.is_empty() || check_reason(tr, approve, &reason).is_err() {
        let mut page = list(&data, &ctx, &list_query_of(&from)).await?;
        match ids.is_empty() {
            true => refuse(&mut page, tr.t("bulk-none-selected"), false),
            false => refuse(&mut page, tr.t("reject-reason-missing"), true),
        }
        return Ok(crate::web::private(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?));
    }
    let mut done = 0;
    let mut skipped = 0;
    for id in &ids {
        match processing::signatures::decide(&data, *id, approve, &reason, &account.email, tr).await {
            Ok(()) => done += 1,
            Err(e) => {
                decision_error(tr, e)?;
                skipped += 1;
            }
        }
    }
    if skipped > 0 {
        let mut page = list(&data, &ctx, &list_query_of(&from)).await?;
        let (done_s, skipped_s) = (done.to_string(), skipped.to_string());
        refuse(&mut page, tr.t_args("bulk-partly", &[("done", &done_s), ("skipped", &skipped_s)]), false);
        return Ok(crate::web::private(render_status(StatusCode::CONFLICT, &page)?));
    }
    Ok(Redirect::to(&with_done(&from, &decision, done)).into_response())
}

/// A signature's details for the coordinator (moderators included: they decide on it).
pub(super) async fn signature_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let account = ctx.require(Role::Moderator)?.clone();
    let id: SignatoryId = id.parse().map_err(|_| AppError::NotFound("signature".into()))?;
    let mut page = super::signature_detail::detail(&data, &ctx, id, String::new(), None).await?;
    page.notice = done_notice(ctx.tr, q.done.as_deref(), q.n);
    data.store.audit(&account.email, "signature.view", &format!("signature #{id}")).await?;
    Ok(crate::web::private(render_status(StatusCode::OK, &page)?))
}

/// The coordinator's label for a stored signature's fields (comma lists translated).
pub fn translated_list(tr: crate::web::i18n::Tr, prefix: &str, list: &str) -> String {
    list.split(',').filter(|c| !c.is_empty()).map(|c| tr.t(&format!("{prefix}-{c}"))).collect::<Vec<_>>().join(", ")
}
