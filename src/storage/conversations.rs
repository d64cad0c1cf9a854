//! Around a practice: reactions (likes and boosts) and adoptions by other territories (its
//! comments are in `comments.rs`, with those on announcements and actions). Writes take a
//! connection so that a change and the activities it causes share one transaction.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{ids::PracticeId, now_millis, practice::Reaction},
    error::AppResult,
};

#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AdoptionRow {
    pub id: i64,
    #[schema(value_type = i64)]
    pub practice_id: PracticeId,
    pub adopter_actor: String,
    pub adopter_name: String,
    pub adopter_url: String,
    pub note: String,
    #[serde(skip)]
    pub activity_ap_id: String,
    #[schema(value_type = Option<i64>)]
    pub local_territory_id: Option<TerritoryId>,
    pub created_at: i64,
}

const ADOPTION_COLUMNS: &str =
    "id, practice_id, adopter_actor, adopter_name, adopter_url, note, activity_ap_id, local_territory_id, created_at";

pub struct NewAdoption<'a> {
    pub practice_id: PracticeId,
    pub adopter_actor: &'a str,
    pub adopter_name: &'a str,
    pub adopter_url: &'a str,
    pub note: &'a str,
    pub activity_ap_id: &'a str,
    pub local_territory_id: Option<TerritoryId>,
}

/// Likes and boosts of a practice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reactions {
    pub likes: i64,
    pub shares: i64,
}

impl Store {
    pub async fn reactions(&self, practice_id: PracticeId) -> AppResult<Reactions> {
        reactions_in(self.pool(), practice_id).await
    }

    /// Territories that adopted a practice, first adopters first.
    pub async fn adoptions(&self, practice_id: PracticeId) -> AppResult<Vec<AdoptionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ADOPTION_COLUMNS} FROM practice_adoptions WHERE practice_id = $1 ORDER BY created_at, id"
        ))
        .bind(practice_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// (practice id, number of adoptions) for the practices given that have any.
    pub async fn adoption_counts(&self, practice_ids: &[PracticeId]) -> AppResult<Vec<(PracticeId, i64)>> {
        if practice_ids.is_empty() {
            return Ok(vec![]);
        }
        // Ids are integers from our own rows: listed inline, no injection possible.
        let list = practice_ids.iter().map(PracticeId::to_string).collect::<Vec<_>>().join(",");
        Ok(sqlx::query_as(&format!(
            "SELECT practice_id, COUNT(*) FROM practice_adoptions WHERE practice_id IN ({list}) GROUP BY practice_id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// This instance's territory's adoption of a practice, if any.
    pub async fn local_adoption(
        &self,
        practice_id: PracticeId,
        territory_id: TerritoryId,
    ) -> AppResult<Option<AdoptionRow>> {
        local_adoption_in(self.pool(), practice_id, territory_id).await
    }
}

/// [`Store::reactions`], read through the pool or inside a change's transaction.
pub async fn reactions_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    practice_id: PracticeId,
) -> AppResult<Reactions> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) FROM practice_reactions WHERE practice_id = $1 GROUP BY kind ORDER BY kind",
    )
    .bind(practice_id)
    .fetch_all(conn)
    .await?;
    let get = |k: Reaction| rows.iter().find(|(kind, _)| kind == k.as_str()).map(|(_, n)| *n).unwrap_or(0);
    Ok(Reactions { likes: get(Reaction::Like), shares: get(Reaction::Share) })
}

/// Records (or renews, with a new note) an adoption.
pub async fn upsert_adoption(conn: &mut AnyConnection, a: &NewAdoption<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO practice_adoptions (practice_id, adopter_actor, adopter_name, adopter_url, note, activity_ap_id, \
         local_territory_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (practice_id, adopter_actor) DO UPDATE SET note = excluded.note, \
         activity_ap_id = excluded.activity_ap_id, adopter_name = excluded.adopter_name, adopter_url = excluded.adopter_url",
    )
    .bind(a.practice_id)
    .bind(a.adopter_actor)
    .bind(a.adopter_name)
    .bind(a.adopter_url)
    .bind(a.note)
    .bind(a.activity_ap_id)
    .bind(a.local_territory_id)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Withdraws an adoption by its `Announce` (an `Undo` from the adopter).
pub async fn remove_adoption_by_activity(conn: &mut AnyConnection, activity: &str, actor: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM practice_adoptions WHERE activity_ap_id = $1 AND adopter_actor = $2")
        .bind(activity)
        .bind(actor)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn remove_adoption(conn: &mut AnyConnection, id: i64) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM practice_adoptions WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// [`Store::local_adoption`], read through the pool or inside a change's transaction.
pub async fn local_adoption_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    practice_id: PracticeId,
    territory_id: TerritoryId,
) -> AppResult<Option<AdoptionRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ADOPTION_COLUMNS} FROM practice_adoptions WHERE practice_id = $1 AND local_territory_id = $2"
    ))
    .bind(practice_id)
    .bind(territory_id)
    .fetch_optional(conn)
    .await?)
}
