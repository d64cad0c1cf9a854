//! An independent ActivityPub implementation for interop tests, built on the
//! `activitypub_federation` crate's own send and receive paths (its draft-cavage signing and
//! verification with the `rsa` crate, not Maillage's code). It serves one `Person`, signs its
//! GETs, and records every activity its inbox accepted after verifying the signature.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use activitypub_federation::{
    activity_sending::SendActivityTask,
    axum::json::FederationJson,
    config::{Data, FederationConfig, FederationMiddleware},
    fetch::{object_id::ObjectId, webfinger::webfinger_resolve_actor},
    protocol::{context::WithContext, public_key::PublicKey},
    traits::{Activity, Actor, Object},
};
use axum::{
    Router,
    http::StatusCode,
    response::IntoResponse,
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpListener;
use url::Url;

#[derive(Clone)]
pub struct PeerState(Arc<PeerInner>);

pub struct PeerInner {
    pub me: PeerPerson,
    pub style: Style,
    known: Mutex<HashMap<Url, KnownActor>>,
    pub received: Mutex<Vec<Value>>,
    pub refused: Mutex<Vec<String>>,
    /// Further documents the peer serves, by path (see [`Peer::serve`]).
    served: Mutex<HashMap<String, Value>>,
    /// GETs served, by path (to count key refetches).
    pub gets: Mutex<HashMap<String, usize>>,
}

/// How the peer publishes itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `/u/alice`, key `/u/alice#main-key`, the crate's own signing.
    Mastodon,
    /// GoToSocial (tests/fixtures/gotosocial): `/users/alice`, key at `/users/alice/main-key`
    /// served as a stub actor without inbox, signed GETs required on the actor.
    GoToSocial,
}

impl std::ops::Deref for PeerState {
    type Target = PeerInner;
    fn deref(&self) -> &PeerInner {
        &self.0
    }
}

#[derive(Clone, Debug)]
pub struct PeerPerson {
    pub id: Url,
    /// Its ActivityStreams type: `Person`, or `Group` for a peer that plays another Maillage
    /// (whose territories are the actors that follow).
    pub kind: &'static str,
    pub inbox: Url,
    pub public_key_pem: String,
    pub private_key_pem: String,
}

#[derive(Serialize, Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct PersonJson {
    id: Url,
    #[serde(rename = "type")]
    kind: String,
    preferred_username: String,
    inbox: Url,
    public_key: PublicKey,
}

#[async_trait::async_trait]
impl Object for PeerPerson {
    type DataType = PeerState;
    type Kind = PersonJson;
    type Error = anyhow::Error;

    fn id(&self) -> &Url {
        &self.id
    }
    async fn read_from_id(id: Url, data: &Data<PeerState>) -> Result<Option<Self>, Self::Error> {
        Ok((id == data.me.id).then(|| data.me.clone()))
    }
    async fn into_json(self, _data: &Data<PeerState>) -> Result<PersonJson, Self::Error> {
        Ok(PersonJson {
            id: self.id.clone(),
            kind: self.kind.into(),
            preferred_username: "alice".into(),
            inbox: self.inbox.clone(),
            public_key: self.public_key(),
        })
    }
    async fn verify(_: &PersonJson, _: &Url, _: &Data<PeerState>) -> Result<(), Self::Error> {
        Ok(())
    }
    async fn from_json(_: PersonJson, _: &Data<PeerState>) -> Result<Self, Self::Error> {
        anyhow::bail!("the peer only knows itself as a Person")
    }
}

impl Actor for PeerPerson {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }
    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key_pem.clone())
    }
    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}

/// Any remote actor the peer fetched (here: Maillage territories).
#[derive(Clone, Debug)]
pub struct KnownActor {
    pub id: Url,
    pub inbox: Url,
    pub shared_inbox: Option<Url>,
    pub public_key_pem: String,
    pub json: Value,
}

#[derive(Serialize, Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ActorJson {
    id: Url,
    inbox: Url,
    public_key: PublicKey,
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

#[async_trait::async_trait]
impl Object for KnownActor {
    type DataType = PeerState;
    type Kind = ActorJson;
    type Error = anyhow::Error;

    fn id(&self) -> &Url {
        &self.id
    }
    async fn read_from_id(id: Url, data: &Data<PeerState>) -> Result<Option<Self>, Self::Error> {
        Ok(data.known.lock().expect("lock").get(&id).cloned())
    }
    async fn into_json(self, _: &Data<PeerState>) -> Result<ActorJson, Self::Error> {
        anyhow::bail!("not served")
    }
    async fn verify(json: &ActorJson, expected: &Url, _: &Data<PeerState>) -> Result<(), Self::Error> {
        anyhow::ensure!(json.id.host_str() == expected.host_str() && json.id.port() == expected.port(), "wrong host");
        Ok(())
    }
    async fn from_json(json: ActorJson, data: &Data<PeerState>) -> Result<Self, Self::Error> {
        let shared_inbox = json
            .rest
            .get("endpoints")
            .and_then(|e| e.get("sharedInbox"))
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok());
        let full = serde_json::to_value(&json)?;
        let a = KnownActor {
            id: json.id,
            inbox: json.inbox,
            shared_inbox,
            public_key_pem: json.public_key.public_key_pem,
            json: full,
        };
        data.known.lock().expect("lock").insert(a.id.clone(), a.clone());
        Ok(a)
    }
}

impl Actor for KnownActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }
    fn private_key_pem(&self) -> Option<String> {
        None
    }
    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}

/// Whatever arrives in the peer's inbox (after the crate verified its signature).
#[derive(Serialize, Deserialize, Debug)]
pub struct Incoming {
    id: Url,
    actor: ObjectId<KnownActor>,
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

#[async_trait::async_trait]
impl Activity for Incoming {
    type DataType = PeerState;
    type Error = anyhow::Error;
    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        self.actor.inner()
    }
    async fn verify(&self, _: &Data<PeerState>) -> Result<(), Self::Error> {
        Ok(())
    }
    async fn receive(self, data: &Data<PeerState>) -> Result<(), Self::Error> {
        // GoToSocial and Mastodon take the key's owner as the sender: an activity whose `actor`
        // is not the signer is treated as forwarded (GoToSocial ignores the object it carries).
        let key = super::peer_inbox::signed_with();
        if !key.starts_with(&format!("{}#", self.actor.inner())) {
            anyhow::bail!("{} signed with {key}, not a key of its actor {}", self.id, self.actor.inner());
        }
        let v = serde_json::to_value(&self)?;
        data.received.lock().expect("lock").push(v);
        Ok(())
    }
}

/// What the peer sends.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Outgoing {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: Url,
    pub object: Value,
}

#[async_trait::async_trait]
impl Activity for Outgoing {
    type DataType = PeerState;
    type Error = anyhow::Error;
    fn id(&self) -> &Url {
        &self.id
    }
    fn actor(&self) -> &Url {
        &self.actor
    }
    async fn verify(&self, _: &Data<PeerState>) -> Result<(), Self::Error> {
        Ok(())
    }
    async fn receive(self, _: &Data<PeerState>) -> Result<(), Self::Error> {
        Ok(())
    }
}

pub struct Peer {
    pub base: Url,
    pub authority: String,
    pub config: FederationConfig<PeerState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

async fn get_person(data: Data<PeerState>) -> impl IntoResponse {
    super::gotosocial::count_get(&data, "/u/alice");
    match data.me.clone().into_json(&data).await {
        Ok(p) => FederationJson(WithContext::new(
            p,
            serde_json::json!(["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]),
        ))
        .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// NodeInfo naming `software`, as the peer serves it when started with [`Peer::start_as`].
async fn nodeinfo_links(data: Data<PeerState>) -> impl IntoResponse {
    let href = data.me.id.join("/nodeinfo/2.1").expect("url");
    axum::Json(serde_json::json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href}]}))
}

/// A document given to [`Peer::serve`], as ActivityPub JSON; 404 otherwise.
async fn get_served(data: Data<PeerState>, uri: axum::http::Uri) -> axum::response::Response {
    // Counted, found or not (a NodeInfo asked of a peer that serves none, say).
    super::gotosocial::count_get(&data, uri.path());
    let doc = data.served.lock().expect("lock").get(uri.path()).cloned();
    match doc {
        Some(d) => ([("content-type", "application/activity+json")], d.to_string()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl Peer {
    pub async fn start() -> Peer {
        Self::start_styled(Style::Mastodon, "").await
    }

    /// A peer whose NodeInfo says it runs `software` (none when empty), as Maillage asks
    /// before choosing what to send it.
    pub async fn start_as(software: &str) -> Peer {
        Self::start_styled(Style::Mastodon, software).await
    }

    /// A peer shaped like GoToSocial (see `Style::GoToSocial`).
    pub async fn start_gotosocial() -> Peer {
        Self::start_styled(Style::GoToSocial, "").await
    }

    async fn start_styled(style: Style, software: &str) -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let authority = format!("localhost:{port}");
        let base = Url::parse(&format!("http://{authority}/")).expect("url");
        // aws-lc-rs generates in milliseconds what the rsa crate takes seconds for in debug builds.
        let keys = maillage::federation::keys::generate_rsa_keypair().expect("keys");
        let path = match style {
            Style::Mastodon => "u/alice",
            Style::GoToSocial => "users/alice",
        };
        let me = PeerPerson {
            id: base.join(path).expect("url"),
            kind: if software == "maillage" { "Group" } else { "Person" },
            inbox: base.join(&format!("{path}/inbox")).expect("url"),
            public_key_pem: keys.public_key_pem,
            private_key_pem: keys.private_key_pem,
        };
        let state = PeerState(Arc::new(PeerInner {
            me: me.clone(),
            style,
            known: Mutex::new(HashMap::new()),
            received: Mutex::new(vec![]),
            refused: Mutex::new(vec![]),
            served: Mutex::new(HashMap::new()),
            gets: Mutex::new(HashMap::new()),
        }));
        let config = FederationConfig::builder()
            .domain(authority.clone())
            .app_data(state)
            .debug(true)
            .signed_fetch_actor(&me)
            .build()
            .await
            .expect("peer config");
        let mut app = match style {
            Style::Mastodon => Router::new()
                .route("/u/alice", get(get_person))
                .route("/u/alice/inbox", post(super::peer_inbox::post_inbox))
                .route("/inbox", post(super::peer_inbox::post_inbox)),
            Style::GoToSocial => {
                super::gotosocial::routes().route("/users/alice/inbox", post(super::peer_inbox::post_inbox))
            }
        };
        if !software.is_empty() {
            let doc = serde_json::json!({
                "version": "2.1", "software": {"name": software, "version": "0.19.5"}, "protocols": ["activitypub"],
                "services": {"inbound": [], "outbound": []}, "openRegistrations": false,
                "usage": {"users": {"total": 1}}, "metadata": {}
            });
            app = app
                .route("/.well-known/nodeinfo", get(nodeinfo_links))
                .route("/nodeinfo/2.1", get(move || async move { axum::Json(doc) }));
        }
        let app = app.fallback(get(get_served)).layer(FederationMiddleware::new(config.clone()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Peer { base, authority, config, stop: Some(tx) }
    }

    pub fn data(&self) -> Data<PeerState> {
        self.config.to_request_data()
    }

    pub fn actor_id(&self) -> Url {
        self.data().me.id.clone()
    }

    pub fn private_key_pem(&self) -> String {
        self.data().me.private_key_pem.clone()
    }

    pub fn new_id(&self) -> Url {
        self.base.join(&format!("activities/{}", uuid::Uuid::new_v4())).expect("url")
    }

    /// WebFinger lookup then signed fetch of the actor, both by the crate.
    pub async fn resolve(&self, handle: &str) -> anyhow::Result<KnownActor> {
        webfinger_resolve_actor::<PeerState, KnownActor>(handle, &self.data()).await
    }

    /// Signed fetch of an actor by id (forced, bypassing the peer's cache).
    pub async fn fetch(&self, id: &str) -> anyhow::Result<KnownActor> {
        ObjectId::<KnownActor>::parse(id)?.dereference_forced(&self.data()).await
    }

    /// Signs (the crate's draft-cavage) and sends an activity; errors on 5xx.
    pub async fn send(&self, inbox: &Url, kind: &str, object: Value) -> anyhow::Result<Outgoing> {
        let activity = Outgoing {
            context: serde_json::json!("https://www.w3.org/ns/activitystreams"),
            id: self.new_id(),
            kind: kind.into(),
            actor: self.actor_id(),
            object,
        };
        self.send_activity(inbox, &activity).await?;
        Ok(activity)
    }

    pub async fn send_activity(&self, inbox: &Url, activity: &Outgoing) -> anyhow::Result<()> {
        let data = self.data();
        for task in SendActivityTask::prepare(activity, &data.me, vec![inbox.clone()], &data).await? {
            task.sign_and_send(&data).await?;
        }
        Ok(())
    }

    /// The key id the peer signs with: `actor#main-key`, or GoToSocial's `actor/main-key`.
    pub fn key_id(&self) -> String {
        match self.data().style {
            Style::Mastodon => format!("{}#main-key", self.actor_id()),
            Style::GoToSocial => format!("{}/main-key", self.actor_id()),
        }
    }

    /// GETs the peer served at `path`.
    pub fn gets(&self, path: &str) -> usize {
        self.data().gets.lock().expect("lock").get(path).copied().unwrap_or(0)
    }

    /// Posts `body` exactly as given, signed (draft-cavage) with the peer's key and key id as
    /// Mastodon or GoToSocial do; returns the status, so that refusals (401, 403…) can be checked.
    pub async fn post_signed(&self, inbox: &str, body: &str) -> reqwest::StatusCode {
        self.post_signed_with(inbox, body, &self.private_key_pem()).await
    }

    /// Same, signed with another private key under the peer's key id (a forged signature).
    pub async fn post_signed_with(&self, inbox: &str, body: &str, private_key_pem: &str) -> reqwest::StatusCode {
        use maillage::federation::{keys::Signer, signatures::sign_cavage};
        let url = Url::parse(inbox).expect("url");
        let signer = Signer::from_pem(private_key_pem).expect("signer");
        let key_id = self.key_id();
        let mut req = super::client().post(inbox).header("Content-Type", "application/activity+json");
        for (k, v) in sign_cavage(&http::Method::POST, &url, Some(body.as_bytes()), &key_id, &signer).expect("sign") {
            req = req.header(k, v);
        }
        req.body(body.to_string()).send().await.expect("post").status()
    }

    /// Signed GET of any object, by the crate (its content-type and same-host checks).
    pub async fn fetch_json(&self, id: &str) -> anyhow::Result<Value> {
        let url = Url::parse(id)?;
        Ok(activitypub_federation::fetch::fetch_object_http::<PeerState, Value>(&url, &self.data()).await?.object)
    }

    /// Serves `doc` at `path` (other actors of the same server, such as a Lemmy community and
    /// its users, all with the peer's key).
    pub fn serve(&self, path: &str, doc: Value) {
        self.data().served.lock().expect("lock").insert(path.to_string(), doc);
    }

    pub fn public_key_pem(&self) -> String {
        self.data().me.public_key_pem.clone()
    }

    /// As [`Peer::post_signed`], with another of the peer's actors' key id.
    pub async fn post_signed_as(&self, key_id: &str, inbox: &str, body: &str) -> reqwest::StatusCode {
        use maillage::federation::{keys::Signer, signatures::sign_cavage};
        let url = Url::parse(inbox).expect("url");
        let signer = Signer::from_pem(&self.private_key_pem()).expect("signer");
        let mut req = super::client().post(inbox).header("Content-Type", "application/activity+json");
        for (k, v) in sign_cavage(&http::Method::POST, &url, Some(body.as_bytes()), key_id, &signer).expect("sign") {
            req = req.header(k, v);
        }
        req.body(body.to_string()).send().await.expect("post").status()
    }

    /// What the peer received, but the territories' observatory aggregates (`cces:Aggregate`,
    /// sent whenever figures change and tested in observatory_federation.rs): what tests count
    /// and pin are the activities people's actions cause.
    pub fn received(&self) -> Vec<Value> {
        let all = self.data().received.lock().expect("lock").clone();
        all.into_iter().filter(|a| a["object"]["type"] != "cces:Aggregate").collect()
    }

    pub fn refused(&self) -> Vec<String> {
        self.data().refused.lock().expect("lock").clone()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
