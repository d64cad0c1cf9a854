//! The CLI and the server agree on who the instance is. The public URL is recorded in the
//! database at first start; every later process uses it: one that was not told a URL takes
//! the recorded one (`MAILLAGE_DATA_DIR=… maillage follow …` signs with the right ids), one
//! told another URL stops with an error rather than build ids that the server's key does not
//! vouch for (peers refuse them: the actor would not be on the signer's host). Moving an
//! instance is the explicit `maillage set-public-url URL --i-know-what-i-am-doing`
//! (docs/admin.md).

use url::Url;

use crate::{
    config::Config,
    error::{AppError, AppResult},
    storage::{Store, identity},
};

/// Whether a process with nothing recorded yet records its URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstStart {
    /// The server (and tests, benches): its URL becomes the instance's.
    Record,
    /// A command: records only a URL it was given, never the default.
    RecordIfGiven,
}

/// Makes `config.public_url` the instance's, or refuses a conflicting one.
pub async fn reconcile(store: &Store, config: &mut Config, first: FirstStart) -> AppResult<()> {
    let recorded = match store.recorded_public_url().await? {
        Some(r) => r,
        None if first == FirstStart::Record || config.public_url_given => {
            let mut tx = store.begin().await?;
            let r = identity::record_public_url(&mut tx, config.public_url.as_str()).await?;
            tx.commit().await?;
            if r == config.public_url.as_str() {
                tracing::info!(public_url = %r, "public URL recorded");
            }
            r
        }
        None => return Ok(()),
    };
    let recorded = Url::parse(&recorded).map_err(|e| AppError::Internal(format!("recorded public URL: {e}")))?;
    if recorded == config.public_url {
        return Ok(());
    }
    if !config.public_url_given {
        config.adopt_public_url(recorded);
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "this database belongs to the instance {recorded}, but the configured public URL is {given}: ids built \
         from it would be signed with this instance's keys and refused by every peer. Fix public_url \
         (maillage.toml, MAILLAGE_PUBLIC_URL or --public-url), or, to move the instance, run \
         `maillage set-public-url {given} --i-know-what-i-am-doing` (docs/admin.md)",
        given = config.public_url
    )))
}

/// The explicit move: records `url` as the instance's public URL. Returns the previous one.
pub async fn set_public_url(store: &Store, url: &str) -> AppResult<Option<String>> {
    let url = crate::config::parse_public_url(url).map_err(AppError::Unprocessable)?;
    let mut tx = store.begin().await?;
    let before = identity::replace_public_url(&mut tx, url.as_str(), "cli").await?;
    tx.commit().await?;
    tracing::info!(public_url = %url, "public URL changed");
    Ok(before)
}
