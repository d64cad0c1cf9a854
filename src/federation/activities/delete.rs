//! `Delete` of a practice, of a comment, or of the signer itself (then forgotten with its
//! follows); of anything else, acknowledged and ignored.
//! https://www.w3.org/TR/activitypub/#delete-activity-inbox

use activitypub_federation::config::Data;

use super::{conversation, practice};
use crate::{
    error::AppResult,
    federation::protocol::{activities::Envelope, id_of},
    processing::unit::Change,
    state::AppState,
    storage::{
        activities::claim_received,
        actors::{RemoteActorRow, delete_remote_actor_in},
    },
};

pub async fn receive(state: &Data<AppState>, env: &Envelope, signer: &RemoteActorRow) -> AppResult<()> {
    if practice::receive_delete(state, env, signer).await? || conversation::receive_delete(state, env, signer).await? {
        return Ok(());
    }
    if id_of(&env.object) == Some(signer.ap_id.as_str()) {
        // Claimed in the change that forgets the actor, as every other effect of an activity.
        let mut change = Change::begin(state).await?;
        if claim_received(change.conn(), env.id.as_str(), &signer.ap_id, "Delete").await? {
            delete_remote_actor_in(change.conn(), &signer.ap_id).await?;
            change.commit().await?;
            tracing::info!(actor = %signer.ap_id, "remote actor deleted");
        }
    } else {
        tracing::info!(activity = %env.id, actor = %signer.ap_id, "Delete of nothing we keep: ignored");
    }
    Ok(())
}
