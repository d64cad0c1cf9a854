//! Admin console: followers, following, domain blocks, federation status.

use super::*;
use crate::domain::report::Severity;

pub(super) async fn followers_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-followers", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    for (state, title) in [(FollowState::Pending, "pending"), (FollowState::Accepted, "accepted")] {
        let rows = data.store.follows_page(Direction::Followers, t.id, state, 500, 0).await?;
        let actions = if state == FollowState::Pending {
            vec![
                action(
                    &AdminPath::followers_decide("approve").to_string(),
                    "actor",
                    tr.t("approve"),
                    "",
                    ("t", t.slug.clone()),
                ),
                action(
                    &AdminPath::followers_decide("reject").to_string(),
                    "actor",
                    tr.t("reject"),
                    "danger",
                    ("t", t.slug.clone()),
                )
                .confirming(tr.t("confirm-reject-follower")),
            ]
        } else {
            vec![]
        };
        page.tables.push(Table {
            empty: tr.t(if state == FollowState::Pending { "followers-empty-pending" } else { "followers-empty" }),
            title: tr.t(title),
            headers: vec![tr.t("follow-handle"), tr.t("when")],
            rows: rows
                .into_iter()
                .map(|f| Row { key: f.actor_ap_id.clone(), cells: vec![f.handle(), tr.datetime(f.created_at)] })
                .collect(),
            actions,
        });
    }
    // Follows of the territory's signatories from limited domains (issue 15, point 5): shown
    // only when some wait, named by the Follow's id.
    let held = data.store.signatory_follows(t.id, FollowState::Pending).await?;
    if !held.is_empty() {
        let decide = |decision: &str| AdminPath::signatory_followers_decide(decision).to_string();
        page.tables.push(Table {
            empty: String::new(),
            title: tr.t("signatory-followers-pending"),
            headers: vec![tr.t("follow-handle"), tr.t("signatory-follow-signatory"), tr.t("when")],
            rows: held
                .into_iter()
                .map(|f| Row {
                    key: f.follow_ap_id.clone(),
                    cells: vec![f.handle(), f.signatory_name.clone(), tr.datetime(f.created_at)],
                })
                .collect(),
            actions: vec![
                action(&decide("approve"), "follow", tr.t("approve"), "", ("t", t.slug.clone())),
                action(&decide("reject"), "follow", tr.t("reject"), "danger", ("t", t.slug.clone()))
                    .confirming(tr.t("confirm-reject-signatory-follower")),
            ],
        });
    }
    render_status(StatusCode::OK, &page)
}

/// A moderator's decision on a held follow of a signatory (`follow`: the Follow's id).
pub(super) async fn signatory_followers_decide(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(d): Query<DecisionQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let slug = f.get("t");
    let approve = d.approve()?;
    processing::follows::decide_signatory_follower(&data, &slug, &f.get("follow"), approve, &account.email).await?;
    Ok(back(AdminPath::followers().of(&slug)))
}

#[derive(Debug, Deserialize)]
pub struct DecisionQuery {
    pub(super) decision: String,
}

impl DecisionQuery {
    /// `approve` or `reject` (the console's two buttons); anything else is a bad request.
    pub(super) fn approve(&self) -> AppResult<bool> {
        match self.decision.as_str() {
            "approve" => Ok(true),
            "reject" => Ok(false),
            _ => Err(AppError::BadRequest("decision is approve or reject".into())),
        }
    }
}

pub(super) async fn followers_decide(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(d): Query<DecisionQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let slug = f.get("t");
    let approve = d.approve()?;
    let who = f.get("actor");
    processing::follows::decide_follower_audited(&data, &slug, &who, approve, Some(&account.email)).await?;
    Ok(back(AdminPath::followers().of(&slug)))
}

pub(super) async fn following_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    following_view(&data, &ctx, &q, None).await
}

/// The following page; `failed` is the handle just tried and why it failed, shown beside the
/// field (422).
async fn following_view(
    data: &AppState,
    ctx: &Ctx,
    q: &AdminQuery,
    failed: Option<(String, String)>,
) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let t = selected_territory(data, q).await?;
    let mut page = AdminPage::new(ctx, "admin-following", "tables", &t.slug);
    page.notice = saved_notice(ctx, q);
    let tr = ctx.tr;
    let mut rows = vec![];
    for state in [FollowState::Accepted, FollowState::Pending] {
        for f in data.store.follows_page(Direction::Following, t.id, state, 500, 0).await? {
            let label = tr.t(if state == FollowState::Accepted { "accepted" } else { "pending" });
            rows.push(Row { key: f.actor_ap_id.clone(), cells: vec![f.handle(), label] });
        }
    }
    page.tables.push(Table {
        empty: String::new(),
        title: tr.t("admin-following"),
        headers: vec![tr.t("follow-handle"), tr.t("state")],
        rows,
        actions: vec![
            action(&AdminPath::unfollow().to_string(), "actor", tr.t("unfollow"), "secondary", ("t", t.slug.clone()))
                .confirming(tr.t("confirm-unfollow")),
        ],
    });
    page.forms.push(FormDef {
        action: AdminPath::following().of(&t.slug).into(),
        title: tr.t("follow-remote-title"),
        fields: vec![Field {
            name: "handle",
            label: tr.t("follow-handle"),
            kind: "text",
            value: failed.as_ref().map(|(h, _)| h.clone()).unwrap_or_default(),
        }],
        submit: tr.t("follow-submit"),
    });
    let status = match failed {
        Some((_, reason)) => {
            page.errors = vec![("handle", tr.t_with("follow-failed", "reason", &reason))];
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    render_status(status, &page)
}

pub(super) async fn following_add(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let t = selected_territory(&data, &q).await?;
    let handle = f.get("handle");
    match processing::follows::follow_remote_audited(&data.federation()?, &t.slug, &handle, Some(&account.email)).await
    {
        Ok(_) => Ok(back(AdminPath::following().of(&t.slug))),
        Err(e) => {
            // The operator sees which URL answered what (status, parse error), never a body.
            tracing::info!(error = %e, "follow from the admin console failed");
            let q = AdminQuery { t: Some(t.slug.clone()), saved: None };
            following_view(&data, &ctx, &q, Some((handle.clone(), e.detail()))).await
        }
    }
}

pub(super) async fn following_remove(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let (slug, actor) = (f.get("t"), f.get("actor"));
    processing::follows::unfollow_remote_audited(&data.federation()?, &slug, &actor, Some(&account.email)).await?;
    Ok(back(AdminPath::following().of(&slug)))
}

pub(super) async fn domains_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(&ctx, "admin-domains", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    page.tables.push(Table {
        empty: String::new(),
        title: tr.t("admin-domains"),
        headers: vec![tr.t("domain"), tr.t("domain-severity"), tr.t("reason")],
        rows: data
            .store
            .all_domain_blocks()
            .await?
            .into_iter()
            .map(|b| Row {
                key: b.domain.clone(),
                cells: vec![b.domain, tr.t(&format!("domain-severity-{}", b.severity)), b.reason],
            })
            .collect(),
        actions: vec![action(
            &AdminPath::domains_unblock().to_string(),
            "domain",
            tr.t("unblock"),
            "secondary",
            ("", String::new()),
        )],
    });
    page.forms.push(FormDef {
        action: AdminPath::domains().into(),
        title: tr.t("block"),
        fields: vec![
            Field { name: "domain", label: tr.t("domain"), kind: "text", value: String::new() },
            Field { name: "reason", label: tr.t("reason"), kind: "text", value: String::new() },
            Field { name: "severity", label: tr.t("domain-severity"), kind: "severity", value: String::new() },
        ],
        submit: tr.t("block"),
    });
    render_status(StatusCode::OK, &page)
}

/// Blocks or, with `severity=limit`, limits a domain (issue 15, point 5: its follows wait for
/// approval on the followers page).
pub(super) async fn domains_block(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let severity = if f.get("severity") == "limit" { Severity::Limit } else { Severity::Suspend };
    let domain = f.get("domain").trim().trim_start_matches("https://").trim_end_matches('/').to_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !valid {
        let mut res = domains_page(State(data), ctx, Query(AdminQuery { t: None, saved: None })).await?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let reason: String = f.get("reason").chars().take(500).collect();
    if severity == Severity::Limit {
        processing::domains::limit_audited(&data, &domain, &reason, &account.email).await?;
    } else {
        processing::domains::block_audited(&data, &domain, &reason, Some(&account.email)).await?;
    }
    Ok(back(AdminPath::domains()))
}

pub(super) async fn domains_unblock(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let domain = f.get("domain");
    processing::domains::unblock_audited(&data, &domain, Some(&account.email)).await?;
    Ok(back(AdminPath::domains()))
}

pub(super) async fn federation_page(State(data): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let mut page = AdminPage::new(&ctx, "admin-federation", "tables", &data.config.default_territory.to_string());
    let tr = ctx.tr;
    let hosts: std::collections::HashMap<String, crate::storage::hosts::HostRow> =
        data.store.hosts().await?.into_iter().map(|h| (h.host.clone(), h)).collect();
    let time = |t: Option<i64>| t.map(|t| tr.datetime(t)).unwrap_or_else(|| "—".into());
    let rows = data
        .store
        .delivery_stats()
        .await?
        .into_iter()
        .map(|q| {
            let h = hosts.get(&q.host);
            Row {
                key: q.host.clone(),
                cells: vec![
                    q.host.clone(),
                    tr.number(q.pending),
                    tr.number(q.failed),
                    tr.number(q.done),
                    time(h.and_then(|h| h.last_success_at)),
                    time(h.and_then(|h| h.unreachable_since)),
                ],
            }
        })
        .collect();
    page.intro = tr.t("federation-intro");
    page.tables.push(Table {
        empty: tr.t("federation-empty"),
        title: tr.t("federation-hosts"),
        headers: vec![
            tr.t("host"),
            tr.t("queue-pending"),
            tr.t("queue-failed"),
            tr.t("queue-done"),
            tr.t("last-success"),
            tr.t("unreachable"),
        ],
        rows,
        actions: vec![],
    });
    backups_table(&data, &mut page).await?;
    render_status(StatusCode::OK, &page)
}

/// The scheduled backups (issue 15, point 8): the schedule, the last backup, the next one, and
/// the failures since the last success (also as the page's alert).
async fn backups_table(data: &AppState, page: &mut AdminPage) -> AppResult<()> {
    let tr = page.l.tr;
    let status = crate::backup::schedule::status(data).await?;
    let time = |t: Option<i64>| t.map(|t| tr.datetime(t)).unwrap_or_else(|| "—".into());
    let schedule = if status.interval_hours == 0 {
        tr.t("backup-none-scheduled")
    } else {
        tr.t_args(
            "backup-every",
            &[
                ("hours", &tr.number(i64::try_from(status.interval_hours).unwrap_or(i64::MAX))),
                ("keep", &tr.number(i64::try_from(data.config.backup_retention).unwrap_or(i64::MAX))),
                ("dir", &data.config.backup_dir.display().to_string()),
            ],
        )
    };
    let last = match &status.last_success {
        Some(r) => tr.t_args(
            "backup-last-value",
            &[
                ("when", &time(r.finished_at)),
                ("file", r.file.as_deref().unwrap_or("")),
                ("size", &crate::text::numbers::bytes(u64::try_from(r.bytes.unwrap_or(0)).unwrap_or(0), tr.lang)),
            ],
        ),
        None => "—".into(),
    };
    let failures = match status.failures.first() {
        Some(latest) => {
            let message = tr.t_args(
                "backup-failures-value",
                &[
                    ("count", &tr.number(i64::try_from(status.failures.len()).unwrap_or(i64::MAX))),
                    ("when", &time(latest.finished_at)),
                    ("error", latest.error.as_deref().unwrap_or("")),
                ],
            );
            page.alert = Some(message.clone());
            message
        }
        None => tr.t("backup-no-failure"),
    };
    let row = |key: &str, value: String| Row { key: key.to_string(), cells: vec![tr.t(key), value] };
    page.tables.push(Table {
        empty: String::new(),
        title: tr.t("backup-title"),
        headers: vec![String::new(), String::new()],
        rows: vec![
            row("backup-schedule", schedule),
            row("backup-last", last),
            row("backup-next", time(status.next_at)),
            row("backup-failures", failures),
        ],
        actions: vec![],
    });
    Ok(())
}
