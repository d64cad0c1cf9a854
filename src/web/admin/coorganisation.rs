//! Admin console: invitations to co-organise shared actions (issue 12, point 7). Received by
//! the territory: accept or decline; in force: withdraw; sent by it: withdraw. The same use
//! cases as the API (`processing::action_coorganisation`), each audited.

use super::*;
use crate::domain::coorganisation::{InvitationDirection, InvitationState};

pub(super) async fn invitations_page(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-invitations", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    let all: Vec<_> = data
        .store
        .invitations_of_territory(t.id)
        .await?
        .into_iter()
        .filter(|(i, _)| i.state != InvitationState::Declined)
        .collect();
    let row = |(i, title): &(crate::storage::action_invitations::InvitationRow, String)| Row {
        key: format!("{}:{}", i.action_id, i.id),
        cells: vec![
            title.clone(),
            i.actor.clone(),
            tr.t(&format!("invitation-{}", i.state.as_str())),
            tr.datetime(i.created_at),
        ],
    };
    let headers = || vec![tr.t("invitation-action"), tr.t("invitation-territory"), tr.t("state"), tr.t("when")];
    let pick = |d: InvitationDirection, s: &[InvitationState]| -> Vec<Row> {
        all.iter().filter(|(i, _)| i.direction == d && s.contains(&i.state)).map(row).collect()
    };
    let decide = |what: &str, label: &str, class: &'static str| {
        action(
            &AdminPath::invitations_decide(what).to_string(),
            "invitation",
            tr.t(label),
            class,
            ("t", t.slug.clone()),
        )
    };
    page.tables.push(Table {
        empty: tr.t("invitations-empty"),
        title: tr.t("invitations-received"),
        headers: headers(),
        rows: pick(InvitationDirection::Received, &[InvitationState::Pending]),
        actions: vec![decide("accept", "approve", ""), decide("decline", "reject", "danger")],
    });
    page.tables.push(Table {
        empty: tr.t("invitations-empty"),
        title: tr.t("invitations-in-force"),
        headers: headers(),
        rows: pick(InvitationDirection::Received, &[InvitationState::Accepted])
            .into_iter()
            .chain(pick(InvitationDirection::Sent, &[InvitationState::Pending, InvitationState::Accepted]))
            .collect(),
        actions: vec![
            decide("withdraw", "invitation-withdraw", "secondary").confirming(tr.t("confirm-invitation-withdraw")),
        ],
    });
    render_status(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct InvitationDecision {
    pub(super) decision: String,
}

pub(super) async fn invitations_decide(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(d): Query<InvitationDecision>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, form)?;
    let slug = f.get("t");
    let key = f.get("invitation");
    let (action_id, id) = key
        .split_once(':')
        .and_then(|(a, i)| Some((crate::domain::ids::ActionId(a.parse::<i64>().ok()?), i.parse::<i64>().ok()?)))
        .ok_or_else(|| AppError::BadRequest("invitation is <action>:<invitation>".into()))?;
    let co = processing::action_coorganisation::answer;
    match d.decision.as_str() {
        "accept" => co(&data, action_id, id, true, &account.email).await?,
        "decline" => co(&data, action_id, id, false, &account.email).await?,
        "withdraw" => processing::action_coorganisation::withdraw(&data, action_id, id, &account.email).await?,
        _ => return Err(AppError::BadRequest("decision is accept, decline or withdraw".into())),
    }
    Ok(back(AdminPath::invitations().of(&slug)))
}
