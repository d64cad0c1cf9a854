//! Per-actor and per-host limits on what incoming activities make us store and redistribute:
//! comments (each one becomes an `Announce` to every follower of the territory, FEP-1b12),
//! reactions (likes, boosts) and adoptions. A flood from one account, or from many accounts of
//! one server, is answered 429 with `Retry-After` before anything is written; the sender's
//! queue retries later, as Mastodon's and Lemmy's do on 429.
//! https://www.rfc-editor.org/rfc/rfc6585#section-4

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::{AppError, AppResult};

/// What is counted, each kind in its own windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    Comment,
    Reaction,
    Adoption,
}

const WINDOW: Duration = Duration::from_secs(60);
/// A host gets this many times an actor's allowance (a server has many accounts).
const HOST_FACTOR: u32 = 10;
/// Past this many live windows, expired ones are swept (bounds memory under a spray of actors).
const SWEEP_AT: usize = 20_000;

/// Fixed one-minute windows per (kind, actor) and (kind, host), in memory: limits are per
/// server process, which is what protects its followers' inboxes.
pub struct FloodGuard {
    per_actor: u32,
    windows: Mutex<HashMap<(Act, String), (Instant, u32)>>,
}

impl FloodGuard {
    /// `per_actor` per minute; 0 disables the limits.
    pub fn new(per_actor: u32) -> FloodGuard {
        FloodGuard { per_actor, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one `act` by `actor` of `host`, or refuses it (429) when either is over its
    /// allowance; a refused attempt is not counted.
    pub fn admit(&self, act: Act, actor: &str, host: &str) -> AppResult<()> {
        if self.per_actor == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows.lock().map_err(|_| AppError::internal("poisoned lock"))?;
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let keys = [
            ((act, format!("a {actor}")), self.per_actor),
            ((act, format!("h {host}")), self.per_actor.saturating_mul(HOST_FACTOR)),
        ];
        let mut wait = Duration::ZERO;
        for (key, limit) in &keys {
            if let Some((start, count)) = windows.get(key)
                && now.duration_since(*start) < WINDOW
                && *count >= *limit
            {
                wait = wait.max(WINDOW - now.duration_since(*start));
            }
        }
        if !wait.is_zero() {
            return Err(AppError::TooManyRequests(wait.as_secs().max(1)));
        }
        for (key, _) in keys {
            let entry = windows.entry(key).or_insert((now, 0));
            if now.duration_since(entry.0) >= WINDOW {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_and_a_host_have_allowances() {
        let g = FloodGuard::new(3);
        for _ in 0..3 {
            g.admit(Act::Comment, "https://a.example/u/1", "a.example").expect("within");
        }
        let e = g.admit(Act::Comment, "https://a.example/u/1", "a.example").expect_err("over");
        assert!(matches!(e, AppError::TooManyRequests(s) if (1..=60).contains(&s)), "{e}");
        // Other kinds and other actors have their own allowance…
        g.admit(Act::Reaction, "https://a.example/u/1", "a.example").expect("another kind");
        for n in 2..11 {
            for _ in 0..3 {
                let _ = g.admit(Act::Comment, &format!("https://a.example/u/{n}"), "a.example");
            }
        }
        // …but the host's is spent (10 × 3), even for a new actor.
        assert!(g.admit(Act::Comment, "https://a.example/u/99", "a.example").is_err());
        assert!(g.admit(Act::Comment, "https://b.example/u/1", "b.example").is_ok());
        assert!(FloodGuard::new(0).admit(Act::Comment, "x", "y").is_ok());
    }
}
