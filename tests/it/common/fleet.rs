//! Mock inboxes for delivery tests: each is a real HTTP server on loopback that checks the
//! signatures it receives (with the territory's public key) and answers as told.
#![allow(dead_code)]

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use maillage::federation::{keys::Verifier, signatures::RequestSignature};
use tokio::net::TcpListener;
use url::Url;

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub body: serde_json::Value,
    pub format: &'static str,
    pub answered: u16,
    pub at: Instant,
}

/// Answer for the n-th request (0-based): status and extra headers.
pub type Behaviour = Box<dyn Fn(usize) -> (u16, Vec<(&'static str, String)>) + Send + Sync>;

pub struct MockState {
    pub received: Mutex<Vec<Received>>,
    pub behaviour: Mutex<Behaviour>,
    pub delay: Mutex<Duration>,
    pub key: Mutex<Option<Verifier>>,
    /// Signature formats this inbox accepts (others: 401).
    pub formats: Mutex<Vec<&'static str>>,
    pub bad_signatures: Mutex<usize>,
    /// Documents served on GET (actors), by path.
    pub docs: Mutex<std::collections::HashMap<String, serde_json::Value>>,
    /// Paths of the GETs received, in order.
    pub gets: Mutex<Vec<String>>,
    base: Url,
}

async fn document(State(s): State<Arc<MockState>>, uri: Uri) -> Response {
    s.gets.lock().expect("lock").push(uri.path().to_string());
    match s.docs.lock().expect("lock").get(uri.path()) {
        Some(doc) => ([("content-type", "application/activity+json")], doc.to_string()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub struct MockInbox {
    pub base: Url,
    pub authority: String,
    pub state: Arc<MockState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

async fn inbox(State(s): State<Arc<MockState>>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
    let now = chrono::Utc::now().timestamp();
    let sig = RequestSignature::prepare(&method, &path, &headers, Some(&body), &s.base, now);
    let format = sig.as_ref().map(|s| s.format()).unwrap_or("none");
    let accepted_format = s.formats.lock().expect("lock").contains(&format);
    let key = s.key.lock().expect("lock").clone();
    let verified = match (&sig, &key) {
        (Ok(sig), Some(k)) => sig.verify(k),
        (Ok(_), None) => true,
        (Err(_), _) => false,
    };
    let delay = *s.delay.lock().expect("lock");
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body_json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let mut rec = Received { path, body: body_json, format, answered: 401, at: Instant::now() };
    if !accepted_format || !verified {
        if accepted_format {
            *s.bad_signatures.lock().expect("lock") += 1;
        }
        s.received.lock().expect("lock").push(rec);
        return (StatusCode::UNAUTHORIZED, "signature refused").into_response();
    }
    let n = s.received.lock().expect("lock").iter().filter(|r| r.answered != 401).count();
    let (status, extra) = (s.behaviour.lock().expect("lock"))(n);
    rec.answered = status;
    s.received.lock().expect("lock").push(rec);
    let mut res = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response();
    for (k, v) in extra {
        if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
            res.headers_mut().insert(k, v);
        }
    }
    res
}

impl MockInbox {
    pub async fn start() -> MockInbox {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        Self::serve(listener).await
    }

    /// On a given port (to bring a "down" peer back where its followers point).
    pub async fn start_on(port: u16) -> MockInbox {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
        Self::serve(listener).await
    }

    async fn serve(listener: TcpListener) -> MockInbox {
        let port = listener.local_addr().expect("addr").port();
        let authority = format!("localhost:{port}");
        let base = Url::parse(&format!("http://{authority}/")).expect("url");
        let state = Arc::new(MockState {
            received: Mutex::new(vec![]),
            behaviour: Mutex::new(Box::new(|_| (202, vec![]))),
            delay: Mutex::new(Duration::ZERO),
            key: Mutex::new(None),
            formats: Mutex::new(vec!["cavage", "rfc9421"]),
            bad_signatures: Mutex::new(0),
            docs: Mutex::new(std::collections::HashMap::new()),
            gets: Mutex::new(vec![]),
            base: base.clone(),
        });
        let app = Router::new()
            .route("/.well-known/nodeinfo", get(|| async { StatusCode::NOT_FOUND }))
            .route("/{*path}", post(inbox).get(document))
            .with_state(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        MockInbox { base, authority, state, stop: Some(tx) }
    }

    pub fn inbox(&self, name: &str) -> String {
        format!("{}{name}/inbox", self.base)
    }

    pub fn set_key(&self, public_key_pem: &str) {
        *self.state.key.lock().expect("lock") = Some(Verifier::from_pem(public_key_pem).expect("key"));
    }

    pub fn set_behaviour(&self, b: impl Fn(usize) -> (u16, Vec<(&'static str, String)>) + Send + Sync + 'static) {
        *self.state.behaviour.lock().expect("lock") = Box::new(b);
    }

    pub fn set_delay(&self, d: Duration) {
        *self.state.delay.lock().expect("lock") = d;
    }

    pub fn set_formats(&self, f: Vec<&'static str>) {
        *self.state.formats.lock().expect("lock") = f;
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().expect("lock").clone()
    }

    /// Requests answered 2xx.
    pub fn delivered(&self) -> Vec<Received> {
        self.received().into_iter().filter(|r| (200..300).contains(&r.answered)).collect()
    }

    pub fn bad_signatures(&self) -> usize {
        *self.state.bad_signatures.lock().expect("lock")
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Makes `inboxes` followers of the default territory of the instance behind `store`
/// (one remote actor per inbox, no shared inbox unless given).
pub async fn add_followers(store: &maillage::storage::Store, inboxes: &[(String, Option<String>)]) {
    add_followers_of_kind(store, inboxes, "Person").await;
}

/// [`add_followers`], the actors being of the ActivityStreams type `kind`.
pub async fn add_followers_of_kind(store: &maillage::storage::Store, inboxes: &[(String, Option<String>)], kind: &str) {
    use maillage::{
        domain::territory::FollowState,
        storage::{actors::NewRemoteActor, follows},
    };
    let t = store.territory_by_slug("territoire").await.expect("db").expect("territory");
    let mut conn = store.pool().acquire().await.expect("conn");
    for (i, (inbox, shared)) in inboxes.iter().enumerate() {
        let url = Url::parse(inbox).expect("inbox url");
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().expect("host")),
            None => url.host_str().expect("host").to_string(),
        };
        let ap_id = format!("{}#actor{i}", inbox.trim_end_matches("/inbox"));
        let actor = store
            .upsert_remote_actor(&NewRemoteActor {
                ap_id: ap_id.clone(),
                kind: kind.into(),
                preferred_username: Some(format!("f{i}")),
                name: None,
                url: None,
                inbox: inbox.clone(),
                shared_inbox: shared.clone(),
                key_id: format!("{ap_id}-key"),
                public_key_pem: "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n".into(),
                host,
                ed25519_key_id: None,
                ed25519_public_key: None,
            })
            .await
            .expect("actor");
        follows::upsert_follow(
            &mut conn,
            follows::Direction::Followers,
            t.id,
            actor.id,
            &format!("{ap_id}/follow"),
            FollowState::Accepted,
        )
        .await
        .expect("follow");
    }
}
