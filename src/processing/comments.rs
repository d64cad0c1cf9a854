//! One conversation model for the three things this instance publishes and others answer: a
//! practice, an announcement, a shared action (`storage::comments`, keyed by [`Commented`]).
//! [`Subject`] says what a comment is on and the rules that follow from it: whether replies are
//! filed, which territory relays them to its followers (FEP-1b12), who else may remove them.
//! Received replies are filed by `federation::activities::conversation` with these rules;
//! moderators hide or show a comment here, in one change with its activities and audit entry.
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md

use sqlx::AnyConnection;
use url::Url;

use crate::{
    domain::{action::PublicationState, announcement::AnnouncementStatus, ids::TerritoryId, local_actor::LocalActor},
    error::{AppError, AppResult},
    federation::{
        activities::conversation::undo_announce, outgoing::new_activity_id, protocol::activities::delete,
        protocol::conversation as wire,
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        actions::action_in,
        activities::retract_public,
        actors::remote_actor_by_ap_id_in,
        announcements::{announcement_in, territory_slug_in},
        comments::{self, CommentRow, Commented},
        follows::follower_inboxes_in,
        practices::practice_in,
    },
};

/// What a conversation is around, as its rules need it.
#[derive(Debug, Clone)]
pub struct Subject {
    pub on: Commented,
    /// Its id: what a reply answers when it names nothing else.
    pub ap_id: String,
    /// The territory of this instance it belongs to, with that territory's actor (`None`: a
    /// practice received from elsewhere).
    pub territory: Option<(TerritoryId, Url)>,
    /// Whether replies to it are filed: any practice we keep, a published announcement, a
    /// published local action.
    pub open: bool,
    /// Whether its territory relays the comments to its followers now: a published local
    /// practice or announcement (comments on actions are not relayed).
    pub relayed: bool,
    /// The origin of a practice received from elsewhere: it may remove comments too.
    pub remote_origin: Option<String>,
}

impl Subject {
    /// The territory that announces its comments to its followers, and its actor.
    pub fn announcer(&self) -> Option<(TerritoryId, &Url)> {
        self.territory.as_ref().filter(|_| self.relayed).map(|(t, actor)| (*t, actor))
    }
}

/// Whether `actor` may remove the comment `c` on `s`: its author, or the origin of a practice
/// received from elsewhere (its moderators).
pub fn may_remove(s: Option<&Subject>, c: &CommentRow, actor: &str) -> bool {
    c.author_actor == actor || s.and_then(|s| s.remote_origin.as_deref()) == Some(actor)
}

/// `practice 4`, `announcement 2`, `action 3`: how audit entries and errors name it.
pub fn label(on: Commented) -> String {
    match on {
        Commented::Practice(id) => format!("practice {id}"),
        Commented::Announcement(id) => format!("announcement {id}"),
        Commented::Action(id) => format!("action {id}"),
    }
}

/// [`subject_in`], read through the pool.
pub async fn subject(state: &AppState, on: Commented) -> AppResult<Option<Subject>> {
    subject_in(state, &mut *state.store.pool().acquire().await?, on).await
}

/// What `on` is, read through `conn` (a change's connection, or one of the pool); `None` when
/// it is gone (a deleted announcement, an action of another instance).
pub async fn subject_in(state: &AppState, conn: &mut AnyConnection, on: Commented) -> AppResult<Option<Subject>> {
    Ok(match on {
        Commented::Practice(id) => match practice_in(&mut *conn, id).await? {
            Some(p) => Some(Subject {
                on,
                territory: p.territory_id.map(|t| Ok::<_, AppError>((t, Url::parse(&p.origin_actor)?))).transpose()?,
                open: true,
                relayed: p.territory_id.is_some() && p.is_published(),
                remote_origin: p.territory_id.is_none().then(|| p.origin_actor.clone()),
                ap_id: p.ap_id,
            }),
            None => None,
        },
        Commented::Announcement(id) => match announcement_in(&mut *conn, id).await? {
            Some(a) if a.status != AnnouncementStatus::Deleted => {
                let slug = territory_slug_in(&mut *conn, a.territory_id)
                    .await?
                    .ok_or_else(|| AppError::NotFound("territory".into()))?;
                Some(Subject {
                    on,
                    territory: Some((a.territory_id, state.urls.territory(&slug))),
                    open: a.is_published(),
                    relayed: a.is_published(),
                    remote_origin: None,
                    ap_id: a.ap_id,
                })
            }
            _ => None,
        },
        Commented::Action(id) => match action_in(&mut *conn, id).await? {
            Some(a) if a.territory_id.is_some() => Some(Subject {
                on,
                // Its actor names nothing that is sent (its comments are not relayed).
                territory: a.territory_id.zip(Url::parse(&a.origin_actor).ok()),
                open: a.publication == PublicationState::Published,
                relayed: false,
                remote_origin: None,
                ap_id: a.ap_id,
            }),
            _ => None,
        },
    })
}

/// What a reply to `in_reply_to` is filed under: the practice, announcement or action it
/// answers, or the one of the comment it answers; `None` when that takes no replies here.
pub async fn reply_target(state: &AppState, in_reply_to: &str) -> AppResult<Option<Subject>> {
    let store = &state.store;
    let on = if let Some(p) = store.practice_by_ap_id(in_reply_to).await? {
        Commented::Practice(p.id)
    } else if let Some(a) = store.announcement_by_ap_id(in_reply_to).await? {
        Commented::Announcement(a.id)
    } else if let Some(a) = store.action_by_ap_id(in_reply_to).await? {
        Commented::Action(a.id)
    } else if let Some(c) = store.comment_by_ap_id(in_reply_to).await? {
        c.on
    } else {
        return Ok(None);
    };
    Ok(subject(state, on).await?.filter(|s| s.open))
}

/// Hides (or shows again) the comment `comment_id` on `on` (404 when `on` has no such comment).
pub async fn set_hidden(state: &AppState, on: Commented, comment_id: i64, hidden: bool, by: &str) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    let c = comments::by_id_in(change.conn(), on, comment_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("comment {comment_id}")))?;
    if set_hidden_in(state, &mut change, &c, hidden, by).await? {
        change.commit().await?;
    }
    Ok(())
}

/// [`set_hidden`] inside the caller's change; false when the comment was so already. Hiding
/// withdraws the territory's `Announce` of it, and deletes it from the fediverse when one of
/// our territories wrote it (showing it again is then local only: the deleted Note stays a
/// Tombstone); showing a received comment announces it again.
pub async fn set_hidden_in(
    state: &AppState,
    change: &mut Change,
    c: &CommentRow,
    hidden: bool,
    by: &str,
) -> AppResult<bool> {
    let s = subject_in(state, change.conn(), c.on).await?.ok_or_else(|| AppError::NotFound(label(c.on)))?;
    if c.hidden.0 == hidden {
        return Ok(false);
    }
    let inboxes = match s.announcer() {
        Some((t, _)) => follower_inboxes_in(change.conn(), t).await?,
        None => vec![],
    };
    // Our own comment leaves the fediverse: its readers are our followers and, for another
    // territory's practice, that territory (which announced it to its own followers).
    let mut author_inboxes = match c.local_territory_id {
        Some(t) if hidden => follower_inboxes_in(change.conn(), t).await?,
        _ => vec![],
    };
    if c.local_territory_id.is_some()
        && hidden
        && let Some(origin) = &s.remote_origin
        && let Some(origin) = remote_actor_by_ap_id_in(change.conn(), origin).await?
    {
        author_inboxes.push(origin.shared_inbox.unwrap_or(origin.inbox));
    }
    comments::set_hidden(change.conn(), c, hidden).await?;
    if let Some((t, actor)) = s.announcer() {
        match (&c.announce_ap_id, hidden) {
            (Some(announce), true) => {
                let undo = undo_announce(state, actor.as_str(), announce, &c.ap_id)?;
                comments::set_announce(change.conn(), c.on, c.id, None).await?;
                change.queue(LocalActor::Territory(t), &undo, false, &inboxes).await?;
            }
            (None, false) if c.local_territory_id.is_none() => {
                let followers = local_followers(state, actor)?;
                let id = new_activity_id(state);
                comments::set_announce(change.conn(), c.on, c.id, Some(id.as_str())).await?;
                let announce = wire::announce(&id, actor, &c.ap_id, &followers, None);
                change.queue(LocalActor::Territory(t), &announce, true, &inboxes).await?;
            }
            _ => {}
        }
    }
    if let (Some(t), true) = (c.local_territory_id, hidden) {
        let author = Url::parse(&c.author_actor)?;
        let followers = local_followers(state, &author)?;
        let mut all = author_inboxes;
        all.extend(inboxes.iter().cloned());
        all.sort();
        all.dedup();
        let activity = delete(&new_activity_id(state), &author, &Url::parse(&c.ap_id)?, &followers);
        retract_public(change.conn(), &c.ap_id).await?;
        change.queue(LocalActor::Territory(t), &activity, false, &all).await?;
    }
    // The audit codes each kind always had (`comment.hide`, `announcement.comment.hide`, …).
    let kind = match c.on {
        Commented::Practice(_) => "comment",
        Commented::Announcement(_) => "announcement.comment",
        Commented::Action(_) => "action.comment",
    };
    let action = format!("{kind}.{}", if hidden { "hide" } else { "show" });
    change.audit(by, &action, &format!("{} comment {}", label(c.on), c.id)).await?;
    Ok(true)
}

/// The followers of `territory`, a territory of this instance (a comment's local author, the
/// territory that relays a conversation).
pub fn local_followers(state: &AppState, territory: &Url) -> AppResult<Url> {
    let slug = state
        .urls
        .territory_slug_of(territory)
        .ok_or_else(|| AppError::internal("a local comment's territory is not one of this instance"))?;
    Ok(state.urls.territory_followers(&slug))
}
