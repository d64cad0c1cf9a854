//! Admin console: instance-to-instance subscriptions (issue 13, point 7). Our subscriptions
//! (whole instances, LitePub relays) with a form for each, the instances subscribed to ours
//! (approve or refuse those waiting when `subscribers_by_hand` is set), and the remote
//! territories learned through a subscription, with the subscription they came by.

use super::*;
use crate::domain::subscription::SubscriptionKind;

pub(super) async fn page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    view(&data, &ctx, &q, None).await
}

/// The page; `failed` is the field, what was typed and why it failed (422 beside the field).
async fn view(
    data: &AppState,
    ctx: &Ctx,
    q: &AdminQuery,
    failed: Option<(&'static str, String, String)>,
) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(ctx, "admin-subscriptions", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(ctx, q);
    let tr = ctx.tr;
    page.intro = tr.t("subscriptions-intro");
    let state_word = |s: FollowState| tr.t(if s == FollowState::Accepted { "accepted" } else { "pending" });
    let kind_word = |k: SubscriptionKind| {
        tr.t(if k == SubscriptionKind::Relay { "subscription-relay" } else { "subscription-instance" })
    };
    page.tables.push(Table {
        empty: tr.t("subscriptions-empty"),
        title: tr.t("subscriptions-ours"),
        headers: vec![tr.t("subscription-actor"), tr.t("subscription-kind"), tr.t("state"), tr.t("when")],
        rows: data
            .store
            .subscriptions()
            .await?
            .into_iter()
            .map(|s| Row {
                key: s.actor_ap_id.clone(),
                cells: vec![s.actor_ap_id, kind_word(s.kind), state_word(s.state), tr.datetime(s.created_at)],
            })
            .collect(),
        actions: vec![
            action(
                &AdminPath::subscriptions_remove().to_string(),
                "actor",
                tr.t("unsubscribe"),
                "secondary",
                ("", String::new()),
            )
            .confirming(tr.t("confirm-unsubscribe")),
        ],
    });
    let subscribers = data.store.subscribers().await?;
    for state in [FollowState::Pending, FollowState::Accepted] {
        let actions = if state == FollowState::Pending {
            vec![
                action(
                    &AdminPath::subscriptions_decide("approve").to_string(),
                    "actor",
                    tr.t("approve"),
                    "",
                    ("", String::new()),
                ),
                action(
                    &AdminPath::subscriptions_decide("reject").to_string(),
                    "actor",
                    tr.t("reject"),
                    "danger",
                    ("", String::new()),
                )
                .confirming(tr.t("confirm-reject-subscriber")),
            ]
        } else {
            vec![]
        };
        page.tables.push(Table {
            empty: tr.t("subscribers-empty"),
            title: tr.t(if state == FollowState::Pending { "subscribers-pending" } else { "subscribers-accepted" }),
            headers: vec![tr.t("subscription-actor"), tr.t("when")],
            rows: subscribers
                .iter()
                .filter(|s| s.state == state)
                .map(|s| Row {
                    key: s.actor_ap_id.clone(),
                    cells: vec![s.actor_ap_id.clone(), tr.datetime(s.created_at)],
                })
                .collect(),
            actions,
        });
    }
    page.tables.push(Table {
        empty: tr.t("learned-empty"),
        title: tr.t("learned-territories"),
        headers: vec![tr.t("learned-territory"), tr.t("learned-via"), tr.t("when")],
        rows: data
            .store
            .learned_territories()
            .await?
            .into_iter()
            .map(|t| Row {
                key: t.actor_ap_id.clone(),
                cells: vec![t.name.unwrap_or(t.actor_ap_id), t.via_ap_id, tr.datetime(t.first_seen_at)],
            })
            .collect(),
        actions: vec![],
    });
    for (name, title, submit) in
        [("instance", "subscribe-title", "subscribe-submit"), ("relay", "relay-add-title", "relay-add-submit")]
    {
        page.forms.push(FormDef {
            action: AdminPath::subscriptions().with("kind", name).into(),
            title: tr.t(title),
            fields: vec![Field {
                name,
                label: tr.t(if name == "relay" { "relay-url" } else { "subscribe-target" }),
                kind: "text",
                value: failed.as_ref().filter(|(f, _, _)| *f == name).map(|(_, v, _)| v.clone()).unwrap_or_default(),
            }],
            submit: tr.t(submit),
        });
    }
    let status = match failed {
        Some((field, _, reason)) => {
            page.errors = vec![(field, tr.t_with("subscribe-failed", "reason", &reason))];
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    render_status(status, &page)
}

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: String,
}

pub(super) async fn add(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(k): Query<KindQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let (field, kind) = match k.kind.as_str() {
        "relay" => ("relay", SubscriptionKind::Relay),
        _ => ("instance", SubscriptionKind::Instance),
    };
    let target = f.get(field);
    let q = AdminQuery { t: None, saved: None };
    if target.trim().is_empty() {
        return view(&data, &ctx, &q, Some((field, target, ctx.tr.t("subscribe-empty-target")))).await;
    }
    match processing::subscriptions::subscribe(&data.federation()?, &target, kind, &account.email).await {
        Ok(_) => Ok(back(AdminPath::subscriptions())),
        Err(e) => {
            // The operator sees which URL answered what (status, parse error), never a body.
            tracing::info!(error = %e, "subscription from the admin console failed");
            view(&data, &ctx, &q, Some((field, target.clone(), e.detail()))).await
        }
    }
}

pub(super) async fn remove(
    State(data): State<AppState>,
    ctx: Ctx,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    processing::subscriptions::unsubscribe(&data, &f.get("actor"), &account.email).await?;
    Ok(back(AdminPath::subscriptions()))
}

pub(super) async fn decide(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(d): Query<network::DecisionQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
    let approve = d.approve()?;
    processing::subscriptions::decide_subscriber(&data, &f.get("actor"), approve, &account.email).await?;
    Ok(back(AdminPath::subscriptions()))
}
