//! Maillage: a federated ActivityPub server for territorial networks of Circuits Courts
//! Économiques et Solidaires (CCES).
//!
//! Layout: `domain` (pure rules), `storage` (sqlx over SQLite and PostgreSQL), `federation`
//! (ActivityPub), `processing` (operations shared by CLI, pages and API), `web` (pages),
//! `app` (assembly and serving).

pub mod api;
pub mod app;
pub mod backup;
pub mod config;
pub mod domain;
pub mod error;
pub mod fail_point;
pub mod federation;
pub mod mail;
pub mod metrics;
pub mod processing;
pub mod security;
pub mod state;
pub mod storage;
pub mod text;
pub mod web;
