//! Writes that only `maillage bench` makes: many practices seeded in one transaction, and
//! throwaway PostgreSQL databases. The server never calls these; they live here because all SQL
//! does (the benchmark must measure the same tables and indexes the server uses).

use super::{Backend, Store};
use crate::{
    domain::{
        ids::TerritoryId,
        now_millis,
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

    /// The full-text index as the delivery worker's maintenance keeps it (SQLite): merged a
    /// step at a time until nothing is left to merge. Returns the steps taken.
    pub async fn merge_search_index_fully(&self) -> AppResult<usize> {
        for step in 0..100_000 {
            if self.merge_search_index().await? == 0 {
                return Ok(step);
            }
        }
        Ok(100_000)
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

/// A territory of the observatory benchmark's network, remote: followed one by one by the
/// default territory, or on an instance our instance actor subscribes to as a whole.
pub struct SeedRemoteTerritory {
    pub ap_id: String,
    pub name: String,
    pub host: String,
    /// The instance actor of its host when it comes by a subscription; None: followed.
    pub via_instance: Option<String>,
}

/// A published practice with one reference indicator, local (`territory_id`) or received.
pub struct SeedMeasuredPractice {
    pub territory_id: Option<TerritoryId>,
    pub ap_id: String,
    pub origin_actor: String,
    pub title: String,
    pub domain: String,
    pub commune: String,
    pub dimension: Dimension,
    /// Reference indicator id, its value, unit and period.
    pub indicator: (String, f64, String, String),
    pub at: i64,
}

/// A published shared action, with the evaluation its origin wrote when `evaluation` is some
/// (a reference indicator id, value, unit and period).
pub struct SeedAction {
    pub territory_id: Option<TerritoryId>,
    pub ap_id: String,
    pub origin_actor: String,
    pub title: String,
    pub commune: String,
    pub starts_at: i64,
    pub participants: i64,
    pub evaluation: Option<(String, f64, String, String)>,
}

/// An approved, listed signatory of a local territory (the observatory counts it).
pub struct SeedSignatory {
    pub territory_id: TerritoryId,
    pub structure: bool,
    pub name: String,
    pub commune: String,
    pub domain: String,
    pub at: i64,
}

impl Store {
    /// Local territories (`slug`, `name`) sharing one key pair, each with a charter version its
    /// signatories signed: `(territory, charter)` ids in order.
    pub async fn seed_territories(
        &self,
        territories: &[(String, String)],
        public_key_pem: &str,
        private_key_pem: &str,
    ) -> AppResult<Vec<(TerritoryId, i64)>> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(territories.len());
        for (slug, name) in territories {
            let (id,): (TerritoryId,) = sqlx::query_as(
                "INSERT INTO territories (slug, name, public_key_pem, private_key_pem, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(slug)
            .bind(name)
            .bind(public_key_pem)
            .bind(private_key_pem)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let (charter,): (i64,) = sqlx::query_as(
                "INSERT INTO charters (territory_id, version, content_md, published_at) VALUES ($1, '2024', $2, $3) \
                 RETURNING id",
            )
            .bind(id)
            .bind("# Charte des CCES")
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            ids.push((id, charter));
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Remote territories (their actors, one shared public key) in the network of `follower`:
    /// an accepted follow each, or an accepted subscription to their instance's actor.
    pub async fn seed_remote_territories(
        &self,
        follower: TerritoryId,
        territories: &[SeedRemoteTerritory],
        public_key_pem: &str,
    ) -> AppResult<()> {
        let now = now_millis();
        let mut tx = self.begin().await?;
        let actor = |ap_id: &str, kind: &str, name: &str, host: &str| {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO remote_actors (ap_id, kind, preferred_username, name, url, inbox, shared_inbox, key_id, \
                 public_key_pem, host, fetched_at) VALUES ($1, $2, $3, $3, $1, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (ap_id) DO UPDATE SET fetched_at = excluded.fetched_at RETURNING id",
            )
            .bind(ap_id.to_string())
            .bind(kind.to_string())
            .bind(name.to_string())
            .bind(format!("{ap_id}/inbox"))
            .bind(format!("https://{host}/inbox"))
            .bind(format!("{ap_id}#main-key"))
            .bind(public_key_pem.to_string())
            .bind(host.to_string())
            .bind(now)
        };
        for t in territories {
            let id = actor(&t.ap_id, "Group", &t.name, &t.host).fetch_one(&mut *tx).await?;
            match &t.via_instance {
                None => {
                    sqlx::query(
                        "INSERT INTO following (territory_id, actor_id, follow_ap_id, state, created_at) \
                         VALUES ($1, $2, $3, 'accepted', $4)",
                    )
                    .bind(follower)
                    .bind(id)
                    .bind(format!("{}#follow-by-bench", t.ap_id))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                Some(instance) => {
                    let via = actor(instance, "Application", &t.host, &t.host).fetch_one(&mut *tx).await?;
                    sqlx::query(
                        "INSERT INTO instance_following (actor_id, kind, follow_ap_id, state, created_at) \
                         VALUES ($1, 'instance', $2, 'accepted', $3) ON CONFLICT (actor_id) DO NOTHING",
                    )
                    .bind(via)
                    .bind(format!("{instance}#follow-by-bench"))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Approved, listed signatories, in one transaction.
    pub async fn seed_signatories(
        &self,
        signatories: &[SeedSignatory],
        charters: &[(TerritoryId, i64)],
    ) -> AppResult<()> {
        let mut tx = self.begin().await?;
        for s in signatories {
            let charter = charters.iter().find(|(t, _)| *t == s.territory_id).map(|(_, c)| *c).unwrap_or_default();
            let (kind, legal_form, roles) =
                if s.structure { ("structure", "association", "") } else { ("individual", "", "citoyen") };
            sqlx::query(
                "INSERT INTO signatories (territory_id, charter_id, kind, status, listed, name, roles, legal_form, \
                 domains, commune, created_at, confirmed_at, decided_at) \
                 VALUES ($1, $2, $3, 'approved', 1, $4, $5, $6, $7, $8, $9, $9, $9)",
            )
            .bind(s.territory_id)
            .bind(charter)
            .bind(kind)
            .bind(&s.name)
            .bind(roles)
            .bind(legal_form)
            .bind(&s.domain)
            .bind(&s.commune)
            .bind(s.at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Published practices with their dimension and indicator rows (what the refresher reads),
    /// in one transaction, as stored when written here or received.
    pub async fn seed_measured_practices(&self, practices: &[SeedMeasuredPractice]) -> AppResult<()> {
        let mut tx = self.begin().await?;
        for p in practices {
            let (reference, value, unit, period) = &p.indicator;
            let dims = Dimensions(vec![DimensionTarget {
                dimension: p.dimension,
                indicators: vec![IndicatorValue {
                    indicator: Some(reference.clone()),
                    name: String::new(),
                    period: period.clone(),
                    unit: unit.clone(),
                    value: serde_json::Number::from_f64(*value).unwrap_or_else(|| 0.into()),
                }],
                text: String::new(),
            }])
            .to_json();
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO practices (ap_id, territory_id, origin_actor, status, title, summary, body_md, body_html, \
                 domains, dimensions, commune, licence, author, created_at, updated_at, published_at) \
                 VALUES ($1, $2, $3, 'published', $4, $4, $4, $4, $5, $6, $7, 'CC-BY-SA-4.0', 'bench', $8, $8, $8) \
                 RETURNING id",
            )
            .bind(&p.ap_id)
            .bind(p.territory_id)
            .bind(&p.origin_actor)
            .bind(&p.title)
            .bind(&p.domain)
            .bind(&dims)
            .bind(&p.commune)
            .bind(p.at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO practice_dimensions (practice_id, dimension) VALUES ($1, $2)")
                .bind(id)
                .bind(p.dimension.code())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO practice_indicators (practice_id, position, dimension, reference_id, label, value, unit, \
                 period) VALUES ($1, 0, $2, $3, '', $4, $5, $6)",
            )
            .bind(id)
            .bind(p.dimension.code())
            .bind(reference)
            .bind(*value)
            .bind(unit)
            .bind(period)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Published shared actions, each with its origin's evaluation when it has one, in one
    /// transaction.
    pub async fn seed_actions(&self, actions: &[SeedAction]) -> AppResult<()> {
        let mut tx = self.begin().await?;
        for a in actions {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO actions (ap_id, territory_id, origin_actor, publication, status, title, starts_at, ends_at, \
                 timezone, commune, join_mode, remote_participants, author, created_at, updated_at, published_at) \
                 VALUES ($1, $2, $3, 'published', 'scheduled', $4, $5, $6, 'Europe/Paris', $7, 'free', $8, 'bench', \
                 $5, $5, $5) RETURNING id",
            )
            .bind(&a.ap_id)
            .bind(a.territory_id)
            .bind(&a.origin_actor)
            .bind(&a.title)
            .bind(a.starts_at)
            .bind(a.starts_at + 3_600_000)
            .bind(&a.commune)
            .bind(a.participants)
            .fetch_one(&mut *tx)
            .await?;
            let Some((reference, value, unit, period)) = &a.evaluation else { continue };
            let (evaluation,): (i64,) = sqlx::query_as(
                "INSERT INTO action_evaluations (action_id, organizer, territory_id, participants, author, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, 'bench', $5, $5) RETURNING id",
            )
            .bind(id)
            .bind(&a.origin_actor)
            .bind(a.territory_id)
            .bind(a.participants)
            .bind(a.starts_at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO action_evaluation_indicators (evaluation_id, position, dimension, label, value, unit, period, \
                 cces_indicator) VALUES ($1, 0, 'sociale', 'Bénévoles', $2, $3, $4, $5)",
            )
            .bind(evaluation)
            .bind(*value)
            .bind(unit)
            .bind(period)
            .bind(reference)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        if self.backend() == Backend::Postgres {
            for table in ["practices", "practice_indicators", "practice_dimensions", "actions", "observatory_origins"] {
                sqlx::query(&format!("ANALYZE {table}")).execute(self.pool()).await?;
            }
        }
        Ok(())
    }

    /// Ids of practices of local territories (the benchmark's one-row pages).
    pub async fn local_practice_ids(&self, limit: i64) -> AppResult<Vec<crate::domain::ids::PracticeId>> {
        Ok(sqlx::query_scalar("SELECT id FROM practices WHERE territory_id IS NOT NULL ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
    }

    /// `(origins still to compute, origins computed at or after `since`)`: the benchmark waits
    /// for the first to reach 0, and checks that page reads leave the second at 0.
    pub async fn observatory_progress(&self, since: i64) -> AppResult<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM observatory_origins WHERE version > computed_version \
             AND aggregate_received_at IS NULL), \
             (SELECT COUNT(*) FROM observatory_origins WHERE computed_at >= $1)",
        )
        .bind(since)
        .fetch_one(self.pool())
        .await?)
    }
}
