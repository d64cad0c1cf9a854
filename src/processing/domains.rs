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

/// Limits a domain (issue 15, point 5; Mastodon's "limit"): its actors' follows of our
/// territories wait for a moderator's approval, its practices and actions stay out of the
/// catalogue and the agenda; its activities are still received. One change with the audit
/// entry `domain.limit` and the line of the public moderation log.
pub async fn limit_audited(state: &AppState, domain: &str, reason: &str, by: &str) -> AppResult<()> {
    let domain = entry(domain)?;
    let mut change = Change::begin(state).await?;
    hosts::limit_domain_in(change.conn(), &domain, reason).await?;
    crate::storage::reports::log(
        change.conn(),
        &crate::storage::reports::NewLogLine {
            territory_id: None,
            kind: crate::domain::report::LogKind::LimitDomain,
            target_kind: "domain",
            target_ap_id: "",
            target_label: &domain,
            reason,
        },
    )
    .await?;
    change.audit(by, "domain.limit", &domain).await?;
    change.commit().await?;
    state.blocks_changed();
    tracing::info!(%domain, "domain limited");
    Ok(())
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

/// The header of Mastodon's domain block CSV (Administration → Federation → Export).
pub const CSV_HEADER: [&str; 6] =
    ["#domain", "#severity", "#reject_media", "#reject_reports", "#public_comment", "#obfuscate"];

/// Reads Mastodon's CSV (columns by their header, `#domain` required, the others optional as in
/// Mastodon's import); a bad line is a 422 naming it, and nothing is imported.
pub fn parse_csv(text: &str) -> AppResult<Vec<hosts::DomainBlockRow>> {
    use crate::domain::report::Severity;
    let mut r = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| AppError::Unprocessable(format!("not a CSV: {e}")))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim_start_matches('#') == name);
    let domain_at = col("domain").ok_or_else(|| AppError::Unprocessable("no #domain column".into()))?;
    let (severity_at, media_at, reports_at, comment_at, obfuscate_at) =
        (col("severity"), col("reject_media"), col("reject_reports"), col("public_comment"), col("obfuscate"));
    let mut out = vec![];
    for (n, record) in r.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| AppError::Unprocessable(format!("line {line}: {e}")))?;
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or_default();
        let flag = |at: Option<usize>| -> AppResult<crate::storage::Flag> {
            match get(at) {
                "" | "false" => Ok(crate::storage::Flag(false)),
                "true" => Ok(crate::storage::Flag(true)),
                other => Err(AppError::Unprocessable(format!("line {line}: not true or false: {other}"))),
            }
        };
        let severity = match get(severity_at) {
            "" => Severity::Suspend,
            s => Severity::parse(s).ok_or_else(|| AppError::Unprocessable(format!("line {line}: severity {s}")))?,
        };
        out.push(hosts::DomainBlockRow {
            domain: entry(get(Some(domain_at)))
                .map_err(|_| AppError::Unprocessable(format!("line {line}: not a domain")))?,
            severity,
            reject_media: flag(media_at)?,
            reject_reports: flag(reports_at)?,
            reason: get(comment_at).to_string(),
            obfuscate: flag(obfuscate_at)?,
        });
    }
    Ok(out)
}

/// Imports a Mastodon CSV of domain blocks in one change (all lines or none); returns how many.
pub async fn import_csv(state: &AppState, text: &str, by: &str) -> AppResult<usize> {
    let blocks = parse_csv(text)?;
    let mut change = Change::begin(state).await?;
    for b in &blocks {
        if b.severity == crate::domain::report::Severity::Suspend {
            block_in(&mut change, &b.domain, &b.reason).await?;
        }
        hosts::upsert_domain_block_in(change.conn(), b).await?;
    }
    change.audit(by, "domain.import", &format!("{} domain blocks", blocks.len())).await?;
    change.commit().await?;
    state.blocks_changed();
    Ok(blocks.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_csv_round_trips_and_bad_lines_are_refused() {
        let text = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                    spam.example,suspend,true,true,Spam,false\nnoisy.example,limit,false,false,\"Trop de bruit, parfois\",true\n";
        let blocks = parse_csv(text).expect("parse");
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].severity, crate::domain::report::Severity::Limit);
        assert_eq!(blocks[1].reason, "Trop de bruit, parfois");
        assert!(blocks[1].obfuscate.0 && blocks[0].reject_media.0);
        // Only the domain column is needed (an older export).
        assert_eq!(
            parse_csv("#domain\nold.example\n").expect("short")[0].severity,
            crate::domain::report::Severity::Suspend
        );
        for bad in [
            "#severity\nsuspend\n",
            "#domain,#severity\nx.example,ban\n",
            "#domain\nnot a domain\n",
            "#domain,#obfuscate\nx.example,yes\n",
        ] {
            assert!(matches!(parse_csv(bad), Err(AppError::Unprocessable(_))), "{bad}");
        }
    }
}
