//! The durable delivery queue: a row per (activity, destination inbox), written in the same
//! transaction as the change that caused it, and leased by workers so that several processes
//! on one PostgreSQL database never send the same delivery at once.

use sqlx::{AnyConnection, FromRow};

use super::{Backend, Store};
use crate::domain::ids::{SignatoryId, TerritoryId};
use crate::{
    domain::{local_actor::LocalActor, now_millis},
    error::AppResult,
};

/// A delivery claimed by a worker, with what it needs to send it.
#[derive(Debug, Clone, FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub inbox: String,
    pub host: String,
    pub attempts: i64,
    pub created_at: i64,
    pub activity_json: String,
    pub territory_id: Option<TerritoryId>,
    pub signatory_id: Option<SignatoryId>,
    /// Which local actor signs it (`LocalActor::kind`).
    pub signer: String,
    /// Until when this process holds it (see [`Store::renew_lease`]).
    pub leased_until: i64,
}

impl DueDelivery {
    /// The local actor that authored the activity, whose key signs the delivery.
    pub fn signer(&self) -> LocalActor {
        LocalActor::from_row(&self.signer, self.territory_id, self.signatory_id)
    }
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

/// Inboxes queued per statement: five arguments a row stays far under both backends' limits
/// (SQLite 32,766, PostgreSQL 65,535).
const ENQUEUE_BATCH: usize = 200;

/// Queues one delivery per inbox. `object_key` names what the activity is about: deliveries to
/// one inbox with the same key go out one after the other, in queue order.
///
/// Rows go in [`ENQUEUE_BATCH`] at a time: one statement a row cost a round trip to the
/// database each (about 90 µs on SQLite through sqlx), 4.8 s for a change to 100,000 followers
/// over 52,500 inboxes, all of it inside the change's transaction, where SQLite's single
/// writer holds every other write back (issue 14, growth).
pub async fn enqueue(
    conn: &mut AnyConnection,
    activity_id: i64,
    object_key: &str,
    inboxes: &[String],
) -> AppResult<()> {
    let now = now_millis();
    for batch in inboxes.chunks(ENQUEUE_BATCH) {
        // $1 activity, $2 and $3 the first inbox and its host, $4 object key, $5 time; then
        // inbox and host of each other row. Numbered in order of first appearance, so that
        // SQLite's numbering of named parameters is the same.
        let rows: Vec<String> = (0..batch.len())
            .map(|i| match i {
                0 => "($1, $2, $3, $4, $5, $5, $5)".to_string(),
                _ => format!("($1, ${}, ${}, $4, $5, $5, $5)", 4 + 2 * i, 5 + 2 * i),
            })
            .collect();
        let sql = format!(
            "INSERT INTO deliveries (activity_id, inbox, host, object_key, next_attempt_at, created_at, updated_at) \
             VALUES {} ON CONFLICT (activity_id, inbox) DO NOTHING",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(activity_id);
        for (i, inbox) in batch.iter().enumerate() {
            query = query.bind(inbox).bind(inbox_host(inbox));
            if i == 0 {
                query = query.bind(object_key).bind(now);
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Queues one delivery per inbox, as [`enqueue`], and leases to the calling process until
/// `until` those that the queue's rules let go now, as a claim would: not one that waits
/// behind an earlier pending delivery of the same object to the same inbox, nor one whose host
/// is unreachable. Its own worker sends the leased ones without claiming them
/// (`federation::handoff`); the others wait for the claims. One statement: for the few
/// inboxes a change hands over (an `Accept`), the lease costs no round trip of its own inside
/// the change's transaction. Returns `(id, inbox, host)` of each leased row.
pub async fn enqueue_leased(
    conn: &mut AnyConnection,
    activity_id: i64,
    object_key: &str,
    inboxes: &[String],
    until: i64,
) -> AppResult<Vec<(i64, String, String)>> {
    if inboxes.is_empty() {
        return Ok(vec![]);
    }
    // $1 activity, $2 and $3 the first inbox and its host, $4 object key, $5 time, $6 lease;
    // then inbox and host of each other row (numbered in order of first appearance, as in
    // `enqueue`). The rows this statement inserts are not among those the EXISTS reads.
    let rows: Vec<String> = (0..inboxes.len())
        .map(|i| {
            let (inbox, host) = match i {
                0 => ("$2".to_string(), "$3".to_string()),
                _ => (format!("${}", 5 + 2 * i), format!("${}", 6 + 2 * i)),
            };
            format!(
                "($1, {inbox}, {host}, $4, $5, $5, $5, CASE WHEN \
                 EXISTS (SELECT 1 FROM deliveries e WHERE e.inbox = {inbox} AND e.object_key = $4 AND $4 <> '' \
                         AND e.state = 'pending') \
                 OR EXISTS (SELECT 1 FROM hosts h WHERE h.host = {host} AND h.unreachable_since IS NOT NULL) \
                 THEN 0 ELSE $6 END)"
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO deliveries (activity_id, inbox, host, object_key, next_attempt_at, created_at, updated_at, leased_until) \
         VALUES {} ON CONFLICT (activity_id, inbox) DO NOTHING RETURNING id, inbox, host, leased_until",
        rows.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String, String, i64)>(&sql).bind(activity_id);
    for (i, inbox) in inboxes.iter().enumerate() {
        query = query.bind(inbox).bind(inbox_host(inbox));
        if i == 0 {
            query = query.bind(object_key).bind(now_millis()).bind(until);
        }
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().filter(|r| r.3 == until).map(|(id, inbox, host, _)| (id, inbox, host)).collect())
}

/// `host[:port]` of an inbox, as the queue groups deliveries by host ("" when not a URL); the
/// one definition, which `federation::delivery` re-exports.
pub fn inbox_host(inbox: &str) -> String {
    url::Url::parse(inbox)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_default()
}

impl Store {
    /// Leases up to `limit` due deliveries for `lease_ms`, at most `per_host` per host, none for
    /// the hosts in `skip_hosts` (saturated in this process), unreachable or blocked hosts, and
    /// none that waits behind an earlier delivery of the same object to the same inbox.
    ///
    /// Several processes may claim at once: the UPDATE re-checks `leased_until` on each row it
    /// takes (PostgreSQL re-evaluates it under the row lock, SQLite has one writer), so a row is
    /// leased by one of them only. A lease that expires (its process died mid-send) makes the
    /// delivery due again: at least once, never lost.
    pub async fn claim_due_deliveries(
        &self,
        limit: i64,
        per_host: i64,
        lease_ms: i64,
        skip_hosts: &[String],
    ) -> AppResult<Vec<DueDelivery>> {
        let now = now_millis();
        let skip = if skip_hosts.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = (0..skip_hosts.len()).map(|i| format!("${}", i + 5)).collect();
            format!("AND d.host NOT IN ({})", list.join(", "))
        };
        // PostgreSQL: SKIP LOCKED lets concurrent workers take disjoint rows instead of queueing
        // on the same ones; the window function that caps each host cannot sit beside FOR
        // UPDATE, so it picks a wider candidate set one level down.
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // The candidates are the first page of due rows in queue order (an index range, see
        // migration 0031), not every pending row: the cost of a claim stays the same whether
        // the queue holds a thousand deliveries or a hundred thousand. The per-host cap then
        // ranks that page only.
        let sql = format!(
            "UPDATE deliveries SET leased_until = $1 WHERE id IN ( \
               SELECT id FROM deliveries WHERE state = 'pending' AND leased_until <= $2 AND id IN ( \
                 SELECT id FROM ( \
                   SELECT c.id, c.next_attempt_at, \
                     ROW_NUMBER() OVER (PARTITION BY c.host ORDER BY c.next_attempt_at, c.id) AS rn \
                   FROM ( \
                     SELECT d.id, d.host, d.next_attempt_at FROM deliveries d \
                     WHERE d.state = 'pending' AND d.next_attempt_at <= $2 AND d.leased_until <= $2 {skip} \
                       AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.inbox = d.inbox AND e.object_key = d.object_key \
                                       AND d.object_key <> '' AND e.state = 'pending' AND e.id < d.id) \
                       AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.host = d.host AND h.unreachable_since IS NOT NULL) \
                     ORDER BY d.next_attempt_at, d.id LIMIT $4 * 16 \
                   ) c \
                 ) ranked WHERE rn <= $3 ORDER BY next_attempt_at, id LIMIT $4 * 4 \
               ) ORDER BY next_attempt_at, id LIMIT $4 {lock} \
             ) AND leased_until <= $2 RETURNING id"
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(now + lease_ms).bind(now).bind(per_host).bind(limit);
        for h in skip_hosts {
            q = q.bind(h);
        }
        let ids: Vec<i64> = q.fetch_all(&mut *self.writer().await?).await?;
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        Ok(sqlx::query_as(&format!(
            "SELECT d.id, d.inbox, d.host, d.attempts, d.created_at, a.json AS activity_json, a.territory_id, a.signatory_id, a.signer, d.leased_until \
             FROM deliveries d JOIN activities a ON a.id = d.activity_id WHERE d.id IN ({list}) ORDER BY d.id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// Extends a lease this process still holds (`leased_until` unchanged since it took it) to
    /// `until`. False when the lease ran out and another claim took the delivery: it must not
    /// be sent from here then.
    pub async fn renew_lease(&self, id: i64, held: i64, until: i64) -> AppResult<bool> {
        let done = sqlx::query(
            "UPDATE deliveries SET leased_until = $1 WHERE id = $2 AND leased_until = $3 AND state = 'pending'",
        )
        .bind(until)
        .bind(id)
        .bind(held)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a lease back without counting a try.
    pub async fn release_delivery(&self, id: i64) -> AppResult<()> {
        sqlx::query("UPDATE deliveries SET leased_until = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// Pending deliveries queued before `cutoff` (skipped while their host was unreachable)
    /// are given up. Returns how many.
    pub async fn expire_deliveries(&self, cutoff: i64) -> AppResult<u64> {
        let done = sqlx::query(
            "UPDATE deliveries SET state = 'failed', last_error = 'expired: retry horizon passed', updated_at = $1 \
             WHERE state = 'pending' AND created_at < $2 AND leased_until <= $1",
        )
        .bind(now_millis())
        .bind(cutoff)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(done.rows_affected())
    }

    /// Deliveries of one host that are blocked now: given up.
    pub async fn drop_deliveries_to(&self, host: &str, reason: &str) -> AppResult<u64> {
        drop_deliveries_to_in(&mut *self.writer().await?, host, reason).await
    }

    pub async fn delivery_succeeded(&self, id: i64, status: u16) -> AppResult<()> {
        self.deliveries_succeeded(&[(id, status)]).await
    }

    /// Records many successes in one statement per status (a fan-out's outcomes are written in
    /// batches, not one transaction per request).
    pub async fn deliveries_succeeded(&self, done: &[(i64, u16)]) -> AppResult<()> {
        let mut statuses: Vec<u16> = done.iter().map(|(_, s)| *s).collect();
        statuses.sort_unstable();
        statuses.dedup();
        let now = now_millis();
        for status in statuses {
            // Integers only: the list is built from ids, never from outside text.
            let list = done.iter().filter(|(_, s)| *s == status).map(|(id, _)| id.to_string()).collect::<Vec<_>>();
            sqlx::query(&format!(
                "UPDATE deliveries SET state = 'done', attempts = attempts + 1, last_status = $1, last_error = NULL, \
                 leased_until = 0, updated_at = $2 WHERE id IN ({})",
                list.join(",")
            ))
            .bind(i64::from(status))
            .bind(now)
            .execute(&mut *self.writer().await?)
            .await?;
        }
        Ok(())
    }

    /// Deletes delivered rows last updated at or before `before`, at most `batch` of them (the queue
    /// keeps what is pending or failed, and delivered rows for a while for the admin pages).
    /// Returns how many.
    pub async fn prune_delivered(&self, before: i64, batch: i64) -> AppResult<u64> {
        let done = sqlx::query(
            "DELETE FROM deliveries WHERE id IN \
             (SELECT id FROM deliveries WHERE state = 'done' AND updated_at <= $1 LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(done.rows_affected())
    }

    /// Rows in the queue, whatever their state (the benchmark prints it).
    pub async fn delivery_rows(&self) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM deliveries").fetch_one(self.pool()).await?)
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
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// Time of the next due delivery, for the worker's sleep. Deliveries to unreachable hosts
    /// are not due until a probe finds their host (which wakes the worker): counted, they made
    /// the worker claim every 10 ms for as long as a host was down.
    pub async fn next_delivery_at(&self) -> AppResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(CASE WHEN leased_until > next_attempt_at THEN leased_until ELSE next_attempt_at END) \
             FROM deliveries d WHERE state = 'pending' \
             AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.host = d.host AND h.unreachable_since IS NOT NULL)",
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

/// [`Store::drop_deliveries_to`], inside the caller's transaction.
pub async fn drop_deliveries_to_in(conn: &mut AnyConnection, host: &str, reason: &str) -> AppResult<u64> {
    let done = sqlx::query(
        "UPDATE deliveries SET state = 'failed', last_error = $1, updated_at = $2 WHERE state = 'pending' AND host = $3",
    )
    .bind(reason)
    .bind(now_millis())
    .bind(host)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Hosts with pending deliveries, inside the caller's transaction.
pub async fn pending_hosts_in(conn: &mut AnyConnection) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT DISTINCT host FROM deliveries WHERE state = 'pending' ORDER BY host")
        .fetch_all(conn)
        .await?)
}
