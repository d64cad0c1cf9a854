//! The commit limit `maillage bench federation` measures beside inbox ingest: one-row write
//! transactions on the server's own pool (same settings, same `BEGIN IMMEDIATE` on SQLite),
//! into a table of their own. The server never calls these.

use super::Store;
use crate::error::AppResult;

impl Store {
    /// Creates the benchmark's scratch table if missing.
    pub async fn bench_commit_table(&self) -> AppResult<()> {
        sqlx::query("CREATE TABLE IF NOT EXISTS bench_commits (n BIGINT NOT NULL, at BIGINT NOT NULL)")
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// One write transaction of one row, as the inbox opens them (`Store::begin`).
    pub async fn bench_commit_one(&self, n: i64) -> AppResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO bench_commits (n, at) VALUES ($1, $2)")
            .bind(n)
            .bind(crate::domain::now_millis())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
