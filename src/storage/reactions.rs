//! Reactions received on what this instance publishes: likes and boosts of a practice
//! (`practice_reactions`, one per actor and kind) and likes of an announcement
//! (`announcement_likes`, one per actor) and of a shared action (`action_likes`, one per actor).
//! All are withdrawn by the `Undo` of the activity that
//! made them, so both keep its id. Writes take a connection: they belong to the change that
//! claims the activity.

use sqlx::AnyConnection;

use super::Store;
use crate::{
    domain::{
        ids::{ActionId, PracticeId},
        now_millis,
        practice::Reaction,
    },
    error::AppResult,
};

/// What is reacted to, and how.
#[derive(Debug, Clone, Copy)]
pub enum Reacted {
    Practice(PracticeId, Reaction),
    /// An announcement (its row id): only liked.
    Announcement(i64),
    /// A shared action's `Event`: only liked.
    Action(ActionId),
}

/// Records a reaction by `actor` made with `activity`; false when this actor had already
/// reacted so.
pub async fn add(conn: &mut AnyConnection, on: Reacted, actor: &str, activity: &str) -> AppResult<bool> {
    let query = match on {
        Reacted::Practice(id, kind) => sqlx::query(
            "INSERT INTO practice_reactions (practice_id, kind, actor, activity_ap_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (practice_id, kind, actor) DO NOTHING",
        )
        .bind(id)
        .bind(kind.as_str()),
        Reacted::Announcement(id) => sqlx::query(
            "INSERT INTO announcement_likes (announcement_id, actor, activity_ap_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (announcement_id, actor) DO NOTHING",
        )
        .bind(id),
        Reacted::Action(id) => sqlx::query(
            "INSERT INTO action_likes (action_id, actor, activity_ap_id, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (action_id, actor) DO NOTHING",
        )
        .bind(id),
    };
    let done = query.bind(actor).bind(activity).bind(now_millis()).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Withdraws the reaction `actor` made with `activity` (its `Undo`), on a practice or an
/// announcement; false when it named none.
pub async fn remove(conn: &mut AnyConnection, activity: &str, actor: &str) -> AppResult<bool> {
    for sql in [
        "DELETE FROM practice_reactions WHERE activity_ap_id = $1 AND actor = $2",
        "DELETE FROM announcement_likes WHERE activity_ap_id = $1 AND actor = $2",
        "DELETE FROM action_likes WHERE activity_ap_id = $1 AND actor = $2",
    ] {
        if sqlx::query(sql).bind(activity).bind(actor).execute(&mut *conn).await?.rows_affected() > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Store {
    /// How many reactions of its kind `on` has had (a practice's likes or boosts, an
    /// announcement's or an action's likes).
    pub async fn reaction_count(&self, on: Reacted) -> AppResult<i64> {
        let query = match on {
            Reacted::Practice(id, kind) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM practice_reactions WHERE practice_id = $1 AND kind = $2")
                    .bind(id)
                    .bind(kind.as_str())
            }
            Reacted::Announcement(id) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM announcement_likes WHERE announcement_id = $1").bind(id)
            }
            Reacted::Action(id) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM action_likes WHERE action_id = $1").bind(id)
            }
        };
        Ok(query.fetch_one(self.pool()).await?)
    }
}
