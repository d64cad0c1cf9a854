//! `maillage subscribe|unsubscribe`, `subscriptions list|approve|reject`, `relay add|remove`:
//! instance-to-instance subscriptions and LitePub relays (issue 13, point 7).

use activitypub_federation::config::Data;
use maillage::{
    domain::{millis_to_datetime, subscription::SubscriptionKind},
    error::AppResult,
    processing::subscriptions as subs,
    state::AppState,
};

use crate::{RelayCmd, SubscriptionsCmd};

/// Who the audit log names for what the command line does.
const BY: &str = "cli";

pub async fn subscribe(data: &Data<AppState>, target: &str) -> AppResult<()> {
    let id = subs::subscribe(data, target, SubscriptionKind::Instance, BY).await?;
    println!("Follow of {id} queued; a running `maillage serve` delivers it");
    Ok(())
}

pub async fn unsubscribe(data: &Data<AppState>, target: &str) -> AppResult<()> {
    let id = subs::unsubscribe(data, target, BY).await?;
    println!("Undo(Follow) of {id} queued");
    Ok(())
}

pub async fn relay(data: &Data<AppState>, cmd: RelayCmd) -> AppResult<()> {
    match cmd {
        RelayCmd::Add { url } => {
            let id = subs::subscribe(data, &url, SubscriptionKind::Relay, BY).await?;
            println!("Follow of the relay {id} queued");
        }
        RelayCmd::Remove { url } => {
            let id = subs::unsubscribe(data, &url, BY).await?;
            println!("Undo(Follow) of the relay {id} queued");
        }
    }
    Ok(())
}

pub async fn run(data: &Data<AppState>, cmd: SubscriptionsCmd) -> AppResult<()> {
    match cmd {
        SubscriptionsCmd::List => {
            let when = |ms: i64| millis_to_datetime(ms).to_rfc3339();
            for s in data.store.subscriptions().await? {
                println!("subscription\t{}\t{}\t{}\t{}", s.kind, s.actor_ap_id, s.state, when(s.created_at));
            }
            for s in data.store.subscribers().await? {
                println!("subscriber\t{}\t{}\t{}", s.actor_ap_id, s.state, when(s.created_at));
            }
            for t in data.store.learned_territories().await? {
                println!("territory\t{}\tvia {}\t{}", t.actor_ap_id, t.via_ap_id, when(t.first_seen_at));
            }
        }
        SubscriptionsCmd::Approve { who } => {
            let id = subs::decide_subscriber(data, &who, true, BY).await?;
            println!("approved {id}; the Accept is queued for delivery");
        }
        SubscriptionsCmd::Reject { who } => {
            let id = subs::decide_subscriber(data, &who, false, BY).await?;
            println!("refused {id}; the Reject is queued for delivery");
        }
    }
    Ok(())
}
