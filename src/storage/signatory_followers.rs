//! Remote actors following a listed signatory's actor (`/s/<id>`): accepted, or waiting for a
//! moderator when their domain is limited (migration 0036, issue 15 point 5). Only accepted
//! follows count and are delivered to.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::{
    domain::{
        ids::{SignatoryId, TerritoryId},
        now_millis,
        territory::FollowState,
    },
    error::AppResult,
};

/// A follow of a signatory's actor, with the signatory's public name and the follower's
/// public fields (the console's list of those waiting).
#[derive(Debug, Clone, FromRow)]
pub struct SignatoryFollowRow {
    pub signatory_id: SignatoryId,
    pub territory_id: TerritoryId,
    pub signatory_name: String,
    pub actor_id: i64,
    pub follow_ap_id: String,
    #[sqlx(try_from = "String")]
    pub state: FollowState,
    pub created_at: i64,
    pub actor_ap_id: String,
    pub preferred_username: Option<String>,
    pub host: String,
}

impl SignatoryFollowRow {
    /// `@name@host` when the actor has a username, its id otherwise.
    pub fn handle(&self) -> String {
        match &self.preferred_username {
            Some(u) => format!("@{u}@{}", self.host),
            None => self.actor_ap_id.clone(),
        }
    }
}

const COLUMNS: &str = "f.signatory_id, s.territory_id, s.name AS signatory_name, f.actor_id, f.follow_ap_id, f.state, \
                       f.created_at, a.ap_id AS actor_ap_id, a.preferred_username, a.host";
const FROM: &str = "signatory_followers f JOIN signatories s ON s.id = f.signatory_id \
                    JOIN remote_actors a ON a.id = f.actor_id";

impl Store {
    /// Where a signatory's activities go: its accepted followers' (shared) inboxes.
    pub async fn signatory_follower_inboxes(&self, id: SignatoryId) -> AppResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT COALESCE(a.shared_inbox, a.inbox) FROM signatory_followers f \
             JOIN remote_actors a ON a.id = f.actor_id WHERE f.signatory_id = $1 AND f.state = 'accepted'",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn count_signatory_followers(&self, id: SignatoryId) -> AppResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM signatory_followers WHERE signatory_id = $1 AND state = 'accepted'",
        )
        .bind(id)
        .fetch_one(self.pool())
        .await?)
    }

    /// The follows of a territory's signatories in `state`, oldest first.
    pub async fn signatory_follows(
        &self,
        territory_id: TerritoryId,
        state: FollowState,
    ) -> AppResult<Vec<SignatoryFollowRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE s.territory_id = $1 AND f.state = $2 ORDER BY f.created_at, f.actor_id"
        ))
        .bind(territory_id)
        .bind(state.as_str())
        .fetch_all(self.pool())
        .await?)
    }
}

/// The follow received as `follow_ap_id`, read in the deciding change.
pub async fn signatory_follow_in(
    conn: &mut AnyConnection,
    follow_ap_id: &str,
) -> AppResult<Option<SignatoryFollowRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE f.follow_ap_id = $1"))
        .bind(follow_ap_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The state of `actor_id`'s follow of the signatory, if it follows.
pub async fn signatory_follow_state_in(
    conn: &mut AnyConnection,
    signatory_id: SignatoryId,
    actor_id: i64,
) -> AppResult<Option<FollowState>> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM signatory_followers WHERE signatory_id = $1 AND actor_id = $2")
            .bind(signatory_id)
            .bind(actor_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(state.as_deref().and_then(FollowState::parse))
}

/// Records a follow (a new one, or the same actor's again under another id) in `state`.
pub async fn add_signatory_follower(
    conn: &mut AnyConnection,
    signatory_id: SignatoryId,
    actor_id: i64,
    follow_ap_id: &str,
    state: FollowState,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO signatory_followers (signatory_id, actor_id, follow_ap_id, created_at, state) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (signatory_id, actor_id) DO UPDATE SET follow_ap_id = excluded.follow_ap_id, state = excluded.state",
    )
    .bind(signatory_id)
    .bind(actor_id)
    .bind(follow_ap_id)
    .bind(now_millis())
    .bind(state.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A waiting follow approved.
pub async fn accept_signatory_follower(
    conn: &mut AnyConnection,
    signatory_id: SignatoryId,
    actor_id: i64,
) -> AppResult<bool> {
    let done =
        sqlx::query("UPDATE signatory_followers SET state = 'accepted' WHERE signatory_id = $1 AND actor_id = $2")
            .bind(signatory_id)
            .bind(actor_id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn remove_signatory_follower(
    conn: &mut AnyConnection,
    signatory_id: SignatoryId,
    actor_id: i64,
) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM signatory_followers WHERE signatory_id = $1 AND actor_id = $2")
        .bind(signatory_id)
        .bind(actor_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
