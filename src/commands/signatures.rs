//! `maillage charter import|list` and `maillage signatures list|approve|reject`.

use maillage::{
    config::Config,
    domain::millis_to_datetime,
    error::{AppError, AppResult},
    processing,
    state::AppState,
    text::i18n::{Lang, Tr},
};

use super::{slug_or_default, territory};
use crate::{CharterCmd, SignaturesCmd};

pub async fn charter(state: &AppState, config: &Config, cmd: CharterCmd) -> AppResult<()> {
    match cmd {
        CharterCmd::Import { file, version, territory } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| AppError::BadRequest(format!("{}: {e}", file.display())))?;
            let slug = slug_or_default(&territory, config);
            let c = processing::signatures::import_charter(state, &slug, &text, &version, "cli").await?;
            println!("charter version {} imported ({} characters)", c.version, c.content_md.chars().count());
        }
        CharterCmd::List { territory: slug } => {
            let t = territory(&state.store, &slug, config).await?;
            for c in state.store.charters(t.id).await? {
                println!("{}\t{}", c.version, millis_to_datetime(c.published_at).to_rfc3339());
            }
        }
    }
    Ok(())
}

pub async fn signatures(state: &AppState, config: &Config, cmd: SignaturesCmd) -> AppResult<()> {
    match cmd {
        SignaturesCmd::List { status, territory: slug } => {
            let t = territory(&state.store, &slug, config).await?;
            // An unknown status matches no signature (as before statuses were typed).
            let rows = match maillage::domain::signatory::Status::parse(&status) {
                Some(status) => state.store.signatories_by_status(t.id, status).await?,
                None => vec![],
            };
            for s in rows {
                println!("{}\t{}\t{}\t{}", s.id, s.kind, s.name, s.commune);
            }
        }
        SignaturesCmd::Approve { id } => {
            processing::signatures::decide(state, id, true, "", "cli", Tr::new(Lang::Fr)).await?;
            println!("signature {id} approved");
        }
        SignaturesCmd::Reject { id, reason } => {
            processing::signatures::decide(state, id, false, &reason, "cli", Tr::new(Lang::Fr)).await?;
            println!("signature {id} rejected");
        }
    }
    Ok(())
}
