//! ActivityPub federation: wire types, signatures, inbox, delivery and discovery.
//!
//! The `activitypub_federation` crate is used for objects, dereferencing and WebFinger lookups;
//! receiving, signing and delivering are ours (aws-lc-rs signatures, durable queue).

pub mod activities;
pub mod actors;
pub mod backfill;
pub mod delivery;
pub mod delivery_hosts;
pub mod delivery_maintenance;
pub mod delivery_record;
pub mod discovery;
pub mod fetch;
pub mod flood;
pub mod group_collections;
pub mod handoff;
pub mod http;
pub mod inbox;
pub mod keys;
pub mod objects;
pub mod outgoing;
pub mod protocol;
pub mod rfc9421;
pub mod sign_pool;
pub mod signatory_actors;
pub mod signatures;
pub mod software;
