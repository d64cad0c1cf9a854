//! `maillage territory list|create|update`.

use maillage::{error::AppResult, processing, state::AppState, storage::territories::TerritoryUpdate};

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
    }
    Ok(())
}
