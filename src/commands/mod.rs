//! What each command does (the command line is declared in `main.rs`), one file per family:
//! territories and their follows, charter signatures, accounts and tokens, federation
//! (delivery status, blocked domains). Serving, migrating and benchmarks are here.

mod accounts;
mod actions;
mod backups;
mod federation;
mod follows;
mod signatures;
mod subscriptions;
mod territories;

use maillage::{
    app::{App, shutdown_signal},
    config::Config,
    error::{AppError, AppResult},
    processing,
    storage::{Store, territories::TerritoryRow},
};

use crate::{BenchCmd, Command};

/// The territory a command acts on: the one named, or the configured default.
fn slug_or_default(slug: &str, config: &Config) -> String {
    if slug.is_empty() { config.default_territory.to_string() } else { slug.to_string() }
}

/// The territory named (or the default one), which must exist.
async fn territory(store: &Store, slug: &str, config: &Config) -> AppResult<TerritoryRow> {
    let slug = slug_or_default(slug, config);
    store.territory_by_slug(&slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

pub async fn run(command: Command, config: Config) -> AppResult<()> {
    if let Command::Serve = command {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| AppError::Internal(format!("cannot listen on {}: {e}", config.bind)))?;
        let app = App::init(config).await?;
        return app.serve(listener, shutdown_signal()).await;
    }
    if let Command::Bench(BenchCmd::Federation {
        followers,
        hosts,
        growth_followers,
        growth_hosts,
        rounds,
        only,
        ingest,
        rate,
        duration,
        postgres,
    }) = command
    {
        let postgres = postgres.or_else(|| std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty()));
        let (rate, duration) = (rate.max(1.0), duration.max(0.0));
        return crate::bench::run(crate::bench::BenchOptions {
            followers,
            hosts: hosts.max(1),
            growth_followers,
            growth_hosts: growth_hosts.max(1),
            rounds,
            ingest,
            rate,
            duration,
            postgres,
            only,
        })
        .await;
    }
    if let Command::Bench(BenchCmd::Observatory { scale, secs, concurrency, postgres }) = command {
        if !(scale > 0.0 && scale.is_finite() && secs > 0.0 && secs.is_finite()) {
            return Err(AppError::BadRequest("--scale and --secs must be positive numbers".into()));
        }
        let postgres = postgres.or_else(|| std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty()));
        return crate::bench::observatory::run(crate::bench::observatory::ObservatoryOptions {
            scale,
            secs,
            concurrency: concurrency.max(1),
            postgres,
        })
        .await;
    }
    if let Command::Bench(BenchCmd::Practices { count, large, postgres }) = command {
        let postgres = postgres.or_else(|| std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty()));
        return crate::bench::practices::run(count, large, postgres.as_deref()).await;
    }
    match &command {
        Command::Backup { file } => return backups::backup(&config, file).await,
        Command::Restore { file } => return backups::restore(&config, file).await,
        _ => {}
    }
    if let Command::Migrate = command {
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        println!("migrations applied");
        return Ok(());
    }
    if let Command::SetPublicUrl { url, confirmed } = command {
        if !confirmed {
            return Err(AppError::BadRequest(
                "moving an instance changes every id its followers know: add --i-know-what-i-am-doing (docs/admin.md)"
                    .into(),
            ));
        }
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        let before = processing::identity::set_public_url(&store, &url).await?;
        println!("public URL: {} -> {url}", before.as_deref().unwrap_or("(none)"));
        return Ok(());
    }
    let app = App::init_for_command(config.clone()).await?;
    let data = app.data();
    match command {
        Command::Serve
        | Command::Migrate
        | Command::Bench(_)
        | Command::SetPublicUrl { .. }
        | Command::Backup { .. }
        | Command::Restore { .. } => {}
        Command::Territory(cmd) => territories::run(&data, cmd).await?,
        Command::Action(cmd) => actions::run(&data, cmd).await?,
        Command::Followers(cmd) => follows::followers(&data, &config, cmd).await?,
        Command::Following { territory } => follows::following(&data, &config, &territory).await?,
        Command::Follow { handle, territory } => follows::follow(&data, &config, &handle, &territory).await?,
        Command::Unfollow { handle, territory } => follows::unfollow(&data, &config, &handle, &territory).await?,
        Command::Federation(cmd) => federation::run(&data, cmd).await?,
        Command::Domain(cmd) => federation::domain(&data, cmd).await?,
        Command::Charter(cmd) => signatures::charter(&data, &config, cmd).await?,
        Command::Signatures(cmd) => signatures::signatures(&data, &config, cmd).await?,
        Command::Admin(cmd) => accounts::admin(&data, cmd).await?,
        Command::Token(cmd) => accounts::token(&data, cmd).await?,
        Command::Subscribe { target } => subscriptions::subscribe(&data, &target).await?,
        Command::Unsubscribe { target } => subscriptions::unsubscribe(&data, &target).await?,
        Command::Subscriptions(cmd) => subscriptions::run(&data, cmd).await?,
        Command::Relay(cmd) => subscriptions::relay(&data, cmd).await?,
    }
    data.store.close().await;
    Ok(())
}
