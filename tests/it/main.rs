//! All integration tests in one binary: one link instead of one per file (CI time and disk),
//! modules named after what they test. Run one with `cargo test --test it <module>::`.

mod actors_strict;
mod browser;
mod browser_console;
mod browser_layout;
mod cli;
mod common;
mod console;
mod conversations;
mod delivery;
mod delivery_processes;
mod discovery;
mod federation_engine;
mod federation_follow;
mod fixtures_mastodon;
mod fixtures_replies;
mod hostile_keys;
mod hostile_peer;
mod hostile_peer_fetches;
mod inbox_bad_input;
mod inbox_concurrency;
mod inbox_fuzz;
mod interop_gotosocial;
mod interop_lemmy;
mod interop_peer;
mod interop_timelines;
mod openapi;
mod practice_pages;
mod practices;
mod privacy;
mod signatory_privacy;
mod signature_vectors;
mod signatures;
mod storage;
mod web_security;
mod web_shell;
