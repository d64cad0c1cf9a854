//! Incoming activities, one file per type, each a `verify` step (who may send it) then a
//! `receive` step (its effect), as Lemmy's `ActivityHandler`. The wire shapes are in
//! `protocol::inbound`; [`receive`] is the one place that maps each arm to its handler.
//!
//! Each `receive` runs in one change (`processing::unit::Change`) that also claims the
//! activity id, so a redelivered activity takes effect once and a failure leaves nothing
//! half-written.

pub mod accept;
pub mod aggregate;
pub mod announce;
pub mod article;
pub mod conversation;
pub mod coorganisation;
pub mod delete;
pub mod event;
pub mod flag;
pub mod follow;
pub mod like;
pub mod moves;
pub mod news;
pub mod note;
pub mod participation;
pub mod practice;
pub mod relayed;
pub mod rsvp;
pub mod signatory_follow;
pub mod subscription;
pub mod undo;
pub mod update;

use std::future::Future;

use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

use super::protocol::inbound::Inbound;
use crate::{
    error::{AppError, AppResult},
    state::AppState,
    storage::{actors::RemoteActorRow, territories::TerritoryRow},
};

/// What every handler knows of the activity it handles, besides its typed body.
pub struct Received<'a> {
    /// The federation crate's handle: needed only to fetch objects (`Announce`, `Update`).
    pub data: &'a Data<AppState>,
    /// The actor whose signature the inbox verified (the activity's `actor`).
    pub signer: &'a RemoteActorRow,
    /// The body as received: embedded whole in answers, relayed to followers.
    pub raw: &'a Value,
    /// The type as named (`Create` or `Update`, `Accept` or `Reject`), recorded with its id.
    pub kind: &'a str,
}

impl Received<'_> {
    pub fn state(&self) -> &AppState {
        self.data
    }
}

/// One incoming activity: `verify` refuses what its sender may not do (403, 400) and changes
/// nothing; `receive` applies it in one change that claims its id.
pub trait Activity {
    fn verify(&self, ctx: &Received<'_>) -> impl Future<Output = AppResult<()>> + Send;
    fn receive(self, ctx: &Received<'_>) -> impl Future<Output = AppResult<()>> + Send;
}

/// Verifies, then applies, the activity `inbound` is.
pub async fn receive(inbound: Inbound, ctx: &Received<'_>) -> AppResult<()> {
    match inbound {
        Inbound::Follow(a) => run(a, ctx).await,
        Inbound::Accept(a) | Inbound::Reject(a) => run(a, ctx).await,
        Inbound::Undo(a) => run(a, ctx).await,
        Inbound::Article(a) => run(*a, ctx).await,
        Inbound::Event(a) => run(*a, ctx).await,
        Inbound::AnnounceEvent(a) => run(a, ctx).await,
        Inbound::DeleteEvent(a) => run(a, ctx).await,
        Inbound::Note(a) => run(*a, ctx).await,
        Inbound::UpdateActor(a) => run(*a, ctx).await,
        Inbound::Delete(a) => run(a, ctx).await,
        Inbound::AnnouncePractice(a) => run(a, ctx).await,
        Inbound::AnnounceNews(a) => run(a, ctx).await,
        Inbound::Announce(a) => run(a, ctx).await,
        Inbound::Like(a) => run(a, ctx).await,
        Inbound::Join(a) => run(a, ctx).await,
        Inbound::Leave(a) => run(a, ctx).await,
        Inbound::Rsvp(a) => run(a, ctx).await,
        Inbound::Move(a) => run(a, ctx).await,
        Inbound::Flag(a) => run(a, ctx).await,
        Inbound::Invite(a) => run(a, ctx).await,
        Inbound::AnswerInvite(a) => run(a, ctx).await,
        Inbound::RemoveOrganizer(a) => run(a, ctx).await,
        Inbound::Aggregate(a) => run(*a, ctx).await,
        Inbound::Unknown => {
            let id = ctx.raw.get("id").and_then(Value::as_str).unwrap_or_default();
            tracing::info!(activity = id, kind = ctx.kind, actor = %ctx.signer.ap_id, "activity type not handled: ignored");
            Ok(())
        }
    }
}

async fn run<A: Activity + Send>(activity: A, ctx: &Received<'_>) -> AppResult<()> {
    activity.verify(ctx).await?;
    activity.receive(ctx).await
}

/// The local territory an object URL names (`<public_url>/t/<slug>`), if any.
pub async fn local_territory(state: &AppState, url: &str) -> AppResult<Option<TerritoryRow>> {
    match Url::parse(url).ok().and_then(|u| state.urls.territory_slug_of(&u)) {
        Some(slug) => state.store.territory_by_slug(&slug).await,
        None => Ok(None),
    }
}

pub async fn require_local_territory(state: &AppState, url: &str) -> AppResult<TerritoryRow> {
    local_territory(state, url).await?.ok_or_else(|| AppError::NotFound(format!("no local actor {url}")))
}
