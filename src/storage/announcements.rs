//! Announcements (migration 0022; their comments are in `comments.rs`, their likes in
//! `reactions.rs`). Writes take the caller's connection (a change's transaction); reads exist
//! over any executor (`*_in`).

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::{
    domain::{announcement::AnnouncementStatus, ids::TerritoryId, list::List, now_millis},
    error::AppResult,
};

/// An announcement as stored and as the API returns it (times in ms UTC).
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AnnouncementRow {
    pub id: i64,
    pub ap_id: String,
    #[schema(value_type = i64)]
    pub territory_id: TerritoryId,
    /// `draft`, `published` or `deleted`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: AnnouncementStatus,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub link: String,
    /// The image's file name under `/media/a/` (empty: none).
    pub image_name: String,
    pub image_type: String,
    pub image_width: i64,
    pub image_height: i64,
    pub image_alt: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub tags: List<String>,
    /// Who wrote it (an account or token): never in public output.
    #[serde(skip)]
    pub author: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

impl AnnouncementRow {
    pub fn is_published(&self) -> bool {
        self.status == AnnouncementStatus::Published
    }
}

const COLUMNS: &str = "id, ap_id, territory_id, status, title, body_md, body_html, link, image_name, image_type, \
                       image_width, image_height, image_alt, tags, author, created_at, updated_at, published_at";

/// Everything an edit replaces.
#[derive(Debug, Clone, Default)]
pub struct AnnouncementContent {
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub link: String,
    pub image_name: String,
    pub image_type: String,
    pub image_width: i64,
    pub image_height: i64,
    pub image_alt: String,
    pub tags: String,
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds the content as `$1`–`$10`.
fn bind_content<'q>(q: Query<'q>, c: &'q AnnouncementContent) -> Query<'q> {
    q.bind(&c.title)
        .bind(&c.body_md)
        .bind(&c.body_html)
        .bind(&c.link)
        .bind(&c.image_name)
        .bind(&c.image_type)
        .bind(c.image_width)
        .bind(c.image_height)
        .bind(&c.image_alt)
        .bind(&c.tags)
}

/// A new announcement (its status `draft` or `published`); its id.
pub async fn insert(
    conn: &mut AnyConnection,
    ap_id: &str,
    territory_id: TerritoryId,
    c: &AnnouncementContent,
    status: AnnouncementStatus,
    author: &str,
) -> AppResult<i64> {
    let now = now_millis();
    let published = (status == AnnouncementStatus::Published).then_some(now);
    Ok(sqlx::query_scalar(
        "INSERT INTO announcements (title, body_md, body_html, link, image_name, image_type, image_width, \
         image_height, image_alt, tags, ap_id, territory_id, status, author, created_at, updated_at, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id",
    )
    .bind(&c.title)
    .bind(&c.body_md)
    .bind(&c.body_html)
    .bind(&c.link)
    .bind(&c.image_name)
    .bind(&c.image_type)
    .bind(c.image_width)
    .bind(c.image_height)
    .bind(&c.image_alt)
    .bind(&c.tags)
    .bind(ap_id)
    .bind(territory_id)
    .bind(status.as_str())
    .bind(author)
    .bind(now)
    .bind(published)
    .fetch_one(&mut *conn)
    .await?)
}

/// Its id is its address under the territory, known once inserted.
pub async fn set_ap_id(conn: &mut AnyConnection, id: i64, ap_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE announcements SET ap_id = $1 WHERE id = $2").bind(ap_id).bind(id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn update_content(conn: &mut AnyConnection, id: i64, c: &AnnouncementContent) -> AppResult<()> {
    let sql = "UPDATE announcements SET title = $1, body_md = $2, body_html = $3, link = $4, image_name = $5, \
               image_type = $6, image_width = $7, image_height = $8, image_alt = $9, tags = $10, updated_at = $11 \
               WHERE id = $12";
    bind_content(sqlx::query(sql), c).bind(now_millis()).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Changes the status (the first publication time is kept).
pub async fn set_status(conn: &mut AnyConnection, id: i64, to: AnnouncementStatus) -> AppResult<()> {
    let published = i64::from(to == AnnouncementStatus::Published);
    sqlx::query(
        "UPDATE announcements SET status = $1, published_at = CASE WHEN $2 = 1 THEN COALESCE(published_at, $3) \
         ELSE published_at END, updated_at = $3 WHERE id = $4",
    )
    .bind(to.as_str())
    .bind(published)
    .bind(now_millis())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn announcement_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: i64,
) -> AppResult<Option<AnnouncementRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM announcements WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

impl Store {
    pub async fn announcement(&self, id: i64) -> AppResult<Option<AnnouncementRow>> {
        announcement_in(self.pool(), id).await
    }

    pub async fn announcement_by_ap_id(&self, ap_id: &str) -> AppResult<Option<AnnouncementRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM announcements WHERE ap_id = $1"))
            .bind(ap_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A territory's announcements, newest first: published ones, and drafts when asked
    /// (moderators); never deleted ones.
    pub async fn announcements(
        &self,
        territory_id: TerritoryId,
        drafts: bool,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<AnnouncementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM announcements WHERE territory_id = $1 AND (status = 'published' OR \
             (status = 'draft' AND $2 = 1)) ORDER BY COALESCE(published_at, created_at) DESC, id DESC \
             LIMIT $3 OFFSET $4"
        ))
        .bind(territory_id)
        .bind(i64::from(drafts))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn announcement_count(&self, territory_id: TerritoryId) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM announcements WHERE territory_id = $1 AND status = 'published'")
            .bind(territory_id)
            .fetch_one(self.pool())
            .await?)
    }
}

/// The slug of a territory, read through any executor (an announcement's territory, inside its change).
pub async fn territory_slug_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    territory_id: TerritoryId,
) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT slug FROM territories WHERE id = $1").bind(territory_id).fetch_optional(conn).await?)
}
