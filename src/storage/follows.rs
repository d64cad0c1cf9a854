//! Follow relations: remote actors following a territory (`followers`) and remote actors a
//! territory follows (`following`).

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{now_millis, territory::FollowState},
    error::AppResult,
};

/// One follow relation joined with the remote actor's public fields.
#[derive(Debug, Clone, FromRow)]
pub struct FollowRow {
    pub territory_id: TerritoryId,
    pub actor_id: i64,
    pub follow_ap_id: String,
    #[sqlx(try_from = "String")]
    pub state: FollowState,
    pub created_at: i64,
    pub actor_ap_id: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub preferred_username: Option<String>,
    pub host: String,
}

impl FollowRow {
    pub fn state(&self) -> FollowState {
        self.state
    }

    /// `@name@host` when the actor has a username, its id otherwise.
    pub fn handle(&self) -> String {
        match &self.preferred_username {
            Some(u) => format!("@{u}@{}", self.host),
            None => self.actor_ap_id.clone(),
        }
    }
}

/// Which of the two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Remote actors following the territory.
    Followers,
    /// Remote actors the territory follows.
    Following,
}

impl Direction {
    fn table(self) -> &'static str {
        match self {
            Direction::Followers => "followers",
            Direction::Following => "following",
        }
    }
}

fn select(direction: Direction) -> String {
    format!(
        "SELECT f.territory_id, f.actor_id, f.follow_ap_id, f.state, f.created_at, a.ap_id AS actor_ap_id, \
         a.inbox, a.shared_inbox, a.preferred_username, a.host FROM {} f JOIN remote_actors a ON a.id = f.actor_id",
        direction.table()
    )
}

impl Store {
    pub async fn follow(
        &self,
        dir: Direction,
        territory_id: TerritoryId,
        actor_id: i64,
    ) -> AppResult<Option<FollowRow>> {
        follow_in(self.pool(), dir, territory_id, actor_id).await
    }

    /// Whether one of our territories follows (or asked to follow) this remote actor.
    pub async fn is_followed(&self, actor_id: i64) -> AppResult<bool> {
        is_followed_in(self.pool(), actor_id).await
    }

    /// Outgoing follow by the id of our Follow activity (what an Accept refers to).
    pub async fn following_by_follow_id(&self, follow_ap_id: &str) -> AppResult<Option<FollowRow>> {
        Ok(sqlx::query_as(&format!("{} WHERE f.follow_ap_id = $1", select(Direction::Following)))
            .bind(follow_ap_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A page of relations in the given state, newest first.
    pub async fn follows_page(
        &self,
        dir: Direction,
        territory_id: TerritoryId,
        state: FollowState,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<FollowRow>> {
        follows_page_in(self.pool(), dir, territory_id, state, limit, offset).await
    }

    pub async fn count_follows(&self, dir: Direction, territory_id: TerritoryId, state: FollowState) -> AppResult<i64> {
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {} WHERE territory_id = $1 AND state = $2", dir.table()))
            .bind(territory_id)
            .bind(state.as_str())
            .fetch_one(self.pool())
            .await?)
    }

    /// Distinct inboxes of a territory's accepted followers: the shared inbox when the follower
    /// advertises one, so that each host receives one copy.
    /// https://www.w3.org/TR/activitypub/#shared-inbox-delivery
    pub async fn follower_inboxes(&self, territory_id: TerritoryId) -> AppResult<Vec<String>> {
        follower_inboxes_in(self.pool(), territory_id).await
    }

    /// The inboxes of [`Store::follower_inboxes`] another Maillage instance may be behind: those
    /// of followers that are groups (a territory, FEP-1b12) or applications and services (an
    /// instance actor, FEP-2677), of subscribed instances and of relays.
    pub async fn instance_like_follower_inboxes(&self, territory_id: TerritoryId) -> AppResult<Vec<String>> {
        let sql = follower_inboxes_sql("AND a.kind IN ('Group', 'Application', 'Service')");
        Ok(sqlx::query_scalar(&sql).bind(territory_id).fetch_all(self.pool()).await?)
    }
}

/// [`Store::is_followed`], read through the pool or inside a change's transaction.
pub async fn is_followed_in<'c>(conn: impl sqlx::Executor<'c, Database = sqlx::Any>, actor_id: i64) -> AppResult<bool> {
    // Or an actor of an instance we subscribe to as a whole, or a territory learned through a
    // subscription or a relay we follow (`storage::subscriptions`). A subscription still
    // pending counts, as a pending follow does: what the instance sends with its Accept (each
    // territory's aggregate) may overtake the Accept (deliveries to a host run side by side).
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM following WHERE actor_id = $1 AND state IN ('accepted', 'pending')) \
         + (SELECT COUNT(*) FROM instance_following s JOIN remote_actors r ON r.id = s.actor_id \
            JOIN remote_actors a ON a.host = r.host WHERE a.id = $1 AND s.state IN ('accepted', 'pending') \
            AND s.kind = 'instance') \
         + (SELECT COUNT(*) FROM subscription_territories l JOIN instance_following s ON s.actor_id = l.via_actor_id \
            WHERE l.actor_id = $1 AND s.state = 'accepted')",
    )
    .bind(actor_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// [`Store::follows_page`], read through the pool or inside a change's transaction.
pub async fn follows_page_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    dir: Direction,
    territory_id: TerritoryId,
    state: FollowState,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<FollowRow>> {
    Ok(sqlx::query_as(&format!(
        "{} WHERE f.territory_id = $1 AND f.state = $2 ORDER BY f.created_at DESC, f.actor_id DESC LIMIT $3 OFFSET $4",
        select(dir)
    ))
    .bind(territory_id)
    .bind(state.as_str())
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?)
}

/// [`Store::follow`], read through the pool or inside a change's transaction.
pub async fn follow_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    dir: Direction,
    territory_id: TerritoryId,
    actor_id: i64,
) -> AppResult<Option<FollowRow>> {
    Ok(sqlx::query_as(&format!("{} WHERE f.territory_id = $1 AND f.actor_id = $2", select(dir)))
        .bind(territory_id)
        .bind(actor_id)
        .fetch_optional(conn)
        .await?)
}

/// [`Store::follower_inboxes`], read through the pool or inside a change's transaction.
pub async fn follower_inboxes_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    territory_id: TerritoryId,
) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(&follower_inboxes_sql("")).bind(territory_id).fetch_all(conn).await?)
}

/// The followers' inboxes of territory `$1`, its own followers narrowed by `followers_where`.
/// Instances subscribed to ours as a whole, and the relays we follow, receive every
/// territory's public activities too (issue 13 point 7, docs/FEDERATION.md).
fn follower_inboxes_sql(followers_where: &str) -> String {
    format!(
        "SELECT COALESCE(a.shared_inbox, a.inbox) FROM followers f JOIN remote_actors a ON a.id = f.actor_id \
         WHERE f.territory_id = $1 AND f.state = 'accepted' {followers_where} \
         UNION SELECT COALESCE(a.shared_inbox, a.inbox) FROM instance_followers s \
         JOIN remote_actors a ON a.id = s.actor_id WHERE s.state = 'accepted' \
         UNION SELECT a.inbox FROM instance_following s JOIN remote_actors a ON a.id = s.actor_id \
         WHERE s.kind = 'relay' AND s.state = 'accepted'"
    )
}

/// Records (or refreshes) a relation and returns its state after the write: an accepted
/// relation stays accepted whatever `state` asks. A repeated Follow replaces the follow id, so
/// that a later `Undo` of the newest one matches. One statement (the inbox's `Follow` reads the
/// previous state from its answer instead of a read of its own: issue 14).
pub async fn upsert_follow(
    conn: &mut AnyConnection,
    dir: Direction,
    territory_id: TerritoryId,
    actor_id: i64,
    follow_ap_id: &str,
    state: FollowState,
) -> AppResult<FollowState> {
    let now: String = sqlx::query_scalar(&format!(
        "INSERT INTO {} (territory_id, actor_id, follow_ap_id, state, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (territory_id, actor_id) DO UPDATE SET follow_ap_id = excluded.follow_ap_id, \
         state = CASE WHEN {}.state = 'accepted' THEN 'accepted' ELSE excluded.state END RETURNING state",
        dir.table(),
        dir.table()
    ))
    .bind(territory_id)
    .bind(actor_id)
    .bind(follow_ap_id)
    .bind(state.as_str())
    .bind(now_millis())
    .fetch_one(&mut *conn)
    .await?;
    Ok(super::code(now)?)
}

pub async fn set_follow_state(
    conn: &mut AnyConnection,
    dir: Direction,
    territory_id: TerritoryId,
    actor_id: i64,
    state: FollowState,
) -> AppResult<bool> {
    let done = sqlx::query(&format!("UPDATE {} SET state = $1 WHERE territory_id = $2 AND actor_id = $3", dir.table()))
        .bind(state.as_str())
        .bind(territory_id)
        .bind(actor_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Marks a pending follow of ours accepted; false when there was none or it already was (so
/// that what follows an acceptance happens once per follow).
pub async fn accept_pending(conn: &mut AnyConnection, territory_id: TerritoryId, actor_id: i64) -> AppResult<bool> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET state = $1 WHERE territory_id = $2 AND actor_id = $3 AND state <> $4",
        Direction::Following.table()
    ))
    .bind(FollowState::Accepted.as_str())
    .bind(territory_id)
    .bind(actor_id)
    .bind(FollowState::Accepted.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a relation; true when there was one.
pub async fn delete_follow(
    conn: &mut AnyConnection,
    dir: Direction,
    territory_id: TerritoryId,
    actor_id: i64,
) -> AppResult<bool> {
    let done = sqlx::query(&format!("DELETE FROM {} WHERE territory_id = $1 AND actor_id = $2", dir.table()))
        .bind(territory_id)
        .bind(actor_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The local territories following the remote actor `actor_id` (a `Move` of it concerns them).
pub async fn territories_following(conn: &mut AnyConnection, actor_id: i64) -> AppResult<Vec<FollowRow>> {
    Ok(sqlx::query_as(&format!("{} WHERE f.actor_id = $1 ORDER BY f.territory_id", select(Direction::Following)))
        .bind(actor_id)
        .fetch_all(&mut *conn)
        .await?)
}
