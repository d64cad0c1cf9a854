//! Who the instance is: the public URL its ids are built from, recorded at first start in
//! `instance_settings` so that every process on the database (server, CLI) agrees on it.

use sqlx::AnyConnection;

use super::Store;
use crate::{domain::now_millis, error::AppResult};

const KEY: &str = "public_url";

impl Store {
    pub async fn recorded_public_url(&self) -> AppResult<Option<String>> {
        self.setting(KEY).await
    }
}

/// Records `url` unless one is already recorded (two first starts racing keep one); returns
/// the URL recorded after the call.
pub async fn record_public_url(conn: &mut AnyConnection, url: &str) -> AppResult<String> {
    sqlx::query("INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(KEY)
        .bind(url)
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1").bind(KEY).fetch_one(&mut *conn).await?)
}

/// Replaces the recorded URL (the explicit `set-public-url` operation), with its audit entry.
pub async fn replace_public_url(conn: &mut AnyConnection, url: &str, by: &str) -> AppResult<Option<String>> {
    let before: Option<String> = sqlx::query_scalar("SELECT value FROM instance_settings WHERE key = $1")
        .bind(KEY)
        .fetch_optional(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO instance_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(KEY)
    .bind(url)
    .execute(&mut *conn)
    .await?;
    let detail = format!("{} -> {url}", before.as_deref().unwrap_or("(none)"));
    sqlx::query("INSERT INTO audit_log (actor, action, detail, created_at) VALUES ($1, $2, $3, $4)")
        .bind(by)
        .bind("instance.public_url")
        .bind(detail)
        .bind(now_millis())
        .execute(&mut *conn)
        .await?;
    Ok(before)
}
