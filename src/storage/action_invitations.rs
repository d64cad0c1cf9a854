//! Invitations to co-organise a shared action (table `action_invitations`, migration 0024),
//! sent by our territories or received by them; and the organising territories they change
//! (`action_organizers`). Writes take the caller's connection (a change's transaction).

use sqlx::AnyConnection;

use crate::{
    domain::{
        coorganisation::{InvitationDirection, InvitationState},
        ids::{ActionId, TerritoryId},
        now_millis,
    },
    error::AppResult,
};

/// An invitation as stored and as the API returns it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct InvitationRow {
    pub id: i64,
    #[schema(value_type = i64)]
    pub action_id: ActionId,
    /// `sent` (the action is ours) or `received` (the action is another instance's).
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub direction: InvitationDirection,
    /// Our territory: the one inviting (`sent`) or invited (`received`).
    #[schema(value_type = i64)]
    pub territory_id: TerritoryId,
    /// The other territory's actor id: invited (`sent`) or inviting (`received`).
    pub actor: String,
    /// The `Invite`'s id.
    pub invite_ap_id: String,
    /// `pending`, `accepted`, `declined` or `withdrawn`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub state: InvitationState,
    /// Who invited or answered (an account or token): never in public output.
    #[serde(skip)]
    pub author: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const COLUMNS: &str =
    "id, action_id, direction, territory_id, actor, invite_ap_id, state, author, created_at, decided_at";

/// Records an invitation; one already there between the same parties is renewed (pending,
/// the new `Invite`'s id). Its id.
pub async fn upsert(
    conn: &mut AnyConnection,
    action_id: ActionId,
    direction: InvitationDirection,
    territory_id: TerritoryId,
    actor: &str,
    invite_ap_id: &str,
    author: &str,
) -> AppResult<i64> {
    let row = sqlx::query(
        "INSERT INTO action_invitations (action_id, direction, territory_id, actor, invite_ap_id, state, author, \
         created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7) \
         ON CONFLICT (action_id, direction, territory_id, actor) DO UPDATE SET invite_ap_id = $5, state = 'pending', \
         author = $6, created_at = $7, decided_at = NULL RETURNING id",
    )
    .bind(action_id)
    .bind(direction.as_str())
    .bind(territory_id)
    .bind(actor)
    .bind(invite_ap_id)
    .bind(author)
    .bind(now_millis())
    .fetch_one(&mut *conn)
    .await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

pub async fn set_state(conn: &mut AnyConnection, id: i64, state: InvitationState, by: &str) -> AppResult<()> {
    sqlx::query("UPDATE action_invitations SET state = $1, decided_at = $2, author = $3 WHERE id = $4")
        .bind(state.as_str())
        .bind(now_millis())
        .bind(by)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn by_id_in(conn: &mut AnyConnection, id: i64) -> AppResult<Option<InvitationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_invitations WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

pub async fn by_invite_in(conn: &mut AnyConnection, invite_ap_id: &str) -> AppResult<Option<InvitationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_invitations WHERE invite_ap_id = $1"))
        .bind(invite_ap_id)
        .fetch_optional(conn)
        .await?)
}

/// The invitation of `direction` between the action and the remote territory `actor`.
pub async fn with_actor_in(
    conn: &mut AnyConnection,
    action_id: ActionId,
    direction: InvitationDirection,
    actor: &str,
) -> AppResult<Option<InvitationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM action_invitations WHERE action_id = $1 AND direction = $2 AND actor = $3 \
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(action_id)
    .bind(direction.as_str())
    .bind(actor)
    .fetch_optional(conn)
    .await?)
}

/// The invitations of an action, oldest first.
pub async fn of_action_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<Vec<InvitationRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM action_invitations WHERE action_id = $1 ORDER BY id"))
        .bind(action_id)
        .fetch_all(conn)
        .await?)
}

/// Invitations our territories received, newest first (`pending_only`: those awaiting an answer).
pub async fn received_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    pending_only: bool,
) -> AppResult<Vec<InvitationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM action_invitations WHERE direction = 'received' AND ($1 = 0 OR state = 'pending') \
         ORDER BY id DESC LIMIT 500"
    ))
    .bind(i64::from(pending_only))
    .fetch_all(conn)
    .await?)
}

/// `actor` co-organises the action (accepted), whatever it was before.
pub async fn accept_organizer(
    conn: &mut AnyConnection,
    action_id: ActionId,
    actor: &str,
    territory_id: Option<TerritoryId>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO action_organizers (action_id, actor, territory_id, state, created_at) \
         VALUES ($1, $2, $3, 'accepted', $4) ON CONFLICT (action_id, actor) DO UPDATE SET state = 'accepted', \
         territory_id = COALESCE(action_organizers.territory_id, $3)",
    )
    .bind(action_id)
    .bind(actor)
    .bind(territory_id)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `actor` no longer organises the action (the origin is never removed).
pub async fn remove_organizer(conn: &mut AnyConnection, action_id: ActionId, actor: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM action_organizers WHERE action_id = $1 AND actor = $2 AND state <> 'origin'")
        .bind(action_id)
        .bind(actor)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether `actor` organises the action (its origin or an accepted co-organiser).
pub async fn is_organizer_in(conn: &mut AnyConnection, action_id: ActionId, actor: &str) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM action_organizers WHERE action_id = $1 AND actor = $2 AND state IN ('origin', 'accepted')",
    )
    .bind(action_id)
    .bind(actor)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The local territory co-organising a remote action, if one does (accepted).
pub async fn local_coorganizer_in(conn: &mut AnyConnection, action_id: ActionId) -> AppResult<Option<TerritoryId>> {
    Ok(sqlx::query_scalar(
        "SELECT territory_id FROM action_organizers WHERE action_id = $1 AND state = 'accepted' \
         AND territory_id IS NOT NULL ORDER BY created_at LIMIT 1",
    )
    .bind(action_id)
    .fetch_optional(conn)
    .await?)
}

impl super::Store {
    /// The invitations a territory sent or received, newest first, with the action's title.
    pub async fn invitations_of_territory(&self, territory_id: TerritoryId) -> AppResult<Vec<(InvitationRow, String)>> {
        let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM action_invitations WHERE territory_id = $1 ORDER BY id DESC LIMIT 500"
        ))
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = vec![];
        for r in rows {
            let title: Option<String> = sqlx::query_scalar("SELECT title FROM actions WHERE id = $1")
                .bind(r.action_id)
                .fetch_optional(self.pool())
                .await?;
            out.push((r, title.unwrap_or_default()));
        }
        Ok(out)
    }
}
