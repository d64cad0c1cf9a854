//! Reports (table `reports`, migration 0027), the public moderation log (`moderation_log`) and
//! territories' own blocks (`territory_blocks`). Writes take the caller's connection (a
//! change's transaction); reads exist over the pool.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::{
    domain::{
        ids::TerritoryId,
        now_millis,
        report::{BlockKind, Decision, LogKind, ReportStatus, Source, TargetKind},
    },
    error::AppResult,
};

/// A report as moderators see it (the reporter's email is here: console only).
#[derive(Debug, Clone, FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub territory_id: Option<TerritoryId>,
    #[sqlx(try_from = "String")]
    pub target_kind: TargetKind,
    pub target_ap_id: String,
    pub target_label: String,
    pub target_actor: Option<String>,
    pub snapshot: String,
    pub reason: String,
    #[sqlx(try_from = "String")]
    pub source: Source,
    pub reporter_email: Option<String>,
    pub reporter_actor: Option<String>,
    pub flag_ap_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub forwarded_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, territory_id, target_kind, target_ap_id, target_label, target_actor, snapshot, reason, \
                       source, reporter_email, reporter_actor, flag_ap_id, status, decision, decided_by, decided_at, \
                       forwarded_at, created_at";

/// A report to store.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub territory_id: Option<TerritoryId>,
    pub target_kind: TargetKind,
    pub target_ap_id: String,
    pub target_label: String,
    pub target_actor: Option<String>,
    pub snapshot: String,
    pub reason: String,
    pub source: Source,
    pub reporter_email: Option<String>,
    pub reporter_actor: Option<String>,
    pub flag_ap_id: Option<String>,
}

/// One line of the public moderation log: nothing personal, never the reporter.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct LogRow {
    pub id: i64,
    #[schema(value_type = Option<i64>)]
    pub territory_id: Option<TerritoryId>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub kind: LogKind,
    pub target_kind: String,
    pub target_ap_id: String,
    pub target_label: String,
    pub reason: String,
    pub created_at: i64,
}

/// A line to add to the moderation log.
pub struct NewLogLine<'a> {
    pub territory_id: Option<TerritoryId>,
    pub kind: LogKind,
    pub target_kind: &'a str,
    pub target_ap_id: &'a str,
    pub target_label: &'a str,
    pub reason: &'a str,
}

/// A territory's block.
#[derive(Debug, Clone, FromRow)]
pub struct BlockRow {
    pub territory_id: TerritoryId,
    #[sqlx(try_from = "String")]
    pub kind: BlockKind,
    pub target: String,
    pub reason: String,
    pub created_at: i64,
}

pub async fn insert(conn: &mut AnyConnection, r: &NewReport) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO reports (territory_id, target_kind, target_ap_id, target_label, target_actor, snapshot, reason, \
         source, reporter_email, reporter_actor, flag_ap_id, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12) RETURNING id",
    )
    .bind(r.territory_id)
    .bind(r.target_kind.as_str())
    .bind(&r.target_ap_id)
    .bind(&r.target_label)
    .bind(&r.target_actor)
    .bind(&r.snapshot)
    .bind(&r.reason)
    .bind(r.source.as_str())
    .bind(&r.reporter_email)
    .bind(&r.reporter_actor)
    .bind(&r.flag_ap_id)
    .bind(now_millis())
    .fetch_one(conn)
    .await?)
}

pub async fn report_in(conn: &mut AnyConnection, id: i64) -> AppResult<Option<ReportRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM reports WHERE id = $1")).bind(id).fetch_optional(conn).await?)
}

/// Closes an open report with `decision`; false when it was already resolved.
pub async fn resolve(conn: &mut AnyConnection, id: i64, decision: Decision, by: &str) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE reports SET status = 'resolved', decision = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND status = 'open'",
    )
    .bind(decision.as_str())
    .bind(by)
    .bind(now_millis())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_forwarded(conn: &mut AnyConnection, id: i64) -> AppResult<()> {
    sqlx::query("UPDATE reports SET forwarded_at = $1 WHERE id = $2").bind(now_millis()).bind(id).execute(conn).await?;
    Ok(())
}

pub async fn log(conn: &mut AnyConnection, l: &NewLogLine<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO moderation_log (territory_id, kind, target_kind, target_ap_id, target_label, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(l.territory_id)
    .bind(l.kind.as_str())
    .bind(l.target_kind)
    .bind(l.target_ap_id)
    .bind(l.target_label)
    .bind(l.reason)
    .bind(now_millis())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn block(
    conn: &mut AnyConnection,
    territory_id: TerritoryId,
    kind: BlockKind,
    target: &str,
    reason: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO territory_blocks (territory_id, kind, target, reason, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (territory_id, kind, target) DO UPDATE SET reason = excluded.reason",
    )
    .bind(territory_id)
    .bind(kind.as_str())
    .bind(target)
    .bind(reason)
    .bind(now_millis())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn unblock(
    conn: &mut AnyConnection,
    territory_id: TerritoryId,
    kind: BlockKind,
    target: &str,
) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM territory_blocks WHERE territory_id = $1 AND kind = $2 AND target = $3")
        .bind(territory_id)
        .bind(kind.as_str())
        .bind(target)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Hides every comment `actor` wrote on the territory's practices, announcements and actions
/// (issue 15, point 5); returns how many.
pub async fn hide_comments_of(conn: &mut AnyConnection, territory_id: TerritoryId, actor: &str) -> AppResult<u64> {
    // (comment table, its column naming what it is on, the table of what it is on)
    const ON: [(&str, &str, &str); 3] = [
        ("practice_comments", "practice_id", "practices"),
        ("announcement_comments", "announcement_id", "announcements"),
        ("action_comments", "action_id", "actions"),
    ];
    let mut hidden = 0;
    for (comments, key, subjects) in ON {
        let sql = format!(
            "UPDATE {comments} SET hidden = 1 WHERE author_actor = $1 AND hidden = 0 \
             AND {key} IN (SELECT id FROM {subjects} WHERE territory_id = $2)"
        );
        hidden += sqlx::query(&sql).bind(actor).bind(territory_id).execute(&mut *conn).await?.rows_affected();
    }
    Ok(hidden)
}

/// Removes the follows (both ways) between a territory and the remote actors matching `actor`
/// (its id) or on `host` (a domain block); returns how many.
pub async fn remove_follows(
    conn: &mut AnyConnection,
    territory_id: TerritoryId,
    actor: Option<&str>,
    host: Option<&str>,
) -> AppResult<u64> {
    let mut removed = 0;
    for table in ["followers", "following"] {
        let done = sqlx::query(&format!(
            "DELETE FROM {table} WHERE territory_id = $1 AND actor_id IN \
             (SELECT id FROM remote_actors WHERE ap_id = $2 OR host = $3 OR host LIKE $4)"
        ))
        .bind(territory_id)
        // An empty string matches no actor id and no host.
        .bind(actor.unwrap_or_default())
        .bind(host.unwrap_or_default())
        .bind(host.map_or(String::new(), |h| format!("%.{h}")))
        .execute(&mut *conn)
        .await?;
        removed += done.rows_affected();
    }
    Ok(removed)
}

impl Store {
    /// The territory (or `None`: the instance) whose public `Create` published `object_id`.
    pub async fn publisher_of(&self, object_id: &str) -> AppResult<Option<Option<TerritoryId>>> {
        let row: Option<(Option<TerritoryId>,)> = sqlx::query_as(
            "SELECT territory_id FROM activities WHERE object_ap_id = $1 AND kind = 'Create' AND public = 1 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(object_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(t,)| t))
    }

    pub async fn report(&self, id: i64) -> AppResult<Option<ReportRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM reports WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Reports in `status`, newest first.
    pub async fn reports(&self, status: ReportStatus, limit: i64, offset: i64) -> AppResult<Vec<ReportRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM reports WHERE status = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(status.as_str())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn count_reports(&self, status: ReportStatus) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE status = $1")
            .bind(status.as_str())
            .fetch_one(self.pool())
            .await?)
    }

    /// Open reports received after `since` (milliseconds): the digest's content.
    pub async fn open_reports_since(&self, since: i64) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM reports WHERE status = 'open' AND created_at > $1")
            .bind(since)
            .fetch_one(self.pool())
            .await?)
    }

    /// The public moderation log, newest first: one territory's lines and the instance-wide
    /// ones (`Some`), or all (`None`); only the kinds given.
    pub async fn moderation_log(
        &self,
        territory: Option<TerritoryId>,
        kinds: &[LogKind],
        limit: i64,
    ) -> AppResult<Vec<LogRow>> {
        if kinds.is_empty() {
            return Ok(vec![]);
        }
        // Codes from our closed set, never from a visitor.
        let list = kinds.iter().map(|k| format!("'{}'", k.as_str())).collect::<Vec<_>>().join(", ");
        let scope = if territory.is_some() { "(territory_id = $1 OR territory_id IS NULL)" } else { "$1 = $1" };
        Ok(sqlx::query_as(&format!(
            "SELECT id, territory_id, kind, target_kind, target_ap_id, target_label, reason, created_at \
             FROM moderation_log WHERE {scope} AND kind IN ({list}) ORDER BY id DESC LIMIT $2"
        ))
        .bind(territory.map_or(0, |t| t.0))
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn territory_blocks(&self, territory_id: TerritoryId) -> AppResult<Vec<BlockRow>> {
        Ok(sqlx::query_as(
            "SELECT territory_id, kind, target, reason, created_at FROM territory_blocks WHERE territory_id = $1 \
             ORDER BY kind, target",
        )
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Whether the territory blocks `actor` or its `host` (or a parent domain of it).
    pub async fn blocked_by_territory(&self, territory_id: TerritoryId, actor: &str, host: &str) -> AppResult<bool> {
        let blocks = self.territory_blocks(territory_id).await?;
        let domains: Vec<String> =
            blocks.iter().filter(|b| b.kind == BlockKind::Domain).map(|b| b.target.clone()).collect();
        Ok(blocks.iter().any(|b| b.kind == BlockKind::Actor && b.target == actor)
            || super::hosts::is_blocked_by(&domains, host))
    }
}
