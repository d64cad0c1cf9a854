//! `maillage backup FILE` and `maillage restore FILE` (docs/admin.md "Backups"). Neither starts
//! the instance: `backup` reads the database beside a running server, `restore` writes into an
//! empty data directory and database that nothing serves yet.

use std::path::Path;

use maillage::{
    backup,
    config::Config,
    error::{AppError, AppResult},
    storage::Store,
};

pub async fn backup(config: &Config, file: &Path) -> AppResult<()> {
    if config.database_url.starts_with("sqlite:") && !config.data_dir.exists() {
        return Err(AppError::NotFound(format!("data directory {}", config.data_dir.display())));
    }
    let store = Store::connect(&config.database_url).await?;
    let written = backup::create(&store, config, file, crate::progress::for_command()).await;
    store.close().await;
    let written = written?;
    let m = &written.manifest;
    println!(
        "backup written: {} ({} bytes; {} database at migration {}, {} media files{})",
        written.path.display(),
        written.bytes,
        m.backend,
        m.schema_version,
        m.media_files,
        if m.config_file { ", configuration" } else { "" }
    );
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> AppResult<()> {
    let m = backup::restore(config, file, crate::progress::for_command()).await?;
    println!(
        "restored the backup of {} made {} ({} database at migration {}, {} media files) into {}",
        m.instance_url,
        m.created_at,
        m.backend,
        m.schema_version,
        m.media_files,
        config.data_dir.display()
    );
    if m.config_file {
        println!(
            "its configuration file is in {}: compare it with yours before starting",
            config.data_dir.join(backup::RESTORED_CONFIG).display()
        );
    }
    println!(
        "start the server with the same public URL ({}); migrations newer than the backup apply then",
        m.instance_url
    );
    Ok(())
}
