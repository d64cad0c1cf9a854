//! What a territory's followers receive when an action is published, changed, cancelled or
//! deleted: each program the activities it reads, as for practices
//! (`processing::practice_publication`), plus Gancio. The editorial actor `Create`s,
//! `Update`s or `Delete`s the `Event`; the territory `Announce`s that activity to group readers
//! (Lemmy, Maillage: FEP-1b12) and `Announce`s the event's id to Mastodon-API servers and
//! Mobilizon on creation (they fetch it), while edits and deletions reach those from the author.
//! Gancio imports only a `Create(Event)` from the actor it follows (the territory) and refuses
//! an `Announce` of a `Create`: it gets `Create`/`Update`/`Delete` from the territory itself.
//! GoToSocial, Pleroma and Akkoma make `summary` a content warning and show no `name`: they
//! fetch (on creation) and receive (edits) the `Event` with title, date and place in `content`
//! (`protocol::event::microblog`).
//! docs/FEDERATION.md, "Shared actions (Event)".
//!
//! The software of each follower's host is looked up before the change's transaction
//! ([`EventReaders::of`]); [`prepare`] shapes the activities from what the change read.

use std::collections::HashMap;

use serde_json::Value;

use crate::{
    federation::{
        delivery::inbox_host,
        outgoing::new_activity_id,
        protocol::{
            activities::Kind,
            event::{by_territory, microblog, tombstone},
            practice::{Publication, announce, by_author, time},
        },
        software::{Reader, software_of},
    },
    state::AppState,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// How a host reads an `Event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventReader {
    /// As it reads practices (`software::Reader`).
    As(Reader),
    /// Gancio: activities of the actor it follows only.
    Gancio,
}

/// The software of the hosts of a territory's followers, asked before a change.
#[derive(Debug, Clone, Default)]
pub struct EventReaders(HashMap<String, EventReader>);

impl EventReaders {
    pub async fn of(state: &AppState, inboxes: &[String]) -> EventReaders {
        use futures::StreamExt;
        let hosts: std::collections::BTreeSet<String> = inboxes.iter().map(|i| inbox_host(i)).collect();
        EventReaders(
            futures::stream::iter(hosts)
                .map(|host| async move {
                    let software = software_of(state, &host).await;
                    let r =
                        if software == "gancio" { EventReader::Gancio } else { EventReader::As(Reader::of(&software)) };
                    (host, r)
                })
                .buffer_unordered(16)
                .collect()
                .await,
        )
    }

    /// (group readers, object readers, object readers that make `summary` a content warning,
    /// Gancio); a host not looked up is of unknown software: in the first two.
    fn split(&self, inboxes: &[String]) -> [Vec<String>; 4] {
        let mut out: [Vec<String>; 4] = Default::default();
        for inbox in inboxes {
            match self.0.get(&inbox_host(inbox)).copied().unwrap_or(EventReader::As(Reader::Unknown)) {
                EventReader::Gancio => out[3].push(inbox.clone()),
                EventReader::As(Reader::MicroblogNoSummary) => out[2].push(inbox.clone()),
                EventReader::As(r) => {
                    if r.reads_group_announces() {
                        out[0].push(inbox.clone());
                    }
                    if r.reads_object_announces() {
                        out[1].push(inbox.clone());
                    }
                }
            }
        }
        out
    }
}

pub use super::unit::Prepared;

/// `event` is the full `Event` (Create, Update); `ap_id` its id.
pub fn prepare(
    state: &AppState,
    readers: &EventReaders,
    at: &Publication,
    ap_id: &str,
    change: Change,
    event: Option<Value>,
    inboxes: &[String],
) -> Prepared {
    let [groups, objects, no_summary, gancio] = readers.split(inboxes);
    let now = time(crate::domain::now_millis());
    let id = || new_activity_id(state).to_string();
    let object = match (change, event) {
        (Change::Delete, _) | (_, None) => tombstone(ap_id),
        (_, Some(e)) => e,
    };
    let (kind, name) = match change {
        Change::Create => (Kind::Create, "Create"),
        Change::Update => (Kind::Update, "Update"),
        Change::Delete => (Kind::Delete, "Delete"),
    };
    let authored = by_author(name, &id(), at, &object, &now);
    let mut inner = authored.clone();
    if let Some(m) = inner.as_object_mut() {
        m.remove("@context");
    }
    let mut embedded = inner;
    if let Some(c) = authored.get("@context") {
        embedded["@context"] = c.clone();
    }
    let public = change != Change::Delete;
    let mut out = vec![(announce(&id(), at, embedded, &now), public, groups, false)];
    match change {
        Change::Create => {
            // Delivered only inside the Announce; the Announce alone is listed in the outbox.
            out.push((authored, false, vec![], true));
            // They fetch the Event at its id, which serves each its shape (`web::action_pages`).
            let mut readers = objects;
            readers.extend(no_summary);
            out.push((announce(&id(), at, Value::String(ap_id.to_string()), &now), false, readers, false));
        }
        Change::Update => {
            out.push((authored, false, objects, true));
            if !no_summary.is_empty() {
                let reshaped = by_author(name, &id(), at, &microblog(&object), &now);
                out.push((reshaped, false, no_summary, true));
            }
        }
        Change::Delete => {
            let mut readers = objects;
            readers.extend(no_summary);
            out.push((authored, false, readers, true));
        }
    }
    if !gancio.is_empty() {
        out.push((by_territory(kind, &id(), at, &object, &now), false, gancio, false));
    }
    Prepared(out)
}
