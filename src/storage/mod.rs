//! Persistence over sqlx's `Any` driver, so one set of queries serves SQLite (the embedded
//! default) and PostgreSQL (production). Queries use `$n` placeholders, which both accept;
//! the few places where the dialects differ branch on [`Backend`].
//!
//! Read helpers hang off [`Store`]; write helpers take `&mut AnyConnection` so that a change
//! (`processing::unit::Change`) groups its rows, activities and audit entry in one transaction.
//! Reads a change needs exist as `*_in` functions over any executor (the pool or the change's
//! connection): see the rule on [`Store::begin`].

pub mod accounts;
pub mod action_evaluations;
pub mod action_feedback;
pub mod action_invitations;
pub mod action_participants;
pub mod actions;
pub mod activities;
pub mod actors;
pub mod admin;
pub mod agenda;
pub mod announcements;
pub mod backup;
pub mod bench_commits;
pub mod bench_seed;
pub mod charters;
pub mod comments;
pub mod conversations;
pub mod deliveries;
pub mod follows;
pub mod host_book;
pub mod hosts;
pub mod identity;
pub mod map;
pub mod moderation;
pub mod observatory;
pub mod observatory_aggregates;
pub mod practice_search;
pub mod practices;
pub mod reactions;
pub mod received_announcements;
pub mod reports;
pub mod signatories;
pub mod signatory_followers;
pub mod signature_changes;
pub mod subscriptions;
pub mod territories;
pub mod territory_export;
pub mod write_tx;

pub use write_tx::{WriteConn, WriteTx};

use std::{str::FromStr, time::Duration};

use sqlx::{
    AnyPool, Executor,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

use crate::error::{AppError, AppResult};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Host bookkeeping kept in memory, written back on change or in batches.
    host_book: std::sync::Arc<host_book::HostBook>,
    /// SQLite writers' turn (`write_tx`).
    writers: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Store {
    /// Opens the database (creating the SQLite file when needed). Does not migrate.
    pub async fn connect(database_url: &str) -> AppResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = if database_url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
        let options =
            AnyConnectOptions::from_str(database_url).map_err(|e| AppError::Internal(format!("database url: {e}")))?;
        // No ping before each acquire (sqlx's default): it is a round trip of its own per
        // statement run through the pool (a thread hop on SQLite, a network one on PostgreSQL),
        // and the inbox reads through the pool several times per activity (issue 14). A
        // connection the server dropped fails its next statement instead, and sqlx then closes it.
        let pool_options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30)).test_before_acquire(false);
        let pool = match backend {
            Backend::Sqlite => {
                pool_options
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; foreign keys are off by
                            // default in SQLite; busy_timeout makes writers queue instead of failing.
                            conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => pool_options.max_connections(16).connect_with(options).await?,
        };
        Ok(Store { pool, backend, host_book: Default::default(), writers: write_tx::writers() })
    }

    /// Applies pending migrations of the backend's directory.
    pub async fn migrate(&self) -> AppResult<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn ping(&self) -> AppResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Writes back what is kept in memory, then closes the pool.
    pub async fn close(&self) {
        if let Err(e) = self.flush_hosts_heard().await {
            tracing::warn!(error = %e, "could not write back when hosts were last heard from");
        }
        self.pool.close().await;
    }
}

/// A boolean column. Stored as BIGINT 0/1: sqlx's Any driver cannot decode SQLite BOOLEAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(value_type = bool)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(v: i64) -> Self {
        Flag(v != 0)
    }
}

pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// True when the error is a unique-constraint violation (both backends).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A code read outside a row (a tuple, a scalar) decoded into its closed set; a stored value
/// outside the set is a decoding error, as with `#[sqlx(try_from = "String")]` in rows.
pub fn code<T: TryFrom<String, Error = crate::domain::code::UnknownCode>>(s: String) -> Result<T, sqlx::Error> {
    T::try_from(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use crate::domain::ids::{PracticeId, TerritoryId};

    /// The id newtypes (`domain/ids.rs`) bind and decode as their `i64` through sqlx's Any driver.
    #[tokio::test]
    async fn round_trips_through_the_any_driver() {
        sqlx::any::install_default_drivers();
        let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect("sqlite::memory:").await else {
            panic!("sqlite in memory");
        };
        let row: Result<(PracticeId, Option<TerritoryId>), _> =
            sqlx::query_as("SELECT $1, $2").bind(PracticeId(5)).bind(Some(TerritoryId(9))).fetch_one(&mut conn).await;
        assert_eq!(row.ok(), Some((PracticeId(5), Some(TerritoryId(9)))));
    }
}
