//! What a territory's followers receive when an announcement is published, edited or deleted:
//! as for practices (`practice_publication`), each program gets what it reads
//! (docs/FEDERATION.md, "Announcements"). The editorial actor `Create`s, `Update`s or `Delete`s;
//! the territory `Announce`s that activity, embedded, to group readers (Lemmy, Maillage:
//! FEP-1b12), with the announcement shaped as a titled `Page` (Lemmy makes a post only of an
//! object with a `name`); Mastodon-API servers (Mastodon, GoToSocial, Pleroma) and Mobilizon get
//! the territory's `Announce` of the `Note`'s id on creation, which they fetch and show in the
//! home timeline, and its edits and deletion from its author, the only one they take them from.
//! Mobilizon reads the same `Announce` of the id, but fetches (signed) and is served a group
//! post (`protocol::announcement::mobilizon_post`: an `Article` with `actor` and
//! `attributedTo`), and gets the edits in that shape: an `Update` of a `Note` would be a
//! comment's there.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{
    federation::{
        delivery::inbox_host,
        outgoing::new_activity_id,
        protocol::{
            activities::{Tombstone, to_value},
            practice::{Publication, announce, by_author, time},
        },
        software::{Readers, known_software},
    },
    state::AppState,
};

pub use super::{practice_publication::Change, unit::Prepared};

/// What the followers' hosts read, asked before a change (network): their `Readers`, and which
/// of them are other Maillage instances. Those get the `Note` itself in the group's `Announce`:
/// a `Page` from a territory is a practice there (what a Lemmy community publishes), and an
/// announcement is not one.
#[derive(Debug, Clone, Default)]
pub struct AnnouncementReaders {
    pub readers: Readers,
    pub maillage: BTreeSet<String>,
    /// Mobilizon hosts: a microblog's `Announce`, a group post's `Update`.
    pub mobilizon: BTreeSet<String>,
}

impl AnnouncementReaders {
    pub async fn of(state: &AppState, inboxes: &[String]) -> AnnouncementReaders {
        let readers = Readers::of(state, inboxes).await;
        let (mut maillage, mut mobilizon) = (BTreeSet::new(), BTreeSet::new());
        for host in inboxes.iter().map(|i| inbox_host(i)).collect::<BTreeSet<_>>() {
            // Stored by `Readers::of` just now: no request.
            match known_software(state, &host).await.as_str() {
                "maillage" => maillage.insert(host),
                "mobilizon" => mobilizon.insert(host),
                _ => false,
            };
        }
        AnnouncementReaders { readers, maillage, mobilizon }
    }
}

/// The shapes of an announcement: its `Note`, its Lemmy `Page`, its Mobilizon group post.
#[derive(Debug, Clone)]
pub struct Shapes {
    pub note: Value,
    pub page: Value,
    pub post: Value,
}

/// `shapes` are the announcement's (None for a deletion).
pub fn prepare(
    state: &AppState,
    readers: &AnnouncementReaders,
    at: &Publication,
    ap_id: &str,
    change: Change,
    shapes: Option<Shapes>,
    inboxes: &[String],
) -> Prepared {
    let [all_groups, mut microblogs, no_summary] = readers.readers.split(inboxes);
    let (maillage, groups): (Vec<String>, Vec<String>) =
        all_groups.into_iter().partition(|i| readers.maillage.contains(&inbox_host(i)));
    // A `Note` has no `summary` to turn into a content warning: one shape for all microblogs.
    microblogs.extend(no_summary);
    let now = time(crate::domain::now_millis());
    let id = || new_activity_id(state).to_string();
    let (note, page, post) = match (change, shapes) {
        (Change::Delete, _) | (_, None) => {
            let t = to_value(&Tombstone::of(ap_id));
            (t.clone(), t.clone(), t)
        }
        (_, Some(s)) => (s.note, s.page, s.post),
    };
    let kind = match change {
        Change::Create => "Create",
        Change::Update => "Update",
        Change::Delete => "Delete",
    };
    let public = change != Change::Delete;
    let embedded = |object: &Value| {
        let authored = by_author(kind, &id(), at, object, &now);
        let mut inner = authored.clone();
        if let Some(m) = inner.as_object_mut() {
            m.remove("@context");
        }
        if let Some(c) = authored.get("@context") {
            inner["@context"] = c.clone();
        }
        inner
    };
    let mut out = vec![(announce(&id(), at, embedded(&page), &now), public, groups, false)];
    if !maillage.is_empty() {
        out.push((announce(&id(), at, embedded(&note), &now), false, maillage, false));
    }
    let authored = by_author(kind, &id(), at, &note, &now);
    match change {
        Change::Create => {
            // Kept at its id (not delivered on its own); the territory's Announce is what
            // Mastodon-API servers take from a group they follow.
            out.push((authored, false, vec![], true));
            out.push((announce(&id(), at, Value::String(ap_id.to_string()), &now), false, microblogs, false));
        }
        Change::Update => {
            let (mobilizon, others): (Vec<String>, Vec<String>) =
                microblogs.into_iter().partition(|i| readers.mobilizon.contains(&inbox_host(i)));
            out.push((authored, false, others, true));
            if !mobilizon.is_empty() {
                out.push((by_author(kind, &id(), at, &post, &now), false, mobilizon, true));
            }
        }
        Change::Delete => out.push((authored, false, microblogs, true)),
    }
    Prepared(out)
}
