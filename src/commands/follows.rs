//! `maillage followers list|approve|reject`, `following`, `follow`, `unfollow`: a territory's
//! followers and the actors it follows.

use activitypub_federation::config::Data;
use maillage::{
    config::Config,
    domain::{millis_to_datetime, territory::FollowState},
    error::AppResult,
    processing,
    state::AppState,
    storage::follows::Direction,
};

use super::{slug_or_default, territory};
use crate::FollowersCmd;

pub async fn followers(state: &AppState, config: &Config, cmd: FollowersCmd) -> AppResult<()> {
    match cmd {
        FollowersCmd::List { territory: slug, pending } => {
            let t = territory(&state.store, &slug, config).await?;
            let follow_state = if pending { FollowState::Pending } else { FollowState::Accepted };
            for f in state.store.follows_page(Direction::Followers, t.id, follow_state, i64::MAX, 0).await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    f.handle(),
                    f.actor_ap_id,
                    f.state,
                    millis_to_datetime(f.created_at).to_rfc3339()
                );
            }
        }
        FollowersCmd::Approve { who, territory } => {
            processing::follows::decide_follower(state, &slug_or_default(&territory, config), &who, true).await?;
            println!("approved {who}; the Accept is queued for delivery");
        }
        FollowersCmd::Reject { who, territory } => {
            processing::follows::decide_follower(state, &slug_or_default(&territory, config), &who, false).await?;
            println!("rejected {who}; the Reject is queued for delivery");
        }
    }
    Ok(())
}

pub async fn following(state: &AppState, config: &Config, slug: &str) -> AppResult<()> {
    let t = territory(&state.store, slug, config).await?;
    for follow_state in [FollowState::Accepted, FollowState::Pending] {
        for f in state.store.follows_page(Direction::Following, t.id, follow_state, i64::MAX, 0).await? {
            println!("{}\t{}\t{}", f.handle(), f.actor_ap_id, f.state);
        }
    }
    Ok(())
}

/// The remote actor may need fetching (WebFinger, its document): the federation crate's `Data`.
pub async fn follow(data: &Data<AppState>, config: &Config, handle: &str, territory: &str) -> AppResult<()> {
    let id = processing::follows::follow_remote(data, &slug_or_default(territory, config), handle).await?;
    println!("Follow of {id} queued; a running `maillage serve` delivers it");
    Ok(())
}

pub async fn unfollow(data: &Data<AppState>, config: &Config, handle: &str, territory: &str) -> AppResult<()> {
    processing::follows::unfollow_remote(data, &slug_or_default(territory, config), handle).await?;
    println!("Undo(Follow) queued");
    Ok(())
}
