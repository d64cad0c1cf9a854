//! The communes of France, to find a place by its name without asking another server: the
//! list ships with Maillage (`seed/communes/communes-fr.tsv.gz`, its sources and licences in
//! `seed/communes/README.md`) and is read once, on first use. Names compare with accents, case,
//! hyphens and apostrophes ignored ("saint etienne" finds "Saint-Étienne").

use std::{io::Read, sync::LazyLock};

use unicode_normalization::UnicodeNormalization;

/// The embedded list, gzip-compressed TSV (about 0.5 MB).
const DATA: &[u8] = include_bytes!("../../seed/communes/communes-fr.tsv.gz");

#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// INSEE code ("35236").
    pub code: String,
    pub name: String,
    /// Département code ("35", "2A", "974").
    pub departement: String,
    pub postcode: String,
    /// (latitude, longitude), when the data set has them.
    pub coordinates: Option<(f64, f64)>,
    pub population: i64,
    /// The name folded for comparison.
    key: String,
}

impl Place {
    /// "Redon (35)": the name people read, with the département to tell homonyms apart.
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.departement)
    }
}

/// Lowercase, without accents; hyphens, apostrophes and runs of spaces become one space;
/// "st"/"ste" as a word become "saint"/"sainte".
pub fn fold(s: &str) -> String {
    let plain: String = s
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    plain
        .split_whitespace()
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

static PLACES: LazyLock<Vec<Place>> = LazyLock::new(|| parse(DATA).unwrap_or_default());

/// The gzip-compressed TSV into places; None if it cannot be read.
fn parse(gz: &[u8]) -> Option<Vec<Place>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text).ok()?;
    let places = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let [code, name, departement, postcode, lat, lon, population] = f.as_slice() else {
                return None;
            };
            Some(Place {
                code: code.to_string(),
                name: name.to_string(),
                departement: departement.to_string(),
                postcode: postcode.to_string(),
                coordinates: lat.parse().ok().zip(lon.parse().ok()),
                population: population.parse().unwrap_or(0),
                key: fold(name),
            })
        })
        .collect();
    Some(places)
}

/// Every commune known.
pub fn all() -> &'static [Place] {
    &PLACES
}

/// Communes whose name starts with the words typed (or, digits typed, whose postal code or
/// INSEE code does): the exact name first, then the most populated. At most `limit`.
pub fn search(q: &str, limit: usize) -> Vec<&'static Place> {
    let q = fold(q);
    if q.is_empty() {
        return vec![];
    }
    let digits = q.chars().all(|c| c.is_ascii_digit());
    let mut found: Vec<&Place> = all()
        .iter()
        .filter(|p| {
            if digits {
                p.postcode.starts_with(&q) || p.code.starts_with(&q)
            } else {
                p.key.starts_with(&q) || p.key.contains(&format!(" {q}"))
            }
        })
        .collect();
    found.sort_by_key(|p| (p.key != q, !p.key.starts_with(&q), -p.population));
    found.truncate(limit);
    found
}

/// The commune a name designates, as typed in a form: "Redon", "redon", "Redon (35)". With
/// homonyms and no département given, the most populated.
pub fn lookup(typed: &str) -> Option<&'static Place> {
    let typed = typed.trim();
    let (name, departement) = match typed.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        Some((name, dep)) => (name, Some(dep.trim())),
        None => (typed, None),
    };
    let key = fold(name);
    if key.is_empty() {
        return None;
    }
    all()
        .iter()
        .filter(|p| p.key == key && departement.is_none_or(|d| p.departement.eq_ignore_ascii_case(d)))
        .max_by_key(|p| p.population)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_names() {
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
        assert_eq!(fold("  L'Haÿ-les-Roses "), "l hay les roses");
        assert_eq!(fold("St Malo"), "saint malo");
        assert_eq!(fold("ÉVREUX"), "evreux");
    }

    #[test]
    fn the_shipped_list_is_read() {
        assert!(all().len() > 34_000, "{} communes", all().len());
        let with = all().iter().filter(|p| p.coordinates.is_some()).count();
        assert!(with > 8_000, "{with} with coordinates");
    }

    #[test]
    fn finds_communes_as_typed() {
        let redon = search("redon", 10);
        assert_eq!(redon[0].name, "Redon", "the exact name first: {redon:?}");
        assert_eq!(redon[0].code, "35236");
        let (lat, lon) = redon[0].coordinates.expect("coordinates");
        assert!((lat - 47.65).abs() < 0.05 && (lon + 2.08).abs() < 0.05, "{lat} {lon}");
        assert!(redon.iter().any(|p| p.name == "Saint-Nicolas-de-Redon"), "a word inside the name");
        assert_eq!(search("SAINT ETIENNE", 1)[0].name, "Saint-Étienne", "the largest first");
        assert_eq!(search("évreu", 1)[0].name, "Évreux");
        assert_eq!(search("35600", 10).iter().filter(|p| p.name == "Redon").count(), 1, "by postal code");
        assert!(search("", 10).is_empty() && search("zzzzqx", 10).is_empty());
        assert_eq!(search("saint", 5).len(), 5, "limited");
    }

    #[test]
    fn looks_up_what_was_typed() {
        assert_eq!(lookup("redon").map(|p| p.code.as_str()), Some("35236"));
        assert_eq!(lookup("Redon (35)").map(|p| p.code.as_str()), Some("35236"));
        assert_eq!(lookup("Redon (56)"), None, "not in that département");
        assert_eq!(lookup("Nulle-Part-sur-Rien"), None);
        assert_eq!(lookup(""), None);
    }
}
