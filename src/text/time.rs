//! Times as people read them: in the instance's time zone (`time_zone`, default Europe/Paris,
//! from the IANA database that `chrono-tz` keeps up to date), written the French way in French
//! ("4 décembre 2026 à 01:28") and the English way in English ("December 4, 2026 at 1:28 AM").
//! Every page, mail and template goes through [`format`] (via `Tr::datetime`).

use chrono::{Datelike, TimeZone, Timelike};
use chrono_tz::Tz;

use super::i18n::Lang;

/// The zone used when none is configured.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Paris;

const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// An IANA zone name ("Europe/Paris", "America/Cayenne", "Indian/Reunion").
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| format!("time_zone: `{name}` is not an IANA time zone (e.g. Europe/Paris)"))
}

/// Milliseconds since the epoch, as a date and time in `tz`.
pub fn format(ms: i64, lang: Lang, tz: Tz) -> String {
    let d = tz.from_utc_datetime(&chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().naive_utc());
    let m = d.month0() as usize;
    match lang {
        Lang::Fr => {
            // French writes the first day of a month as an ordinal: "1er décembre".
            let day = if d.day() == 1 { "1er".to_string() } else { d.day().to_string() };
            format!("{day} {} {} à {:02}:{:02}", FR_MONTHS[m], d.year(), d.hour(), d.minute())
        }
        Lang::En => {
            let (pm, hour) = d.hour12();
            let suffix = if pm { "PM" } else { "AM" };
            format!("{} {}, {} at {hour}:{:02} {suffix}", EN_MONTHS[m], d.day(), d.year(), d.minute())
        }
    }
}

/// Only the date, for lists where the hour does not matter.
pub fn date(ms: i64, lang: Lang, tz: Tz) -> String {
    let full = format(ms, lang, tz);
    match lang {
        Lang::Fr => full.split(" à ").next().unwrap_or_default().to_string(),
        Lang::En => full.split(" at ").next().unwrap_or_default().to_string(),
    }
}

/// From `start_ms` to `end_ms` in `zone` (an action's own): "14 mars 2030 à 10:00 – 17:00",
/// the end's date written only when it is another day, and the zone named when it is not the
/// reader's (`reader`).
pub fn span(start_ms: i64, end_ms: i64, zone: Tz, lang: Lang, reader: Tz) -> String {
    let start = format(start_ms, lang, zone);
    let end = if date(start_ms, lang, zone) == date(end_ms, lang, zone) {
        let full = format(end_ms, lang, zone);
        let sep = if lang == Lang::Fr { " à " } else { " at " };
        full.rsplit_once(sep).map(|p| p.1.to_string()).unwrap_or(full)
    } else {
        format(end_ms, lang, zone)
    };
    if zone == reader { format!("{start} – {end}") } else { format!("{start} – {end} ({})", zone.name()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_time_the_french_and_english_way() {
        // 2026-12-04 00:28 UTC is 01:28 in Paris (UTC+1 in winter).
        let winter = 1_796_344_080_000;
        assert_eq!(format(winter, Lang::Fr, DEFAULT_ZONE), "4 décembre 2026 à 01:28");
        assert_eq!(format(winter, Lang::En, DEFAULT_ZONE), "December 4, 2026 at 1:28 AM");
        // Summer time: UTC+2.
        let summer = 1_782_865_800_000; // 2026-07-01 00:30 UTC
        assert_eq!(format(summer, Lang::Fr, DEFAULT_ZONE), "1er juillet 2026 à 02:30");
        assert_eq!(date(summer, Lang::Fr, DEFAULT_ZONE), "1er juillet 2026");
        let reunion = parse_zone("Indian/Reunion").expect("zone");
        assert_eq!(format(winter, Lang::Fr, reunion), "4 décembre 2026 à 04:28");
        assert!(parse_zone("Paris").is_err());
    }
}
