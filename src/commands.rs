//! What each command does (the command line is declared in `main.rs`).

use std::path::PathBuf;

use maillage::{
    app::{App, shutdown_signal},
    config::Config,
    domain::{millis_to_datetime, territory::FollowState},
    error::AppResult,
    processing,
    storage::{Store, follows::Direction, territories::TerritoryUpdate},
};

use crate::{
    AdminCmd, BenchCmd, CharterCmd, Command, DomainCmd, FederationCmd, FollowersCmd, SignaturesCmd, TerritoryCmd,
    TokenCmd,
};

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

pub async fn run(command: Command, config: Config) -> AppResult<()> {
    if let Command::Serve = command {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| maillage::error::AppError::Internal(format!("cannot listen on {}: {e}", config.bind)))?;
        let app = App::init(config).await?;
        return app.serve(listener, shutdown_signal()).await;
    }
    if let Command::Bench(BenchCmd::Federation { followers, hosts, ingest, postgres }) = command {
        let postgres = postgres.or_else(|| std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty()));
        return crate::bench::run(crate::bench::BenchOptions { followers, hosts: hosts.max(1), ingest, postgres })
            .await;
    }
    if let Command::Bench(BenchCmd::Practices { count, postgres }) = command {
        let postgres = postgres.or_else(|| std::env::var("MAILLAGE_TEST_POSTGRES").ok().filter(|s| !s.is_empty()));
        return crate::bench::practices::run(count, postgres.as_deref()).await;
    }
    if let Command::Migrate = command {
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        println!("migrations applied");
        return Ok(());
    }
    if let Command::SetPublicUrl { url, confirmed } = command {
        if !confirmed {
            return Err(maillage::error::AppError::BadRequest(
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
    let store = &data.store;
    match command {
        Command::Serve | Command::Migrate | Command::Bench(_) | Command::SetPublicUrl { .. } => {}
        Command::Territory(TerritoryCmd::List) => {
            for t in store.territories().await? {
                println!(
                    "{}\t{}\t@{}@{}\t{}",
                    t.slug,
                    t.name,
                    t.slug,
                    data.config.authority(),
                    data.territory_id_url(&t.slug)
                );
            }
        }
        Command::Territory(TerritoryCmd::Create { slug, name, summary }) => {
            let t = processing::territories::create(store, &slug, &name, &summary).await?;
            println!("created {} (@{}@{})", t.slug, t.slug, data.config.authority());
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
            // An unknown status matches no signature (as before statuses were typed).
            let rows = match maillage::domain::signatory::Status::parse(&status) {
                Some(status) => store.signatories_by_status(t.id, status).await?,
                None => vec![],
            };
            for s in rows {
                println!("{}\t{}\t{}\t{}", s.id, s.kind, s.name, s.commune);
            }
        }
        Command::Signatures(SignaturesCmd::Approve { id }) => {
            let tr = maillage::text::i18n::Tr::new(maillage::text::i18n::Lang::Fr);
            processing::signatures::decide(&data, id, true, "", "cli", tr).await?;
            println!("signature {id} approved");
        }
        Command::Signatures(SignaturesCmd::Reject { id, reason }) => {
            let tr = maillage::text::i18n::Tr::new(maillage::text::i18n::Lang::Fr);
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
            let a = processing::accounts::create_account(&data, &email, &hash, role, "cli").await?;
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
            let hash = maillage::security::hash_token(&token);
            let id = processing::accounts::create_token(&data, &hash, role, &label, "cli").await?;
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
            if processing::accounts::revoke_token(&data, id, "cli").await? {
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
