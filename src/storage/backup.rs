//! What backups need from the database: a consistent copy of a SQLite database while the
//! server writes to it, the schema version (last migration applied), whether a database is
//! empty (restore refuses to overwrite one), and the record of scheduled backups.

use std::path::Path;

use sqlx::FromRow;

use super::{Backend, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS, Store};
use crate::error::{AppError, AppResult};

/// One backup run of the schedule (`backup_runs`).
#[derive(Debug, Clone, FromRow)]
pub struct BackupRun {
    pub id: i64,
    pub slot: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub file: Option<String>,
    pub bytes: Option<i64>,
    pub error: Option<String>,
}

/// The newest migration this build knows, per backend: a backup from a newer schema cannot be
/// restored by it.
pub fn latest_known_migration(backend: Backend) -> i64 {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Store {
    /// `VACUUM INTO`: a transactionally consistent copy of the whole SQLite database, taken
    /// in one read transaction while writers go on (WAL mode)
    /// (<https://www.sqlite.org/lang_vacuum.html#vacuuminto>). `target` must not exist.
    pub async fn sqlite_copy_into(&self, target: &Path) -> AppResult<()> {
        if self.backend() != Backend::Sqlite {
            return Err(AppError::Internal("VACUUM INTO is SQLite's".into()));
        }
        let target = target.to_str().ok_or_else(|| AppError::Internal("backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(self.pool()).await?;
        Ok(())
    }

    /// The last migration applied (0 for a database never migrated).
    pub async fn schema_version(&self) -> AppResult<i64> {
        if !self.has_table("_sqlx_migrations").await? {
            return Ok(0);
        }
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(self.pool())
            .await?;
        Ok(v.unwrap_or(0))
    }

    /// True when the database holds no table at all (a restore target).
    pub async fn is_empty_database(&self) -> AppResult<bool> {
        let n: i64 = match self.backend() {
            Backend::Sqlite => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                    .fetch_one(self.pool())
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables \
                     WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
                )
                .fetch_one(self.pool())
                .await?
            }
        };
        Ok(n == 0)
    }

    /// SQLite's own check of a (restored) database file: "ok" or the problems found.
    pub async fn sqlite_integrity_check(&self) -> AppResult<String> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check").fetch_one(self.pool()).await?)
    }

    async fn has_table(&self, name: &str) -> AppResult<bool> {
        let n: i64 = match self.backend() {
            Backend::Sqlite => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1")
                    .bind(name)
                    .fetch_one(self.pool())
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = $1")
                    .bind(name)
                    .fetch_one(self.pool())
                    .await?
            }
        };
        Ok(n > 0)
    }

    /// Claims the scheduled backup of `slot` (start time divided by the interval); None when
    /// another process already took it.
    pub async fn claim_backup_slot(&self, slot: i64, started_at: i64) -> AppResult<Option<i64>> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO backup_runs (slot, started_at) VALUES ($1, $2) ON CONFLICT (slot) DO NOTHING RETURNING id",
        )
        .bind(slot)
        .bind(started_at)
        .fetch_optional(self.pool())
        .await?;
        Ok(id)
    }

    /// Records how a claimed run ended: its file and size, or its error.
    pub async fn finish_backup_run(
        &self,
        id: i64,
        finished_at: i64,
        outcome: Result<(&str, i64), &str>,
    ) -> AppResult<()> {
        let (file, bytes, error) = match outcome {
            Ok((file, bytes)) => (Some(file), Some(bytes), None),
            Err(e) => (None, None, Some(e)),
        };
        sqlx::query("UPDATE backup_runs SET finished_at = $1, file = $2, bytes = $3, error = $4 WHERE id = $5")
            .bind(finished_at)
            .bind(file)
            .bind(bytes)
            .bind(error)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The latest runs, newest first.
    pub async fn backup_runs(&self, limit: i64) -> AppResult<Vec<BackupRun>> {
        Ok(sqlx::query_as(
            "SELECT id, slot, started_at, finished_at, file, bytes, error FROM backup_runs ORDER BY started_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
