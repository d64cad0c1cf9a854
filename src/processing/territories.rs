//! Creating and editing territories.

use crate::domain::local_actor::LocalActor;
use crate::{
    domain::territory::{ActivityDomain, Slug, parse_name, parse_perimeter, parse_summary},
    error::{AppError, AppResult},
    federation::{actors::territory_actor, keys::generate_rsa_keypair, outgoing, protocol},
    processing::unit::Change,
    state::AppState,
    storage::{
        self,
        territories::{TerritoryRow, TerritoryUpdate},
    },
};

/// Creates a territory, its audit entry with it (one change; nothing is federated: a new
/// territory has no followers). `by` names who did it, for the audit log.
pub async fn create(state: &AppState, slug: &str, name: &str, summary: &str, by: &str) -> AppResult<TerritoryRow> {
    let (slug, name, summary) = parse_new(slug, name, summary)?;
    let keys = new_keys().await?;
    let mut change = Change::begin(state).await?;
    let t = storage::territories::insert(change.conn(), &slug, &name, &summary, &keys).await?;
    change.audit(by, "territory.create", &format!("territory {}", t.slug)).await?;
    change.commit().await?;
    Ok(t)
}

fn parse_new(slug: &str, name: &str, summary: &str) -> AppResult<(Slug, String, String)> {
    let slug = Slug::parse(slug).map_err(AppError::Unprocessable)?;
    let name = parse_name(name).map_err(AppError::Unprocessable)?;
    let summary = parse_summary(summary).map_err(AppError::Unprocessable)?;
    Ok((slug, name, summary))
}

/// Key generation (aws-lc-rs) takes tens of milliseconds: kept off the async threads, and
/// before the change (no lock held while it runs).
async fn new_keys() -> AppResult<crate::domain::key_pair::KeyPairPem> {
    tokio::task::spawn_blocking(generate_rsa_keypair).await.map_err(AppError::internal)?
}

/// Creates the configured default territory on a fresh database, with the CCES charter so that
/// it can be signed at once, in one change (a no-op afterwards). Racing processes on one
/// database: the loser's insert fails on the unique slug, its change is rolled back, and that
/// is not an error.
pub async fn ensure_default(state: &AppState, slug: &Slug, name: &str) -> AppResult<()> {
    if state.store.count_territories().await? > 0 {
        return Ok(());
    }
    let summary = "Réseau territorial des Circuits Courts Économiques et Solidaires.";
    let (slug, name, summary) = parse_new(slug.as_str(), name, summary)?;
    let keys = new_keys().await?;
    let mut change = Change::begin(state).await?;
    let t = match storage::territories::insert(change.conn(), &slug, &name, &summary, &keys).await {
        Ok(t) => t,
        Err(AppError::Conflict(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    use crate::processing::signatures::{DEFAULT_CHARTER, DEFAULT_CHARTER_VERSION};
    storage::charters::insert(change.conn(), t.id, DEFAULT_CHARTER_VERSION, DEFAULT_CHARTER).await?;
    change.audit("maillage", "territory.create", &format!("territory {} (default)", t.slug)).await?;
    change.commit().await?;
    tracing::info!(slug = %t.slug, "default territory created");
    Ok(())
}

/// Changes a territory's settings and sends the new actor document to its followers
/// (`Update`), with its audit entry, in one change.
/// `by` names who did it, for the audit log (an account's email, "cli", a token's label).
pub async fn update(state: &AppState, slug: &str, mut update: TerritoryUpdate, by: &str) -> AppResult<TerritoryRow> {
    let store = &state.store;
    let t = store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    if let Some(n) = &update.name {
        update.name = Some(parse_name(n).map_err(AppError::Unprocessable)?);
    }
    if let Some(s) = &update.summary {
        update.summary = Some(parse_summary(s).map_err(AppError::Unprocessable)?);
    }
    if let Some(p) = &update.perimeter {
        update.perimeter = Some(parse_perimeter(p).map_err(AppError::Unprocessable)?);
    }
    if let Some(d) = &update.domains {
        update.domains = Some(ActivityDomain::parse_list(d.split(',')).map_err(AppError::Unprocessable)?);
    }
    let mut change = Change::begin(state).await?;
    let updated = update_in(&mut change, &t, &update, by).await?;
    change.commit().await?;
    Ok(updated)
}

/// The territory's new settings, the `Update` of its actor to its followers and the audit
/// entry, in `change`.
async fn update_in(
    change: &mut Change,
    t: &TerritoryRow,
    update: &TerritoryUpdate,
    by: &str,
) -> AppResult<TerritoryRow> {
    let updated = storage::territories::update_territory(change.conn(), t.id, update).await?;
    let inboxes = storage::follows::follower_inboxes_in(change.conn(), t.id).await?;
    let state = change.state().clone();
    let actor = territory_actor(&state, &updated);
    let object = serde_json::to_value(&actor)?;
    let activity =
        protocol::activities::update(&outgoing::new_activity_id(&state), &actor.id, &object, &actor.followers);
    change.queue(LocalActor::Territory(t.id), &activity, true, &inboxes).await?;
    change.audit(by, "territory.update", &format!("{}: {}", t.slug, describe(update))).await?;
    Ok(updated)
}

/// A new icon (already checked to be an image of `content_type`): stored, set, and sent to
/// followers in an `Update` of the actor, with the audit entries, in one change.
pub async fn set_icon(state: &AppState, slug: &str, content_type: &str, bytes: &[u8], by: &str) -> AppResult<()> {
    let t =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let mut change = Change::begin(state).await?;
    let media = storage::admin::insert_media(change.conn(), content_type, bytes).await?;
    storage::admin::set_territory_icon(change.conn(), t.id, media).await?;
    update_in(&mut change, &t, &TerritoryUpdate::default(), by).await?;
    change.audit(by, "territory.icon", &format!("{}: {} bytes", t.slug, bytes.len())).await?;
    change.commit().await
}

/// The instance's contact address and rules, with the audit entry `instance.update`.
pub async fn set_instance_settings(state: &AppState, contact: &str, rules: &str, by: &str) -> AppResult<()> {
    let mut change = Change::begin(state).await?;
    storage::admin::set_setting(change.conn(), "contact", contact).await?;
    storage::admin::set_setting(change.conn(), "rules", rules).await?;
    change.audit(by, "instance.update", "contact, rules").await?;
    change.commit().await
}

/// Which fields an update touched, for the audit log.
fn describe(u: &TerritoryUpdate) -> String {
    let mut parts = vec![];
    if let Some(n) = &u.name {
        parts.push(format!("name={n:?}"));
    }
    if u.summary.is_some() {
        parts.push("summary".into());
    }
    if u.perimeter.is_some() {
        parts.push("perimeter".into());
    }
    if let Some(d) = &u.domains {
        parts.push(format!("domains={d}"));
    }
    if let Some(m) = u.manually_approves_followers {
        parts.push(format!("manually_approves_followers={m}"));
    }
    if let Some(d) = u.discoverable {
        parts.push(format!("discoverable={d}"));
    }
    parts.join(", ")
}
