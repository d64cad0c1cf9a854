//! Instance-to-instance subscriptions (issue 13, point 7): what our instance actor follows
//! (`instance_following`: whole instances and relays), who follows it (`instance_followers`),
//! and the remote territories learned through a subscription (`subscription_territories`).

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::{
    domain::{now_millis, subscription::SubscriptionKind, territory::FollowState},
    error::AppResult,
};

/// A subscription of ours, or a subscriber of ours, with the remote actor's public fields.
#[derive(Debug, Clone, FromRow)]
pub struct SubscriptionRow {
    pub actor_id: i64,
    /// `instance` or `relay` for ours; `instance` for subscribers.
    #[sqlx(try_from = "String")]
    pub kind: SubscriptionKind,
    pub follow_ap_id: String,
    #[sqlx(try_from = "String")]
    pub state: FollowState,
    pub created_at: i64,
    pub actor_ap_id: String,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub host: String,
}

/// A remote territory learned through a subscription.
#[derive(Debug, Clone, FromRow)]
pub struct LearnedTerritory {
    pub actor_ap_id: String,
    pub name: Option<String>,
    pub via_ap_id: String,
    pub first_seen_at: i64,
}

const FOLLOWING: &str = "SELECT s.actor_id, s.kind, s.follow_ap_id, s.state, s.created_at, a.ap_id AS actor_ap_id, \
     a.inbox, a.shared_inbox, a.host FROM instance_following s JOIN remote_actors a ON a.id = s.actor_id";
const FOLLOWERS: &str = "SELECT s.actor_id, 'instance' AS kind, s.follow_ap_id, s.state, s.created_at, \
     a.ap_id AS actor_ap_id, a.inbox, a.shared_inbox, a.host FROM instance_followers s \
     JOIN remote_actors a ON a.id = s.actor_id";

impl Store {
    /// Our subscriptions (instances and relays), newest first.
    pub async fn subscriptions(&self) -> AppResult<Vec<SubscriptionRow>> {
        Ok(sqlx::query_as(&format!("{FOLLOWING} ORDER BY s.created_at DESC, s.actor_id DESC"))
            .fetch_all(self.pool())
            .await?)
    }

    /// The instances subscribed to ours, newest first.
    pub async fn subscribers(&self) -> AppResult<Vec<SubscriptionRow>> {
        Ok(sqlx::query_as(&format!("{FOLLOWERS} ORDER BY s.created_at DESC, s.actor_id DESC"))
            .fetch_all(self.pool())
            .await?)
    }

    /// The subscription an `Accept`/`Reject` answers, by the id of our Follow.
    pub async fn subscription_by_follow_id(&self, follow_ap_id: &str) -> AppResult<Option<SubscriptionRow>> {
        Ok(sqlx::query_as(&format!("{FOLLOWING} WHERE s.follow_ap_id = $1"))
            .bind(follow_ap_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Our subscription to this actor, if any.
    pub async fn subscription_of(&self, actor_id: i64) -> AppResult<Option<SubscriptionRow>> {
        subscription_in(self.pool(), actor_id).await
    }

    /// Remote territories learned through subscriptions, newest first.
    pub async fn learned_territories(&self) -> AppResult<Vec<LearnedTerritory>> {
        Ok(sqlx::query_as(
            "SELECT a.ap_id AS actor_ap_id, a.name, v.ap_id AS via_ap_id, l.first_seen_at \
             FROM subscription_territories l JOIN remote_actors a ON a.id = l.actor_id \
             JOIN remote_actors v ON v.id = l.via_actor_id ORDER BY l.first_seen_at DESC, a.ap_id",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

pub async fn subscription_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    actor_id: i64,
) -> AppResult<Option<SubscriptionRow>> {
    Ok(sqlx::query_as(&format!("{FOLLOWING} WHERE s.actor_id = $1")).bind(actor_id).fetch_optional(conn).await?)
}

pub async fn subscriber_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    actor_id: i64,
) -> AppResult<Option<SubscriptionRow>> {
    Ok(sqlx::query_as(&format!("{FOLLOWERS} WHERE s.actor_id = $1")).bind(actor_id).fetch_optional(conn).await?)
}

/// Records (or renews) our Follow of `actor_id`: pending until its Accept. A repeated
/// subscription replaces the follow id (an `Accept` of the newest one matches) and keeps an
/// accepted state.
pub async fn upsert_subscription(
    conn: &mut AnyConnection,
    actor_id: i64,
    kind: SubscriptionKind,
    follow_ap_id: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO instance_following (actor_id, kind, follow_ap_id, state, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (actor_id) DO UPDATE SET follow_ap_id = excluded.follow_ap_id, kind = excluded.kind",
    )
    .bind(actor_id)
    .bind(kind.as_str())
    .bind(follow_ap_id)
    .bind(FollowState::Pending.as_str())
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks our subscription accepted; false when there was no pending one.
pub async fn accept_subscription(conn: &mut AnyConnection, actor_id: i64) -> AppResult<bool> {
    let done = sqlx::query("UPDATE instance_following SET state = $1 WHERE actor_id = $2 AND state <> $1")
        .bind(FollowState::Accepted.as_str())
        .bind(actor_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes our subscription (unsubscribed, or refused); true when there was one.
pub async fn delete_subscription(conn: &mut AnyConnection, actor_id: i64) -> AppResult<bool> {
    let done =
        sqlx::query("DELETE FROM instance_following WHERE actor_id = $1").bind(actor_id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Records (or renews) a remote instance following ours, keeping an accepted state.
pub async fn upsert_subscriber(
    conn: &mut AnyConnection,
    actor_id: i64,
    follow_ap_id: &str,
    state: FollowState,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO instance_followers (actor_id, follow_ap_id, state, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (actor_id) DO UPDATE SET follow_ap_id = excluded.follow_ap_id, \
         state = CASE WHEN instance_followers.state = 'accepted' THEN 'accepted' ELSE excluded.state END",
    )
    .bind(actor_id)
    .bind(follow_ap_id)
    .bind(state.as_str())
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_subscriber_state(conn: &mut AnyConnection, actor_id: i64, state: FollowState) -> AppResult<bool> {
    let done = sqlx::query("UPDATE instance_followers SET state = $1 WHERE actor_id = $2")
        .bind(state.as_str())
        .bind(actor_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete_subscriber(conn: &mut AnyConnection, actor_id: i64) -> AppResult<bool> {
    let done =
        sqlx::query("DELETE FROM instance_followers WHERE actor_id = $1").bind(actor_id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Records that `actor_id` (a remote territory, or its editorial actor) was learned through
/// the accepted subscription to the whole instance on its host, if there is one; the first
/// sighting is kept.
pub async fn note_learned(conn: &mut AnyConnection, actor_id: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO subscription_territories (actor_id, via_actor_id, first_seen_at) \
         SELECT a.id, s.actor_id, $2 FROM instance_following s JOIN remote_actors r ON r.id = s.actor_id \
         JOIN remote_actors a ON a.host = r.host WHERE a.id = $1 AND a.id <> s.actor_id \
         AND s.state = $3 AND s.kind = $4 ON CONFLICT (actor_id) DO NOTHING",
    )
    .bind(actor_id)
    .bind(now_millis())
    .bind(FollowState::Accepted.as_str())
    .bind(SubscriptionKind::Instance.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records that `actor_id` (a remote territory) was learned through `via` (a relay we follow),
/// once: the first sighting is kept.
pub async fn record_learned(conn: &mut AnyConnection, actor_id: i64, via: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO subscription_territories (actor_id, via_actor_id, first_seen_at) VALUES ($1, $2, $3) \
         ON CONFLICT (actor_id) DO NOTHING",
    )
    .bind(actor_id)
    .bind(via)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
