//! Reports and moderation decisions (issue 15): what can be reported, by which way, what a
//! moderator decides, and what a reason must be. Pure: no IO.

use super::code::closed_set;

closed_set! {
    /// What a report is about (`reports.target_kind`). `Announcement` is generic: any local
    /// object whose ActivityPub id the instance serves can be reported under it.
    pub enum TargetKind ("report target") {
        Comment = "comment",
        Practice = "practice",
        Announcement = "announcement",
        Action = "action",
        Actor = "actor",
    }
}

closed_set! {
    /// Where a report came from (`reports.source`).
    pub enum Source ("report source") {
        Web = "web",
        Api = "api",
        Federation = "federation",
    }
}

closed_set! {
    /// A report's state: `Open` in the queue, `Resolved` once a moderator decided.
    pub enum ReportStatus ("report status") {
        Open = "open",
        Resolved = "resolved",
    }
}

closed_set! {
    /// What a moderator decides on a report; each is recorded in the audit log and, unless
    /// the instance keeps that kind private, in the public moderation log.
    pub enum Decision ("moderation decision") {
        HideComment = "hide_comment",
        Unpublish = "unpublish",
        BlockActor = "block_actor",
        BlockDomain = "block_domain",
        Dismiss = "dismiss",
    }
}

closed_set! {
    /// The kinds of lines of the public moderation log (`moderation_log.kind`): the decisions
    /// on reports and the blocks made without one.
    pub enum LogKind ("moderation log kind") {
        HideComment = "hide_comment",
        Unpublish = "unpublish",
        BlockActor = "block_actor",
        BlockDomain = "block_domain",
        LimitDomain = "limit_domain",
        Dismiss = "dismiss",
    }
}

closed_set! {
    /// A territory's block (`territory_blocks.kind`).
    pub enum BlockKind ("territory block kind") {
        Actor = "actor",
        Domain = "domain",
    }
}

closed_set! {
    /// An instance-wide domain block's severity, as Mastodon names them.
    pub enum Severity ("domain block severity") {
        Suspend = "suspend",
        Limit = "limit",
        Noop = "noop",
    }
}

impl Decision {
    pub fn log_kind(self) -> LogKind {
        match self {
            Decision::HideComment => LogKind::HideComment,
            Decision::Unpublish => LogKind::Unpublish,
            Decision::BlockActor => LogKind::BlockActor,
            Decision::BlockDomain => LogKind::BlockDomain,
            Decision::Dismiss => LogKind::Dismiss,
        }
    }

    /// Whether the decision applies to a target of `kind` (hiding is for comments, unpublishing
    /// for local content; blocks need a remote author, checked with the report).
    pub fn fits(self, kind: TargetKind) -> bool {
        match self {
            Decision::HideComment => kind == TargetKind::Comment,
            Decision::Unpublish => matches!(kind, TargetKind::Practice | TargetKind::Action | TargetKind::Announcement),
            Decision::BlockActor | Decision::BlockDomain | Decision::Dismiss => true,
        }
    }
}

/// Longest reason kept (characters): a report is a note to moderators, not a document.
pub const MAX_REASON: usize = 2000;

/// Why a reason is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonError {
    Missing,
    TooLong,
}

/// The reason as stored: trimmed, required, at most [`MAX_REASON`] characters.
pub fn reason(text: &str) -> Result<String, ReasonError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ReasonError::Missing);
    }
    if t.chars().count() > MAX_REASON {
        return Err(ReasonError::TooLong);
    }
    Ok(t.to_string())
}

/// A reason received in a `Flag` (its `content` or `summary`, possibly empty, possibly HTML
/// already sanitised): cut to [`MAX_REASON`] rather than refused, the sender cannot fix it.
pub fn received_reason(text: &str) -> String {
    text.trim().chars().take(MAX_REASON).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(reason("  spam  "), Ok("spam".into()));
        assert_eq!(reason(" \n "), Err(ReasonError::Missing));
        assert_eq!(reason(&"é".repeat(MAX_REASON)).map(|r| r.chars().count()), Ok(MAX_REASON));
        assert_eq!(reason(&"x".repeat(MAX_REASON + 1)), Err(ReasonError::TooLong));
        assert_eq!(received_reason(&"x".repeat(MAX_REASON + 5)).len(), MAX_REASON);
    }

    #[test]
    fn decisions_fit_their_targets() {
        assert!(Decision::HideComment.fits(TargetKind::Comment));
        assert!(!Decision::HideComment.fits(TargetKind::Practice));
        assert!(Decision::Unpublish.fits(TargetKind::Practice));
        assert!(!Decision::Unpublish.fits(TargetKind::Actor));
        assert!(Decision::Dismiss.fits(TargetKind::Actor));
        for d in Decision::ALL {
            assert_eq!(d.log_kind().as_str(), d.as_str());
        }
    }
}
