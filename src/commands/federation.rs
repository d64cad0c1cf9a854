//! `maillage federation status` (the delivery queue per host) and `maillage domain
//! block|unblock|list`.

use std::collections::HashMap;

use maillage::{domain::millis_to_datetime, error::AppResult, processing, state::AppState, storage::hosts::HostRow};

use crate::{DomainCmd, FederationCmd};

pub async fn run(state: &AppState, cmd: FederationCmd) -> AppResult<()> {
    match cmd {
        FederationCmd::Status => status(state).await,
    }
}

async fn status(state: &AppState) -> AppResult<()> {
    let time = |t: Option<i64>| t.map(|t| millis_to_datetime(t).to_rfc3339()).unwrap_or_else(|| "-".into());
    let hosts: HashMap<String, HostRow> = state.store.hosts().await?.into_iter().map(|h| (h.host.clone(), h)).collect();
    println!("host\tpending\toldest_pending\tfailed\tdone\tlast_success\tlast_failure\tunreachable_since\tsignature");
    for q in state.store.delivery_stats().await? {
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
    Ok(())
}

pub async fn domain(state: &AppState, cmd: DomainCmd) -> AppResult<()> {
    match cmd {
        DomainCmd::Block { domain, reason } => {
            let dropped = processing::domains::block(state, &domain, &reason).await?;
            println!("blocked {domain} ({dropped} pending deliveries dropped; running servers apply it within 5 s)");
        }
        DomainCmd::Limit { domain, reason } => {
            processing::domains::limit_audited(state, &domain, &reason, "cli").await?;
            println!("limited {domain} (follows from it wait for approval; running servers apply it within 5 s)");
        }
        DomainCmd::Unblock { domain } => {
            if processing::domains::unblock(state, &domain).await? {
                println!("unblocked {domain}");
            } else {
                println!("{domain} was not blocked");
            }
        }
        DomainCmd::List => {
            for b in state.store.all_domain_blocks().await? {
                println!("{}\t{}\t{}", b.domain, b.severity, b.reason);
            }
        }
    }
    Ok(())
}
