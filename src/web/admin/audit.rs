//! The audit log, readable: actions in words ("Signature refusée : Nom (motif)"), names beside
//! ids, times in the instance's zone; searched and paged. Logins and views of a record are
//! routine: hidden unless asked for, so that they do not bury real actions.

use std::collections::HashMap;

use super::listing::{PER_PAGE, Pager, page_and_offset};
use super::*;
use crate::domain::ids::{PracticeId, SignatoryId};
use crate::{
    storage::{admin::AuditRow, moderation::AuditSearch},
    web::i18n::Tr,
};

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    q: Option<String>,
    kind: Option<String>,
    routine: Option<String>,
    page: Option<i64>,
}

/// The filter's choices: a label key and the action families it covers.
const KINDS: [(&str, &[&str]); 5] = [
    ("signatures", &["signature", "signatures"]),
    ("practices", &["practice", "comment"]),
    ("network", &["follower", "following", "domain"]),
    ("accounts", &["account", "login", "password", "token"]),
    ("settings", &["territory", "instance", "charter"]),
];

/// Every action the console records, so that a search in words finds them.
const ACTIONS: [&str; 42] = [
    "login",
    "account.create",
    "account.enable",
    "account.disable",
    "charter.import",
    "domain.block",
    "domain.unblock",
    "following.add",
    "following.remove",
    "follower.approve",
    "follower.reject",
    "instance.update",
    "instance.moderation_mail",
    "password.reset",
    "password.reset_requested",
    "practice.adopt",
    "practice.unadopt",
    "practice.comment",
    "practice.delete",
    "practice.propose",
    "practice.publish",
    "practice.unpublish",
    "practice.pin",
    "practice.unpin",
    "comment.hide",
    "comment.show",
    "signature.approve",
    "signature.reject",
    "signature.edit",
    "signature.email",
    "signature.view",
    "signature.export",
    "signature.withdraw",
    "signatures.export_contacts",
    "territory.update",
    "territory.icon",
    "token.create",
    "token.revoke",
    "subscription.add",
    "subscription.remove",
    "subscriber.approve",
    "subscriber.reject",
];

/// Actions whose words (in the reader's language) contain `text`.
fn actions_in_words(tr: Tr, text: &str) -> Vec<String> {
    let text = text.trim().to_lowercase();
    if text.is_empty() {
        return vec![];
    }
    ACTIONS
        .iter()
        .filter(|a| tr.t(&format!("audit-{}", a.replace(['.', '_'], "-"))).to_lowercase().contains(&text))
        .map(|a| a.to_string())
        .collect()
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
    kind: String,
    kinds: Vec<(&'static str, String)>,
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
    signatures: HashMap<SignatoryId, (String, Option<String>)>,
    practices: HashMap<PracticeId, String>,
}

impl Names {
    pub async fn of(data: &AppState, rows: &[AuditRow]) -> AppResult<Names> {
        let sig_ids: Vec<SignatoryId> =
            rows.iter().filter_map(|r| number_after(&r.detail, "signature #")).map(SignatoryId).collect();
        let practice_ids: Vec<PracticeId> =
            rows.iter().filter_map(|r| number_after(&r.detail, "practice ")).map(PracticeId).collect();
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
        match names.signatures.get(&SignatoryId(id)) {
            Some((name, Some(reason))) if row.action == "signature.reject" => format!("{name} ({reason})"),
            Some((name, _)) => format!("{name} (n° {id})"),
            None => tr.t_with("audit-signature-gone", "id", &id.to_string()),
        }
    } else if let Some(id) = number_after(&row.detail, "practice ") {
        match names.practices.get(&PracticeId(id)) {
            Some(title) => format!("« {title} »"),
            None => tr.t_with("audit-practice-gone", "id", &id.to_string()),
        }
    } else if row.action == "territory.icon" {
        // "slug: 2526 bytes" → "slug (3 ko)"
        let (slug, size) = row.detail.split_once(':').unwrap_or((&row.detail, ""));
        let bytes: i64 = size.trim().trim_end_matches(" bytes").parse().unwrap_or(0);
        let kb = (bytes + 1023) / 1024;
        format!("{slug} ({} {})", tr.number(kb), tr.t("kilobytes"))
    } else if row.action == "territory.update" {
        territory_fields(tr, &row.detail)
    } else {
        row.detail.clone()
    };
    (what, detail)
}

/// "slug: name=\"X\", summary, manually_approves_followers=true" in the reader's words.
fn territory_fields(tr: Tr, detail: &str) -> String {
    let yes_no = |v: &str| tr.t(if v == "true" { "yes" } else { "no" });
    let mut out = detail.to_string();
    for (code, key) in [
        ("manually_approves_followers=", "field-manual"),
        ("discoverable=", "audit-field-discoverable"),
        ("domains=", "field-domains"),
        ("name=", "field-name"),
    ] {
        if let Some(at) = out.find(code) {
            let rest = &out[at + code.len()..];
            let value = rest.split(", ").next().unwrap_or_default().to_string();
            let shown = match (code, value.as_str()) {
                (_, "true" | "false") => yes_no(&value),
                ("domains=", codes) => super::moderation::translated_list(tr, "domain", codes),
                _ => value.clone(),
            };
            out = format!("{}{} : {shown}{}", &out[..at], tr.t(key), &rest[value.len()..]);
        }
    }
    for (code, key) in [("summary", "field-summary"), ("perimeter", "field-perimeter")] {
        out = out.replace(&format!(", {code}"), &format!(", {}", tr.t(key)));
        out = out.replace(&format!(": {code}"), &format!(": {}", tr.t(key)));
    }
    out
}

pub fn entries(tr: Tr, rows: &[AuditRow], names: &Names) -> Vec<Entry> {
    rows.iter()
        .map(|r| {
            let (what, detail) = describe(tr, r, names);
            Entry { when: tr.datetime(r.created_at), who: r.actor.clone(), what, detail }
        })
        .collect()
}

pub(super) async fn audit_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let tr = ctx.tr;
    let text = q.q.clone().unwrap_or_default();
    let routine = q.routine.as_deref() == Some("1");
    let (page, offset) = page_and_offset(q.page);
    let kind = q.kind.clone().filter(|k| KINDS.iter().any(|(c, _)| c == k)).unwrap_or_default();
    let families = KINDS.iter().find(|(c, _)| *c == kind).map(|(_, f)| f.to_vec()).unwrap_or_default();
    let search = AuditSearch {
        actions: actions_in_words(tr, &text),
        signature_ids: data.store.signatory_ids_named(&text).await?,
        text: text.clone(),
        families: families.iter().map(|f| f.to_string()).collect(),
        routine,
        limit: PER_PAGE,
        offset,
    };
    let (rows, total) = data.store.search_audit(&search).await?;
    let names = Names::of(&data, &rows).await?;
    let params = [("q", text.as_str()), ("kind", kind.as_str()), ("routine", if routine { "1" } else { "" })];
    let pager = Pager::new(tr, AdminPath::audit().path(), &params, page, total);
    let page = AuditPage {
        l: Layout::new(&ctx, tr.t("admin-audit")),
        is_admin: ctx.is_admin(),
        slug: data.config.default_territory.to_string(),
        notice: None,
        alert: None,
        q: text,
        kinds: std::iter::once(("", tr.t("audit-kind-all")))
            .chain(KINDS.iter().map(|(c, _)| (*c, tr.t(&format!("audit-kind-{c}")))))
            .collect(),
        kind,
        routine,
        entries: entries(tr, &rows, &names),
        pager,
    };
    Ok(crate::web::private(render_status(StatusCode::OK, &page)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn every_action_reads_in_words_and_is_found_by_them() {
        for lang in [Lang::Fr, Lang::En] {
            for a in ACTIONS {
                assert!(Tr::new(lang).has(&format!("audit-{}", a.replace(['.', '_'], "-"))), "{a} in {lang:?}");
            }
        }
        let fr = Tr::new(Lang::Fr);
        assert_eq!(actions_in_words(fr, "Signature refusée"), vec!["signature.reject"]);
        assert!(actions_in_words(fr, "refus").contains(&"follower.reject".to_string()));
        assert!(actions_in_words(fr, " ").is_empty());
        assert_eq!(number_after("signature #12 (individual)", "signature #"), Some(12));
        assert_eq!(number_after("practice 7 comment 3", "practice "), Some(7));
        assert_eq!(number_after("territoire: version 2024", "signature #"), None);
        let fields = territory_fields(
            fr,
            "territoire: name=\"Pays de Redon\", summary, domains=alimentation,energie, manually_approves_followers=true",
        );
        assert_eq!(
            fields,
            "territoire: Nom : \"Pays de Redon\", Présentation, Domaines d'activité : Alimentation, Énergie, \
             Valider chaque nouvel abonnement : Oui"
        );
    }
}
