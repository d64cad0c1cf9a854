//! The benchmark's mock fleet: many small HTTP servers on loopback, each one "host", whose inbox
//! verifies every signature it receives (with the territory's key) and counts requests per inbox;
//! and a host that accepts connections and never answers.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    routing::post,
};
use tokio::net::TcpListener;
use url::Url;

use maillage::{
    error::{AppError, AppResult},
    federation::{keys::Verifier, signatures::RequestSignature},
    storage::actors::NewRemoteActor,
};

/// What every mock host counts, shared by the fleet.
#[derive(Default)]
pub struct Fleet {
    pub requests: AtomicU64,
    pub bad: AtomicU64,
    per_inbox: Mutex<HashMap<String, u32>>,
}

impl Fleet {
    /// Distinct inboxes reached since the last reset.
    pub fn reached(&self) -> usize {
        self.per_inbox.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Forgets what was counted (each round of the benchmark starts from zero).
    pub fn reset(&self) {
        self.requests.store(0, Ordering::Relaxed);
        self.bad.store(0, Ordering::Relaxed);
        if let Ok(mut m) = self.per_inbox.lock() {
            m.clear();
        }
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn bad(&self) -> u64 {
        self.bad.load(Ordering::Relaxed)
    }
}

struct MockHost {
    fleet: Arc<Fleet>,
    verifier: Verifier,
    base: Url,
}

async fn mock_inbox(
    State(h): State<Arc<MockHost>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let ok = RequestSignature::prepare(&method, path, &headers, Some(&body), &h.base, chrono::Utc::now().timestamp())
        .map(|s| s.verify(&h.verifier))
        .unwrap_or(false);
    h.fleet.requests.fetch_add(1, Ordering::Relaxed);
    if !ok {
        h.fleet.bad.fetch_add(1, Ordering::Relaxed);
        return StatusCode::UNAUTHORIZED;
    }
    if let Ok(mut m) = h.fleet.per_inbox.lock() {
        *m.entry(format!("{}{}", h.base.authority(), path)).or_default() += 1;
    }
    StatusCode::ACCEPTED
}

/// Starts one mock host; returns its `host:port`.
pub async fn start_mock(fleet: Arc<Fleet>, verifier: Verifier) -> AppResult<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(AppError::internal)?;
    let authority = format!("localhost:{}", listener.local_addr().map_err(AppError::internal)?.port());
    let base = Url::parse(&format!("http://{authority}/")).map_err(AppError::internal)?;
    let host = Arc::new(MockHost { fleet, verifier, base });
    let app = Router::new().route("/{*path}", post(mock_inbox)).with_state(host);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(authority)
}

/// A host that accepts connections and never answers.
pub async fn start_black_hole() -> AppResult<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(AppError::internal)?;
    let authority = format!("localhost:{}", listener.local_addr().map_err(AppError::internal)?.port());
    tokio::spawn(async move {
        let mut held = vec![];
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    Ok(authority)
}

/// A follower for the fan-out (its key is never used: we only send to it).
pub fn bench_actor(ap_id: &str, inbox: String, shared_inbox: Option<String>, host: &str) -> NewRemoteActor {
    NewRemoteActor {
        ap_id: ap_id.to_string(),
        kind: "Person".into(),
        preferred_username: None,
        name: None,
        url: None,
        inbox,
        shared_inbox,
        key_id: format!("{ap_id}#main-key"),
        public_key_pem: String::new(),
        host: host.to_string(),
        ed25519_key_id: None,
        ed25519_public_key: None,
    }
}
