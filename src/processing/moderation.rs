//! Telling moderators that signatures wait: a mail each time one is confirmed, or one daily
//! digest, or nothing (instance setting `moderation_mail`, default each time). The digest is
//! sent by the delivery worker's maintenance pass, which runs every minute.

use crate::{
    domain::{admin_paths::AdminPath, ids::SignatoryId, now_millis},
    error::AppResult,
    mail::{Mail, send},
    state::AppState,
    text::i18n::{Lang, Tr},
};

/// Instance setting: `each`, `digest` or `never`.
pub const SETTING: &str = "moderation_mail";
/// Instance setting: when the last digest was sent (milliseconds), so that one is sent a day.
pub const DIGEST_AT: &str = "moderation_digest_at";
const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Each,
    Digest,
    Never,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Each, Frequency::Digest, Frequency::Never];

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Each => "each",
            Frequency::Digest => "digest",
            Frequency::Never => "never",
        }
    }

    pub fn parse(code: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.code() == code)
    }
}

pub async fn frequency(state: &AppState) -> AppResult<Frequency> {
    Ok(state.store.setting(SETTING).await?.as_deref().and_then(Frequency::parse).unwrap_or(Frequency::Each))
}

pub async fn set_frequency(state: &AppState, f: Frequency, by: &str) -> AppResult<()> {
    let mut change = crate::processing::unit::Change::begin(state).await?;
    crate::storage::admin::set_setting(change.conn(), SETTING, f.code()).await?;
    if f == Frequency::Digest {
        // The first digest covers what is confirmed from now on.
        crate::storage::admin::set_setting(change.conn(), DIGEST_AT, &now_millis().to_string()).await?;
    }
    change.audit(by, "instance.moderation_mail", f.code()).await?;
    change.commit().await
}

/// Both languages in one mail: accounts have no language of their own, and a coordinator
/// reads French first.
fn bilingual(key: &str, args: &[(&str, &str)]) -> String {
    let fr = Tr::new(Lang::Fr).t_args(key, args);
    let en = Tr::new(Lang::En).t_args(key, args);
    format!("{fr}\n\n-- \n\n{en}\n")
}

/// Signature `id` was just confirmed by its signer: moderators are mailed when the instance
/// says "each time". A mail that cannot be sent is logged, the confirmation stands.
pub async fn signature_waiting(state: &AppState, id: SignatoryId) {
    if let Err(e) = mail_waiting(state, id).await {
        tracing::error!(signature = %id, error = %e, "could not tell moderators that a signature waits");
    }
}

/// New reports were filed: moderators are mailed when the instance says "each time" (the daily
/// digest counts them otherwise). A mail that cannot be sent is logged, the reports stand.
pub async fn reports_waiting(state: &AppState, filed: usize) {
    if let Err(e) = mail_reports(state, filed).await {
        tracing::error!(error = %e, "could not tell moderators of new reports");
    }
}

async fn mail_reports(state: &AppState, filed: usize) -> AppResult<()> {
    if filed == 0 || frequency(state).await? != Frequency::Each {
        return Ok(());
    }
    let open = state.store.count_reports(crate::domain::report::ReportStatus::Open).await?.to_string();
    let list = state.urls.admin(&AdminPath::reports()).to_string();
    let args = [("count", open.as_str()), ("list", list.as_str())];
    let subject = Tr::new(Lang::Fr).t_args("reports-mail-subject", &args);
    let body = bilingual("reports-mail-body", &args);
    for to in state.store.moderator_emails().await? {
        send(state, Mail { to: &to, subject: &subject, body: &body }).await?;
    }
    Ok(())
}

async fn mail_waiting(state: &AppState, id: SignatoryId) -> AppResult<()> {
    if frequency(state).await? != Frequency::Each {
        return Ok(());
    }
    let Some(s) = state.store.signatory_private(id).await? else { return Ok(()) };
    let Some(t) = state.store.territory_by_id(s.territory_id).await? else { return Ok(()) };
    let waiting = state.store.count_pending_signatures(t.id).await?;
    let link = state.urls.admin(&AdminPath::signature(id).of(&t.slug));
    let list = state.urls.admin(&AdminPath::signatures().of(&t.slug));
    let (waiting, link, list) = (waiting.to_string(), link.to_string(), list.to_string());
    let args = [
        ("territory", t.name.as_str()),
        ("name", s.name.as_str()),
        ("commune", s.commune.as_str()),
        ("link", link.as_str()),
        ("list", list.as_str()),
        ("count", waiting.as_str()),
    ];
    let subject = Tr::new(Lang::Fr).t_with("moderation-mail-subject", "territory", &t.name);
    let body = bilingual("moderation-mail-body", &args);
    for to in state.store.moderator_emails().await? {
        send(state, Mail { to: &to, subject: &subject, body: &body }).await?;
    }
    Ok(())
}

/// Sends the daily digest when the instance asks for one and a day has passed since the last:
/// what was confirmed since and still waits, per territory. Returns whether one was sent.
pub async fn digest_if_due(state: &AppState) -> AppResult<bool> {
    if frequency(state).await? != Frequency::Digest {
        return Ok(false);
    }
    let now = now_millis();
    let stored = state.store.setting(DIGEST_AT).await?;
    let Some(last) = stored.as_deref().and_then(|v| v.parse::<i64>().ok()) else {
        state.store.set_setting(DIGEST_AT, &now.to_string()).await?;
        return Ok(false);
    };
    if now - last < DAY_MS {
        return Ok(false);
    }
    // Claimed first: another process (or pass) finding the same due digest sends nothing.
    if !state.store.swap_setting(DIGEST_AT, stored.as_deref().unwrap_or_default(), &now.to_string()).await? {
        return Ok(false);
    }
    let waiting = state.store.pending_confirmed_since(last).await?;
    // Reports received since, in the same digest (issue 15).
    let reports = state.store.open_reports_since(last).await?;
    if waiting.is_empty() && reports == 0 {
        return Ok(false);
    }
    let mut lines = String::new();
    if reports > 0 {
        let link = state.urls.admin(&AdminPath::reports());
        lines.push_str(&format!("- {} : {reports} → {link}\n", Tr::new(Lang::Fr).t("reports-title")));
    }
    for (slug, count) in &waiting {
        let name = state.store.territory_by_slug(slug).await?.map(|t| t.name).unwrap_or_else(|| slug.clone());
        let link = state.urls.admin(&AdminPath::signatures().of(slug).with("status", "confirmed"));
        lines.push_str(&format!("- {name} : {count} → {link}\n"));
    }
    let total: i64 = waiting.iter().map(|(_, c)| c).sum();
    let args = [("count", total.to_string()), ("lines", lines)];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let subject = Tr::new(Lang::Fr).t_args("moderation-digest-subject", &args);
    let body = bilingual("moderation-digest-body", &args);
    for to in state.store.moderator_emails().await? {
        send(state, Mail { to: &to, subject: &subject, body: &body }).await?;
    }
    Ok(true)
}
