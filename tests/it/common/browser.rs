//! Headless Chromium for the browser tests (Debian's `chromium` and `chromium-driver`, driven
//! over WebDriver), screenshots kept in `target/screenshots/`, text and CSP-violation readers.

use std::{
    os::unix::process::CommandExt,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub struct Driver {
    child: Child,
    _profile: tempfile::TempDir,
    pub client: Client,
}

impl Drop for Driver {
    /// Kills chromedriver's whole process group: chromedriver alone would leave the browser it
    /// started running (a child of init) when a test ends without closing its session.
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        // SAFETY: `kill` takes no pointer; a negative pid names the group `start_browser_with`
        // made for chromedriver (its own id), which holds chromedriver and the browser.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

pub async fn start_browser() -> Driver {
    start_browser_with(true).await
}

pub async fn start_browser_with(javascript: bool) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        // A process group of its own, killed whole on drop (with the browser).
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver");
    let profile = tempfile::tempdir().expect("profile");
    let binary = std::env::var("MAILLAGE_CHROMIUM").unwrap_or_else(|_| {
        if std::path::Path::new("/usr/bin/chromium").exists() {
            "/usr/bin/chromium".into()
        } else {
            "/usr/bin/chromium-browser".into()
        }
    });
    let caps = json!({
        // The console log, read by `csp_violations`.
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--disable-crash-reporter", "--disable-breakpad", "--lang=fr-FR", "--accept-lang=fr-FR",
                "--window-size=1280,900", format!("--user-data-dir={}", profile.path().display())
            ],
            "prefs": {
                "intl.accept_languages": "fr-FR,fr",
                "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 }
            }
        }
    });
    let caps: serde_json::Map<String, serde_json::Value> = caps.as_object().expect("object").clone();
    let url = format!("http://127.0.0.1:{port}");
    let mut client = None;
    for _ in 0..100 {
        if let Ok(c) = ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&url).await {
            client = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, _profile: profile, client: client.expect("chromedriver did not start") }
}

pub async fn shot(c: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// The text of the first element matching `css`, or "" while the page is (re)loading: callers
/// poll with `eventually` or assert on the content, so a navigation in between is not an error.
pub async fn text(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// chromedriver's console log since the last call (the legacy `se/log` endpoint).
#[derive(Debug)]
pub struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"type": "browser"}).to_string()))
    }
}

/// Content-Security-Policy violations Chromium reported on the console since the last call.
pub async fn csp_violations(c: &Client) -> Vec<String> {
    let log = c.issue_cmd(BrowserLog).await.expect("browser log");
    log.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.contains("Content Security Policy"))
        .map(String::from)
        .collect()
}
