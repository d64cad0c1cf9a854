//! Territories hosted by this instance.

use sqlx::{AnyConnection, FromRow};

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{list::List, now_millis, territory::Slug},
    error::{AppError, AppResult},
};

#[derive(Debug, Clone, FromRow)]
pub struct TerritoryRow {
    pub id: TerritoryId,
    pub slug: String,
    pub name: String,
    pub summary: String,
    #[sqlx(try_from = "i64")]
    pub manually_approves_followers: super::Flag,
    #[sqlx(try_from = "i64")]
    pub discoverable: super::Flag,
    pub public_key_pem: String,
    pub private_key_pem: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Free text: the communes, pays or département the territory covers.
    pub perimeter: String,
    /// Comma-separated codes of `domain::territory::ActivityDomain`.
    #[sqlx(try_from = "String")]
    pub domains: List<String>,
    pub icon_media_id: Option<i64>,
    /// Publish a welcome Note when a listed signature is approved.
    #[sqlx(try_from = "i64")]
    pub welcome_notes: super::Flag,
    /// The new Group's id once the territory moved away (docs/admin.md "Moving a territory").
    pub moved_to: Option<String>,
    /// Old ids of a Group that moved here, comma-separated.
    #[sqlx(try_from = "String")]
    pub also_known_as: List<String>,
}

impl TerritoryRow {
    pub fn domain_list(&self) -> Vec<crate::domain::territory::ActivityDomain> {
        self.domains.iter().filter_map(|d| crate::domain::territory::ActivityDomain::parse(d)).collect()
    }
}

const COLUMNS: &str = "id, slug, name, summary, manually_approves_followers, discoverable, \
                       public_key_pem, private_key_pem, created_at, updated_at, perimeter, domains, icon_media_id, welcome_notes, \
                       moved_to, also_known_as";

/// Fields an admin may change; `None` leaves the value as it is.
#[derive(Debug, Default, Clone)]
pub struct TerritoryUpdate {
    pub name: Option<String>,
    pub summary: Option<String>,
    pub manually_approves_followers: Option<bool>,
    pub discoverable: Option<bool>,
    pub perimeter: Option<String>,
    /// Comma-separated domain codes, already validated.
    pub domains: Option<String>,
    pub welcome_notes: Option<bool>,
}

impl Store {
    /// Just a territory's name: what every page's header shows, read on each request.
    pub async fn territory_name(&self, slug: &str) -> AppResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT name FROM territories WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn territory_by_slug(&self, slug: &str) -> AppResult<Option<TerritoryRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM territories WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn territory_by_id(&self, id: TerritoryId) -> AppResult<Option<TerritoryRow>> {
        territory_by_id_in(self.pool(), id).await
    }

    pub async fn territories(&self) -> AppResult<Vec<TerritoryRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM territories ORDER BY id")).fetch_all(self.pool()).await?)
    }

    pub async fn update_territory(&self, id: TerritoryId, update: &TerritoryUpdate) -> AppResult<TerritoryRow> {
        let mut conn = self.pool().acquire().await?;
        update_territory(&mut conn, id, update).await
    }

    pub async fn count_territories(&self) -> AppResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM territories").fetch_one(self.pool()).await?)
    }
}

pub async fn update_territory(
    conn: &mut AnyConnection,
    id: TerritoryId,
    u: &TerritoryUpdate,
) -> AppResult<TerritoryRow> {
    // COALESCE keeps the stored value where the update has none: one statement, no read-modify-write race.
    sqlx::query_as(&format!(
        "UPDATE territories SET name = COALESCE($1, name), summary = COALESCE($2, summary), \
         manually_approves_followers = COALESCE($3, manually_approves_followers), \
         discoverable = COALESCE($4, discoverable), perimeter = COALESCE($7, perimeter), \
         domains = COALESCE($8, domains), welcome_notes = COALESCE($9, welcome_notes), updated_at = $5 \
         WHERE id = $6 RETURNING {COLUMNS}"
    ))
    .bind(u.name.as_deref())
    .bind(u.summary.as_deref())
    .bind(u.manually_approves_followers.map(super::flag))
    .bind(u.discoverable.map(super::flag))
    .bind(now_millis())
    .bind(id)
    .bind(u.perimeter.as_deref())
    .bind(u.domains.as_deref())
    .bind(u.welcome_notes.map(super::flag))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound("territory".into()))
}

/// Creates a territory in the caller's transaction; the slug must be free (409 otherwise).
pub async fn insert(
    conn: &mut AnyConnection,
    slug: &Slug,
    name: &str,
    summary: &str,
    keys: &crate::domain::key_pair::KeyPairPem,
) -> AppResult<TerritoryRow> {
    let now = now_millis();
    let result = sqlx::query_as(&format!(
        "INSERT INTO territories (slug, name, summary, manually_approves_followers, discoverable, \
         public_key_pem, private_key_pem, created_at, updated_at) \
         VALUES ($1, $2, $3, 0, 1, $4, $5, $6, $6) RETURNING {COLUMNS}"
    ))
    .bind(slug.as_str())
    .bind(name)
    .bind(summary)
    .bind(&keys.public_key_pem)
    .bind(&keys.private_key_pem)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    match result {
        Ok(row) => Ok(row),
        Err(e) if super::is_unique_violation(&e) => {
            Err(AppError::Conflict(format!("territory `{slug}` already exists")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Records the move of a territory away (its actor then carries `movedTo`).
pub async fn set_moved_to(conn: &mut AnyConnection, id: TerritoryId, target: &str) -> AppResult<()> {
    sqlx::query("UPDATE territories SET moved_to = $1, updated_at = $2 WHERE id = $3")
        .bind(target)
        .bind(now_millis())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds `old` to the ids a territory was known by (its actor's `alsoKnownAs`).
pub async fn add_also_known_as(conn: &mut AnyConnection, id: TerritoryId, old: &str) -> AppResult<()> {
    let current: String = sqlx::query_scalar("SELECT also_known_as FROM territories WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let mut list: Vec<String> = current.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
    if !list.iter().any(|s| s == old) {
        list.push(old.to_string());
    }
    sqlx::query("UPDATE territories SET also_known_as = $1, updated_at = $2 WHERE id = $3")
        .bind(list.join(","))
        .bind(now_millis())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// [`Store::territory_by_id`], read through the pool or inside a change's transaction.
pub async fn territory_by_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: TerritoryId,
) -> AppResult<Option<TerritoryRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM territories WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}
