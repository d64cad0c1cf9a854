//! Writes that only `maillage bench` makes: many practices seeded in one transaction, and
//! throwaway PostgreSQL databases. The server never calls these; they live here because all SQL
//! does (the benchmark must measure the same tables and indexes the server uses).

use super::{Backend, Store};
use crate::{
    domain::{
        practice::Dimension,
        practice_dimensions::{DimensionTarget, Dimensions, IndicatorValue},
    },
    error::AppResult,
};

/// One published practice received from another territory, as the benchmark invents it.
pub struct SeedPractice {
    pub ap_id: String,
    pub origin_actor: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub domain: String,
    /// The dimension it documents (one, with one indicator).
    pub dimension: Dimension,
    pub tag: String,
    pub search_text: String,
    pub at: i64,
}

impl Store {
    /// Inserts `practices` in one transaction, with their `practice_dimensions` rows (what the
    /// catalogue's dimension filter reads), as received practices are stored.
    pub async fn seed_practices(&self, practices: &[SeedPractice]) -> AppResult<()> {
        let mut tx = self.begin().await?;
        for p in practices {
            let dims = Dimensions(vec![DimensionTarget {
                dimension: p.dimension,
                indicators: vec![IndicatorValue {
                    indicator: None,
                    name: "n".into(),
                    period: String::new(),
                    unit: String::new(),
                    value: 1.into(),
                }],
                text: String::new(),
            }])
            .to_json();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO practices (ap_id, origin_actor, status, title, summary, body_md, body_html, domains, \
                 dimensions, tags, tag_keys, licence, search_text, author, created_at, updated_at, published_at) \
                 VALUES ($1, $2, 'published', $3, $4, $5, $5, $6, $7, $8, $8, 'CC-BY-SA-4.0', $9, 'bench', $10, $10, $10) \
                 RETURNING id",
            )
            .bind(&p.ap_id)
            .bind(&p.origin_actor)
            .bind(&p.title)
            .bind(&p.summary)
            .bind(&p.body)
            .bind(&p.domain)
            .bind(&dims)
            .bind(&p.tag)
            .bind(&p.search_text)
            .bind(p.at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO practice_dimensions (practice_id, dimension) VALUES ($1, $2)")
                .bind(id)
                .bind(p.dimension.code())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        // Statistics as a running server has them (autovacuum's analyze): without, PostgreSQL
        // guesses that a word is rare and sorts every match of a common one.
        if self.backend() == Backend::Postgres {
            sqlx::query("ANALYZE practices").execute(self.pool()).await?;
            sqlx::query("ANALYZE practice_dimensions").execute(self.pool()).await?;
        }
        Ok(())
    }

    /// Every practice id (the benchmark's one-row reads pick among them).
    pub async fn practice_ids(&self) -> AppResult<Vec<crate::domain::ids::PracticeId>> {
        Ok(sqlx::query_scalar("SELECT id FROM practices").fetch_all(self.pool()).await?)
    }
}

/// Creates the database `name` on the PostgreSQL server of `admin_url` (a benchmark's own).
/// `name` is made by the caller from letters, digits and `_` only.
pub async fn create_postgres_database(admin_url: &str, name: &str) -> AppResult<()> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
    Ok(())
}

/// Drops a database made by [`create_postgres_database`]; best effort (the benchmark is ending).
pub async fn drop_postgres_database(admin_url: &str, name: &str) {
    if let Ok(mut conn) = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
    }
}
