//! Shared actions on the wire: an `Event` with the fields of FEP-8a8e and those Mobilizon reads
//! (plain JSON, no JSON-LD processing): `startTime`, `endTime`, `timezone`, one `Place` with a
//! `PostalAddress` and numeric coordinates, `joinMode`, capacities, `participantCount`,
//! `status`/`ical:status`/`eventStatus`, `organizers`, `category` from Mobilizon's list, and a
//! `summary` in plain text with the date and place (Mastodon shows an `Event` as its name, its
//! summary and a link). Authorship as for practices: the territory's editorial `Service` writes
//! it (`attributedTo`, Lemmy needs a non-`Group` author), the territory is its `audience`.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/8a8e/fep-8a8e.md
//! https://docs.joinmobilizon.org/contribute/activity_pub/ — choices in docs/FEDERATION.md.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    AS_CONTEXT, AS_PUBLIC, CCES_NS,
    activities::{Activity, Kind, Tag, to_value},
    practice::{Publication, hashtag_tag, time},
};
use crate::domain::{
    action::{ActionStatus, JoinMode, NewAction},
    territory::ActivityDomain,
};

/// The terms an `Event` adds to ActivityStreams (Mobilizon's prefixes and names).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Terms {
    cces: &'static str,
    #[serde(rename = "Hashtag")]
    hashtag: &'static str,
    sc: &'static str,
    mz: &'static str,
    ical: &'static str,
    #[serde(rename = "PostalAddress")]
    postal_address: &'static str,
    address: &'static str,
    street_address: &'static str,
    postal_code: &'static str,
    address_locality: &'static str,
    address_country: &'static str,
    timezone: &'static str,
    join_mode: &'static str,
    external_participation_url: &'static str,
    maximum_attendee_capacity: &'static str,
    remaining_attendee_capacity: &'static str,
    participant_count: &'static str,
    event_status: &'static str,
    category: &'static str,
    is_online: &'static str,
    contacts: &'static str,
    anonymous_participation_enabled: &'static str,
}

pub fn context() -> Value {
    to_value(&(
        AS_CONTEXT,
        Terms {
            cces: CCES_NS,
            hashtag: "as:Hashtag",
            sc: "http://schema.org#",
            mz: "https://joinmobilizon.org/ns#",
            ical: "http://www.w3.org/2002/12/cal/ical#",
            postal_address: "sc:PostalAddress",
            address: "sc:address",
            street_address: "sc:streetAddress",
            postal_code: "sc:postalCode",
            address_locality: "sc:addressLocality",
            address_country: "sc:addressCountry",
            timezone: "mz:timezone",
            join_mode: "mz:joinMode",
            external_participation_url: "mz:externalParticipationUrl",
            maximum_attendee_capacity: "sc:maximumAttendeeCapacity",
            remaining_attendee_capacity: "sc:remainingAttendeeCapacity",
            participant_count: "mz:participantCount",
            event_status: "sc:eventStatus",
            category: "mz:category",
            is_online: "mz:isOnline",
            contacts: "mz:contacts",
            anonymous_participation_enabled: "mz:anonymousParticipationEnabled",
        },
    ))
}

/// An action on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub name: String,
    /// Plain text: date, time, zone and place, then the summary (what microblogs show).
    pub summary: String,
    pub content: String,
    pub media_type: String,
    pub source: super::practice::Source,
    pub url: String,
    pub attributed_to: String,
    pub audience: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<EventPlace>,
    pub is_online: bool,
    pub join_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_participation_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_attendee_capacity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_attendee_capacity: Option<i64>,
    pub participant_count: i64,
    pub anonymous_participation_enabled: bool,
    /// Mobilizon's `status` (and `ical:status`): `CONFIRMED`, `TENTATIVE`, `CANCELLED`.
    pub status: String,
    #[serde(rename = "ical:status")]
    pub ical_status: String,
    /// FEP-8a8e: `EventScheduled`, `EventTentative`, `EventCancelled`, `EventPostponed`.
    pub event_status: String,
    pub organizers: Vec<String>,
    pub contacts: Vec<String>,
    pub category: String,
    /// Always an array (Gancio refuses anything else), hashtags.
    pub tag: Vec<Tag>,
    /// Always an array, empty (Gancio's `Update(Event)` needs one).
    pub attachment: Vec<Value>,
    /// The summary as written (the `summary` above starts with the date and place).
    #[serde(rename = "cces:summary")]
    pub plain_summary: String,
    #[serde(rename = "cces:domains")]
    pub domains: Vec<String>,
    #[serde(rename = "cces:dimensions")]
    pub dimensions: Vec<String>,
    /// Ids of the linked practices.
    #[serde(rename = "cces:practices")]
    pub practices: Vec<String>,
    #[serde(rename = "cces:onlineUrl", default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    /// The co-organising territories (all `organizers` but the owner), as Mobilizon names the
    /// actors who take part in a group's object; left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributors: Vec<String>,
    /// The organisers' evaluations once it has ended (left out before).
    #[serde(rename = "cces:evaluation", default, skip_serializing_if = "Vec::is_empty")]
    pub evaluation: Vec<super::coorganisation::EvaluationJson>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum EventKind {
    Event,
}

/// Where it happens: one `Place` (Mobilizon understands no array of places).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventPlace {
    #[serde(rename = "type")]
    pub kind: super::practice::PlaceKind,
    pub name: String,
    pub address: PostalAddress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(rename = "type")]
    pub kind: PostalAddressKind,
    pub street_address: String,
    pub postal_code: String,
    pub address_locality: String,
    pub address_country: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub enum PostalAddressKind {
    PostalAddress,
}

/// A deleted action as a `Delete` carries it: Gancio deletes only a `Tombstone` whose
/// `formerType` is `Event` (a bare id deletes nothing there).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTombstone {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: super::activities::TombstoneKind,
    pub former_type: EventKind,
}

pub fn tombstone(id: &str) -> Value {
    to_value(&EventTombstone {
        id: id.into(),
        kind: super::activities::TombstoneKind::Tombstone,
        former_type: EventKind::Event,
    })
}

/// What an `Event` is built from: domain values and where it lives.
pub struct EventFacts<'a> {
    pub id: &'a str,
    pub action: &'a NewAction,
    /// The description rendered from Markdown (the one sanitiser).
    pub description_html: &'a str,
    pub at: &'a Publication,
    /// Organising territories (actor ids), the owner first.
    pub organizers: &'a [String],
    /// Actor ids of the contact structures.
    pub contacts: &'a [String],
    /// Ids of the linked practices.
    pub practices: &'a [String],
    pub participants: i64,
    pub published_ms: i64,
    pub updated_ms: i64,
    /// The organisers' evaluations.
    pub evaluation: &'a [super::coorganisation::EvaluationJson],
}

/// Mobilizon's `category` for a domain (its list: upper-case codes; unknown reads as MEETING).
pub fn category(domains: &[ActivityDomain]) -> &'static str {
    match domains.first() {
        Some(ActivityDomain::Alimentation) => "FOOD_DRINK",
        Some(ActivityDomain::Culture) => "LANGUAGE_CULTURE",
        Some(ActivityDomain::Commerce | ActivityDomain::Finance) => "BUSINESS",
        Some(ActivityDomain::Energie | ActivityDomain::Mobilite) => "CAUSES",
        Some(ActivityDomain::Habitat) => "COMMUNITY",
        Some(ActivityDomain::Autre) | None => "MEETING",
    }
}

fn statuses(s: ActionStatus) -> (&'static str, &'static str) {
    match s {
        ActionStatus::Scheduled => ("CONFIRMED", "EventScheduled"),
        ActionStatus::Tentative => ("TENTATIVE", "EventTentative"),
        ActionStatus::Cancelled => ("CANCELLED", "EventCancelled"),
        // Mobilizon has no "postponed": not confirmed any more.
        ActionStatus::Postponed => ("TENTATIVE", "EventPostponed"),
    }
}

/// Our join mode as FEP-8a8e / Mobilizon name it.
pub fn join_mode(j: JoinMode) -> &'static str {
    match j {
        JoinMode::Free => "free",
        JoinMode::Approval => "restricted",
        JoinMode::External => "external",
        JoinMode::None => "none",
    }
}

pub fn event(f: &EventFacts) -> Value {
    let a = f.action;
    let local =
        |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&a.zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (status, event_status) = statuses(a.status);
    let when_where = match a.status_notice() {
        Some(notice) => format!("{notice} · {}", a.when_and_where()),
        None => a.when_and_where(),
    };
    let summary = if a.summary.is_empty() { when_where } else { format!("{when_where}\n\n{}", a.summary) };
    to_value(&Event {
        context: Some(context()),
        id: f.id.into(),
        kind: EventKind::Event,
        name: a.title.clone(),
        summary,
        content: f.description_html.into(),
        media_type: "text/html".into(),
        source: super::practice::Source { content: a.description.clone(), media_type: "text/markdown".into() },
        url: f.id.into(),
        attributed_to: f.at.author(),
        audience: f.at.territory.clone(),
        // The group first in `to`: Lemmy takes the first `Group` of `to`/`cc` as the community.
        to: vec![f.at.territory.clone(), AS_PUBLIC.into()],
        cc: vec![f.at.followers()],
        published: time(f.published_ms),
        // Only for an edit after publication (GoToSocial refuses an `updated` before `published`).
        updated: (f.updated_ms > f.published_ms).then(|| time(f.updated_ms)),
        start_time: local(a.start),
        end_time: local(a.end),
        timezone: a.zone.name().into(),
        location: a.place.as_ref().map(|p| EventPlace {
            kind: super::practice::PlaceKind::Place,
            name: p.name.clone(),
            address: PostalAddress {
                kind: PostalAddressKind::PostalAddress,
                street_address: p.address.clone(),
                postal_code: p.postal_code.clone(),
                address_locality: p.commune.clone(),
                address_country: "France".into(),
            },
            latitude: p.coordinates.map(|c| c.0),
            longitude: p.coordinates.map(|c| c.1),
        }),
        is_online: a.online_url.is_some(),
        join_mode: join_mode(a.join_mode).into(),
        external_participation_url: a.join_url.clone().filter(|_| a.join_mode == JoinMode::External),
        maximum_attendee_capacity: a.capacity.map(i64::from),
        remaining_attendee_capacity: a.remaining(f.participants),
        participant_count: f.participants,
        anonymous_participation_enabled: false,
        status: status.into(),
        ical_status: status.into(),
        event_status: event_status.into(),
        organizers: f.organizers.to_vec(),
        contacts: f.contacts.to_vec(),
        category: category(&a.domains).into(),
        tag: a.tags.iter().map(|t| hashtag_tag(&f.at.tag_base, t)).collect(),
        attachment: vec![],
        plain_summary: a.summary.clone(),
        domains: a.domains.iter().map(|d| d.code().to_string()).collect(),
        dimensions: a.dimensions.iter().map(|d| d.code().to_string()).collect(),
        practices: f.practices.to_vec(),
        online_url: a.online_url.clone(),
        contributors: f.organizers.iter().skip(1).cloned().collect(),
        evaluation: f.evaluation.to_vec(),
    })
}

/// The same `Event` for programs that make `summary` a content warning and show no `name`
/// (GoToSocial, Pleroma, Akkoma: /work/shared/docs/interop-notes.md, docs/FEDERATION.md): no
/// `summary`; `content` is the title, the date and place with the summary, a link to the page
/// and the hashtags, what Mastodon shows of the full shape. The event's own fields
/// (`startTime`, `location`, counts, `cces:`) stay. Anything but an object is returned as is.
pub fn microblog(full: &Value) -> Value {
    let mut e = full.clone();
    let Some(m) = e.as_object_mut() else { return e };
    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let (name, summary, url) = (text("name"), text("summary"), text("url"));
    let esc = crate::federation::actors::escape_html;
    let lines = summary.split("\n\n").map(|p| esc(p).replace('\n', "<br>")).collect::<Vec<_>>().join("</p><p>");
    let tags: Vec<String> = m
        .get("tag")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let (href, name) = (t.get("href")?.as_str()?, t.get("name")?.as_str()?);
            Some(format!(
                "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                esc(href),
                esc(name.trim_start_matches('#'))
            ))
        })
        .collect();
    let mut html = format!(
        "<p><strong>{}</strong></p><p>{lines}</p><p><a href=\"{}\">{}</a></p>",
        esc(&name),
        esc(&url),
        esc(&url)
    );
    if !tags.is_empty() {
        html.push_str(&format!("<p>{}</p>", tags.join(" ")));
    }
    m.remove("summary");
    m.remove("source");
    m.insert("content".into(), Value::String(html));
    e
}

/// `Create(Event)` by the territory itself, for Gancio: it imports only a `Create` with an
/// embedded `Event` from the actor it follows (and refuses an `Announce` of a `Create`).
pub fn by_territory(kind: Kind, id: &str, at: &Publication, object: &Value, published: &str) -> Value {
    let mut object = object.clone();
    let context = object.as_object_mut().and_then(|o| o.remove("@context")).unwrap_or_else(context);
    let mut a = Activity::new(kind, id, &at.territory, object).public(&[&at.followers()]);
    a.context = Some(context);
    a.published = Some(published.to_string());
    a.audience = Some(at.territory.to_string());
    a.to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::action::ActionInput;
    use serde_json::json;

    pub fn sample() -> NewAction {
        let input: ActionInput = serde_json::from_str(
            r#"{"title": "Marché des producteurs", "summary": "Douze fermes vendent en direct.",
                "description": "**Programme** : ouverture à 10 h.",
                "start": "2026-03-14T10:00", "end": "2026-03-14T17:00", "timezone": "Europe/Paris",
                "place_name": "Halle de Redon", "address": "Place du Marché", "postal_code": "35600",
                "commune": "Redon", "latitude": 47.65, "longitude": -2.08, "capacity": 200,
                "domains": ["alimentation"], "dimensions": ["economique", "territoriale"],
                "tags": ["CircuitCourt"]}"#,
        )
        .expect("test");
        NewAction::parse(&input).expect("test")
    }

    pub fn facts_event(a: &NewAction) -> Value {
        let at =
            Publication::local(&crate::domain::urls::Urls::new(url::Url::parse("https://m.example").unwrap()), "redon");
        event(&EventFacts {
            id: "https://m.example/t/redon/actions/3",
            action: a,
            description_html: "<p><strong>Programme</strong> : ouverture à 10 h.</p>\n",
            at: &at,
            organizers: &["https://m.example/t/redon".to_string()],
            contacts: &[],
            practices: &["https://m.example/practices/0b5e".to_string()],
            participants: 12,
            published_ms: 1_764_000_000_000,
            updated_ms: 1_764_000_000_000,
            evaluation: &[],
        })
    }

    /// The `Event` and its `Create` as golden files (`MAILLAGE_BLESS=1` writes them).
    #[test]
    fn golden_event_and_create() {
        let e = facts_event(&sample());
        let at =
            Publication::local(&crate::domain::urls::Urls::new(url::Url::parse("https://m.example").unwrap()), "redon");
        let create = super::super::practice::by_author(
            "Create",
            "https://m.example/activities/7f3c",
            &at,
            &e,
            "2025-11-24T16:00:00Z",
        );
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden");
        for (name, value) in [("action_event.json", &e), ("action_create.json", &create)] {
            let path = format!("{dir}/{name}");
            let text = serde_json::to_string_pretty(value).expect("json") + "\n";
            if std::env::var_os("MAILLAGE_BLESS").is_some() {
                std::fs::write(&path, &text).expect("write");
            }
            let golden: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("golden")).expect("json");
            assert_eq!(value, &golden, "{name} changed: check it, then MAILLAGE_BLESS=1");
        }
        // What Mobilizon and Mastodon read.
        assert_eq!(e["startTime"], "2026-03-14T10:00:00+01:00");
        assert_eq!(e["location"]["latitude"], 47.65);
        assert_eq!(e["remainingAttendeeCapacity"], 188);
        assert_eq!(e["category"], "FOOD_DRINK");
        assert!(e["summary"].as_str().is_some_and(|s| s.starts_with("14/03/2026 10:00 – 17:00")), "{e}");
    }

    #[test]
    fn cancelled_and_online() {
        let mut a = sample();
        a.status = ActionStatus::Cancelled;
        a.place = None;
        a.online_url = Some("https://visio.example/marche".into());
        let e = facts_event(&a);
        assert_eq!((e["status"].as_str(), e["eventStatus"].as_str()), (Some("CANCELLED"), Some("EventCancelled")));
        // What Mastodon and GoToSocial show of it says so too.
        assert!(e["summary"].as_str().is_some_and(|s| s.starts_with("ANNULÉE · ")), "{e}");
        assert!(microblog(&e)["content"].as_str().is_some_and(|c| c.contains("ANNULÉE · ")), "{e}");
        assert!(e.get("location").is_none() && e["isOnline"] == true);
        assert_eq!(tombstone("https://m.example/t/redon/actions/3")["formerType"], "Event");
    }

    #[test]
    fn microblogs_get_the_title_and_the_date_in_the_content() {
        let mut full = facts_event(&sample());
        full["name"] = json!("Marché <des> producteurs");
        full["tag"] = json!([{"type": "Hashtag", "href": "https://m.example/tags/marche", "name": "#marche"}]);
        let e = microblog(&full);
        assert!(e.get("summary").is_none() && e.get("source").is_none(), "no content warning: {e}");
        let html = e["content"].as_str().expect("content");
        assert!(
            html.starts_with("<p><strong>Marché &lt;des&gt; producteurs</strong></p><p>14/03/2026 10:00"),
            "{html}"
        );
        assert!(html.contains("Douze fermes vendent en direct."), "{html}");
        assert!(html.contains(&format!("<a href=\"{0}\">{0}</a>", full["url"].as_str().expect("url"))), "{html}");
        assert!(html.contains("#<span>marche</span>"), "{html}");
        for kept in ["startTime", "endTime", "location", "participantCount", "name", "cces:summary"] {
            assert_eq!(e[kept], full[kept], "{kept}");
        }
        assert_eq!(microblog(&json!("x")), json!("x"));
    }
}
