//! Actions as iCalendar (RFC 5545) for calendar applications: one action ("add to my
//! calendar"), a territory's agenda and the whole catalogue (subscribed as `webcal://`).
//! Written by the `icalendar` crate; times are local to the action's zone with a `TZID`, and
//! every zone used gets its `VTIMEZONE` (RFC 5545 3.6.5), computed from the IANA database
//! (chrono-tz) over the years the actions span, so that clients without that zone (or with
//! an older copy of it) still place the action at the right hour.
//! https://www.rfc-editor.org/rfc/rfc5545

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{Calendar, CalendarComponent, CalendarDateTime, Component, Event, EventLike, EventStatus};

use crate::storage::actions::ActionRow;

fn zone_of(a: &ActionRow) -> Tz {
    a.timezone.parse::<Tz>().unwrap_or(chrono_tz::UTC)
}

fn utc(ms: i64) -> DateTime<Utc> {
    crate::domain::millis_to_datetime(ms)
}

/// `+0100`, `-0330`, `+054517` (seconds only when there are some).
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 { format!("{sign}{h:02}{m:02}") } else { format!("{sign}{h:02}{m:02}{sec:02}") }
}

/// The offset of `zone` at `t`: (seconds east of UTC, whether summer time, abbreviation).
fn offset_at(zone: Tz, t: DateTime<Utc>) -> (i32, bool, String) {
    let o = zone.offset_from_utc_datetime(&t.naive_utc());
    let abbreviation = o.abbreviation().unwrap_or_default().to_string();
    (o.fix().local_minus_utc(), !o.dst_offset().is_zero(), abbreviation)
}

/// The first instant after `from` (where the offset is that of `from`) and at or before `to`
/// where the offset is that of `to`: found to the second by halving.
fn change_between(zone: Tz, mut from: DateTime<Utc>, mut to: DateTime<Utc>) -> DateTime<Utc> {
    let before = offset_at(zone, from);
    while to - from > Duration::seconds(1) {
        let mid = from + (to - from) / 2;
        if offset_at(zone, mid) == before { from = mid } else { to = mid }
    }
    to
}

/// One observance: from `at` (UTC), offset `from` → `to`.
fn observance(zone: Tz, at: DateTime<Utc>, from: i32) -> String {
    let (to, summer, name) = offset_at(zone, at);
    // DTSTART is the local time of the onset in the offset in force before it (RFC 5545 3.6.5).
    let local = (at + Duration::seconds(i64::from(from))).naive_utc();
    let kind = if summer { "DAYLIGHT" } else { "STANDARD" };
    let name = if name.is_empty() { offset_text(to) } else { name };
    format!(
        "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{name}\r\nEND:{kind}\r\n",
        local.format("%Y%m%dT%H%M%S"),
        offset_text(from),
        offset_text(to)
    )
}

/// The `VTIMEZONE` of `zone` from 1 January of `first_year` to 31 December of `last_year`: the
/// offset in force then, and every change in between, each as its own observance (no rules:
/// exact for the years covered, whatever the zone's history).
pub fn vtimezone(zone: Tz, first_year: i32, last_year: i32) -> String {
    let day = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|d| d.and_utc()).unwrap_or_default()
    };
    let start = day(first_year, 1, 1);
    let end = day(last_year, 12, 31);
    let mut text = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", zone.name());
    let mut current = offset_at(zone, start);
    text.push_str(&observance(zone, start, current.0));
    let mut t = start;
    while t < end {
        let next = t + Duration::days(1);
        let o = offset_at(zone, next);
        if o != current {
            let at = change_between(zone, t, next);
            text.push_str(&observance(zone, at, current.0));
            current = o;
        }
        t = next;
    }
    text.push_str("END:VTIMEZONE\r\n");
    text
}

fn status(a: &ActionRow) -> EventStatus {
    use crate::domain::action::ActionStatus;
    match a.status {
        ActionStatus::Cancelled => EventStatus::Cancelled,
        ActionStatus::Tentative | ActionStatus::Postponed => EventStatus::Tentative,
        ActionStatus::Scheduled => EventStatus::Confirmed,
    }
}

fn event(a: &ActionRow) -> Event {
    let zone = zone_of(a);
    let local = |ms: i64| CalendarDateTime::WithTimezone {
        date_time: utc(ms).with_timezone(&zone).naive_local(),
        tzid: zone.name().to_string(),
    };
    let mut description = a.summary.clone();
    if !a.description_md.is_empty() {
        description.push_str(&format!("\n\n{}", a.description_md));
    }
    if !a.online_url.is_empty() {
        description.push_str(&format!("\n\n{}", a.online_url));
    }
    let town = format!("{} {}", a.postal_code, a.commune).trim().to_string();
    let mut parts = vec![a.place_name.clone(), a.address.clone()];
    if a.commune != a.place_name {
        parts.push(town);
    }
    let mut location = parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
    if location.is_empty() {
        location = a.online_url.clone();
    }
    let mut e = Event::with_uid(&a.ap_id);
    e.summary(&a.title)
        .description(description.trim())
        .starts(local(a.starts_at))
        .ends(local(a.ends_at))
        .url(&a.ap_id)
        .status(status(a))
        .timestamp(utc(a.updated_at))
        .last_modified(utc(a.updated_at))
        // Each edit a higher sequence (seconds since creation): clients replace their copy.
        .sequence(u32::try_from((a.updated_at - a.created_at).max(0) / 1000).unwrap_or(u32::MAX));
    if !location.is_empty() {
        e.location(&location);
    }
    if let (Some(lat), Some(lon)) = (a.latitude, a.longitude) {
        e.add_property("GEO", format!("{lat};{lon}"));
    }
    e.done()
}

/// A calendar of `actions` named `name`, each zone with its `VTIMEZONE`.
pub fn calendar(name: &str, actions: &[ActionRow]) -> String {
    let mut cal = Calendar::new();
    cal.append_property(icalendar::Property::new("PRODID", "-//Maillage//Actions communes//FR"));
    cal.name(name);
    let zones: BTreeSet<&str> = actions.iter().map(|a| a.timezone.as_str()).collect();
    for z in zones {
        let zone = z.parse::<Tz>().unwrap_or(chrono_tz::UTC);
        let years = actions.iter().filter(|a| zone_of(a) == zone).flat_map(|a| [a.starts_at, a.ends_at]);
        let years: Vec<i32> = years.map(|ms| utc(ms).year()).collect();
        let (first, last) = (years.iter().min().copied().unwrap_or(1970), years.iter().max().copied().unwrap_or(1970));
        // At most 30 years of changes (a day-by-day scan): a received action dated in the
        // year 9999 must not make the catalogue's feed slow; later years keep the last offset.
        let last = last.min(first + 30);
        // Written as text and read back by the crate, which has no VTIMEZONE builder.
        match vtimezone(zone, first - 1, last).parse::<CalendarComponent>() {
            Ok(c) => {
                cal.push(c);
            }
            Err(e) => tracing::warn!(zone = %z, error = %e, "VTIMEZONE not written"),
        }
    }
    for a in actions {
        cal.push(event(a));
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_changes_twice_a_year() {
        let v = vtimezone(chrono_tz::Europe::Paris, 2026, 2026);
        // 29 March 2026, 02:00 CET → 03:00 CEST; 25 October, 03:00 CEST → 02:00 CET.
        assert!(
            v.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"),
            "{v}"
        );
        assert!(
            v.contains("BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"),
            "{v}"
        );
        assert_eq!(v.matches("BEGIN:DAYLIGHT").count(), 1);
        let reunion = vtimezone(chrono_tz::Indian::Reunion, 2026, 2026);
        assert_eq!(reunion.matches("TZOFFSETTO:+0400").count(), 1, "{reunion}");
        assert_eq!(offset_text(-12_600), "-0330");
    }
}
