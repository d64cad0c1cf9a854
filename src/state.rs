//! Shared application state: web and API handlers take it as axum's `State<AppState>`
//! (`Router<AppState>`, so a route without it does not compile); federation routes take the
//! federation crate's `Data<AppState>`, which wraps the same state.

use std::{
    collections::HashMap,
    ops::Deref,
    sync::{Arc, Mutex},
};

use activitypub_federation::config::{Data, FederationConfig};
use tokio::sync::Notify;
use url::Url;

use crate::{
    config::Config,
    domain::{local_actor::LocalActor, report::Severity, urls::Urls},
    error::{AppError, AppResult},
    federation::keys::{KeyCache, KeyPairPem, Signer, Verifier},
    metrics::Metrics,
    storage::Store,
};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: Config,
    /// Every local URL (`domain::urls`), from `config.public_url`.
    pub urls: Urls,
    pub store: Store,
    /// Client for deliveries (no middleware: those requests are signed explicitly).
    pub http: reqwest::Client,
    pub instance_keys: KeyPairPem,
    /// Wakes the delivery worker when something is queued.
    pub delivery_notify: Notify,
    /// Deliveries passed from the changes that queue them to this process's worker.
    pub handoff: crate::federation::handoff::Handoff,
    pub metrics: Metrics,
    /// Per-actor and per-host limits on incoming comments, reactions and adoptions.
    pub flood: crate::federation::flood::FloodGuard,
    signers: Mutex<HashMap<LocalActor, (String, Signer)>>,
    /// Where deliveries are signed, below the inbox's priority (`federation::sign_pool`).
    pub sign_pool: crate::federation::sign_pool::SignPool,
    /// Blocked and limited domains, reloaded from the database every few seconds (another
    /// process, the CLI, may change them).
    blocks: Mutex<Option<(std::time::Instant, DomainLists)>>,
    /// Parsed remote keys (negative cache included) and key-refetch limits.
    pub key_cache: KeyCache,
    /// Test seam: makes the next change fail at a chosen step (never armed in production).
    pub fail_point: crate::fail_point::FailPoint,
    /// The federation crate's configuration, for the few use cases a page starts that fetch
    /// remote objects (following an actor, commenting a remote practice). It holds this state,
    /// so it is set once built (`App::with_store`) and taken back when the server stops
    /// (`App::serve`), which frees both.
    federation: Mutex<Option<FederationConfig<AppState>>>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The instance's domain blocks by severity, as cached (`is_blocked`, `is_limited`).
#[derive(Debug, Clone, Default)]
struct DomainLists {
    /// `suspend`: everything from them refused.
    suspended: Vec<String>,
    /// `limit`: their follows held for approval, their content kept out of public lists.
    limited: Vec<String>,
}

/// How stale the in-memory list of blocked domains may be.
const BLOCKS_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl AppState {
    pub fn new(config: Config, store: Store, http: reqwest::Client, instance_keys: KeyPairPem) -> AppState {
        AppState(Arc::new(Inner {
            flood: crate::federation::flood::FloodGuard::new(config.inbox_rate_per_minute),
            urls: Urls::new(config.public_url.clone()),
            config,
            store,
            http,
            instance_keys,
            delivery_notify: Notify::new(),
            handoff: Default::default(),
            metrics: Metrics::default(),
            signers: Mutex::new(HashMap::new()),
            sign_pool: crate::federation::sign_pool::SignPool::start(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            ),
            blocks: Mutex::new(None),
            key_cache: KeyCache::default(),
            fail_point: crate::fail_point::FailPoint::default(),
            federation: Mutex::new(None),
        }))
    }

    /// Records the federation configuration built around this state (see [`Inner`]).
    pub fn set_federation(&self, config: Option<FederationConfig<AppState>>) {
        if let Ok(mut f) = self.federation.lock() {
            *f = config;
        }
    }

    /// The federation crate's request data, for use cases that fetch remote objects.
    pub fn federation(&self) -> AppResult<Data<AppState>> {
        let f = self.federation.lock().map_err(|_| AppError::internal("poisoned lock"))?;
        f.as_ref().map(FederationConfig::to_request_data).ok_or_else(|| AppError::internal("federation not started"))
    }

    /// The instance actor's id (as `urls.instance_actor()`, kept for web and API callers).
    pub fn instance_actor_id(&self) -> Url {
        self.urls.instance_actor()
    }

    /// A territory's actor id (as `urls.territory(slug)`, kept for web and API callers).
    pub fn territory_id_url(&self, slug: &str) -> Url {
        self.urls.territory(slug)
    }

    /// Key id and signer of a local actor (cached: keys do not change while we run).
    pub async fn signer_for(&self, actor: LocalActor) -> AppResult<(String, Signer)> {
        if let Some(found) = self.signers.lock().map_err(|_| AppError::internal("poisoned lock"))?.get(&actor) {
            return Ok(found.clone());
        }
        let territory = |id| async move {
            self.store.territory_by_id(id).await?.ok_or_else(|| AppError::NotFound("territory".into()))
        };
        let (key_id, pem) = match actor {
            LocalActor::Instance => (self.instance_actor_id(), self.instance_keys.private_key_pem.clone()),
            LocalActor::Territory(id) => {
                let t = territory(id).await?;
                (self.territory_id_url(&t.slug), t.private_key_pem)
            }
            // The editorial actor speaks with the territory's key under its own key id:
            // receivers check that the key's owner is the activity's actor.
            LocalActor::Editorial(id) => {
                let t = territory(id).await?;
                (self.urls.editorial(&t.slug), t.private_key_pem)
            }
            LocalActor::Signatory { id, .. } => {
                let pem = self.store.signatory_private_key(id).await?;
                let pem = pem.ok_or_else(|| AppError::NotFound(format!("keys of signatory {id}")))?;
                (self.urls.signatory(id), pem)
            }
        };
        let found = (format!("{key_id}#main-key"), Signer::from_pem(&pem)?);
        self.signers.lock().map_err(|_| AppError::internal("poisoned lock"))?.insert(actor, found.clone());
        Ok(found)
    }

    /// Whether `host` (or a parent domain) is blocked; at most `BLOCKS_TTL` stale.
    pub async fn is_blocked(&self, host: &str) -> AppResult<bool> {
        Ok(crate::storage::hosts::is_blocked_by(&self.domain_lists().await?.suspended, host))
    }

    /// Whether `host` (or a parent domain) is limited (issue 15, point 5): its follows wait
    /// for a moderator, its content stays out of the catalogue and the agenda.
    pub async fn is_limited(&self, host: &str) -> AppResult<bool> {
        Ok(crate::storage::hosts::is_blocked_by(&self.domain_lists().await?.limited, host))
    }

    async fn domain_lists(&self) -> AppResult<DomainLists> {
        let cached = self
            .blocks
            .lock()
            .map_err(|_| AppError::internal("poisoned lock"))?
            .as_ref()
            .filter(|(at, _)| at.elapsed() < BLOCKS_TTL)
            .map(|(_, lists)| lists.clone());
        if let Some(lists) = cached {
            return Ok(lists);
        }
        let mut lists = DomainLists::default();
        for b in self.store.all_domain_blocks().await? {
            match b.severity {
                Severity::Suspend => lists.suspended.push(b.domain),
                Severity::Limit => lists.limited.push(b.domain),
                Severity::Noop => {}
            }
        }
        *self.blocks.lock().map_err(|_| AppError::internal("poisoned lock"))? =
            Some((std::time::Instant::now(), lists.clone()));
        Ok(lists)
    }

    /// Forget the cached block list (after a change made by this process).
    pub fn blocks_changed(&self) {
        if let Ok(mut b) = self.blocks.lock() {
            *b = None;
        }
    }

    /// Parsed public key, cached by key id (and invalidated when its text changes); parsed
    /// outside any lock, failures cached too (see `KeyCache`).
    pub fn verifier_for(
        &self,
        key_id: &str,
        text: &str,
        parse: impl FnOnce() -> AppResult<Verifier>,
    ) -> AppResult<Verifier> {
        self.key_cache.verifier(key_id, text, parse)
    }
}
