//! Comments: replies (`Note` with `inReplyTo`) received on a practice, an announcement or a
//! shared action, and the comments local territories write on practices. One shape in three
//! tables (`practice_comments`, `announcement_comments`, `action_comments`: migrations 0008,
//! 0022, 0034, made alike by 0039); [`Commented`] says which one, as `reactions::Reacted`
//! does for likes. Hidden comments are listed for moderators only. Writes take the caller's
//! connection (a change's transaction); reads exist over any executor (`*_in`).

use sqlx::{AnyConnection, FromRow, Row, any::AnyRow};

use super::{Flag, Store};
use crate::{
    domain::{
        ids::{ActionId, PracticeId, TerritoryId},
        now_millis,
    },
    error::AppResult,
};

/// What a comment is on. In JSON, the id under its own name (`"practice_id": 4`), as the
/// rows of each table always had it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub enum Commented {
    #[serde(rename = "practice_id")]
    #[schema(value_type = i64)]
    Practice(PracticeId),
    /// An announcement (its row id).
    #[serde(rename = "announcement_id")]
    Announcement(i64),
    #[serde(rename = "action_id")]
    #[schema(value_type = i64)]
    Action(ActionId),
}

impl From<PracticeId> for Commented {
    fn from(id: PracticeId) -> Self {
        Commented::Practice(id)
    }
}

impl From<ActionId> for Commented {
    fn from(id: ActionId) -> Self {
        Commented::Action(id)
    }
}

/// The table of one kind of comment.
#[derive(Debug, Clone, Copy)]
enum Table {
    Practice,
    Announcement,
    Action,
}

impl Table {
    const ALL: [Table; 3] = [Table::Practice, Table::Announcement, Table::Action];

    /// (table, column naming what is commented, the code read back by [`Commented::from_row`]).
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Table::Practice => ("practice_comments", "practice_id", "practice"),
            Table::Announcement => ("announcement_comments", "announcement_id", "announcement"),
            Table::Action => ("action_comments", "action_id", "action"),
        }
    }

    fn name(self) -> &'static str {
        self.names().0
    }

    fn key(self) -> &'static str {
        self.names().1
    }

    /// `SELECT` of [`CommentRow`]s from this table (a `WHERE` follows).
    fn select(self) -> String {
        let (table, key, code) = self.names();
        format!("SELECT '{code}' AS target, {key} AS target_id, {COLUMNS} FROM {table}")
    }
}

impl Commented {
    fn table(self) -> Table {
        match self {
            Commented::Practice(_) => Table::Practice,
            Commented::Announcement(_) => Table::Announcement,
            Commented::Action(_) => Table::Action,
        }
    }

    fn id(self) -> i64 {
        match self {
            Commented::Practice(id) => id.0,
            Commented::Announcement(id) => id,
            Commented::Action(id) => id.0,
        }
    }
}

impl FromRow<'_, AnyRow> for Commented {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let id: i64 = row.try_get("target_id")?;
        match row.try_get::<String, _>("target")?.as_str() {
            "practice" => Ok(Commented::Practice(PracticeId(id))),
            "announcement" => Ok(Commented::Announcement(id)),
            "action" => Ok(Commented::Action(ActionId(id))),
            other => Err(sqlx::Error::Decode(format!("no comments on {other}").into())),
        }
    }
}

/// A comment as stored and as the API returns it (times in ms UTC).
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct CommentRow {
    pub id: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub on: Commented,
    pub ap_id: String,
    /// What it answers: the practice, announcement or action, or another comment.
    pub in_reply_to: String,
    pub author_actor: String,
    pub author_name: String,
    /// `name@host`, shown beside the comment.
    pub author_handle: String,
    pub author_url: String,
    /// Sanitised HTML.
    pub content_html: String,
    pub url: String,
    /// The local territory that wrote it (`None`: it came from elsewhere).
    #[schema(value_type = Option<i64>)]
    pub local_territory_id: Option<TerritoryId>,
    /// The territory's `Announce` of it to its followers (FEP-1b12), undone when hidden.
    #[serde(skip)]
    pub announce_ap_id: Option<String>,
    #[sqlx(try_from = "i64")]
    pub hidden: Flag,
    pub published_at: i64,
}

const COLUMNS: &str = "id, ap_id, in_reply_to, author_actor, author_name, author_handle, author_url, content_html, \
                       url, local_territory_id, announce_ap_id, hidden, published_at";

/// A comment to store.
pub struct NewComment<'a> {
    pub on: Commented,
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

impl Store {
    /// The comment with this id, whatever it is on.
    pub async fn comment_by_ap_id(&self, ap_id: &str) -> AppResult<Option<CommentRow>> {
        by_ap_id_in(self.pool(), ap_id).await
    }

    /// The comments on `on`, oldest first; hidden ones only when asked (moderators).
    pub async fn comments(&self, on: impl Into<Commented>, with_hidden: bool) -> AppResult<Vec<CommentRow>> {
        list_in(self.pool(), on.into(), with_hidden).await
    }
}

/// [`Store::comment_by_ap_id`], read through the pool or inside a change's transaction.
pub async fn by_ap_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    ap_id: &str,
) -> AppResult<Option<CommentRow>> {
    let sql = Table::ALL.map(|t| format!("{} WHERE ap_id = $1", t.select())).join(" UNION ALL ");
    Ok(sqlx::query_as(&sql).bind(ap_id).fetch_optional(conn).await?)
}

/// `SELECT` of the comments on `on` (its id bound as `$1`), `rest` after the `WHERE`.
fn on_query(on: Commented, rest: &str) -> String {
    let t = on.table();
    format!("{} WHERE {} = $1 {rest}", t.select(), t.key())
}

/// The comment `id` on `on`; `None` when `on` has no such comment.
pub async fn by_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    on: Commented,
    id: i64,
) -> AppResult<Option<CommentRow>> {
    Ok(sqlx::query_as(&on_query(on, "AND id = $2")).bind(on.id()).bind(id).fetch_optional(conn).await?)
}

/// [`Store::comments`], read through the pool or inside a change's transaction.
pub async fn list_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    on: Commented,
    with_hidden: bool,
) -> AppResult<Vec<CommentRow>> {
    let sql = on_query(on, "AND (hidden = 0 OR $2 = 1) ORDER BY published_at, id");
    Ok(sqlx::query_as(&sql).bind(on.id()).bind(i64::from(with_hidden)).fetch_all(conn).await?)
}

/// Stores a comment; `None` when its id is already known (a repeated delivery).
pub async fn insert(conn: &mut AnyConnection, c: &NewComment<'_>) -> AppResult<Option<i64>> {
    let t = c.on.table();
    let sql = format!(
        "INSERT INTO {} ({}, ap_id, in_reply_to, author_actor, author_name, author_handle, author_url, \
         content_html, url, local_territory_id, published_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (ap_id) DO NOTHING RETURNING id",
        t.name(),
        t.key()
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(c.on.id())
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

/// Records (or clears) the territory's `Announce` of the comment `id` on `on`.
pub async fn set_announce(conn: &mut AnyConnection, on: Commented, id: i64, announce: Option<&str>) -> AppResult<()> {
    sqlx::query(&format!("UPDATE {} SET announce_ap_id = $1 WHERE id = $2", on.table().name()))
        .bind(announce)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Hides or shows a comment (moderation).
pub async fn set_hidden(conn: &mut AnyConnection, c: &CommentRow, hidden: bool) -> AppResult<()> {
    sqlx::query(&format!("UPDATE {} SET hidden = $1 WHERE id = $2", c.on.table().name()))
        .bind(i64::from(hidden))
        .bind(c.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An edit by the comment's author (the caller checked who asks).
pub async fn update_content(conn: &mut AnyConnection, c: &CommentRow, html: &str) -> AppResult<()> {
    sqlx::query(&format!("UPDATE {} SET content_html = $1 WHERE id = $2", c.on.table().name()))
        .bind(html)
        .bind(c.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes a comment (its author or a moderator deleted it; the caller checked who asks).
pub async fn delete(conn: &mut AnyConnection, c: &CommentRow) -> AppResult<()> {
    sqlx::query(&format!("DELETE FROM {} WHERE id = $1", c.on.table().name())).bind(c.id).execute(&mut *conn).await?;
    Ok(())
}
