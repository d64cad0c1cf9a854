//! `/admin`: what waits for the coordinator (signatures, follow requests, practice drafts,
//! proposals included), recent activity, and the instance's health, one line each with a
//! link; the menu leads to the rest.

use super::audit::{Entry, Names, entries};
use super::*;
use crate::processing::moderation::{Frequency, frequency};

/// One line of the dashboard: what, how many, where to act, and whether it asks for action.
pub struct Line {
    pub text: String,
    pub href: String,
    pub waiting: bool,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    welcome: String,
    territory: String,
    waiting: Vec<Line>,
    recent: Vec<Entry>,
    health: Vec<Line>,
}

pub(super) async fn dashboard(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    let account = ctx.require(Role::Moderator)?;
    let tr = ctx.tr;
    let t = selected_territory(&data, &q).await?;
    let role = tr.t(if account.role() == Role::Admin { "role-admin" } else { "role-moderator" });
    let signatures = data.store.count_pending_signatures(t.id).await?;
    let requests = data.store.count_follows(Direction::Followers, t.id, FollowState::Pending).await?;
    let followers = data.store.count_follows(Direction::Followers, t.id, FollowState::Accepted).await?;
    let (_, drafts) =
        data.store.console_practices(t.id, Some(crate::domain::practice::Status::Draft), "", 1, 0).await?;
    let count = |key: &str, n: i64| tr.t_args(key, &[("count", &tr.number(n))]);
    let waiting = vec![
        Line {
            text: count(if signatures == 0 { "dash-signatures-none" } else { "dash-signatures" }, signatures),
            href: AdminPath::signatures().of(&t.slug).with("status", "confirmed").into(),
            waiting: signatures > 0,
        },
        Line {
            text: count(if requests == 0 { "dash-requests-none" } else { "dash-requests" }, requests),
            href: AdminPath::followers().of(&t.slug).into(),
            waiting: requests > 0,
        },
        Line {
            text: count(if drafts == 0 { "dash-drafts-none" } else { "dash-drafts" }, drafts),
            href: AdminPath::practices().of(&t.slug).with("status", "draft").into(),
            waiting: drafts > 0,
        },
    ];
    let (queue, failing) = data.store.federation_health().await?;
    let mail = match frequency(&data).await? {
        Frequency::Each => "dash-mail-each",
        Frequency::Digest => "dash-mail-digest",
        Frequency::Never => "dash-mail-never",
    };
    let health = vec![
        Line {
            text: count("dash-followers", followers),
            href: AdminPath::followers().of(&t.slug).into(),
            waiting: false,
        },
        Line { text: count("dash-queue", queue), href: AdminPath::federation().into(), waiting: false },
        Line {
            text: count(if failing == 0 { "dash-failing-none" } else { "dash-failing" }, failing),
            href: AdminPath::federation().into(),
            waiting: failing > 0,
        },
        // Only administrators can change it: moderators read it without a link.
        Line {
            text: tr.t(mail),
            href: if ctx.is_admin() { AdminPath::instance().into() } else { String::new() },
            waiting: false,
        },
    ];
    let recent = crate::storage::moderation::AuditSearch { limit: 8, ..Default::default() };
    let (rows, _) = data.store.search_audit(&recent).await?;
    let names = Names::of(&data, &rows).await?;
    let page = Dashboard {
        l: Layout::new(&ctx, tr.t("admin-title")),
        is_admin: ctx.is_admin(),
        welcome: tr.t_args("admin-welcome", &[("email", &account.email), ("role", &role)]),
        territory: t.name.clone(),
        slug: t.slug,
        notice: None,
        alert: None,
        waiting,
        recent: entries(tr, &rows, &names),
        health,
    };
    render_status(StatusCode::OK, &page)
}
