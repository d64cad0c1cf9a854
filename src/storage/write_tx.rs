//! A write transaction ([`Store::begin`]). On SQLite, one writer at a time waits its turn
//! here, in memory, before `BEGIN IMMEDIATE`: SQLite's own wait for its write lock (the busy
//! handler) sleeps 1, 2, 5, 10… ms between tries, so writers queued there leave the lock idle
//! most of the time and each waits milliseconds for a lock held microseconds (issue 14: 568
//! activities/s, p99 130 ms). The turn is taken before a pooled connection, so writers in
//! line hold none that readers need.

use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
    time::Duration,
};

use sqlx::AnyConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{Backend, Store};
use crate::error::{AppError, AppResult};

/// How long a writer waits for its turn (as SQLite's busy timeout): a transaction opened
/// while the same task holds another would wait forever, and fails instead.
const TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// One write transaction; its rows are written through it (it dereferences to the
/// connection). Dropped without [`WriteTx::commit`], it is rolled back.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    /// The SQLite writer's turn, given back when the transaction ends (after `tx`: fields
    /// drop in order).
    _turn: Option<OwnedSemaphorePermit>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// A connection for writes outside a transaction (one statement, autocommit), taken in the
/// same turn as [`WriteTx`] on SQLite. An autocommit write through the pool would meet the
/// write lock held by a transaction and wait in SQLite's busy handler (1, 2, 5, 10… ms sleeps),
/// and while it holds the lock, the transactions waiting for their turn would sleep there in
/// turn: the delivery worker's claims and outcome writes, one per `Accept` an inbox `Follow`
/// queues, held the ingest of follows at 450–950/s (issue 14; measured with
/// `RUST_LOG=sqlx::query=debug`: claims took 2.8 ms on average, most of it asleep).
pub struct WriteConn {
    conn: sqlx::pool::PoolConnection<sqlx::Any>,
    _turn: Option<OwnedSemaphorePermit>,
}

impl Deref for WriteConn {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// The turn of SQLite writers (one permit).
pub fn writers() -> Arc<Semaphore> {
    Arc::new(Semaphore::new(1))
}

impl Store {
    /// A write transaction. On SQLite it waits its turn among this process's writers, then
    /// takes the write lock at once (`BEGIN IMMEDIATE`): a deferred transaction that read first
    /// and must then upgrade fails with "database is locked" instead of waiting. Rule for
    /// callers: never use the pool (another connection) while holding a transaction; read
    /// before `begin` or through the transaction.
    pub async fn begin(&self) -> AppResult<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.turn().await?;
                WriteTx { tx: self.pool.begin_with("BEGIN IMMEDIATE").await?, _turn: Some(turn) }
            }
            Backend::Postgres => WriteTx { tx: self.pool.begin().await?, _turn: None },
        })
    }

    /// A connection for one write outside a transaction ([`WriteConn`]); same rule as
    /// [`Store::begin`]: not while this task holds a transaction or another `WriteConn`.
    pub async fn writer(&self) -> AppResult<WriteConn> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.turn().await?),
            Backend::Postgres => None,
        };
        Ok(WriteConn { conn: self.pool.acquire().await?, _turn: turn })
    }

    async fn turn(&self) -> AppResult<OwnedSemaphorePermit> {
        tokio::time::timeout(TURN_TIMEOUT, self.writers.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Internal("database is locked: no write turn in 10 s".into()))?
            .map_err(AppError::internal)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Store;

    /// A write outside a transaction waits for the transaction in progress on SQLite (the same
    /// turn), instead of meeting its lock in SQLite's busy handler.
    #[tokio::test]
    async fn a_single_write_takes_its_turn_behind_a_transaction() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.expect("store");
        sqlx::query("CREATE TABLE t (n BIGINT)").execute(store.pool()).await.expect("table");
        let mut tx = store.begin().await.expect("tx");
        sqlx::query("INSERT INTO t (n) VALUES (1)").execute(&mut *tx).await.expect("insert");
        let waiting = tokio::time::timeout(Duration::from_millis(200), store.writer()).await;
        assert!(waiting.is_err(), "a writer got a turn while a transaction held it");
        tx.commit().await.expect("commit");
        let mut w = tokio::time::timeout(Duration::from_secs(5), store.writer()).await.expect("turn").expect("conn");
        sqlx::query("INSERT INTO t (n) VALUES (2)").execute(&mut *w).await.expect("insert");
        drop(w);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(store.pool()).await.expect("count");
        assert_eq!(n, 2);
    }
}
