//! `maillage action participants|approve|reject SLUG ACTION [PARTICIPANT]`: moderators deciding
//! on registrations held for approval from the server's shell, as in the console and the API
//! (`processing::action_participation`). Addresses are never printed: a web participant shows
//! by name, a fediverse one by its actor id.

use maillage::{
    domain::ids::{ActionId, ParticipantId},
    error::{AppError, AppResult},
    processing::{action_participation, actions::local_in},
    state::AppState,
    storage::action_participants::web_by_id_in,
};

use crate::ActionCmd;

/// The action, which must belong to the territory named.
async fn check(state: &AppState, slug: &str, action: ActionId) -> AppResult<()> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let a = local_in(state.store.pool(), action).await?;
    if a.territory_id != Some(t.id) {
        return Err(AppError::NotFound(format!("action {action} of {slug}")));
    }
    Ok(())
}

pub async fn run(state: &AppState, cmd: ActionCmd) -> AppResult<()> {
    match cmd {
        ActionCmd::Participants { territory, action } => {
            let action = ActionId(action);
            check(state, &territory, action).await?;
            let mut conn = state.store.pool().acquire().await?;
            for p in action_participation::list(state, action).await? {
                let who = match &p.actor {
                    Some(actor) => actor.clone(),
                    None => {
                        web_by_id_in(&mut conn, p.id).await?.map(|w| format!("{} (web)", w.name)).unwrap_or_default()
                    }
                };
                println!("{}\t{}\t{who}", p.id, p.state);
            }
        }
        ActionCmd::Approve { territory, action, participant } => {
            let (action, participant) = (ActionId(action), ParticipantId(participant));
            check(state, &territory, action).await?;
            action_participation::decide(state, action, participant, true, "cli").await?;
            println!("approved participant {participant}");
        }
        ActionCmd::Reject { territory, action, participant } => {
            let (action, participant) = (ActionId(action), ParticipantId(participant));
            check(state, &territory, action).await?;
            action_participation::decide(state, action, participant, false, "cli").await?;
            println!("declined participant {participant}");
        }
    }
    Ok(())
}
