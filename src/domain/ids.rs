//! Ids of the aggregates as types of their own, so a practice id cannot be passed where a
//! territory id is expected (issue 11, point 3).
//!
//! Each is an `i64` underneath, stored and sent exactly as before: `#[sqlx(transparent)]`
//! derives `Type`/`Encode`/`Decode` generically over the database, which the sqlx `Any` driver
//! (SQLite and PostgreSQL) satisfies through `i64`; `#[serde(transparent)]` keeps the JSON a
//! bare number (golden files and API tests pin it), and axum's `Path<PracticeId>` parses it.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id_type!(
    /// `practices.id`
    PracticeId
);
id_type!(
    /// `territories.id`
    TerritoryId
);
id_type!(
    /// `signatories.id`: a charter signature (an individual or a structure)
    SignatoryId
);
id_type!(
    /// `accounts.id`: an admin or moderator account
    AccountId
);
id_type!(
    /// `actions.id`: a shared action (federated as an `Event`)
    ActionId
);
id_type!(
    /// `action_participants.id`: one participant of a shared action
    ParticipantId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_a_bare_number() {
        assert_eq!(serde_json::to_string(&PracticeId(42)).ok().as_deref(), Some("42"));
        let back: Result<TerritoryId, _> = serde_json::from_str("7");
        assert_eq!(back.ok(), Some(TerritoryId(7)));
        assert_eq!(PracticeId(3).to_string(), "3");
        assert_eq!("12".parse::<PracticeId>().ok(), Some(PracticeId(12)));
    }
}
