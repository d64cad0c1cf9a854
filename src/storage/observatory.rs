//! The observatory's rows (migration 0025): each practice's indicators as rows, moderators'
//! mappings of free indicators, the origins whose figures are kept (with the dirty counter the
//! triggers bump) and the figures themselves. What the figures mean: domain/observatory.rs;
//! who computes them: processing/observatory.rs.

use sqlx::FromRow;

use super::Store;
use crate::{
    domain::{
        ids::{PracticeId, TerritoryId},
        now_millis,
        observatory::{ALL_PERIODS, Cell, Figure, Scope, Source, Tally, reference},
        practice_dimensions::Dimensions,
    },
    error::AppResult,
};

/// The remote territories of the network scope, as a subquery of actor ids: those a local
/// territory follows (accepted), and those of the instances our instance actor subscribes to as a
/// whole or learned through a relay (accepted; issue 13, points 4 and 7) — the territories whose
/// activities `storage::follows::is_followed_in` lets in. A macro, so that the SQL stays a
/// literal the map's queries (storage/map.rs) include too.
macro_rules! network_territories {
    () => {
        "SELECT r.ap_id FROM following f JOIN remote_actors r ON r.id = f.actor_id WHERE f.state = 'accepted' \
         UNION SELECT a.ap_id FROM instance_following s JOIN remote_actors i ON i.id = s.actor_id \
         JOIN remote_actors a ON a.host = i.host WHERE s.state = 'accepted' AND s.kind = 'instance' AND a.id <> i.id \
         UNION SELECT a.ap_id FROM subscription_territories l JOIN instance_following s ON s.actor_id = l.via_actor_id \
         JOIN remote_actors a ON a.id = l.actor_id WHERE s.state = 'accepted'"
    };
}
pub(super) use network_territories;

/// Replaces the rows of practice `id`'s indicators from its dimensions (as stored, local
/// or received), in the caller's transaction. A reference id this version does not know is
/// dropped (the indicator stays free); a free indicator a moderator mapped gets its reference.
pub async fn set_practice_indicators(
    conn: &mut sqlx::AnyConnection,
    id: PracticeId,
    dimensions: &Dimensions,
) -> AppResult<()> {
    sqlx::query("DELETE FROM practice_indicators WHERE practice_id = $1").bind(id).execute(&mut *conn).await?;
    for (d_index, d) in dimensions.iter().enumerate() {
        let dimension = d.dimension.code();
        for (i_index, i) in d.indicators.iter().enumerate() {
            let value = i.number();
            let field = |v: &str| v.chars().take(200).collect::<String>();
            let (label, unit, period) = (field(&i.name), field(&i.unit), field(&i.period));
            let mut reference_id = i
                .indicator
                .as_deref()
                .and_then(reference)
                .filter(|r| r.dimension.code() == dimension)
                .map(|r| r.id.to_string());
            if reference_id.is_none() {
                reference_id =
                    sqlx::query_scalar("SELECT reference_id FROM indicator_mappings WHERE label = $1 AND unit = $2")
                        .bind(label.trim().to_lowercase())
                        .bind(unit.trim())
                        .fetch_optional(&mut *conn)
                        .await?;
            }
            sqlx::query(
                "INSERT INTO practice_indicators (practice_id, position, dimension, reference_id, label, value, unit, period) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind((d_index * 1000 + i_index) as i64)
            .bind(dimension)
            .bind(reference_id)
            .bind(label)
            .bind(value)
            .bind(unit)
            .bind(period)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// A free indicator label (lowercased) and unit in use, with how many practices give it: what
/// moderators may map to a reference indicator.
#[derive(Debug, Clone, FromRow)]
pub struct FreeIndicator {
    pub label: String,
    pub unit: String,
    pub dimension: String,
    pub practices: i64,
}

/// A moderator maps a free indicator (label, unit) to a reference one, in the caller's
/// transaction: the mapping is kept for practices stored later and applied to the rows stored
/// so far (their origins' figures are then recomputed: their version is bumped here).
pub async fn map_indicator(
    conn: &mut sqlx::AnyConnection,
    label: &str,
    unit: &str,
    reference_id: &str,
    by: &str,
) -> AppResult<u64> {
    let label = label.trim().to_lowercase();
    sqlx::query(
        "INSERT INTO indicator_mappings (label, unit, reference_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (label, unit) DO UPDATE SET reference_id = excluded.reference_id, created_by = excluded.created_by, \
         created_at = excluded.created_at",
    )
    .bind(&label)
    .bind(unit.trim())
    .bind(reference_id)
    .bind(by)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query(
        "UPDATE practice_indicators SET reference_id = $1 WHERE reference_id IS NULL AND lower(label) = $2 AND unit = $3",
    )
    .bind(reference_id)
    .bind(&label)
    .bind(unit.trim())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE observatory_origins SET version = version + 1 WHERE origin IN (SELECT p.origin_actor FROM practices p \
         JOIN practice_indicators i ON i.practice_id = p.id WHERE i.reference_id = $1)",
    )
    .bind(reference_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

impl Store {
    /// Free indicators in use (most given first): the console's mapping list.
    pub async fn free_indicators(&self, limit: i64) -> AppResult<Vec<FreeIndicator>> {
        Ok(sqlx::query_as(
            "SELECT lower(label) AS label, unit, MIN(dimension) AS dimension, COUNT(DISTINCT practice_id) AS practices \
             FROM practice_indicators WHERE reference_id IS NULL GROUP BY lower(label), unit \
             ORDER BY practices DESC, label LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// Indicator rows of one practice (tests and the practice's page).
    pub async fn practice_indicator_rows(
        &self,
        id: PracticeId,
    ) -> AppResult<Vec<(String, Option<String>, f64, String)>> {
        Ok(sqlx::query_as(
            "SELECT label, reference_id, value, period FROM practice_indicators WHERE practice_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Makes the origin rows of local territories that have none yet (a territory whose only
    /// data are signatories): `(territory, its actor id)`.
    pub async fn ensure_local_origins(&self, territories: &[(TerritoryId, String)]) -> AppResult<()> {
        for (id, origin) in territories {
            sqlx::query(
                "INSERT INTO observatory_origins (origin, territory_id) VALUES ($1, $2) ON CONFLICT (origin) DO NOTHING",
            )
            .bind(origin)
            .bind(id)
            .execute(self.pool())
            .await?;
        }
        Ok(())
    }

    /// Origins whose data changed since their figures were computed, oldest change first.
    pub async fn dirty_origins(&self, limit: i64) -> AppResult<Vec<DirtyOrigin>> {
        Ok(sqlx::query_as(
            // An origin whose own aggregate was received keeps those figures (migration 0035).
            "SELECT origin, territory_id, version FROM observatory_origins WHERE version > computed_version \
             AND aggregate_received_at IS NULL ORDER BY computed_at IS NOT NULL, computed_at LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// The figures of the origins in `scope` (`territory` for [`Scope::Territory`]) that
    /// `which` reader needs; the month-by-month rows carry no sources, so a page reads little.
    pub async fn figures(
        &self,
        scope: Scope,
        territory: Option<TerritoryId>,
        which: FigureRows,
    ) -> AppResult<Vec<FigureRow>> {
        // The origins first, then their rows by primary key: joined, SQLite walked every figure
        // of the instance in key order (to spare the sort), whatever the scope (bench observatory).
        let sql = format!(
            "SELECT f.origin, f.figure, f.key, f.period, f.total, f.n, f.sources FROM observatory_figures f \
             WHERE f.origin IN (SELECT o.origin FROM observatory_origins o WHERE {}){} \
             ORDER BY f.origin, f.figure, f.key, f.period",
            scope_clause(scope),
            which.clause()
        );
        Ok(sqlx::query_as(&sql).bind(territory.unwrap_or_default()).fetch_all(self.pool()).await?)
    }

    /// The origins in `scope`, with their names and dates.
    pub async fn origins(&self, scope: Scope, territory: Option<TerritoryId>) -> AppResult<Vec<OriginRow>> {
        let sql = format!(
            "SELECT o.origin, o.territory_id, COALESCE(t.name, r.name, r.preferred_username, o.origin) AS name, \
             t.slug, o.computed_at, o.received_at FROM observatory_origins o \
             LEFT JOIN territories t ON t.id = o.territory_id LEFT JOIN remote_actors r ON r.ap_id = o.origin \
             WHERE {} ORDER BY o.territory_id IS NULL, name",
            scope_clause(scope)
        );
        Ok(sqlx::query_as(&sql).bind(territory.unwrap_or_default()).fetch_all(self.pool()).await?)
    }

    /// Whether `origin` is a remote territory of the network scope ([`network_territories`]).
    pub async fn is_followed_origin(&self, origin: &str) -> AppResult<bool> {
        let n: i64 =
            sqlx::query_scalar(concat!("SELECT COUNT(*) FROM (", network_territories!(), ") n WHERE n.ap_id = $1"))
                .bind(origin)
                .fetch_one(self.pool())
                .await?;
        Ok(n > 0)
    }
}

/// Which of a scope's figure rows a reader needs: a network's month-by-month rows of every
/// category are most of its rows, and only the exports list them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureRows {
    /// Every row (CSV and JSON exports).
    All,
    /// The observatory page: every figure over all periods, the months of the counts its
    /// evolution chart draws, and the reference indicators per period.
    Page,
    /// One figure over all periods (the GeoJSON export: signatories per commune).
    Totals(Figure),
}

impl FigureRows {
    /// The condition added to the query (figure codes are a closed set of constants).
    fn clause(self) -> String {
        match self {
            FigureRows::All => String::new(),
            FigureRows::Page => format!(
                " AND (f.period = '{ALL_PERIODS}' OR f.figure IN ('{}', '{}', '{}', '{}'))",
                Figure::PracticesPublished.as_str(),
                Figure::SignatoriesKind.as_str(),
                Figure::ActionsHeld.as_str(),
                Figure::Indicator.as_str()
            ),
            FigureRows::Totals(figure) => {
                format!(" AND f.figure = '{}' AND f.period = '{ALL_PERIODS}'", figure.as_str())
            }
        }
    }
}

/// Which origins a scope covers; `$1` is the territory (0 when the scope has none).
fn scope_clause(scope: Scope) -> &'static str {
    match scope {
        Scope::Territory => "o.territory_id = $1",
        Scope::Instance => "o.territory_id IS NOT NULL AND $1 = $1",
        // Local territories and the remote territories in the network ([`network_territories`]):
        // the data of a territory no longer followed stays stored but leaves the network's figures.
        Scope::Network => {
            concat!("(o.territory_id IS NOT NULL OR o.origin IN (", network_territories!(), ")) AND $1 = $1")
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct DirtyOrigin {
    pub origin: String,
    pub territory_id: Option<TerritoryId>,
    pub version: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct FigureRow {
    pub origin: String,
    #[sqlx(try_from = "String")]
    pub figure: Figure,
    pub key: String,
    pub period: String,
    pub total: f64,
    pub n: i64,
    /// JSON `[{id, title}]`.
    pub sources: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct OriginRow {
    pub origin: String,
    pub territory_id: Option<TerritoryId>,
    pub name: String,
    pub slug: Option<String>,
    pub computed_at: Option<i64>,
    pub received_at: Option<i64>,
}

/// An approved signatory as the observatory counts it (no name, no contact: counts only).
#[derive(Debug, Clone, FromRow)]
pub struct SignatoryFact {
    pub kind: String,
    pub roles: String,
    pub legal_form: String,
    pub domains: String,
    pub commune: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct PracticeFact {
    pub id: PracticeId,
    pub ap_id: String,
    pub title: String,
    pub domains: String,
    pub published_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct IndicatorFact {
    pub practice_id: PracticeId,
    pub reference_id: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ActionFact {
    pub ap_id: String,
    pub title: String,
    pub starts_at: i64,
    pub territory_id: Option<TerritoryId>,
    pub remote_participants: i64,
    pub participants: i64,
}

/// What one origin's figures are computed from, read in the refresher's transaction.
#[derive(Debug, Default)]
pub struct OriginFacts {
    pub signatories: Vec<SignatoryFact>,
    pub practices: Vec<PracticeFact>,
    /// `(practice, dimension)`.
    pub dimensions: Vec<(PracticeId, String)>,
    pub indicators: Vec<IndicatorFact>,
    pub actions: Vec<ActionFact>,
    /// Reference indicators of the origin's evaluations of shared actions.
    pub evaluations: Vec<EvaluationFact>,
    pub received_at: Option<i64>,
}

/// A reference indicator of an evaluation an origin wrote of a shared action (the action is
/// the figure's source).
#[derive(Debug, Clone, FromRow)]
pub struct EvaluationFact {
    pub ap_id: String,
    pub title: String,
    pub reference_id: String,
    pub value: f64,
    pub unit: String,
    pub period: String,
}

/// Reads what `origin`'s figures are computed from (published practices and actions; approved
/// signatories of a local territory).
pub async fn origin_facts(
    conn: &mut sqlx::AnyConnection,
    origin: &str,
    territory: Option<TerritoryId>,
) -> AppResult<OriginFacts> {
    let signatories = match territory {
        Some(t) => {
            sqlx::query_as(
                "SELECT kind, roles, legal_form, domains, commune, created_at FROM signatories \
                 WHERE territory_id = $1 AND status = 'approved'",
            )
            .bind(t)
            .fetch_all(&mut *conn)
            .await?
        }
        None => vec![],
    };
    let practices = sqlx::query_as(
        "SELECT id, ap_id, title, domains, published_at, created_at FROM practices \
         WHERE origin_actor = $1 AND status = 'published' ORDER BY id",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?;
    let dimensions = sqlx::query_as(
        "SELECT d.practice_id, d.dimension FROM practice_dimensions d JOIN practices p ON p.id = d.practice_id \
         WHERE p.origin_actor = $1 AND p.status = 'published'",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?;
    let indicators = sqlx::query_as(
        "SELECT i.practice_id, i.reference_id, i.value, i.unit, i.period FROM practice_indicators i \
         JOIN practices p ON p.id = i.practice_id \
         WHERE p.origin_actor = $1 AND p.status = 'published' AND i.reference_id IS NOT NULL ORDER BY i.practice_id",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?;
    let actions = sqlx::query_as(
        "SELECT a.ap_id, a.title, a.starts_at, a.territory_id, a.remote_participants, \
         (SELECT COUNT(*) FROM action_participants p WHERE p.action_id = a.id AND p.state = 'accepted') AS participants \
         FROM actions a WHERE a.origin_actor = $1 AND a.publication = 'published' AND a.status <> 'cancelled' ORDER BY a.id",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?;
    // Evaluations count for the territory that wrote them (`organizer`), whichever territory
    // the action comes from: each organiser evaluates its own part.
    let evaluations = sqlx::query_as(
        "SELECT a.ap_id, a.title, i.cces_indicator AS reference_id, i.value, i.unit, i.period \
         FROM action_evaluation_indicators i JOIN action_evaluations e ON e.id = i.evaluation_id \
         JOIN actions a ON a.id = e.action_id WHERE e.organizer = $1 AND i.cces_indicator IS NOT NULL \
         AND a.publication = 'published' AND a.status <> 'cancelled' ORDER BY e.id, i.position",
    )
    .bind(origin)
    .fetch_all(&mut *conn)
    .await?;
    let received_at: Option<i64> = if territory.is_none() {
        sqlx::query_scalar(
            "SELECT MAX(at) FROM (SELECT MAX(updated_at) AS at FROM practices WHERE origin_actor = $1 \
             UNION ALL SELECT MAX(updated_at) AS at FROM actions WHERE origin_actor = $1) x",
        )
        .bind(origin)
        .fetch_one(&mut *conn)
        .await?
    } else {
        None
    };
    Ok(OriginFacts { signatories, practices, dimensions, indicators, actions, evaluations, received_at })
}

/// Replaces `origin`'s figures by `tally` and records the `version` they were computed from,
/// in the caller's transaction.
pub async fn write_figures(
    conn: &mut sqlx::AnyConnection,
    origin: &str,
    version: i64,
    tally: &Tally,
    received_at: Option<i64>,
) -> AppResult<()> {
    sqlx::query("DELETE FROM observatory_figures WHERE origin = $1").bind(origin).execute(&mut *conn).await?;
    for ((figure, key, period), Cell { total, n, sources }) in &tally.cells {
        sqlx::query(
            "INSERT INTO observatory_figures (origin, figure, key, period, total, n, sources) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(origin)
        .bind(figure.as_str())
        .bind(key)
        .bind(period)
        .bind(*total)
        .bind(*n)
        .bind(serde_json::to_string(sources)?)
        .execute(&mut *conn)
        .await?;
    }
    // `received_at` is bound as text-free i64 or NULL: an `Option<i64>` binds as BIGINT on both.
    sqlx::query(
        "UPDATE observatory_origins SET computed_version = $1, computed_at = $2, received_at = $3 WHERE origin = $4",
    )
    .bind(version)
    .bind(now_millis())
    .bind(received_at)
    .bind(origin)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sources of a figure row, as stored (an unreadable list is empty).
pub fn sources(json: &str) -> Vec<Source> {
    serde_json::from_str(json).unwrap_or_default()
}
