//! `Update` of an actor by itself: refresh our copy (new name, new key, new inbox).
//! Updates of other objects arrive with the content features that keep them.

use activitypub_federation::{config::Data, traits::Object as _};

use crate::{
    error::{AppError, AppResult},
    federation::{
        objects::{DbRemoteActor, new_remote_actor},
        protocol::{activities::Envelope, actor::RemoteActorJson, id_of},
    },
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::{RemoteActorRow, upsert_remote_actor},
    },
};

pub async fn receive(data: &Data<AppState>, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    if id_of(&env.object) != Some(signer.ap_id.as_str()) || !env.object.is_object() {
        tracing::info!(activity = %env.id, "Update of an object we do not keep: ignored");
        return Ok(());
    }
    let json: RemoteActorJson = serde_json::from_value(env.object.clone())
        .map_err(|e| AppError::BadRequest(format!("Update: not an actor: {e}")))?;
    let expected = url::Url::parse(&signer.ap_id)?;
    DbRemoteActor::verify(&json, &expected, data).await?;
    let new = new_remote_actor(&json)?;
    // The activity id is claimed in the transaction that applies it: a redelivery finds it
    // claimed and changes nothing; a failure leaves neither.
    let mut change = Change::begin(data).await?;
    if !claim_received(change.conn(), env.id.as_str(), &signer.ap_id, "Update").await? {
        return Ok(());
    }
    upsert_remote_actor(change.conn(), &new).await?;
    change.commit().await?;
    tracing::info!(actor = %signer.ap_id, "remote actor updated");
    Ok(())
}
