//! Reports (issue 15): filed from a page, the API or a received `Flag`, into one queue; what a
//! moderator decides on one (hide the comment, unpublish, block the actor for the territory,
//! block the domain, dismiss), each decision one change with its audit entry and its line in
//! the public moderation log; forwarding a report about remote content to its origin as a
//! `Flag` from the instance actor (as Mastodon's "forward to remote server"), without the
//! local reporter.

use crate::{
    domain::{
        account::parse_email,
        ids::TerritoryId,
        local_actor::LocalActor,
        now_millis,
        report::{self, BlockKind, Decision, ReasonError, Source, TargetKind},
        signatory::FieldErrors,
    },
    error::{AppError, AppResult},
    federation::{outgoing::new_activity_id, protocol::flag},
    processing::{actions, announcements, domains, practices, unit::Change},
    state::AppState,
    storage::{
        hosts::domain_of,
        reports::{self as store, NewLogLine, NewReport, ReportRow},
    },
};

pub use super::territory_blocks::{block, block_for_territory};

/// Reports one address may file in an hour from the page or the API.
pub const MAX_REPORTS_PER_HOUR: i64 = 10;

/// What a report is about, read when it is filed (and kept as it was).
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: TargetKind,
    pub ap_id: String,
    pub label: String,
    pub territory_id: Option<TerritoryId>,
    /// The remote actor responsible (the author of remote content, the actor itself).
    pub remote_actor: Option<String>,
    pub snapshot: String,
}

/// The OpenAPI example of [`ReportInput`] (the document shows it; nothing reads it).
fn report_input_example() -> serde_json::Value {
    serde_json::from_str(
        r#"{"kind": "practice", "target": "https://maillage.example/practices/8f0c2a9e-1b7d-4c3e-9a51-2f6d0b7e4c11",
            "reason": "Publicité pour un produit, pas une pratique du territoire.", "email": ""}"#,
    )
    .unwrap_or_default()
}

/// A report as a visitor or an API caller files it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[schema(example = report_input_example)]
pub struct ReportInput {
    /// `comment`, `practice`, `announcement`, `action` or `actor`.
    pub kind: String,
    /// The ActivityPub id of what is reported (shown on its page).
    pub target: String,
    pub reason: String,
    /// Optional, to be answered; never shown outside the console.
    #[serde(default)]
    pub email: String,
}

#[derive(Debug)]
pub enum ReportError {
    Fields(FieldErrors),
    TooMany,
    App(AppError),
}

impl From<AppError> for ReportError {
    fn from(e: AppError) -> Self {
        ReportError::App(e)
    }
}

/// Files a visitor's (`Source::Web`) or an API caller's report; `client` is its address (the
/// hourly limit), `caller` the API caller when there is one.
pub async fn file(
    state: &AppState,
    input: &ReportInput,
    source: Source,
    client: &str,
    caller: Option<&str>,
) -> Result<i64, ReportError> {
    let mut errors: FieldErrors = vec![];
    let kind = TargetKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(("kind", "field-invalid"));
    }
    let reason = match report::reason(&input.reason) {
        Ok(r) => Some(r),
        Err(ReasonError::Missing) => {
            errors.push(("reason", "field-required"));
            None
        }
        Err(ReasonError::TooLong) => {
            errors.push(("reason", "field-too-long"));
            None
        }
    };
    let email = match input.email.trim() {
        "" => None,
        e => match parse_email(e) {
            Ok(e) => Some(e),
            Err(code) => {
                errors.push(("email", code));
                None
            }
        },
    };
    let target = match kind {
        Some(k) => target(state, Some(k), input.target.trim(), true).await?,
        None => None,
    };
    if kind.is_some() && target.is_none() {
        errors.push(("target", "report-target-unknown"));
    }
    let (Some(target), Some(reason), true) = (target, reason, errors.is_empty()) else {
        return Err(ReportError::Fields(errors));
    };
    let key = vec![format!("report:{client}")];
    if state.store.login_failures_since(&key, now_millis() - 3_600_000).await? >= MAX_REPORTS_PER_HOUR {
        return Err(ReportError::TooMany);
    }
    state.store.record_login_failure(&key).await?;
    let mut change = Change::begin(state).await?;
    let id = store::insert(change.conn(), &new_report(&target, reason, source, email, caller.map(String::from), None))
        .await?;
    change
        .audit(caller.unwrap_or("visitor"), "report.file", &format!("report {id}: {} {}", target.kind, target.ap_id))
        .await?;
    change.commit().await?;
    tracing::info!(report = id, kind = %target.kind, "report filed");
    super::moderation::reports_waiting(state, 1).await;
    Ok(id)
}

fn new_report(
    t: &Target,
    reason: String,
    source: Source,
    email: Option<String>,
    reporter: Option<String>,
    flag: Option<String>,
) -> NewReport {
    NewReport {
        territory_id: t.territory_id,
        target_kind: t.kind,
        target_ap_id: t.ap_id.clone(),
        target_label: t.label.clone(),
        target_actor: t.remote_actor.clone(),
        snapshot: t.snapshot.clone(),
        reason,
        source,
        reporter_email: email,
        reporter_actor: reporter,
        flag_ap_id: flag,
    }
}

/// Files the reports a received `Flag` makes, one per object this instance holds, in one change
/// that claims the activity id. Returns how many; 0 when none is ours (ignored).
pub async fn file_flag(
    state: &AppState,
    flag_id: &str,
    reporter: &str,
    reporter_host: &str,
    objects: &[String],
    comment: &str,
) -> AppResult<usize> {
    let mut found: Vec<Target> = vec![];
    for id in objects {
        if let Some(t) = target(state, None, id, false).await? {
            found.push(t);
        }
    }
    // The account named beside its posts (Mastodon) is context, not a report of its own.
    if found.iter().any(|t| t.kind != TargetKind::Actor) {
        found.retain(|t| t.kind != TargetKind::Actor);
    }
    // What a territory holds is not reported by whom it blocked (actor or domain): dropped, as
    // a `Flag` from a domain blocked instance-wide is (issue 15, "Bad input").
    let mut targets = Vec::with_capacity(found.len());
    for t in found {
        if let Some(territory) = t.territory_id
            && state.store.blocked_by_territory(territory, reporter, reporter_host).await?
        {
            tracing::info!(%reporter, %territory, target = %t.ap_id, "report from whom the territory blocks: ignored");
            continue;
        }
        targets.push(t);
    }
    if targets.is_empty() {
        return Ok(0);
    }
    let reason = report::received_reason(comment);
    let mut change = Change::begin(state).await?;
    if !crate::storage::activities::claim_received(change.conn(), flag_id, reporter, "Flag").await? {
        return Ok(0);
    }
    for t in &targets {
        let r = new_report(t, reason.clone(), Source::Federation, None, Some(reporter.into()), Some(flag_id.into()));
        let id = store::insert(change.conn(), &r).await?;
        change.audit(reporter, "report.file", &format!("report {id}: {} {}", t.kind, t.ap_id)).await?;
    }
    change.commit().await?;
    super::moderation::reports_waiting(state, targets.len()).await;
    Ok(targets.len())
}

/// What `id` names on this instance, for a report of `kind` (any kind when `None`, as a
/// `Flag` says nothing of its objects' kinds). Remote actors only when `remote_actors` (a
/// report from here may name one; a `Flag` reports what is ours).
pub async fn target(
    state: &AppState,
    kind: Option<TargetKind>,
    id: &str,
    remote_actors: bool,
) -> AppResult<Option<Target>> {
    if id.is_empty() {
        return Ok(None);
    }
    let wants = |k: TargetKind| kind.is_none_or(|w| w == k);
    if wants(TargetKind::Comment)
        && let Some(c) = state.store.comment_by_ap_id(id).await?
    {
        let on = super::comments::subject(state, c.on).await?.and_then(|s| s.territory).map(|(t, _)| t);
        return Ok(Some(Target {
            kind: TargetKind::Comment,
            ap_id: c.ap_id,
            label: c.author_handle.clone(),
            territory_id: on.or(c.local_territory_id),
            remote_actor: c.local_territory_id.is_none().then_some(c.author_actor),
            snapshot: c.content_html,
        }));
    }
    if wants(TargetKind::Practice)
        && let Some(p) = state.store.practice_by_ap_id(id).await?
    {
        let snapshot = format!("<h2>{}</h2><p>{}</p>{}", html_escape(&p.title), html_escape(&p.summary), p.body_html);
        return Ok(Some(Target {
            kind: TargetKind::Practice,
            ap_id: p.ap_id,
            label: p.title,
            territory_id: p.territory_id,
            remote_actor: p.territory_id.is_none().then_some(p.origin_actor),
            snapshot,
        }));
    }
    if wants(TargetKind::Action)
        && let Some(a) = state.store.action_by_ap_id(id).await?
    {
        let snapshot =
            format!("<h2>{}</h2><p>{}</p>{}", html_escape(&a.title), html_escape(&a.summary), a.description_html);
        return Ok(Some(Target {
            kind: TargetKind::Action,
            ap_id: a.ap_id,
            label: a.title,
            territory_id: a.territory_id,
            remote_actor: a.territory_id.is_none().then_some(a.origin_actor),
            snapshot,
        }));
    }
    if wants(TargetKind::Actor)
        && let Some(t) = crate::federation::activities::local_territory(state, id).await?
    {
        return Ok(Some(Target {
            kind: TargetKind::Actor,
            ap_id: id.to_string(),
            label: t.name,
            territory_id: Some(t.id),
            remote_actor: None,
            snapshot: html_escape(&t.summary),
        }));
    }
    // A published announcement, by its row: its title (its `Note` has none) and its text.
    if wants(TargetKind::Announcement)
        && let Some(a) = state.store.announcement_by_ap_id(id).await?.filter(|a| a.is_published())
    {
        let label = if a.title.is_empty() { a.ap_id.clone() } else { a.title.clone() };
        return Ok(Some(Target {
            kind: TargetKind::Announcement,
            ap_id: a.ap_id,
            label,
            territory_id: Some(a.territory_id),
            remote_actor: None,
            snapshot: crate::text::html::clean(&a.body_html).into_string(),
        }));
    }
    // Other objects the instance published: what its public `Create`
    // carried, so a new kind of local object can be reported without a table of its own here.
    if wants(TargetKind::Announcement)
        && let Some(object) = state.store.published_object(id).await?
        && let Some(territory_id) = state.store.publisher_of(id).await?
    {
        let text = |k: &str| object.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
        let label = [text("name"), text("summary")].into_iter().find(|s| !s.is_empty()).unwrap_or_else(|| id.into());
        return Ok(Some(Target {
            kind: TargetKind::Announcement,
            ap_id: id.to_string(),
            label,
            territory_id,
            remote_actor: None,
            snapshot: crate::text::html::clean(&text("content")).into_string(),
        }));
    }
    if remote_actors
        && wants(TargetKind::Actor)
        && let Some(a) = state.store.remote_actor_by_ap_id(id).await?
    {
        let label = a.preferred_username.as_ref().map_or(a.ap_id.clone(), |u| format!("@{u}@{}", a.host));
        return Ok(Some(Target {
            kind: TargetKind::Actor,
            ap_id: a.ap_id.clone(),
            label,
            territory_id: None,
            remote_actor: Some(a.ap_id),
            snapshot: a.name.map(|n| html_escape(&n)).unwrap_or_default(),
        }));
    }
    Ok(None)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A moderator's decision on report `id`; `reason` is what the public log says (never the
/// reporter's words unless the moderator writes them). One change: the effect, the report
/// resolved, the audit entry and the log line.
pub async fn decide(state: &AppState, id: i64, decision: Decision, reason: &str, by: &str) -> AppResult<()> {
    let r = state.store.report(id).await?.ok_or_else(|| AppError::NotFound(format!("report {id}")))?;
    if !decision.fits(r.target_kind) {
        return Err(AppError::Unprocessable(format!("{decision} does not apply to a {}", r.target_kind)));
    }
    let reason = reason.trim().chars().take(report::MAX_REASON).collect::<String>();
    // Network first: what followers' software reads, before the change.
    let practice = match (decision, r.target_kind) {
        (Decision::Unpublish, TargetKind::Practice) => state.store.practice_by_ap_id(&r.target_ap_id).await?,
        _ => None,
    };
    let action = match (decision, r.target_kind) {
        (Decision::Unpublish, TargetKind::Action) => state.store.action_by_ap_id(&r.target_ap_id).await?,
        _ => None,
    };
    let announcement = match (decision, r.target_kind) {
        (Decision::Unpublish, TargetKind::Announcement) => {
            announcements::published_with_readers(state, &r.target_ap_id).await?
        }
        _ => None,
    };
    let practice_readers = match &practice {
        Some(p) if p.territory_id.is_some() => Some(practices::readers_for_publication(state, p.id, false).await?),
        _ => None,
    };
    let action_readers = match &action {
        Some(a) if a.territory_id.is_some() => Some(actions::readers_for(state, a.id).await?),
        _ => None,
    };
    let territory = match r.territory_id {
        Some(t) => Some(t),
        None => state.store.territory_by_slug(state.config.default_territory.as_str()).await?.map(|t| t.id),
    };
    let mut change = Change::begin(state).await?;
    if !store::resolve(change.conn(), id, decision, by).await? {
        return Err(AppError::Conflict(format!("report {id} is already resolved")));
    }
    let mut blocks_changed = false;
    match decision {
        Decision::HideComment => {
            let c = crate::storage::comments::by_ap_id_in(change.conn(), &r.target_ap_id)
                .await?
                .ok_or_else(|| AppError::Gone(format!("comment {}", r.target_ap_id)))?;
            super::comments::set_hidden_in(state, &mut change, &c, true, by).await?;
        }
        Decision::Unpublish => match (&practice, &practice_readers, &action, &action_readers, &announcement) {
            (Some(p), Some(readers), _, _, _) => {
                practices::set_published_in(state, &mut change, readers, p.id, false, by).await?;
            }
            (_, _, Some(a), Some(readers), _) => {
                actions::unpublish_in(state, &mut change, readers, a.id, by).await?;
            }
            (_, _, _, _, Some((a, readers))) => {
                announcements::unpublish_in(state, &mut change, readers, a.id, by).await?;
            }
            _ => return Err(AppError::Unprocessable("only published local content can be unpublished".into())),
        },
        Decision::BlockActor => {
            let (Some(actor), Some(t)) = (&r.target_actor, territory) else {
                return Err(AppError::Unprocessable("no remote actor to block".into()));
            };
            block_for_territory(&mut change, t, BlockKind::Actor, actor, &reason, by).await?;
        }
        Decision::BlockDomain => {
            let host = remote_host(&r)?;
            domains::block_in(&mut change, &host, &reason).await?;
            change.audit(by, "domain.block", &host).await?;
            blocks_changed = true;
        }
        Decision::Dismiss => {}
    }
    let target_kind = if decision == Decision::BlockDomain { "domain" } else { r.target_kind.as_str() };
    let (log_target, log_label) = match decision {
        Decision::BlockDomain => (String::new(), remote_host(&r)?),
        Decision::BlockActor => (r.target_actor.clone().unwrap_or_default(), r.target_label.clone()),
        _ => (r.target_ap_id.clone(), r.target_label.clone()),
    };
    let log_territory = if decision == Decision::BlockDomain { None } else { territory };
    store::log(
        change.conn(),
        &NewLogLine {
            territory_id: log_territory,
            kind: decision.log_kind(),
            target_kind,
            target_ap_id: &log_target,
            target_label: &log_label,
            reason: &reason,
        },
    )
    .await?;
    change.audit(by, "report.decide", &format!("report {id}: {decision}")).await?;
    change.commit().await?;
    if blocks_changed {
        state.blocks_changed();
    }
    tracing::info!(report = id, %decision, "report decided");
    Ok(())
}

/// The host of the remote actor a report is about.
fn remote_host(r: &ReportRow) -> AppResult<String> {
    let actor = r.target_actor.as_deref().ok_or_else(|| AppError::Unprocessable("not remote content".into()))?;
    let url = url::Url::parse(actor)?;
    Ok(domain_of(url.host_str().unwrap_or_default()))
}

/// Forwards report `id` to the origin of the remote content as a `Flag` from the instance
/// actor: the remote author and the reported object, the moderator's `comment` (the local
/// reporter is never named). Returns the inbox it goes to.
pub async fn forward(state: &AppState, id: i64, comment: &str, by: &str) -> AppResult<String> {
    let r = state.store.report(id).await?.ok_or_else(|| AppError::NotFound(format!("report {id}")))?;
    let actor = r.target_actor.clone().ok_or_else(|| AppError::Unprocessable("not remote content".into()))?;
    let remote = state
        .store
        .remote_actor_by_ap_id(&actor)
        .await?
        .ok_or_else(|| AppError::Unprocessable(format!("unknown remote actor {actor}")))?;
    let inbox = remote.shared_inbox.clone().unwrap_or(remote.inbox.clone());
    let mut objects = vec![actor.clone()];
    if r.target_ap_id != actor {
        objects.push(r.target_ap_id.clone());
    }
    let activity = flag::flag(&new_activity_id(state), &state.urls.instance_actor(), &objects, comment.trim());
    let mut change = Change::begin(state).await?;
    change.queue(LocalActor::Instance, &activity, false, std::slice::from_ref(&inbox)).await?;
    store::set_forwarded(change.conn(), id).await?;
    change.audit(by, "report.forward", &format!("report {id} to {}", remote.host)).await?;
    change.commit().await?;
    Ok(inbox)
}

/// Instance setting: the kinds of decisions the public moderation log shows (codes, comma
/// separated); absent: all of them.
pub const PUBLIC_KINDS: &str = "moderation_log_kinds";

pub async fn public_log_kinds(state: &AppState) -> AppResult<Vec<report::LogKind>> {
    Ok(match state.store.setting(PUBLIC_KINDS).await? {
        None => report::LogKind::ALL.to_vec(),
        Some(v) => v.split(',').filter_map(|c| report::LogKind::parse(c.trim())).collect(),
    })
}

pub async fn set_public_log_kinds(state: &AppState, kinds: &[report::LogKind], by: &str) -> AppResult<()> {
    let value = kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",");
    let mut change = Change::begin(state).await?;
    crate::storage::admin::set_setting(change.conn(), PUBLIC_KINDS, &value).await?;
    change.audit(by, "instance.moderation_log", &value).await?;
    change.commit().await
}

/// Whether a logged target is still public (then the log links it; otherwise its label stands).
pub async fn still_public(state: &AppState, kind: &str, ap_id: &str) -> AppResult<bool> {
    if ap_id.is_empty() {
        return Ok(false);
    }
    Ok(match TargetKind::parse(kind) {
        Some(TargetKind::Practice) => state.store.practice_by_ap_id(ap_id).await?.is_some_and(|p| p.is_published()),
        Some(TargetKind::Action) => state
            .store
            .action_by_ap_id(ap_id)
            .await?
            .is_some_and(|a| a.publication == crate::domain::action::PublicationState::Published),
        Some(TargetKind::Comment) => state.store.comment_by_ap_id(ap_id).await?.is_some_and(|c| !c.hidden.0),
        Some(TargetKind::Announcement) => {
            state.store.announcement_by_ap_id(ap_id).await?.is_some_and(|a| a.is_published())
                || state.store.published_object(ap_id).await?.is_some()
        }
        Some(TargetKind::Actor) => true,
        None => false,
    })
}
