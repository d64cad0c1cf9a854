//! Participants' feedback on an ended action (table `action_feedback`, migration 0034): one
//! answer per participant who joined from the page, a later one replacing it. The comments are
//! private (moderators); the public sees the ratings' summary. Writes take the caller's
//! connection.

use sqlx::AnyConnection;

use super::Store;
use crate::{
    domain::{
        ids::{ActionId, ParticipantId},
        now_millis,
    },
    error::AppResult,
};

/// One answer, for the moderators.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct FeedbackRow {
    pub rating: i64,
    pub comment: String,
    pub created_at: i64,
}

/// Records (or replaces) `participant`'s answer.
pub async fn upsert(
    conn: &mut AnyConnection,
    action_id: ActionId,
    participant: ParticipantId,
    rating: i64,
    comment: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO action_feedback (action_id, participant_id, rating, comment, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (participant_id) DO UPDATE SET rating = excluded.rating, \
         comment = excluded.comment, created_at = excluded.created_at",
    )
    .bind(action_id)
    .bind(participant)
    .bind(rating)
    .bind(comment)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `participant`'s answer so far, if any.
pub async fn of_participant_in(conn: &mut AnyConnection, participant: ParticipantId) -> AppResult<Option<FeedbackRow>> {
    Ok(sqlx::query_as("SELECT rating, comment, created_at FROM action_feedback WHERE participant_id = $1")
        .bind(participant)
        .fetch_optional(&mut *conn)
        .await?)
}

/// How many answers gave each rating: `(rating, count)`.
pub async fn ratings_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<Vec<(i64, i64)>> {
    Ok(sqlx::query_as("SELECT rating, COUNT(*) FROM action_feedback WHERE action_id = $1 GROUP BY rating")
        .bind(action_id)
        .fetch_all(conn)
        .await?)
}

impl Store {
    pub async fn action_feedback_ratings(&self, action_id: ActionId) -> AppResult<Vec<(i64, i64)>> {
        ratings_in(self.pool(), action_id).await
    }

    /// Every answer, newest first (moderators).
    pub async fn action_feedback(&self, action_id: ActionId) -> AppResult<Vec<FeedbackRow>> {
        Ok(sqlx::query_as(
            "SELECT rating, comment, created_at FROM action_feedback WHERE action_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(action_id)
        .fetch_all(self.pool())
        .await?)
    }
}
