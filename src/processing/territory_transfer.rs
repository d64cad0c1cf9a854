//! A territory leaving for another instance (issue 15 point 9; docs/admin.md "Moving a
//! territory"): its rows exported into one file sealed with a passphrase, imported whole on the
//! new instance in one change, or not at all.

use serde::{Deserialize, Serialize};

use crate::{
    backup::sealed,
    domain::ids::TerritoryId,
    error::{AppError, AppResult},
    processing::unit::Change,
    state::AppState,
    storage::{
        self,
        territory_export::{self, IdMap, Rows, TABLES},
    },
};

/// Version of the export layout (not of the database schema).
pub const FORMAT: u32 = 1;

/// What an export holds (JSON, then sealed).
#[derive(Debug, Serialize, Deserialize)]
pub struct Bundle {
    pub format: u32,
    pub software_version: String,
    /// The last migration applied where it was written: a build that knows fewer refuses it.
    pub schema_version: i64,
    /// The old instance's base URL and the territory's actor there.
    pub source_base: String,
    pub source_actor: String,
    pub slug: String,
    pub created_at: String,
    /// Table name → its rows, in insertion order.
    pub tables: Vec<(String, Rows)>,
    /// Accepted followers' actor ids (they move with the `Move`, not with the file).
    pub followers: Vec<String>,
}

/// What an import did.
#[derive(Debug)]
pub struct Imported {
    pub slug: String,
    pub source_actor: String,
    /// Table → rows written.
    pub counts: Vec<(String, usize)>,
    pub followers: usize,
}

/// The territory `slug` as a sealed export.
pub async fn export(state: &AppState, slug: &str, passphrase: &str) -> AppResult<Vec<u8>> {
    let territory =
        state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))?;
    let schema_version = state.store.schema_version().await?;
    // One read transaction: the tables are read as of one moment.
    let mut tx = state.store.begin().await?;
    let mut tables = Vec::new();
    for table in TABLES {
        tables.push((table.name.to_string(), territory_export::rows_of(&mut tx, table, territory.id.0).await?));
    }
    let followers = territory_export::follower_ids(&mut tx, territory.id.0).await?;
    drop(tx);
    let bundle = Bundle {
        format: FORMAT,
        software_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version,
        source_base: state.urls.root().to_string(),
        source_actor: state.urls.territory(slug).to_string(),
        slug: slug.to_string(),
        created_at: chrono::Utc::now().to_rfc3339(),
        tables,
        followers,
    };
    let plain = serde_json::to_vec(&bundle).map_err(|e| AppError::Internal(format!("export: {e}")))?;
    sealed::seal(&plain, passphrase)
}

/// Opens a sealed export and checks that this build can read it; nothing is written.
pub fn open(sealed_file: &[u8], passphrase: &str) -> AppResult<Bundle> {
    let plain = sealed::open(sealed_file, passphrase)?;
    let bundle: Bundle =
        serde_json::from_slice(&plain).map_err(|e| AppError::BadRequest(format!("not a territory export: {e}")))?;
    if bundle.format != FORMAT {
        return Err(AppError::BadRequest(format!("export format {} is not {FORMAT}", bundle.format)));
    }
    Ok(bundle)
}

/// Imports a sealed export into this instance in one change: every row or none.
pub async fn import(state: &AppState, sealed_file: &[u8], passphrase: &str, by: &str) -> AppResult<Imported> {
    let bundle = open(sealed_file, passphrase)?;
    let ours = state.store.schema_version().await?;
    if bundle.schema_version > ours {
        return Err(AppError::BadRequest(format!(
            "the export comes from a newer schema (migration {}, this instance is at {ours}): upgrade Maillage first",
            bundle.schema_version
        )));
    }
    if state.store.territory_by_slug(&bundle.slug).await?.is_some() {
        return Err(AppError::Conflict(format!("a territory {} exists here already", bundle.slug)));
    }
    let old_base = bundle.source_base.clone();
    let new_base = state.urls.root().to_string();
    // The old instance's URLs in ids (`ap_id`...) become this instance's: the objects are
    // served from here now.
    let rewrite = move |column: &str, value: &str| -> String {
        match value.strip_prefix(old_base.as_str()) {
            Some(rest) if column.ends_with("ap_id") => format!("{new_base}{rest}"),
            _ => value.to_string(),
        }
    };
    let mut change = Change::begin(state).await?;
    let mut ids = IdMap::default();
    let mut counts = Vec::new();
    for table in TABLES {
        let Some((_, rows)) = bundle.tables.iter().find(|(name, _)| name == table.name) else {
            continue;
        };
        let n = territory_export::insert_rows(change.conn(), table, rows, &mut ids, &rewrite).await?;
        counts.push((table.name.to_string(), n));
    }
    let Some(territory_id) = ids.only("territories") else {
        return Err(AppError::BadRequest("the export holds no territory".into()));
    };
    // The new Group names the old one in `alsoKnownAs`: the old instance checks it before
    // sending its `Move`, and followers' servers check it before following here.
    storage::territories::add_also_known_as(change.conn(), TerritoryId(territory_id), &bundle.source_actor).await?;
    change.audit(by, "territory.import", &format!("territory {} from {}", bundle.slug, bundle.source_actor)).await?;
    change.commit().await?;
    Ok(Imported { slug: bundle.slug, source_actor: bundle.source_actor, counts, followers: bundle.followers.len() })
}
