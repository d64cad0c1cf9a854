//! Evaluations of shared actions (tables `action_evaluations` and
//! `action_evaluation_indicators`, migration 0024): one per action and organising territory,
//! local or received with the `Event`. Plain rows meant to be aggregated (the observatory sums
//! `value` by `dimension`, `unit`, `cces_indicator`). Writes take the caller's connection.

use sqlx::AnyConnection;

use crate::{
    domain::{
        ids::{ActionId, TerritoryId},
        list::List,
        now_millis,
    },
    error::AppResult,
};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct EvaluationRow {
    #[serde(skip)]
    pub id: i64,
    #[schema(value_type = i64)]
    pub action_id: ActionId,
    /// The organising territory that wrote it (actor id).
    pub organizer: String,
    #[serde(skip)]
    pub territory_id: Option<TerritoryId>,
    pub participants: Option<i64>,
    /// Actor ids of the structures involved.
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub structures: List<String>,
    pub summary: String,
    #[serde(skip)]
    pub author: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The participants' feedback summary received with it (an evaluation from another
    /// instance); ours are counted when served.
    pub feedback_answers: Option<i64>,
    pub feedback_mean: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct IndicatorRow {
    /// `sociale`, `economique`, `territoriale` or `environnementale`.
    pub dimension: String,
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
    pub cces_indicator: Option<String>,
}

/// What an evaluation replaces.
#[derive(Debug, Clone)]
pub struct EvaluationContent {
    pub participants: Option<i64>,
    pub structures: Vec<String>,
    pub summary: String,
    pub indicators: Vec<IndicatorRow>,
    /// (answers, mean rating) as received; None for ours.
    pub feedback: Option<(i64, f64)>,
}

const COLUMNS: &str = "id, action_id, organizer, territory_id, participants, structures, summary, author, created_at, \
     updated_at, feedback_answers, feedback_mean";

/// Writes (or replaces) the evaluation of `organizer` and its indicators.
pub async fn upsert(
    conn: &mut AnyConnection,
    action_id: ActionId,
    organizer: &str,
    territory_id: Option<TerritoryId>,
    c: &EvaluationContent,
    author: &str,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO action_evaluations (action_id, organizer, territory_id, participants, structures, summary, \
         author, created_at, updated_at, feedback_answers, feedback_mean) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) \
         ON CONFLICT (action_id, organizer) DO UPDATE SET participants = $4, structures = $5, summary = $6, \
         author = $7, updated_at = $8, feedback_answers = $9, feedback_mean = $10 RETURNING id",
    )
    .bind(action_id)
    .bind(organizer)
    .bind(territory_id)
    .bind(c.participants)
    .bind(c.structures.join(","))
    .bind(&c.summary)
    .bind(author)
    .bind(now_millis())
    .bind(c.feedback.map(|f| f.0))
    .bind(c.feedback.map(|f| f.1))
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = sqlx::Row::try_get(&row, 0)?;
    sqlx::query("DELETE FROM action_evaluation_indicators WHERE evaluation_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, i) in c.indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO action_evaluation_indicators (evaluation_id, position, dimension, label, value, unit, period, \
             cces_indicator) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&i.dimension)
        .bind(&i.label)
        .bind(i.value)
        .bind(&i.unit)
        .bind(&i.period)
        .bind(i.cces_indicator.clone())
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Removes the evaluations of organisers not in `keep` (a received `Event` is the whole list).
pub async fn retain_organizers(conn: &mut AnyConnection, action_id: ActionId, keep: &[String]) -> AppResult<()> {
    for e in of_action_in(&mut *conn, action_id).await? {
        if !keep.contains(&e.0.organizer) {
            sqlx::query("DELETE FROM action_evaluations WHERE id = $1").bind(e.0.id).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// The evaluations of an action with their indicators, in the order they were written.
pub async fn of_action_in(
    conn: &mut AnyConnection,
    action_id: ActionId,
) -> AppResult<Vec<(EvaluationRow, Vec<IndicatorRow>)>> {
    let rows: Vec<EvaluationRow> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_evaluations WHERE action_id = $1 ORDER BY id"))
            .bind(action_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut out = vec![];
    for r in rows {
        let indicators = sqlx::query_as(
            "SELECT dimension, label, value, unit, period, cces_indicator FROM action_evaluation_indicators \
             WHERE evaluation_id = $1 ORDER BY position",
        )
        .bind(r.id)
        .fetch_all(&mut *conn)
        .await?;
        out.push((r, indicators));
    }
    Ok(out)
}
