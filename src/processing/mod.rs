//! Operations behind the CLI, the admin pages and the API: thin handlers call these.

pub mod accounts;
pub mod action_coorganisation;
pub mod action_evaluation;
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
pub mod observatory;
pub mod participant_mail;
pub mod practice_pins;
pub mod practice_publication;
pub mod practices;
pub mod reports;
pub mod signatures;
pub mod subscriptions;
pub mod territories;
pub mod unit;
pub mod web_participation;
