//! Property tests (proptest) against a running instance: arbitrary bytes, mutated activities
//! signed by a real peer, mangled signature headers, and random calls to the public API. Never
//! a 5xx (nor a panic, which would be a 500 or a dropped connection), and a refused activity
//! leaves nothing behind. Case counts are small so that the file runs in well under a minute
//! in a debug build; PROPTEST_CASES raises them for a longer hunt.

use crate::common;

use common::{TestDb, TestInstance, client, peer::Peer};
use maillage::federation::{keys::Signer, signatures::SignatureFormat};
use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use serde_json::{Map, Value, json};

/// Tables an incoming activity writes to: a refused one must change none of them.
const INBOUND: [&str; 5] =
    ["received_activities", "followers", "practice_comments", "practice_reactions", "practice_adoptions"];

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default)
}

fn runner(default: u32) -> TestRunner {
    TestRunner::new(Config { cases: cases(default), failure_persistence: None, ..Config::default() })
}

struct World {
    rt: tokio::runtime::Runtime,
    m: TestInstance,
    peer: Peer,
    practice: String,
}

impl World {
    fn start() -> World {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let (m, peer, practice) = rt.block_on(async {
            let m = TestInstance::start_with(TestDb::sqlite().await, |c| c.inbox_rate_per_minute = 0).await;
            let (_, practice) = common::published_practice(&m, "Jardin partagé", "Un jardin du quartier.").await;
            (m, Peer::start().await, practice)
        });
        World { rt, m, peer, practice }
    }

    fn inbound(&self) -> Vec<i64> {
        self.rt.block_on(async {
            let mut out = vec![];
            for t in INBOUND {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}"))
                    .fetch_one(self.m.data.store.pool())
                    .await
                    .expect("count");
                out.push(n);
            }
            out
        })
    }

    /// Sends `body` to the shared inbox, signed by the peer, with `headers` replaced after
    /// signing; returns the status.
    fn post(&self, body: &[u8], format: SignatureFormat, replace: &[(String, String)]) -> u16 {
        self.rt.block_on(async {
            let inbox = self.m.url("/inbox");
            let url = url::Url::parse(&inbox).expect("url");
            let signer = Signer::from_pem(&self.peer.private_key_pem()).expect("signer");
            let key_id = format!("{}#main-key", self.peer.actor_id());
            let mut headers = http::HeaderMap::new();
            for (k, v) in format.sign(&http::Method::POST, &url, Some(body), &key_id, &signer).expect("sign") {
                headers.insert(k, v);
            }
            for (k, v) in replace {
                if let (Ok(k), Ok(v)) = (http::HeaderName::try_from(k.as_str()), http::HeaderValue::from_str(v)) {
                    headers.insert(k, v);
                }
            }
            let res = client().post(&inbox).headers(headers).body(body.to_vec()).send().await;
            res.map(|r| r.status().as_u16()).unwrap_or(599)
        })
    }
}

/// Any JSON, a few levels deep, with strings that mean something to an inbox among the noise.
fn json_value(world: &World) -> BoxedStrategy<Value> {
    let meaningful = vec![
        json!("https://www.w3.org/ns/activitystreams#Public"),
        json!(world.practice.clone()),
        json!(world.m.territory()),
        json!(world.peer.actor_id()),
        json!(format!("{}u/bob", world.peer.base)),
        json!(format!("javascript://{}/x", world.peer.authority)),
        json!("data:text/html,<script>alert(1)</script>"),
        json!("Note"),
        json!("Follow"),
        json!("Group"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,24}".prop_map(Value::from),
        prop::sample::select(meaningful),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z:@]{1,10}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// Well-formed activities of every kind the inbox handles, from the peer.
fn templates(world: &World) -> Vec<Value> {
    let (actor, practice, territory) = (world.peer.actor_id(), world.practice.clone(), world.m.territory());
    let note = |id: &str| {
        json!({"id": id, "type": "Note", "attributedTo": actor, "inReplyTo": practice, "content": "<p>avis</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"]})
    };
    vec![
        json!({"type": "Follow", "object": territory}),
        json!({"type": "Create", "object": note("NOTE")}),
        json!({"type": "Update", "object": note("NOTE")}),
        json!({"type": "Like", "object": practice}),
        json!({"type": "Announce", "object": practice, "cces:adoptionNote": "adaptée"}),
        json!({"type": "Undo", "object": {"type": "Like", "id": "ID", "object": practice}}),
        json!({"type": "Delete", "object": "NOTE"}),
        json!({"type": "Accept", "object": {"type": "Follow", "actor": territory, "object": actor}}),
        json!({"type": "Create", "object": {"type": "Article", "id": "NOTE", "name": "x", "attributedTo": actor}}),
    ]
}

/// A dotted path into an activity and what to do there.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(&'static str),
    Set(&'static str, Value),
}

const PATHS: [&str; 14] = [
    "id",
    "type",
    "actor",
    "object",
    "to",
    "cc",
    "object.id",
    "object.type",
    "object.inReplyTo",
    "object.content",
    "object.attributedTo",
    "object.url",
    "object.to",
    "cces:adoptionNote",
];

fn apply(v: &mut Value, m: &Mutation) {
    let (path, new) = match m {
        Mutation::Remove(p) => (*p, None),
        Mutation::Set(p, v) => (*p, Some(v.clone())),
    };
    let (parent, key) = match path.split_once('.') {
        Some((first, rest)) => (v.get_mut(first), rest),
        None => (Some(&mut *v), path),
    };
    if let Some(Value::Object(o)) = parent {
        match new {
            Some(n) => {
                o.insert(key.to_string(), n);
            }
            None => {
                o.remove(key);
            }
        }
    }
}

/// Fills a template with fresh ids on the peer's host.
fn fill(world: &World, template: &Value) -> Value {
    let id = world.peer.new_id();
    let text =
        template.to_string().replace("\"NOTE\"", &format!("\"{id}/note\"")).replace("\"ID\"", &format!("\"{id}/x\""));
    let mut v: Value = serde_json::from_str(&text).expect("template");
    v["@context"] = json!("https://www.w3.org/ns/activitystreams");
    v["id"] = json!(id);
    v["actor"] = json!(world.peer.actor_id());
    v
}

fn check(world: &World, before: &[i64], status: u16, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "{what}: status {status}");
    if status >= 400 {
        prop_assert_eq!(world.inbound(), before.to_vec(), "{}: refused ({}) but something was stored", what, status);
    }
    Ok(())
}

#[test]
fn hostile_input_never_gets_a_5xx_and_refusals_store_nothing() {
    let world = World::start();
    let templates = templates(&world);

    // 1. Mutated activities, correctly signed: they reach every handler.
    let mutation = prop_oneof![
        prop::sample::select(PATHS.to_vec()).prop_map(Mutation::Remove),
        (prop::sample::select(PATHS.to_vec()), json_value(&world)).prop_map(|(p, v)| Mutation::Set(p, v)),
    ];
    let strategy = (0..templates.len(), prop::collection::vec(mutation, 0..4), any::<bool>());
    runner(64)
        .run(&strategy, |(t, mutations, rfc)| {
            let mut activity = fill(&world, &templates[t]);
            for m in &mutations {
                apply(&mut activity, m);
            }
            let body = serde_json::to_vec(&activity).expect("json");
            let before = world.inbound();
            let format = if rfc { SignatureFormat::Rfc9421 } else { SignatureFormat::Cavage };
            let status = world.post(&body, format, &[]);
            check(&world, &before, status, &activity.to_string())
        })
        .expect("mutated activities");

    // 2. Arbitrary bytes and mangled signature headers on a valid activity.
    let header = prop::sample::select(vec![
        "signature",
        "signature-input",
        "digest",
        "content-digest",
        "date",
        "host",
        "content-type",
    ]);
    let strategy = (
        prop_oneof![prop::collection::vec(any::<u8>(), 0..512), Just(b"VALID".to_vec()),],
        prop::collection::vec((header, "[ -~]{0,160}"), 0..3),
        any::<bool>(),
    );
    runner(64)
        .run(&strategy, |(body, headers, rfc)| {
            let garbage = body != b"VALID";
            let body = if garbage { body } else { serde_json::to_vec(&fill(&world, &templates[0])).expect("json") };
            let replace: Vec<(String, String)> = headers.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let before = world.inbound();
            let format = if rfc { SignatureFormat::Rfc9421 } else { SignatureFormat::Cavage };
            let status = world.post(&body, format, &replace);
            if garbage {
                prop_assert!(status >= 400, "garbage accepted: {status}");
            }
            check(&world, &before, status, &format!("{replace:?}"))
        })
        .expect("mangled requests");

    // 3. The public API and pages: random paths, queries and JSON bodies.
    let path = prop::sample::select(vec![
        "/api/v1/practices",
        "/api/v1/practices/",
        "/api/v1/signatures",
        "/api/v1/territories/",
        "/.well-known/webfinger?resource=",
        "/t/territoire/outbox?page=",
        "/t/territoire/followers?page=",
        "/practices/",
        "/pratiques?q=",
        "/activities/",
        "/notes/",
        "/s/",
        "/nodeinfo/2.1?",
    ]);
    let strategy = (path, "[ -~]{0,40}", prop::option::of(json_value(&world)), any::<bool>());
    runner(64)
        .run(&strategy, |(path, tail, body, post)| {
            let status = world.rt.block_on(async {
                let url = format!(
                    "{}{}",
                    world.m.url(path),
                    percent_encoding::utf8_percent_encode(&tail, percent_encoding::NON_ALPHANUMERIC)
                );
                let req = if post { client().post(&url) } else { client().get(&url) };
                let req = match &body {
                    Some(b) => req.json(b),
                    None => req,
                };
                req.send().await.map(|r| r.status().as_u16()).unwrap_or(599)
            });
            prop_assert!(status < 500, "{path}{tail} ({post}): {status}");
            Ok(())
        })
        .expect("public API");

    let World { rt, m, peer, .. } = world;
    rt.block_on(async {
        peer.stop().await;
        m.stop().await;
    });
}
