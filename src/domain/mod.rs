//! Pure types and rules of Maillage, without IO.

pub mod account;
pub mod action;
pub mod action_content;
pub mod admin_paths;
pub mod announcement;
pub mod calendar;
pub mod code;
pub mod coorganisation;
pub mod evaluation;
pub mod feedback;
pub mod ids;
pub mod key_pair;
pub mod list;
pub mod local_actor;
pub mod map;
pub mod observatory;
pub mod participation;
pub mod places;
pub mod practice;
pub mod practice_dimensions;
pub mod report;
pub mod signatory;
pub mod subscription;
pub mod territory;
pub mod urls;

/// Milliseconds since the Unix epoch: how every timestamp is stored (portable across SQLite
/// and PostgreSQL, sortable, comparable in SQL).
pub fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn millis_to_datetime(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
