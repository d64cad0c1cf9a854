//! Remote hosts: health (for skipping unreachable ones), the signature format each accepts,
//! and instance-level domain blocks.

use sqlx::FromRow;

use super::Store;
use crate::{
    domain::{now_millis, report::Severity},
    error::AppResult,
};

#[derive(Debug, Clone, FromRow)]
pub struct HostRow {
    pub host: String,
    pub unreachable_since: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub last_error: Option<String>,
    pub signature_format: Option<String>,
    pub last_probe_at: Option<i64>,
}

const COLUMNS: &str =
    "host, unreachable_since, last_success_at, last_failure_at, last_error, signature_format, last_probe_at";

/// True when `host` (`name[:port]`) is blocked by an entry of `blocked`: an entry without a
/// port blocks that domain and its subdomains on every port; an entry with a port
/// (`name:port`, as written by [`block_entry`]) blocks exactly that authority. Entries are
/// lowercase.
pub fn is_blocked_by(blocked: &[String], host: &str) -> bool {
    let domain = domain_of(host);
    let exact = block_entry(host);
    if blocked.contains(&exact) {
        return true;
    }
    let mut rest = domain.as_str();
    loop {
        if blocked.iter().any(|b| b == rest) {
            return true;
        }
        match rest.split_once('.') {
            Some((_, parent)) => rest = parent,
            None => return false,
        }
    }
}

/// The host part of `host[:port]`, lowercased.
pub fn domain_of(host: &str) -> String {
    split_port(host).0
}

fn split_port(host: &str) -> (String, Option<&str>) {
    let (h, port) = match host.rsplit_once(':') {
        // `[::1]:80` or `name:80`; a bare IPv6 address has colons but no port.
        Some((h, p))
            if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (h.ends_with(']') || !h.contains(':')) =>
        {
            (h, Some(p))
        }
        _ => (host, None),
    };
    (h.trim_end_matches('.').to_ascii_lowercase(), port)
}

/// How a block given by an admin is stored: `name` (every port), or `name:port` (that port
/// only). Accepts a URL or `*.name` too; the default ports 80 and 443 mean the whole host
/// (ids on them carry no port).
pub fn block_entry(given: &str) -> String {
    let given = given.trim();
    let given = given.split_once("://").map_or(given, |(_, rest)| rest);
    let given = given.split(['/', '?', '#']).next().unwrap_or_default();
    let given = given.rsplit_once('@').map_or(given, |(_, host)| host);
    let given = given.trim_start_matches("*.");
    match split_port(given) {
        (domain, Some(port)) if port != "80" && port != "443" => format!("{domain}:{port}"),
        (domain, _) => domain,
    }
}

impl Store {
    pub async fn host(&self, host: &str) -> AppResult<Option<HostRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM hosts WHERE host = $1"))
            .bind(host)
            .fetch_optional(self.pool())
            .await?)
    }

    pub async fn hosts(&self) -> AppResult<Vec<HostRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM hosts ORDER BY host")).fetch_all(self.pool()).await?)
    }

    async fn ensure_host(&self, host: &str) -> AppResult<()> {
        sqlx::query("INSERT INTO hosts (host) VALUES ($1) ON CONFLICT (host) DO NOTHING")
            .bind(host)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// A probe of an unreachable host found a server answering: it is alive again (deliveries
    /// record their successes with [`Store::host_delivered`], inbox requests through the host
    /// book). Returns true when it was marked unreachable before. One write, an upsert; the
    /// earlier state is read first, through the pool.
    pub async fn host_alive(&self, host: &str) -> AppResult<bool> {
        self.host_book.forget(host);
        let was = self.host(host).await?.and_then(|h| h.unreachable_since).is_some();
        sqlx::query(
            "INSERT INTO hosts (host, last_probe_at) VALUES ($1, $2) ON CONFLICT (host) DO UPDATE \
             SET unreachable_since = NULL, last_probe_at = excluded.last_probe_at",
        )
        .bind(host)
        .bind(now_millis())
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(was)
    }

    /// A delivery to `host` succeeded: it is alive, and takes the signature `format` when one
    /// was just learned. One upsert (the delivery worker's, once per host per burst).
    pub async fn host_delivered(&self, host: &str, format: Option<&str>) -> AppResult<()> {
        self.host_book.forget(host);
        sqlx::query(
            "INSERT INTO hosts (host, last_success_at, signature_format) VALUES ($1, $2, $3) \
             ON CONFLICT (host) DO UPDATE SET unreachable_since = NULL, last_success_at = excluded.last_success_at, \
             signature_format = COALESCE(excluded.signature_format, hosts.signature_format)",
        )
        .bind(host)
        .bind(now_millis())
        .bind(format)
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    pub async fn host_failed(&self, host: &str, error: &str) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO hosts (host, last_failure_at, last_error) VALUES ($1, $2, $3) ON CONFLICT (host) DO UPDATE \
             SET last_failure_at = excluded.last_failure_at, last_error = excluded.last_error",
        )
        .bind(host)
        .bind(now_millis())
        .bind(error.chars().take(300).collect::<String>())
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    pub async fn mark_unreachable(&self, host: &str) -> AppResult<()> {
        self.host_book.forget(host);
        self.ensure_host(host).await?;
        sqlx::query("UPDATE hosts SET unreachable_since = COALESCE(unreachable_since, $1) WHERE host = $2")
            .bind(now_millis())
            .bind(host)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    pub async fn unreachable_hosts(&self) -> AppResult<Vec<HostRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM hosts WHERE unreachable_since IS NOT NULL ORDER BY host"))
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn probe_done(&self, host: &str) -> AppResult<()> {
        sqlx::query("UPDATE hosts SET last_probe_at = $1 WHERE host = $2")
            .bind(now_millis())
            .bind(host)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    /// The software a host runs (NodeInfo `software.name`, "" when it has none) and when it
    /// was asked; None when never asked.
    pub async fn host_software(&self, host: &str) -> AppResult<Option<(String, i64)>> {
        let row: Option<(Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT software, software_checked_at FROM hosts WHERE host = $1")
                .bind(host)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.and_then(|(s, at)| Some((s.unwrap_or_default(), at?))))
    }

    pub async fn set_host_software(&self, host: &str, software: &str) -> AppResult<()> {
        self.ensure_host(host).await?;
        sqlx::query("UPDATE hosts SET software = $1, software_checked_at = $2 WHERE host = $3")
            .bind(software)
            .bind(now_millis())
            .bind(host)
            .execute(&mut *self.writer().await?)
            .await?;
        Ok(())
    }

    pub async fn block_domain(&self, domain: &str, reason: &str) -> AppResult<()> {
        block_domain_in(&mut *self.writer().await?, domain, reason).await
    }

    pub async fn unblock_domain(&self, domain: &str) -> AppResult<bool> {
        unblock_domain_in(&mut *self.writer().await?, domain).await
    }

    pub async fn domain_blocks(&self) -> AppResult<Vec<(String, String)>> {
        Ok(sqlx::query_as("SELECT domain, reason FROM domain_blocks WHERE severity = 'suspend' ORDER BY domain")
            .fetch_all(self.pool())
            .await?)
    }
}

/// A domain block with Mastodon's fields (its CSV export and import).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DomainBlockRow {
    pub domain: String,
    #[sqlx(try_from = "String")]
    pub severity: crate::domain::report::Severity,
    #[sqlx(try_from = "i64")]
    pub reject_media: super::Flag,
    #[sqlx(try_from = "i64")]
    pub reject_reports: super::Flag,
    pub reason: String,
    #[sqlx(try_from = "i64")]
    pub obfuscate: super::Flag,
}

impl Store {
    /// Every domain block, whatever its severity.
    pub async fn all_domain_blocks(&self) -> AppResult<Vec<DomainBlockRow>> {
        Ok(sqlx::query_as(
            "SELECT domain, severity, reject_media, reject_reports, reason, obfuscate FROM domain_blocks ORDER BY domain",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

/// Stores a block with all its fields, inside the caller's transaction.
pub async fn upsert_domain_block_in(conn: &mut sqlx::AnyConnection, b: &DomainBlockRow) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO domain_blocks (domain, reason, created_at, severity, reject_media, reject_reports, obfuscate) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (domain) DO UPDATE SET reason = excluded.reason, \
         severity = excluded.severity, reject_media = excluded.reject_media, reject_reports = excluded.reject_reports, \
         obfuscate = excluded.obfuscate",
    )
    .bind(block_entry(&b.domain))
    .bind(&b.reason)
    .bind(now_millis())
    .bind(b.severity.as_str())
    .bind(super::flag(b.reject_media.0))
    .bind(super::flag(b.reject_reports.0))
    .bind(super::flag(b.obfuscate.0))
    .execute(conn)
    .await?;
    Ok(())
}

/// Blocks `domain` (`suspend`, also when it was limited), inside the caller's transaction.
pub async fn block_domain_in(conn: &mut sqlx::AnyConnection, domain: &str, reason: &str) -> AppResult<()> {
    set_domain_severity_in(conn, domain, reason, Severity::Suspend).await
}

/// Limits `domain` (`limit`, also when it was blocked: a block eased), inside the caller's
/// transaction.
pub async fn limit_domain_in(conn: &mut sqlx::AnyConnection, domain: &str, reason: &str) -> AppResult<()> {
    set_domain_severity_in(conn, domain, reason, Severity::Limit).await
}

async fn set_domain_severity_in(
    conn: &mut sqlx::AnyConnection,
    domain: &str,
    reason: &str,
    severity: Severity,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO domain_blocks (domain, reason, created_at, severity) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (domain) DO UPDATE SET reason = excluded.reason, severity = excluded.severity",
    )
    .bind(block_entry(domain))
    .bind(reason)
    .bind(now_millis())
    .bind(severity.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// An SQL condition true when the URL in `column` (an actor's or an object's id) is not on a
/// limited domain, its subdomains or, for an entry without a port, any of their ports: what
/// `is_blocked_by` decides in Rust, for the public lists filtered in SQL (catalogue, agenda).
/// Matched on the lowercased URL: hosts are stored lowercased (`block_entry`).
pub fn not_limited(column: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM domain_blocks lim WHERE lim.severity = 'limit' AND (\
         LOWER({column}) LIKE '%://' || lim.domain || '/%' OR LOWER({column}) LIKE '%://%.' || lim.domain || '/%' \
         OR (lim.domain NOT LIKE '%:%' AND (LOWER({column}) LIKE '%://' || lim.domain || ':%' \
         OR LOWER({column}) LIKE '%://%.' || lim.domain || ':%'))))"
    )
}

/// Lifts the block of `domain`, inside the caller's transaction; false when there was none.
pub async fn unblock_domain_in(conn: &mut sqlx::AnyConnection, domain: &str) -> AppResult<bool> {
    let done =
        sqlx::query("DELETE FROM domain_blocks WHERE domain = $1").bind(block_entry(domain)).execute(conn).await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::{block_entry, domain_of, is_blocked_by};

    #[test]
    fn domains() {
        assert_eq!(domain_of("Mastodon.Example:8443"), "mastodon.example");
        assert_eq!(domain_of("localhost"), "localhost");
        assert_eq!(domain_of("a.example."), "a.example");
        let blocked = vec!["evil.example".to_string()];
        assert!(is_blocked_by(&blocked, "evil.example"));
        assert!(is_blocked_by(&blocked, "sub.Evil.Example:8443"));
        assert!(!is_blocked_by(&blocked, "notevil.example"));
        assert!(!is_blocked_by(&blocked, "example"));
    }

    #[test]
    fn blocks_with_a_port() {
        assert_eq!(block_entry("Evil.Example:8443"), "evil.example:8443");
        assert_eq!(block_entry("https://evil.example:443/users/x"), "evil.example");
        assert_eq!(block_entry("*.evil.example"), "evil.example");
        assert_eq!(block_entry(" [::1]:8080 "), "[::1]:8080");
        assert_eq!(domain_of("[::1]:8080"), "[::1]");
        let blocked = vec![block_entry("localhost:4001")];
        assert!(is_blocked_by(&blocked, "localhost:4001"));
        assert!(is_blocked_by(&blocked, "LOCALHOST:4001"));
        assert!(!is_blocked_by(&blocked, "localhost:4002"), "another port of the same host is another server");
        assert!(!is_blocked_by(&blocked, "localhost"));
        // Without a port: every port.
        let blocked = vec![block_entry("localhost")];
        assert!(is_blocked_by(&blocked, "localhost:4001") && is_blocked_by(&blocked, "localhost"));
    }
}
