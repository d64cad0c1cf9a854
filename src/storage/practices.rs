//! Good practices (local and received) and their revision history; catalogue search on
//! SQLite (FTS5 over French-stemmed text) and PostgreSQL (`tsvector` with `french`).

use sqlx::FromRow;

use super::Store;
use crate::domain::ids::TerritoryId;
use crate::{
    domain::{
        ids::{PracticeId, SignatoryId},
        list::List,
        now_millis,
        practice::{Status, french_search_text, tag_key},
        practice_dimensions::Dimensions,
    },
    error::AppResult,
};

/// A practice as stored and as the API returns it (lists are comma-separated, dimensions JSON).
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct PracticeRow {
    #[schema(value_type = i64)]
    pub id: PracticeId,
    pub ap_id: String,
    #[schema(value_type = Option<i64>)]
    pub territory_id: Option<TerritoryId>,
    pub origin_actor: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub status: Status,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub domains: List<String>,
    /// Stored as JSON text (`{dimension, indicators, text}`), shown as that text by the API.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub dimensions: Dimensions,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub structures: List<SignatoryId>,
    /// Remote practices: the structures their origin named, JSON `[{id, name}]`.
    pub structure_refs: String,
    pub partners: String,
    pub governance: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub tags: List<String>,
    pub licence: String,
    /// Who created it (an account or token): never in public output.
    #[serde(skip)]
    pub author: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    /// When a moderator pinned it to the territory's `featured` collection.
    pub pinned_at: Option<i64>,
}

impl PracticeRow {
    pub fn is_published(&self) -> bool {
        self.status == Status::Published
    }
}

pub(super) const COLUMNS: &str = "id, ap_id, territory_id, origin_actor, status, title, summary, body_md, body_html, domains, \
                       dimensions, structures, structure_refs, partners, governance, commune, latitude, longitude, tags, licence, author, \
                       created_at, updated_at, published_at, pinned_at";

/// Everything stored of a practice's content (the revision snapshot too).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PracticeContent {
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    pub domains: List<String>,
    pub dimensions: Dimensions,
    pub structures: List<SignatoryId>,
    pub structure_refs: String,
    pub partners: String,
    pub governance: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub tags: List<String>,
    pub licence: String,
}

impl PracticeContent {
    /// `,`-separated [`tag_key`]s: what the catalogue's tag filter compares, on both backends
    /// (SQLite's `lower()` folds ASCII only, so folding happens here).
    fn tag_keys(&self) -> String {
        self.tags.iter().map(|t| tag_key(t)).collect::<Vec<_>>().join(",")
    }

    fn search_text(&self) -> String {
        french_search_text(&format!("{} {} {} {}", self.title, self.summary, self.body_md, self.tags.join(" ")))
    }
}

#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct RevisionRow {
    pub id: i64,
    pub author: String,
    pub changes: String,
    pub created_at: i64,
}

pub use super::practice_search::PracticeFilter;

impl Store {
    pub async fn insert_practice(
        &self,
        ap_id: &str,
        territory_id: Option<TerritoryId>,
        origin_actor: &str,
        c: &PracticeContent,
        author: &str,
    ) -> AppResult<PracticeId> {
        let mut tx = self.begin().await?;
        let id = insert(&mut tx, ap_id, territory_id, origin_actor, c, author).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces the content and records who changed which fields.
    pub async fn update_practice(
        &self,
        id: PracticeId,
        c: &PracticeContent,
        author: &str,
        changes: &str,
    ) -> AppResult<()> {
        let mut tx = self.begin().await?;
        update_content(&mut tx, id, c, author, changes).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_practice_status(&self, id: PracticeId, published: bool, author: &str) -> AppResult<bool> {
        let mut tx = self.begin().await?;
        let done = set_status(&mut tx, id, published, author).await?;
        tx.commit().await?;
        Ok(done)
    }

    pub async fn delete_practice(&self, id: PracticeId) -> AppResult<bool> {
        let mut conn = self.pool().acquire().await?;
        delete(&mut conn, id).await
    }

    pub async fn practice_by_ap_id(&self, ap_id: &str) -> AppResult<Option<PracticeRow>> {
        practice_by_ap_id_in(self.pool(), ap_id).await
    }

    pub async fn practice(&self, id: PracticeId) -> AppResult<Option<PracticeRow>> {
        practice_in(self.pool(), id).await
    }

    /// The territories (actor ids) with published practices here.
    pub async fn practice_origins(&self) -> AppResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT origin_actor FROM practices WHERE status = 'published' ORDER BY origin_actor",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// A local territory's practices, drafts included, latest change first (moderators' list).
    pub async fn territory_practices(&self, territory_id: TerritoryId) -> AppResult<Vec<PracticeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM practices WHERE territory_id = $1 ORDER BY updated_at DESC, id DESC"
        ))
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Practices created by `author` (a signatory's proposals), newest first.
    pub async fn practices_by_author(&self, territory_id: TerritoryId, author: &str) -> AppResult<Vec<PracticeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM practices WHERE territory_id = $1 AND author = $2 ORDER BY created_at DESC, id DESC"
        ))
        .bind(territory_id)
        .bind(author)
        .fetch_all(self.pool())
        .await?)
    }

    /// A local territory's pinned practices (published ones), last pinned first.
    pub async fn pinned_practices(&self, territory_id: TerritoryId) -> AppResult<Vec<PracticeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM practices WHERE territory_id = $1 AND pinned_at IS NOT NULL \
             AND status = 'published' ORDER BY pinned_at DESC, id DESC LIMIT 50"
        ))
        .bind(territory_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn practice_revisions(&self, id: PracticeId) -> AppResult<Vec<RevisionRow>> {
        Ok(sqlx::query_as(
            "SELECT id, author, changes, created_at FROM practice_revisions WHERE practice_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }
}

/// Binds the content columns as `$1`–`$17`, in the order both statements above name them:
/// one place that knows the content's shape.
fn bind_content<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    c: &'q PracticeContent,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let q = q
        .bind(&c.title)
        .bind(&c.summary)
        .bind(&c.body_md)
        .bind(&c.body_html)
        .bind(c.domains.joined())
        .bind(c.dimensions.to_json())
        .bind(c.structures.joined())
        .bind(&c.partners)
        .bind(&c.governance)
        .bind(&c.commune);
    let q = bind_double(bind_double(q, c.latitude), c.longitude);
    q.bind(c.tags.joined()).bind(&c.licence).bind(c.search_text()).bind(&c.structure_refs).bind(c.tag_keys())
}

/// A nullable `DOUBLE PRECISION`. sqlx 0.8.6's `Any` driver sends a NULL `f64` to PostgreSQL
/// as a `float4` (its `Null(Double)` and `Null(Real)` arms are swapped), and the connection's
/// cached statement then refuses a later 8-byte value ("incorrect binary data format in bind
/// parameter"): a NULL is bound as an `f32`, which that driver sends as `float8`.
/// https://github.com/launchbadge/sqlx/blob/v0.8.6/sqlx-core/src/any/arguments.rs
fn bind_double<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: Option<f64>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match v {
        Some(v) => q.bind(v),
        None => q.bind(None::<f32>),
    }
}

async fn revision(
    conn: &mut sqlx::AnyConnection,
    id: PracticeId,
    author: &str,
    changes: &str,
    c: &PracticeContent,
) -> AppResult<()> {
    sqlx::query("INSERT INTO practice_revisions (practice_id, author, changes, snapshot, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(author)
        .bind(changes)
        .bind(serde_json::to_string(c)?)
        .bind(now_millis())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A new draft, with its first revision entry, inside the caller's transaction.
/// [`Store::practice_by_ap_id`], read through the pool or inside a change's transaction.
pub async fn practice_by_ap_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    ap_id: &str,
) -> AppResult<Option<PracticeRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM practices WHERE ap_id = $1"))
        .bind(ap_id)
        .fetch_optional(conn)
        .await?)
}

/// A practice, read through the pool or inside a change's transaction.
pub async fn practice_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    id: PracticeId,
) -> AppResult<Option<PracticeRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM practices WHERE id = $1")).bind(id).fetch_optional(conn).await?)
}

pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    ap_id: &str,
    territory_id: Option<TerritoryId>,
    origin_actor: &str,
    c: &PracticeContent,
    author: &str,
) -> AppResult<PracticeId> {
    let now = now_millis();
    // $1–$17: the content (see `bind_content`), then the rest.
    let sql = "INSERT INTO practices (title, summary, body_md, body_html, domains, dimensions, structures, partners, \
               governance, commune, latitude, longitude, tags, licence, search_text, structure_refs, tag_keys, ap_id, \
               territory_id, origin_actor, status, author, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
               $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 'draft', $21, $22, $22) RETURNING id";
    let row = bind_content(sqlx::query(sql), c)
        .bind(ap_id)
        .bind(territory_id)
        .bind(origin_actor)
        .bind(author)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
    let id: PracticeId = sqlx::Row::try_get(&row, 0)?;
    set_dimensions(conn, id, c).await?;
    super::observatory::set_practice_indicators(conn, id, &c.dimensions).await?;
    revision(conn, id, author, "created", c).await?;
    Ok(id)
}

/// Replaces the content, with its revision entry, inside the caller's transaction.
pub async fn update_content(
    conn: &mut sqlx::AnyConnection,
    id: PracticeId,
    c: &PracticeContent,
    author: &str,
    changes: &str,
) -> AppResult<()> {
    let sql = "UPDATE practices SET title = $1, summary = $2, body_md = $3, body_html = $4, domains = $5, \
               dimensions = $6, structures = $7, partners = $8, governance = $9, commune = $10, latitude = $11, \
               longitude = $12, tags = $13, licence = $14, search_text = $15, structure_refs = $16, tag_keys = $17, \
               updated_at = $18 WHERE id = $19";
    bind_content(sqlx::query(sql), c).bind(now_millis()).bind(id).execute(&mut *conn).await?;
    set_dimensions(conn, id, c).await?;
    super::observatory::set_practice_indicators(conn, id, &c.dimensions).await?;
    revision(conn, id, author, changes, c).await
}

/// The dimension codes of `c.dimensions` as `practice_dimensions` rows (what the catalogue's
/// dimension filter reads; migration 0018), replaced in the caller's transaction.
async fn set_dimensions(conn: &mut sqlx::AnyConnection, id: PracticeId, c: &PracticeContent) -> AppResult<()> {
    sqlx::query("DELETE FROM practice_dimensions WHERE practice_id = $1").bind(id).execute(&mut *conn).await?;
    for code in c.dimensions.codes() {
        sqlx::query("INSERT INTO practice_dimensions (practice_id, dimension) VALUES ($1, $2)")
            .bind(id)
            .bind(code.code())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes a practice (its comments, reactions, adoptions and history go with it).
pub async fn delete(conn: &mut sqlx::AnyConnection, id: PracticeId) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM practices WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(done.rows_affected() > 0)
}

/// Pins at `at` (to the territory's `featured` collection) or unpins (`None`), inside the
/// caller's transaction; false when nothing changed.
pub async fn set_pinned(conn: &mut sqlx::AnyConnection, id: PracticeId, at: Option<i64>) -> AppResult<bool> {
    let done = if let Some(at) = at {
        sqlx::query("UPDATE practices SET pinned_at = $1 WHERE id = $2 AND pinned_at IS NULL").bind(at)
    } else {
        sqlx::query("UPDATE practices SET pinned_at = NULL WHERE id = $1 AND pinned_at IS NOT NULL")
    }
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Publishes or unpublishes, with its revision entry, inside the caller's transaction.
pub async fn set_status(
    conn: &mut sqlx::AnyConnection,
    id: PracticeId,
    published: bool,
    author: &str,
) -> AppResult<bool> {
    let now = now_millis();
    let status = if published { Status::Published } else { Status::Draft };
    let done = sqlx::query(
        "UPDATE practices SET status = $1, published_at = CASE WHEN $2 = 1 THEN COALESCE(published_at, $3) ELSE published_at END, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(i64::from(published))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO practice_revisions (practice_id, author, changes, snapshot, created_at) VALUES ($1, $2, $3, '{}', $4)")
        .bind(id)
        .bind(author)
        .bind(if published { "published" } else { "unpublished" })
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
