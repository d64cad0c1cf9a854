//! What a territory's followers receive when a practice is published, edited or withdrawn:
//! each program gets the activities it reads (see `federation::software` and
//! docs/FEDERATION.md). The editorial actor `Create`s, `Update`s or `Delete`s; the territory
//! `Announce`s that activity to group readers (Lemmy, Maillage: FEP-1b12) and, to Mastodon-API
//! servers, `Announce`s the practice's id on creation (they fetch it) while edits and
//! withdrawals come from its author, the only one they accept them from.
//!
//! The network part (the software of each follower's host, `software::Readers`) is looked up
//! before the change's transaction; [`prepare`] shapes the activities from what the change
//! read inside it, and [`queue`] queues them in the change.

use serde_json::Value;

use crate::{
    error::{AppError, AppResult},
    federation::{
        outgoing::new_activity_id,
        protocol::{
            activities::{Tombstone, to_value},
            practice::{Publication, announce, by_author, microblog, time},
        },
        software::Readers,
    },
    state::AppState,
    storage::practices::PracticeRow,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Delete,
}

pub use super::unit::Prepared;

/// The page of a practice, for people (what microblogs link to).
pub fn page_url(state: &AppState, p: &PracticeRow) -> String {
    state.urls.practice_page(p.id).to_string()
}

/// `p` as it is (or was) when the change happens; `article` its full `Article` (Create, Update).
pub fn prepare(
    state: &AppState,
    readers: &Readers,
    p: &PracticeRow,
    change: Change,
    article: Option<Value>,
    inboxes: &[String],
) -> AppResult<Prepared> {
    let at = Publication::of(&state.urls, &p.origin_actor)
        .ok_or_else(|| AppError::internal("a local practice's territory is not one of this instance"))?;
    let [groups, microblogs, no_summary] = readers.split(inboxes);
    let now = time(crate::domain::now_millis());
    let id = || new_activity_id(state).to_string();
    let object = match (change, article) {
        (Change::Delete, _) | (_, None) => to_value(&Tombstone::of(&p.ap_id)),
        (_, Some(a)) => a,
    };
    let kind = match change {
        Change::Create => "Create",
        Change::Update => "Update",
        Change::Delete => "Delete",
    };
    let authored = by_author(kind, &id(), &at, &object, &now);
    let mut inner = authored.clone();
    if let Some(m) = inner.as_object_mut() {
        m.remove("@context");
    }
    let mut out = vec![];
    let public = change != Change::Delete;
    // Group readers: the territory announces its author's activity, embedded.
    out.push((announce(&id(), &at, with_context(inner, &authored), &now), public, groups, false));
    match change {
        Change::Create => {
            // Delivered only inside the Announce (not public on its own). Only the Announce of the
            // Create is listed in the outbox: one entry per publication (Mastodon counts them).
            out.push((authored, false, vec![], true));
            let mut readers = microblogs;
            readers.extend(no_summary);
            out.push((announce(&id(), &at, Value::String(p.ap_id.clone()), &now), false, readers, false));
        }
        Change::Update => {
            out.push((authored, false, microblogs, true));
            if !no_summary.is_empty() {
                let reshaped = microblog(&object, &page_url(state, p));
                out.push((by_author("Update", &id(), &at, &reshaped, &now), false, no_summary, true));
            }
        }
        Change::Delete => {
            let mut readers = microblogs;
            readers.extend(no_summary);
            out.push((authored, false, readers, true));
        }
    }
    Ok(Prepared(out))
}

/// The embedded activity keeps the vocabulary of its object (`cces:`, `Hashtag`) in the
/// Announce's `@context`.
fn with_context(inner: Value, authored: &Value) -> Value {
    let mut v = inner;
    if let Some(c) = authored.get("@context") {
        v["@context"] = c.clone();
    }
    v
}
