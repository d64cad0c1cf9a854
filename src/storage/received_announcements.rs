//! Announcements received from the territories of other Maillage instances that a territory
//! here follows (table `received_announcements`, migration 0038): one row per announcement,
//! its HTML sanitised before it comes here; who sees it is read from `following`. Writes take
//! the caller's connection (one change with the claim of the activity that carried it).

use sqlx::AnyConnection;

use super::Store;
use crate::{domain::ids::TerritoryId, error::AppResult};

/// What is kept of a received announcement.
#[derive(Debug, Clone)]
pub struct ReceivedAnnouncement<'a> {
    pub ap_id: &'a str,
    /// The announcing territory (`remote_actors.id`).
    pub group_actor_id: i64,
    pub author_actor: &'a str,
    /// Sanitised.
    pub content_html: &'a str,
    pub url: &'a str,
    pub image_url: &'a str,
    pub image_alt: &'a str,
    pub published_at: i64,
    pub updated_at: i64,
}

/// A received announcement as shown, with the territory that sent it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceivedAnnouncementRow {
    pub ap_id: String,
    pub content_html: String,
    pub url: String,
    pub image_url: String,
    pub image_alt: String,
    pub published_at: i64,
    /// The sending territory: its actor id, name and page.
    pub group_ap_id: String,
    pub group_name: Option<String>,
    pub group_url: Option<String>,
}

/// Writes (or, for the same id from the same territory, replaces) `a`; false when the id is
/// already another territory's (nothing changed).
pub async fn upsert(conn: &mut AnyConnection, a: &ReceivedAnnouncement<'_>) -> AppResult<bool> {
    let done = sqlx::query(
        "INSERT INTO received_announcements (ap_id, group_actor_id, author_actor, content_html, url, image_url, \
         image_alt, published_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (ap_id) DO UPDATE SET author_actor = $3, content_html = $4, url = $5, image_url = $6, \
         image_alt = $7, updated_at = $9 WHERE received_announcements.group_actor_id = $2",
    )
    .bind(a.ap_id)
    .bind(a.group_actor_id)
    .bind(a.author_actor)
    .bind(a.content_html)
    .bind(a.url)
    .bind(a.image_url)
    .bind(a.image_alt)
    .bind(a.published_at)
    .bind(a.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes `ap_id` if `group_actor_id` sent it; whether there was one.
pub async fn delete(conn: &mut AnyConnection, ap_id: &str, group_actor_id: i64) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM received_announcements WHERE ap_id = $1 AND group_actor_id = $2")
        .bind(ap_id)
        .bind(group_actor_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

impl Store {
    /// Whether `ap_id` is a received announcement.
    pub async fn received_announcement_exists(&self, ap_id: &str) -> AppResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM received_announcements WHERE ap_id = $1")
            .bind(ap_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }

    /// The newest announcements of the territories `territory_id` follows (accepted), at most
    /// `limit`.
    pub async fn followed_announcements(
        &self,
        territory_id: TerritoryId,
        limit: i64,
    ) -> AppResult<Vec<ReceivedAnnouncementRow>> {
        Ok(sqlx::query_as(
            "SELECT r.ap_id, r.content_html, r.url, r.image_url, r.image_alt, r.published_at, \
             a.ap_id AS group_ap_id, a.name AS group_name, a.url AS group_url \
             FROM received_announcements r JOIN following f ON f.actor_id = r.group_actor_id \
             JOIN remote_actors a ON a.id = r.group_actor_id \
             WHERE f.territory_id = $1 AND f.state = 'accepted' ORDER BY r.published_at DESC, r.id DESC LIMIT $2",
        )
        .bind(territory_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
