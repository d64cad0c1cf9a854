//! Per-territory blocks of remote actors and domains (issue 15, point 5): made by a report's
//! decision (`reports::decide`) or from the console, each inside one change with its audit
//! entry (and, from the console, its line in the public moderation log).

use crate::{
    domain::{
        ids::TerritoryId,
        report::{self, BlockKind},
    },
    error::{AppError, AppResult},
    processing::unit::Change,
    state::AppState,
    storage::{
        hosts::block_entry,
        reports::{self as store, NewLogLine},
    },
};

/// Blocks a remote actor or domain for one territory, inside the caller's change: its follows
/// of the territory (and the territory's of it) are removed, its comments on the territory's
/// practices, announcements and actions hidden; its activities for the territory are refused
/// from then on (403, inbox).
pub async fn block_for_territory(
    change: &mut Change,
    territory: TerritoryId,
    kind: BlockKind,
    target: &str,
    reason: &str,
    by: &str,
) -> AppResult<()> {
    store::block(change.conn(), territory, kind, target, reason).await?;
    let (removed, hidden) = match kind {
        BlockKind::Actor => (
            store::remove_follows(change.conn(), territory, Some(target), None).await?,
            store::hide_comments_of(change.conn(), territory, target).await?,
        ),
        BlockKind::Domain => (store::remove_follows(change.conn(), territory, None, Some(target)).await?, 0),
    };
    change
        .audit(
            by,
            "territory.block",
            &format!("territory {territory}: {kind} {target} ({removed} follows removed, {hidden} comments hidden)"),
        )
        .await
}

/// A territory's block made from the console, without a report: logged publicly too.
pub async fn block(
    state: &AppState,
    territory: TerritoryId,
    kind: BlockKind,
    target: &str,
    reason: &str,
    by: &str,
) -> AppResult<()> {
    let target = match kind {
        BlockKind::Actor => crate::federation::protocol::remote_url::remote_url(target, true)?.to_string(),
        // Written as the instance-wide blocks are (`domains::block`): a domain, or `name:port`
        // when a port other than 80/443 is given, which then blocks exactly that server.
        BlockKind::Domain => block_entry(target),
    };
    if target.is_empty() {
        return Err(AppError::Unprocessable("nothing to block".into()));
    }
    let mut change = Change::begin(state).await?;
    block_for_territory(&mut change, territory, kind, &target, reason, by).await?;
    let log_kind = match kind {
        BlockKind::Actor => report::LogKind::BlockActor,
        BlockKind::Domain => report::LogKind::BlockDomain,
    };
    let label = match kind {
        BlockKind::Actor => target.clone(),
        BlockKind::Domain => target.clone(),
    };
    store::log(
        change.conn(),
        &NewLogLine {
            territory_id: Some(territory),
            kind: log_kind,
            target_kind: kind.as_str(),
            target_ap_id: "",
            target_label: &label,
            reason,
        },
    )
    .await?;
    change.commit().await
}
