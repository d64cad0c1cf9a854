//! `maillage`: the command line. Every command reads the same configuration
//! (defaults < maillage.toml < MAILLAGE_* environment < flags).

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};
use maillage::config::{Config, ConfigLayer};

mod bench;
mod commands;
mod progress;

#[derive(Parser)]
#[command(name = "maillage", version, about = "Serveur ActivityPub des Circuits Courts Économiques et Solidaires")]
struct Cli {
    #[command(flatten)]
    flags: Flags,
    #[command(subcommand)]
    command: Command,
}

/// Flags accepted by every command; they override maillage.toml and the environment.
#[derive(Args, Default)]
struct Flags {
    /// Configuration file (default: ./maillage.toml when it exists; env MAILLAGE_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Listen address (MAILLAGE_BIND, default 127.0.0.1:8080).
    #[arg(long, global = true)]
    bind: Option<String>,
    /// Public base URL, ids are built from it (MAILLAGE_PUBLIC_URL, default http://localhost:8080).
    #[arg(long, global = true)]
    public_url: Option<String>,
    /// Data directory (MAILLAGE_DATA_DIR, default ./data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// sqlite:… or postgres://… (MAILLAGE_DATABASE_URL, default SQLite in the data dir).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Allow loopback/private addresses and plain http for peers (MAILLAGE_ALLOW_PRIVATE_NETWORK).
    #[arg(long, global = true)]
    allow_private_network: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates the database first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Move the instance to another public URL (recorded at first start; every command and the
    /// server then use it). Every id changes: peers see a new server (docs/admin.md).
    SetPublicUrl {
        url: String,
        /// Required: remote servers keep the old ids, follows to them are lost.
        #[arg(long = "i-know-what-i-am-doing")]
        confirmed: bool,
    },
    /// Manage territories.
    #[command(subcommand)]
    Territory(TerritoryCmd),
    /// Remote actors following a territory.
    #[command(subcommand)]
    Followers(FollowersCmd),
    /// Remote actors a territory follows.
    Following {
        #[arg(long, default_value = "")]
        territory: String,
    },
    /// Follow a remote actor (acct:name@host, @name@host or an actor URL).
    Follow {
        handle: String,
        #[arg(long, default_value = "")]
        territory: String,
    },
    /// Stop following a remote actor.
    Unfollow {
        handle: String,
        #[arg(long, default_value = "")]
        territory: String,
    },
    /// Federation status.
    #[command(subcommand)]
    Federation(FederationCmd),
    /// Instance-level domain blocks.
    #[command(subcommand)]
    Domain(DomainCmd),
    /// The territory's charter.
    #[command(subcommand)]
    Charter(CharterCmd),
    /// Signatures of the charter.
    #[command(subcommand)]
    Signatures(SignaturesCmd),
    /// Admin and moderator accounts.
    #[command(subcommand)]
    Admin(AdminCmd),
    /// API bearer tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Write a backup of the running instance (database, keys, media, configuration) to FILE
    /// (.tar.gz); PostgreSQL through pg_dump (docs/admin.md "Backups").
    Backup { file: PathBuf },
    /// Restore a backup into an empty data directory (and an empty PostgreSQL database).
    Restore { file: PathBuf },
    /// Benchmarks (build with --release): `maillage bench federation`.
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Shared actions: their participants, and the registrations held for approval.
    #[command(subcommand)]
    Action(ActionCmd),
    /// Subscribe to a whole instance (`https://other.example`): our instance actor follows its
    /// instance actor; every territory there then delivers its public activities here.
    Subscribe { target: String },
    /// Stop a subscription to an instance (or a relay): Undo(Follow).
    Unsubscribe { target: String },
    /// Our subscriptions (instances, relays) and the instances subscribed to ours.
    #[command(subcommand)]
    Subscriptions(SubscriptionsCmd),
    /// LitePub relays (activityrelay, Pleroma): our instance actor follows them.
    #[command(subcommand)]
    Relay(RelayCmd),
}

#[derive(Subcommand)]
pub enum SubscriptionsCmd {
    /// Our subscriptions, the instances subscribed to ours, the territories learned.
    List,
    /// Approve an instance waiting to subscribe (setting `subscribers_by_hand`).
    Approve { who: String },
    /// Refuse an instance waiting to subscribe.
    Reject { who: String },
}

#[derive(Subcommand)]
pub enum RelayCmd {
    /// Follow a relay's actor (e.g. https://relay.example/actor) with object as:Public.
    Add { url: String },
    /// Stop following a relay.
    Remove { url: String },
}

#[derive(Subcommand)]
enum ActionCmd {
    /// List an action's participants (id, state, who).
    Participants { territory: String, action: i64 },
    /// Approve a participant held for approval (the fediverse gets an Accept, the web a mail).
    Approve { territory: String, action: i64, participant: i64 },
    /// Decline a participant held for approval (the fediverse gets a Reject, the web a mail).
    Reject { territory: String, action: i64, participant: i64 },
}

#[derive(Subcommand)]
enum CharterCmd {
    /// Import a Markdown file as a new version of the charter (it becomes the current one).
    Import {
        file: PathBuf,
        #[arg(long)]
        version: String,
        #[arg(long, default_value = "")]
        territory: String,
    },
    /// List versions.
    List {
        #[arg(long, default_value = "")]
        territory: String,
    },
}

#[derive(Subcommand)]
enum SignaturesCmd {
    /// List signatures in a state (confirmed: waiting for moderation).
    List {
        #[arg(long, default_value = "confirmed")]
        status: String,
        #[arg(long, default_value = "")]
        territory: String,
    },
    /// Approve a confirmed signature.
    Approve { id: maillage::domain::ids::SignatoryId },
    /// Reject a confirmed signature, with the reason mailed to the signer.
    Reject {
        id: maillage::domain::ids::SignatoryId,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum AdminCmd {
    /// Create an account; the password is read from --password-file, else prompted (or read
    /// from standard input when it is not a terminal).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "admin")]
        role: String,
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create a token; it is printed once and stored hashed.
    Create {
        #[arg(long, default_value = "moderator")]
        role: String,
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List tokens (never their value).
    List,
    /// Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum BenchCmd {
    /// Signatures, fan-out, inbox ingest, fan-out with a dead host (own mock fleet on loopback).
    Federation {
        #[arg(long, default_value_t = 10_000)]
        followers: usize,
        #[arg(long, default_value_t = 500)]
        hosts: usize,
        /// Followers of the growth run, part (e).
        #[arg(long, default_value_t = 100_000)]
        growth_followers: usize,
        /// Hosts of the growth run, part (e).
        #[arg(long, default_value_t = 5_000)]
        growth_hosts: usize,
        /// Rounds of each fan-out figure; the best is printed.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Parts to run, comma-separated: signatures, fanout, ingest, hung, growth, processes
        /// (default: all).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Signed activities sent to the inbox in part (c).
        #[arg(long, default_value_t = 2_000)]
        ingest: usize,
        /// Part (c)'s open loop: signed activities per second.
        #[arg(long, default_value_t = 200.0)]
        rate: f64,
        /// Part (c)'s open loop: how many seconds it lasts.
        #[arg(long, default_value_t = 30.0)]
        duration: f64,
        /// PostgreSQL server for part (c) (a database is created and dropped); default
        /// MAILLAGE_TEST_POSTGRES.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// The observatory: pages per second of the network's figures and GeoJSON over a seeded
    /// network (200 territories, 50,000 practices, 10,000 actions), against a one-row page.
    Observatory {
        /// Share of the full network to seed (0.1 for a quick run).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Seconds of each measurement (three interleaved rounds of each).
        #[arg(long, default_value_t = 2.0)]
        secs: f64,
        /// Requests in flight.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// PostgreSQL server (a database is created and dropped); default MAILLAGE_TEST_POSTGRES.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// The practices catalogue: searches per second over a seeded catalogue, SQLite and PostgreSQL.
    Practices {
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// Also run with ten times `count` (200,000 by default) and print how far each ratio falls.
        #[arg(long)]
        large: bool,
        /// PostgreSQL server (a database is created and dropped); default MAILLAGE_TEST_POSTGRES.
        #[arg(long)]
        postgres: Option<String>,
    },
}

#[derive(Subcommand)]
enum DomainCmd {
    /// Refuse a domain's activities (and its subdomains') and deliver nothing to it.
    Block {
        domain: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Limit a domain: its follows wait for approval, its content stays out of the catalogue
    /// and the agenda (Mastodon's "limit").
    Limit {
        domain: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Lift a block or a limit.
    Unblock { domain: String },
    /// List blocked and limited domains.
    List,
}

#[derive(Subcommand)]
enum TerritoryCmd {
    /// List territories.
    List,
    /// Create a territory.
    Create {
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        summary: String,
    },
    /// Change a territory's settings.
    Update {
        slug: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        summary: Option<String>,
        /// Hold new followers until approved (true/false).
        #[arg(long)]
        manually_approves_followers: Option<bool>,
        #[arg(long)]
        discoverable: Option<bool>,
        /// Communes or area covered (free text).
        #[arg(long)]
        perimeter: Option<String>,
        /// Domains of activity, comma-separated: energie, finance, habitat, culture,
        /// alimentation, commerce, mobilite, autre.
        #[arg(long)]
        domains: Option<String>,
        /// Publish a welcome Note for each new listed signatory (true/false).
        #[arg(long)]
        welcome_notes: Option<bool>,
    },
    /// Export a territory (signatories with their consent, charter versions, practices with
    /// history, actions, announcements, followers) into FILE, encrypted with a passphrase
    /// (MAILLAGE_EXPORT_PASSPHRASE, or asked on a terminal). docs/admin.md "Moving a territory".
    Export { slug: String, file: PathBuf },
    /// Import a territory exported by `territory export` (one transaction: all or nothing).
    Import { file: PathBuf },
    /// Move a territory to its new address (imported there first): `movedTo`, and a `Move`
    /// to its followers, whose servers follow the new Group.
    Move {
        slug: String,
        /// The new Group's id, e.g. https://new.example/t/slug
        #[arg(long)]
        to: url::Url,
    },
    /// Add an old id to a territory's `alsoKnownAs` (a Group moving here from elsewhere).
    Alias {
        slug: String,
        /// The old Group's id.
        #[arg(long)]
        old: url::Url,
    },
}

#[derive(Subcommand)]
enum FollowersCmd {
    /// List followers (accepted, or pending with --pending).
    List {
        #[arg(long, default_value = "")]
        territory: String,
        #[arg(long)]
        pending: bool,
    },
    /// Approve a pending follower (actor id or name@host).
    Approve {
        who: String,
        #[arg(long, default_value = "")]
        territory: String,
    },
    /// Reject a pending follower.
    Reject {
        who: String,
        #[arg(long, default_value = "")]
        territory: String,
    },
}

#[derive(Subcommand)]
enum FederationCmd {
    /// Delivery queue per destination host.
    Status,
}

fn load_config(flags: &Flags) -> Result<Config, String> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let file_path = flags
        .config
        .clone()
        .or_else(|| std::env::var_os("MAILLAGE_CONFIG").map(PathBuf::from))
        .or_else(|| Some(PathBuf::from("maillage.toml")).filter(|p| p.exists()));
    let file = match &file_path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            ConfigLayer::from_toml(&text)?
        }
        None => ConfigLayer::default(),
    };
    let cli = ConfigLayer {
        bind: flags.bind.clone(),
        public_url: flags.public_url.clone(),
        data_dir: flags.data_dir.clone(),
        database_url: flags.database_url.clone(),
        allow_private_network: flags.allow_private_network.then_some(true),
        ..Default::default()
    };
    let mut config = ConfigLayer::default().merge(file).merge(ConfigLayer::from_env(env)?).merge(cli).resolve()?;
    config.config_file = file_path;
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match load_config(&cli.flags) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    match commands::run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
