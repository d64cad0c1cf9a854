//! `Announce`, in its two families:
//! - of a practice: a boost, or (from a territory, with `cces:adoptionNote`) an adoption; of a
//!   comment: a practice's territory relaying it to its followers (FEP-1b12), stored here;
//! - of its author's activity on a practice by a group (`Create`/`Update` of an `Article`,
//!   `Delete`): the practice stored, refreshed or removed (`practice.rs`), or, for a `Delete`
//!   of a followed territory's announcement, that announcement removed (`news.rs`).
//!
//! https://codeberg.org/fediverse/fep/src/branch/main/fep/1b12/fep-1b12.md

use activitypub_federation::fetch::object_id::ObjectId;
use serde_json::Value;
use url::Url;

use super::{
    Activity, Received,
    conversation::{fetch_object, host_of, store_comment},
    practice::{Claim, delete_remote, store_article},
};
use crate::{
    error::{AppError, AppResult},
    federation::{
        flood::Act,
        objects::DbRemoteActor,
        protocol::{
            id_of,
            inbound::{Announce, AnnouncePractice, is_note},
            received_article::ArticleObject,
            received_note::NoteObject,
            remote_url::{remote_link, remote_url},
        },
        signatures::host_header,
    },
    processing::{comments::reply_target, unit::Change},
    storage::{
        activities::claim_received,
        conversations::{self as conv, NewAdoption},
        practices::PracticeRow,
        reactions::{self, Reacted},
    },
};

impl Activity for AnnouncePractice {
    /// A group announces activities of its own host.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let actor = self.object.actor.as_ref().and_then(|a| Url::parse(a.id()).ok());
        if actor.as_ref().map(host_header) != Some(ctx.signer.host.clone()) {
            return Err(AppError::Forbidden("a group announces activities of its own host".into()));
        }
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (state, signer) = (ctx.state(), ctx.signer);
        let claim = Claim { id: self.id.as_str(), actor: &signer.ap_id, kind: ctx.kind };
        let inner = &self.object;
        if inner.kind.as_deref() == Some("Delete") {
            let deleted = id_of(&inner.object);
            if !delete_remote(state, deleted, signer, claim).await?
                && !super::news::delete_news(ctx, self.id.as_str(), deleted.unwrap_or_default()).await?
            {
                tracing::info!(activity = %self.id, "Announce of a Delete of nothing we keep: ignored");
            }
        } else {
            store_article(state, &ArticleObject::from_value(&inner.object)?, signer, Some(claim)).await?;
        }
        Ok(())
    }
}

impl Activity for Announce {
    /// It names what it announces, by a usable URL.
    async fn verify(&self, ctx: &Received<'_>) -> AppResult<()> {
        let object_id =
            id_of(self.announced()).ok_or_else(|| AppError::BadRequest("Announce without object".into()))?;
        remote_url(object_id, ctx.state().config.allow_private_network)?;
        Ok(())
    }

    async fn receive(self, ctx: &Received<'_>) -> AppResult<()> {
        let (data, signer) = (ctx.data, ctx.signer);
        // Groups (Lemmy, Maillage: FEP-1b12) announce a member's `Create` of a comment: the comment
        // is its object, taken as in a bare `Announce(id)` (fetched from its origin when it is not
        // the announcer's own: the embedded copy carries no signature of its author).
        let announced = self.announced();
        let object_id = id_of(announced).ok_or_else(|| AppError::BadRequest("Announce without object".into()))?;
        // A LitePub relay we follow relays another server's object: not a boost.
        if let Some(relay) = data.store.subscription_of(signer.id).await?
            && relay.kind == crate::domain::subscription::SubscriptionKind::Relay
        {
            return super::relayed::receive(ctx, self.id.as_str(), object_id, &relay).await;
        }
        if let Some(p) = data.store.practice_by_ap_id(object_id).await? {
            return announce_practice(ctx, &self, &p).await;
        }
        if data.store.comment_by_ap_id(object_id).await?.is_some() {
            return Ok(()); // Already here (its author sent it to us too).
        }
        if self.adoption_note.is_some() {
            // An adoption of a practice we do not keep: nothing to fetch.
            tracing::info!(activity = %self.id, "adoption of a practice not known here: ignored");
            return Ok(());
        }
        if data.is_blocked(&host_of(object_id).unwrap_or_default()).await? {
            // The territory relays a comment from a server this instance blocks: not fetched,
            // not kept (the announcer did nothing wrong: 202).
            tracing::info!(activity = %self.id, object = object_id, "Announce of an object on a blocked domain: ignored");
            return Ok(());
        }
        let note = match announced {
            // The announcer speaks for its own host only: anything else is fetched from its origin.
            Value::Object(_) if host_of(object_id) == Some(signer.host.clone()) => announced.clone(),
            _ => match fetch_object(data, object_id).await {
                Ok(object) => object,
                Err(AppError::Gone(_)) => {
                    tracing::info!(activity = %self.id, object = object_id, "Announce of an object gone since: ignored");
                    return Ok(());
                }
                Err(e) => return Err(e),
            },
        };
        if !is_note(&note) || id_of(&note) != Some(object_id) {
            tracing::info!(activity = %self.id, "Announce of nothing we keep: ignored");
            return Ok(());
        }
        let note = NoteObject::from_value(&note)?;
        if note.addressed_public() != Some(true) {
            tracing::info!(activity = %self.id, "Announce of a reply that is not public: ignored");
            return Ok(());
        }
        let in_reply_to = note.in_reply_to().unwrap_or_default();
        let Some(target) = reply_target(data, in_reply_to).await? else {
            tracing::info!(activity = %self.id, "Announce of a reply to nothing known here: ignored");
            return Ok(());
        };
        // Only the territory of a practice received from elsewhere relays its comments to us.
        if target.remote_origin.as_deref() != Some(signer.ap_id.as_str()) {
            tracing::info!(activity = %self.id, "Announce of a comment by another than the practice's territory: ignored");
            return Ok(());
        }
        let author_id = note.common.attributed_to.as_deref().unwrap_or_default();
        remote_url(author_id, data.config.allow_private_network)?;
        if host_of(author_id).is_none() || host_of(author_id) != host_of(object_id) {
            return Err(AppError::BadRequest("a comment's author is on its host".into()));
        }
        let author = ObjectId::<DbRemoteActor>::from(Url::parse(author_id)?).dereference(data).await?;
        store_comment(ctx, self.id.as_str(), &author.row, &note, &target).await
    }
}

/// A boost of a practice, or its adoption by a territory.
async fn announce_practice(ctx: &Received<'_>, announce: &Announce, p: &PracticeRow) -> AppResult<()> {
    let (state, signer) = (ctx.state(), ctx.signer);
    // Territories adopt (they are `Group`s); anyone else's Announce is a boost, whatever it carries.
    let note = announce.adoption_note.as_ref().filter(|_| signer.kind == "Group");
    if note.is_none() && p.origin_actor == signer.ap_id {
        // The practice's own territory announcing it (for Mastodon-API servers): no boost.
        return Ok(());
    }
    let act = if note.is_some() { Act::Adoption } else { Act::Reaction };
    state.flood.admit(act, &signer.ap_id, &signer.host)?;
    let name = signer.name.clone().or_else(|| signer.preferred_username.clone()).unwrap_or_default();
    let profile =
        remote_link(signer.url.as_deref(), state.config.allow_private_network).unwrap_or_else(|| signer.ap_id.clone());
    let id = announce.id.as_str();
    let mut change = Change::begin(state).await?;
    if !claim_received(change.conn(), id, &signer.ap_id, ctx.kind).await? {
        return Ok(());
    }
    match note {
        Some(note) => {
            let text: String = note.as_str().unwrap_or_default().chars().take(2000).collect();
            let adoption = NewAdoption {
                practice_id: p.id,
                adopter_actor: &signer.ap_id,
                adopter_name: &name,
                adopter_url: &profile,
                note: &text,
                activity_ap_id: id,
                local_territory_id: None,
            };
            conv::upsert_adoption(change.conn(), &adoption).await?;
            tracing::info!(practice = %p.ap_id, by = %signer.ap_id, "practice adopted");
        }
        None => {
            let on = Reacted::Practice(p.id, crate::domain::practice::Reaction::Share);
            reactions::add(change.conn(), on, &signer.ap_id, id).await?;
        }
    }
    change.commit().await
}
