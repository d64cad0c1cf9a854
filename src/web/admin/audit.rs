//! The audit log, readable: actions in words ("Signature refusée : Nom (motif)"), names beside
//! ids, times in the instance's zone; searched and paged. Logins and views of a record are
//! routine: hidden unless asked for, so that they do not bury real actions.

use std::collections::HashMap;

use super::listing::{PER_PAGE, Pager, page_and_offset};
use super::*;
use crate::{storage::admin::AuditRow, web::i18n::Tr};

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    q: Option<String>,
    routine: Option<String>,
    page: Option<i64>,
}

pub struct Entry {
    pub when: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    q: String,
    routine: bool,
    entries: Vec<Entry>,
    pager: Pager,
}

/// The number after `#` or after `<word> ` in a detail ("signature #12", "practice 7").
fn number_after(detail: &str, marker: &str) -> Option<i64> {
    let rest = &detail[detail.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Names and titles the entries refer to, looked up once for the page.
pub struct Names {
    signatures: HashMap<i64, (String, Option<String>)>,
    practices: HashMap<i64, String>,
}

impl Names {
    pub async fn of(data: &AppState, rows: &[AuditRow]) -> AppResult<Names> {
        let sig_ids: Vec<i64> = rows.iter().filter_map(|r| number_after(&r.detail, "signature #")).collect();
        let practice_ids: Vec<i64> = rows.iter().filter_map(|r| number_after(&r.detail, "practice ")).collect();
        Ok(Names {
            signatures: data.store.signatory_names(&sig_ids).await?.into_iter().map(|(i, n, r)| (i, (n, r))).collect(),
            practices: data.store.practice_titles(&practice_ids).await?.into_iter().collect(),
        })
    }
}

/// What an entry says, in words: the action, then its object by name where one is known.
pub fn describe(tr: Tr, row: &AuditRow, names: &Names) -> (String, String) {
    let key = format!("audit-{}", row.action.replace(['.', '_'], "-"));
    let what = if tr.has(&key) { tr.t(&key) } else { row.action.clone() };
    let detail = if let Some(id) = number_after(&row.detail, "signature #") {
        match names.signatures.get(&id) {
            Some((name, Some(reason))) if row.action == "signature.reject" => format!("{name} ({reason})"),
            Some((name, _)) => format!("{name} (n° {id})"),
            None => tr.t_with("audit-signature-gone", "id", &id.to_string()),
        }
    } else if let Some(id) = number_after(&row.detail, "practice ") {
        match names.practices.get(&id) {
            Some(title) => format!("« {title} »"),
            None => tr.t_with("audit-practice-gone", "id", &id.to_string()),
        }
    } else if row.action == "territory.icon" {
        // "slug: 2526 bytes" → "slug (3 ko)"
        let (slug, size) = row.detail.split_once(':').unwrap_or((&row.detail, ""));
        let bytes: i64 = size.trim().trim_end_matches(" bytes").parse().unwrap_or(0);
        let kb = (bytes + 1023) / 1024;
        format!("{slug} ({} {})", tr.number(kb), tr.t("kilobytes"))
    } else {
        row.detail.clone()
    };
    (what, detail)
}

pub fn entries(tr: Tr, rows: &[AuditRow], names: &Names) -> Vec<Entry> {
    rows.iter()
        .map(|r| {
            let (what, detail) = describe(tr, r, names);
            Entry { when: tr.datetime(r.created_at), who: r.actor.clone(), what, detail }
        })
        .collect()
}

pub(super) async fn audit_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AuditQuery>) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let tr = ctx.tr;
    let text = q.q.clone().unwrap_or_default();
    let routine = q.routine.as_deref() == Some("1");
    let (page, offset) = page_and_offset(q.page);
    let (rows, total) = data.store.search_audit(&text, routine, PER_PAGE, offset).await?;
    let names = Names::of(&data, &rows).await?;
    let params = [("q", text.as_str()), ("routine", if routine { "1" } else { "" })];
    let pager = Pager::new(tr, "/admin/audit", &params, page, total);
    let page = AuditPage {
        l: Layout::new(&ctx, tr.t("admin-audit")),
        is_admin: ctx.is_admin(),
        slug: data.config.default_territory.to_string(),
        notice: None,
        alert: None,
        q: text,
        routine,
        entries: entries(tr, &rows, &names),
        pager,
    };
    Ok(crate::web::private(render_status(StatusCode::OK, &page)?))
}
