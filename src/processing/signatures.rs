//! The charter and its signatures: import, sign (double opt-in by mail), moderate.

use super::unit::Change;
use crate::domain::ids::{SignatoryId, TerritoryId};
use crate::domain::local_actor::LocalActor;
use crate::{
    domain::{
        now_millis,
        signatory::{FieldErrors, NewSignature, SignatureInput, Status},
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
        signatories::{CharterRow, SignatoryPrivate, update_signature},
        territories::TerritoryRow,
    },
    text::i18n::{Lang, Tr},
};

/// The CCES charter as a web page (headings, without the paper form's last lines): what a new
/// instance's territory shows until its team imports another version.
pub const DEFAULT_CHARTER: &str = include_str!("../../seed/charte-cces-web.md");
pub const DEFAULT_CHARTER_VERSION: &str = "1";

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
    let mut change = Change::begin(state).await?;
    let c = crate::storage::charters::insert(change.conn(), t.id, version, markdown).await?;
    change.audit(by, "charter.import", &format!("{slug}: version {version}")).await?;
    change.commit().await?;
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
/// the private management link).
///
/// The answer never tells whether the address already signed (that would let anyone test who
/// signed the charter): for a known address nothing is stored and its owner is mailed a fresh
/// management link instead (and a fresh confirmation link if it never confirmed). Every
/// attempt counts against the per-address limit, so that nobody can use the form to send
/// mail to an address in bulk. A honeypot hit is accepted and dropped.
pub async fn submit(
    state: &AppState,
    slug: &str,
    input: &SignatureInput,
    client: &str,
    tr: Tr,
) -> Result<(), SignError> {
    let key = vec![format!("sign:{client}")];
    if state.store.login_failures_since(&key, now_millis() - 3_600_000).await? >= MAX_SIGNATURES_PER_HOUR {
        return Err(SignError::TooMany);
    }
    state.store.record_login_failure(&key).await?;
    if !input.nickname.is_empty() {
        tracing::info!("signature honeypot filled: dropped");
        return Ok(());
    }
    let t = territory(state, slug).await?;
    let charter = state
        .store
        .current_charter(t.id)
        .await?
        .ok_or_else(|| AppError::Conflict("this territory has no charter yet".into()))?;
    let sig = NewSignature::parse(input, &charter.version).map_err(SignError::Fields)?;
    // An unconfirmed signature past its deadline never was one: the address may sign afresh.
    state.store.expire_unconfirmed().await?;
    if let Some((id, status)) = state.store.signature_by_email(t.id, &sig.email).await? {
        return Ok(already_signed(state, id, status, (&sig.email, &t.name, &charter.version), tr).await?);
    }
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
        // Signed at the same instant by another request: the same answer as above.
        Err(AppError::Conflict(_)) => match state.store.signature_by_email(t.id, &sig.email).await? {
            Some((id, status)) => {
                return Ok(already_signed(state, id, status, (&sig.email, &t.name, &charter.version), tr).await?);
            }
            None => return Err(AppError::Conflict("signature changed meanwhile, try again".into()).into()),
        },
        Err(e) => return Err(e.into()),
    };
    let body = tr.t_args(
        "confirm-mail-body",
        &[
            ("hours", &hours.to_string()),
            ("confirm", &confirm_url(state, &confirm)),
            ("manage", &manage_url(state, &manage)),
            ("territory", &t.name),
            ("version", &charter.version),
        ],
    );
    let subject = tr.t_with("confirm-mail-subject", "territory", &t.name);
    send(state, Mail { to: &sig.email, subject: &subject, body: &body }).await?;
    tracing::info!(signature = %id, territory = %slug, kind = sig.kind.as_str(), "signature received, awaiting confirmation");
    Ok(())
}

fn confirm_url(state: &AppState, token: &str) -> String {
    let mut url = state.urls.signature_link("confirm");
    url.set_query(Some(&format!("token={token}")));
    url.to_string()
}

fn manage_url(state: &AppState, token: &str) -> String {
    let mut url = state.urls.signature_link("manage");
    url.set_query(Some(&format!("token={token}")));
    url.to_string()
}

/// Someone signed with an address that already has a signature: its owner gets a new private
/// management link (the earlier ones keep working), and a new confirmation link if the
/// signature still waits for one. Nothing else changes. The mail names the territory and the
/// charter signed: one address may sign in several territories.
async fn already_signed(
    state: &AppState,
    id: SignatoryId,
    status: Status,
    (email, territory, version): (&str, &str, &str),
    tr: Tr,
) -> AppResult<()> {
    let manage = new_token()?;
    state.store.add_signature_link(id, "manage", &hash_token(&manage)).await?;
    let (subject, body) = if status == Status::Unconfirmed {
        let confirm = new_token()?;
        state.store.add_signature_link(id, "confirm", &hash_token(&confirm)).await?;
        let (hours, confirm, manage) = (
            state.config.signature_confirm_hours.to_string(),
            confirm_url(state, &confirm),
            manage_url(state, &manage),
        );
        let args = [
            ("hours", hours.as_str()),
            ("confirm", confirm.as_str()),
            ("manage", manage.as_str()),
            ("territory", territory),
            ("version", version),
        ];
        (tr.t_with("confirm-mail-subject", "territory", territory), tr.t_args("confirm-mail-body", &args))
    } else {
        let manage = manage_url(state, &manage);
        (
            tr.t_with("already-signed-mail-subject", "territory", territory),
            tr.t_args("already-signed-mail-body", &[("manage", manage.as_str()), ("territory", territory)]),
        )
    };
    send(state, Mail { to: email, subject: &subject, body: &body }).await?;
    tracing::info!(signature = %id, "signature attempt with an address that already signed: its owner was mailed");
    Ok(())
}

/// Applies an edit of a signature (by the signer, or an admin on request): the kind and the
/// charter signed do not change, consent was given at signing.
///
/// Switching a published signature to unlisted retracts what was public about it, in the
/// edit's transaction: the welcome `Note` and the signatory's actor are deleted (`Delete`s to
/// whoever may hold a copy); `/notes/{id}` and `/s/{id}` then answer 410.
pub async fn edit(
    state: &AppState,
    s: &SignatoryPrivate,
    input: SignatureInput,
    version: &str,
    by: &str,
) -> Result<(), SignError> {
    apply_edit(state, s, input, version, None, Some(by)).await.map(|_| ())
}

/// The signer's own edit, on the private page: as [`edit`], but a new address is not applied
/// (nor refused) at once. The new address receives a link that applies it, or, when it already
/// signed here, its own management link (as when someone signs again with it): the page says the
/// same either way, so it never tells whether an address already signed (issue 10). True when
/// a change of address waits for its link.
pub async fn edit_by_signer(
    state: &AppState,
    s: &SignatoryPrivate,
    input: SignatureInput,
    version: &str,
    tr: Tr,
) -> Result<bool, SignError> {
    apply_edit(state, s, input, version, Some(tr), None).await
}

async fn apply_edit(
    state: &AppState,
    s: &SignatoryPrivate,
    mut input: SignatureInput,
    version: &str,
    confirm_new_address: Option<Tr>,
    by: Option<&str>,
) -> Result<bool, SignError> {
    input.kind = s.kind.as_str().to_string();
    input.charter_version = version.to_string();
    input.consent = true;
    let mut new = NewSignature::parse(&input, version).map_err(SignError::Fields)?;
    let current = s.email.clone().unwrap_or_default();
    // A new address waits for its owner: everything else of the edit applies now.
    let pending = match confirm_new_address {
        Some(tr) if !new.email.eq_ignore_ascii_case(&current) => {
            Some((std::mem::replace(&mut new.email, current), new_token()?, tr))
        }
        _ => None,
    };
    let unlisting = s.status == Status::Approved && s.listed != 0 && !new.listed;
    let retraction = if unlisting { public_traces(state, s.id).await? } else { None };
    let mut change = Change::begin(state).await?;
    match update_signature(change.conn(), s.id, &new).await {
        Ok(()) => {}
        Err(AppError::Conflict(_)) => return Err(SignError::Fields(vec![("email", "email-taken")])),
        Err(e) => return Err(e.into()),
    }
    if let Some((address, token, _)) = &pending {
        crate::storage::signature_changes::add_email_link(change.conn(), s.id, &hash_token(token), address).await?;
    }
    if let Some(r) = &retraction {
        r.queue(&mut change).await?;
    }
    if let Some(by) = by {
        change.audit(by, "signature.edit", &format!("signature #{}", s.id)).await?;
    }
    change.commit().await?;
    if retraction.is_some() {
        tracing::info!(signature = %s.id, "signatory unlisted: welcome note and actor retracted");
    }
    if let Some((address, token, tr)) = &pending {
        mail_new_address(state, s, address, token, *tr).await?;
    }
    Ok(pending.is_some())
}

/// How long a change-of-address link stays valid.
pub const EMAIL_LINK_HOURS: i64 = 48;

/// Mails the new address its link, or, if it already signed in this territory, that
/// signature's own links (what signing again with it would send).
async fn mail_new_address(state: &AppState, s: &SignatoryPrivate, address: &str, token: &str, tr: Tr) -> AppResult<()> {
    let t = state.store.territory_by_id(s.territory_id).await?;
    let territory = t.map(|t| t.name).unwrap_or_default();
    let version = state.store.charter_version(s.charter_id).await?.unwrap_or_default();
    if let Some((id, status)) = state.store.signature_by_email(s.territory_id, address).await? {
        return already_signed(state, id, status, (address, &territory, &version), tr).await;
    }
    let mut link = state.urls.signature_link("email");
    link.set_query(Some(&format!("token={token}")));
    let hours = EMAIL_LINK_HOURS.to_string();
    let args = [("territory", territory.as_str()), ("link", link.as_str()), ("hours", hours.as_str())];
    let (subject, body) =
        (tr.t_with("email-change-mail-subject", "territory", &territory), tr.t_args("email-change-mail-body", &args));
    send(state, Mail { to: address, subject: &subject, body: &body }).await
}

/// The owner of a new address opened its link: the signature takes the address, in one
/// transaction with the link's use. `Ok(false)` for an unknown or expired link; `Conflict` when
/// the address signed here in the meantime.
pub async fn confirm_new_address(state: &AppState, token: &str) -> AppResult<bool> {
    let mut change = Change::begin(state).await?;
    let max_age = EMAIL_LINK_HOURS * 3_600_000;
    let Some((id, address)) =
        crate::storage::signature_changes::take_email_link(change.conn(), &hash_token(token), max_age).await?
    else {
        return Ok(false);
    };
    if !crate::storage::signature_changes::set_signature_email(change.conn(), id, &address).await? {
        return Ok(false);
    }
    change.audit("signer", "signature.email", &format!("signature #{id}")).await?;
    change.commit().await?;
    tracing::info!(signature = %id, "signature's address changed");
    Ok(true)
}

/// What a listed signatory has in public, and the activities that retract it.
struct Retraction {
    signatory_id: SignatoryId,
    territory_id: TerritoryId,
    /// The welcome Note's id and its `Delete` (by the territory, to its followers).
    note: Option<(String, serde_json::Value, Vec<String>)>,
    /// The actor's own `Delete`, to its followers and the territory's.
    actor: Option<(serde_json::Value, Vec<String>)>,
}

impl Retraction {
    async fn queue(&self, change: &mut Change) -> AppResult<()> {
        if let Some((note, activity, inboxes)) = &self.note {
            crate::storage::activities::retract_public(change.conn(), note).await?;
            crate::storage::signatories::clear_welcome_note(change.conn(), self.signatory_id).await?;
            change.queue(LocalActor::Territory(self.territory_id), activity, false, inboxes).await?;
        }
        if let Some((activity, inboxes)) = &self.actor {
            let by = LocalActor::Signatory { territory: self.territory_id, id: self.signatory_id };
            change.queue(by, activity, false, inboxes).await?;
        }
        Ok(())
    }
}

/// The retraction of signatory `id`'s public traces (none when it has none).
async fn public_traces(state: &AppState, id: SignatoryId) -> AppResult<Option<Retraction>> {
    let Some(s) = state.store.signatory_private(id).await? else { return Ok(None) };
    let Some(t) = state.store.territory_by_id(s.territory_id).await? else { return Ok(None) };
    let territory_inboxes = state.store.follower_inboxes(t.id).await?;
    let note = match &s.welcome_note_ap_id {
        Some(note) => {
            let actor = state.urls.territory(&t.slug);
            let followers = state.urls.territory_collection(&t.slug, "followers");
            let activity = delete(&outgoing::new_activity_id(state), &actor, &url::Url::parse(note)?, &followers);
            Some((note.clone(), activity, territory_inboxes.clone()))
        }
        None => None,
    };
    let actor = if state.store.signatory_actor(id).await?.is_some_and(|a| a.is_public()) {
        let url = state.urls.signatory(id);
        let mut inboxes = state.store.signatory_follower_inboxes(id).await?;
        inboxes.extend(territory_inboxes);
        inboxes.sort();
        inboxes.dedup();
        Some((crate::federation::protocol::activities::delete_actor(&outgoing::new_activity_id(state), &url), inboxes))
    } else {
        None
    };
    Ok((note.is_some() || actor.is_some()).then_some(Retraction { signatory_id: id, territory_id: t.id, note, actor }))
}

pub async fn confirm(state: &AppState, token: &str) -> AppResult<bool> {
    let id = state.store.confirm_signature(&hash_token(token)).await?;
    if let Some(id) = id {
        tracing::info!(signature = %id, "signature confirmed");
        super::moderation::signature_waiting(state, id).await;
    }
    Ok(id.is_some())
}

/// Approves or rejects a confirmed signature and tells the signer. One change: the decision,
/// the audit entry (by id, without personal data) and, for a listed signatory, its actor's keys,
/// the welcome `Note`'s `Create` and the Note's id (so that it can always be retracted). The
/// signer is mailed after the commit.
pub async fn decide(state: &AppState, id: SignatoryId, approve: bool, reason: &str, by: &str, tr: Tr) -> AppResult<()> {
    use crate::storage::signature_changes;
    let reason = reason.trim();
    if !approve && (reason.is_empty() || reason.chars().count() > 1000) {
        return Err(AppError::Unprocessable("reason: a refusal needs a reason (at most 1000 characters)".into()));
    }
    let s = state.store.signatory_private(id).await?.ok_or_else(|| AppError::NotFound(format!("signature {id}")))?;
    let t = state.store.territory_by_id(s.territory_id).await?;
    // Work outside the transaction: the keys (seconds of CPU) and what the welcome Note needs.
    let listed = approve && s.listed != 0;
    let keys = if listed {
        Some(
            tokio::task::spawn_blocking(crate::federation::keys::generate_rsa_keypair)
                .await
                .map_err(AppError::internal)??,
        )
    } else {
        None
    };
    let welcome = match &t {
        Some(t) if listed && t.welcome_notes.0 => Some(welcome_note(state, &s, t).await?),
        _ => None,
    };
    let mut change = Change::begin(state).await?;
    if !signature_changes::decide(change.conn(), id, approve, (!approve).then_some(reason)).await? {
        return Err(AppError::Conflict(format!("signature {id} is not waiting for a decision ({})", s.status)));
    }
    if let Some(keys) = &keys {
        signature_changes::set_keys(change.conn(), id, &keys.public_key_pem, &keys.private_key_pem).await?;
    }
    if let Some((note_id, activity, inboxes)) = &welcome {
        change.queue(LocalActor::Territory(s.territory_id), activity, true, inboxes).await?;
        signature_changes::set_welcome_note(change.conn(), id, note_id).await?;
    }
    let what = if approve { "signature.approve" } else { "signature.reject" };
    change.audit(by, what, &format!("signature #{id} ({})", s.kind)).await?;
    change.commit().await?;
    if let Some(email) = &s.email {
        // The mail names the territory and, once accepted, links to its directory.
        let (name, slug) = t.map(|t| (t.name, t.slug)).unwrap_or_default();
        let directory = state.urls.signatory_directory(&slug).to_string();
        let (subject, body) = if approve {
            (
                tr.t_with("approved-mail-subject", "territory", &name),
                tr.t_args("approved-mail-body", &[("territory", &name), ("directory", &directory)]),
            )
        } else {
            (
                tr.t_with("rejected-mail-subject", "territory", &name),
                tr.t_args("rejected-mail-body", &[("territory", &name), ("reason", reason)]),
            )
        };
        send(state, Mail { to: email, subject: &subject, body: &body }).await?;
    }
    Ok(())
}

/// The territory's welcome `Note` for a listed signatory (a territory setting, on by default;
/// unlisted signatories are never named in public): its id, its `Create`, and the followers'
/// inboxes.
async fn welcome_note(
    state: &AppState,
    s: &SignatoryPrivate,
    t: &crate::storage::territories::TerritoryRow,
) -> AppResult<(String, serde_json::Value, Vec<String>)> {
    let actor = state.urls.territory(&t.slug);
    let followers = state.urls.territory_collection(&t.slug, "followers");
    let note_id = state.urls.note(uuid::Uuid::new_v4());
    let directory = state.urls.signatory_directory(&t.slug);
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
    Ok((note_id.to_string(), activity, inboxes))
}

/// Withdrawal (by the signer, or by an admin on request): personal data erased, and whatever
/// is still public retracted (the welcome Note, the signatory's actor) with federated
/// `Delete`s. After an earlier switch to unlisted there is nothing left to retract. The audit
/// log records the id only.
pub async fn withdraw(state: &AppState, id: SignatoryId, by: &str) -> AppResult<()> {
    // Read before the withdrawal erases what they describe (followers, the note's id).
    let retraction = public_traces(state, id).await?;
    // The erasure and the Deletes commit together.
    let mut change = Change::begin(state).await?;
    if crate::storage::signatories::withdraw_signature(change.conn(), id).await?.is_none() {
        drop(change);
        return Err(match state.store.signatory_private(id).await? {
            Some(_) => AppError::Conflict(format!("signature {id} is already withdrawn")),
            None => AppError::NotFound(format!("signature {id}")),
        });
    }
    if let Some(r) = &retraction {
        r.queue(&mut change).await?;
    }
    change.audit(by, "signature.withdraw", &format!("signature #{id}")).await?;
    change.commit().await?;
    tracing::info!(signature = %id, "signature withdrawn, personal data erased");
    Ok(())
}
