//! The observatory's aggregates (migration 0035, issue 13 point 9): which local territories'
//! figures changed since their `cces:Aggregate` was last sent, and the figures received from
//! remote territories in theirs, stored as that origin's figures (with the date received) in
//! place of a recount from its practices and actions. Who sends and checks them:
//! processing/observatory_aggregates.rs.

use sqlx::{AnyConnection, FromRow};

use super::{Store, observatory::FigureRow};
use crate::{
    domain::{ids::TerritoryId, now_millis},
    error::AppResult,
};

/// A local territory whose figures were recomputed since its aggregate was last sent.
#[derive(Debug, Clone, FromRow)]
pub struct DueAggregate {
    pub origin: String,
    pub territory_id: TerritoryId,
}

/// What was last sent of an origin's aggregate.
#[derive(Debug, Clone, FromRow)]
pub struct SentState {
    pub computed_version: i64,
    pub computed_at: Option<i64>,
    pub aggregate_sent_at: Option<i64>,
    pub aggregate_digest: Option<String>,
}

/// A received figure, checked, ready to store.
#[derive(Debug, Clone)]
pub struct ReceivedFigure {
    pub figure: &'static str,
    pub key: String,
    pub period: String,
    pub total: f64,
    pub n: i64,
    /// JSON `[{id, title}]`.
    pub sources: String,
}

impl Store {
    /// Local territories whose figures changed since their aggregate was sent, not sent since
    /// `sent_before` (the debounce: changes meanwhile go out together).
    pub async fn aggregates_due(&self, sent_before: i64, limit: i64) -> AppResult<Vec<DueAggregate>> {
        Ok(sqlx::query_as(
            "SELECT origin, territory_id FROM observatory_origins WHERE territory_id IS NOT NULL \
             AND computed_version > aggregate_sent_version \
             AND (aggregate_sent_at IS NULL OR aggregate_sent_at < $1) ORDER BY origin LIMIT $2",
        )
        .bind(sent_before)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// The local territories whose figures the sender has handled (sent, or recorded while no
    /// Maillage instance followed) and that have figures: the regular sending will not carry
    /// them again until they change, so a follower arriving later is sent them when accepted:
    /// `processing::observatory_aggregates::owed_to_new_follower`; an empty one tells nothing.
    pub async fn territories_with_aggregate_sent(&self) -> AppResult<Vec<TerritoryId>> {
        Ok(sqlx::query_scalar(
            "SELECT o.territory_id FROM observatory_origins o WHERE o.territory_id IS NOT NULL \
             AND o.aggregate_digest IS NOT NULL \
             AND EXISTS (SELECT 1 FROM observatory_figures f WHERE f.origin = o.origin) ORDER BY o.territory_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// An origin's figures and when they were computed (its aggregate as served).
    pub async fn origin_figures(&self, origin: &str) -> AppResult<(Option<SentState>, Vec<FigureRow>)> {
        let mut conn = self.pool().acquire().await?;
        let state = sent_state(&mut conn, origin).await?;
        Ok((state, origin_figures_in(&mut conn, origin).await?))
    }
}

/// What was last sent of `origin`'s aggregate, and the version its figures are of.
pub async fn sent_state(conn: &mut AnyConnection, origin: &str) -> AppResult<Option<SentState>> {
    Ok(sqlx::query_as(
        "SELECT computed_version, computed_at, aggregate_sent_at, aggregate_digest FROM observatory_origins \
         WHERE origin = $1",
    )
    .bind(origin)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every figure of one origin, in a stable order (what its aggregate carries).
pub async fn origin_figures_in(conn: &mut AnyConnection, origin: &str) -> AppResult<Vec<FigureRow>> {
    Ok(sqlx::query_as(
        "SELECT origin, figure, key, period, total, n, sources FROM observatory_figures WHERE origin = $1 \
         ORDER BY figure, key, period",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?)
}

/// Records that the figures of `version` were sent (`sent_at`; None: unchanged, nothing sent,
/// the date of the last sending stays).
pub async fn mark_aggregate_sent(
    conn: &mut AnyConnection,
    origin: &str,
    version: i64,
    digest: &str,
    sent_at: Option<i64>,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE observatory_origins SET aggregate_sent_version = $1, aggregate_digest = $2, \
         aggregate_sent_at = COALESCE($3, aggregate_sent_at) WHERE origin = $4",
    )
    .bind(version)
    .bind(digest)
    .bind(sent_at)
    .bind(origin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records that `origin`'s aggregate reached an inbox at `at` (a new follower's), so the next
/// sending to every follower is an `Update`.
pub async fn mark_aggregate_reached(conn: &mut AnyConnection, origin: &str, at: i64) -> AppResult<()> {
    sqlx::query("UPDATE observatory_origins SET aggregate_sent_at = COALESCE(aggregate_sent_at, $1) WHERE origin = $2")
        .bind(at)
        .bind(origin)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The `updated` of the newest aggregate received from `origin`, if any.
pub async fn received_aggregate_updated(conn: &mut AnyConnection, origin: &str) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT aggregate_updated FROM observatory_origins WHERE origin = $1")
        .bind(origin)
        .fetch_optional(&mut *conn)
        .await?
        .flatten())
}

/// Replaces the figures of the remote `origin` by those of its aggregate (`updated`), received
/// now: from then on they are its figures and the refresher no longer recounts it.
pub async fn store_received_aggregate(
    conn: &mut AnyConnection,
    origin: &str,
    updated: i64,
    figures: &[ReceivedFigure],
) -> AppResult<()> {
    let now = now_millis();
    sqlx::query("INSERT INTO observatory_origins (origin) VALUES ($1) ON CONFLICT (origin) DO NOTHING")
        .bind(origin)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM observatory_figures WHERE origin = $1").bind(origin).execute(&mut *conn).await?;
    for f in figures {
        sqlx::query(
            "INSERT INTO observatory_figures (origin, figure, key, period, total, n, sources) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (origin, figure, key, period) DO NOTHING",
        )
        .bind(origin)
        .bind(f.figure)
        .bind(&f.key)
        .bind(&f.period)
        .bind(f.total)
        .bind(f.n)
        .bind(&f.sources)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE observatory_origins SET aggregate_received_at = $1, aggregate_updated = $2, received_at = $1, \
         computed_at = $1, computed_version = version WHERE origin = $3",
    )
    .bind(now)
    .bind(updated)
    .bind(origin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
