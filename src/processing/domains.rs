//! Instance-level domain blocks. `name` blocks the domain and its subdomains on every port;
//! `name:port` blocks that one server (docs/admin.md).

use crate::{
    error::{AppError, AppResult},
    processing::unit::Change,
    state::AppState,
    storage::{
        deliveries,
        hosts::{self, block_entry},
    },
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
    block_audited(state, domain, reason, None).await
}

/// As [`block`], with the audit entry `domain.block` by `by` in the same change.
pub async fn block_audited(state: &AppState, domain: &str, reason: &str, by: Option<&str>) -> AppResult<u64> {
    let given = domain;
    let domain = entry(domain)?;
    let mut change = Change::begin(state).await?;
    let dropped = block_in(&mut change, &domain, reason).await?;
    if let Some(by) = by {
        change.audit(by, "domain.block", &format!("{given} ({dropped} deliveries dropped)")).await?;
    }
    change.commit().await?;
    state.blocks_changed();
    tracing::info!(%domain, dropped, "domain blocked");
    Ok(dropped)
}

/// Blocks `given` inside the caller's change, dropping pending deliveries to it; the caller
/// calls `state.blocks_changed()` after its commit. Returns the deliveries dropped.
pub async fn block_in(change: &mut Change, given: &str, reason: &str) -> AppResult<u64> {
    let domain = entry(given)?;
    hosts::block_domain_in(change.conn(), &domain, reason).await?;
    let mut dropped = 0;
    for host in deliveries::pending_hosts_in(change.conn()).await? {
        if hosts::is_blocked_by(std::slice::from_ref(&domain), &host) {
            dropped += deliveries::drop_deliveries_to_in(change.conn(), &host, "domain blocked").await?;
        }
    }
    Ok(dropped)
}

pub async fn unblock(state: &AppState, domain: &str) -> AppResult<bool> {
    unblock_audited(state, domain, None).await
}

/// As [`unblock`], with the audit entry `domain.unblock` by `by` in the same change.
pub async fn unblock_audited(state: &AppState, domain: &str, by: Option<&str>) -> AppResult<bool> {
    let entry = entry(domain)?;
    let mut change = Change::begin(state).await?;
    let done = hosts::unblock_domain_in(change.conn(), &entry).await?;
    if let Some(by) = by {
        change.audit(by, "domain.unblock", domain).await?;
    }
    change.commit().await?;
    state.blocks_changed();
    Ok(done)
}
