//! When a territory we follow accepts, its practices published before the follow are fetched
//! from its outbox (as Lemmy fetches a community's outbox on follow): the catalogue then holds
//! the territory's practices, not only those published afterwards. Each `Article` is fetched
//! again at its id, so it is the current version, and one deleted since is skipped. Outboxes
//! list `Create`s, or a group's `Announce`s of them (inline in the collection, as Lemmy reads).

use activitypub_federation::config::Data;
use serde_json::Value;

use super::{
    activities::{conversation::fetch_object, practice},
    protocol::id_of,
    signatures::host_header,
};
use crate::{error::AppResult, state::AppState, storage::actors::RemoteActorRow};

/// How many outbox items are looked at: the newest ones, one page or two.
const MAX_ITEMS: usize = 50;

fn same_host(id: &str, actor: &RemoteActorRow) -> bool {
    url::Url::parse(id).is_ok_and(|u| host_header(&u) == actor.host)
}

fn items(page: &Value) -> Vec<Value> {
    ["orderedItems", "items"].iter().find_map(|k| page.get(*k).and_then(Value::as_array)).cloned().unwrap_or_default()
}

/// The id of what an outbox item creates: `Create(object)`, or a group's `Announce` of one
/// (FEP-1b12, as Lemmy communities and Maillage territories list them).
fn created_object(item: &Value) -> Option<&str> {
    match item.get("type").and_then(Value::as_str) {
        Some("Create") => item.get("object").and_then(id_of),
        Some("Announce") => item
            .get("object")
            .filter(|o| o.get("type").and_then(Value::as_str) == Some("Create"))
            .and_then(|create| create.get("object"))
            .and_then(id_of),
        _ => None,
    }
}

/// Fetches the actor's recent practices; returns how many were stored.
pub async fn practices_of(data: &Data<AppState>, actor: &RemoteActorRow) -> AppResult<usize> {
    let actor_json = fetch_object(data, &actor.ap_id).await?;
    let Some(outbox) = actor_json.get("outbox").and_then(id_of).filter(|o| same_host(o, actor)) else {
        return Ok(0);
    };
    let outbox = fetch_object(data, outbox).await?;
    let mut found = items(&outbox);
    let mut next = match outbox.get("first") {
        Some(Value::Object(_)) => outbox.get("first").cloned().map(|first| {
            found.extend(items(&first));
            first.get("next").and_then(id_of).map(String::from)
        }),
        Some(first) => Some(id_of(first).map(String::from)),
        None => None,
    }
    .flatten();
    while found.len() < MAX_ITEMS
        && let Some(page_id) = next.take().filter(|p| same_host(p, actor))
    {
        let page = fetch_object(data, &page_id).await?;
        let before = found.len();
        found.extend(items(&page));
        if found.len() > before {
            next = page.get("next").and_then(id_of).map(String::from);
        }
    }
    let mut stored = 0;
    let mut seen = std::collections::HashSet::new();
    for item in found.iter().take(MAX_ITEMS) {
        let Some(object_id) = created_object(item).filter(|o| same_host(o, actor)) else { continue };
        if !seen.insert(object_id.to_string()) {
            continue;
        }
        // The current version, from its own id: gone (deleted, unpublished) means skipped.
        let Ok(object) = fetch_object(data, object_id).await else { continue };
        if super::protocol::inbound::is_article(&object) && id_of(&object) == Some(object_id) {
            let Ok(article) = super::protocol::received_article::ArticleObject::from_value(&object) else { continue };
            match practice::store_article(data, &article, actor, None).await {
                Ok(true) => stored += 1,
                Ok(false) => {}
                Err(e) => tracing::info!(object = object_id, error = %e, "practice not taken from the outbox"),
            }
        }
    }
    tracing::info!(actor = %actor.ap_id, stored, "practices fetched from a followed territory's outbox");
    Ok(stored)
}
