//! Instance-level domain blocks.

use crate::{error::AppResult, state::AppState, storage::hosts::domain_of};

/// Blocks a domain (and its subdomains): pending deliveries to it are dropped; this process
/// applies it at once, others within a few seconds. Returns the deliveries dropped.
pub async fn block(state: &AppState, domain: &str, reason: &str) -> AppResult<u64> {
    let domain = domain_of(domain);
    state.store.block_domain(&domain, reason).await?;
    state.blocks_changed();
    let mut dropped = 0;
    for host in state.store.delivery_stats().await?.into_iter().map(|h| h.host) {
        if crate::storage::hosts::is_blocked_by(std::slice::from_ref(&domain), &host) {
            dropped += state.store.drop_deliveries_to(&host, "domain blocked").await?;
        }
    }
    tracing::info!(%domain, dropped, "domain blocked");
    Ok(dropped)
}

pub async fn unblock(state: &AppState, domain: &str) -> AppResult<bool> {
    let done = state.store.unblock_domain(domain).await?;
    state.blocks_changed();
    Ok(done)
}
