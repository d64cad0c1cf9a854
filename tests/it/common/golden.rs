//! Golden files of the wire: JSON as Maillage sends and serves it, with what changes from run to
//! run (ports, uuids, times, keys) replaced by placeholders, compared with
//! `tests/fixtures/golden/<name>.json`. `MAILLAGE_BLESS=1` rewrites the files after a deliberate
//! change; without it a difference fails with the lines that differ.
#![allow(dead_code)]

use serde_json::Value;

/// The placeholders of one test: each host (`http://localhost:<port>`) gets a stable name.
#[derive(Default)]
pub struct Golden {
    hosts: Vec<(String, String)>,
}

impl Golden {
    /// `base` (`http://localhost:<port>`, with or without a final `/`) reads `https://<name>.example`.
    pub fn host(mut self, base: &str, name: &str) -> Golden {
        let base = base.trim_end_matches('/').to_string();
        let authority = base.trim_start_matches("http://").to_string();
        self.hosts.push((base, format!("https://{name}.example")));
        // The instance actor's username is its host with `.` for `:` (`localhost.4242`).
        self.hosts.push((authority.replace(':', "."), format!("{name}.example")));
        self.hosts.push((authority, format!("{name}.example")));
        self
    }

    /// `value` with placeholders: each distinct uuid becomes `<uuid-N>` (N in order of first
    /// appearance, so that an `Accept` still visibly points at its `Follow`), times `<time>`,
    /// millisecond timestamps `<millis>`, PEM keys `<pem>`; object keys sorted.
    pub fn normalise(&self, value: &Value) -> Value {
        let mut uuids = vec![];
        self.walk(value, &mut uuids)
    }

    fn walk(&self, value: &Value, uuids: &mut Vec<String>) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(s, uuids)),
            Value::Array(a) => Value::Array(a.iter().map(|v| self.walk(v, uuids)).collect()),
            // Keys sorted: their order means nothing on the wire, and typed structs may order
            // fields otherwise than the `json!` builders they replace.
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), self.walk(&m[k], uuids))).collect())
            }
            other => other.clone(),
        }
    }

    fn text(&self, s: &str, uuids: &mut Vec<String>) -> String {
        if s.contains("-----BEGIN") {
            return "<pem>".into();
        }
        let mut s = s.to_string();
        for (from, to) in &self.hosts {
            s = s.replace(from, to);
        }
        let s = replace_uuids(&s, uuids);
        let s = replace_times(&s);
        replace_millis(&s)
    }

    /// Compares `value`, normalised, with `tests/fixtures/golden/<name>.json`.
    pub fn check(&self, name: &str, value: &Value) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden");
        let path = format!("{dir}/{name}.json");
        let text = serde_json::to_string_pretty(&self.normalise(value)).expect("json") + "\n";
        if std::env::var_os("MAILLAGE_BLESS").is_some() {
            std::fs::create_dir_all(std::path::Path::new(&path).parent().expect("dir")).expect("mkdir");
            std::fs::write(&path, &text).expect("write golden file");
            return;
        }
        let golden = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("no golden file {name}.json: run with MAILLAGE_BLESS=1 and check it"));
        if text != golden {
            panic!("{name}.json changed (check it, then MAILLAGE_BLESS=1):\n{}", diff(&golden, &text));
        }
    }
}

/// The lines that differ, `-` golden and `+` now, with their line numbers (a line-by-line
/// comparison resynchronised on the next equal line: enough for JSON pretty-printed by serde).
pub fn diff(golden: &str, now: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (golden.lines().collect(), now.lines().collect());
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        // The nearest pair of equal lines ahead, if any.
        let next = (0..40)
            .flat_map(|d| (0..=d).map(move |k| (i + k, j + d - k)))
            .find(|&(x, y)| x < a.len() && y < b.len() && a[x] == b[y]);
        let (x, y) = next.unwrap_or((a.len(), b.len()));
        for (n, line) in a.iter().enumerate().take(x).skip(i) {
            out.push_str(&format!("{:>5} - {line}\n", n + 1));
        }
        for (n, line) in b.iter().enumerate().take(y).skip(j) {
            out.push_str(&format!("{:>5} + {line}\n", n + 1));
        }
        (i, j) = (x, y);
    }
    out
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn is_uuid(b: &[u8]) -> bool {
    b.len() >= 36
        && b[..36].iter().enumerate().all(|(i, &c)| if [8, 13, 18, 23].contains(&i) { c == b'-' } else { is_hex(c) })
}

fn replace_uuids(s: &str, seen: &mut Vec<String>) -> String {
    let b = s.as_bytes();
    let (mut out, mut i) = (String::new(), 0);
    while i < b.len() {
        if (i == 0 || !is_hex(b[i - 1])) && is_uuid(&b[i..]) && !b.get(i + 36).copied().is_some_and(is_hex) {
            let u = &s[i..i + 36];
            let n = seen.iter().position(|x| x == u).unwrap_or_else(|| {
                seen.push(u.to_string());
                seen.len() - 1
            });
            out.push_str(&format!("<uuid-{}>", n + 1));
            i += 36;
        } else {
            let c = s[i..].chars().next().expect("char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of an RFC 3339 time at the start of `b` (seconds, optional fraction, `Z` or offset).
fn time_len(b: &[u8]) -> Option<usize> {
    const SHAPE: &[u8] = b"dddd-dd-ddTdd:dd:dd";
    if b.len() < SHAPE.len() || !SHAPE.iter().zip(b).all(|(&p, &c)| if p == b'd' { c.is_ascii_digit() } else { p == c })
    {
        return None;
    }
    let mut n = SHAPE.len();
    if b.get(n) == Some(&b'.') {
        n += 1;
        while b.get(n).is_some_and(u8::is_ascii_digit) {
            n += 1;
        }
    }
    match b.get(n) {
        Some(b'Z') => Some(n + 1),
        Some(b'+') | Some(b'-') if b.len() >= n + 6 => Some(n + 6),
        _ => Some(n),
    }
}

fn replace_times(s: &str) -> String {
    let b = s.as_bytes();
    let (mut out, mut i) = (String::new(), 0);
    while i < b.len() {
        if let Some(n) = time_len(&b[i..]) {
            out.push_str("<time>");
            i += n;
        } else {
            let c = s[i..].chars().next().expect("char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Runs of exactly 13 digits: milliseconds since 1970 (pin ids, cursors).
fn replace_millis(s: &str) -> String {
    let (mut out, mut digits) = (String::new(), String::new());
    let flush = |out: &mut String, digits: &mut String| {
        out.push_str(if digits.len() == 13 { "<millis>" } else { digits });
        digits.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut out, &mut digits);
            out.push(c);
        }
    }
    flush(&mut out, &mut digits);
    out
}

#[test]
fn placeholders() {
    let g = Golden::default().host("http://localhost:4242/", "maillage");
    let v = serde_json::json!({
        "id": "http://localhost:4242/activities/0b5e1c2d-0000-4000-8000-00000000000a",
        "object": {"id": "http://localhost:4242/activities/0b5e1c2d-0000-4000-8000-00000000000a", "x": "acct:t@localhost:4242"},
        "other": "0b5e1c2d-0000-4000-8000-00000000000b",
        "published": "2026-12-04T23:50:40Z", "updated": "2026-12-04T23:50:40.123+00:00",
        "pin": "http://localhost:4242/t/a/pins/3-1764000000000", "n": "12345",
        "key": "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n"
    });
    let n = g.normalise(&v);
    assert_eq!(n["id"], "https://maillage.example/activities/<uuid-1>");
    assert_eq!(n["object"]["id"], n["id"]);
    assert_eq!(n["object"]["x"], "acct:t@maillage.example");
    assert_eq!(n["other"], "<uuid-2>");
    assert_eq!((n["published"].as_str(), n["updated"].as_str()), (Some("<time>"), Some("<time>")));
    assert_eq!(n["pin"], "https://maillage.example/t/a/pins/3-<millis>");
    assert_eq!((n["n"].as_str(), n["key"].as_str()), (Some("12345"), Some("<pem>")));
    assert_eq!(diff("a\nb\nc\n", "a\nx\nc\n"), "    2 - b\n    2 + x\n");
}
