//! The durable delivery queue: a row per (activity, destination inbox), written in the same
//! transaction as the change that caused it, and leased by workers so that several processes
//! on one PostgreSQL database never send the same delivery at once.

use sqlx::{AnyConnection, FromRow};

use super::{Backend, Store};
use crate::{domain::now_millis, error::AppResult};

/// A delivery claimed by a worker, with what it needs to send it.
#[derive(Debug, Clone, FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub inbox: String,
    pub host: String,
    pub attempts: i64,
    pub created_at: i64,
    pub activity_json: String,
    pub territory_id: Option<i64>,
}

/// Queue figures per destination host.
#[derive(Debug, Clone, FromRow)]
pub struct HostQueueStats {
    pub host: String,
    pub pending: i64,
    pub oldest_pending: Option<i64>,
    pub failed: i64,
    pub done: i64,
}

pub async fn enqueue(conn: &mut AnyConnection, activity_id: i64, inboxes: &[String]) -> AppResult<()> {
    let now = now_millis();
    for inbox in inboxes {
        let host = url::Url::parse(inbox)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                })
            })
            .unwrap_or_default();
        sqlx::query(
            "INSERT INTO deliveries (activity_id, inbox, host, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4, $4) ON CONFLICT (activity_id, inbox) DO NOTHING",
        )
        .bind(activity_id)
        .bind(inbox)
        .bind(host)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Leases up to `limit` due deliveries for `lease_ms`. A lease that expires (the process
    /// died mid-send) makes the delivery due again: at-least-once, never lost.
    pub async fn claim_due_deliveries(&self, limit: i64, lease_ms: i64) -> AppResult<Vec<DueDelivery>> {
        let now = now_millis();
        // PostgreSQL: SKIP LOCKED lets concurrent workers take disjoint rows. SQLite has one
        // writer at a time, so the UPDATE … WHERE id IN (SELECT …) is already exclusive.
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE deliveries SET leased_until = $1 WHERE id IN (SELECT id FROM deliveries \
             WHERE state = 'pending' AND next_attempt_at <= $2 AND leased_until <= $2 \
             ORDER BY next_attempt_at, id LIMIT $3 {lock}) RETURNING id"
        ))
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        Ok(sqlx::query_as(&format!(
            "SELECT d.id, d.inbox, d.host, d.attempts, d.created_at, a.json AS activity_json, a.territory_id \
             FROM deliveries d JOIN activities a ON a.id = d.activity_id WHERE d.id IN ({list}) ORDER BY d.id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn delivery_succeeded(&self, id: i64, status: u16) -> AppResult<()> {
        sqlx::query(
            "UPDATE deliveries SET state = 'done', attempts = attempts + 1, last_status = $1, last_error = NULL, \
             leased_until = 0, updated_at = $2 WHERE id = $3",
        )
        .bind(i64::from(status))
        .bind(now_millis())
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a failed try: retried at `retry_at`, or given up when `None`.
    pub async fn delivery_failed(
        &self,
        id: i64,
        status: Option<u16>,
        error: &str,
        retry_at: Option<i64>,
    ) -> AppResult<()> {
        let now = now_millis();
        sqlx::query(
            "UPDATE deliveries SET state = $1, attempts = attempts + 1, last_status = $2, last_error = $3, \
             next_attempt_at = $4, leased_until = 0, updated_at = $5 WHERE id = $6",
        )
        .bind(if retry_at.is_some() { "pending" } else { "failed" })
        .bind(status.map(i64::from))
        .bind(error.chars().take(500).collect::<String>())
        .bind(retry_at.unwrap_or(now))
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Time of the next due delivery, for the worker's sleep.
    pub async fn next_delivery_at(&self) -> AppResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(CASE WHEN leased_until > next_attempt_at THEN leased_until ELSE next_attempt_at END) \
             FROM deliveries WHERE state = 'pending'",
        )
        .fetch_one(self.pool())
        .await?)
    }

    pub async fn delivery_stats(&self) -> AppResult<Vec<HostQueueStats>> {
        Ok(sqlx::query_as(
            "SELECT host, SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END) AS pending, \
             MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldest_pending, \
             SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) AS failed, \
             SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END) AS done FROM deliveries GROUP BY host ORDER BY host",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
