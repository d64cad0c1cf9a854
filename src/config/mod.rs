//! Configuration: built-in defaults < `maillage.toml` < environment (`MAILLAGE_*`) < command-line
//! flags. Every key is documented in `maillage.example.toml`; the defaults below are the ones a
//! territory gets when it runs `maillage serve` with nothing else.

use std::{net::SocketAddr, path::PathBuf};

use url::Url;

use crate::domain::territory::Slug;

mod layer;
mod resolve;

pub use layer::ConfigLayer;
pub use resolve::{DEFAULT_MAP_TILES_URL, parse_public_url, tiles_origin};

/// The effective configuration of one running instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address the HTTP server listens on. Default `127.0.0.1:8080`.
    pub bind: SocketAddr,
    /// Public base URL; every ActivityPub id is built from it (scheme, host and port kept).
    /// Default `http://localhost:8080`.
    pub public_url: Url,
    /// Whether `public_url` was given (file, environment or flag) rather than defaulted: a
    /// given one must match the URL recorded in the database; a defaulted one yields to it.
    pub public_url_given: bool,
    /// Where the SQLite database, keys and mail outbox live. Default `./data`.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`. Default: `sqlite://<data_dir>/maillage.db`.
    pub database_url: String,
    /// Allow fetching from and delivering to loopback/private addresses and plain-http peers.
    /// Off by default (protection against server-side request forgery).
    pub allow_private_network: bool,
    /// Slug of the territory created on first start. Default `territoire`.
    pub default_territory: Slug,
    /// Display name of that territory. Default `Territoire CCES`.
    pub default_territory_name: String,
    /// Delivery workers sending at once (over all hosts). Default 16.
    pub delivery_concurrency: usize,
    /// Deliveries in flight to one host at once (per process). Default 4.
    pub delivery_per_host: usize,
    /// Give up retrying a delivery after this many seconds. Default 3 days.
    pub delivery_horizon_secs: i64,
    /// Delay before the first retry, in milliseconds; each next one is four times longer, up to
    /// one hour. Default 5000.
    pub delivery_backoff_ms: i64,
    /// How long a worker holds a delivery it took before another may retry it (a process that
    /// died mid-send). Default 60 seconds.
    pub delivery_lease_secs: i64,
    /// Delivered rows stay in the queue this long (the admin pages count them), then are
    /// deleted. Default 1 hour; 0 deletes them at the next maintenance pass.
    pub delivery_keep_done_secs: i64,
    /// How often an idle worker looks at the queue for work another process queued, in
    /// milliseconds (work queued by this process wakes it at once). Default 2000.
    pub delivery_poll_ms: u64,
    /// Timeout of one outgoing HTTP request (fetch or delivery), seconds. Default 10.
    pub http_timeout_secs: u64,
    /// How often unreachable hosts are probed (seconds). Default 1 hour.
    pub probe_interval_secs: u64,
    /// Bearer token required by `/metrics` when set. Default: none (metrics open; bind to
    /// localhost or filter at the proxy).
    pub metrics_token: Option<String>,
    /// Log format: `text` or `json`. Default `text`.
    pub log_format: String,
    /// Hours a signer has to confirm by mail before the signature is dropped. Default 48.
    pub signature_confirm_hours: i64,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` entries are believed:
    /// the client is the rightmost entry not in this list. Default none (header ignored).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// SMTP server for outgoing mail (`smtp://user:pass@host:587` with STARTTLS, `smtps://…`).
    /// Default: none, mail is written to `<data_dir>/outbox/*.eml`.
    pub smtp_url: Option<String>,
    /// Sender address. Default `maillage@<host of public_url>`.
    pub mail_from: String,
    /// Comments, reactions or adoptions one remote actor may send per minute (ten times as
    /// many per host); past it the inbox answers 429 and stores nothing. 0: no limit. Default 20.
    pub inbox_rate_per_minute: u32,
    /// Time zone in which pages and mails show times (IANA name). Default `Europe/Paris`.
    pub time_zone: chrono_tz::Tz,
    /// Licence of the observatory's open data (exports, `datapackage.json`). Default
    /// `Licence Ouverte / Etalab 2.0`.
    pub open_data_licence: String,
    /// Instances subscribing to this one as a whole (their instance actor following `/actor`)
    /// wait for an admin's approval. Default false: accepted at once.
    pub subscribers_by_hand: bool,
    /// Hours between scheduled backups made by `serve` (docs/admin.md "Backups"). Default 0: none.
    pub backup_interval_hours: u64,
    /// Scheduled backups kept in `backup_dir`; older ones are deleted. Default 7.
    pub backup_retention: usize,
    /// Where scheduled backups are written. Default `<data_dir>/backups`.
    pub backup_dir: PathBuf,
    /// The configuration file read, if any: backups carry a copy of it. Set by the command line.
    pub config_file: Option<PathBuf>,
    /// Tile server of the map pages (`{z}`, `{x}`, `{y}`, optional `{s}` subdomain). Default
    /// OpenStreetMap's `https://tile.openstreetmap.org/{z}/{x}/{y}.png`; the map page's CSP lets
    /// images come from that host and nothing else.
    pub map_tiles_url: String,
    /// The tiles' attribution shown on the map (plain text). Default `© OpenStreetMap`.
    pub map_tiles_attribution: String,
}

impl Config {
    /// `host[:port]` as it appears in `acct:` handles and in the federation crate's domain.
    pub fn authority(&self) -> String {
        let host = self.public_url.host_str().unwrap_or("localhost");
        match self.public_url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// Takes `url` as the public URL (the one recorded in the database), and the sender
    /// address derived from it when that was defaulted.
    pub fn adopt_public_url(&mut self, url: Url) {
        if self.mail_from == format!("maillage@{}", self.public_url.host_str().unwrap_or("localhost")) {
            self.mail_from = format!("maillage@{}", url.host_str().unwrap_or("localhost"));
        }
        self.public_url = url;
    }

    /// Absolute URL for a path on this instance.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.public_url.clone();
        url.set_path(path);
        url
    }

    /// Configuration for tests and tools: defaults with the given overrides.
    pub fn for_test(public_url: &str, data_dir: PathBuf, database_url: Option<String>) -> Result<Config, String> {
        ConfigLayer {
            public_url: Some(public_url.to_string()),
            data_dir: Some(data_dir),
            database_url,
            allow_private_network: Some(true),
            ..Default::default()
        }
        .resolve()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let c = ConfigLayer::default().resolve().expect("test");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url.as_str(), "http://localhost:8080/");
        assert_eq!(c.authority(), "localhost:8080");
        assert_eq!(c.database_url, "sqlite://./data/maillage.db?mode=rwc");
        assert!(!c.allow_private_network);
        assert_eq!(c.default_territory.as_str(), "territoire");
        assert_eq!(c.time_zone, chrono_tz::Europe::Paris);
        let env = ConfigLayer::from_env([("MAILLAGE_TIME_ZONE".into(), "America/Cayenne".into())]).expect("test");
        assert_eq!(env.resolve().expect("test").time_zone, chrono_tz::America::Cayenne);
    }
}
