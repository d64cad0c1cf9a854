//! A territory's figures as its `cces:Aggregate` (issue 13, point 9; docs/FEDERATION.md
//! "Observatory aggregates"): sent to its followers (and subscribed instances, relays) when the
//! refresher changed them, at most once per [`SEND_EVERY`] (changes meanwhile go out together),
//! each sending one change through the unit of work and the outbox (and to a new follower in
//! the change that accepts it, so that it need not wait for a change of the figures); and
//! received from the territories we follow, checked, then stored as that territory's figures,
//! which the network scope reads instead of recounting its practices and actions.

use std::{
    hash::{Hash, Hasher},
    time::Duration,
};

use crate::{
    domain::{
        ids::TerritoryId,
        local_actor::LocalActor,
        millis_to_datetime, now_millis,
        observatory::{Figure, MAX_SOURCES, Source, VOCABULARY_VERSION, implausible_received, reference},
    },
    error::AppResult,
    federation::{
        outgoing::new_activity_id,
        protocol::{
            activities::{Activity, Kind},
            aggregate::{Aggregate, AggregateFigure, AggregateSource},
            remote_url,
        },
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::RemoteActorRow,
        follows::{follower_inboxes_in, is_followed_in},
        observatory::{FigureRow, sources},
        observatory_aggregates::{
            ReceivedFigure, mark_aggregate_reached, mark_aggregate_sent, origin_figures_in, received_aggregate_updated,
            sent_state, store_received_aggregate,
        },
    },
};

/// An aggregate is sent at most this often per territory: a burst of changes (a practice
/// published with its indicators, then pinned) makes one `Update`, not one per change.
pub const SEND_EVERY: Duration = Duration::from_secs(2);

/// Territories whose aggregate is sent per pass.
const BATCH: i64 = 50;

/// Figures a received aggregate may carry (a territory's months, communes and indicators).
const MAX_FIGURES: usize = 50_000;

/// The URL of a territory's aggregate.
pub fn aggregate_url(state: &AppState, slug: &str) -> String {
    state.urls.path(&format!("/t/{slug}/observatoire/agregat")).to_string()
}

/// The aggregate of a territory from its stored figures.
pub fn aggregate_of(state: &AppState, slug: &str, computed_at: Option<i64>, rows: &[FigureRow]) -> Aggregate {
    let figures = rows
        .iter()
        .map(|r| AggregateFigure {
            figure: r.figure.as_str().to_string(),
            key: r.key.clone(),
            period: r.period.clone(),
            total: r.total,
            count: r.n,
            sources: sources(&r.sources).into_iter().map(|s| AggregateSource { id: s.id, name: s.title }).collect(),
        })
        .collect();
    let updated =
        millis_to_datetime(computed_at.unwrap_or_default()).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    Aggregate::new(
        &aggregate_url(state, slug),
        state.urls.territory(slug).as_str(),
        state.urls.path(&format!("/t/{slug}/observatoire")).as_str(),
        updated,
        VOCABULARY_VERSION,
        figures,
    )
}

/// A digest of the figures: a recount that changed nothing sends nothing.
fn digest(rows: &[FigureRow]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for r in rows {
        (r.figure.as_str(), &r.key, &r.period, r.total.to_bits(), r.n, &r.sources).hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// Sends the aggregate of every territory whose figures changed (at most [`BATCH`]), each in
/// one change; returns how many were sent.
pub async fn send_due(state: &AppState) -> AppResult<usize> {
    let due = state.store.aggregates_due(now_millis() - SEND_EVERY.as_millis() as i64, BATCH).await?;
    let mut sent = 0;
    for d in due {
        if send_one(state, &d.origin, d.territory_id).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn send_one(state: &AppState, origin: &str, territory_id: TerritoryId) -> AppResult<bool> {
    let Some(territory) = state.store.territory_by_id(territory_id).await? else { return Ok(false) };
    // Only other Maillage instances read `cces:Aggregate`: Mastodon, Lemmy and the rest would
    // drop it unread, so they are not sent it. Another Maillage follows as a territory or its
    // instance actor: only those followers' hosts are asked their software (NodeInfo, looked
    // up before the transaction: no network inside a held write lock). Asking every follower's
    // host cost a request per host at each start (5,000 in the benchmark's growth bed, while
    // its fan-out ran: issue 14).
    let candidates = state.store.instance_like_follower_inboxes(territory_id).await?;
    let readers = crate::federation::software::maillage_inboxes(state, &candidates).await;
    let mut change = Change::begin(state).await?;
    // The version first, then the figures: figures written meanwhile are newer than the version
    // recorded, and are sent again (or found unchanged) at the next pass.
    let Some(before) = sent_state(change.conn(), origin).await? else { return Ok(false) };
    let rows = origin_figures_in(change.conn(), origin).await?;
    let digest = digest(&rows);
    if before.aggregate_digest.as_deref() == Some(digest.as_str()) {
        mark_aggregate_sent(change.conn(), origin, before.computed_version, &digest, None).await?;
        change.commit().await?;
        return Ok(false);
    }
    let inboxes: Vec<String> = follower_inboxes_in(&mut *change.conn(), territory_id)
        .await?
        .into_iter()
        .filter(|i| readers.contains(i))
        .collect();
    // `Create` the first time the aggregate reaches anyone, `Update` after: figures computed
    // while no Maillage instance followed went nowhere, and its first reader is told of a new
    // object. `sent_at` records only sendings that reached an inbox.
    let mut sent_at = None;
    if !inboxes.is_empty() {
        let aggregate = aggregate_of(state, &territory.slug, before.computed_at, &rows);
        let kind = if before.aggregate_sent_at.is_none() { Kind::Create } else { Kind::Update };
        let followers = state.urls.territory_collection(&territory.slug, "followers");
        let activity = Activity::new(kind, new_activity_id(state), origin, aggregate).public(&[&followers]).to_json();
        // Not listed in the outbox (`false`): a figure change is not a post.
        change.queue(LocalActor::Territory(territory_id), &activity, false, &inboxes).await?;
        sent_at = Some(now_millis());
    }
    mark_aggregate_sent(change.conn(), origin, before.computed_version, &digest, sent_at).await?;
    change.commit().await?;
    tracing::debug!(%origin, figures = rows.len(), inboxes = inboxes.len(), "observatory aggregate sent");
    Ok(sent_at.is_some())
}

/// The actor types through which another Maillage instance follows: a territory (`Group`,
/// FEP-1b12) or its instance actor (`Application`, FEP-2677; `Service` as some servers type it).
const INSTANCE_LIKE: [&str; 3] = ["Group", "Application", "Service"];

/// Which of `territories` (id, slug) a new follower gets the current aggregate of when its
/// Follow is accepted, at `inbox`: none unless the follower, of type `follower_kind`, is a
/// group or an instance actor whose inbox is on a Maillage instance (NodeInfo, looked up here,
/// before the accepting change: no network inside a held write lock); of
/// those, the territories whose aggregate went out already, with figures. Without it, a
/// follower arriving after the last change of the figures would see none until the next
/// change; an aggregate not sent yet goes to every follower, this one included, at the next
/// pass of [`send_due`].
pub async fn owed_to_new_follower(
    state: &AppState,
    territories: &[(TerritoryId, String)],
    follower_kind: &str,
    inbox: &str,
) -> AppResult<Vec<(TerritoryId, String)>> {
    // Another Maillage follows as a territory or as its instance actor: a person's or an
    // organisation's Follow costs no read and no NodeInfo request here (issue 14: one read
    // per `Follow` of an inbox burst).
    if !INSTANCE_LIKE.contains(&follower_kind) {
        return Ok(vec![]);
    }
    let sent = state.store.territories_with_aggregate_sent().await?;
    let owed: Vec<(TerritoryId, String)> = territories.iter().filter(|(id, _)| sent.contains(id)).cloned().collect();
    if owed.is_empty() {
        return Ok(owed);
    }
    let inboxes = [inbox.to_string()];
    if crate::federation::software::maillage_inboxes(state, &inboxes).await.is_empty() {
        return Ok(vec![]);
    }
    Ok(owed)
}

/// Queues, in `change` (the one accepting a Follow), the current aggregate of each of `owed`
/// ([`owed_to_new_follower`]) to the new follower's `inbox` alone, as a `Create`: it is new to
/// that follower. Its `updated` is that of the figures, so the next `Update` to all followers
/// supersedes it.
pub async fn queue_to_new_follower(change: &mut Change, owed: &[(TerritoryId, String)], inbox: &str) -> AppResult<()> {
    let state = change.state().clone();
    for (territory_id, slug) in owed {
        let origin = state.urls.territory(slug).to_string();
        let Some(sent) = sent_state(change.conn(), &origin).await? else { continue };
        let rows = origin_figures_in(change.conn(), &origin).await?;
        if rows.is_empty() {
            continue;
        }
        let aggregate = aggregate_of(&state, slug, sent.computed_at, &rows);
        let followers = state.urls.territory_collection(slug, "followers");
        let activity =
            Activity::new(Kind::Create, new_activity_id(&state), &origin, aggregate).public(&[&followers]).to_json();
        change.queue(LocalActor::Territory(*territory_id), &activity, false, &[inbox.to_string()]).await?;
        mark_aggregate_reached(change.conn(), &origin, now_millis()).await?;
        tracing::debug!(%origin, figures = rows.len(), %inbox, "observatory aggregate sent to a new follower");
    }
    Ok(())
}

/// What became of a received aggregate.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    Stored,
    /// Not from a territory we follow, older than the one kept, or implausible: logged.
    Ignored,
}

/// Checks a received aggregate of `signer` (its author, checked by the inbox) and stores it as
/// `signer`'s figures. Ignored, logged, never shown: from a territory we do not follow, older
/// than the one kept, or with a negative count or a value outside its indicator's range.
pub async fn receive(
    state: &AppState,
    signer: &RemoteActorRow,
    aggregate: &Aggregate,
    activity_id: &str,
    kind: &str,
) -> AppResult<Received> {
    let origin = signer.ap_id.as_str();
    let updated = chrono::DateTime::parse_from_rfc3339(&aggregate.updated).map(|d| d.timestamp_millis());
    let Ok(updated) = updated else {
        tracing::info!(%origin, updated = %aggregate.updated, "observatory aggregate ignored: updated does not parse");
        return Ok(Received::Ignored);
    };
    if aggregate.figures.len() > MAX_FIGURES {
        tracing::info!(%origin, figures = aggregate.figures.len(), "observatory aggregate ignored: too many figures");
        return Ok(Received::Ignored);
    }
    let mut figures = Vec::with_capacity(aggregate.figures.len());
    for f in &aggregate.figures {
        // A figure or indicator a newer vocabulary adds is skipped, not an error.
        let Some(figure) = Figure::parse(&f.figure) else { continue };
        if figure == Figure::Indicator && reference(&f.key).is_none() {
            continue;
        }
        if let Some(why) = implausible_received(figure, &f.key, f.total, f.count) {
            tracing::warn!(%origin, activity = activity_id, %why, "observatory aggregate ignored: implausible figure");
            return Ok(Received::Ignored);
        }
        let kept: Vec<Source> = f
            .sources
            .iter()
            .filter(|s| remote_url::remote_url(&s.id, state.config.allow_private_network).is_ok())
            .take(MAX_SOURCES)
            .map(|s| Source { id: s.id.clone(), title: s.name.chars().take(200).collect() })
            .collect();
        figures.push(ReceivedFigure {
            figure: figure.as_str(),
            key: f.key.chars().take(200).collect(),
            period: f.period.chars().take(40).collect(),
            total: f.total,
            n: f.count,
            sources: serde_json::to_string(&kept)?,
        });
    }
    let mut change = Change::begin(state).await?;
    if !is_followed_in(&mut *change.conn(), signer.id).await? {
        tracing::info!(%origin, activity = activity_id, "observatory aggregate ignored: territory not followed");
        return Ok(Received::Ignored);
    }
    if !claim_received(change.conn(), activity_id, origin, kind).await? {
        return Ok(Received::Ignored);
    }
    if received_aggregate_updated(change.conn(), origin).await?.is_some_and(|kept| kept >= updated) {
        tracing::info!(%origin, activity = activity_id, "observatory aggregate ignored: not newer than the one kept");
        change.commit().await?;
        return Ok(Received::Ignored);
    }
    store_received_aggregate(change.conn(), origin, updated, &figures).await?;
    change.commit().await?;
    tracing::info!(%origin, figures = figures.len(), "observatory aggregate stored");
    Ok(Received::Stored)
}
