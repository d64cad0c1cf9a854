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

/// A participation from the web page, as its private links see it (never public).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebParticipantRow {
    pub id: ParticipantId,
    pub action_id: ActionId,
    pub name: String,
    pub email: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: ParticipantState,
    pub lang: String,
    pub confirm_before: Option<i64>,
}

const WEB_COLUMNS: &str = "id, action_id, name, email, state, lang, confirm_before";

/// The participation of `email` (lower-case) in the action, if any.
pub async fn by_email_in(
    conn: &mut AnyConnection,
    action_id: ActionId,
    email: &str,
) -> AppResult<Option<WebParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {WEB_COLUMNS} FROM action_participants WHERE action_id = $1 AND email = $2"))
        .bind(action_id)
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

/// A new participation from the page, `unconfirmed` until its confirmation link is followed.
/// `Conflict` when the address joined meanwhile (unique per action).
pub async fn insert_web(
    conn: &mut AnyConnection,
    action_id: ActionId,
    (name, email, lang): (&str, &str, &str),
    (confirm_hash, manage_hash): (&str, &str),
    confirm_before: i64,
) -> AppResult<ParticipantId> {
    let row = sqlx::query(
        "INSERT INTO action_participants (action_id, name, email, lang, state, token_hash, manage_hash, \
         confirm_before, created_at) VALUES ($1, $2, $3, $4, 'unconfirmed', $5, $6, $7, $8) RETURNING id",
    )
    .bind(action_id)
    .bind(name)
    .bind(email)
    .bind(lang)
    .bind(confirm_hash)
    .bind(manage_hash)
    .bind(confirm_before)
    .bind(now_millis())
    .fetch_one(conn)
    .await?;
    Ok(ParticipantId(sqlx::Row::try_get(&row, 0)?))
}

/// New private links for a participation (the old ones stop working); the confirmation
/// link only while it is unconfirmed.
pub async fn renew_links(
    conn: &mut AnyConnection,
    id: ParticipantId,
    confirm_hash: Option<&str>,
    manage_hash: &str,
    confirm_before: i64,
) -> AppResult<()> {
    sqlx::query("UPDATE action_participants SET token_hash = $1, manage_hash = $2, confirm_before = $3 WHERE id = $4")
        .bind(confirm_hash)
        .bind(manage_hash)
        .bind(confirm_before)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The participation a confirmation link names, if any.
pub async fn by_confirm_in(conn: &mut AnyConnection, confirm_hash: &str) -> AppResult<Option<WebParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {WEB_COLUMNS} FROM action_participants WHERE token_hash = $1"))
        .bind(confirm_hash)
        .fetch_optional(conn)
        .await?)
}

/// The participation a management link names, if any.
pub async fn by_manage_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    manage_hash: &str,
) -> AppResult<Option<WebParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {WEB_COLUMNS} FROM action_participants WHERE manage_hash = $1"))
        .bind(manage_hash)
        .fetch_optional(conn)
        .await?)
}

/// Confirmed: its state becomes `state` and the confirmation link is spent.
pub async fn confirm_web(conn: &mut AnyConnection, id: ParticipantId, state: ParticipantState) -> AppResult<()> {
    sqlx::query("UPDATE action_participants SET state = $1, token_hash = NULL, confirm_before = NULL WHERE id = $2")
        .bind(state.as_str())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn remove_by_id(conn: &mut AnyConnection, id: ParticipantId) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM action_participants WHERE id = $1").bind(id).execute(conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Participations from the page never confirmed in time: gone (the address may join afresh).
pub async fn expire_unconfirmed(conn: &mut AnyConnection, now: i64) -> AppResult<u64> {
    let done = sqlx::query(
        "DELETE FROM action_participants WHERE state = 'unconfirmed' AND confirm_before IS NOT NULL \
         AND confirm_before < $1",
    )
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Addresses and languages of the confirmed participants from the page (mails about a
/// cancellation or new dates).
pub async fn web_recipients_in(
    conn: &mut AnyConnection,
    action_id: ActionId,
) -> AppResult<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT email, lang, name FROM action_participants WHERE action_id = $1 AND email IS NOT NULL \
         AND state IN ('accepted', 'pending') ORDER BY id",
    )
    .bind(action_id)
    .fetch_all(conn)
    .await?)
}

/// The inboxes of the fediverse participants (counted or waiting): they get the action's
/// `Update`s as its followers do.
pub async fn participant_inboxes_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT COALESCE(a.shared_inbox, a.inbox) FROM action_participants p \
         JOIN remote_actors a ON a.ap_id = p.actor WHERE p.action_id = $1 AND p.state IN ('accepted', 'pending')",
    )
    .bind(action_id)
    .fetch_all(conn)
    .await?)
}

/// A participation from the web page by its id (`None` for a fediverse one).
pub async fn web_by_id_in(conn: &mut AnyConnection, id: ParticipantId) -> AppResult<Option<WebParticipantRow>> {
    Ok(sqlx::query_as(&format!("SELECT {WEB_COLUMNS} FROM action_participants WHERE id = $1 AND email IS NOT NULL"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}
