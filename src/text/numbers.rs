//! Numbers as people read and type them, in the reader's language: "18 400,75 €" and
//! "62,5 %" in French, "€18,400.75" and "62.5%" in English. Formatting goes through ICU4X
//! (`icu_decimal`, CLDR data compiled in: the grouping and decimal signs of each language are
//! the Unicode consortium's, not ours); parsing accepts what the formatter writes and what
//! people type on a keyboard (ordinary, no-break or narrow no-break spaces between groups, a
//! decimal point in French too), and refuses anything ambiguous rather than guessing.

use icu_decimal::{DecimalFormatter, input::Decimal};
use icu_locale_core::locale;

use super::i18n::Lang;

/// Largest magnitude accepted: beyond it an `f64` no longer keeps every unit.
const LIMIT: f64 = 1e15;

/// Why a typed number was refused (a Fluent key for the message beside the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number in the reader's language ("beaucoup", "1,2,3", "12 €").
    Invalid,
    /// A number, but too large to keep exactly.
    TooLarge,
}

impl NumberError {
    pub fn key(self) -> &'static str {
        match self {
            NumberError::Invalid => "number-invalid",
            NumberError::TooLarge => "number-too-large",
        }
    }
}

/// The separators of a language: (decimal signs accepted, group signs accepted).
fn separators(lang: Lang) -> (&'static [char], &'static [char]) {
    const SPACES: [char; 4] = [' ', '\u{a0}', '\u{202f}', '\u{2009}'];
    match lang {
        // "12.5" is still read as twelve and a half: typed on English keyboards and by
        // spreadsheets; a point as group sign ("18.400") is too ambiguous to accept.
        Lang::Fr => (&[',', '.'], &SPACES),
        Lang::En => (&['.'], &[',', ' ', '\u{a0}', '\u{202f}', '\u{2009}']),
    }
}

/// "18 400,75" → 18400.75 in French, "18,400.75" in English. Groups after the first have
/// exactly three digits; one decimal sign at most, followed by digits; a leading minus (ASCII
/// or U+2212) or plus.
pub fn parse(text: &str, lang: Lang) -> Result<f64, NumberError> {
    let (decimal_signs, group_signs) = separators(lang);
    let s = text.trim();
    let (negative, s) = match s.chars().next() {
        Some('-' | '\u{2212}') => (true, &s[s.chars().next().map_or(0, char::len_utf8)..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match s.find(decimal_signs) {
        Some(i) => {
            let sign_len = s[i..].chars().next().map_or(1, char::len_utf8);
            (&s[..i], Some(&s[i + sign_len..]))
        }
        None => (s, None),
    };
    let groups: Vec<&str> = int.split(group_signs).collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let grouped_ok = match groups.as_slice() {
        [one] => digits(one),
        [first, rest @ ..] => digits(first) && first.len() <= 3 && rest.iter().all(|g| g.len() == 3 && digits(g)),
        [] => false,
    };
    if !grouped_ok || frac.is_some_and(|f| !digits(f)) {
        return Err(NumberError::Invalid);
    }
    let canonical = format!("{}{}.{}", if negative { "-" } else { "" }, groups.concat(), frac.unwrap_or("0"));
    let value: f64 = canonical.parse().map_err(|_| NumberError::Invalid)?;
    if !value.is_finite() || value.abs() >= LIMIT {
        return Err(NumberError::TooLarge);
    }
    Ok(value)
}

/// The language's formatter; its data is compiled in, so building one costs little.
fn formatter(lang: Lang) -> Option<DecimalFormatter> {
    let loc = match lang {
        Lang::Fr => locale!("fr"),
        Lang::En => locale!("en"),
    };
    DecimalFormatter::try_new(loc.into(), Default::default()).ok()
}

/// 18400.75 → "18 400,75" (narrow no-break space) in French, "18,400.75" in English, with at
/// least `min_fraction` decimals (12.5 → "12,50" for money) and at most six.
pub fn format(value: f64, lang: Lang, min_fraction: i16) -> String {
    let shortest = format!("{value}");
    let Some(f) = formatter(lang) else { return shortest };
    let Ok(mut d) = Decimal::try_from_str(&shortest) else { return shortest };
    d.round(-6);
    d.absolute.trim_end();
    d.absolute.pad_end(-min_fraction);
    f.format(&d).to_string()
}

/// Units written as a currency: their amounts take two decimals when they have any.
fn currency_symbol(unit: &str) -> Option<&'static str> {
    match unit.to_lowercase().as_str() {
        "€" | "eur" | "euro" | "euros" => Some("€"),
        "$" | "usd" => Some("$"),
        "£" | "gbp" => Some("£"),
        _ => None,
    }
}

/// A value with its unit as the reader expects it: "12,50 €", "18 400,75 €", "62,5 %",
/// "3 tonnes" in French; "€12.50", "62.5%", "3 tonnes" in English. The space before a unit
/// is a no-break space, so the unit never starts a line on its own.
pub fn quantity(value: f64, unit: &str, lang: Lang) -> String {
    let unit = unit.trim();
    // A rate in money ("€/an", "€ HT"): cents like money, the unit as written after the amount.
    let per = unit.chars().next().and_then(|c| currency_symbol(&c.to_string()).filter(|_| unit.chars().count() > 1));
    if per.is_some() {
        let cents = if value.fract() == 0.0 { 0 } else { 2 };
        return format!("{}\u{a0}{unit}", format(value, lang, cents));
    }
    if let Some(symbol) = currency_symbol(unit) {
        let cents = if value.fract() == 0.0 { 0 } else { 2 };
        let n = format(value, lang, cents);
        // A currency written in words ("euros") stays a word after the amount.
        let written = if unit.chars().all(char::is_alphabetic) && unit.len() > 3 { unit } else { symbol };
        return match (lang, written == symbol) {
            (Lang::En, true) if value < 0.0 => format!("-{symbol}{}", n.trim_start_matches('-')),
            (Lang::En, true) => format!("{symbol}{n}"),
            _ => format!("{n}\u{a0}{written}"),
        };
    }
    let n = format(value, lang, 0);
    match (unit, lang) {
        ("", _) => n,
        ("%", Lang::En) => format!("{n}%"),
        _ => format!("{n}\u{a0}{unit}"),
    }
}

/// A size in bytes as people read it: "1 Mo", "512 ko", "4,2 Mo" in French (the octet), "1 MB",
/// "4.2 MB" in English; multiples of 1024, as file managers count them.
pub fn bytes(n: u64, lang: Lang) -> String {
    const KI: f64 = 1024.0;
    let (value, unit) = match n as f64 {
        x if x >= KI * KI => (x / (KI * KI), ["Mo", "MB"]),
        x if x >= KI => (x / KI, ["ko", "kB"]),
        x => (x, ["o", "B"]),
    };
    let rounded = (value * 10.0).round() / 10.0;
    let unit = if lang == Lang::Fr { unit[0] } else { unit[1] };
    format!("{}\u{a0}{unit}", format(rounded, lang, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_french_numbers() {
        let ok = [
            ("18 400,75", 18400.75),
            ("18\u{a0}400,75", 18400.75),
            ("18\u{202f}400,75", 18400.75),
            ("18400,75", 18400.75),
            ("1 234 567", 1_234_567.0),
            ("12,50", 12.5),
            ("12.5", 12.5),
            ("  7  ", 7.0),
            ("0,05", 0.05),
            ("-3,5", -3.5),
            ("\u{2212}3,5", -3.5),
            ("+4", 4.0),
            ("100", 100.0),
        ];
        for (text, want) in ok {
            assert_eq!(parse(text, Lang::Fr), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_french_number() {
        for text in [
            "",
            "beaucoup",
            "12 €",
            "1,2,3",
            "18 40,75",
            "1 2345",
            "12,",
            ",5",
            "1..2",
            "1,2.3",
            "--1",
            "1e5",
            "NaN",
            "inf",
            "12 000 0",
            "0x10",
            "١٢",
            "18.400,75",
        ] {
            assert_eq!(parse(text, Lang::Fr), Err(NumberError::Invalid), "{text:?}");
        }
        assert_eq!(parse("1 000 000 000 000 000", Lang::Fr), Err(NumberError::TooLarge));
    }

    #[test]
    fn parses_english_numbers() {
        assert_eq!(parse("18,400.75", Lang::En), Ok(18400.75));
        assert_eq!(parse("18 400.75", Lang::En), Ok(18400.75));
        assert_eq!(parse("62.5", Lang::En), Ok(62.5));
        for text in ["12,5", "18.400,75", "1,23", "abc", "1.2.3"] {
            assert_eq!(parse(text, Lang::En), Err(NumberError::Invalid), "{text:?}");
        }
    }

    #[test]
    fn formats_the_french_way() {
        assert_eq!(format(18400.75, Lang::Fr, 0), "18\u{202f}400,75");
        assert_eq!(format(1_234_567.0, Lang::Fr, 0), "1\u{202f}234\u{202f}567");
        assert_eq!(format(12.5, Lang::Fr, 2), "12,50");
        assert_eq!(format(62.5, Lang::Fr, 0), "62,5");
        assert_eq!(format(-3.5, Lang::Fr, 0), "-3,5");
        assert_eq!(format(1.0 / 3.0, Lang::Fr, 0), "0,333333");
        assert_eq!(quantity(12.5, "€", Lang::Fr), "12,50\u{a0}€");
        assert_eq!(quantity(18400.75, "€", Lang::Fr), "18\u{202f}400,75\u{a0}€");
        assert_eq!(quantity(1200.0, "€", Lang::Fr), "1\u{202f}200\u{a0}€");
        assert_eq!(quantity(12.5, "euros", Lang::Fr), "12,50\u{a0}euros");
        assert_eq!(quantity(62.5, "%", Lang::Fr), "62,5\u{a0}%");
        assert_eq!(quantity(3.0, "tonnes", Lang::Fr), "3\u{a0}tonnes");
        assert_eq!(quantity(3.0, "", Lang::Fr), "3");
        assert_eq!(quantity(12.5, "€/an", Lang::Fr), "12,50\u{a0}€/an");
        assert_eq!(quantity(1500.0, "€ HT", Lang::Fr), "1\u{202f}500\u{a0}€ HT");
    }

    #[test]
    fn formats_the_english_way() {
        assert_eq!(format(18400.75, Lang::En, 0), "18,400.75");
        assert_eq!(quantity(12.5, "€", Lang::En), "€12.50");
        assert_eq!(quantity(-12.5, "€", Lang::En), "-€12.50");
        assert_eq!(quantity(62.5, "%", Lang::En), "62.5%");
        assert_eq!(quantity(3.0, "tonnes", Lang::En), "3\u{a0}tonnes");
    }

    #[test]
    fn sizes() {
        assert_eq!(bytes(1024 * 1024, Lang::Fr), "1\u{a0}Mo");
        assert_eq!(bytes(4 * 1024 * 1024 + 200_000, Lang::Fr), "4,2\u{a0}Mo");
        assert_eq!(bytes(512 * 1024, Lang::Fr), "512\u{a0}ko");
        assert_eq!(bytes(300, Lang::Fr), "300\u{a0}o");
        assert_eq!(bytes(1024 * 1024, Lang::En), "1\u{a0}MB");
    }

    #[test]
    fn what_is_written_reads_back() {
        for x in [0.0, 0.5, 12.5, 18400.75, 1_234_567.125, -42.0] {
            for lang in [Lang::Fr, Lang::En] {
                assert_eq!(parse(&format(x, lang, 0), lang), Ok(x), "{x} {lang:?}");
            }
        }
    }
}
