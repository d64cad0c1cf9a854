//! From stacked layers to the effective [`Config`]: the defaults a territory gets with nothing
//! configured, and the check of every value (a wrong one stops the start with its key named).

use std::{net::SocketAddr, path::PathBuf};

use url::Url;

use super::{Config, ConfigLayer};
use crate::domain::territory::Slug;

impl ConfigLayer {
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
                Some(z) => crate::text::time::parse_zone(z)?,
                None => crate::text::time::DEFAULT_ZONE,
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

pub(super) fn parse_bool(key: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("{key}: expected true or false, got `{value}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigLayer;

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
