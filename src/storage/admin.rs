//! Audit log, uploaded media and instance settings.

use sqlx::FromRow;

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{domain::now_millis, error::AppResult};

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub created_at: i64,
}

/// Records an admin action inside the caller's transaction (with the change it describes).
/// `detail` must not carry personal data.
pub async fn audit_in(conn: &mut sqlx::AnyConnection, actor: &str, action: &str, detail: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO audit_log (actor, action, detail, created_at) VALUES ($1, $2, $3, $4)")
        .bind(actor)
        .bind(action)
        .bind(detail.chars().take(1000).collect::<String>())
        .bind(now_millis())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Records an admin action. `detail` must not carry personal data.
    pub async fn audit(&self, actor: &str, action: &str, detail: &str) -> AppResult<()> {
        sqlx::query("INSERT INTO audit_log (actor, action, detail, created_at) VALUES ($1, $2, $3, $4)")
            .bind(actor)
            .bind(action)
            .bind(detail.chars().take(1000).collect::<String>())
            .bind(now_millis())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn audit_page(&self, limit: i64, offset: i64) -> AppResult<Vec<AuditRow>> {
        Ok(sqlx::query_as(
            "SELECT id, actor, action, detail, created_at FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn insert_media(&self, content_type: &str, bytes: &[u8]) -> AppResult<i64> {
        insert_media(&mut *self.pool().acquire().await?, content_type, bytes).await
    }

    pub async fn media(&self, id: i64) -> AppResult<Option<(String, Vec<u8>)>> {
        Ok(sqlx::query_as("SELECT content_type, bytes FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn set_territory_icon(&self, territory_id: TerritoryId, media_id: i64) -> AppResult<()> {
        set_territory_icon(&mut *self.pool().acquire().await?, territory_id, media_id).await
    }

    pub async fn setting(&self, key: &str) -> AppResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> AppResult<()> {
        set_setting(&mut *self.pool().acquire().await?, key, value).await
    }
}

// Writes, inside the caller's transaction (a `processing::unit::Change`).

pub async fn insert_media(conn: &mut sqlx::AnyConnection, content_type: &str, bytes: &[u8]) -> AppResult<i64> {
    Ok(sqlx::query_scalar("INSERT INTO media (content_type, bytes, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(content_type)
        .bind(bytes)
        .bind(now_millis())
        .fetch_one(conn)
        .await?)
}

pub async fn set_territory_icon(
    conn: &mut sqlx::AnyConnection,
    territory_id: TerritoryId,
    media_id: i64,
) -> AppResult<()> {
    sqlx::query("UPDATE territories SET icon_media_id = $1, updated_at = $2 WHERE id = $3")
        .bind(media_id)
        .bind(now_millis())
        .bind(territory_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_setting(conn: &mut sqlx::AnyConnection, key: &str, value: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}
