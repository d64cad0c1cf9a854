//! Taking part in a shared action from the fediverse (issue 12, point 6): what a `Join`
//! gets as an answer. Pure: the handler reads the action, the count and any earlier
//! participation through its change and applies the answer.
//! Mobilizon's participation model: /work/shared/docs/interop-notes.md, "Events";
//! FEP-8a8e `joinMode`.

use super::action::{ActionStatus, JoinMode};

super::code::closed_set! {
    /// A participant's state (`action_participants.state`): `Pending` waits for a
    /// moderator (join mode `approval`), `Accepted` counts.
    pub enum ParticipantState ("participant state") {
        Pending = "pending",
        Accepted = "accepted",
        Rejected = "rejected",
        Unconfirmed = "unconfirmed",
    }
}

/// Why a `Join` is refused; said in the `Reject`'s `summary` (Mobilizon shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalReason {
    Full,
    Ended,
    Cancelled,
    /// Join mode `none` or `external`: nobody registers here.
    NotOpen,
}

impl RefusalReason {
    pub fn as_text(self) -> &'static str {
        match self {
            RefusalReason::Full => "The action is full: no place left.",
            RefusalReason::Ended => "The action has already ended.",
            RefusalReason::Cancelled => "The action is cancelled.",
            RefusalReason::NotOpen => "This action takes no registration here.",
        }
    }
}

/// What a `Join` gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinAnswer {
    Accept,
    /// Held for the moderators (participant `pending`, no answer yet).
    Hold,
    Reject(RefusalReason),
}

/// The facts a `Join` is answered from.
#[derive(Debug, Clone, Copy)]
pub struct JoinFacts {
    pub status: ActionStatus,
    pub join_mode: JoinMode,
    pub ends_at: i64,
    pub now: i64,
    pub capacity: Option<i64>,
    /// Accepted participants now.
    pub accepted: i64,
    /// The joiner's participation so far, if any.
    pub already: Option<ParticipantState>,
}

/// The answer to a `Join`. A second `Join` of someone already counted gets the same answer
/// again and counts once; one already waiting keeps waiting.
pub fn answer_join(f: &JoinFacts) -> JoinAnswer {
    match f.already {
        Some(ParticipantState::Accepted) => return JoinAnswer::Accept,
        Some(ParticipantState::Pending) => return JoinAnswer::Hold,
        _ => {}
    }
    if f.status == ActionStatus::Cancelled {
        return JoinAnswer::Reject(RefusalReason::Cancelled);
    }
    if f.ends_at < f.now {
        return JoinAnswer::Reject(RefusalReason::Ended);
    }
    match f.join_mode {
        JoinMode::None | JoinMode::External => return JoinAnswer::Reject(RefusalReason::NotOpen),
        JoinMode::Free | JoinMode::Approval => {}
    }
    if f.capacity.is_some_and(|c| f.accepted >= c) {
        return JoinAnswer::Reject(RefusalReason::Full);
    }
    if f.join_mode == JoinMode::Approval { JoinAnswer::Hold } else { JoinAnswer::Accept }
}

/// Joining from the action's page, as the form sends it (`nickname`: a honeypot, left empty
/// by people).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct WebJoinInput {
    pub name: String,
    pub email: String,
    pub nickname: String,
}

pub const MAX_NAME: usize = 100;

/// (name, email lower-cased), or the fields' errors.
pub fn parse_web_join(i: &WebJoinInput) -> Result<(String, String), super::signatory::FieldErrors> {
    let mut e = vec![];
    let name = i.name.trim();
    if name.is_empty() {
        e.push(("name", "field-required"));
    } else if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        e.push(("name", "field-too-long"));
    }
    let email = match i.email.trim() {
        "" => {
            e.push(("email", "field-required"));
            String::new()
        }
        v => super::account::parse_email(v).unwrap_or_else(|k| {
            e.push(("email", k));
            String::new()
        }),
    };
    if e.is_empty() { Ok((name.to_string(), email)) } else { Err(e) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> JoinFacts {
        JoinFacts {
            status: ActionStatus::Scheduled,
            join_mode: JoinMode::Free,
            ends_at: 2_000,
            now: 1_000,
            capacity: Some(1),
            accepted: 0,
            already: None,
        }
    }

    #[test]
    fn each_case_has_its_answer() {
        assert_eq!(answer_join(&open()), JoinAnswer::Accept);
        assert_eq!(answer_join(&JoinFacts { accepted: 1, ..open() }), JoinAnswer::Reject(RefusalReason::Full));
        assert_eq!(answer_join(&JoinFacts { capacity: None, accepted: 9, ..open() }), JoinAnswer::Accept);
        let full_but_in = JoinFacts { accepted: 1, already: Some(ParticipantState::Accepted), ..open() };
        assert_eq!(answer_join(&full_but_in), JoinAnswer::Accept);
        let cancelled = JoinFacts { status: ActionStatus::Cancelled, ..open() };
        assert_eq!(answer_join(&cancelled), JoinAnswer::Reject(RefusalReason::Cancelled));
        assert_eq!(answer_join(&JoinFacts { now: 3_000, ..open() }), JoinAnswer::Reject(RefusalReason::Ended));
        let approval = JoinFacts { join_mode: JoinMode::Approval, ..open() };
        assert_eq!(answer_join(&approval), JoinAnswer::Hold);
        let waiting = JoinFacts { already: Some(ParticipantState::Pending), ..approval };
        assert_eq!(answer_join(&waiting), JoinAnswer::Hold);
        for mode in [JoinMode::None, JoinMode::External] {
            let closed = JoinFacts { join_mode: mode, ..open() };
            assert_eq!(answer_join(&closed), JoinAnswer::Reject(RefusalReason::NotOpen));
        }
    }

    #[test]
    fn a_web_join_needs_a_name_and_an_address() {
        let ok = WebJoinInput { name: " Aline ".into(), email: "Aline@Example.FR".into(), ..Default::default() };
        assert_eq!(parse_web_join(&ok), Ok(("Aline".into(), "aline@example.fr".into())));
        let e = parse_web_join(&WebJoinInput::default()).expect_err("empty");
        assert!(e.contains(&("name", "field-required")) && e.contains(&("email", "field-required")), "{e:?}");
        let bad = WebJoinInput { name: "x".repeat(101), email: "not an address".into(), ..Default::default() };
        let e = parse_web_join(&bad).expect_err("bad");
        assert!(e.contains(&("name", "field-too-long")) && e.contains(&("email", "email-invalid")), "{e:?}");
    }
}
