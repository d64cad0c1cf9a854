//! Activities we authored (the outbox, and what the delivery queue sends) and the ids of
//! activities we received (so that a repeated delivery takes effect once).

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{local_actor::LocalActor, now_millis},
    error::AppResult,
};

#[derive(Debug, Clone, FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub ap_id: String,
    pub territory_id: Option<TerritoryId>,
    pub kind: String,
    pub object_ap_id: Option<String>,
    pub json: String,
    #[sqlx(try_from = "i64")]
    pub public: super::Flag,
    pub created_at: i64,
}

const COLUMNS: &str = "id, ap_id, territory_id, kind, object_ap_id, json, public, created_at";

impl Store {
    pub async fn activity_by_ap_id(&self, ap_id: &str) -> AppResult<Option<ActivityRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM activities WHERE ap_id = $1"))
            .bind(ap_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Public activities of a territory, newest first.
    pub async fn outbox_page(&self, territory_id: TerritoryId, limit: i64, offset: i64) -> AppResult<Vec<ActivityRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM activities WHERE territory_id = $1 AND public = 1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(territory_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn count_outbox(&self, territory_id: TerritoryId) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE territory_id = $1 AND public = 1")
            .bind(territory_id)
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn count_public_activities(&self) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE public = 1").fetch_one(self.pool()).await?)
    }

    pub async fn was_received(&self, ap_id: &str) -> AppResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM received_activities WHERE ap_id = $1")
            .bind(ap_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }
}

/// A new outgoing activity.
pub struct NewActivity<'a> {
    pub ap_id: &'a str,
    /// Who authors and signs it (and the territory it belongs to).
    pub by: LocalActor,
    pub kind: &'a str,
    pub object_ap_id: Option<&'a str>,
    pub json: &'a serde_json::Value,
    pub public: bool,
}

pub async fn insert_activity(conn: &mut AnyConnection, a: &NewActivity<'_>) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO activities (ap_id, territory_id, kind, object_ap_id, json, public, created_at, signatory_id, signer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.ap_id)
    .bind(a.by.territory_id())
    .bind(a.kind)
    .bind(a.object_ap_id)
    .bind(a.json.to_string())
    .bind(super::flag(a.public))
    .bind(now_millis())
    .bind(a.by.signatory_id())
    .bind(a.by.kind())
    .fetch_one(&mut *conn)
    .await?)
}

/// Claims an incoming activity id. False when it was already processed: the caller then
/// skips its effects. Called inside the transaction that applies them, so a failure leaves
/// the id unclaimed and a redelivery is processed again.
pub async fn claim_received(conn: &mut AnyConnection, ap_id: &str, actor: &str, kind: &str) -> AppResult<bool> {
    let done = sqlx::query(
        "INSERT INTO received_activities (ap_id, actor_ap_id, kind, received_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (ap_id) DO NOTHING",
    )
    .bind(ap_id)
    .bind(actor)
    .bind(kind)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the activities about `object` out of the public outbox (a retracted Note), and
/// cancels their pending deliveries. "About" includes the territory's `Announce` of the
/// author's `Create` (FEP-1b12), whose object is that activity and which embeds the content,
/// and, for a practice, the redistribution of its comments (their `Announce`s, by id or of
/// their `Create`): nothing of a retracted practice's conversation stays listed.
pub async fn retract_public(conn: &mut AnyConnection, object: &str) -> AppResult<()> {
    const ABOUT: &str = "object_ap_id = $1 OR object_ap_id IN (SELECT ap_id FROM activities WHERE object_ap_id = $1) \
        OR object_ap_id IN (SELECT c.ap_id FROM practice_comments c JOIN practices p ON p.id = c.practice_id \
        WHERE p.ap_id = $1)";
    sqlx::query(&format!(
        "UPDATE deliveries SET state = 'failed', last_error = 'retracted' WHERE state = 'pending' AND activity_id IN \
         (SELECT id FROM activities WHERE {ABOUT})"
    ))
    .bind(object)
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!("UPDATE activities SET public = 0, json = '{{}}' WHERE {ABOUT}"))
        .bind(object)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// The object of the public `Create` about `object_id`, if still published.
    pub async fn published_object(&self, object_id: &str) -> AppResult<Option<serde_json::Value>> {
        let json: Option<String> = sqlx::query_scalar(
            "SELECT json FROM activities WHERE object_ap_id = $1 AND kind = 'Create' AND public = 1 ORDER BY id DESC LIMIT 1",
        )
        .bind(object_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(json.and_then(|j| serde_json::from_str::<serde_json::Value>(&j).ok()).and_then(|v| v.get("object").cloned()))
    }

    /// Whether `object_id` was published here once (then withdrawn: 410).
    pub async fn was_published(&self, object_id: &str) -> AppResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE object_ap_id = $1")
            .bind(object_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n > 0)
    }
}
