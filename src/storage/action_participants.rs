//! Who takes part in a local action (table `action_participants`, migration 0019): fediverse
//! actors by their `Join`. Writes take the caller's connection (a change's transaction).

use sqlx::AnyConnection;

use crate::{
    domain::{
        ids::{ActionId, ParticipantId},
        now_millis,
        participation::ParticipantState,
    },
    error::AppResult,
};

/// A participant from the fediverse.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ParticipantRow {
    #[schema(value_type = i64)]
    pub id: ParticipantId,
    #[schema(value_type = i64)]
    pub action_id: ActionId,
    pub actor: Option<String>,
    /// The `Join`'s id (Mobilizon makes it the participation's id).
    pub join_ap_id: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub state: ParticipantState,
    pub created_at: i64,
}

const COLUMNS: &str = "id, action_id, actor, join_ap_id, state, created_at";

/// `actor`'s participation in the action, if any.
pub async fn by_actor_in(
    conn: &mut AnyConnection,
    action_id: ActionId,
    actor: &str,
) -> AppResult<Option<ParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_participants WHERE action_id = $1 AND actor = $2"))
        .bind(action_id)
        .bind(actor)
        .fetch_optional(conn)
        .await?)
}

/// The participation a `Join` created, if any.
pub async fn by_join_in(conn: &mut AnyConnection, join_ap_id: &str) -> AppResult<Option<ParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_participants WHERE join_ap_id = $1"))
        .bind(join_ap_id)
        .fetch_optional(conn)
        .await?)
}

pub async fn insert(
    conn: &mut AnyConnection,
    action_id: ActionId,
    actor: &str,
    join_ap_id: &str,
    state: ParticipantState,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO action_participants (action_id, actor, join_ap_id, state, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(action_id)
    .bind(actor)
    .bind(join_ap_id)
    .bind(state.as_str())
    .bind(now_millis())
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes `actor` from the action; whether it took part.
pub async fn remove(conn: &mut AnyConnection, action_id: ActionId, actor: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM action_participants WHERE action_id = $1 AND actor = $2")
        .bind(action_id)
        .bind(actor)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn by_id_in(conn: &mut AnyConnection, id: ParticipantId) -> AppResult<Option<ParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_participants WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The action's participants, oldest first.
pub async fn of_action_in(conn: &mut AnyConnection, action_id: ActionId) -> AppResult<Vec<ParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_participants WHERE action_id = $1 ORDER BY id"))
        .bind(action_id)
        .fetch_all(conn)
        .await?)
}

pub async fn set_state(conn: &mut AnyConnection, id: ParticipantId, state: ParticipantState) -> AppResult<()> {
    sqlx::query("UPDATE action_participants SET state = $1 WHERE id = $2")
        .bind(state.as_str())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
