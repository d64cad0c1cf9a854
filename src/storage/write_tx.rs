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
                let turn = tokio::time::timeout(TURN_TIMEOUT, self.writers.clone().acquire_owned())
                    .await
                    .map_err(|_| AppError::Internal("database is locked: no write turn in 10 s".into()))?
                    .map_err(AppError::internal)?;
                WriteTx { tx: self.pool.begin_with("BEGIN IMMEDIATE").await?, _turn: Some(turn) }
            }
            Backend::Postgres => WriteTx { tx: self.pool.begin().await?, _turn: None },
        })
    }
}
