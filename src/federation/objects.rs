//! Remote actors: who owns a key (every way servers publish keys), what a handle or URL names,
//! and the checks an actor passes before it is stored. Also the federation-crate object, so
//! that `ObjectId::dereference` can cache and refresh actors for other code paths.

use activitypub_federation::{
    config::Data,
    traits::{Actor, Object},
};
use chrono::{DateTime, Utc};
use serde_json::Value;
use url::Url;

use super::{
    fetch::{self, Accept, Fetched, string_field},
    protocol::actor::RemoteActorJson,
    signatures::host_header,
};
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

    async fn verify(json: &RemoteActorJson, expected: &Url, data: &Data<AppState>) -> AppResult<()> {
        // Host and port: two servers on one host name (tests, some LANs) are distinct servers.
        if host_header(&json.id) != host_header(expected) {
            return Err(AppError::Forbidden("actor id is not on the host it was fetched from".into()));
        }
        // Where we deliver must be the actor's own server over the web: an actor naming another
        // host's inbox (or a `javascript:`/`file:` one) would make us post there in its name.
        let allow_http = data.config.allow_private_network;
        let web = |u: &Url| u.scheme() == "https" || (allow_http && u.scheme() == "http");
        if !web(&json.id) {
            return Err(AppError::Forbidden("actor id is not https".into()));
        }
        let shared = json.endpoints.as_ref().and_then(|e| e.shared_inbox.as_ref());
        for (what, inbox) in std::iter::once(("inbox", &json.inbox)).chain(shared.map(|s| ("sharedInbox", s))) {
            if !web(inbox) || host_header(inbox) != host_header(&json.id) {
                return Err(AppError::Forbidden(format!("actor {what} is not an http(s) URL on its host")));
            }
        }
        if json.main_key().is_none() {
            return Err(AppError::BadGateway("actor publishes no key of its own".into()));
        }
        json.ed25519_key()?;
        Ok(())
    }

    async fn from_json(json: RemoteActorJson, data: &Data<AppState>) -> AppResult<Self> {
        DbRemoteActor::new(data.store.upsert_remote_actor(&new_remote_actor(&json)?).await?)
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
/// (used when a cached key fails to verify: the actor may have rotated its key).
///
/// Servers publish keys in three ways, all handled from the document at the key id:
/// - a fragment of the actor (`actor#main-key`: Mastodon, Misskey, Pleroma): the document is the
///   actor itself;
/// - a separate URL serving a stub actor (`actor/main-key`: GoToSocial) with `id`, `type`,
///   `preferredUsername` and `publicKey` but no `inbox`: its `publicKey.owner` names the actor;
/// - a `CryptographicKey` (`owner`) or FEP-521a `Multikey` (`controller`) document.
///
/// In the last two cases the owner is fetched and must list the key: the key document alone
/// proves nothing. https://docs.gotosocial.org/en/latest/federation/federating_with_gotosocial/
/// https://codeberg.org/fediverse/fep/src/branch/main/fep/521a/fep-521a.md
pub async fn resolve_key_owner(data: &Data<AppState>, key_id: &str, force: bool) -> AppResult<RemoteActorRow> {
    if !force && let Some(row) = data.store.remote_actor_by_key_id(key_id).await? {
        return Ok(row);
    }
    let key_url = Url::parse(key_id).map_err(|_| AppError::Unauthorized("keyId is not a URL".into()))?;
    let doc = fetch::get_json(data, &key_url, Accept::ActivityPub).await?;
    let owner = key_owner(&doc, key_id)?;
    if host_header(&owner) != host_header(&key_url) {
        return Err(AppError::Forbidden(format!("the owner of key {key_id} is on another host")));
    }
    let actor = if doc.json.get("inbox").is_some() && owner == doc.url {
        store_fetched_actor(data, &doc).await?
    } else {
        fetch_actor(data, &owner).await?
    };
    if actor.row.key_id != key_id && actor.row.ed25519_key_id.as_deref() != Some(key_id) {
        return Err(AppError::Unauthorized(format!("{} does not list the key {key_id}", actor.row.ap_id)));
    }
    Ok(actor.row)
}

/// The actor a key document names as its owner.
fn key_owner(doc: &Fetched, key_id: &str) -> AppResult<Url> {
    let json = &doc.json;
    let kind = json.get("type").and_then(Value::as_str).unwrap_or_default();
    let owner = if json.get("inbox").is_some() {
        string_field(json, "id")
    } else if matches!(kind, "CryptographicKey" | "Key" | "Multikey") {
        string_field(json, "owner").or_else(|| string_field(json, "controller"))
    } else {
        // A stub actor: the key it lists under that id says who owns it.
        let listed = |field: &str, owner_field: &str| {
            let items = match json.get(field) {
                Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
                Some(v) => vec![v],
                None => vec![],
            };
            items
                .into_iter()
                .find(|k| k.get("id").and_then(Value::as_str) == Some(key_id))
                .and_then(|k| string_field(k, owner_field))
        };
        listed("publicKey", "owner").or_else(|| listed("assertionMethod", "controller"))
    };
    let owner =
        owner.ok_or_else(|| AppError::BadGateway(format!("{} names no owner for the key {key_id}", doc.url)))?;
    let mut owner =
        Url::parse(owner).map_err(|_| AppError::BadGateway(format!("{} names an owner that is not a URL", doc.url)))?;
    owner.set_fragment(None);
    Ok(owner)
}

/// Fetches the actor `id` (signed GET), checks and stores it.
pub async fn fetch_actor(data: &Data<AppState>, id: &Url) -> AppResult<DbRemoteActor> {
    let doc = fetch::get_json(data, id, Accept::ActivityPub).await?;
    let declared = string_field(&doc.json, "id").and_then(|s| Url::parse(s).ok());
    match declared {
        // A profile page or alias answering with the actor (same host): read it from its id.
        Some(real) if real != doc.url && host_header(&real) == host_header(&doc.url) => {
            let again = fetch::get_json(data, &real, Accept::ActivityPub).await?;
            store_fetched_actor(data, &again).await
        }
        _ => store_fetched_actor(data, &doc).await,
    }
}

/// Checks a fetched actor document (it must be the document at its own id) and stores it.
async fn store_fetched_actor(data: &Data<AppState>, doc: &Fetched) -> AppResult<DbRemoteActor> {
    let json: RemoteActorJson = fetch::parse(doc, "actor")?;
    if json.id != doc.url {
        return Err(AppError::Forbidden(format!("{} serves an actor with another id", doc.url)));
    }
    DbRemoteActor::verify(&json, &doc.url, data).await?;
    DbRemoteActor::from_json(json, data).await
}

/// Resolves what an operator typed (`name@host`, `@name@host`, `acct:name@host` or an actor
/// URL) to an actor, through WebFinger (RFC 7033) when needed. Errors name the URL that failed
/// and how (status, content type, parse error), for the CLI and the admin console.
pub async fn lookup_actor(data: &Data<AppState>, handle: &str) -> AppResult<DbRemoteActor> {
    let h = handle.trim();
    let id = if h.starts_with("https://") || h.starts_with("http://") {
        let mut url = Url::parse(h)?;
        url.set_fragment(None);
        url
    } else {
        webfinger_actor_id(data, h).await?
    };
    let cached = data.store.remote_actor_by_ap_id(id.as_str()).await?;
    let fresh = |r: &RemoteActorRow| Utc::now().timestamp_millis() - r.fetched_at < 24 * 3600 * 1000;
    match cached {
        Some(row) if fresh(&row) => DbRemoteActor::new(row),
        cached => match fetch_actor(data, &id).await {
            Ok(a) => Ok(a),
            // Unreachable now but known: the stored copy still names its inbox (for an Undo).
            Err(e) => match cached {
                Some(row) if !matches!(e, AppError::Gone(_)) => {
                    tracing::info!(actor = %id, error = %e, "refresh failed; using the stored copy");
                    DbRemoteActor::new(row)
                }
                _ => Err(e),
            },
        },
    }
}

/// The ActivityPub id WebFinger gives for `name@host`.
async fn webfinger_actor_id(data: &Data<AppState>, handle: &str) -> AppResult<Url> {
    let acct = handle.trim_start_matches("acct:").trim_start_matches('@');
    let Some((user, host)) = acct.rsplit_once('@').filter(|(u, h)| !u.is_empty() && !h.is_empty()) else {
        return Err(AppError::BadRequest(format!("`{handle}` is not a handle like name@host")));
    };
    // Test and LAN peers speak plain http, as this instance does when it may reach them.
    let scheme = if data.config.allow_private_network { data.config.public_url.scheme() } else { "https" };
    let mut url = Url::parse(&format!("{scheme}://{host}/.well-known/webfinger"))
        .map_err(|_| AppError::BadRequest(format!("`{host}` is not a host name")))?;
    url.query_pairs_mut().append_pair("resource", &format!("acct:{user}@{host}"));
    let doc = fetch::get_json(data, &url, Accept::WebFinger).await?;
    let links = doc.json.get("links").and_then(Value::as_array).cloned().unwrap_or_default();
    let href = links.iter().find_map(|l| {
        let ap = l.get("type").and_then(Value::as_str).is_some_and(|t| Accept::ActivityPub.accepts(t));
        let rel_self = l.get("rel").and_then(Value::as_str) == Some("self");
        (ap && rel_self).then(|| l.get("href").and_then(Value::as_str)).flatten()
    });
    let href = href.ok_or_else(|| {
        AppError::BadGateway(format!(
            "{url} lists no ActivityPub actor (a `self` link of type application/activity+json)"
        ))
    })?;
    Url::parse(href).map_err(|_| AppError::BadGateway(format!("{url} links to an actor id that is not a URL")))
}

/// The row to store for a verified actor document.
pub fn new_remote_actor(json: &RemoteActorJson) -> AppResult<NewRemoteActor> {
    let key = json.main_key().ok_or_else(|| AppError::BadGateway("actor without key".into()))?;
    let ed25519 = json.ed25519_key()?;
    Ok(NewRemoteActor {
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
    })
}
