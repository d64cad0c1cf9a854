//! Prometheus metrics, kept per instance (several instances share a process in tests), rendered
//! in the text exposition format without a metrics library.
//! https://prometheus.io/docs/instrumenting/exposition_formats/

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

/// Latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros.fetch_add(d.as_micros() as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {}", self.counts[i].load(Ordering::Relaxed));
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// Activity types we label by name; anything else is `other`, so labels stay bounded.
const KNOWN_TYPES: [&str; 16] = [
    "Follow", "Undo", "Accept", "Reject", "Delete", "Create", "Update", "Announce", "Like", "Flag", "Join", "Leave",
    "Add", "Remove", "Block", "Move",
];

pub fn type_label(kind: &str) -> &'static str {
    KNOWN_TYPES.iter().find(|k| **k == kind).copied().unwrap_or("other")
}

#[derive(Default)]
pub struct Metrics {
    deliveries: Mutex<BTreeMap<&'static str, u64>>,
    inbox: Mutex<BTreeMap<(u16, &'static str), u64>>,
    pub delivery_latency: Histogram,
    pub inbox_latency: Histogram,
    /// Claims of due deliveries from the queue (each a write), and deliveries the worker was
    /// handed by the change that queued them instead (`federation::handoff`).
    pub delivery_claims: AtomicU64,
    pub deliveries_handed: AtomicU64,
}

impl Metrics {
    /// `outcome`: success, retry, failed, gone, skipped.
    pub fn delivery(&self, outcome: &'static str) {
        if let Ok(mut m) = self.deliveries.lock() {
            *m.entry(outcome).or_default() += 1;
        }
    }

    pub fn inbox(&self, status: u16, kind: &'static str) {
        if let Ok(mut m) = self.inbox.lock() {
            *m.entry((status, kind)).or_default() += 1;
        }
    }

    /// The exposition text; `queue` adds gauges of the delivery queue per state.
    pub fn render(&self, queue: &[(String, i64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP maillage_deliveries_total Delivery attempts by outcome.\n# TYPE maillage_deliveries_total counter\n");
        if let Ok(m) = self.deliveries.lock() {
            for (outcome, n) in m.iter() {
                let _ = writeln!(out, "maillage_deliveries_total{{outcome=\"{outcome}\"}} {n}");
            }
        }
        out.push_str("# HELP maillage_inbox_requests_total Inbox requests by HTTP status and activity type.\n# TYPE maillage_inbox_requests_total counter\n");
        if let Ok(m) = self.inbox.lock() {
            for ((status, kind), n) in m.iter() {
                let _ = writeln!(out, "maillage_inbox_requests_total{{status=\"{status}\",type=\"{kind}\"}} {n}");
            }
        }
        for (name, help, n) in [
            ("maillage_delivery_claims_total", "Claims of due deliveries from the queue.", &self.delivery_claims),
            (
                "maillage_deliveries_handed_total",
                "Deliveries handed to the worker by the change that queued them, without a claim.",
                &self.deliveries_handed,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}", n.load(Ordering::Relaxed));
        }
        self.delivery_latency.render(&mut out, "maillage_delivery_duration_seconds", "Time to send one delivery.");
        self.inbox_latency.render(
            &mut out,
            "maillage_inbox_duration_seconds",
            "Time to verify and apply one inbox request.",
        );
        out.push_str(
            "# HELP maillage_delivery_queue Deliveries in the queue by state.\n# TYPE maillage_delivery_queue gauge\n",
        );
        for (state, n) in queue {
            let _ = writeln!(out, "maillage_delivery_queue{{state=\"{state}\"}} {n}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.delivery("success");
        m.delivery("success");
        m.inbox(202, type_label("Follow"));
        m.inbox(401, type_label("Dance"));
        m.delivery_latency.observe(Duration::from_millis(3));
        m.delivery_claims.fetch_add(3, Ordering::Relaxed);
        let text = m.render(&[("pending".into(), 4)]);
        assert!(text.contains("maillage_deliveries_total{outcome=\"success\"} 2"));
        assert!(text.contains("maillage_inbox_requests_total{status=\"401\",type=\"other\"} 1"));
        assert!(text.contains("maillage_delivery_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("maillage_delivery_duration_seconds_bucket{le=\"0.0025\"} 0"));
        assert!(text.contains("maillage_delivery_queue{state=\"pending\"} 4"));
        assert!(text.contains("maillage_delivery_claims_total 3\n"));
        assert!(text.contains("maillage_deliveries_handed_total 0\n"));
    }
}
