//! `Announce` by a LitePub relay we follow (activityrelay, Pleroma relays): the relay names a
//! public object of another server. Nothing in it is trusted: the object is fetched from its
//! origin (its id must answer with itself, `fetch_object`), must be public, and its origin
//! territory is fetched and checked as for any practice (`practice::store_article`). The
//! territory is recorded as learned through the relay (`subscription_territories`), which makes
//! its later activities welcome too. Objects other than practices (`Article`) are ignored.
//! https://git.pleroma.social/pleroma/relay

use activitypub_federation::fetch::object_id::ObjectId;
use serde_json::Value;
use url::Url;

use super::{
    Received,
    conversation::{fetch_object, host_of},
    practice::{Claim, store_article},
};
use crate::{
    domain::territory::FollowState,
    error::{AppError, AppResult},
    federation::{
        objects::DbRemoteActor,
        protocol::{id_of, is_public},
    },
    processing::unit::Change,
    storage::subscriptions::{self as subs, SubscriptionRow},
};

/// The announced object `object_id`, as its origin serves it.
pub async fn receive(ctx: &Received<'_>, id: &str, object_id: &str, relay: &SubscriptionRow) -> AppResult<()> {
    let (data, signer) = (ctx.data, ctx.signer);
    if relay.state != FollowState::Accepted {
        tracing::info!(activity = id, relay = %signer.ap_id, "Announce from a relay not accepted yet: ignored");
        return Ok(());
    }
    let object = match fetch_object(data, object_id).await {
        Ok(o) => o,
        Err(AppError::Gone(_) | AppError::NotFound(_)) => {
            tracing::info!(activity = id, object = object_id, "relayed object gone: ignored");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let kind = object.get("type").and_then(Value::as_str).unwrap_or_default();
    if kind != "Article" || !is_public(&object, None) {
        tracing::info!(
            activity = id,
            object = object_id,
            kind,
            "relayed object that is not a public practice: ignored"
        );
        return Ok(());
    }
    // The origin territory: its `audience` (FEP-1b12), on the object's own host.
    let origin = object.get("audience").and_then(id_of).or_else(|| object.get("attributedTo").and_then(id_of));
    let Some(origin) = origin.filter(|o| host_of(o).is_some() && host_of(o) == host_of(object_id)) else {
        tracing::info!(activity = id, object = object_id, "relayed practice without an origin on its host: ignored");
        return Ok(());
    };
    let origin = ObjectId::<DbRemoteActor>::from(Url::parse(origin)?).dereference(data).await?;
    let mut change = Change::begin(data).await?;
    subs::record_learned(change.conn(), origin.row.id, signer.id).await?;
    change.commit().await?;
    let claim = Claim { id, actor: &signer.ap_id, kind: ctx.kind };
    let article = crate::federation::protocol::received_article::ArticleObject::from_value(&object)?;
    store_article(data, &article, &origin.row, Some(claim)).await?;
    Ok(())
}
