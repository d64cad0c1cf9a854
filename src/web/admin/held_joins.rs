//! Registrations held for approval (issue 12, point 6; join mode `approval`): per territory,
//! the actions with people waiting, each person (a web participant by the name they gave —
//! moderators only —, a fediverse one by handle), approved or declined one at a time or in
//! bulk. Each decision is `processing::action_participation::decide`: one change with the
//! `Accept`/`Reject` of the `Join` or the mail, and its audit entry.

use super::*;
use crate::{
    domain::ids::{ActionId, ParticipantId},
    processing::action_participation,
    storage::action_participants::HeldRow,
};

pub struct HeldPerson {
    /// `<action>-<participant>`: the value the forms post.
    key: String,
    who: String,
    fediverse: bool,
    received: String,
}

pub struct HeldAction {
    id: i64,
    title: String,
    when: String,
    people: Vec<HeldPerson>,
}

#[derive(Template)]
#[template(path = "admin/held_joins.html")]
struct HeldPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    actions: Vec<HeldAction>,
}

#[derive(Debug, Default, Deserialize)]
pub struct HeldQuery {
    t: Option<String>,
    approved: Option<usize>,
    declined: Option<usize>,
    skipped: Option<usize>,
}

/// A fediverse participant's handle (`@name@host`), its actor id when the profile lacks a name.
fn who(r: &HeldRow) -> (String, bool) {
    match (&r.actor, &r.username, &r.host) {
        (Some(_), Some(u), Some(h)) => (format!("@{u}@{h}"), true),
        (Some(a), _, _) => (a.clone(), true),
        (None, _, _) => (r.name.clone().unwrap_or_default(), false),
    }
}

async fn build(data: &AppState, ctx: &Ctx, q: &HeldQuery) -> AppResult<HeldPage> {
    let tr = ctx.tr;
    let t = selected_territory(data, &AdminQuery { t: q.t.clone(), saved: None }).await?;
    let mut actions: Vec<HeldAction> = Vec::new();
    for r in action_participation::held(data, t.id).await? {
        let (name, fediverse) = who(&r);
        let person = HeldPerson {
            key: format!("{}-{}", r.action_id, r.id),
            who: name,
            fediverse,
            received: tr.datetime(r.created_at),
        };
        match actions.last_mut() {
            Some(a) if a.id == r.action_id.0 => a.people.push(person),
            _ => actions.push(HeldAction {
                id: r.action_id.0,
                title: r.title.clone(),
                when: tr.datetime(r.starts_at),
                people: vec![person],
            }),
        }
    }
    let mut notice = Vec::new();
    if let Some(n) = q.approved.filter(|n| *n > 0) {
        notice.push(tr.plural("held-approved", n as i64));
    }
    if let Some(n) = q.declined.filter(|n| *n > 0) {
        notice.push(tr.plural("held-declined", n as i64));
    }
    Ok(HeldPage {
        l: Layout::new(ctx, tr.t("admin-held")),
        is_admin: ctx.is_admin(),
        slug: t.slug,
        notice: (!notice.is_empty()).then(|| notice.join(" ")),
        alert: q.skipped.filter(|n| *n > 0).map(|n| tr.plural("held-skipped", n as i64)),
        actions,
    })
}

/// `GET /admin/actions/attente?t=<slug>`.
pub(super) async fn page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<HeldQuery>) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let page = build(&data, &ctx, &q).await?;
    Ok(crate::web::private(render_status(StatusCode::OK, &page)?))
}

/// `POST /admin/actions/attente` (`ids` = `<action>-<participant>`, one or many; `decision` =
/// `approve` or `reject`). A person no longer waiting, or whom the capacity leaves no place
/// for, is skipped and counted in the notice; nothing selected → 422.
pub(super) async fn decide(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let approve = match f.get("decision").as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("decision: approve or reject".into())),
    };
    let slug = f.get("t");
    let t = selected_territory(&data, &AdminQuery { t: Some(slug.clone()), saved: None }).await?;
    let keys: Vec<(ActionId, ParticipantId)> = f
        .get_all("ids")
        .iter()
        .filter_map(|k| k.split_once('-'))
        .filter_map(|(a, p)| Some((ActionId(a.trim().parse().ok()?), ParticipantId(p.trim().parse().ok()?))))
        .collect();
    if keys.is_empty() {
        let mut page = build(&data, &ctx, &HeldQuery { t: Some(t.slug.clone()), ..HeldQuery::default() }).await?;
        page.alert = Some(ctx.tr.t("bulk-none-selected"));
        return Ok(crate::web::private(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?));
    }
    let (mut done, mut skipped) = (0, 0);
    for (action, participant) in keys {
        // Only this territory's actions: a forged pair of another territory is skipped.
        let mine = processing::actions::local_in(data.store.pool(), action).await.ok().and_then(|a| a.territory_id);
        if mine != Some(t.id) {
            skipped += 1;
            continue;
        }
        match action_participation::decide(&data, action, participant, approve, &account.email).await {
            Ok(()) => done += 1,
            Err(AppError::NotFound(_) | AppError::Conflict(_)) => skipped += 1,
            Err(e) => return Err(e),
        }
    }
    let what = if approve { "approved" } else { "declined" };
    let to = AdminPath::held_joins().of(&t.slug).with(what, done).with("skipped", skipped);
    Ok(Redirect::to(&to.to_string()).into_response())
}
