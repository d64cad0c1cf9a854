//! The actors of this instance that author activities, each signing with its own key: what
//! an `activities` row records as its signer (`activities.signer`, with `territory_id` and
//! `signatory_id`), so that delivery knows the key without reading the activity.

use super::ids::{SignatoryId, TerritoryId};

/// An actor of this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalActor {
    /// The instance actor (`/actor`): signed fetches.
    Instance,
    /// A territory (`/t/<slug>`, a `Group`).
    Territory(TerritoryId),
    /// A territory's editorial actor (`/t/<slug>/editorial`, a `Service`), the author of its
    /// practices: it signs with the territory's key, under its own key id.
    Editorial(TerritoryId),
    /// A listed signatory (`/s/<id>`), with its own key; its activities belong to its territory.
    Signatory { territory: TerritoryId, id: SignatoryId },
}

impl LocalActor {
    /// The territory, or the instance actor when there is none.
    pub fn territory_or_instance(territory: Option<TerritoryId>) -> LocalActor {
        territory.map_or(LocalActor::Instance, LocalActor::Territory)
    }

    /// The territory whose activities these are (its outbox lists the public ones).
    pub fn territory_id(self) -> Option<TerritoryId> {
        match self {
            LocalActor::Instance => None,
            LocalActor::Territory(t) | LocalActor::Editorial(t) | LocalActor::Signatory { territory: t, .. } => Some(t),
        }
    }

    pub fn signatory_id(self) -> Option<SignatoryId> {
        match self {
            LocalActor::Signatory { id, .. } => Some(id),
            _ => None,
        }
    }

    /// Its kind as `activities.signer` stores it.
    pub fn kind(self) -> &'static str {
        match self {
            LocalActor::Instance => "instance",
            LocalActor::Territory(_) => "territory",
            LocalActor::Editorial(_) => "editorial",
            LocalActor::Signatory { .. } => "signatory",
        }
    }

    /// Back from a stored row; an unknown kind or a missing id reads as the territory (or the
    /// instance actor), as rows did before signers were recorded.
    pub fn from_row(kind: &str, territory_id: Option<TerritoryId>, signatory_id: Option<SignatoryId>) -> LocalActor {
        match (kind, territory_id, signatory_id) {
            ("instance", _, _) => LocalActor::Instance,
            ("editorial", Some(t), _) => LocalActor::Editorial(t),
            ("signatory", Some(territory), Some(id)) => LocalActor::Signatory { territory, id },
            _ => LocalActor::territory_or_instance(territory_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_signer_reads_back_as_itself() {
        for a in [
            LocalActor::Instance,
            LocalActor::Territory(TerritoryId(3)),
            LocalActor::Editorial(TerritoryId(3)),
            LocalActor::Signatory { territory: TerritoryId(3), id: SignatoryId(9) },
        ] {
            assert_eq!(LocalActor::from_row(a.kind(), a.territory_id(), a.signatory_id()), a);
        }
        assert_eq!(LocalActor::from_row("", Some(TerritoryId(2)), None), LocalActor::Territory(TerritoryId(2)));
        assert_eq!(LocalActor::from_row("", None, None), LocalActor::Instance);
    }
}
