//! A shared action (`Event`) as other servers send it: inside a `Create`/`Update`, an
//! `Invite`, or a group's `Announce` of one (FEP-1b12).
//!
//! Lenient like every object received (`received_object`: the fields it shares with the
//! `Article` and the `Note`): Maillage, Mobilizon and Gancio shape `location`, `address`
//! and the status differently (`address` a `PostalAddress` or a plain string, `location` one
//! `Place` or a list, FEP-8a8e's `eventStatus` or Mobilizon's `status`); a field of an unexpected
//! shape reads as absent. Only `id` is required; `activities::event::content` says which fields
//! an action needs.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{
    coorganisation::EvaluationJson,
    received_object::{ObjectFields, lenient, lenient_list},
};
use crate::error::{AppError, AppResult};

/// `address`: a `PostalAddress` (Mobilizon, Maillage) or a plain string (Gancio).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Address {
    Text(String),
    Postal {
        #[serde(rename = "streetAddress", default, deserialize_with = "lenient")]
        street: Option<String>,
        #[serde(rename = "postalCode", default, deserialize_with = "lenient")]
        postal_code: Option<String>,
        #[serde(rename = "addressLocality", default, deserialize_with = "lenient")]
        locality: Option<String>,
    },
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Place {
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub address: Option<Address>,
    #[serde(default, deserialize_with = "lenient")]
    pub latitude: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    pub longitude: Option<f64>,
}

/// `location`: one object (whatever its type), or the first `Place` of a list.
fn place<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Place>, D::Error> {
    let v = Value::deserialize(d)?;
    let one = match v {
        Value::Array(all) => all.into_iter().find(|p| p.get("type").and_then(Value::as_str) == Some("Place")),
        one => Some(one),
    };
    Ok(one.and_then(|p| Place::deserialize(p).ok()))
}

/// An action as received.
#[derive(Debug, Clone, Deserialize)]
pub struct EventObject {
    /// `id`, author, `audience`, `name`, `summary`, `content`, `source`, `tag`.
    #[serde(flatten)]
    pub common: ObjectFields,
    /// Maillage's plain-text summary; `summary` when absent.
    #[serde(rename = "cces:summary", default, deserialize_with = "lenient")]
    pub cces_summary: Option<String>,
    #[serde(rename = "startTime", default, deserialize_with = "lenient")]
    pub start_time: Option<String>,
    #[serde(rename = "endTime", default, deserialize_with = "lenient")]
    pub end_time: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "place")]
    pub location: Option<Place>,
    #[serde(rename = "cces:domains", default, deserialize_with = "lenient_list")]
    pub domains: Vec<String>,
    #[serde(rename = "cces:dimensions", default, deserialize_with = "lenient_list")]
    pub dimensions: Vec<String>,
    /// FEP-8a8e (`https://schema.org/EventCancelled`…).
    #[serde(rename = "eventStatus", default, deserialize_with = "lenient")]
    pub event_status: Option<String>,
    /// Mobilizon's (`CANCELLED`, `TENTATIVE`, `CONFIRMED`).
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    /// Mobilizon's (`free`, `restricted`, `invite`, `external`).
    #[serde(rename = "joinMode", default, deserialize_with = "lenient")]
    pub join_mode: Option<String>,
    #[serde(rename = "externalParticipationUrl", default, deserialize_with = "lenient")]
    pub external_participation_url: Option<String>,
    #[serde(rename = "cces:onlineUrl", default, deserialize_with = "lenient")]
    pub online_url: Option<String>,
    #[serde(rename = "maximumAttendeeCapacity", default, deserialize_with = "lenient")]
    pub maximum_attendee_capacity: Option<i64>,
    #[serde(rename = "participantCount", default, deserialize_with = "lenient")]
    pub participant_count: Option<i64>,
    /// Actor ids of its organisers, its origin first.
    #[serde(default, deserialize_with = "lenient_list")]
    pub organizers: Vec<String>,
    /// Its organisers' evaluations (Maillage); one of another shape is dropped.
    #[serde(rename = "cces:evaluation", default, deserialize_with = "lenient_list")]
    pub evaluation: Vec<EvaluationJson>,
}

impl EventObject {
    /// An `Event` embedded in an `Invite` or an `Announce`: 400 when it has no id.
    pub fn from_value(v: &Value) -> AppResult<EventObject> {
        EventObject::deserialize(v).map_err(|e| AppError::BadRequest(format!("malformed Event: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn odd_shapes_read_as_absent_not_as_errors() {
        let e = EventObject::from_value(&json!({
            "id": "https://x.example/e/1", "type": "Event", "name": 3, "startTime": 17,
            "location": [{"type": "VirtualLocation", "url": "https://v.example"},
                         {"type": "Place", "name": "Halle", "address": 5, "latitude": "47"}],
            "tag": {"type": "Hashtag", "name": "#velo"}, "organizers": "https://x.example/g/a",
            "cces:evaluation": [{"type": "nonsense"}], "maximumAttendeeCapacity": 2.5
        }))
        .expect("lenient");
        assert_eq!((e.common.name, e.start_time, e.maximum_attendee_capacity), (None, None, None));
        let place = e.location.expect("the Place of the list");
        assert_eq!((place.name.as_deref(), place.latitude), (Some("Halle"), None));
        assert!(place.address.is_none());
        assert_eq!((e.common.tag.len(), e.organizers.len(), e.evaluation.len()), (1, 1, 0));
        assert!(EventObject::from_value(&json!({"type": "Event"})).is_err(), "an id is required");
    }

    /// The `Event`s of every program we read parse (tests/fixtures), with their author.
    #[test]
    fn fixtures_of_events_read() {
        let all = crate::federation::protocol::fixture_objects(&["Event"]);
        for (path, object) in &all {
            let e = EventObject::from_value(object).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(e.common.attributed_to.is_some() && e.start_time.is_some(), "{}", path.display());
        }
        assert!(all.len() >= 3, "only {} Event fixtures", all.len());
    }
}
