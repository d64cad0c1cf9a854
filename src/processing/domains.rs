//! Instance-level domain blocks. `name` blocks the domain and its subdomains on every port;
//! `name:port` blocks that one server (docs/admin.md).

use crate::{
    error::{AppError, AppResult},
    state::AppState,
    storage::hosts::block_entry,
};

/// The stored form of a block given on the command line or in the admin console.
fn entry(given: &str) -> AppResult<String> {
    let entry = block_entry(given);
    if entry.is_empty() || entry.starts_with(':') || entry.chars().any(|c| c.is_whitespace() || "/@*?#".contains(c)) {
        return Err(AppError::Unprocessable(format!("not a domain: {given}")));
    }
    Ok(entry)
}

/// Blocks a domain (and its subdomains): pending deliveries to it are dropped; this process
/// applies it at once, others within a few seconds. Returns the deliveries dropped.
pub async fn block(state: &AppState, domain: &str, reason: &str) -> AppResult<u64> {
    let domain = entry(domain)?;
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
    let done = state.store.unblock_domain(&entry(domain)?).await?;
    state.blocks_changed();
    Ok(done)
}
