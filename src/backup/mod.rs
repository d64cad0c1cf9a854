//! Backups that restore (issue 15, points 6-8; docs/admin.md "Backups"): one `.tar.gz` holding
//! a manifest, a consistent copy of the database taken while the server runs, the uploaded
//! media and the configuration file. The keys of every local actor live in the database, so
//! they travel with it.
//!
//! - SQLite: `VACUUM INTO` copies the database in one read transaction; writers go on (WAL).
//! - PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot), restored with
//!   `pg_restore --single-transaction` into an empty database.
//!
//! The database is copied before the media: a row that names a file was committed after its
//! file was written, so every file the copied rows name is in the archive.
//!
//! `restore` writes only into an empty data directory (and an empty PostgreSQL database), and
//! reads the manifest before writing anything: a backup from a newer schema is refused whole.

mod archive;
pub mod schedule;
pub mod sealed;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use serde::{Deserialize, Serialize};

use crate::{
    config::Config,
    error::{AppError, AppResult},
    storage::{Backend, Store, backup::latest_known_migration},
};

/// Version of the archive layout (not of the database schema).
pub const FORMAT: u32 = 1;
/// The archive's first entry.
pub const MANIFEST: &str = "manifest.json";
const DB_SQLITE: &str = "database/maillage.db";
const DB_POSTGRES: &str = "database/maillage.pgdump";
const MEDIA: &str = "media";
const CONFIG: &str = "config/maillage.toml";
/// Where `restore` puts the configuration file it found (the admin decides whether to use it).
pub const RESTORED_CONFIG: &str = "maillage.toml.restored";

/// What a backup holds, written first in the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    /// Maillage's version that wrote it.
    pub software_version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The last migration applied to the database copied.
    pub schema_version: i64,
    pub instance_url: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub media_files: u64,
    pub config_file: bool,
}

/// Progress of a long command: a bar on a terminal, log lines otherwise (the binary decides).
pub trait Progress: Send + Sync {
    /// A step begins; `total` bytes when known.
    fn begin(&self, step: &str, total: Option<u64>);
    fn advance(&self, bytes: u64);
    fn end(&self, step: &str);
}

/// Progress as log lines (scheduled backups, commands outside a terminal, tests).
pub struct LogProgress;

impl Progress for LogProgress {
    fn begin(&self, step: &str, total: Option<u64>) {
        match total {
            Some(t) => tracing::info!(step, bytes = t, "started"),
            None => tracing::info!(step, "started"),
        }
    }
    fn advance(&self, _bytes: u64) {}
    fn end(&self, step: &str) {
        tracing::info!(step, "done");
    }
}

/// A backup written.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub bytes: u64,
    pub manifest: Manifest,
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::Internal(format!("{}: {e}", what.display()))
}

/// Writes a backup of the running instance to `target` (which must not exist). The archive is
/// written beside it under a temporary name and renamed when whole.
pub async fn create(store: &Store, config: &Config, target: &Path, progress: Arc<dyn Progress>) -> AppResult<Written> {
    if target.exists() {
        return Err(AppError::Conflict(format!("{} exists: choose another file name", target.display())));
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let work = tempfile::Builder::new().prefix(".maillage-backup-").tempdir_in(&parent).map_err(io(&parent))?;
    let schema_version = store.schema_version().await?;
    let instance_url = store.recorded_public_url().await?.unwrap_or_else(|| config.public_url.to_string());
    progress.begin("database", None);
    let (db_entry, db_file) = match store.backend() {
        Backend::Sqlite => {
            let file = work.path().join("maillage.db");
            store.sqlite_copy_into(&file).await?;
            (DB_SQLITE, file)
        }
        Backend::Postgres => {
            let file = work.path().join("maillage.pgdump");
            pg_dump(&config.database_url, &file).await?;
            (DB_POSTGRES, file)
        }
    };
    progress.end("database");
    let media_dir = crate::processing::media::dir(&config.data_dir);
    let media = archive::list_files(&media_dir)?;
    let config_file = config.config_file.clone().filter(|p| p.is_file());
    let manifest = Manifest {
        format: FORMAT,
        software_version: env!("CARGO_PKG_VERSION").to_string(),
        backend: backend_name(store.backend()).into(),
        schema_version,
        instance_url,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        media_files: media.len() as u64,
        config_file: config_file.is_some(),
    };
    let partial = work.path().join("backup.tar.gz");
    let plan = archive::Plan { manifest: manifest.clone(), db_entry, db_file, media_dir, media, config_file };
    let out = partial.clone();
    tokio::task::spawn_blocking(move || archive::write(&out, &plan, progress.as_ref()))
        .await
        .map_err(AppError::internal)??;
    std::fs::rename(&partial, target).map_err(io(target))?;
    let bytes = std::fs::metadata(target).map_err(io(target))?.len();
    Ok(Written { path: target.to_path_buf(), bytes, manifest })
}

/// Restores `file` into the configured data directory and database, both empty. Returns the
/// manifest of what was restored. On failure nothing is left of the restore.
pub async fn restore(config: &Config, file: &Path, progress: Arc<dyn Progress>) -> AppResult<Manifest> {
    let path = file.to_path_buf();
    let manifest =
        tokio::task::spawn_blocking(move || archive::read_manifest(&path)).await.map_err(AppError::internal)??;
    let backend = if config.database_url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
    check_restorable(&manifest, backend)?;
    let sqlite_file = match backend {
        Backend::Sqlite => Some(sqlite_file(&config.database_url)?),
        Backend::Postgres => None,
    };
    check_empty_dir(&config.data_dir)?;
    if let Some(db) = &sqlite_file
        && db.exists()
    {
        return Err(AppError::Conflict(format!(
            "{} exists: restore only into a new database (move it away first)",
            db.display()
        )));
    }
    if backend == Backend::Postgres {
        let store = Store::connect(&config.database_url).await?;
        let empty = store.is_empty_database().await;
        store.close().await;
        if !empty? {
            return Err(AppError::Conflict(
                "the PostgreSQL database is not empty: restore only into a new database (createdb)".into(),
            ));
        }
    }
    let created_dir = !config.data_dir.exists();
    let result = unpack(config, file, sqlite_file.clone(), &manifest, progress).await;
    if result.is_err() {
        // The directory was empty (or absent) and the database file absent: remove what we wrote.
        if let Ok(entries) = std::fs::read_dir(&config.data_dir) {
            for entry in entries.flatten() {
                let p = entry.path();
                let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
            }
        }
        if created_dir {
            let _ = std::fs::remove_dir(&config.data_dir);
        }
        if let Some(db) = &sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
        }
    }
    result.map(|()| manifest)
}

/// Refuses what this build cannot restore, before anything is written.
pub fn check_restorable(manifest: &Manifest, backend: Backend) -> AppResult<()> {
    if manifest.format > FORMAT {
        return Err(AppError::Conflict(format!(
            "this backup's layout (format {}) is newer than this Maillage's ({FORMAT}): restore it with Maillage {} or later",
            manifest.format, manifest.software_version
        )));
    }
    if manifest.backend != backend_name(backend) {
        return Err(AppError::Conflict(format!(
            "this backup is of a {} database; the configured database_url is {}",
            manifest.backend,
            backend_name(backend)
        )));
    }
    let known = latest_known_migration(backend);
    if manifest.schema_version > known {
        return Err(AppError::Conflict(format!(
            "this backup comes from a newer schema (migration {}, this Maillage knows up to {known}): \
             restore it with Maillage {} or later; nothing was written",
            manifest.schema_version, manifest.software_version
        )));
    }
    Ok(())
}

/// The data directory must be absent or empty.
fn check_empty_dir(dir: &Path) -> AppResult<()> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(dir)(e)),
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(AppError::Conflict(format!(
                "the data directory {} is not empty: restore only into an empty directory \
                 (move the current one away, or give another with --data-dir)",
                dir.display()
            ))),
        },
    }
}

/// The file of a `sqlite://path?…` URL.
fn sqlite_file(url: &str) -> AppResult<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path.starts_with(":memory:") {
        return Err(AppError::BadRequest("database_url names no SQLite file to restore into".into()));
    }
    Ok(PathBuf::from(path))
}

async fn unpack(
    config: &Config,
    file: &Path,
    sqlite_file: Option<PathBuf>,
    manifest: &Manifest,
    progress: Arc<dyn Progress>,
) -> AppResult<()> {
    std::fs::create_dir_all(&config.data_dir).map_err(io(&config.data_dir))?;
    let dump = config.data_dir.join(".restore.pgdump");
    let targets = archive::Targets {
        database: sqlite_file.clone().unwrap_or_else(|| dump.clone()),
        data_dir: config.data_dir.clone(),
    };
    let path = file.to_path_buf();
    let p = progress.clone();
    tokio::task::spawn_blocking(move || archive::extract(&path, &targets, p.as_ref()))
        .await
        .map_err(AppError::internal)??;
    match sqlite_file {
        Some(db) => {
            progress.begin("check", None);
            let url = format!("sqlite://{}", db.display());
            let store = Store::connect(&url).await?;
            let check = store.sqlite_integrity_check().await;
            let version = store.schema_version().await;
            store.close().await;
            let (check, version) = (check?, version?);
            if check != "ok" {
                return Err(AppError::Internal(format!("the restored database fails its integrity check: {check}")));
            }
            if version != manifest.schema_version {
                return Err(AppError::Internal(format!(
                    "the restored database is at migration {version}, the manifest says {}",
                    manifest.schema_version
                )));
            }
            progress.end("check");
        }
        None => {
            progress.begin("pg_restore", None);
            let restored = pg_restore(&config.database_url, &dump).await;
            let _ = std::fs::remove_file(&dump);
            restored?;
            progress.end("pg_restore");
        }
    }
    Ok(())
}

/// `pg_dump` of the whole database in its custom format (compressed, restorable table by
/// table): one snapshot, so rows, activities and deliveries agree.
async fn pg_dump(url: &str, out: &Path) -> AppResult<()> {
    let out_arg = format!("--file={}", out.display());
    run_pg_tool("pg_dump", &["--format=custom", "--no-owner", "--no-privileges", &out_arg, &format!("--dbname={url}")])
        .await
}

/// `pg_restore` in one transaction: on any error the database is left as it was (empty).
async fn pg_restore(url: &str, dump: &Path) -> AppResult<()> {
    let dump = dump.display().to_string();
    run_pg_tool(
        "pg_restore",
        &[
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            &format!("--dbname={url}"),
            &dump,
        ],
    )
    .await
}

async fn run_pg_tool(tool: &str, args: &[&str]) -> AppResult<()> {
    let out = tokio::process::Command::new(tool).args(args).output().await.map_err(|e| {
        AppError::Internal(format!(
            "cannot run {tool} ({e}): install the PostgreSQL client tools of the server's major version"
        ))
    })?;
    if !out.status.success() {
        // Its message names tables and the server, never rows; the URL's password is not echoed.
        let msg = String::from_utf8_lossy(&out.stderr);
        return Err(AppError::Internal(format!("{tool} failed ({}): {}", out.status, msg.trim())));
    }
    Ok(())
}
