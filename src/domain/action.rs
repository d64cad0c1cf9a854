//! A shared action (*action commune*, the charter's "actions communes, à travers des
//! réalisations pratiques"): a dated event organised by one or more territories, with a place
//! and/or an online link, how people join, and what it aims at. Pure rules:
//! [`NewAction::parse`] turns a raw input into a valid action or field-level error keys (parse,
//! don't validate: a `NewAction` cannot hold an end before its start or an unknown zone).
//! Federated as an `Event` (FEP-8a8e, Mobilizon): see docs/FEDERATION.md.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{
    ids::{PracticeId, SignatoryId},
    practice::{Dimension, parse_tag, tag_key},
    signatory::FieldErrors,
    territory::ActivityDomain,
};

super::code::closed_set! {
    /// Where the action stands (FEP-8a8e `eventStatus`, Mobilizon `status`).
    pub enum ActionStatus ("action status") {
        Scheduled = "scheduled",
        Tentative = "tentative",
        Cancelled = "cancelled",
        Postponed = "postponed",
    }
}

super::code::closed_set! {
    /// How people take part (FEP-8a8e / Mobilizon `joinMode`): `Free`, anyone joins at once
    /// (while places remain); `Approval`, moderators accept or decline each request;
    /// `External`, on another site (`join_url`); `None`, nobody registers (an open event).
    pub enum JoinMode ("join mode") {
        Free = "free",
        Approval = "approval",
        External = "external",
        None = "none",
    }
}

super::code::closed_set! {
    /// Whether an action is public yet.
    pub enum PublicationState ("action publication") {
        Draft = "draft",
        Published = "published",
    }
}

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 500;

/// The OpenAPI example of [`ActionInput`] (the document shows it; nothing reads it).
fn action_input_example() -> serde_json::Value {
    serde_json::from_str(
        r###"{
    "title": "Marché des producteurs du pays de Redon",
    "summary": "Douze fermes vendent en direct, animation sur les circuits courts.",
    "description": "## Programme\n\n- 10 h : ouverture\n- 15 h : table ronde",
    "start": "2030-03-14T10:00", "end": "2030-03-14T17:00", "timezone": "Europe/Paris",
    "place_name": "Halle de Redon", "address": "Place du Marché", "postal_code": "35600", "commune": "Redon",
    "latitude": 47.65, "longitude": -2.08, "capacity": 200, "join_mode": "free", "status": "scheduled",
    "domains": ["alimentation"], "dimensions": ["economique", "territoriale"], "tags": ["CircuitCourt"]
}"###,
    )
    .unwrap_or_default()
}

/// An action as written (API and forms). Dates are local to `timezone`
/// (`2026-03-14T14:00`, as an HTML `datetime-local` sends them) or carry their offset
/// (RFC 3339).
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(example = action_input_example)]
pub struct ActionInput {
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub description: String,
    pub start: String,
    pub end: String,
    /// IANA zone (default `Europe/Paris`).
    pub timezone: String,
    pub place_name: String,
    pub address: String,
    pub postal_code: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub online_url: String,
    /// Places; none: unlimited.
    pub capacity: Option<i64>,
    /// `free`, `approval`, `external` or `none` (default `free`).
    pub join_mode: String,
    /// Where to join when `join_mode` is `external`.
    pub join_url: String,
    /// `scheduled`, `tentative`, `cancelled` or `postponed` (default `scheduled`).
    pub status: String,
    pub domains: Vec<String>,
    /// The dimensions of added value it aims at: `sociale`, `economique`, `territoriale`,
    /// `environnementale`.
    pub dimensions: Vec<String>,
    /// Ids of linked good practices.
    #[schema(value_type = Vec<i64>)]
    pub practices: Vec<PracticeId>,
    pub tags: Vec<String>,
    /// Signatory ids of the contact structures.
    #[schema(value_type = Vec<i64>)]
    pub contacts: Vec<SignatoryId>,
}

/// A physical place.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Place {
    pub name: String,
    pub address: String,
    pub postal_code: String,
    pub commune: String,
    /// (latitude, longitude).
    pub coordinates: Option<(f64, f64)>,
}

/// A valid action.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub zone: Tz,
    pub place: Option<Place>,
    pub online_url: Option<String>,
    pub capacity: Option<u32>,
    pub join_mode: JoinMode,
    pub join_url: Option<String>,
    pub status: ActionStatus,
    pub domains: Vec<ActivityDomain>,
    pub dimensions: Vec<Dimension>,
    pub practices: Vec<PracticeId>,
    pub tags: Vec<String>,
    pub contacts: Vec<SignatoryId>,
}

fn text(e: &mut FieldErrors, field: &'static str, v: &str, max: usize, required: bool) -> String {
    let v = v.trim();
    if required && v.is_empty() {
        e.push((field, "field-required"));
    } else if v.chars().count() > max {
        e.push((field, "field-too-long"));
    }
    v.to_string()
}

/// A date and time: local to `zone` (`datetime-local`, with or without seconds) or RFC 3339.
/// A local time that does not exist (the hour skipped when clocks go forward) is refused; one
/// that exists twice (clocks go back) is the first.
pub fn parse_time(s: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())?;
    zone.from_local_datetime(&naive).earliest().map(|d| d.with_timezone(&Utc))
}

/// A web link (`http` or `https`), as typed.
fn link(e: &mut FieldErrors, field: &'static str, v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match url::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() && v.len() <= 2000 => Some(u.into()),
        _ => {
            e.push((field, "field-invalid"));
            None
        }
    }
}

impl NewAction {
    pub fn parse(input: &ActionInput) -> Result<NewAction, FieldErrors> {
        let mut e: FieldErrors = vec![];
        let title = text(&mut e, "title", &input.title, MAX_TITLE, true);
        let summary = text(&mut e, "summary", &input.summary, MAX_SUMMARY, false);
        let description = text(&mut e, "description", &input.description, 100_000, false);
        let zone_name = input.timezone.trim();
        let zone =
            if zone_name.is_empty() { Some(crate::text::time::DEFAULT_ZONE) } else { zone_name.parse::<Tz>().ok() };
        if zone.is_none() {
            e.push(("timezone", "field-invalid"));
        }
        let zone = zone.unwrap_or(crate::text::time::DEFAULT_ZONE);
        let mut time = |field: &'static str, v: &str| {
            if v.trim().is_empty() {
                e.push((field, "field-required"));
                return None;
            }
            let t = parse_time(v, zone);
            if t.is_none() {
                e.push((field, "field-invalid"));
            }
            t
        };
        let start = time("start", &input.start);
        let end = time("end", &input.end);
        if let (Some(s), Some(n)) = (start, end)
            && n < s
        {
            e.push(("end", "end-before-start"));
        }
        let place_name = text(&mut e, "place_name", &input.place_name, 200, false);
        let address = text(&mut e, "address", &input.address, 300, false);
        let postal_code = text(&mut e, "postal_code", &input.postal_code, 20, false);
        let commune = text(&mut e, "commune", &input.commune, 100, false);
        let coordinates = match (input.latitude, input.longitude) {
            (None, None) => None,
            (Some(lat), Some(lon))
                if lat.is_finite()
                    && lon.is_finite()
                    && (-90.0..=90.0).contains(&lat)
                    && (-180.0..=180.0).contains(&lon) =>
            {
                Some((lat, lon))
            }
            _ => {
                e.push(("coordinates", "field-invalid"));
                None
            }
        };
        let has_place = !(place_name.is_empty() && address.is_empty() && commune.is_empty() && coordinates.is_none());
        let place = has_place.then(|| Place {
            // A place is shown by its name: the commune when none is given (Gancio lists an
            // event only when its location has a name).
            name: if place_name.is_empty() { commune.clone() } else { place_name },
            address,
            postal_code,
            commune,
            coordinates,
        });
        let online_url = link(&mut e, "online_url", &input.online_url);
        if place.is_none() && online_url.is_none() && !e.iter().any(|(f, _)| *f == "online_url") {
            e.push(("place_name", "place-or-link-required"));
        }
        let capacity = match input.capacity {
            None => None,
            Some(c) if (0..=1_000_000).contains(&c) => u32::try_from(c).ok(),
            Some(_) => {
                e.push(("capacity", "field-invalid"));
                None
            }
        };
        let join_mode = match input.join_mode.trim() {
            "" => Some(JoinMode::Free),
            m => JoinMode::parse(m),
        };
        if join_mode.is_none() {
            e.push(("join_mode", "field-invalid"));
        }
        let join_mode = join_mode.unwrap_or(JoinMode::Free);
        let join_url = link(&mut e, "join_url", &input.join_url);
        if join_mode == JoinMode::External && join_url.is_none() && !e.iter().any(|(f, _)| *f == "join_url") {
            e.push(("join_url", "field-required"));
        }
        let status = match input.status.trim() {
            "" => Some(ActionStatus::Scheduled),
            s => ActionStatus::parse(s),
        };
        if status.is_none() {
            e.push(("status", "field-invalid"));
        }
        let mut domains = vec![];
        for d in &input.domains {
            match ActivityDomain::parse(d) {
                Some(d) if !domains.contains(&d) => domains.push(d),
                Some(_) => {}
                None => e.push(("domains", "field-invalid")),
            }
        }
        let mut dimensions = vec![];
        for d in &input.dimensions {
            match Dimension::parse(d) {
                Some(d) if !dimensions.contains(&d) => dimensions.push(d),
                Some(_) => {}
                None => e.push(("dimensions", "field-invalid")),
            }
        }
        let mut tags: Vec<String> = vec![];
        for t in &input.tags {
            match parse_tag(t) {
                Some(t) if !tags.iter().any(|x| tag_key(x) == tag_key(&t)) => tags.push(t),
                Some(_) => {}
                None => e.push(("tags", "field-invalid")),
            }
        }
        if tags.len() > 20 {
            e.push(("tags", "field-too-long"));
        }
        let mut practices = input.practices.clone();
        practices.dedup();
        let mut contacts = input.contacts.clone();
        contacts.dedup();
        if practices.len() > 50 || contacts.len() > 50 {
            e.push((if practices.len() > 50 { "practices" } else { "contacts" }, "field-too-long"));
        }
        match (start, end, status) {
            (Some(start), Some(end), Some(status)) if e.is_empty() => Ok(NewAction {
                title,
                summary,
                description,
                start,
                end,
                zone,
                place,
                online_url,
                capacity,
                join_mode,
                join_url,
                status,
                domains,
                dimensions,
                practices,
                tags,
                contacts,
            }),
            _ => Err(e),
        }
    }

    /// The word that leads the line a microblog shows when the action is not simply scheduled:
    /// Mastodon and GoToSocial show an `Event`'s name and summary only, so without it a
    /// cancellation would reach their users as an unchanged post (their `Update` shows an edit).
    pub fn status_notice(&self) -> Option<&'static str> {
        match self.status {
            ActionStatus::Scheduled => None,
            ActionStatus::Tentative => Some("À CONFIRMER"),
            ActionStatus::Cancelled => Some("ANNULÉE"),
            ActionStatus::Postponed => Some("REPORTÉE"),
        }
    }

    /// When and where, in one line that stands alone (what Mastodon shows of an `Event`, with
    /// its name): "14/03/2026 10:00 – 17:00 (Europe/Paris) · Halle de Redon, Redon".
    pub fn when_and_where(&self) -> String {
        let s = self.start.with_timezone(&self.zone);
        let n = self.end.with_timezone(&self.zone);
        let end = if s.date_naive() == n.date_naive() {
            n.format("%H:%M").to_string()
        } else {
            n.format("%d/%m/%Y %H:%M").to_string()
        };
        let mut line = format!("{} – {end} ({})", s.format("%d/%m/%Y %H:%M"), self.zone.name());
        let place = self.place.as_ref().map(|p| {
            let mut parts = vec![p.name.as_str()];
            if !p.commune.is_empty() && p.commune != p.name {
                parts.push(p.commune.as_str());
            }
            parts.join(", ")
        });
        match (place, &self.online_url) {
            (Some(p), _) => line.push_str(&format!(" · {p}")),
            (None, Some(u)) => line.push_str(&format!(" · {u}")),
            (None, None) => {}
        }
        line
    }

    /// Places left, when the number is limited.
    pub fn remaining(&self, participants: i64) -> Option<i64> {
        self.capacity.map(|c| (i64::from(c) - participants).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_example_is_valid_input() {
        let example = action_input_example();
        assert!(example.is_object());
        let input: ActionInput = serde_json::from_value(example).expect("example is an ActionInput");
        assert_eq!(input.timezone, "Europe/Paris");
    }

    fn valid() -> ActionInput {
        serde_json::from_str(
            r#"{"title": "Marché des producteurs", "summary": "Douze fermes en direct.",
                "start": "2026-03-14T10:00", "end": "2026-03-14T17:00", "timezone": "Europe/Paris",
                "place_name": "Halle", "commune": "Redon", "latitude": 47.65, "longitude": -2.08,
                "capacity": 200, "domains": ["alimentation"], "dimensions": ["economique"],
                "tags": ["circuit court"], "status": "tentative", "join_mode": "approval"}"#,
        )
        .expect("test")
    }

    #[test]
    fn a_valid_action() {
        let a = NewAction::parse(&valid()).expect("test");
        // 10:00 in Paris in March (UTC+1) is 09:00 UTC.
        assert_eq!(a.start.to_rfc3339(), "2026-03-14T09:00:00+00:00");
        assert_eq!(a.zone, chrono_tz::Europe::Paris);
        assert_eq!(a.status, ActionStatus::Tentative);
        assert_eq!(a.join_mode, JoinMode::Approval);
        assert_eq!(a.tags, vec!["CircuitCourt"]);
        assert_eq!(a.place.as_ref().map(|p| p.coordinates), Some(Some((47.65, -2.08))));
        assert_eq!(a.when_and_where(), "14/03/2026 10:00 – 17:00 (Europe/Paris) · Halle, Redon");
        assert_eq!(a.remaining(150), Some(50));
        // The input it gives back parses to the same action.
        assert_eq!(NewAction::parse(&a.to_input()).expect("test"), a);
    }

    #[test]
    fn dates_with_offsets_and_around_clock_changes() {
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(parse_time("2026-07-01T10:00:00+02:00", paris), parse_time("2026-07-01T10:00", paris));
        // 02:30 on 29 March 2026 does not exist in Paris (clocks go from 02:00 to 03:00).
        assert_eq!(parse_time("2026-03-29T02:30", paris), None);
        // 02:30 on 25 October 2026 exists twice: the first (summer time, UTC+2).
        assert_eq!(
            parse_time("2026-10-25T02:30", paris).map(|t| t.to_rfc3339()),
            Some("2026-10-25T00:30:00+00:00".into())
        );
    }

    #[test]
    fn field_errors() {
        type Case = (&'static str, fn(&mut ActionInput), &'static str, &'static str);
        let cases: [Case; 10] = [
            ("no title", |i| i.title = " ".into(), "title", "field-required"),
            ("no start", |i| i.start = String::new(), "start", "field-required"),
            ("no end", |i| i.end = String::new(), "end", "field-required"),
            ("end before start", |i| i.end = "2026-03-14T09:00".into(), "end", "end-before-start"),
            ("unknown zone", |i| i.timezone = "Europe/Redon".into(), "timezone", "field-invalid"),
            ("negative capacity", |i| i.capacity = Some(-1), "capacity", "field-invalid"),
            ("bad coordinates", |i| i.latitude = Some(91.0), "coordinates", "field-invalid"),
            ("one coordinate", |i| i.longitude = None, "coordinates", "field-invalid"),
            ("unknown status", |i| i.status = "done".into(), "status", "field-invalid"),
            ("external without link", |i| i.join_mode = "external".into(), "join_url", "field-required"),
        ];
        for (what, change, field, key) in cases {
            let mut i = valid();
            change(&mut i);
            let e = NewAction::parse(&i).expect_err(what);
            assert!(e.contains(&(field, key)), "{what}: {field}: {key} missing in {e:?}");
        }
        let mut nowhere = valid();
        (nowhere.place_name, nowhere.commune, nowhere.latitude, nowhere.longitude) =
            (String::new(), String::new(), None, None);
        assert!(NewAction::parse(&nowhere).expect_err("test").contains(&("place_name", "place-or-link-required")));
        nowhere.online_url = "https://visio.example/marche".into();
        assert!(NewAction::parse(&nowhere).expect("online only").place.is_none());
        nowhere.online_url = "javascript:alert(1)".into();
        assert!(NewAction::parse(&nowhere).expect_err("test").contains(&("online_url", "field-invalid")));
        let unknown: Result<ActionInput, _> = serde_json::from_str(r#"{"title": "x", "colour": "red"}"#);
        assert!(unknown.is_err(), "unknown fields are refused");
    }
}
