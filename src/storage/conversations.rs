//! Around a practice: comments (replies from anywhere), reactions (likes and boosts) and
//! adoptions by other territories. Writes take a connection so that a change and the
//! activities it causes share one transaction.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{ids::PracticeId, now_millis, practice::Reaction},
    error::AppResult,
};

#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct CommentRow {
    pub id: i64,
    #[schema(value_type = i64)]
    pub practice_id: PracticeId,
    pub ap_id: String,
    pub in_reply_to: String,
    pub author_actor: String,
    pub author_name: String,
    pub author_handle: String,
    pub author_url: String,
    pub content_html: String,
    pub url: String,
    #[schema(value_type = Option<i64>)]
    pub local_territory_id: Option<TerritoryId>,
    #[serde(skip)]
    pub announce_ap_id: Option<String>,
    #[sqlx(try_from = "i64")]
    pub hidden: super::Flag,
    pub published_at: i64,
}

const COMMENT_COLUMNS: &str = "id, practice_id, ap_id, in_reply_to, author_actor, author_name, author_handle, \
                               author_url, content_html, url, local_territory_id, announce_ap_id, hidden, published_at";

/// A comment to store.
pub struct NewComment<'a> {
    pub practice_id: PracticeId,
    pub ap_id: &'a str,
    pub in_reply_to: &'a str,
    pub author_actor: &'a str,
    pub author_name: &'a str,
    pub author_handle: &'a str,
    pub author_url: &'a str,
    pub content_html: &'a str,
    pub url: &'a str,
    pub local_territory_id: Option<TerritoryId>,
    pub published_at: i64,
}

#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AdoptionRow {
    pub id: i64,
    #[schema(value_type = i64)]
    pub practice_id: PracticeId,
    pub adopter_actor: String,
    pub adopter_name: String,
    pub adopter_url: String,
    pub note: String,
    #[serde(skip)]
    pub activity_ap_id: String,
    #[schema(value_type = Option<i64>)]
    pub local_territory_id: Option<TerritoryId>,
    pub created_at: i64,
}

const ADOPTION_COLUMNS: &str =
    "id, practice_id, adopter_actor, adopter_name, adopter_url, note, activity_ap_id, local_territory_id, created_at";

pub struct NewAdoption<'a> {
    pub practice_id: PracticeId,
    pub adopter_actor: &'a str,
    pub adopter_name: &'a str,
    pub adopter_url: &'a str,
    pub note: &'a str,
    pub activity_ap_id: &'a str,
    pub local_territory_id: Option<TerritoryId>,
}

/// Likes and boosts of a practice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reactions {
    pub likes: i64,
    pub shares: i64,
}

impl Store {
    pub async fn comment_by_ap_id(&self, ap_id: &str) -> AppResult<Option<CommentRow>> {
        comment_by_ap_id_in(self.pool(), ap_id).await
    }

    pub async fn comment(&self, id: i64) -> AppResult<Option<CommentRow>> {
        comment_in(self.pool(), id).await
    }

    /// A practice's comments, oldest first; hidden ones only when asked (moderators).
    pub async fn comments(&self, practice_id: PracticeId, with_hidden: bool) -> AppResult<Vec<CommentRow>> {
        comments_in(self.pool(), practice_id, with_hidden).await
    }

    pub async fn reactions(&self, practice_id: PracticeId) -> AppResult<Reactions> {
        reactions_in(self.pool(), practice_id).await
    }

    /// Territories that adopted a practice, first adopters first.
    pub async fn adoptions(&self, practice_id: PracticeId) -> AppResult<Vec<AdoptionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ADOPTION_COLUMNS} FROM practice_adoptions WHERE practice_id = $1 ORDER BY created_at, id"
        ))
        .bind(practice_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// (practice id, number of adoptions) for the practices given that have any.
    pub async fn adoption_counts(&self, practice_ids: &[PracticeId]) -> AppResult<Vec<(PracticeId, i64)>> {
        if practice_ids.is_empty() {
            return Ok(vec![]);
        }
        // Ids are integers from our own rows: listed inline, no injection possible.
        let list = practice_ids.iter().map(PracticeId::to_string).collect::<Vec<_>>().join(",");
        Ok(sqlx::query_as(&format!(
            "SELECT practice_id, COUNT(*) FROM practice_adoptions WHERE practice_id IN ({list}) GROUP BY practice_id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// This instance's territory's adoption of a practice, if any.
    pub async fn local_adoption(
        &self,
        practice_id: PracticeId,
        territory_id: TerritoryId,
    ) -> AppResult<Option<AdoptionRow>> {
        local_adoption_in(self.pool(), practice_id, territory_id).await
    }
}

/// Stores a comment; `None` when its id is already known (a repeated delivery).
/// [`Store::comments`], read through the pool or inside a change's transaction.
pub async fn comments_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    practice_id: PracticeId,
    with_hidden: bool,
) -> AppResult<Vec<CommentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COMMENT_COLUMNS} FROM practice_comments WHERE practice_id = $1 AND (hidden = 0 OR $2 = 1) \
         ORDER BY published_at, id"
    ))
    .bind(practice_id)
    .bind(i64::from(with_hidden))
    .fetch_all(conn)
    .await?)
}

/// [`Store::reactions`], read through the pool or inside a change's transaction.
pub async fn reactions_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    practice_id: PracticeId,
) -> AppResult<Reactions> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM practice_reactions WHERE practice_id = $1 GROUP BY kind ORDER BY kind",
    )
    .bind(practice_id)
    .fetch_all(conn)
    .await?;
    let get = |k: Reaction| rows.iter().find(|(kind, _)| kind == k.as_str()).map(|(_, n)| *n).unwrap_or(0);
    Ok(Reactions { likes: get(Reaction::Like), shares: get(Reaction::Share) })
}

pub async fn insert_comment(conn: &mut AnyConnection, c: &NewComment<'_>) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO practice_comments (practice_id, ap_id, in_reply_to, author_actor, author_name, author_handle, \
         author_url, content_html, url, local_territory_id, published_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (ap_id) DO NOTHING RETURNING id",
    )
    .bind(c.practice_id)
    .bind(c.ap_id)
    .bind(c.in_reply_to)
    .bind(c.author_actor)
    .bind(c.author_name)
    .bind(c.author_handle)
    .bind(c.author_url)
    .bind(c.content_html)
    .bind(c.url)
    .bind(c.local_territory_id)
    .bind(c.published_at)
    .bind(now_millis())
    .fetch_optional(&mut *conn)
    .await?)
}

pub async fn set_comment_announce(conn: &mut AnyConnection, id: i64, announce: Option<&str>) -> AppResult<()> {
    sqlx::query("UPDATE practice_comments SET announce_ap_id = $1 WHERE id = $2")
        .bind(announce)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_comment_hidden(conn: &mut AnyConnection, id: i64, hidden: bool) -> AppResult<bool> {
    let done = sqlx::query("UPDATE practice_comments SET hidden = $1 WHERE id = $2")
        .bind(i64::from(hidden))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An edit by the comment's author.
pub async fn update_comment(conn: &mut AnyConnection, ap_id: &str, author: &str, html: &str) -> AppResult<bool> {
    let done = sqlx::query("UPDATE practice_comments SET content_html = $1 WHERE ap_id = $2 AND author_actor = $3")
        .bind(html)
        .bind(ap_id)
        .bind(author)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a comment (its author deleted it; the caller checked who asks).
pub async fn delete_comment(conn: &mut AnyConnection, ap_id: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM practice_comments WHERE ap_id = $1").bind(ap_id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Records (or renews, with a new note) an adoption.
pub async fn upsert_adoption(conn: &mut AnyConnection, a: &NewAdoption<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO practice_adoptions (practice_id, adopter_actor, adopter_name, adopter_url, note, activity_ap_id, \
         local_territory_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (practice_id, adopter_actor) DO UPDATE SET note = excluded.note, \
         activity_ap_id = excluded.activity_ap_id, adopter_name = excluded.adopter_name, adopter_url = excluded.adopter_url",
    )
    .bind(a.practice_id)
    .bind(a.adopter_actor)
    .bind(a.adopter_name)
    .bind(a.adopter_url)
    .bind(a.note)
    .bind(a.activity_ap_id)
    .bind(a.local_territory_id)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Withdraws an adoption by its `Announce` (an `Undo` from the adopter).
pub async fn remove_adoption_by_activity(conn: &mut AnyConnection, activity: &str, actor: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM practice_adoptions WHERE activity_ap_id = $1 AND adopter_actor = $2")
        .bind(activity)
        .bind(actor)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn remove_adoption(conn: &mut AnyConnection, id: i64) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM practice_adoptions WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// [`Store::comment_by_ap_id`], read through the pool or inside a change's transaction.
pub async fn comment_by_ap_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    ap_id: &str,
) -> AppResult<Option<CommentRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COMMENT_COLUMNS} FROM practice_comments WHERE ap_id = $1"))
        .bind(ap_id)
        .fetch_optional(conn)
        .await?)
}

/// [`Store::comment`], read through the pool or inside a change's transaction.
pub async fn comment_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: i64,
) -> AppResult<Option<CommentRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COMMENT_COLUMNS} FROM practice_comments WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// [`Store::local_adoption`], read through the pool or inside a change's transaction.
pub async fn local_adoption_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    practice_id: PracticeId,
    territory_id: TerritoryId,
) -> AppResult<Option<AdoptionRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ADOPTION_COLUMNS} FROM practice_adoptions WHERE practice_id = $1 AND local_territory_id = $2"
    ))
    .bind(practice_id)
    .bind(territory_id)
    .fetch_optional(conn)
    .await?)
}
