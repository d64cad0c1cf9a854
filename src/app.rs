//! Assembling and running an instance: storage, federation config, routes, workers.

use std::future::Future;

use activitypub_federation::config::{Data, FederationConfig, FederationMiddleware};
use axum::{
    Router,
    extract::{DefaultBodyLimit, State},
    routing::{get, post},
};
use tokio::{net::TcpListener, sync::watch};

use crate::{
    api,
    config::Config,
    error::{AppError, AppResult},
    federation::{actors, delivery, discovery, group_collections, http, inbox, keys::Signer, signatory_actors},
    processing,
    state::AppState,
    storage::Store,
    web,
};

/// A ready instance: migrated database, default territory, keys, federation config.
pub struct App {
    pub federation: FederationConfig<AppState>,
}

impl App {
    pub async fn init(config: Config) -> AppResult<App> {
        Self::init_as(config, processing::identity::FirstStart::Record).await
    }

    /// `init` for a command: it takes the public URL recorded by the server (and records one
    /// only when it was given one).
    pub async fn init_for_command(config: Config) -> AppResult<App> {
        Self::init_as(config, processing::identity::FirstStart::RecordIfGiven).await
    }

    async fn init_as(mut config: Config, first: processing::identity::FirstStart) -> AppResult<App> {
        if config.database_url.starts_with("sqlite:") {
            std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                AppError::Internal(format!("cannot create data dir {}: {e}", config.data_dir.display()))
            })?;
        }
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        processing::identity::reconcile(&store, &mut config, first).await?;
        let (slug, name) = (config.default_territory.clone(), config.default_territory_name.clone());
        let app = Self::with_store(config, store).await?;
        processing::territories::ensure_default(&app.data(), &slug, &name).await?;
        Ok(app)
    }

    /// For commands that must not change the database layout (they still need keys).
    pub async fn with_store(config: Config, store: Store) -> AppResult<App> {
        let instance_keys = store.instance_keys(crate::federation::keys::generate_rsa_keypair).await?;
        let timeout = std::time::Duration::from_secs(config.http_timeout_secs);
        let client = http::build_client(config.allow_private_network, timeout)?;
        let state = AppState::new(config.clone(), store, client.clone(), instance_keys.clone());
        let handle = state.clone();
        let fetch_client = http::fetch_client(
            client,
            format!("{}#main-key", state.instance_actor_id()),
            Signer::from_pem(&instance_keys.private_key_pem)?,
        );
        let federation = FederationConfig::builder()
            .domain(config.authority())
            .app_data(state)
            .client(fetch_client)
            // "debug" in the crate allows http, explicit ports and private addresses: exactly
            // what `allow_private_network` means.
            .debug(config.allow_private_network)
            .request_timeout(timeout)
            .build()
            .await
            .map_err(|e| AppError::Internal(format!("federation config: {e}")))?;
        handle.set_federation(Some(federation.clone()));
        Ok(App { federation })
    }

    pub fn data(&self) -> Data<AppState> {
        self.federation.to_request_data()
    }

    pub fn state(&self) -> AppState {
        self.federation.to_request_data().app_data().clone()
    }

    /// Every route. Federation routes (actors, inboxes, discovery, signatories' actors) take
    /// the federation crate's `Data<AppState>`, given by its middleware on them alone; pages and
    /// the API are a `Router<AppState>` whose handlers take axum's `State<AppState>`.
    pub fn router(&self) -> Router {
        let state = self.state();
        let federation = Router::new()
            .route("/.well-known/webfinger", get(discovery::webfinger))
            .route("/.well-known/nodeinfo", get(discovery::nodeinfo_links))
            .route("/.well-known/host-meta", get(discovery::host_meta))
            .route("/.well-known/host-meta.json", get(discovery::host_meta_json))
            .route("/nodeinfo/2.1", get(discovery::nodeinfo_21))
            .route("/nodeinfo/2.0", get(discovery::nodeinfo_20))
            .route("/inbox", post(inbox::post_inbox))
            .route("/actor", get(actors::get_instance_actor))
            .route("/actor/inbox", post(inbox::post_inbox))
            .route("/actor/{collection}", get(actors::get_instance_collection))
            .route("/t/{slug}/inbox", post(inbox::post_inbox))
            .route("/t/{slug}/outbox", get(actors::get_outbox))
            .route("/t/{slug}/editorial", get(actors::get_editorial))
            .route("/t/{slug}/featured", get(actors::get_featured))
            .route("/t/{slug}/pins/{pin}", get(actors::get_pin))
            .route("/t/{slug}/followers", get(actors::get_followers))
            .route("/t/{slug}/following", get(actors::get_following))
            .route("/t/{slug}/resources", get(group_collections::get_resources))
            .route("/t/{slug}/posts", get(group_collections::get_posts))
            .route("/t/{slug}/todos", get(group_collections::get_todos))
            .route("/t/{slug}/discussions", get(group_collections::get_discussions))
            .route("/t/{slug}/events", get(group_collections::get_events))
            .route("/activities/{id}", get(actors::get_activity))
            .route("/notes/{id}", get(actors::get_note))
            .route("/s/{id}", get(signatory_actors::get_actor))
            .route("/s/{id}/inbox", post(inbox::post_inbox))
            .route("/s/{id}/{collection}", get(signatory_actors::get_collection))
            .route("/t/{slug}/members", get(signatory_actors::get_members))
            .layer(FederationMiddleware::new(self.federation.clone()));
        let pages_and_api = Router::new()
            .route("/healthz", get(healthz))
            .route("/metrics", get(metrics))
            // The territory's page; its actor document to ActivityPub clients.
            .route("/t/{slug}", get(web::pages::territory))
            .merge(web::router())
            .nest("/api/v1", api::router())
            .with_state(state.clone());
        federation
            .merge(pages_and_api)
            .fallback(web::not_found)
            .layer(DefaultBodyLimit::max(inbox::MAX_BODY_BYTES))
            .layer(axum::middleware::from_fn(web::html_errors))
            .layer(axum::middleware::from_fn_with_state(state, web::session::csrf_cookie))
            .layer(axum::middleware::from_fn(web::headers::security_headers))
            .layer(tower_http::trace::TraceLayer::new_for_http())
    }

    /// Serves until `shutdown` resolves, then drains requests, stops the worker and closes the
    /// database. Deliveries in flight are either recorded or leased and retried on next start.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> AppResult<()> {
        let router = self.router();
        self.serve_router(listener, router, shutdown).await
    }

    /// As [`App::serve`], with `router` in place of [`App::router`]: `maillage bench` wraps
    /// it with a route of its own, to measure the server's limits in the same process.
    pub async fn serve_router(
        self,
        listener: TcpListener,
        router: Router,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> AppResult<()> {
        let state = self.state();
        let (stop_tx, stop_rx) = watch::channel(false);
        let worker = tokio::spawn(delivery::run(state.clone(), stop_rx.clone()));
        let observatory = tokio::spawn(crate::processing::observatory::run(state.clone(), stop_rx.clone()));
        let backups = tokio::spawn(crate::backup::schedule::run(state.clone(), stop_rx.clone()));
        let hosts = tokio::spawn(flush_hosts_heard(state.clone(), stop_rx));
        let addr = listener.local_addr().map_err(AppError::internal)?;
        tracing::info!(%addr, public_url = %state.config.public_url, "Maillage listening");
        // The peer address feeds login rate limiting.
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| AppError::Internal(format!("server: {e}")))?;
        let _ = stop_tx.send(true);
        let _ = worker.await;
        let _ = observatory.await;
        let _ = backups.await;
        let _ = hosts.await;
        state.store.close().await;
        // The state holds the federation configuration that holds it: let both go.
        state.set_federation(None);
        tracing::info!("Maillage stopped");
        Ok(())
    }
}

/// Writes back, every few seconds, when hosts were last heard from (`storage::host_book`);
/// the last ones are written when the store closes.
async fn flush_hosts_heard(state: AppState, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(crate::storage::host_book::FLUSH_EVERY) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = state.store.flush_hosts_heard().await {
            tracing::warn!(error = %e, "could not write back when hosts were last heard from");
        }
    }
}

async fn healthz(State(data): State<AppState>) -> AppResult<&'static str> {
    data.store.ping().await?;
    Ok("ok")
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => futures::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = futures::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested");
}

/// Prometheus metrics; behind `Authorization: Bearer <metrics_token>` when one is configured.
async fn metrics(State(data): State<AppState>, headers: axum::http::HeaderMap) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    if let Some(token) = &data.config.metrics_token {
        let given = headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let expected = format!("Bearer {token}");
        // Constant-time comparison: the token must not leak through timing.
        let same = given.len() == expected.len()
            && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if !same {
            return Err(AppError::Unauthorized("metrics token required".into()));
        }
    }
    let queue: Vec<(String, i64)> = data
        .store
        .delivery_stats()
        .await?
        .iter()
        .fold([0i64; 3], |acc, h| [acc[0] + h.pending, acc[1] + h.failed, acc[2] + h.done])
        .iter()
        .zip(["pending", "failed", "done"])
        .map(|(n, s)| (s.to_string(), *n))
        .collect();
    let mut res = data.metrics.render(&queue).into_response();
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(res)
}
