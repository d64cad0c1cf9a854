//! Operations behind the CLI, the admin pages and the API: thin handlers call these.

pub mod accounts;
pub mod action_participation;
pub mod action_publication;
pub mod actions;
pub mod announcement_publication;
pub mod announcements;
pub mod conversations;
pub mod domains;
pub mod follows;
pub mod identity;
pub mod media;
pub mod moderation;
pub mod practice_pins;
pub mod practice_publication;
pub mod practices;
pub mod signatures;
pub mod territories;
pub mod territory_moves;
pub mod territory_transfer;
pub mod unit;
