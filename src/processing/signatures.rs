//! The charter and its signatures: import, sign (double opt-in by mail), moderate.

use crate::{
    domain::{
        now_millis,
        signatory::{FieldErrors, NewSignature, SignatureInput},
    },
    error::{AppError, AppResult},
    mail::{Mail, send},
    security::{hash_token, new_token},
    state::AppState,
    storage::{signatories::CharterRow, territories::TerritoryRow},
    web::i18n::Tr,
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
    Ok(())
}
