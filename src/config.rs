//! Configuration: built-in defaults < `maillage.toml` < environment (`MAILLAGE_*`) < command-line
//! flags. Every key is documented in `maillage.example.toml`; the defaults below are the ones a
//! territory gets when it runs `maillage serve` with nothing else.

use std::{net::SocketAddr, path::PathBuf};

use serde::Deserialize;
use url::Url;

use crate::domain::territory::Slug;

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

/// Values from one layer (file, environment or flags): every field optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    pub bind: Option<String>,
    pub public_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub allow_private_network: Option<bool>,
    pub default_territory: Option<String>,
    pub default_territory_name: Option<String>,
    pub delivery_concurrency: Option<usize>,
    pub delivery_per_host: Option<usize>,
    pub delivery_horizon_secs: Option<i64>,
    pub delivery_backoff_ms: Option<i64>,
    pub delivery_lease_secs: Option<i64>,
    pub delivery_keep_done_secs: Option<i64>,
    pub delivery_poll_ms: Option<u64>,
    pub probe_interval_secs: Option<u64>,
    pub http_timeout_secs: Option<u64>,
    pub metrics_token: Option<String>,
    pub log_format: Option<String>,
    pub signature_confirm_hours: Option<i64>,
    pub trusted_proxies: Option<Vec<String>>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub inbox_rate_per_minute: Option<u32>,
    pub time_zone: Option<String>,
    pub open_data_licence: Option<String>,
    pub subscribers_by_hand: Option<bool>,
    pub backup_interval_hours: Option<u64>,
    pub backup_retention: Option<usize>,
    pub backup_dir: Option<PathBuf>,
    pub map_tiles_url: Option<String>,
    pub map_tiles_attribution: Option<String>,
}

impl ConfigLayer {
    /// Reads the `MAILLAGE_*` variables from an environment snapshot (testable without
    /// touching the process environment).
    pub fn from_env<I: IntoIterator<Item = (String, String)>>(vars: I) -> Result<Self, String> {
        let mut layer = ConfigLayer::default();
        for (key, value) in vars {
            let Some(name) = key.strip_prefix("MAILLAGE_") else {
                continue;
            };
            match name {
                "BIND" => layer.bind = Some(value),
                "PUBLIC_URL" => layer.public_url = Some(value),
                "DATA_DIR" => layer.data_dir = Some(value.into()),
                "DATABASE_URL" => layer.database_url = Some(value),
                "ALLOW_PRIVATE_NETWORK" => layer.allow_private_network = Some(parse_bool(&key, &value)?),
                "DEFAULT_TERRITORY" => layer.default_territory = Some(value),
                "DEFAULT_TERRITORY_NAME" => layer.default_territory_name = Some(value),
                "DELIVERY_CONCURRENCY" => {
                    layer.delivery_concurrency = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "DELIVERY_HORIZON_SECS" => {
                    layer.delivery_horizon_secs = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "DELIVERY_PER_HOST" => {
                    layer.delivery_per_host = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "DELIVERY_BACKOFF_MS" => {
                    layer.delivery_backoff_ms = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "DELIVERY_LEASE_SECS" => {
                    layer.delivery_lease_secs = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "DELIVERY_KEEP_DONE_SECS" => {
                    layer.delivery_keep_done_secs = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "DELIVERY_POLL_MS" => {
                    layer.delivery_poll_ms = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "PROBE_INTERVAL_SECS" => {
                    layer.probe_interval_secs = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "HTTP_TIMEOUT_SECS" => {
                    layer.http_timeout_secs = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "METRICS_TOKEN" => layer.metrics_token = Some(value),
                "LOG_FORMAT" => layer.log_format = Some(value),
                "SIGNATURE_CONFIRM_HOURS" => {
                    layer.signature_confirm_hours = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "TRUSTED_PROXIES" => {
                    layer.trusted_proxies = Some(value.split(',').map(|s| s.trim().to_string()).collect())
                }
                "SMTP_URL" => layer.smtp_url = Some(value),
                "MAIL_FROM" => layer.mail_from = Some(value),
                "INBOX_RATE_PER_MINUTE" => {
                    layer.inbox_rate_per_minute = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "TIME_ZONE" => layer.time_zone = Some(value),
                "OPEN_DATA_LICENCE" => layer.open_data_licence = Some(value),
                "SUBSCRIBERS_BY_HAND" => layer.subscribers_by_hand = Some(parse_bool(&key, &value)?),
                "BACKUP_INTERVAL_HOURS" => {
                    layer.backup_interval_hours = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "BACKUP_RETENTION" => {
                    layer.backup_retention = Some(value.parse().map_err(|_| format!("{key}: not a number"))?)
                }
                "BACKUP_DIR" => layer.backup_dir = Some(value.into()),
                "MAP_TILES_URL" => layer.map_tiles_url = Some(value),
                "MAP_TILES_ATTRIBUTION" => layer.map_tiles_attribution = Some(value),
                // MAILLAGE_CONFIG names the file; MAILLAGE_TEST_* belong to the test suite.
                _ => {}
            }
        }
        Ok(layer)
    }

    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("maillage.toml: {e}"))
    }

    /// `other` wins where it has a value.
    pub fn merge(self, other: ConfigLayer) -> ConfigLayer {
        ConfigLayer {
            bind: other.bind.or(self.bind),
            public_url: other.public_url.or(self.public_url),
            data_dir: other.data_dir.or(self.data_dir),
            database_url: other.database_url.or(self.database_url),
            allow_private_network: other.allow_private_network.or(self.allow_private_network),
            default_territory: other.default_territory.or(self.default_territory),
            default_territory_name: other.default_territory_name.or(self.default_territory_name),
            delivery_concurrency: other.delivery_concurrency.or(self.delivery_concurrency),
            delivery_per_host: other.delivery_per_host.or(self.delivery_per_host),
            delivery_horizon_secs: other.delivery_horizon_secs.or(self.delivery_horizon_secs),
            delivery_backoff_ms: other.delivery_backoff_ms.or(self.delivery_backoff_ms),
            delivery_lease_secs: other.delivery_lease_secs.or(self.delivery_lease_secs),
            delivery_keep_done_secs: other.delivery_keep_done_secs.or(self.delivery_keep_done_secs),
            delivery_poll_ms: other.delivery_poll_ms.or(self.delivery_poll_ms),
            probe_interval_secs: other.probe_interval_secs.or(self.probe_interval_secs),
            http_timeout_secs: other.http_timeout_secs.or(self.http_timeout_secs),
            metrics_token: other.metrics_token.or(self.metrics_token),
            log_format: other.log_format.or(self.log_format),
            signature_confirm_hours: other.signature_confirm_hours.or(self.signature_confirm_hours),
            trusted_proxies: other.trusted_proxies.or(self.trusted_proxies),
            smtp_url: other.smtp_url.or(self.smtp_url),
            mail_from: other.mail_from.or(self.mail_from),
            inbox_rate_per_minute: other.inbox_rate_per_minute.or(self.inbox_rate_per_minute),
            time_zone: other.time_zone.or(self.time_zone),
            open_data_licence: other.open_data_licence.or(self.open_data_licence),
            subscribers_by_hand: other.subscribers_by_hand.or(self.subscribers_by_hand),
            backup_interval_hours: other.backup_interval_hours.or(self.backup_interval_hours),
            backup_retention: other.backup_retention.or(self.backup_retention),
            backup_dir: other.backup_dir.or(self.backup_dir),
            map_tiles_url: other.map_tiles_url.or(self.map_tiles_url),
            map_tiles_attribution: other.map_tiles_attribution.or(self.map_tiles_attribution),
        }
    }

    /// Applies the defaults and checks every value.
    pub fn resolve(self) -> Result<Config, String> {
        let bind = self.bind.unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind.parse().map_err(|_| format!("bind: `{bind}` is not an address:port"))?;
        let public_url_given = self.public_url.is_some();
        let public_url = self.public_url.unwrap_or_else(|| "http://localhost:8080".into());
        let public_url = parse_public_url(&public_url)?;
        let data_dir = self.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = self
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("maillage.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err("database_url: must start with sqlite: or postgres://".into());
        }
        let default_territory = Slug::parse(self.default_territory.as_deref().unwrap_or("territoire"))
            .map_err(|e| format!("default_territory: {e}"))?;
        let log_format = self.log_format.unwrap_or_else(|| "text".into());
        if !matches!(log_format.as_str(), "text" | "json") {
            return Err("log_format: `text` or `json`".into());
        }
        let delivery_concurrency = self.delivery_concurrency.unwrap_or(16);
        if delivery_concurrency == 0 {
            return Err("delivery_concurrency: at least 1".into());
        }
        let data_dir_for_backups = data_dir.clone();
        let map_tiles_url = self.map_tiles_url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
        let map_tiles_url = map_tiles_url.unwrap_or_else(|| DEFAULT_MAP_TILES_URL.into());
        tiles_origin(&map_tiles_url).map_err(|e| format!("map_tiles_url: {e}"))?;
        Ok(Config {
            bind,
            public_url: public_url.clone(),
            public_url_given,
            data_dir,
            database_url,
            allow_private_network: self.allow_private_network.unwrap_or(false),
            default_territory,
            default_territory_name: self.default_territory_name.unwrap_or_else(|| "Territoire CCES".into()),
            delivery_concurrency,
            delivery_per_host: self.delivery_per_host.unwrap_or(4).max(1),
            delivery_horizon_secs: self.delivery_horizon_secs.unwrap_or(3 * 24 * 3600),
            delivery_backoff_ms: self.delivery_backoff_ms.unwrap_or(5000).clamp(1, 3_600_000),
            delivery_lease_secs: self.delivery_lease_secs.unwrap_or(60).max(1),
            delivery_keep_done_secs: self.delivery_keep_done_secs.unwrap_or(3600).max(0),
            delivery_poll_ms: self.delivery_poll_ms.unwrap_or(2000).clamp(10, 60_000),
            probe_interval_secs: self.probe_interval_secs.unwrap_or(3600).max(1),
            http_timeout_secs: self.http_timeout_secs.unwrap_or(10).clamp(1, 300),
            metrics_token: self.metrics_token.filter(|t| !t.is_empty()),
            log_format,
            signature_confirm_hours: self.signature_confirm_hours.unwrap_or(48).clamp(1, 24 * 30),
            trusted_proxies: parse_networks(self.trusted_proxies.unwrap_or_default())?,
            smtp_url: self.smtp_url.filter(|s| !s.is_empty()),
            mail_from: self
                .mail_from
                .unwrap_or_else(|| format!("maillage@{}", public_url.host_str().unwrap_or("localhost"))),
            inbox_rate_per_minute: self.inbox_rate_per_minute.unwrap_or(20),
            time_zone: match self.time_zone.as_deref() {
                Some(z) => crate::web::time::parse_zone(z)?,
                None => crate::web::time::DEFAULT_ZONE,
            },
            open_data_licence: self
                .open_data_licence
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| "Licence Ouverte / Etalab 2.0".into()),
            subscribers_by_hand: self.subscribers_by_hand.unwrap_or(false),
            backup_interval_hours: self.backup_interval_hours.unwrap_or(0),
            backup_retention: self.backup_retention.unwrap_or(7).max(1),
            backup_dir: self.backup_dir.unwrap_or_else(|| data_dir_for_backups.join("backups")),
            config_file: None,
            map_tiles_url,
            map_tiles_attribution: self
                .map_tiles_attribution
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| "© OpenStreetMap".into()),
        })
    }
}

pub const DEFAULT_MAP_TILES_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// The CSP source of a tile URL template: `https://tile.openstreetmap.org`, or
/// `https://*.tile.example` for a `{s}` subdomain (CSP 3 §2.3.1 host-source wildcard).
pub fn tiles_origin(template: &str) -> Result<String, String> {
    for needed in ["{z}", "{x}", "{y}"] {
        if !template.contains(needed) {
            return Err(format!("`{template}` has no {needed}"));
        }
    }
    let (scheme, rest) = template.split_once("://").ok_or_else(|| format!("`{template}` is not a URL"))?;
    if !matches!(scheme, "https" | "http") {
        return Err(format!("`{template}`: https:// or http:// only"));
    }
    let host = rest.split('/').next().unwrap_or_default();
    let host = host.strip_prefix("{s}.").map(|h| format!("*.{h}")).unwrap_or_else(|| host.to_string());
    let plain = host.strip_prefix("*.").unwrap_or(&host);
    let ok = !plain.is_empty()
        && plain.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !ok || Url::parse(&format!("{scheme}://{plain}/")).is_err() {
        return Err(format!("`{template}`: the host must be a plain name (or {{s}}.name)"));
    }
    Ok(format!("{scheme}://{host}"))
}

/// `10.0.0.0/8`, `2001:db8::/32`, or one address (`127.0.0.1`); empty entries are skipped.
fn parse_networks(list: Vec<String>) -> Result<Vec<ipnet::IpNet>, String> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("trusted_proxies: `{s}` is not an address or CIDR range"))
        })
        .collect()
}

/// A public base URL: http(s) with a host; ids are built by joining paths, so the base keeps
/// no path, query or fragment.
pub fn parse_public_url(s: &str) -> Result<Url, String> {
    let mut public_url = Url::parse(s).map_err(|e| format!("public_url: {e}"))?;
    if !matches!(public_url.scheme(), "http" | "https") || public_url.host_str().is_none() {
        return Err("public_url: must be an http(s) URL with a host".into());
    }
    public_url.set_path("");
    public_url.set_query(None);
    public_url.set_fragment(None);
    Ok(public_url)
}

fn parse_bool(key: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("{key}: expected true or false, got `{value}`")),
    }
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

    #[test]
    fn layers_override_in_order() {
        let file =
            ConfigLayer::from_toml("bind = \"0.0.0.0:9000\"\npublic_url = \"https://a.example\"\n").expect("test");
        let env = ConfigLayer::from_env([
            ("MAILLAGE_PUBLIC_URL".to_string(), "https://b.example".to_string()),
            ("MAILLAGE_ALLOW_PRIVATE_NETWORK".to_string(), "true".to_string()),
            ("PATH".to_string(), "/bin".to_string()),
        ])
        .expect("test");
        let flags = ConfigLayer { public_url: Some("https://c.example:8443".into()), ..Default::default() };
        let c = ConfigLayer::default().merge(file).merge(env).merge(flags).resolve().expect("test");
        assert_eq!(c.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(c.authority(), "c.example:8443");
        assert!(c.allow_private_network);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(ConfigLayer::from_toml("unknown_key = 1").is_err());
        assert!(ConfigLayer::from_env([("MAILLAGE_ALLOW_PRIVATE_NETWORK".into(), "maybe".into())]).is_err());
        assert!(ConfigLayer { bind: Some("nope".into()), ..Default::default() }.resolve().is_err());
        assert!(ConfigLayer { database_url: Some("mysql://x".into()), ..Default::default() }.resolve().is_err());
        assert!(ConfigLayer { default_territory: Some("Bad Slug".into()), ..Default::default() }.resolve().is_err());
        assert!(ConfigLayer { time_zone: Some("Mars/Olympus".into()), ..Default::default() }.resolve().is_err());
        assert!(
            ConfigLayer { trusted_proxies: Some(vec!["10.0.0.0/33".into()]), ..Default::default() }.resolve().is_err()
        );
    }

    #[test]
    fn map_tiles_url_gives_the_csp_origin() {
        let c = ConfigLayer::default().resolve().expect("test");
        assert_eq!(c.map_tiles_url, DEFAULT_MAP_TILES_URL);
        assert_eq!(tiles_origin(&c.map_tiles_url).expect("test"), "https://tile.openstreetmap.org");
        assert_eq!(
            tiles_origin("https://{s}.tiles.example:8443/{z}/{x}/{y}.png").expect("test"),
            "https://*.tiles.example:8443"
        );
        for bad in [
            "ftp://a.example/{z}/{x}/{y}",
            "https://a.example/{z}/{x}.png",
            "https://a b/{z}/{x}/{y}",
            "https://x{z}.example/{x}/{y}",
            "https:///{z}/{x}/{y}",
        ] {
            assert!(tiles_origin(bad).is_err(), "{bad}");
            assert!(ConfigLayer { map_tiles_url: Some(bad.into()), ..Default::default() }.resolve().is_err(), "{bad}");
        }
        let env =
            ConfigLayer::from_env([("MAILLAGE_MAP_TILES_URL".into(), "https://t.example/{z}/{x}/{y}.png".into())]);
        assert_eq!(env.expect("test").resolve().expect("test").map_tiles_url, "https://t.example/{z}/{x}/{y}.png");
    }

    #[test]
    fn trusted_proxies_are_networks() {
        assert!(ConfigLayer::default().resolve().expect("test").trusted_proxies.is_empty());
        let file = ConfigLayer::from_toml("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]").expect("test");
        let c = file.resolve().expect("test");
        assert_eq!(c.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>(), ["10.0.0.0/8", "::1/128"]);
        let env = ConfigLayer::from_env([("MAILLAGE_TRUSTED_PROXIES".into(), "127.0.0.1, 172.16.0.0/12".into())]);
        assert_eq!(env.expect("test").resolve().expect("test").trusted_proxies.len(), 2);
    }
}
