//! `maillage bench federation`: a benchmark (not a test). It starts its own mock fleet on
//! loopback, where every inbox verifies the signatures it receives, and prints figures next to
//! baselines measured in the same run, so that the ratios mean something on any machine.

mod fanout;
mod fanout_runs;
mod fleet;
mod ingest;
mod ingest_target;
pub mod observatory;
pub mod practices;
mod servers;

use std::time::Instant;

use aws_lc_rs::{
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _, ParsedPublicKey},
};
use http::{HeaderMap, Method};
use url::Url;

use maillage::{
    error::{AppError, AppResult},
    federation::{
        keys::{Signer, Verifier, generate_rsa_keypair},
        rfc9421,
        signatures::{IncomingSignature, sign_cavage},
    },
};

pub struct BenchOptions {
    pub followers: usize,
    pub hosts: usize,
    /// Followers and hosts of the growth run (part e).
    pub growth_followers: usize,
    pub growth_hosts: usize,
    /// Rounds of each fan-out figure (the best is kept).
    pub rounds: usize,
    pub ingest: usize,
    /// Part (c)'s open loop: activities per second, and for how many seconds.
    pub rate: f64,
    pub duration: f64,
    pub postgres: Option<String>,
    /// Parts to run (`signatures`, `fanout`, `ingest`, `hung`, `growth`, `processes`); empty: all.
    pub only: Vec<String>,
}

impl BenchOptions {
    fn runs(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

/// Runs `f` repeatedly for about `secs` seconds; returns operations per second.
pub(crate) fn ops_per_sec(secs: f64, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        for _ in 0..16 {
            f();
        }
        n += 16;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Best of `rounds` interleaved measurements of each closure: on a small shared machine the
/// CPU's speed drifts, and interleaving keeps baseline and measured side by side.
fn interleaved<const N: usize>(rounds: usize, secs: f64, fs: &mut [&mut dyn FnMut(); N]) -> [f64; N] {
    let mut best = [0f64; N];
    for _ in 0..rounds {
        for (i, f) in fs.iter_mut().enumerate() {
            best[i] = best[i].max(ops_per_sec(secs, &mut **f));
        }
    }
    best
}

/// Raw RSA-2048 signs per second on one thread for about `secs` (the sign limit's unit).
pub(crate) fn raw_signs_per_sec(secs: f64) -> AppResult<f64> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| AppError::internal("keygen"))?;
    let rng = SystemRandom::new();
    let mut sig = vec![0u8; pair.public_modulus_len()];
    let msg = b"(request-target): post /inbox\nhost: a.example\ndate: Tue, 20 Apr 2021 02:07:55 GMT";
    Ok(ops_per_sec(secs, &mut || {
        let _ = pair.sign(&signature::RSA_PKCS1_SHA256, &rng, msg, &mut sig);
    }))
}

fn bench_signatures() -> AppResult<()> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| AppError::internal("keygen"))?;
    let msg = b"(request-target): post /users/alice/inbox\nhost: mastodon.example\ndate: Tue, 20 Apr 2021 02:07:55 GMT\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";
    let rng = SystemRandom::new();
    let mut sig = vec![0u8; pair.public_modulus_len()];
    if pair.sign(&signature::RSA_PKCS1_SHA256, &rng, msg, &mut sig).is_err() {
        return Err(AppError::internal("sign"));
    }
    let public = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
        .map_err(|_| AppError::internal("public key"))?;

    let keys = generate_rsa_keypair()?;
    let signer = Signer::from_pem(&keys.private_key_pem)?;
    let verifier = Verifier::from_pem(&keys.public_key_pem)?;
    let url = Url::parse("https://mastodon.example/users/alice/inbox").map_err(AppError::internal)?;
    let body = br#"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/1","type":"Follow","actor":"https://a.example/u","object":"https://b.example/t"}"#;
    let key_id = "https://a.example/u#main-key";
    let now = chrono::Utc::now().timestamp();
    let mut cavage_headers = HeaderMap::new();
    for (k, v) in sign_cavage(&Method::POST, &url, Some(body), key_id, &signer)? {
        cavage_headers.insert(k, v);
    }
    let mut rfc_headers = HeaderMap::new();
    for (k, v) in rfc9421::sign(&Method::POST, &url, Some(body), key_id, &signer)? {
        rfc_headers.insert(k, v);
    }
    let mut raw_sig = sig.clone();
    let [raw_sign, cavage_sign, rfc_sign] = interleaved(
        3,
        0.5,
        &mut [
            &mut || {
                let _ = pair.sign(&signature::RSA_PKCS1_SHA256, &rng, msg, &mut raw_sig);
            },
            &mut || {
                let _ = sign_cavage(&Method::POST, &url, Some(body), key_id, &signer);
            },
            &mut || {
                let _ = rfc9421::sign(&Method::POST, &url, Some(body), key_id, &signer);
            },
        ],
    );
    let [raw_verify, cavage_verify, rfc_verify] = interleaved(
        3,
        0.5,
        &mut [
            &mut || {
                let _ = public.verify_sig(msg, &sig);
            },
            &mut || {
                if let Ok(s) =
                    IncomingSignature::prepare(&Method::POST, "/users/alice/inbox", &cavage_headers, Some(body), now)
                {
                    let _ = s.verify(&verifier);
                }
            },
            &mut || {
                if let Ok(s) = rfc9421::Incoming::prepare(&Method::POST, &url, &rfc_headers, Some(body), now) {
                    let _ = s.verify(&verifier);
                }
            },
        ],
    );
    println!("(a) signatures, RSA-2048 PKCS#1 v1.5 SHA-256, one thread, best of 3 interleaved rounds");
    println!("    raw aws-lc-rs sign          {raw_sign:>10.0} ops/s   (baseline)");
    println!("    draft-cavage sign           {cavage_sign:>10.0} ops/s   {:.2} × baseline", cavage_sign / raw_sign);
    println!("    RFC 9421 sign               {rfc_sign:>10.0} ops/s   {:.2} × baseline", rfc_sign / raw_sign);
    println!("    raw aws-lc-rs verify        {raw_verify:>10.0} ops/s   (baseline)");
    println!(
        "    draft-cavage verify         {cavage_verify:>10.0} ops/s   {:.2} × baseline",
        cavage_verify / raw_verify
    );
    println!("    RFC 9421 verify             {rfc_verify:>10.0} ops/s   {:.2} × baseline", rfc_verify / raw_verify);
    Ok(())
}

pub async fn run(opts: BenchOptions) -> AppResult<()> {
    println!("Maillage {} — federation benchmark", env!("CARGO_PKG_VERSION"));
    println!("machine: {} logical CPUs, {}", cores(), cpu_model());
    println!();
    // Phases on standard error (a spinner on a terminal, log lines otherwise); results on stdout.
    let progress = crate::progress::for_command();
    if opts.runs("signatures") {
        progress.begin("(a) signatures", None);
        tokio::task::spawn_blocking(bench_signatures).await.map_err(AppError::internal)??;
        progress.end("(a) signatures");
        println!();
    }
    // (b)'s time is (d)'s and (e)'s reference; without (b), they measure their own.
    let mut reference = None;
    if opts.runs("fanout") {
        progress.begin("(b) fan-out", None);
        reference = Some(fanout_runs::limits(&opts).await?);
        progress.end("(b) fan-out");
        println!();
    }
    if opts.runs("ingest") {
        progress.begin("(c) inbox ingest", None);
        ingest::run(ingest::IngestOptions {
            count: opts.ingest,
            rate: opts.rate,
            secs: opts.duration,
            postgres: opts.postgres.clone(),
        })
        .await?;
        progress.end("(c) inbox ingest");
        println!();
    }
    if opts.runs("hung") {
        progress.begin("(d) fan-out, one hung host", None);
        fanout_runs::hung_host(&opts, reference).await?;
        progress.end("(d) fan-out, one hung host");
        println!();
    }
    if opts.runs("growth") {
        progress.begin("(e) growth and memory", None);
        fanout_runs::growth(&opts, reference).await?;
        progress.end("(e) growth and memory");
        println!();
    }
    if opts.runs("processes") {
        progress.begin("(f) two processes", None);
        fanout_runs::two_processes(&opts).await?;
        progress.end("(f) two processes");
    }
    Ok(())
}

pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// The machine, as each benchmark prints it first: logical cores and CPU model.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("machine: {cores} logical CPUs, {}", cpu_model())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
