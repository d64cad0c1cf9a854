//! The `maillage` binary as an administrator uses it: configuration layers, territory commands,
//! `serve` with graceful shutdown, and follower approval from the CLI while the server runs
//! (the two processes share the SQLite database and its delivery queue).

use crate::common;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::{eventually, peer::Peer};
use serde_json::json;

fn maillage(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_maillage"));
    c.current_dir(dir).env_remove("RUST_LOG").env_remove("MAILLAGE_DATABASE_URL").env_remove("MAILLAGE_PUBLIC_URL");
    c
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run maillage");
    assert!(out.status.success(), "{:?} failed: {}", cmd, String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

#[test]
fn version_and_config_errors() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = run_ok(maillage(dir.path()).arg("--version"));
    assert_eq!(out.trim(), format!("maillage {}", env!("CARGO_PKG_VERSION")));
    let out = maillage(dir.path()).args(["territory", "list"]).env("MAILLAGE_BIND", "nonsense").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bind"));
    std::fs::write(dir.path().join("maillage.toml"), "no_such_key = 1\n").expect("write");
    let out = maillage(dir.path()).args(["territory", "list"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2), "unknown keys in maillage.toml are refused");
}

#[test]
fn territory_commands_and_layers() {
    let dir = tempfile::tempdir().expect("tmp");
    // maillage.toml sets the public URL; the environment overrides the data dir; a flag wins over both.
    std::fs::write(
        dir.path().join("maillage.toml"),
        "public_url = \"https://from-file.example\"\ndata_dir = \"file-data\"\n",
    )
    .expect("write");
    let out = run_ok(maillage(dir.path()).args(["territory", "list"]).env("MAILLAGE_DATA_DIR", "env-data"));
    assert!(out.contains("territoire\tTerritoire CCES\t@territoire@from-file.example"), "{out}");
    assert!(dir.path().join("env-data/maillage.db").exists());
    assert!(!dir.path().join("file-data").exists());
    // The database now belongs to from-file.example: a flag naming another URL is refused
    // (tests/it/cli.rs `the_cli_and_the_server_agree_on_the_public_url`).
    let out = maillage(dir.path())
        .args(["--public-url", "https://flag.example", "territory", "list"])
        .env("MAILLAGE_DATA_DIR", "env-data")
        .output()
        .expect("run");
    assert!(!out.status.success(), "another public URL on the same database");

    run_ok(
        maillage(dir.path())
            .args(["territory", "create", "redon", "--name", "Pays de Redon"])
            .env("MAILLAGE_DATA_DIR", "env-data"),
    );
    run_ok(
        maillage(dir.path())
            .args(["territory", "update", "redon", "--manually-approves-followers", "true"])
            .env("MAILLAGE_DATA_DIR", "env-data"),
    );
    let out = run_ok(maillage(dir.path()).args(["territory", "list"]).env("MAILLAGE_DATA_DIR", "env-data"));
    assert!(out.contains("redon\tPays de Redon"), "{out}");
    let dup = maillage(dir.path())
        .args(["territory", "create", "redon", "--name", "X"])
        .env("MAILLAGE_DATA_DIR", "env-data")
        .output()
        .expect("run");
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    run_ok(maillage(dir.path()).arg("migrate").env("MAILLAGE_DATA_DIR", "env-data"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_approve_from_cli_and_shut_down_gracefully() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let base = format!("http://localhost:{port}");
    let env = |c: &mut Command| {
        c.env("MAILLAGE_PUBLIC_URL", &base)
            .env("MAILLAGE_BIND", format!("127.0.0.1:{port}"))
            .env("MAILLAGE_ALLOW_PRIVATE_NETWORK", "true");
    };
    let mut cmd = maillage(dir.path());
    env(&mut cmd);
    run_ok(cmd.args(["territory", "update", "territoire", "--manually-approves-followers", "true"]));

    let mut cmd = maillage(dir.path());
    env(&mut cmd);
    let log = std::fs::File::create(dir.path().join("serve.log")).expect("log");
    let server = Server(cmd.arg("serve").stdout(Stdio::null()).stderr(log).spawn().expect("serve"));
    let c = common::client();
    eventually(30, "server up", || {
        let c = c.clone();
        let url = format!("{base}/healthz");
        async move { c.get(url).send().await.map(|r| r.status().is_success()).unwrap_or(false) }
    })
    .await;
    let jrd: serde_json::Value = c
        .get(format!("{base}/.well-known/webfinger?resource=acct:territoire@localhost:{port}"))
        .send()
        .await
        .expect("wf")
        .json()
        .await
        .expect("json");
    assert_eq!(jrd["links"][0]["href"], format!("{base}/t/territoire"));

    // A peer asks to follow; the admin sees it pending and approves it from the CLI.
    let peer = Peer::start().await;
    let group = peer.resolve(&format!("territoire@localhost:{port}")).await.expect("resolve");
    peer.send(&group.inbox, "Follow", json!(group.id)).await.expect("follow");
    let list = || {
        let mut cmd = maillage(dir.path());
        env(&mut cmd);
        cmd.args(["followers", "list", "--pending"]);
        cmd
    };
    eventually(10, "pending follower listed", || {
        let out = run_ok(&mut list());
        async move { out.contains("@alice@localhost") }
    })
    .await;
    let mut cmd = maillage(dir.path());
    env(&mut cmd);
    run_ok(cmd.args(["followers", "approve", peer.actor_id().as_str()]));
    eventually(15, "the running server delivers the Accept queued by the CLI", || async {
        peer.received().iter().any(|a| a["type"] == "Accept")
    })
    .await;
    let mut cmd = maillage(dir.path());
    env(&mut cmd);
    let status = run_ok(cmd.args(["federation", "status"]));
    assert!(status.contains(&format!("{}\t0\t-\t0\t1\t20", peer.authority)), "{status}");
    assert!(status.contains("\tcavage"), "{status}");

    // SIGTERM: graceful shutdown, exit status 0.
    let mut server = server;
    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let mut exited = None;
    for _ in 0..100 {
        if let Some(s) = server.0.try_wait().expect("wait") {
            exited = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let exited = exited.expect("server stopped within 10 s of SIGTERM");
    assert!(exited.success(), "exit status {exited:?}");
    let log = std::fs::read_to_string(dir.path().join("serve.log")).expect("log");
    assert!(log.contains("Maillage stopped"), "{log}");
    assert!(!log.contains("PRIVATE KEY"));
    peer.stop().await;
}

#[test]
fn the_cli_and_the_server_agree_on_the_public_url() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = |c: &mut Command| {
        c.env("MAILLAGE_DATA_DIR", "data");
    };
    // The first start records the URL it was given…
    let mut cmd = maillage(dir.path());
    data(&mut cmd);
    run_ok(cmd.args(["--public-url", "https://cces.example", "territory", "list"]));
    // …and a command run without it (`MAILLAGE_DATA_DIR=… maillage follow …`) uses it, not the
    // default http://localhost:8080 that the server's keys do not vouch for.
    let mut cmd = maillage(dir.path());
    data(&mut cmd);
    let out = run_ok(cmd.args(["territory", "list"]));
    assert!(out.contains("@territoire@cces.example"), "{out}");
    let mut cmd = maillage(dir.path());
    data(&mut cmd);
    let out = run_ok(cmd.args(["territory", "create", "redon", "--name", "Pays de Redon"]));
    assert!(out.contains("@redon@cces.example"), "{out}");

    // Another URL stops a command, and `serve`, with a clear error.
    for args in [&["territory", "list"][..], &["serve"][..]] {
        let mut cmd = maillage(dir.path());
        data(&mut cmd);
        let out = cmd
            .args(args)
            .env("MAILLAGE_PUBLIC_URL", "https://other.example")
            .env("MAILLAGE_BIND", format!("127.0.0.1:{}", free_port()))
            .output()
            .expect("run");
        assert!(!out.status.success(), "{args:?} with another URL");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("https://cces.example/") && err.contains("set-public-url"), "{args:?}: {err}");
    }

    // Moving is explicit.
    let mut cmd = maillage(dir.path());
    data(&mut cmd);
    let out = cmd.args(["set-public-url", "https://other.example"]).output().expect("run");
    assert!(!out.status.success(), "set-public-url without --i-know-what-i-am-doing");
    let mut cmd = maillage(dir.path());
    data(&mut cmd);
    run_ok(cmd.args(["set-public-url", "https://other.example", "--i-know-what-i-am-doing"]));
    let mut cmd = maillage(dir.path());
    data(&mut cmd);
    let out = run_ok(cmd.args(["territory", "list"]));
    assert!(out.contains("@territoire@other.example"), "{out}");
}

/// `maillage bench observatory` at a tiny scale, on SQLite (and PostgreSQL when
/// MAILLAGE_TEST_POSTGRES is set): it seeds the network, waits for the background refresher,
/// and prints each page's rate as a ratio to the one-row page of the same run, with the
/// machine it ran on and the check that reading pages recomputed nothing. The rates themselves
/// depend on the machine: only their presence and sense are checked.
#[test]
fn bench_observatory_prints_ratios() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = run_ok(maillage(dir.path()).args([
        "bench",
        "observatory",
        "--scale",
        "0.002",
        "--secs",
        "0.2",
        "--concurrency",
        "2",
    ]));
    assert!(out.contains("logical CPUs"), "the machine is printed: {out}");
    assert!(out.contains("1 local, 1 followed one by one, 2 on 1 instances subscribed to as a whole"), "{out}");
    let backends = if std::env::var("MAILLAGE_TEST_POSTGRES").is_ok_and(|s| !s.is_empty()) { 2 } else { 1 };
    assert_eq!(out.matches("(baseline)").count(), backends, "{out}");
    for case in ["network observatory page", "instance observatory page", "network GeoJSON export"] {
        let ratios: Vec<f64> = out
            .lines()
            .filter(|l| l.trim_start().starts_with(case))
            .map(|l| {
                let before = l.rsplit_once(" × baseline").map(|(a, _)| a).unwrap_or_else(|| panic!("ratio: {l}"));
                before.split_whitespace().last().and_then(|r| r.parse().ok()).unwrap_or_else(|| panic!("{l}"))
            })
            .collect();
        assert_eq!(ratios.len(), backends, "{case} once per backend: {out}");
        assert!(ratios.iter().all(|r| *r > 0.0 && r.is_finite()), "{case}: {ratios:?}");
    }
    assert_eq!(out.matches("origins recomputed while the pages were read: 0 ").count(), backends, "{out}");

    let refused = maillage(dir.path()).args(["bench", "observatory", "--scale", "0"]).output().expect("run");
    assert!(!refused.status.success(), "a scale of 0 is refused");
}
