//! Authoring activities: each is stored and queued for delivery in the caller's transaction,
//! so a change and the activities it causes commit (or vanish) together. Changes call these
//! through `processing::unit::Change::queue`, which also wakes the delivery worker on commit.

use serde_json::Value;
use sqlx::AnyConnection;
use url::Url;

use crate::{
    domain::local_actor::LocalActor,
    error::AppResult,
    state::AppState,
    storage::{
        activities::{NewActivity, insert_activity},
        deliveries,
    },
};

/// A fresh id for an activity authored here: `/activities/<uuid>`.
pub fn new_activity_id(state: &AppState) -> Url {
    state.urls.activity(uuid::Uuid::new_v4())
}

/// Stores `json` (whose `id` and `type` it reads), authored and signed by `by`, and queues
/// one delivery per inbox; with `lease_until`, leases those that may go now to this process
/// (`deliveries::enqueue_leased`). Returns the activity's row id and the leased deliveries.
pub async fn queue(
    conn: &mut AnyConnection,
    by: LocalActor,
    json: &Value,
    public: bool,
    inboxes: &[String],
    lease_until: Option<i64>,
) -> AppResult<(i64, Vec<(i64, String, String)>)> {
    let ap_id = json.get("id").and_then(Value::as_str).unwrap_or_default();
    let kind = json.get("type").and_then(Value::as_str).unwrap_or_default();
    let object = json.get("object").and_then(super::protocol::id_of);
    let id = insert_activity(conn, &NewActivity { ap_id, by, kind, object_ap_id: object, json, public }).await?;
    // Activities about one object reach each inbox in order; an activity without object stands alone.
    let key = object.unwrap_or(ap_id);
    let leased = match lease_until {
        Some(until) => deliveries::enqueue_leased(conn, id, key, inboxes, until).await?,
        None => {
            deliveries::enqueue(conn, id, key, inboxes).await?;
            vec![]
        }
    };
    Ok((id, leased))
}
