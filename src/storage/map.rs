//! The rows the map places (issue 13 point 6): listed signatories (their commune only: no
//! address, no contact), published practices and actions of this instance's territories with
//! their coordinates. Where they go on the map: domain/map.rs.

use super::Store;
use crate::{
    domain::{
        ids::{ActionId, PracticeId, SignatoryId, TerritoryId},
        signatory::Kind,
    },
    error::AppResult,
};

/// A listed, approved signatory as the map needs it: no contact detail is even read.
#[derive(Debug, sqlx::FromRow)]
pub struct SignatoryPlace {
    pub id: SignatoryId,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub name: String,
    pub commune: String,
}

/// A published practice or action and where it says it is.
#[derive(Debug, sqlx::FromRow)]
pub struct ItemPlace {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl ItemPlace {
    pub fn practice_id(&self) -> PracticeId {
        PracticeId(self.id)
    }

    pub fn action_id(&self) -> ActionId {
        ActionId(self.id)
    }
}

/// A published practice or action received from a territory one of ours follows: its id is
/// its page, at its origin.
#[derive(Debug, sqlx::FromRow)]
pub struct RemotePlace {
    pub ap_id: String,
    pub title: String,
    pub commune: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// Origins the network scope adds: the remote territories followed one by one or through a
/// subscription, as storage/observatory.rs says it for the figures.
const FOLLOWED: &str = super::observatory::network_territories!();

/// `AND <column> = $1` for one territory, nothing for the whole instance.
fn scope(column: &str, territory: Option<TerritoryId>) -> String {
    territory.map(|_| format!(" AND {column} = $1")).unwrap_or_default()
}

impl Store {
    /// Approved and listed signatories of one territory, or of every local territory.
    pub async fn map_signatories(&self, territory: Option<TerritoryId>) -> AppResult<Vec<SignatoryPlace>> {
        let sql = format!(
            "SELECT id, kind, name, commune FROM signatories WHERE status = 'approved' AND listed = 1{} ORDER BY name, id",
            scope("territory_id", territory)
        );
        let mut q = sqlx::query_as(&sql);
        if let Some(t) = territory {
            q = q.bind(t);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Published practices of one local territory, or of every local territory.
    pub async fn map_practices(&self, territory: Option<TerritoryId>) -> AppResult<Vec<ItemPlace>> {
        let sql = format!(
            "SELECT p.id, t.slug, p.title, p.commune, p.latitude, p.longitude FROM practices p \
             JOIN territories t ON t.id = p.territory_id WHERE p.status = 'published'{} ORDER BY p.title, p.id",
            scope("p.territory_id", territory)
        );
        let mut q = sqlx::query_as(&sql);
        if let Some(t) = territory {
            q = q.bind(t);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Published, not cancelled, actions of one local territory, or of every local territory.
    pub async fn map_actions(&self, territory: Option<TerritoryId>) -> AppResult<Vec<ItemPlace>> {
        let sql = format!(
            "SELECT a.id, t.slug, a.title, a.commune, a.latitude, a.longitude FROM actions a \
             JOIN territories t ON t.id = a.territory_id WHERE a.publication = 'published' \
             AND a.status <> 'cancelled'{} ORDER BY a.starts_at DESC, a.id",
            scope("a.territory_id", territory)
        );
        let mut q = sqlx::query_as(&sql);
        if let Some(t) = territory {
            q = q.bind(t);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Published practices received from the network's remote territories (the map's network scope).
    pub async fn map_followed_practices(&self) -> AppResult<Vec<RemotePlace>> {
        Ok(sqlx::query_as(&format!(
            "SELECT p.ap_id, p.title, p.commune, p.latitude, p.longitude FROM practices p \
             WHERE p.territory_id IS NULL AND p.status = 'published' AND p.origin_actor IN ({FOLLOWED}) \
             ORDER BY p.title, p.id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    /// Published, not cancelled, actions received from the network's remote territories.
    pub async fn map_followed_actions(&self) -> AppResult<Vec<RemotePlace>> {
        Ok(sqlx::query_as(&format!(
            "SELECT a.ap_id, a.title, a.commune, a.latitude, a.longitude FROM actions a \
             WHERE a.territory_id IS NULL AND a.publication = 'published' AND a.status <> 'cancelled' \
             AND a.origin_actor IN ({FOLLOWED}) ORDER BY a.starts_at DESC, a.id"
        ))
        .fetch_all(self.pool())
        .await?)
    }
}
