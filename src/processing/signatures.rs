//! The charter and its signatures: import, sign (double opt-in by mail), moderate.

use crate::{
    domain::{
        now_millis,
        signatory::{FieldErrors, NewSignature, SignatureInput},
    },
    error::{AppError, AppResult},
    federation::{
        outgoing,
        protocol::activities::{create_note, delete},
    },
    mail::{Mail, send},
    security::{hash_token, new_token},
    state::AppState,
    storage::{
        signatories::{CharterRow, SignatoryPrivate},
        territories::TerritoryRow,
    },
    web::i18n::{Lang, Tr},
};

/// At most this many signatures per client address and hour.
const MAX_SIGNATURES_PER_HOUR: i64 = 10;

async fn territory(state: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

pub async fn import_charter(
    state: &AppState,
    slug: &str,
    markdown: &str,
    version: &str,
    by: &str,
) -> AppResult<CharterRow> {
    let version = version.trim();
    if version.is_empty()
        || version.len() > 50
        || !version.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(AppError::Unprocessable("a version label has 1 to 50 letters, digits, '.', '_' or '-'".into()));
    }
    if markdown.trim().is_empty() || markdown.len() > 200_000 {
        return Err(AppError::Unprocessable("the charter text is empty or too long".into()));
    }
    let t = territory(state, slug).await?;
    let c = state.store.insert_charter(t.id, version, markdown).await?;
    state.store.audit(by, "charter.import", &format!("{slug}: version {version}")).await?;
    Ok(c)
}

/// Why a signature was not taken.
#[derive(Debug)]
pub enum SignError {
    Fields(FieldErrors),
    TooMany,
    App(AppError),
}

impl From<AppError> for SignError {
    fn from(e: AppError) -> Self {
        SignError::App(e)
    }
}

/// Takes a signature: checks it, stores it unconfirmed and mails the confirmation link (and
/// the private management link). Returns the id (0 for a honeypot hit: accepted, dropped).
pub async fn submit(
    state: &AppState,
    slug: &str,
    input: &SignatureInput,
    client: &str,
    tr: Tr,
) -> Result<i64, SignError> {
    if !input.nickname.is_empty() {
        tracing::info!("signature honeypot filled: dropped");
        return Ok(0);
    }
    let key = vec![format!("sign:{client}")];
    if state.store.login_failures_since(&key, now_millis() - 3_600_000).await? >= MAX_SIGNATURES_PER_HOUR {
        return Err(SignError::TooMany);
    }
    let t = territory(state, slug).await?;
    let charter = state
        .store
        .current_charter(t.id)
        .await?
        .ok_or_else(|| AppError::Conflict("this territory has no charter yet".into()))?;
    let sig = NewSignature::parse(input, &charter.version).map_err(SignError::Fields)?;
    let (confirm, manage) = (new_token()?, new_token()?);
    let hours = state.config.signature_confirm_hours;
    let id = match state
        .store
        .insert_signature(
            t.id,
            charter.id,
            &sig,
            &hash_token(&confirm),
            now_millis() + hours * 3_600_000,
            &hash_token(&manage),
        )
        .await
    {
        Ok(id) => id,
        Err(AppError::Conflict(_)) => return Err(SignError::Fields(vec![("email", "email-taken")])),
        Err(e) => return Err(e.into()),
    };
    state.store.record_login_failure(&key).await?;
    let mut confirm_url = state.config.url("/signature/confirm");
    confirm_url.set_query(Some(&format!("token={confirm}")));
    let mut manage_url = state.config.url("/signature/manage");
    manage_url.set_query(Some(&format!("token={manage}")));
    let body = tr.t_args(
        "confirm-mail-body",
        &[("hours", &hours.to_string()), ("confirm", confirm_url.as_str()), ("manage", manage_url.as_str())],
    );
    send(state, Mail { to: &sig.email, subject: &tr.t("confirm-mail-subject"), body: &body }).await?;
    tracing::info!(signature = id, territory = %slug, kind = sig.kind.code(), "signature received, awaiting confirmation");
    Ok(id)
}

/// Applies an edit of a signature (by the signer, or an admin on request): the kind and the
/// charter signed do not change, consent was given at signing.
pub async fn edit(
    state: &AppState,
    s: &SignatoryPrivate,
    mut input: SignatureInput,
    version: &str,
) -> Result<(), SignError> {
    input.kind = s.kind.clone();
    input.charter_version = version.to_string();
    input.consent = true;
    let new = NewSignature::parse(&input, version).map_err(SignError::Fields)?;
    match state.store.update_signature(s.id, &new).await {
        Ok(()) => Ok(()),
        Err(AppError::Conflict(_)) => Err(SignError::Fields(vec![("email", "email-taken")])),
        Err(e) => Err(e.into()),
    }
}

pub async fn confirm(state: &AppState, token: &str) -> AppResult<bool> {
    let id = state.store.confirm_signature(&hash_token(token)).await?;
    if let Some(id) = id {
        tracing::info!(signature = id, "signature confirmed");
    }
    Ok(id.is_some())
}

/// Approves or rejects a confirmed signature and tells the signer. The audit log records the
/// decision by id, without personal data.
pub async fn decide(state: &AppState, id: i64, approve: bool, reason: &str, by: &str, tr: Tr) -> AppResult<()> {
    let reason = reason.trim();
    if !approve && (reason.is_empty() || reason.chars().count() > 1000) {
        return Err(AppError::Unprocessable("reason: a refusal needs a reason (at most 1000 characters)".into()));
    }
    let s = state.store.signatory_private(id).await?.ok_or_else(|| AppError::NotFound(format!("signature {id}")))?;
    if !state.store.decide_signature(id, approve, (!approve).then_some(reason)).await? {
        return Err(AppError::Conflict(format!("signature {id} is not waiting for a decision ({})", s.status)));
    }
    if let Some(email) = &s.email {
        let (subject, body) = if approve {
            (tr.t("approved-mail-subject"), tr.t("approved-mail-body"))
        } else {
            (tr.t("rejected-mail-subject"), tr.t_with("rejected-mail-body", "reason", reason))
        };
        send(state, Mail { to: email, subject: &subject, body: &body }).await?;
    }
    let what = if approve { "signature.approve" } else { "signature.reject" };
    state.store.audit(by, what, &format!("signature #{id} ({})", s.kind)).await?;
    if approve && s.listed != 0 {
        // Listed signatories become fediverse actors with their own keys.
        let keys = tokio::task::spawn_blocking(crate::federation::keys::generate_rsa_keypair)
            .await
            .map_err(AppError::internal)??;
        state.store.set_signatory_keys(id, &keys.public_key_pem, &keys.private_key_pem).await?;
        welcome(state, &s).await?;
    }
    Ok(())
}

/// The territory welcomes a listed signatory with a public Note to its followers (a territory
/// setting, on by default). Unlisted signatories are never named in public.
async fn welcome(state: &AppState, s: &SignatoryPrivate) -> AppResult<()> {
    let Some(t) = state.store.territory_by_id(s.territory_id).await?.filter(|t| t.welcome_notes.0) else {
        return Ok(());
    };
    let actor = state.territory_id_url(&t.slug);
    let followers = state.config.url(&format!("/t/{}/followers", t.slug));
    let note_id = state.config.url(&format!("/notes/{}", uuid::Uuid::new_v4()));
    let directory = state.config.url(&format!("/t/{}/signataires", t.slug));
    let tr = Tr::new(Lang::Fr);
    let text = tr.t_args("welcome-note", &[("name", &s.name), ("commune", &s.commune)]);
    let html = format!(
        "<p>{}</p><p><a href=\"{directory}\">{}</a></p>",
        crate::federation::actors::escape_html(&text),
        crate::federation::actors::escape_html(&tr.t("directory-title"))
    );
    let published = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let activity =
        create_note(&outgoing::new_activity_id(state), &note_id, &actor, &followers, &html, &directory, &published);
    let inboxes = state.store.follower_inboxes(t.id).await?;
    let mut tx = state.store.begin().await?;
    outgoing::queue(&mut tx, Some(t.id), &activity, true, &inboxes).await?;
    tx.commit().await?;
    state.store.set_welcome_note(s.id, note_id.as_str()).await?;
    state.delivery_notify.notify_one();
    Ok(())
}

/// Withdrawal (by the signer, or by an admin on request): personal data erased, the welcome
/// Note retracted with a federated `Delete`. The audit log records the id only.
pub async fn withdraw(state: &AppState, id: i64, by: &str) -> AppResult<()> {
    let s = state.store.signatory_private(id).await?.ok_or_else(|| AppError::NotFound(format!("signature {id}")))?;
    let was_actor = state.store.signatory_actor(id).await?.is_some_and(|a| a.is_public());
    // Followers of the actor, read before the withdrawal erases the relation's meaning.
    let actor_inboxes = if was_actor { state.store.signatory_follower_inboxes(id).await? } else { vec![] };
    let Some(note) = state.store.withdraw_signature(id).await? else {
        return Err(AppError::Conflict(format!("signature {id} is already withdrawn")));
    };
    if was_actor && let Some(t) = state.store.territory_by_id(s.territory_id).await? {
        // The actor deletes itself: remote servers drop their copy (its URL now answers 410).
        let actor = state.config.url(&format!("/s/{id}"));
        let mut inboxes = actor_inboxes;
        inboxes.extend(state.store.follower_inboxes(t.id).await?);
        inboxes.sort();
        inboxes.dedup();
        let activity = crate::federation::protocol::activities::delete_actor(&outgoing::new_activity_id(state), &actor);
        let mut tx = state.store.begin().await?;
        outgoing::queue_signed_by(&mut tx, Some(t.id), Some(id), &activity, false, &inboxes).await?;
        tx.commit().await?;
    }
    if let (Some(note), Some(t)) = (note, state.store.territory_by_id(s.territory_id).await?) {
        let actor = state.territory_id_url(&t.slug);
        let followers = state.config.url(&format!("/t/{}/followers", t.slug));
        let note_url = url::Url::parse(&note)?;
        let activity = delete(&outgoing::new_activity_id(state), &actor, &note_url, &followers);
        let inboxes = state.store.follower_inboxes(t.id).await?;
        let mut tx = state.store.begin().await?;
        crate::storage::activities::retract_public(&mut tx, &note).await?;
        outgoing::queue(&mut tx, Some(t.id), &activity, false, &inboxes).await?;
        tx.commit().await?;
        state.delivery_notify.notify_one();
    }
    state.store.audit(by, "signature.withdraw", &format!("signature #{id}")).await?;
    tracing::info!(signature = id, "signature withdrawn, personal data erased");
    Ok(())
}
