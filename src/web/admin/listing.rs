//! What every console list shares: a page of rows out of a total, links to the previous and
//! next pages that keep the search and filters.

use crate::web::i18n::Tr;

pub const PER_PAGE: i64 = 25;

pub struct Pager {
    pub summary: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `page` counts from 1; `params` are the search and filters to keep in the links.
    pub fn new(tr: Tr, path: &str, params: &[(&str, &str)], page: i64, total: i64) -> Pager {
        let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        let link = |p: i64| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
                q.append_pair(k, v);
            }
            q.append_pair("page", &p.to_string());
            format!("{path}?{}", q.finish())
        };
        let (page_s, pages_s, total_s) = (page.to_string(), pages.to_string(), tr.number(total));
        Pager {
            summary: tr.t_args("list-summary", &[("total", &total_s), ("page", &page_s), ("pages", &pages_s)]),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

/// The page asked for (1 when absent or nonsense) and its offset.
pub fn page_and_offset(page: Option<i64>) -> (i64, i64) {
    let page = page.unwrap_or(1).clamp(1, 100_000);
    (page, (page - 1) * PER_PAGE)
}

/// A path inside the console to go back to after an action (anything else: `fallback`).
pub fn return_path(asked: &str, fallback: String) -> String {
    if asked.starts_with("/admin") && !asked.starts_with("//") && !asked.contains("://") {
        asked.to_string()
    } else {
        fallback
    }
}
