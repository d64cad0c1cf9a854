//! The conversation around a shared action (tables `action_comments` and `action_likes`,
//! migration 0034): fediverse replies to its `Event`, moderated as practice comments (hidden
//! ones only for moderators), and `Like`s, one per actor. Writes take the caller's connection.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::{
    domain::{ids::ActionId, now_millis},
    error::AppResult,
};

/// A reply to an action, as received.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ActionCommentRow {
    pub id: i64,
    #[schema(value_type = i64)]
    pub action_id: ActionId,
    pub ap_id: String,
    pub in_reply_to: String,
    pub author_actor: String,
    pub author_name: String,
    pub author_handle: String,
    pub author_url: String,
    pub content_html: String,
    pub url: String,
    pub hidden: i64,
    pub published_at: i64,
}

const COLUMNS: &str = "id, action_id, ap_id, in_reply_to, author_actor, author_name, author_handle, author_url, \
                       content_html, url, hidden, published_at";

/// A reply to store.
pub struct NewActionComment<'a> {
    pub action_id: ActionId,
    pub ap_id: &'a str,
    pub in_reply_to: &'a str,
    pub author_actor: &'a str,
    pub author_name: &'a str,
    pub author_handle: &'a str,
    pub author_url: &'a str,
    pub content_html: &'a str,
    pub url: &'a str,
    pub published_at: i64,
}

impl Store {
    pub async fn action_comment_by_ap_id(&self, ap_id: &str) -> AppResult<Option<ActionCommentRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_comments WHERE ap_id = $1"))
            .bind(ap_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// An action's comments, oldest first; hidden ones only when asked (moderators).
    pub async fn action_comments(&self, id: ActionId, with_hidden: bool) -> AppResult<Vec<ActionCommentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM action_comments WHERE action_id = $1 AND (hidden = 0 OR $2 = 1) \
             ORDER BY published_at, id"
        ))
        .bind(id)
        .bind(i64::from(with_hidden))
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn action_likes(&self, id: ActionId) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM action_likes WHERE action_id = $1")
            .bind(id)
            .fetch_one(self.pool())
            .await?)
    }
}

/// Stores a comment; `None` when its id is already known (a repeated delivery).
pub async fn insert_comment(conn: &mut AnyConnection, c: &NewActionComment<'_>) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO action_comments (action_id, ap_id, in_reply_to, author_actor, author_name, author_handle, \
         author_url, content_html, url, published_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (ap_id) DO NOTHING RETURNING id",
    )
    .bind(c.action_id)
    .bind(c.ap_id)
    .bind(c.in_reply_to)
    .bind(c.author_actor)
    .bind(c.author_name)
    .bind(c.author_handle)
    .bind(c.author_url)
    .bind(c.content_html)
    .bind(c.url)
    .bind(c.published_at)
    .bind(now_millis())
    .fetch_optional(&mut *conn)
    .await?)
}

/// An edit by the comment's author.
pub async fn update_comment(conn: &mut AnyConnection, ap_id: &str, author: &str, html: &str) -> AppResult<bool> {
    let done = sqlx::query("UPDATE action_comments SET content_html = $1 WHERE ap_id = $2 AND author_actor = $3")
        .bind(html)
        .bind(ap_id)
        .bind(author)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a comment by its author (the caller checked who asks).
pub async fn delete_comment(conn: &mut AnyConnection, ap_id: &str, author: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM action_comments WHERE ap_id = $1 AND author_actor = $2")
        .bind(ap_id)
        .bind(author)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Hides or shows a comment of the action `action_id` (moderation); false when it has no such
/// comment.
pub async fn set_comment_hidden(
    conn: &mut AnyConnection,
    action_id: ActionId,
    comment_id: i64,
    hidden: bool,
) -> AppResult<bool> {
    let done = sqlx::query("UPDATE action_comments SET hidden = $1 WHERE id = $2 AND action_id = $3")
        .bind(i64::from(hidden))
        .bind(comment_id)
        .bind(action_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
