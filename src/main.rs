//! `maillage`: the command line. Every command reads the same configuration
//! (defaults < maillage.toml < MAILLAGE_* environment < flags).

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};
use maillage::{
    app::{App, shutdown_signal},
    config::{Config, ConfigLayer},
    domain::{millis_to_datetime, territory::FollowState},
    error::AppResult,
    processing,
    storage::{Store, follows::Direction, territories::TerritoryUpdate},
};

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
    /// Benchmarks (build with --release): `maillage bench federation`.
    #[command(subcommand)]
    Bench(BenchCmd),
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
    Approve { id: i64 },
    /// Reject a confirmed signature, with the reason mailed to the signer.
    Reject {
        id: i64,
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
        /// Signed activities sent to the inbox in part (c).
        #[arg(long, default_value_t = 2_000)]
        ingest: usize,
        /// PostgreSQL server for part (c) (a database is created and dropped); default
        /// MAILLAGE_TEST_POSTGRES.
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
    /// Lift a block.
    Unblock { domain: String },
    /// List blocked domains.
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
    ConfigLayer::default().merge(file).merge(ConfigLayer::from_env(env)?).merge(cli).resolve()
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
    match run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The password from a file, a terminal prompt, or standard input.
fn read_password(file: Option<PathBuf>) -> AppResult<String> {
    use std::io::IsTerminal;
    let text = match file {
        Some(p) => std::fs::read_to_string(&p)
            .map_err(|e| maillage::error::AppError::BadRequest(format!("{}: {e}", p.display())))?,
        None if std::io::stdin().is_terminal() => rpassword::prompt_password("Mot de passe / Password: ")
            .map_err(|e| maillage::error::AppError::BadRequest(format!("password prompt: {e}")))?,
        None => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| maillage::error::AppError::BadRequest(format!("stdin: {e}")))?;
            line
        }
    };
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

/// The territory a command acts on: the one named, or the configured default.
fn slug_or_default(slug: &str, config: &Config) -> String {
    if slug.is_empty() { config.default_territory.to_string() } else { slug.to_string() }
}

async fn run(command: Command, config: Config) -> AppResult<()> {
    if let Command::Serve = command {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| maillage::error::AppError::Internal(format!("cannot listen on {}: {e}", config.bind)))?;
        let app = App::init(config).await?;
        return app.serve(listener, shutdown_signal()).await;
    }
    if let Command::Bench(BenchCmd::Federation { followers, hosts, ingest, postgres }) = command {
        let postgres = postgres.or_else(|| std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty()));
        return maillage::bench::run(maillage::bench::BenchOptions {
            followers,
            hosts: hosts.max(1),
            ingest,
            postgres,
        })
        .await;
    }
    if let Command::Migrate = command {
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        println!("migrations applied");
        return Ok(());
    }
    let app = App::init(config.clone()).await?;
    let data = app.data();
    let store = &data.store;
    match command {
        Command::Serve | Command::Migrate | Command::Bench(_) => {}
        Command::Territory(TerritoryCmd::List) => {
            for t in store.territories().await? {
                println!(
                    "{}\t{}\t@{}@{}\t{}",
                    t.slug,
                    t.name,
                    t.slug,
                    config.authority(),
                    data.territory_id_url(&t.slug)
                );
            }
        }
        Command::Territory(TerritoryCmd::Create { slug, name, summary }) => {
            let t = processing::territories::create(store, &slug, &name, &summary).await?;
            println!("created {} (@{}@{})", t.slug, t.slug, config.authority());
        }
        Command::Territory(TerritoryCmd::Update {
            slug,
            name,
            summary,
            manually_approves_followers,
            discoverable,
            perimeter,
            domains,
            welcome_notes,
        }) => {
            let update = TerritoryUpdate {
                name,
                summary,
                manually_approves_followers,
                discoverable,
                perimeter,
                domains,
                welcome_notes,
            };
            let t = processing::territories::update(&data, &slug, update, "cli").await?;
            println!(
                "updated {}: name={:?} manually_approves_followers={}",
                t.slug, t.name, t.manually_approves_followers.0
            );
        }
        Command::Followers(FollowersCmd::List { territory, pending }) => {
            let slug = slug_or_default(&territory, &config);
            let t = store
                .territory_by_slug(&slug)
                .await?
                .ok_or_else(|| maillage::error::AppError::NotFound(format!("territory {slug}")))?;
            let state = if pending { FollowState::Pending } else { FollowState::Accepted };
            for f in store.follows_page(Direction::Followers, t.id, state, i64::MAX, 0).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    f.handle(),
                    f.actor_ap_id,
                    f.state,
                    millis_to_datetime(f.created_at).to_rfc3339()
                );
            }
        }
        Command::Followers(FollowersCmd::Approve { who, territory }) => {
            processing::follows::decide_follower(&data, &slug_or_default(&territory, &config), &who, true).await?;
            println!("approved {who}; the Accept is queued for delivery");
        }
        Command::Followers(FollowersCmd::Reject { who, territory }) => {
            processing::follows::decide_follower(&data, &slug_or_default(&territory, &config), &who, false).await?;
            println!("rejected {who}; the Reject is queued for delivery");
        }
        Command::Following { territory } => {
            let slug = slug_or_default(&territory, &config);
            let t = store
                .territory_by_slug(&slug)
                .await?
                .ok_or_else(|| maillage::error::AppError::NotFound(format!("territory {slug}")))?;
            for state in [FollowState::Accepted, FollowState::Pending] {
                for f in store.follows_page(Direction::Following, t.id, state, i64::MAX, 0).await? {
                    println!("{}\t{}\t{}", f.handle(), f.actor_ap_id, f.state);
                }
            }
        }
        Command::Follow { handle, territory } => {
            let id = processing::follows::follow_remote(&data, &slug_or_default(&territory, &config), &handle).await?;
            println!("Follow of {id} queued; a running `maillage serve` delivers it");
        }
        Command::Unfollow { handle, territory } => {
            processing::follows::unfollow_remote(&data, &slug_or_default(&territory, &config), &handle).await?;
            println!("Undo(Follow) queued");
        }
        Command::Federation(FederationCmd::Status) => {
            let time = |t: Option<i64>| t.map(|t| millis_to_datetime(t).to_rfc3339()).unwrap_or_else(|| "-".into());
            let hosts: std::collections::HashMap<String, maillage::storage::hosts::HostRow> =
                store.hosts().await?.into_iter().map(|h| (h.host.clone(), h)).collect();
            println!(
                "host\tpending\toldest_pending\tfailed\tdone\tlast_success\tlast_failure\tunreachable_since\tsignature"
            );
            for q in store.delivery_stats().await? {
                let h = hosts.get(&q.host);
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    q.host,
                    q.pending,
                    time(q.oldest_pending),
                    q.failed,
                    q.done,
                    time(h.and_then(|h| h.last_success_at)),
                    time(h.and_then(|h| h.last_failure_at)),
                    time(h.and_then(|h| h.unreachable_since)),
                    h.and_then(|h| h.signature_format.clone()).unwrap_or_else(|| "-".into()),
                );
            }
        }
        Command::Domain(DomainCmd::Block { domain, reason }) => {
            let dropped = processing::domains::block(&data, &domain, &reason).await?;
            println!("blocked {domain} ({dropped} pending deliveries dropped; running servers apply it within 5 s)");
        }
        Command::Domain(DomainCmd::Unblock { domain }) => {
            if processing::domains::unblock(&data, &domain).await? {
                println!("unblocked {domain}");
            } else {
                println!("{domain} was not blocked");
            }
        }
        Command::Charter(CharterCmd::Import { file, version, territory }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| maillage::error::AppError::BadRequest(format!("{}: {e}", file.display())))?;
            let c = processing::signatures::import_charter(
                &data,
                &slug_or_default(&territory, &config),
                &text,
                &version,
                "cli",
            )
            .await?;
            println!("charter version {} imported ({} characters)", c.version, c.content_md.chars().count());
        }
        Command::Charter(CharterCmd::List { territory }) => {
            let slug = slug_or_default(&territory, &config);
            let t = store
                .territory_by_slug(&slug)
                .await?
                .ok_or_else(|| maillage::error::AppError::NotFound(format!("territory {slug}")))?;
            for c in store.charters(t.id).await? {
                println!("{}\t{}", c.version, millis_to_datetime(c.published_at).to_rfc3339());
            }
        }
        Command::Signatures(SignaturesCmd::List { status, territory }) => {
            let slug = slug_or_default(&territory, &config);
            let t = store
                .territory_by_slug(&slug)
                .await?
                .ok_or_else(|| maillage::error::AppError::NotFound(format!("territory {slug}")))?;
            for s in store.signatories_by_status(t.id, &status).await? {
                println!("{}\t{}\t{}\t{}", s.id, s.kind, s.name, s.commune);
            }
        }
        Command::Signatures(SignaturesCmd::Approve { id }) => {
            let tr = maillage::web::i18n::Tr::new(maillage::web::i18n::Lang::Fr);
            processing::signatures::decide(&data, id, true, "", "cli", tr).await?;
            println!("signature {id} approved");
        }
        Command::Signatures(SignaturesCmd::Reject { id, reason }) => {
            let tr = maillage::web::i18n::Tr::new(maillage::web::i18n::Lang::Fr);
            processing::signatures::decide(&data, id, false, &reason, "cli", tr).await?;
            println!("signature {id} rejected");
        }
        Command::Admin(AdminCmd::Create { email, role, password_file }) => {
            let email = maillage::domain::account::parse_email(&email)
                .map_err(|_| maillage::error::AppError::Unprocessable("invalid email address".into()))?;
            let role = maillage::domain::account::Role::parse(&role)
                .ok_or_else(|| maillage::error::AppError::Unprocessable("role is admin or moderator".into()))?;
            let password = read_password(password_file)?;
            maillage::security::check_new_password(&password).map_err(|_| {
                maillage::error::AppError::Unprocessable("the password needs 10 to 200 characters".into())
            })?;
            let hash = maillage::security::hash_password(&password)?;
            let a = store.create_account(&email, &hash, role).await?;
            store.audit("cli", "account.create", &format!("{} as {}", a.email, role.as_str())).await?;
            println!("account {} created ({})", a.email, role.as_str());
        }
        Command::Admin(AdminCmd::List) => {
            for a in store.accounts().await? {
                println!("{}\t{}\t{}\t{}", a.id, a.email, a.role, if a.disabled.0 { "disabled" } else { "active" });
            }
        }
        Command::Token(TokenCmd::Create { role, label }) => {
            let role = maillage::domain::account::Role::parse(&role)
                .ok_or_else(|| maillage::error::AppError::Unprocessable("role is admin or moderator".into()))?;
            let token = maillage::security::new_token()?;
            let id = store.create_api_token(&maillage::security::hash_token(&token), role, &label).await?;
            store.audit("cli", "token.create", &format!("#{id} {label} ({})", role.as_str())).await?;
            eprintln!("token #{id} ({}) — shown once, keep it safe:", role.as_str());
            println!("{token}");
        }
        Command::Token(TokenCmd::List) => {
            for t in store.api_tokens().await? {
                let state = if t.revoked_at.is_some() { "revoked" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.role,
                    t.label,
                    millis_to_datetime(t.created_at).to_rfc3339(),
                    state
                );
            }
        }
        Command::Token(TokenCmd::Revoke { id }) => {
            if store.revoke_api_token(id).await? {
                store.audit("cli", "token.revoke", &format!("#{id}")).await?;
                println!("token #{id} revoked");
            } else {
                return Err(maillage::error::AppError::NotFound(format!("active token #{id}")));
            }
        }
        Command::Domain(DomainCmd::List) => {
            for (domain, reason) in store.domain_blocks().await? {
                println!("{domain}\t{reason}");
            }
        }
    }
    store.close().await;
    Ok(())
}
