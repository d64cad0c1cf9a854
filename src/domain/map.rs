//! Where things go on the map (issue 13 point 6). A signatory is placed at the centre of its
//! commune, never nearer: an individual's address is private, and a structure's postal address
//! is a contact detail that stays on the instance (domain/places.rs gives the centres). Practices
//! and actions are public and go where their author put them, else at their commune's centre.
//! Positions are `(longitude, latitude)`, the order of GeoJSON (RFC 7946 §3.1.1).

use super::places;

super::code::closed_set! {
    /// The three layers of the map, as named in their URLs (`/carte/<layer>.geojson`).
    pub enum Layer ("map layer") {
        Signatories = "signataires",
        Practices = "pratiques",
        Actions = "actions",
    }
}

/// One thing on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub name: String,
    /// "individual", "structure", "practice" or "action".
    pub kind: &'static str,
    /// Its page (or actor, which browsers are sent on from).
    pub link: String,
    pub commune: String,
    /// (longitude, latitude).
    pub position: (f64, f64),
}

/// The centre of a commune as typed in a form, `(longitude, latitude)`.
pub fn commune_centre(commune: &str) -> Option<(f64, f64)> {
    if commune.trim().is_empty() {
        return None;
    }
    places::lookup(commune).and_then(|p| p.coordinates).map(|(lat, lon)| (lon, lat))
}

/// A practice's or action's position: its own coordinates when they are a place on Earth,
/// else its commune's centre.
pub fn item_position(latitude: Option<f64>, longitude: Option<f64>, commune: &str) -> Option<(f64, f64)> {
    match (latitude, longitude) {
        (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => Some((lon, lat)),
        _ => commune_centre(commune),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_longitude_first() {
        let (lon, lat) = commune_centre("Redon").expect("Redon has a centre");
        assert!((lat - 47.65).abs() < 0.05 && (lon + 2.08).abs() < 0.05, "{lon} {lat}");
        assert_eq!(item_position(Some(48.1), Some(-1.6), "Redon"), Some((-1.6, 48.1)));
        assert_eq!(item_position(Some(148.1), Some(-1.6), "Redon"), Some((lon, lat)), "not on Earth: the commune");
        assert_eq!(item_position(Some(f64::NAN), Some(-1.6), ""), None);
        assert_eq!(item_position(None, None, "zzzzqx"), None);
        assert_eq!(commune_centre("  "), None);
    }
}
