//! One layer of the configuration (the file, the environment or the flags): every key
//! optional, and how layers stack (`merge`: the later one wins where it has a value).

use std::{path::PathBuf, str::FromStr};

use serde::Deserialize;

use super::resolve::parse_bool;

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
                "DELIVERY_CONCURRENCY" => layer.delivery_concurrency = Some(number(&key, &value)?),
                "DELIVERY_HORIZON_SECS" => layer.delivery_horizon_secs = Some(number(&key, &value)?),
                "DELIVERY_PER_HOST" => layer.delivery_per_host = Some(number(&key, &value)?),
                "DELIVERY_BACKOFF_MS" => layer.delivery_backoff_ms = Some(number(&key, &value)?),
                "DELIVERY_LEASE_SECS" => layer.delivery_lease_secs = Some(number(&key, &value)?),
                "DELIVERY_KEEP_DONE_SECS" => layer.delivery_keep_done_secs = Some(number(&key, &value)?),
                "DELIVERY_POLL_MS" => layer.delivery_poll_ms = Some(number(&key, &value)?),
                "PROBE_INTERVAL_SECS" => layer.probe_interval_secs = Some(number(&key, &value)?),
                "HTTP_TIMEOUT_SECS" => layer.http_timeout_secs = Some(number(&key, &value)?),
                "METRICS_TOKEN" => layer.metrics_token = Some(value),
                "LOG_FORMAT" => layer.log_format = Some(value),
                "SIGNATURE_CONFIRM_HOURS" => layer.signature_confirm_hours = Some(number(&key, &value)?),
                "TRUSTED_PROXIES" => {
                    layer.trusted_proxies = Some(value.split(',').map(|s| s.trim().to_string()).collect())
                }
                "SMTP_URL" => layer.smtp_url = Some(value),
                "MAIL_FROM" => layer.mail_from = Some(value),
                "INBOX_RATE_PER_MINUTE" => layer.inbox_rate_per_minute = Some(number(&key, &value)?),
                "TIME_ZONE" => layer.time_zone = Some(value),
                "OPEN_DATA_LICENCE" => layer.open_data_licence = Some(value),
                "SUBSCRIBERS_BY_HAND" => layer.subscribers_by_hand = Some(parse_bool(&key, &value)?),
                "BACKUP_INTERVAL_HOURS" => layer.backup_interval_hours = Some(number(&key, &value)?),
                "BACKUP_RETENTION" => layer.backup_retention = Some(number(&key, &value)?),
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
}

/// A numeric `MAILLAGE_*` value.
fn number<T: FromStr>(key: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{key}: not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
