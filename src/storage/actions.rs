//! Shared actions (local and received), their organising territories, linked practices and
//! participants (migration 0019). Writes take the caller's connection (a change's
//! transaction); reads exist over any executor (`*_in`).

use sqlx::FromRow;

use super::Store;
use crate::domain::ids::{ActionId, PracticeId, SignatoryId, TerritoryId};
use crate::{
    domain::{
        action::{ActionStatus, JoinMode, PublicationState},
        action_content::ActionContent,
        list::List,
        now_millis,
    },
    error::AppResult,
};

/// An action as stored and as the API returns it (lists comma-separated, times in ms UTC).
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct ActionRow {
    #[schema(value_type = i64)]
    pub id: ActionId,
    pub ap_id: String,
    #[schema(value_type = Option<i64>)]
    pub territory_id: Option<TerritoryId>,
    pub origin_actor: String,
    /// `draft` or `published`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub publication: PublicationState,
    /// `scheduled`, `tentative`, `cancelled` or `postponed`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: ActionStatus,
    pub title: String,
    pub summary: String,
    pub description_md: String,
    pub description_html: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub place_name: String,
    pub address: String,
    pub postal_code: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub online_url: String,
    pub capacity: Option<i64>,
    /// `free`, `approval`, `external` or `none`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub join_mode: JoinMode,
    pub join_url: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub domains: List<String>,
    /// Dimension codes it aims at.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub dimensions: List<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub tags: List<String>,
    /// Signatory ids of the contact structures.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub contacts: List<SignatoryId>,
    /// Received actions: the participants their origin counts.
    pub remote_participants: i64,
    /// Who created it (an account or token): never in public output.
    #[serde(skip)]
    pub author: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

impl ActionRow {
    /// What it says, as an edit would write it back.
    pub fn content(&self) -> ActionContent {
        ActionContent {
            status: self.status,
            title: self.title.clone(),
            summary: self.summary.clone(),
            description_md: self.description_md.clone(),
            description_html: self.description_html.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            timezone: self.timezone.clone(),
            place_name: self.place_name.clone(),
            address: self.address.clone(),
            postal_code: self.postal_code.clone(),
            commune: self.commune.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            online_url: self.online_url.clone(),
            capacity: self.capacity,
            join_mode: self.join_mode,
            join_url: self.join_url.clone(),
            domains: self.domains.clone(),
            dimensions: self.dimensions.clone(),
            tags: self.tags.clone(),
            contacts: self.contacts.clone(),
            remote_participants: self.remote_participants,
        }
    }
}

pub(super) const COLUMNS: &str = "id, ap_id, territory_id, origin_actor, publication, status, title, summary, description_md, \
                       description_html, starts_at, ends_at, timezone, place_name, address, postal_code, commune, \
                       latitude, longitude, online_url, capacity, join_mode, join_url, domains, dimensions, tags, \
                       contacts, remote_participants, author, created_at, updated_at, published_at";

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// A nullable `DOUBLE PRECISION` (see `storage::practices::bind_double`: sqlx's `Any` driver
/// sends a NULL `f64` to PostgreSQL as a `float4`).
fn bind_double(q: Query<'_>, v: Option<f64>) -> Query<'_> {
    match v {
        Some(v) => q.bind(v),
        None => q.bind(None::<f32>),
    }
}

/// Binds the content as `$1`–`$23`, in the order both statements below name them.
fn bind_content<'q>(q: Query<'q>, c: &'q ActionContent) -> Query<'q> {
    let q = q
        .bind(c.status.as_str())
        .bind(&c.title)
        .bind(&c.summary)
        .bind(&c.description_md)
        .bind(&c.description_html)
        .bind(c.starts_at)
        .bind(c.ends_at)
        .bind(&c.timezone)
        .bind(&c.place_name)
        .bind(&c.address)
        .bind(&c.postal_code)
        .bind(&c.commune);
    bind_double(bind_double(q, c.latitude), c.longitude)
        .bind(&c.online_url)
        .bind(c.capacity)
        .bind(c.join_mode.as_str())
        .bind(&c.join_url)
        .bind(c.domains.joined())
        .bind(c.dimensions.joined())
        .bind(c.tags.joined())
        .bind(c.contacts.joined())
        .bind(c.remote_participants)
}

const CONTENT_COLUMNS: &str = "status, title, summary, description_md, description_html, starts_at, ends_at, \
                               timezone, place_name, address, postal_code, commune, latitude, longitude, online_url, \
                               capacity, join_mode, join_url, domains, dimensions, tags, contacts, remote_participants";

/// A new draft inside the caller's transaction; its id.
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    ap_id: &str,
    territory_id: Option<TerritoryId>,
    origin_actor: &str,
    c: &ActionContent,
    author: &str,
) -> AppResult<ActionId> {
    let sql = format!(
        "INSERT INTO actions ({CONTENT_COLUMNS}, ap_id, territory_id, origin_actor, publication, author, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         $20, $21, $22, $23, $24, $25, $26, 'draft', $27, $28, $28) RETURNING id"
    );
    let row = bind_content(sqlx::query(&sql), c)
        .bind(ap_id)
        .bind(territory_id)
        .bind(origin_actor)
        .bind(author)
        .bind(now_millis())
        .fetch_one(&mut *conn)
        .await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

/// A local action's id is its address, known once inserted.
pub async fn set_ap_id(conn: &mut sqlx::AnyConnection, id: ActionId, ap_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE actions SET ap_id = $1 WHERE id = $2").bind(ap_id).bind(id).execute(&mut *conn).await?;
    Ok(())
}

pub async fn update_content(conn: &mut sqlx::AnyConnection, id: ActionId, c: &ActionContent) -> AppResult<()> {
    let sql = "UPDATE actions SET status = $1, title = $2, summary = $3, description_md = $4, description_html = $5, \
               starts_at = $6, ends_at = $7, timezone = $8, place_name = $9, address = $10, postal_code = $11, \
               commune = $12, latitude = $13, longitude = $14, online_url = $15, capacity = $16, join_mode = $17, \
               join_url = $18, domains = $19, dimensions = $20, tags = $21, contacts = $22, \
               remote_participants = $23, updated_at = $24 WHERE id = $25";
    bind_content(sqlx::query(sql), c).bind(now_millis()).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Publishes (keeping the first publication time) or takes back to draft.
pub async fn set_publication(conn: &mut sqlx::AnyConnection, id: ActionId, to: PublicationState) -> AppResult<()> {
    let published = to == PublicationState::Published;
    sqlx::query(
        "UPDATE actions SET publication = $1, published_at = CASE WHEN $2 = 1 THEN COALESCE(published_at, $3) \
         ELSE published_at END, updated_at = $3 WHERE id = $4",
    )
    .bind(to.as_str())
    .bind(i64::from(published))
    .bind(now_millis())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_status(conn: &mut sqlx::AnyConnection, id: ActionId, status: ActionStatus) -> AppResult<()> {
    sqlx::query("UPDATE actions SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now_millis())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes an action (organisers, practice links and participants go with it).
pub async fn delete(conn: &mut sqlx::AnyConnection, id: ActionId) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM actions WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

pub async fn action_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: ActionId,
) -> AppResult<Option<ActionRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM actions WHERE id = $1")).bind(id).fetch_optional(conn).await?)
}

pub async fn action_by_ap_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    ap_id: &str,
) -> AppResult<Option<ActionRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM actions WHERE ap_id = $1"))
        .bind(ap_id)
        .fetch_optional(conn)
        .await?)
}

/// Adds an organising territory (`state`: `origin`, `invited`, `accepted`); unchanged when listed.
pub async fn add_organizer(
    conn: &mut sqlx::AnyConnection,
    action_id: ActionId,
    actor: &str,
    territory_id: Option<TerritoryId>,
    state: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO action_organizers (action_id, actor, territory_id, state, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (action_id, actor) DO NOTHING",
    )
    .bind(action_id)
    .bind(actor)
    .bind(territory_id)
    .bind(state)
    .bind(now_millis())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The organising territories (actor ids) that take part: its own first.
pub async fn organizers_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT actor FROM action_organizers WHERE action_id = $1 AND state IN ('origin', 'accepted') \
         ORDER BY CASE state WHEN 'origin' THEN 0 ELSE 1 END, created_at, actor",
    )
    .bind(action_id)
    .fetch_all(conn)
    .await?)
}

/// Replaces the linked practices.
pub async fn set_practices(
    conn: &mut sqlx::AnyConnection,
    action_id: ActionId,
    practices: &[PracticeId],
) -> AppResult<()> {
    sqlx::query("DELETE FROM action_practices WHERE action_id = $1").bind(action_id).execute(&mut *conn).await?;
    for p in practices {
        sqlx::query("INSERT INTO action_practices (action_id, practice_id) VALUES ($1, $2)")
            .bind(action_id)
            .bind(p)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The linked practices: (id, ActivityPub id), in id order.
pub async fn practices_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<Vec<(PracticeId, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.ap_id FROM action_practices a JOIN practices p ON p.id = a.practice_id \
         WHERE a.action_id = $1 ORDER BY p.id",
    )
    .bind(action_id)
    .fetch_all(conn)
    .await?)
}

/// Which of `ids` are practices of this server (local or received).
pub async fn known_practices_in(conn: &mut sqlx::AnyConnection, ids: &[PracticeId]) -> AppResult<Vec<PracticeId>> {
    let mut out = vec![];
    for id in ids {
        let found: Option<PracticeId> =
            sqlx::query_scalar("SELECT id FROM practices WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
        out.extend(found);
    }
    Ok(out)
}

/// Participants counted (accepted), for a local action.
pub async fn participant_count_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM action_participants WHERE action_id = $1 AND state = 'accepted' AND tentative = 0",
    )
    .bind(action_id)
    .fetch_one(conn)
    .await?)
}

/// Fediverse participants who answered "maybe" (`TentativeAccept`): shown apart, take no place.
pub async fn tentative_count_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    action_id: ActionId,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM action_participants WHERE action_id = $1 AND state = 'accepted' AND tentative = 1",
    )
    .bind(action_id)
    .fetch_one(conn)
    .await?)
}

/// Which actions a list shows.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ActionFilter {
    /// A local territory's own actions (drafts included when `drafts`) and those it co-organises.
    #[serde(skip)]
    pub territory_id: Option<TerritoryId>,
    /// Origin territory actor id (local or remote).
    pub origin: Option<String>,
    /// Only those not ended at this time (ms).
    #[serde(skip)]
    pub ending_after: Option<i64>,
    #[serde(skip)]
    pub drafts: bool,
}

impl Store {
    pub async fn action(&self, id: ActionId) -> AppResult<Option<ActionRow>> {
        action_in(self.pool(), id).await
    }

    pub async fn action_by_ap_id(&self, ap_id: &str) -> AppResult<Option<ActionRow>> {
        action_by_ap_id_in(self.pool(), ap_id).await
    }

    /// Actions by start time, at most `limit`.
    pub async fn actions(&self, f: &ActionFilter, limit: i64) -> AppResult<Vec<ActionRow>> {
        // Every filter in the statement, off when its value is the neutral one: one statement,
        // every placeholder used (PostgreSQL cannot type a parameter no clause names).
        let sql = format!(
            "SELECT {COLUMNS} FROM actions WHERE ($1 = 1 OR publication = 'published') \
             AND ($2 = 0 OR territory_id = $2 OR id IN (SELECT action_id FROM action_organizers \
             WHERE territory_id = $2 AND state = 'accepted')) AND ($3 = '' OR origin_actor = $3) AND ($4 = 0 OR ends_at >= $4) \
             ORDER BY starts_at, id LIMIT {}",
            limit.clamp(1, 5000)
        );
        let q = sqlx::query_as(&sql)
            .bind(i64::from(f.drafts))
            .bind(f.territory_id.unwrap_or_default())
            .bind(f.origin.clone().unwrap_or_default())
            .bind(f.ending_after.unwrap_or_default());
        Ok(q.fetch_all(self.pool()).await?)
    }

    pub async fn action_organizers(&self, id: ActionId) -> AppResult<Vec<String>> {
        organizers_in(self.pool(), id).await
    }

    pub async fn action_practices(&self, id: ActionId) -> AppResult<Vec<(PracticeId, String)>> {
        practices_in(self.pool(), id).await
    }

    pub async fn action_participants(&self, id: ActionId) -> AppResult<i64> {
        participant_count_in(self.pool(), id).await
    }

    pub async fn action_tentatives(&self, id: ActionId) -> AppResult<i64> {
        tentative_count_in(self.pool(), id).await
    }
}
