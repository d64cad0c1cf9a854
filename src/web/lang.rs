//! The reader's language, from the request: the `lang` cookie (the FR/EN switch), then
//! `Accept-Language`. Beside the web layer because it reads cookies; the catalogues and
//! formatting are in `text::i18n`.

use http::HeaderMap;

use crate::text::i18n::Lang;

impl Lang {
    /// Cookie first, then the first supported language of `Accept-Language` by weight.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(l) = super::session::cookie(headers, "lang").and_then(|c| Lang::parse(&c)) {
            return l;
        }
        let accept = headers.get(http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mut best: Option<(f32, Lang)> = None;
        for part in accept.split(',') {
            let mut it = part.split(';');
            let Some(lang) = it.next().and_then(Lang::parse) else { continue };
            let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Fr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_then_accept_language_then_french() {
        let mut h = HeaderMap::new();
        h.insert(http::header::ACCEPT_LANGUAGE, "de-DE,en-GB;q=0.8,fr;q=0.5".parse().expect("test"));
        assert_eq!(Lang::from_headers(&h), Lang::En);
        h.insert(http::header::COOKIE, "lang=fr".parse().expect("test"));
        assert_eq!(Lang::from_headers(&h), Lang::Fr);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Fr);
    }
}
