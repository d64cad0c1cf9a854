//! What the coordinator's console reads: signatures to moderate (searched, filtered, paged),
//! counts for the dashboard, the audit log searched and paged.

use super::{Store, admin::AuditRow, signatories::SignatoryPrivate};
use crate::domain::ids::PracticeId;
use crate::domain::ids::{SignatoryId, TerritoryId};
use crate::{domain::practice::Status, error::AppResult};

/// Audit actions that record access rather than change (logins, views of a record): listed
/// apart so that they do not bury real actions.
pub const ROUTINE_ACTIONS: [&str; 3] = ["login", "signature.view", "signature.export"];

/// A search of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditSearch {
    /// Looked for in the actor, action and detail.
    pub text: String,
    /// Actions whose words match `text` (the caller translates), also matched.
    pub actions: Vec<String>,
    /// Signatures whose name matches `text`: their entries match too.
    pub signature_ids: Vec<SignatoryId>,
    /// Action families (`signature`, `practice`…); empty: all.
    pub families: Vec<String>,
    /// Logins and views of records too.
    pub routine: bool,
    pub limit: i64,
    pub offset: i64,
}

/// A search of the signatures of one territory.
#[derive(Debug, Clone, Default)]
pub struct SignatureSearch {
    /// `confirmed` (waiting for a decision), `approved`, `rejected`, or empty for all of them.
    pub status: String,
    /// Words looked for in the name, commune or email (case-insensitive).
    pub text: String,
    pub limit: i64,
    pub offset: i64,
}

const PRIVATE: &str = "id, territory_id, charter_id, kind, status, listed, name, roles, legal_form, domains, website, \
                       commune, governance, partners, representative_name, representative_role, email, phone, \
                       postal_address, reject_reason, created_at, confirmed_at, decided_at, welcome_note_ap_id";

/// `%text%` for LIKE, lower-cased, with LIKE's wildcards escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// One page of signatures (newest first) and how many match in all. Unconfirmed and
    /// withdrawn signatures are not the coordinator's to see.
    pub async fn search_signatures(
        &self,
        territory_id: TerritoryId,
        s: &SignatureSearch,
    ) -> AppResult<(Vec<SignatoryPrivate>, i64)> {
        let status_clause =
            if s.status.is_empty() { "status IN ('confirmed', 'approved', 'rejected')" } else { "status = $3" };
        let filter = format!(
            "territory_id = $1 AND {status_clause} AND (LOWER(name) LIKE $2 ESCAPE '\\' OR LOWER(commune) LIKE $2 ESCAPE '\\' \
             OR LOWER(COALESCE(email, '')) LIKE $2 ESCAPE '\\')"
        );
        let pattern = like_pattern(&s.text);
        let (limit_at, offset_at) = if s.status.is_empty() { (3, 4) } else { (4, 5) };
        let sql = format!(
            "SELECT {PRIVATE} FROM signatories WHERE {filter} ORDER BY COALESCE(confirmed_at, created_at) DESC, id DESC \
             LIMIT ${limit_at} OFFSET ${offset_at}"
        );
        let mut rows = sqlx::query_as(&sql).bind(territory_id).bind(&pattern);
        let count_sql = format!("SELECT COUNT(*) FROM signatories WHERE {filter}");
        let mut count = sqlx::query_scalar(&count_sql).bind(territory_id).bind(&pattern);
        if !s.status.is_empty() {
            rows = rows.bind(&s.status);
            count = count.bind(&s.status);
        }
        let rows = rows.bind(s.limit).bind(s.offset).fetch_all(self.pool()).await?;
        let total: i64 = count.fetch_one(self.pool()).await?;
        Ok((rows, total))
    }

    /// Signatures of a territory waiting for a decision.
    pub async fn count_pending_signatures(&self, territory_id: TerritoryId) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM signatories WHERE territory_id = $1 AND status = 'confirmed'")
            .bind(territory_id)
            .fetch_one(self.pool())
            .await?)
    }

    /// Signatures (all territories) confirmed after `since` that still wait: (territory slug, count).
    pub async fn pending_confirmed_since(&self, since: i64) -> AppResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT t.slug, COUNT(*) FROM signatories s JOIN territories t ON t.id = s.territory_id \
             WHERE s.status = 'confirmed' AND s.confirmed_at > $1 GROUP BY t.slug ORDER BY t.slug",
        )
        .bind(since)
        .fetch_all(self.pool())
        .await?)
    }

    /// Deliveries waiting to be sent, and hosts currently unreachable.
    pub async fn federation_health(&self) -> AppResult<(i64, i64)> {
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE state = 'pending'")
            .fetch_one(self.pool())
            .await?;
        let failing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM hosts WHERE unreachable_since IS NOT NULL")
            .fetch_one(self.pool())
            .await?;
        Ok((pending, failing))
    }

    /// Addresses of the active accounts that moderate (moderators and administrators).
    pub async fn moderator_emails(&self) -> AppResult<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT email FROM accounts WHERE disabled = 0 ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }

    /// One page of the audit log (newest first) and how many entries match.
    pub async fn search_audit(&self, s: &AuditSearch) -> AppResult<(Vec<AuditRow>, i64)> {
        let mut clauses = vec![];
        if !s.routine {
            let list = ROUTINE_ACTIONS.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(", ");
            clauses.push(format!("action NOT IN ({list})"));
        }
        // Codes and ids come from our own lists and numbers, never from the visitor's text.
        let code = |c: &str| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '.' || ch == '_');
        let families: Vec<String> =
            s.families.iter().filter(|f| code(f)).map(|f| format!("action LIKE '{f}.%' OR action = '{f}'")).collect();
        if !families.is_empty() {
            clauses.push(format!("({})", families.join(" OR ")));
        }
        // An empty text gives the pattern `%%`, which every entry matches.
        {
            let mut any = vec![
                "LOWER(actor) LIKE $1 ESCAPE '\\'".to_string(),
                "LOWER(action) LIKE $1 ESCAPE '\\'".to_string(),
                "LOWER(detail) LIKE $1 ESCAPE '\\'".to_string(),
            ];
            any.extend(s.actions.iter().filter(|a| code(a)).map(|a| format!("action = '{a}'")));
            any.extend(
                s.signature_ids
                    .iter()
                    .map(|id| format!("detail = 'signature #{id}' OR detail LIKE 'signature #{id} %'")),
            );
            clauses.push(format!("({})", any.join(" OR ")));
        }
        let filter = clauses.join(" AND ");
        let pattern = like_pattern(&s.text);
        let rows = sqlx::query_as(&format!(
            "SELECT id, actor, action, detail, created_at FROM audit_log WHERE {filter} ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(&pattern)
        .bind(s.limit)
        .bind(s.offset)
        .fetch_all(self.pool())
        .await?;
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE {filter}"))
            .bind(&pattern)
            .fetch_one(self.pool())
            .await?;
        Ok((rows, total))
    }

    /// Ids of signatories (any territory, not withdrawn) whose name matches `text`.
    pub async fn signatory_ids_named(&self, text: &str) -> AppResult<Vec<SignatoryId>> {
        if text.trim().is_empty() {
            return Ok(vec![]);
        }
        Ok(sqlx::query_scalar(
            "SELECT id FROM signatories WHERE LOWER(name) LIKE $1 ESCAPE '\\' AND status <> 'withdrawn' ORDER BY id DESC LIMIT 50",
        )
        .bind(like_pattern(text))
        .fetch_all(self.pool())
        .await?)
    }

    /// Names of signatories by id, for the audit log (withdrawn ones have none left).
    pub async fn signatory_names(&self, ids: &[SignatoryId]) -> AppResult<Vec<(SignatoryId, String, Option<String>)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = ids.iter().map(SignatoryId::to_string).collect::<Vec<_>>().join(", ");
        Ok(sqlx::query_as(&format!(
            "SELECT id, name, reject_reason FROM signatories WHERE id IN ({list}) AND status <> 'withdrawn'"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// Titles of practices by id, for the audit log.
    pub async fn practice_titles(&self, ids: &[PracticeId]) -> AppResult<Vec<(PracticeId, String)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = ids.iter().map(PracticeId::to_string).collect::<Vec<_>>().join(", ");
        Ok(sqlx::query_as(&format!("SELECT id, title FROM practices WHERE id IN ({list})"))
            .fetch_all(self.pool())
            .await?)
    }

    /// One page of a territory's practices for the console (recently changed first), as
    /// (id, title, status, updated_at), and how many match: `status` one, or `None` for both;
    /// `text` in the title, summary or commune.
    pub async fn console_practices(
        &self,
        territory_id: TerritoryId,
        status: Option<Status>,
        text: &str,
        limit: i64,
        offset: i64,
    ) -> AppResult<(Vec<(PracticeId, String, Status, i64)>, i64)> {
        let status = status.map_or("", Status::as_str);
        let filter = "territory_id = $1 AND ($2 = '' OR status = $2) AND (LOWER(title) LIKE $3 ESCAPE '\\' \
                      OR LOWER(summary) LIKE $3 ESCAPE '\\' OR LOWER(commune) LIKE $3 ESCAPE '\\')";
        let pattern = like_pattern(text);
        let rows: Vec<(PracticeId, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT id, title, status, updated_at FROM practices WHERE {filter} ORDER BY updated_at DESC, id DESC \
             LIMIT $4 OFFSET $5"
        ))
        .bind(territory_id)
        .bind(status)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM practices WHERE {filter}"))
            .bind(territory_id)
            .bind(status)
            .bind(&pattern)
            .fetch_one(self.pool())
            .await?;
        let rows = rows.into_iter().map(|(id, title, s, at)| Ok((id, title, super::code(s)?, at)));
        Ok((rows.collect::<Result<_, sqlx::Error>>()?, total))
    }

    /// Sets setting `key` from `old` to `new` only if it still holds `old`: true when this
    /// caller made the change (two processes never both send the same digest).
    pub async fn swap_setting(&self, key: &str, old: &str, new: &str) -> AppResult<bool> {
        let done = sqlx::query("UPDATE instance_settings SET value = $1 WHERE key = $2 AND value = $3")
            .bind(new)
            .bind(key)
            .bind(old)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
