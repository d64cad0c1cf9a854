//! The agenda: published actions (local and received) in a time window, filtered by domain,
//! dimension, join mode and commune, a page at a time (issue 12, point 4).

use super::{Store, actions::ActionRow, actions::COLUMNS};
use crate::{domain::ids::TerritoryId, error::AppResult};

/// Which actions an agenda page shows. Strings are codes as the forms send them; empty means
/// no filter.
#[derive(Debug, Default, Clone)]
pub struct AgendaQuery {
    /// One local territory's actions (its own, and those it co-organises).
    pub territory: Option<(TerritoryId, String)>,
    pub domain: String,
    pub dimension: String,
    pub join_mode: String,
    pub commune: String,
    /// Only actions not ended at this time (ms)…
    pub ending_after: Option<i64>,
    /// …or only actions ended before it.
    pub ended_before: Option<i64>,
    /// Only actions starting before this time (ms): the end of a month shown.
    pub starting_before: Option<i64>,
    /// Latest first (the past).
    pub newest_first: bool,
}

impl Store {
    /// A page of the agenda: at most `limit` actions after skipping `offset`.
    pub async fn agenda(&self, q: &AgendaQuery, limit: i64, offset: i64) -> AppResult<Vec<ActionRow>> {
        // Actions of limited domains stay out of the agenda (their page still answers).
        let mut sql = format!(
            "SELECT {COLUMNS} FROM actions WHERE publication = 'published' AND {}",
            super::hosts::not_limited("origin_actor")
        );
        let mut texts: Vec<String> = vec![];
        let mut numbers: Vec<i64> = vec![];
        // Placeholders are numbered in order: texts first, then numbers (bound in that order).
        let mut text = |sql: &mut String, clause: &str, value: String| {
            texts.push(value);
            sql.push_str(&clause.replace("$?", &format!("$T{}", texts.len())));
        };
        let given = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(String::from);
        if let Some((id, actor)) = &q.territory {
            numbers.push(id.0);
            let clause = format!(
                " AND (territory_id = $N{n} OR id IN (SELECT action_id FROM action_organizers \
                 WHERE territory_id = $N{n} AND state = 'accepted') OR origin_actor = $?)",
                n = numbers.len()
            );
            text(&mut sql, &clause, actor.clone());
        }
        // Comma lists are matched whole: ",alimentation," in ",commerce,alimentation,".
        if let Some(d) = given(&q.domain) {
            text(&mut sql, " AND ',' || domains || ',' LIKE $?", format!("%,{d},%"));
        }
        if let Some(d) = given(&q.dimension) {
            text(&mut sql, " AND ',' || dimensions || ',' LIKE $?", format!("%,{d},%"));
        }
        if let Some(m) = given(&q.join_mode) {
            text(&mut sql, " AND join_mode = $?", m);
        }
        if let Some(c) = given(&q.commune) {
            text(&mut sql, " AND LOWER(commune) = LOWER($?)", c);
        }
        for (value, clause) in [
            (q.ending_after, " AND ends_at >= $N"),
            (q.ended_before, " AND ends_at < $N"),
            (q.starting_before, " AND starts_at < $N"),
        ] {
            if let Some(v) = value {
                numbers.push(v);
                sql.push_str(&format!("{clause}{}", numbers.len()));
            }
        }
        let order = if q.newest_first { "starts_at DESC, id DESC" } else { "starts_at, id" };
        sql.push_str(&format!(" ORDER BY {order} LIMIT {} OFFSET {}", limit.clamp(1, 1000), offset.max(0)));
        // Texts take $1.., numbers follow.
        let t = texts.len();
        for i in (1..=numbers.len()).rev() {
            sql = sql.replace(&format!("$N{i}"), &format!("${}", t + i));
        }
        for i in (1..=t).rev() {
            sql = sql.replace(&format!("$T{i}"), &format!("${i}"));
        }
        let mut query = sqlx::query_as(&sql);
        for v in &texts {
            query = query.bind(v.as_str());
        }
        for v in &numbers {
            query = query.bind(*v);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// The communes of published actions, for the agenda's filter.
    pub async fn agenda_communes(&self) -> AppResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT commune FROM actions WHERE publication = 'published' AND commune <> '' ORDER BY commune",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
