//! Languages: French first, English too. Strings live in Fluent files (`locales/*.ftl`),
//! compiled into the binary; the language comes from the `lang` cookie, else the browser's
//! `Accept-Language`, else French.

use std::sync::LazyLock;

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("fr") => Some(Lang::Fr),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: &str, source: &'static str) -> Bundle {
    let id = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: they would end up in HTML and mails.
    b.set_use_isolating(false);
    match FluentResource::try_new(source.to_string()) {
        Ok(r) => {
            if let Err(e) = b.add_resource(r) {
                tracing::error!(?e, lang, "duplicate Fluent messages");
            }
        }
        Err((r, e)) => {
            tracing::error!(?e, lang, "Fluent syntax errors");
            let _ = b.add_resource(r);
        }
    }
    b
}

static FR: LazyLock<Bundle> = LazyLock::new(|| bundle("fr", include_str!("../../locales/fr.ftl")));
static EN: LazyLock<Bundle> = LazyLock::new(|| bundle("en", include_str!("../../locales/en.ftl")));

/// Translator for one request, handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
    /// The instance's time zone, for dates and times.
    pub tz: chrono_tz::Tz,
}

impl Tr {
    /// In the default time zone (Europe/Paris); requests use [`Tr::zoned`] with the instance's.
    pub fn new(lang: Lang) -> Tr {
        Tr { lang, tz: super::time::DEFAULT_ZONE }
    }

    pub fn zoned(lang: Lang, tz: chrono_tz::Tz) -> Tr {
        Tr { lang, tz }
    }

    fn bundle(&self) -> &'static Bundle {
        match self.lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let b = self.bundle();
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            // A missing string shows its key rather than nothing; tests check every key exists.
            return key.to_string();
        };
        let mut errors = vec![];
        b.format_pattern(pattern, args, &mut errors).into_owned()
    }

    pub fn has(&self, key: &str) -> bool {
        self.bundle().has_message(key)
    }

    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    pub fn t_with(&self, key: &str, name: &str, value: &str) -> String {
        self.t_args(key, &[(name, value)])
    }

    pub fn t_args(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set(name.to_string(), FluentValue::from(value.to_string()));
        }
        self.format(key, Some(&args))
    }

    /// A plural-aware label: `key` selects on `$count`.
    pub fn plural(&self, key: &str, count: i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        self.format(key, Some(&args))
    }

    /// 12345 → "12 345" (narrow no-break space) in French, "12,345" in English: the one
    /// number formatter, [`super::numbers`].
    pub fn number(&self, n: i64) -> String {
        super::numbers::format(n as f64, self.lang, 0)
    }

    /// Milliseconds since the epoch → "4 décembre 2026 à 01:28" / "December 4, 2026 at 1:28 AM",
    /// in the instance's time zone (see [`super::time`]).
    pub fn datetime(&self, ms: i64) -> String {
        super::time::format(ms, self.lang, self.tz)
    }

    /// Only the date ("4 décembre 2026").
    pub fn date(&self, ms: i64) -> String {
        super::time::date(ms, self.lang, self.tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_both_languages() {
        for source in [include_str!("../../locales/fr.ftl"), include_str!("../../locales/en.ftl")] {
            for line in source.lines() {
                if let Some((key, _)) = line.split_once(" =")
                    && !key.starts_with(' ')
                    && !key.is_empty()
                {
                    for lang in [Lang::Fr, Lang::En] {
                        assert!(Tr::new(lang).has(key), "{key} missing in {lang:?}");
                    }
                }
            }
        }
    }

    /// Fluent keeps one of two messages with the same key and only logs it: merged catalogues
    /// must not hide a duplicate.
    #[test]
    fn no_key_twice() {
        for source in [include_str!("../../locales/fr.ftl"), include_str!("../../locales/en.ftl")] {
            let mut seen = std::collections::HashSet::new();
            for line in source.lines() {
                if let Some((key, _)) = line.split_once(" =")
                    && !key.starts_with(' ')
                    && !key.is_empty()
                {
                    assert!(seen.insert(key), "{key} defined twice");
                }
            }
        }
    }

    #[test]
    fn formats() {
        let (fr, en) = (Tr::new(Lang::Fr), Tr::new(Lang::En));
        assert_eq!(fr.plural("followers-label", 1), "abonné·e");
        assert_eq!(fr.plural("followers-label", 3), "abonné·es");
        assert_eq!(en.plural("followers-label", 1), "follower");
        assert_eq!(fr.number(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(en.number(1234567), "1,234,567");
        assert_eq!(en.number(12), "12");
        assert_eq!(fr.datetime(1_795_000_000_000), "18 novembre 2026 à 12:06");
        assert_eq!(en.datetime(1_795_000_000_000), "November 18, 2026 at 12:06 PM");
        assert_eq!(
            fr.t_with("footer", "version", "1.0"),
            "Propulsé par Maillage 1.0, logiciel libre (AGPL-3.0-or-later)"
        );
    }
}
