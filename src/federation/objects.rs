//! Remote actors as federation-crate objects, so that `ObjectId::dereference` fetches, verifies,
//! caches and refreshes them for us.

use activitypub_federation::{
    config::Data,
    fetch::object_id::ObjectId,
    traits::{Actor, Object},
};
use chrono::{DateTime, Utc};
use url::Url;

use super::{protocol::actor::RemoteActorJson, signatures::host_header};
use crate::{
    domain::millis_to_datetime,
    error::{AppError, AppResult},
    state::AppState,
    storage::actors::{NewRemoteActor, RemoteActorRow},
};

#[derive(Debug, Clone)]
pub struct DbRemoteActor {
    pub row: RemoteActorRow,
    ap_id: Url,
    inbox: Url,
}

impl DbRemoteActor {
    pub fn new(row: RemoteActorRow) -> AppResult<DbRemoteActor> {
        let ap_id = Url::parse(&row.ap_id)?;
        let inbox = Url::parse(&row.inbox)?;
        Ok(DbRemoteActor { row, ap_id, inbox })
    }
}

#[async_trait::async_trait]
impl Object for DbRemoteActor {
    type DataType = AppState;
    type Kind = RemoteActorJson;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.ap_id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(millis_to_datetime(self.row.fetched_at))
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> AppResult<Option<Self>> {
        data.store.remote_actor_by_ap_id(id.as_str()).await?.map(DbRemoteActor::new).transpose()
    }

    async fn delete(&self, data: &Data<AppState>) -> AppResult<()> {
        data.store.delete_remote_actor(self.ap_id.as_str()).await
    }

    async fn into_json(self, _data: &Data<AppState>) -> AppResult<RemoteActorJson> {
        // Remote actors are never served by us; their own server does.
        Err(AppError::NotFound("remote actor".into()))
    }

    async fn verify(json: &RemoteActorJson, expected: &Url, _data: &Data<AppState>) -> AppResult<()> {
        // Host and port: two servers on one host name (tests, some LANs) are distinct servers.
        if host_header(&json.id) != host_header(expected) {
            return Err(AppError::Forbidden("actor id is not on the host it was fetched from".into()));
        }
        if host_header(&json.inbox) != host_header(&json.id) {
            return Err(AppError::Forbidden("actor inbox on another host".into()));
        }
        if json.main_key().is_none() {
            return Err(AppError::BadGateway("actor publishes no key of its own".into()));
        }
        Ok(())
    }

    async fn from_json(json: RemoteActorJson, data: &Data<AppState>) -> AppResult<Self> {
        let key = json.main_key().ok_or_else(|| AppError::BadGateway("actor without key".into()))?;
        let ed25519 = json.ed25519_key();
        let new = NewRemoteActor {
            ap_id: json.id.to_string(),
            kind: json.kind.clone(),
            preferred_username: json.preferred_username.clone().map(|s| s.chars().take(200).collect()),
            name: json.name.clone().map(|s| s.chars().take(200).collect()),
            url: json.profile_url(),
            inbox: json.inbox.to_string(),
            shared_inbox: json.endpoints.as_ref().and_then(|e| e.shared_inbox.as_ref()).map(Url::to_string),
            key_id: key.id.clone(),
            public_key_pem: key.public_key_pem.clone(),
            host: host_header(&json.id),
            ed25519_key_id: ed25519.as_ref().map(|(id, _)| id.clone()),
            ed25519_public_key: ed25519.map(|(_, k)| k),
        };
        DbRemoteActor::new(data.store.upsert_remote_actor(&new).await?)
    }
}

impl Actor for DbRemoteActor {
    fn public_key_pem(&self) -> &str {
        &self.row.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        None
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.row.shared_inbox.as_deref().and_then(|s| Url::parse(s).ok())
    }
}

/// Finds the actor that owns `key_id`, from the cache or by fetching it. `force` refetches
/// (used once when a cached key fails to verify: the actor may have rotated its key).
///
/// Key ids come in three shapes: `actor#main-key` (Mastodon), `actor/main-key` (GoToSocial, whose
/// key URL serves the actor) and the bare actor URL. Fetching the id without its fragment
/// covers all three; the crate follows a same-host `id` that differs from the fetched URL.
pub async fn resolve_key_owner(data: &Data<AppState>, key_id: &str, force: bool) -> AppResult<RemoteActorRow> {
    if !force && let Some(row) = data.store.remote_actor_by_key_id(key_id).await? {
        return Ok(row);
    }
    let mut url = Url::parse(key_id).map_err(|_| AppError::Unauthorized("keyId is not a URL".into()))?;
    url.set_fragment(None);
    // A known actor signing with a key id we have not stored (a rotation, or another of its
    // keys): refetch it rather than use the cached copy.
    let known = data.store.remote_actor_by_ap_id(url.as_str()).await?.is_some();
    let id = ObjectId::<DbRemoteActor>::from(url);
    let actor = if force || known { id.dereference_forced(data).await? } else { id.dereference(data).await? };
    if actor.row.key_id != key_id && actor.row.ed25519_key_id.as_deref() != Some(key_id) {
        return Err(AppError::Unauthorized("the key is not the one its owner publishes".into()));
    }
    Ok(actor.row)
}
