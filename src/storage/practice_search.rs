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

/// At most this many id ranges of the full-text index are read for one window (SQLite): the
/// window's ids are covered by ranges split at their largest gaps.
const MAX_RANGES: usize = 8;
/// A window whose ids spread over less than this many times its size is read as one range.
const SPREAD: i64 = 4;
/// Fewer matches than this (SQLite, words not found by the walk): the page is read from the
/// matches rather than by walking the catalogue (about 0.3 ms to count them up to there).
const FEW_MATCHES: i64 = 5000;
/// A gap between two of the window's ids smaller than this is read through rather than split
/// (a range costs a seek in each segment of the index; a few ids cost less).
const SPLIT_GAP: i64 = 64;

/// How the words are matched: against the full-text index's list of every match, or within a
/// window (on SQLite the index read over the window's id ranges, `{ranges}` in the statement;
/// PostgreSQL checks the stored vector of each row walked).
#[derive(Clone, Copy, PartialEq)]
enum Words {
    AllMatches,
    Window,
}

/// A statement's `WHERE` filters and their arguments (all text).
struct Filters {
    sql: String,
    args: Vec<String>,
    /// SQLite: the number of the words' argument (in a window's statement its clause holds
    /// `{ranges}`, the id ranges `walk` writes).
    fts_arg: Option<usize>,
}

impl Filters {
    fn push(&mut self, clause: &str, value: String) {
        self.args.push(value);
        self.sql.push_str(&clause.replace("$?", &format!("${}", self.args.len())));
    }
}

type AnyArgs<'q> = sqlx::any::AnyArguments<'q>;

/// `query` with the filters' arguments bound in order.
fn bind<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, AnyArgs<'q>>,
    args: &'q [String],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, AnyArgs<'q>> {
    for a in args {
        query = query.bind(a);
    }
    query
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
            let Some(words) = self.filters(f, Words::Window) else { return Ok(vec![]) };
            let need = offset.saturating_add(limit);
            let mut window = need.saturating_mul(FIRST_WINDOW);
            loop {
                let Some((sql, exhaustive)) = self.walk(&words, need, window).await? else { return Ok(vec![]) };
                // The first page is read whole by the walk itself; a later one by its ids (the
                // rows before it are only counted).
                let found = if offset == 0 {
                    let rows: Vec<PracticeRow> =
                        bind(sqlx::query_as(&sql.replace("{columns}", super::practices::COLUMNS)), &words.args)
                            .fetch_all(self.pool())
                            .await?;
                    if rows.len() as i64 >= need || exhaustive {
                        return Ok(rows);
                    }
                    rows.len() as i64
                } else {
                    let ids: Vec<(i64,)> = bind(sqlx::query_as(&sql.replace("{columns}", "id")), &words.args)
                        .fetch_all(self.pool())
                        .await?;
                    let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
                    if ids.len() as i64 >= need || exhaustive {
                        return self.practices_by_ids(&ids[(offset as usize).min(ids.len())..]).await;
                    }
                    ids.len() as i64
                };
                // Size the next window from the density met, with a margin (twice the rows the
                // page needs), at most the largest window; give up when the largest was walked or
                // nothing matched (a rare word). Not on an estimate alone: at 1 match in 40 (words,
                // a domain and a dimension) the first window meets 5 on average and 3 or fewer one
                // time in four, and giving up then cost every match sorted (125 ms at 200,000
                // practices on PostgreSQL, against 3 ms for the largest window).
                let largest = need.saturating_mul(LARGEST_WINDOW);
                if window >= largest || found == 0 {
                    break;
                }
                window = (window.saturating_mul(2 * need) / found).max(window * 2).min(largest);
            }
        }
        let Some(filters) = self.filters(f, Words::AllMatches) else { return Ok(vec![]) };
        let status = if self.few_word_matches(&filters).await? {
            // Drive from the index's matches: without table statistics SQLite would rather walk
            // the whole catalogue in order for a word that is in none of it (14 ms at 200,000
            // practices, 25 µs from the matches). `+status` keeps the catalogue index out.
            "+status"
        } else {
            "status"
        };
        let sql = format!(
            "SELECT {} FROM practices WHERE {status} = 'published'{} ORDER BY published_at DESC, id DESC LIMIT {limit} OFFSET {offset}",
            super::practices::COLUMNS,
            filters.sql
        );
        Ok(bind(sqlx::query_as(&sql), &filters.args).fetch_all(self.pool()).await?)
    }

    /// Whether the words of `filters` (SQLite) have fewer than [`FEW_MATCHES`] matches, read
    /// from the full-text index up to that many.
    async fn few_word_matches(&self, filters: &Filters) -> AppResult<bool> {
        let Some(arg) = filters.fts_arg else { return Ok(false) };
        let terms = filters.args.get(arg - 1).cloned().unwrap_or_default();
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT rowid FROM practices_fts WHERE practices_fts MATCH $1 LIMIT {FEW_MATCHES})"
        ))
        .bind(terms)
        .fetch_one(self.pool())
        .await?;
        Ok(n < FEW_MATCHES)
    }

    /// The filters of `f` as SQL; `None` when the words hold no searchable term.
    fn filters(&self, f: &PracticeFilter, words: Words) -> Option<Filters> {
        // Practices of limited domains stay out of public lists (their page still answers).
        let mut w =
            Filters { sql: format!(" AND {}", super::hosts::not_limited("origin_actor")), args: vec![], fts_arg: None };
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
                    match words {
                        Words::AllMatches => {
                            w.push(
                                " AND id IN (SELECT rowid FROM practices_fts WHERE practices_fts MATCH $?)",
                                terms.join(" "),
                            );
                            w.fts_arg = Some(w.args.len());
                        }
                        // The index read over the window's ids only: `walk` writes the ranges.
                        Words::Window => {
                            w.push(" AND id IN ({ranges})", terms.join(" "));
                            w.fts_arg = Some(w.args.len());
                        }
                    }
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

    /// The statement selecting `{columns}` of the first `need` matches among the newest `window`
    /// published practices, and whether that window held the whole catalogue; `None` when no
    /// practice is published.
    async fn walk(&self, filters: &Filters, need: i64, window: i64) -> AppResult<Option<(String, bool)>> {
        let newest = "FROM practices WHERE status = 'published' ORDER BY published_at DESC, id DESC";
        // Where the window ends (its last row), read from the catalogue index alone and, on
        // SQLite, the ids the full-text index is read for: one range when the window's ids are
        // about one run (spread under SPREAD × its size), else its ids split at their gaps.
        let (edge, ranges) = if filters.fts_arg.is_some() {
            let (lo, hi, count, edge_at, edge_id): (Option<i64>, Option<i64>, i64, Option<i64>, Option<i64>) =
                sqlx::query_as(&format!(
                    "SELECT MIN(id), MAX(id), COUNT(*), \
                     (SELECT published_at {newest} LIMIT 1 OFFSET {last}), (SELECT id {newest} LIMIT 1 OFFSET {last}) \
                     FROM (SELECT id {newest} LIMIT {window})",
                    last = window - 1
                ))
                .fetch_one(self.pool())
                .await?;
            let (Some(lo), Some(hi)) = (lo, hi) else { return Ok(None) };
            let ranges = if hi - lo < SPREAD * count {
                vec![(lo, hi)]
            } else {
                id_ranges(
                    sqlx::query_scalar(&format!("SELECT id {newest} LIMIT {window}")).fetch_all(self.pool()).await?,
                )
            };
            (edge_at.zip(edge_id), ranges)
        } else {
            let edge = sqlx::query_as(&format!("SELECT published_at, id {newest} LIMIT 1 OFFSET {}", window - 1))
                .fetch_optional(self.pool())
                .await?;
            (edge, vec![])
        };
        // Exactly the window: rows tied with its last one on the date count down to its id.
        let bound = match edge {
            Some((at, id)) => format!(" AND published_at >= {at} AND (published_at > {at} OR id >= {id})"),
            None => String::new(),
        };
        let mut where_sql = filters.sql.clone();
        if let Some(arg) = filters.fts_arg {
            let read = ranges
                .iter()
                .map(|(lo, hi)| {
                    format!("SELECT rowid FROM practices_fts WHERE practices_fts MATCH ${arg} AND rowid BETWEEN {lo} AND {hi}")
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            where_sql = where_sql.replace("{ranges}", &read);
        }
        let sql = format!(
            "SELECT {{columns}} FROM practices WHERE status = 'published'{bound}{where_sql} ORDER BY published_at DESC, id DESC LIMIT {need}"
        );
        Ok(Some((sql, edge.is_none())))
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

/// Id ranges covering `ids` (in any order), split at the largest gaps: at most [`MAX_RANGES`],
/// gaps under [`SPLIT_GAP`] read through.
///
/// Why ranges (SQLite, issue 14 goal 7): FTS5 answers `MATCH … AND rowid BETWEEN a AND b` by
/// seeking to `a` in each segment and reading the word's entries up to `b`
/// (https://www.sqlite.org/fts5.html, rowid constraints), so a window of the newest practices
/// costs about its own size however large the catalogue; probing the index once per row (the
/// earlier walk) sought the word from the root for each one. Practices are numbered about in
/// publication order, so a window's ids are mostly one run; one old draft published today is
/// one more range, not the whole index.
fn id_ranges(mut ids: Vec<i64>) -> Vec<(i64, i64)> {
    ids.sort_unstable();
    ids.dedup();
    let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else { return vec![] };
    // The largest gaps (index of the id after the gap), split where worth it.
    let mut gaps: Vec<(i64, usize)> =
        ids.windows(2).enumerate().map(|(i, w)| (w[1] - w[0], i + 1)).filter(|g| g.0 >= SPLIT_GAP).collect();
    gaps.sort_unstable_by(|a, b| b.cmp(a));
    let mut cuts: Vec<usize> = gaps.into_iter().take(MAX_RANGES - 1).map(|g| g.1).collect();
    cuts.sort_unstable();
    let mut ranges = Vec::with_capacity(cuts.len() + 1);
    let mut lo = first;
    for cut in cuts {
        ranges.push((lo, ids[cut - 1]));
        lo = ids[cut];
    }
    ranges.push((lo, last));
    ranges
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ranges_cover_every_id_and_split_at_the_largest_gaps() {
        assert!(id_ranges(vec![]).is_empty());
        assert_eq!(id_ranges(vec![5]), vec![(5, 5)]);
        // One run with small gaps: one range.
        assert_eq!(id_ranges(vec![10, 3, 7, 60]), vec![(3, 60)]);
        // An old practice published today: its own range, not everything between.
        assert_eq!(id_ranges((1000..1200).chain([4]).collect()), vec![(4, 4), (1000, 1199)]);
        // More gaps than ranges: the largest are split, every id is still covered.
        let ids: Vec<i64> = (0..20).map(|n| n * 1000 + n * n).collect();
        let ranges = id_ranges(ids.clone());
        assert_eq!(ranges.len(), MAX_RANGES);
        assert!(ids.iter().all(|id| ranges.iter().any(|(lo, hi)| lo <= id && id <= hi)));
        assert!(ranges.windows(2).all(|w| w[0].1 < w[1].0), "ordered and disjoint: {ranges:?}");
    }
}
