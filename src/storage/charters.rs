//! Charter versions, written inside the caller's transaction.

use sqlx::AnyConnection;

use super::signatories::CharterRow;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::now_millis,
    error::{AppError, AppResult},
};

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
