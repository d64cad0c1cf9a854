//! A territory leaving for another instance (issue 15 point 9; docs/admin.md "Moving a
//! territory"): its rows and its uploaded media (icon, announcements' images) exported into one
//! file sealed with a passphrase, imported whole on the new instance in one change, or not at
//! all.

use base64::{Engine, engine::general_purpose::STANDARD};
use serde::{Deserialize, Serialize};

use crate::{
    backup::sealed,
    domain::ids::TerritoryId,
    error::{AppError, AppResult},
    processing::{media, unit::Change},
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
    /// The territory's icon (its `name` empty: it is a `media` row). Absent from exports written
    /// before media travelled: they still import, without it.
    #[serde(default)]
    pub icon: Option<MediaFile>,
    /// The announcements' images (files under `<data_dir>/media`), by file name.
    #[serde(default)]
    pub media: Vec<MediaFile>,
}

/// An uploaded file travelling with the territory.
#[derive(Debug, Serialize, Deserialize)]
pub struct MediaFile {
    pub name: String,
    pub content_type: String,
    /// The bytes, base64 (standard alphabet).
    pub base64: String,
}

/// The image files the exported announcements name, read from the media folder; a name whose
/// file is missing (already broken on this instance) is left out.
async fn announcement_images(state: &AppState, tables: &[(String, Rows)]) -> AppResult<Vec<MediaFile>> {
    let mut out: Vec<MediaFile> = Vec::new();
    let rows = tables.iter().filter(|(name, _)| name == "announcements").flat_map(|(_, rows)| rows);
    for row in rows {
        let text = |k: &str| match row.get(k) {
            Some(territory_export::Cell::Text(t)) => t.clone(),
            _ => String::new(),
        };
        let name = text("image_name");
        if name.is_empty() || out.iter().any(|m| m.name == name) {
            continue;
        }
        let Some(path) = media::path_of(&state.config.data_dir, &name) else { continue };
        match tokio::fs::read(&path).await {
            Ok(bytes) => out.push(MediaFile { name, content_type: text("image_type"), base64: STANDARD.encode(bytes) }),
            Err(e) => tracing::warn!(file = %path.display(), error = %e, "announcement image missing: not exported"),
        }
    }
    Ok(out)
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
    let icon = territory_export::icon_of(&mut tx, territory.id.0).await?;
    drop(tx);
    let media = announcement_images(state, &tables).await?;
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
        icon: icon.map(|(content_type, bytes)| MediaFile {
            name: String::new(),
            content_type,
            base64: STANDARD.encode(bytes),
        }),
        media,
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
    let decode = |m: &MediaFile| {
        STANDARD.decode(&m.base64).map_err(|e| AppError::BadRequest(format!("media {}: not base64: {e}", m.name)))
    };
    // Files first (as an upload does): a file no row names is harmless, a row naming no file
    // is not. Every file is checked before any is written.
    let files = bundle.media.iter().map(|m| Ok((m.name.as_str(), decode(m)?))).collect::<AppResult<Vec<_>>>()?;
    let icon = bundle.icon.as_ref().map(|m| Ok::<_, AppError>((m.content_type.as_str(), decode(m)?))).transpose()?;
    for (name, bytes) in &files {
        media::store_file(&state.config.data_dir, name, bytes).await?;
    }
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
    if let Some((content_type, bytes)) = icon {
        let media_id = storage::admin::insert_media(change.conn(), content_type, &bytes).await?;
        storage::admin::set_territory_icon(change.conn(), TerritoryId(territory_id), media_id).await?;
    }
    counts.push(("media".to_string(), files.len() + usize::from(bundle.icon.is_some())));
    change.audit(by, "territory.import", &format!("territory {} from {}", bundle.slug, bundle.source_actor)).await?;
    change.commit().await?;
    Ok(Imported { slug: bundle.slug, source_actor: bundle.source_actor, counts, followers: bundle.followers.len() })
}
