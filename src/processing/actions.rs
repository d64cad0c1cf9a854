//! Shared actions of a territory: moderators create drafts, edit, publish, cancel and delete;
//! each is one `Change` (rows, the activities followers get, the audit entry). A published
//! action's followers get `Create(Event)`, its edits `Update`, its cancellation an `Update`
//! whose status is `CANCELLED`, its deletion `Delete` (`action_publication`).

use serde_json::Value;
use sqlx::AnyConnection;

use super::{
    action_publication::{self as publication, EventReaders, prepare},
    unit::Change,
};
use crate::{
    domain::{
        action::{ActionInput, ActionStatus, NewAction, PublicationState},
        ids::{ActionId, PracticeId},
    },
    error::{AppError, AppResult},
    federation::protocol::{
        event::{EventFacts, event},
        practice::Publication,
    },
    state::AppState,
    storage::{
        action_participants::{participant_inboxes_in, web_recipients_in},
        actions::{self as store, ActionRow},
        actors::remote_actor_by_ap_id_in,
        follows::follower_inboxes_in,
        signatories::listed_in,
    },
};

/// Why an action was not saved.
pub type ActionError = super::input_error::InputError;

/// A stored action back into the input shape (dates local to its zone); `practices` from
/// `action_practices`.
pub fn as_input(r: &ActionRow, practices: &[PracticeId]) -> ActionInput {
    r.content().to_input(practices)
}

/// A stored local action as a domain value (it was valid when stored).
pub fn domain_of(r: &ActionRow, practices: &[PracticeId]) -> AppResult<NewAction> {
    NewAction::parse(&as_input(r, practices))
        .map_err(|e| AppError::Internal(format!("action {} no longer valid: {e:?}", r.id)))
}

/// Linked practices must exist here: unknown ids are a field error, not a database one.
async fn check_practices(conn: &mut AnyConnection, a: &NewAction) -> Result<(), ActionError> {
    if store::known_practices_in(conn, &a.practices).await?.len() != a.practices.len() {
        return Err(ActionError::Fields(vec![("practices", "field-invalid")]));
    }
    Ok(())
}

pub async fn create(state: &AppState, slug: &str, input: &ActionInput, by: &str) -> Result<ActionId, ActionError> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let a = NewAction::parse(input).map_err(ActionError::Fields)?;
    let origin = state.territory_id_url(&t.slug).to_string();
    let mut change = Change::begin(state).await?;
    check_practices(change.conn(), &a).await?;
    // Its id is its address under the territory, known once the row exists.
    let draft_id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let id = store::insert(change.conn(), &draft_id, Some(t.id), &origin, &a.content(), by).await?;
    let ap_id = state.urls.action(&t.slug, id).to_string();
    store::set_ap_id(change.conn(), id, &ap_id).await?;
    store::add_organizer(change.conn(), id, &origin, Some(t.id), "origin").await?;
    store::set_practices(change.conn(), id, &a.practices).await?;
    change.audit(by, "action.create", &format!("action {id}")).await?;
    change.commit().await?;
    Ok(id)
}

/// A local action, or 404 (received ones change only by their origin).
pub async fn local_in<'c>(conn: impl sqlx::Executor<'c, Database = sqlx::Any>, id: ActionId) -> AppResult<ActionRow> {
    store::action_in(conn, id)
        .await?
        .filter(|a| a.territory_id.is_some())
        .ok_or_else(|| AppError::NotFound(format!("action {id}")))
}

/// The action as an `Event`, read inside a change (what it is about to commit).
pub async fn event_json_in(state: &AppState, conn: &mut AnyConnection, r: &ActionRow) -> AppResult<Value> {
    let practices = store::practices_in(&mut *conn, r.id).await?;
    let a = domain_of(r, &practices.iter().map(|p| p.0).collect::<Vec<_>>())?;
    let organizers = store::organizers_in(&mut *conn, r.id).await?;
    // Contact structures as their actors: listed, approved structures only, looked up now.
    let contacts: Vec<String> = match r.territory_id {
        Some(t) if !a.contacts.is_empty() => listed_in(&mut *conn, t)
            .await?
            .into_iter()
            .filter(|s| a.contacts.contains(&s.id) && s.kind == crate::domain::signatory::Kind::Structure)
            .map(|s| state.urls.signatory(s.id).to_string())
            .collect(),
        _ => vec![],
    };
    let participants = match r.territory_id {
        Some(_) => store::participant_count_in(&mut *conn, r.id).await?,
        None => r.remote_participants,
    };
    let evaluation = super::action_evaluation::wire_in(&mut *conn, r.id).await?;
    let at = match r.territory_id {
        Some(_) => Publication::of(&state.urls, &r.origin_actor)
            .ok_or_else(|| AppError::internal("a local action's territory is not one of this instance"))?,
        None => Publication::remote(&state.urls, &r.origin_actor),
    };
    Ok(event(&EventFacts {
        id: &r.ap_id,
        action: &a,
        description_html: &r.description_html,
        at: &at,
        organizers: &organizers,
        contacts: &contacts,
        practices: &practices.into_iter().map(|p| p.1).collect::<Vec<_>>(),
        participants,
        published_ms: r.published_at.unwrap_or(r.created_at),
        updated_ms: r.updated_at,
        evaluation: &evaluation,
    }))
}

/// [`event_json_in`] over the pool (serving the `Event`).
pub async fn event_json(state: &AppState, r: &ActionRow) -> AppResult<Value> {
    event_json_in(state, &mut *state.store.pool().acquire().await?, r).await
}

/// The software of the followers' hosts, asked before the change (network); empty when
/// nothing will be sent.
pub(crate) async fn readers_before(state: &AppState, r: &ActionRow) -> AppResult<EventReaders> {
    readers_with(state, r, &[]).await
}

/// [`readers_before`], with `extra` inboxes the change is about to add (a new participant's).
pub(crate) async fn readers_with(state: &AppState, r: &ActionRow, extra: &[String]) -> AppResult<EventReaders> {
    if r.publication != PublicationState::Published {
        return Ok(EventReaders::default());
    }
    let mut inboxes = state.store.follower_inboxes(r.territory_id.unwrap_or_default()).await?;
    inboxes.extend_from_slice(extra);
    inboxes.extend(participant_inboxes_in(state.store.pool(), r.id).await?);
    inboxes.extend(coorganizer_inboxes_in(&mut *state.store.pool().acquire().await?, r).await?);
    Ok(EventReaders::of(state, &inboxes).await)
}

/// The inboxes of the remote territories co-organising `r` (they get its changes, followers
/// or not: docs/FEDERATION.md, "Co-organisation").
pub(crate) async fn coorganizer_inboxes_in(conn: &mut AnyConnection, r: &ActionRow) -> AppResult<Vec<String>> {
    let mut out = vec![];
    for actor in store::organizers_in(&mut *conn, r.id).await? {
        if actor == r.origin_actor {
            continue;
        }
        if let Some(a) = remote_actor_by_ap_id_in(&mut *conn, &actor).await? {
            out.push(a.shared_inbox.unwrap_or(a.inbox));
        }
    }
    Ok(out)
}

/// Queues what followers (and co-organisers) get of `r` (as it is once the change commits),
/// inside the change. Its fediverse participants get the same `Update`s and `Delete` (their
/// count, a cancellation, new dates), whether or not they follow the territory.
pub(crate) async fn tell_followers(
    state: &AppState,
    change: &mut Change,
    readers: &EventReaders,
    r: &ActionRow,
    kind: publication::Change,
) -> AppResult<()> {
    let territory_id = r.territory_id.unwrap_or_default();
    let mut inboxes = follower_inboxes_in(change.conn(), territory_id).await?;
    if kind != publication::Change::Create {
        for inbox in participant_inboxes_in(change.conn(), r.id).await? {
            if !inboxes.contains(&inbox) {
                inboxes.push(inbox);
            }
        }
    }
    for inbox in coorganizer_inboxes_in(change.conn(), r).await? {
        if !inboxes.contains(&inbox) {
            inboxes.push(inbox);
        }
    }
    let event = match kind {
        publication::Change::Delete => None,
        _ => Some(event_json_in(state, change.conn(), r).await?),
    };
    let at = Publication::of(&state.urls, &r.origin_actor)
        .ok_or_else(|| AppError::internal("a local action's territory is not one of this instance"))?;
    let prepared = prepare(state, readers, &at, &r.ap_id, kind, event, &inboxes);
    change.queue_prepared(Some(territory_id), &prepared).await
}

/// Applies the fields present in `patch` (a JSON object) over the stored action; followers of
/// a published one get the `Update` in the same transaction.
pub async fn update(state: &AppState, id: ActionId, patch: &Value, by: &str) -> Result<(), ActionError> {
    let found =
        store::action_in(state.store.pool(), id).await?.ok_or_else(|| AppError::NotFound(format!("action {id}")))?;
    if found.territory_id.is_none() {
        // A remote action one of our territories co-organises: its practical details, through
        // its origin (404 when none of ours does).
        return super::action_coorganisation::update_details(state, &found, patch, by).await;
    }
    let before = local_in(state.store.pool(), id).await?;
    let readers = readers_before(state, &before).await?;
    let fields = patch.as_object().ok_or_else(|| AppError::BadRequest("a JSON object".into()))?;
    let mut change = Change::begin(state).await?;
    let current = local_in(change.conn(), id).await?;
    let practices: Vec<PracticeId> = store::practices_in(change.conn(), id).await?.into_iter().map(|p| p.0).collect();
    let mut merged = serde_json::to_value(as_input(&current, &practices)).map_err(AppError::from)?;
    if let Some(m) = merged.as_object_mut() {
        for (k, v) in fields {
            m.insert(k.clone(), v.clone());
        }
    }
    let input: ActionInput = serde_json::from_value(merged).map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let a = NewAction::parse(&input).map_err(ActionError::Fields)?;
    check_practices(change.conn(), &a).await?;
    store::update_content(change.conn(), id, &a.content()).await?;
    store::set_practices(change.conn(), id, &a.practices).await?;
    let mut told = None;
    if current.publication == PublicationState::Published {
        let fresh = local_in(change.conn(), id).await?;
        tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
        // People who joined from the page learn of new dates or a cancellation by mail.
        if let Some(what) = super::participant_mail::news(&current, &fresh) {
            told = Some((what, web_recipients_in(change.conn(), id).await?, fresh));
        }
    }
    change.audit(by, "action.update", &format!("action {id}")).await?;
    change.commit().await?;
    if let Some((what, people, fresh)) = told {
        super::participant_mail::tell(state, &fresh, what, &people).await;
    }
    Ok(())
}

/// Publishes a draft: followers get its `Create`. Already published: nothing changes.
pub async fn publish(state: &AppState, id: ActionId, by: &str) -> AppResult<()> {
    let before = local_in(state.store.pool(), id).await?;
    let mut published = before.clone();
    published.publication = PublicationState::Published;
    let readers = readers_before(state, &published).await?;
    let mut change = Change::begin(state).await?;
    let current = local_in(change.conn(), id).await?;
    if current.publication == PublicationState::Published {
        return Ok(());
    }
    store::set_publication(change.conn(), id, PublicationState::Published).await?;
    let fresh = local_in(change.conn(), id).await?;
    tell_followers(state, &mut change, &readers, &fresh, publication::Change::Create).await?;
    change.audit(by, "action.publish", &format!("action {id}")).await?;
    change.commit().await
}

/// Cancels: the status becomes `cancelled` and followers of a published action get an
/// `Update` saying so. Cancelled already: nothing changes.
pub async fn cancel(state: &AppState, id: ActionId, by: &str) -> AppResult<()> {
    let before = local_in(state.store.pool(), id).await?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let current = local_in(change.conn(), id).await?;
    if current.status == ActionStatus::Cancelled {
        return Ok(());
    }
    store::set_status(change.conn(), id, ActionStatus::Cancelled).await?;
    let mut told = vec![];
    let fresh = local_in(change.conn(), id).await?;
    if current.publication == PublicationState::Published {
        tell_followers(state, &mut change, &readers, &fresh, publication::Change::Update).await?;
        told = web_recipients_in(change.conn(), id).await?;
    }
    change.audit(by, "action.cancel", &format!("action {id}")).await?;
    change.commit().await?;
    // Mails go once the cancellation is committed (a mail cannot be taken back).
    super::participant_mail::tell(state, &fresh, super::participant_mail::News::Cancelled, &told).await;
    Ok(())
}

/// Deletes a local action; followers of a published one get a `Delete`, and its activities
/// leave the outbox.
pub async fn delete(state: &AppState, id: ActionId, by: &str) -> AppResult<()> {
    let before = local_in(state.store.pool(), id).await?;
    let readers = readers_before(state, &before).await?;
    let mut change = Change::begin(state).await?;
    let current = local_in(change.conn(), id).await?;
    crate::storage::activities::retract_public(change.conn(), &current.ap_id).await?;
    if current.publication == PublicationState::Published {
        tell_followers(state, &mut change, &readers, &current, publication::Change::Delete).await?;
    }
    store::delete(change.conn(), id).await?;
    change.audit(by, "action.delete", &format!("action {id}")).await?;
    change.commit().await
}

/// What followers' software reads, asked before a change that takes action `id` back.
pub async fn readers_for(state: &AppState, id: ActionId) -> AppResult<EventReaders> {
    readers_before(state, &local_in(state.store.pool(), id).await?).await
}

/// Takes a published action back to draft inside the caller's change (a moderator's decision
/// on a report): followers get a `Delete`, its activities leave the outbox. False when it was
/// not published.
pub async fn unpublish_in(
    state: &AppState,
    change: &mut Change,
    readers: &EventReaders,
    id: ActionId,
    by: &str,
) -> AppResult<bool> {
    let current = local_in(change.conn(), id).await?;
    if current.publication != PublicationState::Published {
        return Ok(false);
    }
    crate::storage::activities::retract_public(change.conn(), &current.ap_id).await?;
    tell_followers(state, change, readers, &current, publication::Change::Delete).await?;
    store::set_publication(change.conn(), id, PublicationState::Draft).await?;
    change.audit(by, "action.unpublish", &format!("action {id}")).await?;
    Ok(true)
}
