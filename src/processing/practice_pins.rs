//! Pinning practices to a territory's `featured` collection, and telling Mastodon-API servers
//! (see `federation::protocol::pins` for why a pin is also a `Note` of the territory).

use serde_json::Value;

use super::{
    practice_publication::page_url,
    practices::{article_json, local, local_in},
    unit::Change,
};
use crate::domain::ids::PracticeId;
use crate::domain::local_actor::LocalActor;
use crate::{
    error::{AppError, AppResult},
    federation::{
        outgoing::new_activity_id,
        protocol::{
            pins::{delete_pin, featured_change, pin_note},
            practice::{Publication, microblog, time},
        },
        software::Readers,
    },
    state::AppState,
    storage::{follows::follower_inboxes_in, practices::PracticeRow},
};

/// The territory's `Note` for a pinned, published practice (None otherwise).
pub async fn pin_note_of(state: &AppState, p: &PracticeRow) -> AppResult<Option<Value>> {
    let Some(pinned_at) = p.pinned_at.filter(|_| p.is_published() && p.territory_id.is_some()) else {
        return Ok(None);
    };
    let at = Publication::of(&state.urls, &p.origin_actor)
        .ok_or_else(|| AppError::internal("a pinned practice's territory is not one of this instance"))?;
    let page = page_url(state, p);
    let shaped = microblog(&article_json(state, p).await?, &page);
    let id = at.pin(p.id, pinned_at);
    Ok(Some(pin_note(&id, &at, &shaped, &page, &time(pinned_at))))
}

/// Pins a published local practice (or unpins it), with its audit entry and the activities that
/// tell microblog followers (`Add`; `Remove` and `Delete`), in one change. False when nothing
/// changed.
pub async fn set_pinned(state: &AppState, id: PracticeId, pinned: bool, by: &str) -> AppResult<bool> {
    // What the followers' hosts read is looked up before the change (network).
    let before = local(state, id).await?;
    let readers =
        Readers::of(state, &state.store.follower_inboxes(before.territory_id.unwrap_or_default()).await?).await;
    let mut change = Change::begin(state).await?;
    let p = local_in(change.conn(), id).await?;
    if pinned && !p.is_published() {
        return Err(AppError::Unprocessable("only a published practice can be pinned".into()));
    }
    // Lemmy reads the collection when it refreshes the community and refuses `Add` from a
    // group: only the microblogs (and hosts of unknown software) are told.
    let inboxes = follower_inboxes_in(change.conn(), p.territory_id.unwrap_or_default()).await?;
    let [_, mut told, no_summary] = readers.split(&inboxes);
    told.extend(no_summary);
    let at = Publication::of(&state.urls, &p.origin_actor)
        .ok_or_else(|| AppError::internal("a pinned practice's territory is not one of this instance"))?;
    let now = crate::domain::now_millis();
    let published = time(now);
    let mut activities = vec![];
    match (pinned, p.pinned_at) {
        (true, None) => {
            let note = at.pin(id, now);
            activities.push(featured_change("Add", new_activity_id(state).as_str(), &at, &note, &published));
        }
        (false, Some(was)) => {
            let note = at.pin(id, was);
            activities.push(featured_change("Remove", new_activity_id(state).as_str(), &at, &note, &published));
            activities.push(delete_pin(new_activity_id(state).as_str(), &at, &note, &published));
        }
        _ => {}
    }
    let changed = crate::storage::practices::set_pinned(change.conn(), id, pinned.then_some(now)).await?;
    if changed {
        for activity in &activities {
            change.queue(LocalActor::territory_or_instance(p.territory_id), activity, false, &told).await?;
        }
        let action = if pinned { "practice.pin" } else { "practice.unpin" };
        change.audit(by, action, &format!("practice {id}")).await?;
    }
    change.commit().await?;
    Ok(changed)
}
