//! Charter versions: read through the pool, written inside the caller's transaction.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
};

#[derive(Debug, Clone, FromRow)]
pub struct CharterRow {
    pub id: i64,
    pub territory_id: TerritoryId,
    pub version: String,
    pub content_md: String,
    pub published_at: i64,
}

impl Store {
    pub async fn insert_charter(
        &self,
        territory_id: TerritoryId,
        version: &str,
        content_md: &str,
    ) -> AppResult<CharterRow> {
        let mut conn = self.pool().acquire().await?;
        super::charters::insert(&mut conn, territory_id, version, content_md).await
    }

    /// The current charter: the latest imported.
    pub async fn current_charter(&self, territory_id: TerritoryId) -> AppResult<Option<CharterRow>> {
        Ok(sqlx::query_as(
            "SELECT id, territory_id, version, content_md, published_at FROM charters WHERE territory_id = $1 \
             ORDER BY published_at DESC, id DESC LIMIT 1",
        )
        .bind(territory_id)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn charters(&self, territory_id: TerritoryId) -> AppResult<Vec<CharterRow>> {
        Ok(sqlx::query_as(
            "SELECT id, territory_id, version, content_md, published_at FROM charters WHERE territory_id = $1 \
             ORDER BY published_at DESC, id DESC",
        )
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The version a charter was published under (what a signature was given for).
    pub async fn charter_version(&self, charter_id: i64) -> AppResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT version FROM charters WHERE id = $1")
            .bind(charter_id)
            .fetch_optional(self.pool())
            .await?)
    }
}

/// A new version of a territory's charter; `Conflict` when that version exists.
pub async fn insert(
    conn: &mut AnyConnection,
    territory_id: TerritoryId,
    version: &str,
    content_md: &str,
) -> AppResult<CharterRow> {
    let r = sqlx::query_as(
        "INSERT INTO charters (territory_id, version, content_md, published_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, territory_id, version, content_md, published_at",
    )
    .bind(territory_id)
    .bind(version)
    .bind(content_md)
    .bind(now_millis())
    .fetch_one(&mut *conn)
    .await;
    match r {
        Ok(c) => Ok(c),
        Err(e) if super::is_unique_violation(&e) => {
            Err(AppError::Conflict(format!("charter version {version} exists")))
        }
        Err(e) => Err(e.into()),
    }
}
