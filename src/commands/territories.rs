//! `maillage territory list|create|update|export|import`.

use std::io::IsTerminal;

use maillage::{
    error::{AppError, AppResult},
    processing::{self, territory_transfer},
    state::AppState,
    storage::territories::TerritoryUpdate,
};

use crate::TerritoryCmd;

pub async fn run(state: &AppState, cmd: TerritoryCmd) -> AppResult<()> {
    match cmd {
        TerritoryCmd::List => {
            for t in state.store.territories().await? {
                let id = state.urls.territory(&t.slug);
                println!("{}\t{}\t@{}@{}\t{id}", t.slug, t.name, t.slug, state.config.authority());
            }
        }
        TerritoryCmd::Create { slug, name, summary } => {
            let t = processing::territories::create(state, &slug, &name, &summary, "cli").await?;
            println!("created {} (@{}@{})", t.slug, t.slug, state.config.authority());
        }
        TerritoryCmd::Update {
            slug,
            name,
            summary,
            manually_approves_followers,
            discoverable,
            perimeter,
            domains,
            welcome_notes,
        } => {
            let update = TerritoryUpdate {
                name,
                summary,
                manually_approves_followers,
                discoverable,
                perimeter,
                domains,
                welcome_notes,
            };
            let t = processing::territories::update(state, &slug, update, "cli").await?;
            println!(
                "updated {}: name={:?} manually_approves_followers={}",
                t.slug, t.name, t.manually_approves_followers.0
            );
        }
        TerritoryCmd::Export { slug, file } => {
            if file.exists() {
                return Err(AppError::Conflict(format!("{} exists: choose another file name", file.display())));
            }
            let passphrase = passphrase(true)?;
            let sealed = territory_transfer::export(state, &slug, &passphrase).await?;
            std::fs::write(&file, &sealed).map_err(|e| AppError::Internal(format!("{}: {e}", file.display())))?;
            println!("territory {slug} exported to {} ({} bytes, encrypted)", file.display(), sealed.len());
        }
        TerritoryCmd::Import { file } => {
            let sealed = std::fs::read(&file).map_err(|e| AppError::NotFound(format!("{}: {e}", file.display())))?;
            let passphrase = passphrase(false)?;
            let done = territory_transfer::import(state, &sealed, &passphrase, "cli").await?;
            let counts: Vec<String> = done.counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
            println!("territory {} imported from {} ({})", done.slug, done.source_actor, counts.join(", "));
            println!("{} followers will follow it here once the old instance sends the Move", done.followers);
        }
        TerritoryCmd::Move { slug, to } => {
            let n = processing::territory_moves::move_to(state, &slug, &to, "cli").await?;
            println!("{slug} moved to {to}: Move queued to {n} follower inboxes; its pages redirect there");
        }
        TerritoryCmd::Alias { slug, old } => {
            processing::territory_moves::add_alias(state, &slug, &old, "cli").await?;
            println!("{slug} is also known as {old}: the old instance may now move it here");
        }
    }
    Ok(())
}

/// The export's passphrase: `MAILLAGE_EXPORT_PASSPHRASE`, or asked on a terminal (twice when
/// choosing it).
fn passphrase(choose: bool) -> AppResult<String> {
    if let Ok(p) = std::env::var("MAILLAGE_EXPORT_PASSPHRASE")
        && !p.is_empty()
    {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(AppError::BadRequest("set MAILLAGE_EXPORT_PASSPHRASE or run on a terminal".into()));
    }
    let ask = |prompt: &str| rpassword::prompt_password(prompt).map_err(|e| AppError::Internal(format!("prompt: {e}")));
    let p = ask("Phrase de passe / Passphrase: ")?;
    if choose && ask("Encore / Again: ")? != p {
        return Err(AppError::BadRequest("the two passphrases differ".into()));
    }
    Ok(p)
}
