//! Shared actions from followed territories: `Create`/`Update` of an `Event` (sent by the
//! territory, by its author with the territory as `audience`, or announced by the territory as
//! FEP-1b12 groups do) stores or refreshes a remote action; `Delete` of it (a `Tombstone` whose
//! `formerType` is `Event`) removes it. Only the action's origin changes it: anyone else gets
//! 403 and nothing changes; Events from actors no territory follows are ignored (202).
//! Shapes read: ours (docs/FEDERATION.md), Mobilizon's and Gancio's (`address` a string).

use super::{
    Activity, Received,
    practice::{Claim, sanitize},
};
use crate::{
    domain::{
        action::{ActionStatus, JoinMode, PublicationState},
        action_content::ActionContent,
        practice::{Dimension, parse_tag},
        territory::ActivityDomain,
    },
    error::{AppError, AppResult},
    federation::{
        protocol::{
            coorganisation::EvaluationJson,
            id_of,
            inbound::{AnnounceEvent, CreateEvent, DeleteEvent},
            received_event::{Address, EventObject},
            remote_url::{remote_id, remote_link},
        },
        signatures::host_header,
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        action_evaluations::{self as evaluations, EvaluationContent, IndicatorRow},
        action_invitations as invitations, actions as store,
        activities::claim_received,
        actors::RemoteActorRow,
        follows::is_followed_in,
    },
};

/// At most `max` characters of `s`, trimmed.
fn text(s: Option<&str>, max: usize) -> String {
    s.unwrap_or_default().trim().chars().take(max).collect()
}

fn millis(s: Option<&str>) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s?).ok().map(|d| d.timestamp_millis())
}

/// The status from FEP-8a8e's `eventStatus`, else Mobilizon's `status`.
fn status(o: &EventObject) -> ActionStatus {
    let said = |s: &Option<String>| s.as_deref().unwrap_or_default().to_ascii_lowercase();
    match (said(&o.event_status).trim_start_matches("https://schema.org/"), said(&o.status).as_str()) {
        ("eventcancelled", _) | (_, "cancelled") => ActionStatus::Cancelled,
        ("eventpostponed", _) => ActionStatus::Postponed,
        ("eventtentative", _) | (_, "tentative") => ActionStatus::Tentative,
        _ => ActionStatus::Scheduled,
    }
}

fn join_mode(o: &EventObject) -> JoinMode {
    match o.join_mode.as_deref().unwrap_or_default() {
        "restricted" | "invite" => JoinMode::Approval,
        "external" => JoinMode::External,
        "none" => JoinMode::None,
        _ => JoinMode::Free,
    }
}

/// The received `Event` as stored; `None` without a name or a valid start.
pub fn content(o: &EventObject, allow_private_network: bool) -> Option<ActionContent> {
    let title = text(o.common.name.as_deref(), 200);
    let starts_at = millis(o.start_time.as_deref())?;
    let ends_at = millis(o.end_time.as_deref()).filter(|e| *e >= starts_at).unwrap_or(starts_at);
    if title.is_empty() {
        return None;
    }
    let zone = o.timezone.as_deref().and_then(|z| z.parse::<chrono_tz::Tz>().ok());
    let place = o.location.clone().unwrap_or_default();
    let (street, postal_code, commune) = match &place.address {
        Some(Address::Text(s)) => (s.chars().take(300).collect(), String::new(), String::new()),
        Some(Address::Postal { street, postal_code, locality }) => {
            (text(street.as_deref(), 300), text(postal_code.as_deref(), 20), text(locality.as_deref(), 100))
        }
        None => Default::default(),
    };
    let coordinate = |v: Option<f64>, max: f64| v.filter(|v| v.is_finite() && v.abs() <= max);
    let (latitude, longitude) = match (coordinate(place.latitude, 90.0), coordinate(place.longitude, 180.0)) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    };
    let link = |s: &Option<String>| remote_link(s.as_deref(), allow_private_network).unwrap_or_default();
    let summary = text(o.cces_summary.as_deref().or(o.common.summary.as_deref()), 2000);
    let tags: Vec<String> = o.common.tag_names().filter_map(parse_tag).take(20).collect();
    let domains: Vec<String> = o.domains.iter().filter(|d| ActivityDomain::parse(d).is_some()).cloned().collect();
    let dimensions: Vec<String> = o.dimensions.iter().filter(|d| Dimension::parse(d).is_some()).cloned().collect();
    let count = |n: Option<i64>| n.filter(|n| *n >= 0);
    Some(ActionContent {
        status: status(o),
        title,
        summary,
        description_md: text(o.common.source_text(), 100_000),
        description_html: sanitize(&text(o.common.content.as_deref(), 200_000)),
        starts_at,
        ends_at,
        timezone: zone.map(|z| z.name()).unwrap_or("Etc/UTC").into(),
        place_name: text(place.name.as_deref(), 200),
        address: street,
        postal_code,
        commune,
        latitude,
        longitude,
        online_url: link(&o.online_url),
        capacity: count(o.maximum_attendee_capacity),
        join_mode: join_mode(o),
        join_url: link(&o.external_participation_url),
        domains: domains.into(),
        dimensions: dimensions.into(),
        tags: tags.into(),
        contacts: Default::default(),
        remote_participants: count(o.participant_count).unwrap_or(0),
    })
}

/// Who may publish the `Event` `o` sent by `signer`: one of ours is changed only by its
/// co-organisers (checked in `receive`); any other is on its sender's host, and so is its
/// author (403 otherwise).
fn verify_origin(o: &EventObject, ctx: &Received<'_>) -> AppResult<()> {
    let (state, o) = (ctx.state(), &o.common);
    if url::Url::parse(&o.id).is_ok_and(|u| state.urls.is_local(&u)) {
        return Ok(());
    }
    remote_id(&o.id, &ctx.signer.host, state.config.allow_private_network)?;
    let author_host = o.attributed_to.as_deref().and_then(|a| url::Url::parse(a).ok()).map(|a| host_header(&a));
    if author_host.as_deref() != Some(ctx.signer.host.as_str()) {
        return Err(AppError::Forbidden("an Event is written on its sender's host".into()));
    }
    Ok(())
}

impl Activity for CreateEvent {
    /// Sent from its own host, by an author of that host; whether the author may publish in
    /// its origin is checked by `store_event`.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        verify_origin(&self.object, ctx)
    }

    /// Sent by its origin, or by its author writing in a territory of its own host we know
    /// (the `audience`).
    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        // One of our actions: only its co-organisers change it (their practical details).
        if let Some(ap_id) = Some(self.object.common.id.as_str())
            && let Some(ours) = state.store.action_by_ap_id(ap_id).await?.filter(|a| a.territory_id.is_some())
        {
            if ctx.kind != "Update" {
                return Err(AppError::Forbidden("only an action's origin publishes it".into()));
            }
            let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
            return super::coorganisation::organizer_update(state, &ours, &self.object, signer, claim).await;
        }
        let mut origin = signer.clone();
        if let Some(audience) = self.object.common.audience().filter(|a| *a != signer.ap_id)
            && let Some(territory) = state.store.remote_actor_by_ap_id(audience).await?
            && territory.host == signer.host
        {
            origin = territory;
        }
        let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
        store_event(state, &self.object, &origin, claim).await
    }
}

impl Activity for AnnounceEvent {
    /// A group announces activities of its own host, on Events of its own host.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let actor = self.object.actor.as_ref().and_then(|a| url::Url::parse(a.id()).ok());
        if actor.as_ref().map(host_header) != Some(ctx.signer.host.clone()) {
            return Err(AppError::Forbidden("a group announces activities of its own host".into()));
        }
        match self.object.kind.as_deref() {
            Some("Delete") => Ok(()),
            _ => verify_origin(&EventObject::from_value(&self.object.object)?, ctx),
        }
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
        let inner = &self.object;
        match inner.kind.as_deref() {
            Some("Delete") => receive_delete_of(state, id_of(&inner.object), signer, claim).await,
            _ => store_event(state, &EventObject::from_value(&inner.object)?, signer, claim).await,
        }
    }
}

impl Activity for DeleteEvent {
    /// Only its origin deletes an action: checked against what is stored, in `receive`.
    async fn verify(&self, _: &Received<'_>) -> AppResult<()> {
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let claim = Claim { id: self.id.as_str(), actor: &ctx.signer.ap_id, kind: ctx.kind };
        receive_delete_of(ctx.state(), Some(self.object.id()), ctx.signer, claim).await
    }
}

async fn receive_delete_of(
    state: &AppState,
    ap_id: Option<&str>,
    signer: &RemoteActorRow,
    claim: Claim<'_>,
) -> AppResult<()> {
    let Some(ap_id) = ap_id else { return Ok(()) };
    if state.store.action_by_ap_id(ap_id).await?.is_none() {
        tracing::info!(event = %ap_id, "Delete of an Event we do not keep: ignored");
        return Ok(());
    }
    let mut change = Change::begin(state).await?;
    let Some(a) = store::action_by_ap_id_in(change.conn(), ap_id).await? else { return Ok(()) };
    if a.origin_actor != signer.ap_id || a.territory_id.is_some() {
        return Err(AppError::Forbidden("only an action's origin may delete it".into()));
    }
    if claim_received(change.conn(), claim.id, claim.actor, claim.kind).await? {
        store::delete(change.conn(), a.id).await?;
        change.commit().await?;
        tracing::info!(event = %ap_id, "remote action deleted");
    }
    Ok(())
}

/// Stores (or refreshes) the `Event` `o` of `origin`, with the claim of the activity that
/// carried it, in one transaction.
async fn store_event(state: &AppState, o: &EventObject, origin: &RemoteActorRow, claim: Claim<'_>) -> AppResult<()> {
    let ap_id = o.common.id.as_str();
    // On the origin's host (`verify_origin` checked the sender's, which is the origin's).
    remote_id(ap_id, &origin.host, state.config.allow_private_network)?;
    // Written by the origin itself, or by an author on its host who publishes in it.
    if !o.common.is_in(&origin.ap_id) {
        return Err(AppError::Forbidden("only an action's origin may publish it".into()));
    }
    let c = content(o, state.config.allow_private_network)
        .ok_or_else(|| AppError::BadRequest("Event without name or startTime".into()))?;
    let mut change = Change::begin(state).await?;
    let known = store::action_by_ap_id_in(change.conn(), ap_id).await?;
    if let Some(existing) = &known
        && existing.origin_actor != origin.ap_id
    {
        return Err(AppError::Forbidden("only an action's origin may change it".into()));
    }
    // The agenda holds the actions of territories we follow, not whatever is pushed to us.
    if known.is_none() && !is_followed_in(change.conn(), origin.id).await? {
        tracing::info!(event = %ap_id, from = %origin.ap_id, "Event from an actor no territory follows: ignored");
        return Ok(());
    }
    if !claim_received(change.conn(), claim.id, claim.actor, claim.kind).await? {
        return Ok(()); // A redelivery: applied already.
    }
    if known.is_none() {
        crate::storage::subscriptions::note_learned(change.conn(), origin.id).await?;
    }
    // An action we hold only as an invitation not yet accepted stays out of the agenda.
    let publish = known.as_ref().is_none_or(|a| a.publication == PublicationState::Published);
    apply_event_in(state, &mut change, o, ap_id, &origin.ap_id, &c, publish).await?;
    change.commit().await?;
    tracing::info!(event = %ap_id, from = %origin.ap_id, "remote action stored");
    Ok(())
}

/// Writes the received `Event` `o` (id `ap_id`, of `origin`, read as `c`) inside `change`:
/// its row (inserted or refreshed; published when `publish`, else a new one stays a draft), its organisers as it lists them (the origin
/// first; a local territory co-organising stays while listed) and the organisers'
/// evaluations (`cces:evaluation`). Its row id.
pub async fn apply_event_in(
    state: &AppState,
    change: &mut Change,
    o: &EventObject,
    ap_id: &str,
    origin: &str,
    c: &ActionContent,
    publish: bool,
) -> AppResult<crate::domain::ids::ActionId> {
    let id = match store::action_by_ap_id_in(change.conn(), ap_id).await? {
        Some(a) => {
            store::update_content(change.conn(), a.id, c).await?;
            a.id
        }
        None => store::insert(change.conn(), ap_id, None, origin, c, origin).await?,
    };
    if publish {
        store::set_publication(change.conn(), id, PublicationState::Published).await?;
    }
    let listed: Vec<String> = o
        .organizers
        .iter()
        .filter(|a| remote_link(Some(a), state.config.allow_private_network).is_some())
        .take(20)
        .cloned()
        .collect();
    for organizer in &listed {
        if organizer == origin {
            store::add_organizer(change.conn(), id, organizer, None, "origin").await?;
        } else {
            invitations::accept_organizer(change.conn(), id, organizer, None).await?;
        }
    }
    // Those it no longer lists (withdrawn) go; the origin stays.
    for organizer in store::organizers_in(change.conn(), id).await? {
        if !listed.contains(&organizer) {
            invitations::remove_organizer(change.conn(), id, &organizer).await?;
        }
    }
    let organizers = store::organizers_in(change.conn(), id).await?;
    let evaluation: Vec<&EvaluationJson> = o.evaluation.iter().take(20).collect();
    for e in evaluation.iter().filter(|e| organizers.contains(&e.attributed_to)) {
        let content = evaluation_content(e, state.config.allow_private_network);
        evaluations::upsert(change.conn(), id, &e.attributed_to, None, &content, &e.attributed_to).await?;
    }
    let written: Vec<String> = evaluation.iter().map(|e| e.attributed_to.clone()).collect();
    evaluations::retain_organizers(change.conn(), id, &written).await?;
    Ok(id)
}

/// A received evaluation as stored (texts bounded, unknown dimensions and non-finite numbers
/// dropped, structures only as web links).
pub(crate) fn evaluation_content(e: &EvaluationJson, allow_private_network: bool) -> EvaluationContent {
    let cut = |s: &str, max: usize| s.trim().chars().take(max).collect::<String>();
    EvaluationContent {
        participants: e.participants.filter(|n| (0..=10_000_000).contains(n)),
        structures: e
            .structures
            .iter()
            .filter_map(|s| remote_link(Some(s), allow_private_network))
            .filter(|s| !s.contains(','))
            .take(100)
            .collect(),
        summary: cut(&e.summary, 2000),
        indicators: e
            .indicators
            .iter()
            .filter(|i| Dimension::parse(&i.dimension).is_some() && i.value.is_finite())
            .take(40)
            .map(|i| IndicatorRow {
                dimension: i.dimension.clone(),
                label: cut(&i.name, 100),
                value: i.value,
                unit: cut(&i.unit, 30),
                period: cut(&i.period, 50),
                cces_indicator: i.indicator.as_deref().map(|r| cut(r, 100)).filter(|r| !r.is_empty()),
            })
            .collect(),
        // A summary that could be one: answers counted, a mean rating on the 1–5 scale.
        feedback: e
            .feedback
            .filter(|f| (1..=10_000_000).contains(&f.answers) && (1.0..=5.0).contains(&f.mean_rating))
            .map(|f| (f.answers, (f.mean_rating * 10.0).round() / 10.0)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// What Gancio and Mobilizon send reads as an action.
    #[test]
    fn gancio_and_mobilizon_shapes() {
        let gancio: EventObject = serde_json::from_str(
            r##"{"id": "https://g.example/federation/m/12", "type": "Event", "name": "Concert",
                "startTime": "2026-05-02T19:00:00.000Z", "endTime": "2026-05-02T22:00:00.000Z",
                "location": {"type": "Place", "name": "Salle des fêtes", "address": "1 rue Haute, Redon"},
                "tag": [{"type": "Hashtag", "name": "#musique"}], "attachment": []}"##,
        )
        .expect("test");
        let c = content(&gancio, false).expect("stored");
        assert_eq!((c.place_name.as_str(), c.address.as_str()), ("Salle des fêtes", "1 rue Haute, Redon"));
        assert_eq!(
            (c.timezone.as_str(), c.tags.joined().as_str(), c.status),
            ("Etc/UTC", "musique", ActionStatus::Scheduled)
        );
        let mobilizon: EventObject = serde_json::from_str(
            r#"{"id": "https://mz.example/events/5", "type": "Event", "name": "Atelier vélo",
                "startTime": "2026-05-02T09:00:00Z", "endTime": "2026-05-02T12:00:00Z", "timezone": "Europe/Paris",
                "location": {"type": "Place", "name": "Atelier", "address": {"type": "PostalAddress",
                  "streetAddress": "2 rue du Port", "postalCode": "35600", "addressLocality": "Redon"},
                  "latitude": 47.65, "longitude": -2.08},
                "joinMode": "restricted", "maximumAttendeeCapacity": 10, "participantCount": 4,
                "status": "CANCELLED", "ical:status": "CANCELLED"}"#,
        )
        .expect("test");
        let c = content(&mobilizon, false).expect("stored");
        assert_eq!((c.commune.as_str(), c.latitude, c.capacity), ("Redon", Some(47.65), Some(10)));
        assert_eq!((c.join_mode, c.status, c.remote_participants), (JoinMode::Approval, ActionStatus::Cancelled, 4));
        assert!(content(&serde_json::from_str(r#"{"id": "x", "name": "No date"}"#).expect("test"), false).is_none());
    }

    /// The `Create(Event)` fixtures of Mobilizon and Gancio (tests/fixtures) read as actions.
    #[test]
    fn fixtures_of_created_events() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let read = |f: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).expect("fixture")).expect("JSON")
        };
        let event = |v: &Value| EventObject::from_value(v).expect("an Event");
        let m = content(&event(&read("mobilizon/create_event.json")["object"]), false).expect("Mobilizon's");
        assert_eq!(
            (m.title.as_str(), m.timezone.as_str(), m.commune.as_str()),
            ("Atelier vélo participatif", "Europe/Paris", "Redon")
        );
        assert_eq!((m.join_mode, m.capacity, m.remote_participants), (JoinMode::Approval, Some(10), 4));
        assert_eq!(m.tags.joined(), "velo");
        let g = content(&event(&read("gancio/create_event.json")["object"]), false).expect("Gancio's");
        assert_eq!((g.place_name.as_str(), g.address.as_str()), ("Halle", "1 rue Haute, Redon"));
        assert!(!g.description_html.contains("script"), "sanitised: {}", g.description_html);
        assert_eq!(g.ends_at - g.starts_at, 3 * 3600 * 1000);
    }

    /// A received evaluation keeps the feedback summary its instance sent, when it could be one.
    #[test]
    fn feedback_summaries_received() {
        let read = |feedback: &str| {
            let e: EvaluationJson = serde_json::from_str(&format!(
                r#"{{"type": "cces:Evaluation", "attributedTo": "https://a.example/t/a", "updated": "2030-01-01T00:00:00Z"
                    {feedback}}}"#
            ))
            .expect("an evaluation");
            evaluation_content(&e, false).feedback
        };
        assert_eq!(read(r#", "cces:feedback": {"cces:answers": 3, "cces:meanRating": 4.33}"#), Some((3, 4.3)));
        assert_eq!(read(""), None);
        for bad in [
            r#", "cces:feedback": {"cces:answers": 0, "cces:meanRating": 4.0}"#,
            r#", "cces:feedback": {"cces:answers": 2, "cces:meanRating": 9.0}"#,
            r#", "cces:feedback": {"cces:answers": -1, "cces:meanRating": 3.0}"#,
            r#", "cces:feedback": "très bien""#,
        ] {
            assert_eq!(read(bad), None, "{bad}");
        }
    }
}
