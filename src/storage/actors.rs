//! Remote actors we know, and the instance actor's keys.

use sqlx::FromRow;

use super::Store;
use crate::{
    domain::{key_pair::KeyPairPem, now_millis},
    error::AppResult,
};

#[derive(Debug, Clone, FromRow)]
pub struct RemoteActorRow {
    pub id: i64,
    pub ap_id: String,
    pub kind: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub key_id: String,
    pub public_key_pem: String,
    pub host: String,
    pub fetched_at: i64,
    pub ed25519_key_id: Option<String>,
    /// Multibase (`z…`) Ed25519 public key.
    pub ed25519_public_key: Option<String>,
}

const COLUMNS: &str = "id, ap_id, kind, preferred_username, name, url, inbox, shared_inbox, key_id, \
                       public_key_pem, host, fetched_at, ed25519_key_id, ed25519_public_key";

/// What we keep of a fetched actor.
#[derive(Debug, Clone)]
pub struct NewRemoteActor {
    pub ap_id: String,
    pub kind: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub key_id: String,
    pub public_key_pem: String,
    pub host: String,
    pub ed25519_key_id: Option<String>,
    pub ed25519_public_key: Option<String>,
}

impl Store {
    pub async fn remote_actor_by_ap_id(&self, ap_id: &str) -> AppResult<Option<RemoteActorRow>> {
        remote_actor_by_ap_id_in(self.pool(), ap_id).await
    }

    pub async fn remote_actor_by_key_id(&self, key_id: &str) -> AppResult<Option<RemoteActorRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM remote_actors WHERE key_id = $1 OR ed25519_key_id = $1"))
            .bind(key_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Inserts or refreshes an actor (ActivityPub has no create/update distinction for fetches).
    pub async fn upsert_remote_actor(&self, a: &NewRemoteActor) -> AppResult<RemoteActorRow> {
        let mut conn = self.pool().acquire().await?;
        upsert_remote_actor(&mut conn, a).await
    }

    /// Forgets actors whose own inbox answered 410 Gone (their follows go with them).
    pub async fn delete_remote_actors_with_inbox(&self, inbox: &str) -> AppResult<u64> {
        let done = sqlx::query("DELETE FROM remote_actors WHERE inbox = $1").bind(inbox).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }

    /// Forgets an actor that was deleted on its server (its follows go with it).
    pub async fn delete_remote_actor(&self, ap_id: &str) -> AppResult<()> {
        delete_remote_actor_in(&mut *self.pool().acquire().await?, ap_id).await
    }

    /// The instance actor's key pair, created by `generate` on first call (storage keeps keys,
    /// it does not make them). Concurrent first calls (several processes on one database)
    /// converge on the row that was inserted first.
    pub async fn instance_keys(&self, generate: impl FnOnce() -> AppResult<KeyPairPem>) -> AppResult<KeyPairPem> {
        if let Some(k) = self.read_instance_keys().await? {
            return Ok(k);
        }
        let keys = generate()?;
        sqlx::query(
            "INSERT INTO instance_actor (id, public_key_pem, private_key_pem, created_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&keys.public_key_pem)
        .bind(&keys.private_key_pem)
        .bind(now_millis())
        .execute(self.pool())
        .await?;
        self.read_instance_keys()
            .await?
            .ok_or_else(|| crate::error::AppError::Internal("instance keys missing after insert".into()))
    }

    async fn read_instance_keys(&self) -> AppResult<Option<KeyPairPem>> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT public_key_pem, private_key_pem FROM instance_actor WHERE id = 1")
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(public_key_pem, private_key_pem)| KeyPairPem { public_key_pem, private_key_pem }))
    }
}

/// [`Store::upsert_remote_actor`] inside the caller's transaction.
pub async fn upsert_remote_actor(conn: &mut sqlx::AnyConnection, a: &NewRemoteActor) -> AppResult<RemoteActorRow> {
    Ok(sqlx::query_as(&format!(
        "INSERT INTO remote_actors (ap_id, kind, preferred_username, name, url, inbox, shared_inbox, \
         key_id, public_key_pem, host, fetched_at, ed25519_key_id, ed25519_public_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (ap_id) DO UPDATE SET kind = excluded.kind, preferred_username = excluded.preferred_username, \
         name = excluded.name, url = excluded.url, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, \
         key_id = excluded.key_id, public_key_pem = excluded.public_key_pem, host = excluded.host, \
         fetched_at = excluded.fetched_at, ed25519_key_id = excluded.ed25519_key_id, \
         ed25519_public_key = excluded.ed25519_public_key RETURNING {COLUMNS}"
    ))
    .bind(&a.ap_id)
    .bind(&a.kind)
    .bind(a.preferred_username.as_deref())
    .bind(a.name.as_deref())
    .bind(a.url.as_deref())
    .bind(&a.inbox)
    .bind(a.shared_inbox.as_deref())
    .bind(&a.key_id)
    .bind(&a.public_key_pem)
    .bind(&a.host)
    .bind(now_millis())
    .bind(a.ed25519_key_id.as_deref())
    .bind(a.ed25519_public_key.as_deref())
    .fetch_one(&mut *conn)
    .await?)
}

/// [`Store::remote_actor_by_ap_id`], read through the pool or inside a change's transaction.
pub async fn remote_actor_by_ap_id_in<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    ap_id: &str,
) -> AppResult<Option<RemoteActorRow>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM remote_actors WHERE ap_id = $1"))
        .bind(ap_id)
        .fetch_optional(conn)
        .await?)
}

/// [`Store::delete_remote_actor`], inside the caller's transaction.
pub async fn delete_remote_actor_in(conn: &mut sqlx::AnyConnection, ap_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM remote_actors WHERE ap_id = $1").bind(ap_id).execute(conn).await?;
    Ok(())
}
