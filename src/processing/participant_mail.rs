//! Mails to the people who joined an action from its page (they have no fediverse account to
//! receive the `Update`): its cancellation, new dates. Sent after the change that decided it
//! committed (a mail cannot be taken back); a mail that fails is logged (without the address)
//! and does not undo the change.

use crate::{
    mail::{Mail, send},
    state::AppState,
    storage::actions::ActionRow,
    text::i18n::{Lang, Tr},
};

/// What participants are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum News {
    Cancelled,
    /// New dates (or postponed).
    Moved,
}

/// What an edit from `before` to `after` tells participants, if anything.
pub fn news(before: &ActionRow, after: &ActionRow) -> Option<News> {
    use crate::domain::action::ActionStatus::{Cancelled, Postponed};
    if after.status == Cancelled && before.status != Cancelled {
        return Some(News::Cancelled);
    }
    let moved =
        before.starts_at != after.starts_at || before.ends_at != after.ends_at || before.timezone != after.timezone;
    (moved || (after.status == Postponed && before.status != Postponed)).then_some(News::Moved)
}

/// Mails a participant from the page the moderators' decision on their registration.
pub async fn decided(
    state: &AppState,
    a: &ActionRow,
    approved: bool,
    p: &crate::storage::action_participants::WebParticipantRow,
) {
    let Some(email) = &p.email else { return };
    let tr = Tr::zoned(Lang::parse(&p.lang).unwrap_or(Lang::Fr), state.config.time_zone);
    let key = if approved { "participant-approved-mail" } else { "participant-declined-mail" };
    let page = page_of(state, a).await;
    let subject = tr.t_with(&format!("{key}-subject"), "title", &a.title);
    let body = tr.t_args(
        &format!("{key}-body"),
        &[("name", p.name.as_str()), ("title", a.title.as_str()), ("page", page.as_str())],
    );
    if let Err(e) = send(state, Mail { to: email, subject: &subject, body: &body }).await {
        tracing::warn!(action = a.id.0, error = %e, "a participant could not be mailed");
    }
}

async fn page_of(state: &AppState, a: &ActionRow) -> String {
    let slug = match a.territory_id {
        Some(t) => state.store.territory_by_id(t).await.ok().flatten().map(|t| t.slug).unwrap_or_default(),
        None => String::new(),
    };
    state.urls.action(&slug, a.id).to_string()
}

/// Mails `news` to each (email, language, name).
pub async fn tell(state: &AppState, a: &ActionRow, news: News, people: &[(String, String, String)]) {
    if people.is_empty() {
        return;
    }
    let page = page_of(state, a).await;
    for (email, lang, name) in people {
        let tr = Tr::zoned(Lang::parse(lang).unwrap_or(Lang::Fr), state.config.time_zone);
        let zone = a.timezone.parse().unwrap_or(crate::text::time::DEFAULT_ZONE);
        let when = crate::text::time::span(a.starts_at, a.ends_at, zone, tr.lang, tr.tz);
        let key = match news {
            News::Cancelled => "participant-cancelled-mail",
            News::Moved => "participant-moved-mail",
        };
        let subject = tr.t_with(&format!("{key}-subject"), "title", &a.title);
        let body = tr.t_args(
            &format!("{key}-body"),
            &[("name", name.as_str()), ("title", a.title.as_str()), ("when", when.as_str()), ("page", page.as_str())],
        );
        if let Err(e) = send(state, Mail { to: email, subject: &subject, body: &body }).await {
            tracing::warn!(action = a.id.0, error = %e, "a participant could not be mailed");
        }
    }
}
