//! What a shared action says — everything an edit replaces — as one value carried from the
//! parsed input ([`NewAction::content`]) or the received `Event` (`federation::activities::event`)
//! to the row (`storage::actions` binds it; `ActionRow::content` reads it back), and back into
//! the input shape that partial updates merge over ([`ActionContent::to_input`]).

use super::{
    action::{ActionInput, ActionStatus, JoinMode, NewAction},
    ids::{PracticeId, SignatoryId},
    list::List,
};

/// An action's content, as stored (times in ms UTC, the zone by name, lists of codes).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionContent {
    pub status: ActionStatus,
    pub title: String,
    pub summary: String,
    pub description_md: String,
    /// `description_md` rendered (local actions) or the sanitised HTML received.
    pub description_html: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub place_name: String,
    pub address: String,
    pub postal_code: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub online_url: String,
    pub capacity: Option<i64>,
    pub join_mode: JoinMode,
    pub join_url: String,
    pub domains: List<String>,
    /// Dimension codes it aims at.
    pub dimensions: List<String>,
    pub tags: List<String>,
    /// Signatory ids of the contact structures.
    pub contacts: List<SignatoryId>,
    /// Received actions: the participants their origin counts (0 for ours).
    pub remote_participants: i64,
}

impl ActionContent {
    /// Back into the input shape (partial updates merge over it): dates local to its zone;
    /// `practices`, the linked practices, are kept beside the content.
    pub fn to_input(&self, practices: &[PracticeId]) -> ActionInput {
        let zone = self.timezone.parse::<chrono_tz::Tz>().unwrap_or(crate::text::time::DEFAULT_ZONE);
        let local =
            |ms: i64| super::millis_to_datetime(ms).with_timezone(&zone).format("%Y-%m-%dT%H:%M:%S").to_string();
        ActionInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description_md.clone(),
            start: local(self.starts_at),
            end: local(self.ends_at),
            timezone: zone.name().into(),
            place_name: self.place_name.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            commune: self.commune.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            online_url: self.online_url.clone(),
            capacity: self.capacity,
            join_mode: self.join_mode.as_str().into(),
            join_url: self.join_url.clone(),
            status: self.status.as_str().into(),
            domains: self.domains.to_vec(),
            dimensions: self.dimensions.to_vec(),
            practices: practices.to_vec(),
            tags: self.tags.to_vec(),
            contacts: self.contacts.to_vec(),
        }
    }
}

impl NewAction {
    /// What it says, as stored: its description rendered from Markdown.
    pub fn content(&self) -> ActionContent {
        let place = self.place.clone().unwrap_or_default();
        let codes = |codes: Vec<&str>| List::from(codes.into_iter().map(String::from).collect::<Vec<_>>());
        ActionContent {
            status: self.status,
            title: self.title.clone(),
            summary: self.summary.clone(),
            description_md: self.description.clone(),
            description_html: crate::text::html::markdown_to_html(&self.description),
            starts_at: self.start.timestamp_millis(),
            ends_at: self.end.timestamp_millis(),
            timezone: self.zone.name().into(),
            place_name: place.name,
            address: place.address,
            postal_code: place.postal_code,
            commune: place.commune,
            latitude: place.coordinates.map(|c| c.0),
            longitude: place.coordinates.map(|c| c.1),
            online_url: self.online_url.clone().unwrap_or_default(),
            capacity: self.capacity.map(i64::from),
            join_mode: self.join_mode,
            join_url: self.join_url.clone().unwrap_or_default(),
            domains: codes(self.domains.iter().map(|d| d.code()).collect()),
            dimensions: codes(self.dimensions.iter().map(|d| d.code()).collect()),
            tags: self.tags.clone().into(),
            contacts: self.contacts.clone().into(),
            remote_participants: 0,
        }
    }

    /// Back into the input shape (partial updates merge over it): dates local to the zone.
    pub fn to_input(&self) -> ActionInput {
        self.content().to_input(&self.practices)
    }
}
