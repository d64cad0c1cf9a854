//! `maillage serve` processes started by the benchmark on its database: the fan-out is measured
//! in a real server process (the same binary, its own delivery worker), so that its resident
//! set is the server's alone and two of them can share one PostgreSQL queue.

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use maillage::error::{AppError, AppResult};

pub struct Server {
    child: tokio::process::Child,
    pid: u32,
}

/// Resident set of a process, in kB: now (`VmRSS`) and its peak so far (`VmHWM`); of the
/// resident set now, the pages of files (`RssFile`: mostly the binary's own code and data).
#[derive(Clone, Copy, Default)]
pub struct Memory {
    pub rss_kb: u64,
    pub peak_kb: u64,
    pub file_kb: u64,
}

impl Server {
    /// Starts `maillage serve` on a free loopback port over `database_url` and waits until it
    /// answers `/healthz`. Delivered rows are pruned as soon as the queue drains, and an idle
    /// worker polls every 20 ms (work queued by this benchmark process cannot wake it).
    pub async fn start(data_dir: &Path, database_url: &str, public_url: &str) -> AppResult<Server> {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(AppError::internal)?.port();
        let exe = std::env::current_exe().map_err(AppError::internal)?;
        let mut child = tokio::process::Command::new(exe)
            .arg("serve")
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--database-url", database_url, "--public-url", public_url, "--allow-private-network"])
            .env("MAILLAGE_DELIVERY_KEEP_DONE_SECS", "0")
            .env("MAILLAGE_DELIVERY_POLL_MS", "20")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(AppError::internal)?;
        let pid = child.id().ok_or_else(|| AppError::internal("server exited at once"))?;
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/healthz");
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(&url).send().await
                && r.status().is_success()
            {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(AppError::Internal(format!("maillage serve exited: {status}")));
            }
            if started.elapsed() > Duration::from_secs(60) {
                return Err(AppError::internal("maillage serve did not start within 60 s"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(Server { child, pid })
    }

    pub fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory { rss_kb: field("VmRSS:"), peak_kb: field("VmHWM:"), file_kb: field("RssFile:") }
    }

    /// Kills the process (its deliveries are done; the benchmark's database goes next).
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}
