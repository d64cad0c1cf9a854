//! The catalogue search: published practices, newest first, filtered by words (French forms),
//! domain, dimension, tag and territory, a page at a time.
//!
//! Why two plans: the indexes answer "which practices contain this word" with every match, so a
//! common word ("circuit", in 80 % of a catalogue) costs as much as the catalogue is large, even
//! for one page of 50. Walking the newest practices and checking each one stops after the page,
//! whatever the catalogue's size, but is slow for a rare word. So a search with words first walks
//! a window of the newest practices sized from the matches it meets (below), and asks the indexes
//! for every match only when the window finds too few. A page from the walk is the same page: the
//! window is a prefix of the catalogue's order.

use super::{Backend, Store, practices::PracticeRow};
use crate::{
    domain::practice::{french_search_text, parse_tag, tag_key},
    error::AppResult,
};

/// Catalogue filters (all optional).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PracticeFilter {
    pub q: Option<String>,
    pub domain: Option<String>,
    pub dimension: Option<String>,
    /// Origin territory actor id (local or remote).
    pub territory: Option<String>,
    pub tag: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
}

/// The first window walked, in pages' worth of rows: words found in at least a quarter of the
/// catalogue (with the other filters) fill a page there.
const FIRST_WINDOW: i64 = 4;
/// The largest window, in pages' worth of rows: past it (fewer than 1 in 64 rows match) the
/// indexes' full answer is cheaper than checking rows one by one.
const LARGEST_WINDOW: i64 = 64;

/// How the words are matched: against the full-text index's list of every match, or row by row
/// (on SQLite a probe of the FTS index at that row id; PostgreSQL checks the stored vector).
#[derive(Clone, Copy, PartialEq)]
enum Words {
    AllMatches,
    PerRow,
}

/// A statement's `WHERE` filters and their arguments (all text).
struct Filters {
    sql: String,
    args: Vec<String>,
}

impl Filters {
    fn push(&mut self, clause: &str, value: String) {
        self.args.push(value);
        self.sql.push_str(&clause.replace("$?", &format!("${}", self.args.len())));
    }
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(String::from)
}

impl Store {
    /// Published practices, local and remote, newest first, filtered in SQL (so that old
    /// practices are found as well as new ones), `limit` a page (`f.page`, from 1); `q` matches
    /// French word forms.
    pub async fn search_practices(&self, f: &PracticeFilter, limit: i64) -> AppResult<Vec<PracticeRow>> {
        let limit = limit.clamp(1, 1000);
        let offset = (f.page.unwrap_or(1).max(1) - 1).saturating_mul(limit);
        if given(&f.q).is_some() {
            let Some(words) = self.filters(f, Words::PerRow) else { return Ok(vec![]) };
            let need = offset.saturating_add(limit);
            let mut window = need.saturating_mul(FIRST_WINDOW);
            loop {
                let (ids, exhaustive) = self.walk(&words, need, window).await?;
                let found = ids.len() as i64;
                if found >= need || exhaustive {
                    let page: Vec<i64> = ids.into_iter().skip(offset as usize).collect();
                    return self.practices_by_ids(&page).await;
                }
                // Size the next window from the density met, with a margin; give up past the
                // largest window (or when nothing matched: a rare word).
                let next = if found == 0 { i64::MAX } else { window.saturating_mul(2 * need) / found };
                if window >= need.saturating_mul(LARGEST_WINDOW) || next > need.saturating_mul(LARGEST_WINDOW) {
                    break;
                }
                window = next.max(window * 2);
            }
        }
        let Some(filters) = self.filters(f, Words::AllMatches) else { return Ok(vec![]) };
        let sql = format!(
            "SELECT {} FROM practices WHERE status = 'published'{} ORDER BY published_at DESC, id DESC LIMIT {limit} OFFSET {offset}",
            super::practices::COLUMNS,
            filters.sql
        );
        let mut query = sqlx::query_as(&sql);
        for a in &filters.args {
            query = query.bind(a);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// The filters of `f` as SQL; `None` when the words hold no searchable term.
    fn filters(&self, f: &PracticeFilter, words: Words) -> Option<Filters> {
        // Practices of limited domains stay out of public lists (their page still answers).
        let mut w = Filters { sql: format!(" AND {}", super::hosts::not_limited("origin_actor")), args: vec![] };
        if let Some(q) = given(&f.q) {
            match self.backend() {
                Backend::Sqlite => {
                    let terms: Vec<String> = french_search_text(&q)
                        .split(' ')
                        .filter(|t| !t.is_empty())
                        .map(|t| format!("\"{t}\""))
                        .collect();
                    if terms.is_empty() {
                        return None;
                    }
                    let clause = match words {
                        Words::AllMatches => {
                            " AND id IN (SELECT rowid FROM practices_fts WHERE practices_fts MATCH $?)"
                        }
                        // Correlated: one lookup in the index per row walked, never the whole list.
                        Words::PerRow => {
                            " AND EXISTS (SELECT 1 FROM practices_fts WHERE practices_fts MATCH $? AND rowid = practices.id)"
                        }
                    };
                    w.push(clause, terms.join(" "));
                }
                Backend::Postgres => {
                    // `search_vector`: the stored `to_tsvector('french', …)` (migration 0008).
                    w.push(" AND search_vector @@ plainto_tsquery('french', $?)", q);
                }
            }
        }
        // Comma lists are matched whole: ",alimentation," in ",commerce,alimentation,".
        if let Some(d) = given(&f.domain) {
            w.push(" AND ',' || domains || ',' LIKE $?", format!("%,{d},%"));
        }
        // "circuit court", "#CircuitCourt" and "circuitcourt" name one tag.
        if let Some(t) = given(&f.tag) {
            let key = parse_tag(&t).map(|t| tag_key(&t)).unwrap_or_else(|| tag_key(&t));
            w.push(" AND ',' || tag_keys || ',' LIKE $?", format!("%,{key},%"));
        }
        if let Some(t) = given(&f.territory) {
            w.push(" AND origin_actor = $?", t);
        }
        // One primary-key lookup per row (`practice_dimensions`, migrations 0018 and 0032),
        // never the list of every practice of that dimension.
        if let Some(d) = given(&f.dimension) {
            w.push(
                " AND EXISTS (SELECT 1 FROM practice_dimensions d WHERE d.practice_id = practices.id AND d.dimension = $?)",
                d,
            );
        }
        Some(w)
    }

    /// The ids of the first `need` matches among the newest `window` published practices, and
    /// whether that window held the whole catalogue.
    async fn walk(&self, filters: &Filters, need: i64, window: i64) -> AppResult<(Vec<i64>, bool)> {
        // Where the window ends: read from the catalogue index alone.
        let edge: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT published_at FROM practices WHERE status = 'published' \
             ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET {}",
            window - 1
        ))
        .fetch_optional(self.pool())
        .await?;
        let bound = match edge {
            Some(at) => format!(" AND published_at >= {at}"),
            None => String::new(),
        };
        let sql = format!(
            "SELECT id FROM practices WHERE status = 'published'{bound}{} ORDER BY published_at DESC, id DESC LIMIT {need}",
            filters.sql
        );
        let mut query = sqlx::query_scalar(&sql);
        for a in &filters.args {
            query = query.bind(a);
        }
        let ids: Vec<i64> = query.fetch_all(self.pool()).await?;
        Ok((ids, edge.is_none()))
    }

    /// Practices by id, in the order given (a page the walk found).
    async fn practices_by_ids(&self, ids: &[i64]) -> AppResult<Vec<PracticeRow>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!("SELECT {} FROM practices WHERE id IN ({list})", super::practices::COLUMNS);
        let mut rows: Vec<PracticeRow> = sqlx::query_as(&sql).fetch_all(self.pool()).await?;
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id.0));
        Ok(rows)
    }
}

/// Pages of the SQLite full-text index merged at most per call of
/// [`Store::merge_search_index`] (FTS5's `merge` command: bounded work, a few tens of ms).
const MERGE_PAGES: i64 = 500;

impl Store {
    /// Merges some of the SQLite full-text index's segments (a no-op on PostgreSQL, whose GIN
    /// index has no segments to merge); returns how many rows of the index changed, 0 when it
    /// was already merged.
    ///
    /// Why (issue 14, goal 7): every insert adds a segment that FTS5 only merges by levels, and
    /// the catalogue's walk probes the index once per practice it checks (`MATCH … AND rowid =`),
    /// which seeks the word in every segment. Seeded like a live catalogue (one insert at a time),
    /// 20,000 practices left a probe at 110–130 µs; merged, 12–19 µs. Negative `merge` merges
    /// whatever segments there are, `MERGE_PAGES` pages at a time
    /// (https://www.sqlite.org/fts5.html#the_merge_command).
    pub async fn merge_search_index(&self) -> AppResult<i64> {
        if self.backend() != Backend::Sqlite {
            return Ok(0);
        }
        let mut w = self.writer().await?;
        let before: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *w).await?;
        sqlx::query("INSERT INTO practices_fts (practices_fts, rank) VALUES ('merge', $1)")
            .bind(-MERGE_PAGES)
            .execute(&mut *w)
            .await?;
        let after: i64 = sqlx::query_scalar("SELECT total_changes()").fetch_one(&mut *w).await?;
        // The command's own row counts as one change.
        Ok((after - before - 1).max(0))
    }
}
