//! The admin console: territory settings and icon, followers (approve/reject), following,
//! domain blocks, accounts, instance settings, federation status, audit log. Every action is
//! recorded in the audit log; admin-only pages answer 403 to moderators.

use activitypub_federation::config::Data;
use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Multipart, Query},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{Layout, render_status, session::Ctx};
use crate::{
    domain::{
        account::{Role, parse_email},
        territory::{ActivityDomain, FollowState},
    },
    error::{AppError, AppResult},
    processing,
    security::{check_new_password, hash_password},
    state::AppState,
    storage::{
        follows::Direction,
        territories::{TerritoryRow, TerritoryUpdate},
    },
};

/// Largest icon accepted.
pub const MAX_ICON_BYTES: usize = 1024 * 1024;

pub fn router() -> Router {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/territory", get(territory_page).post(territory_save))
        .route("/admin/territory/icon", post(icon_upload).layer(DefaultBodyLimit::max(2 * MAX_ICON_BYTES)))
        .route("/admin/followers", get(followers_page))
        .route("/admin/followers/decide", post(followers_decide))
        .route("/admin/following", get(following_page).post(following_add))
        .route("/admin/following/unfollow", post(following_remove))
        .route("/admin/domains", get(domains_page).post(domains_block))
        .route("/admin/domains/unblock", post(domains_unblock))
        .route("/admin/accounts", get(accounts_page).post(accounts_create))
        .route("/admin/accounts/toggle", post(accounts_toggle))
        .route("/admin/instance", get(instance_page).post(instance_save))
        .route("/admin/audit", get(audit_page))
        .route("/admin/federation", get(federation_page))
        .route("/admin/signatures", get(signatures_page))
        .route("/admin/signatures/decide", post(signatures_decide))
        .route("/admin/signatures.csv", get(signatures_export))
        .route("/admin/signatures/withdraw", post(signatures_withdraw))
        .route("/admin/charter", get(charter_page).post(charter_import))
}

pub struct Table {
    title: String,
    headers: Vec<String>,
    rows: Vec<Row>,
    actions: Vec<Action>,
}

pub struct Row {
    key: String,
    cells: Vec<String>,
}

pub struct Action {
    action: String,
    field: &'static str,
    label: String,
    class: &'static str,
    extra_name: &'static str,
    extra_value: String,
}

pub struct FormDef {
    action: String,
    title: String,
    fields: Vec<Field>,
    submit: String,
}

pub struct Field {
    name: &'static str,
    label: String,
    kind: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "admin/page.html")]
struct AdminPage {
    l: Layout,
    is_admin: bool,
    slug: String,
    notice: Option<String>,
    alert: Option<String>,
    section: &'static str,
    welcome: String,
    t_name: String,
    t_summary: String,
    t_perimeter: String,
    t_manual: bool,
    t_welcome: bool,
    domain_choices: Vec<(&'static str, String, bool)>,
    icon_url: Option<String>,
    errors: Vec<(&'static str, String)>,
    tables: Vec<Table>,
    forms: Vec<FormDef>,
}

impl AdminPage {
    fn new(ctx: &Ctx, title_key: &str, section: &'static str, slug: &str) -> AdminPage {
        AdminPage {
            l: Layout::new(ctx, ctx.tr.t(title_key)),
            is_admin: ctx.is_admin(),
            slug: slug.to_string(),
            notice: None,
            alert: None,
            section,
            welcome: String::new(),
            t_name: String::new(),
            t_summary: String::new(),
            t_perimeter: String::new(),
            t_manual: false,
            t_welcome: true,
            domain_choices: vec![],
            icon_url: None,
            errors: vec![],
            tables: vec![],
            forms: vec![],
        }
    }

    fn error_for(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|(n, _)| *n == name).map(|(_, e)| e.clone())
    }
}

/// `application/x-www-form-urlencoded` pairs, repeated names kept (checkbox lists).
pub struct FormPairs(Vec<(String, String)>);

impl FormPairs {
    pub fn parse(body: &[u8]) -> FormPairs {
        FormPairs(url::form_urlencoded::parse(body).into_owned().collect())
    }
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub fn get_all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

#[derive(Debug, Deserialize)]
pub struct AdminQuery {
    t: Option<String>,
    saved: Option<String>,
}

/// The acting account (with at least `role`) and the posted form, its CSRF token checked.
fn posted(ctx: &Ctx, role: Role, body: &[u8]) -> AppResult<(crate::storage::accounts::AccountRow, FormPairs)> {
    let account = ctx.require(role)?.clone();
    let f = FormPairs::parse(body);
    ctx.check_csrf(&f.get("csrf"))?;
    Ok((account, f))
}

async fn selected_territory(state: &AppState, q: &AdminQuery) -> AppResult<TerritoryRow> {
    let slug = q.t.clone().unwrap_or_else(|| state.config.default_territory.to_string());
    match state.store.territory_by_slug(&slug).await? {
        Some(t) => Ok(t),
        None => {
            state.store.territories().await?.into_iter().next().ok_or_else(|| AppError::NotFound("territory".into()))
        }
    }
}

fn saved_notice(ctx: &Ctx, q: &AdminQuery) -> Option<String> {
    q.saved.as_ref().map(|_| ctx.tr.t("saved"))
}

fn back(path: &str) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}saved=1")).into_response()
}

async fn index(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    let account = ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-title", "index", &t.slug);
    let role = ctx.tr.t(if account.role() == Role::Admin { "role-admin" } else { "role-moderator" });
    page.welcome = ctx.tr.t_args("admin-welcome", &[("email", &account.email), ("role", &role)]);
    render_status(StatusCode::OK, &page)
}

fn territory_form(ctx: &Ctx, t: &TerritoryRow, page: &mut AdminPage) {
    let chosen = t.domain_list();
    page.t_name = t.name.clone();
    page.t_summary = t.summary.clone();
    page.t_perimeter = t.perimeter.clone();
    page.t_manual = t.manually_approves_followers.0;
    page.t_welcome = t.welcome_notes.0;
    page.icon_url = t.icon_media_id.map(|id| format!("/media/{id}"));
    page.domain_choices = ActivityDomain::ALL
        .iter()
        .map(|d| (d.code(), ctx.tr.t(&format!("domain-{}", d.code())), chosen.contains(d)))
        .collect();
}

async fn territory_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-territory", "territory", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    territory_form(&ctx, &t, &mut page);
    render_status(StatusCode::OK, &page)
}

async fn territory_save(
    data: Data<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let t = selected_territory(&data, &q).await?;
    let mut errors = vec![];
    let name = f.get("name");
    if crate::domain::territory::parse_name(&name).is_err() {
        errors.push(("name", ctx.tr.t("name-invalid")));
    }
    if crate::domain::territory::parse_summary(&f.get("summary")).is_err() {
        errors.push(("summary", ctx.tr.t("summary-invalid")));
    }
    if crate::domain::territory::parse_perimeter(&f.get("perimeter")).is_err() {
        errors.push(("perimeter", ctx.tr.t("perimeter-invalid")));
    }
    let domains = f.get_all("domains");
    if ActivityDomain::parse_list(domains.iter().map(String::as_str)).is_err() {
        return Err(AppError::Unprocessable("unknown domain".into()));
    }
    if !errors.is_empty() {
        let mut page = AdminPage::new(&ctx, "admin-territory", "territory", &t.slug);
        territory_form(&ctx, &t, &mut page);
        page.t_name = name;
        page.t_summary = f.get("summary");
        page.t_perimeter = f.get("perimeter");
        page.errors = errors;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let update = TerritoryUpdate {
        name: Some(name),
        summary: Some(f.get("summary")),
        perimeter: Some(f.get("perimeter")),
        domains: Some(domains.join(",")),
        manually_approves_followers: Some(f.get("manually_approves_followers") == "true"),
        discoverable: None,
        welcome_notes: Some(f.get("welcome_notes") == "true"),
    };
    processing::territories::update(&data, &t.slug, update, &account.email).await?;
    Ok(back(&format!("/admin/territory?t={}", t.slug)))
}

/// The image type of `bytes`, from its signature (the declared type is not trusted).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

async fn icon_upload(
    data: Data<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let account = ctx.require(Role::Admin)?.clone();
    let t = selected_territory(&data, &q).await?;
    let (mut csrf, mut file) = (String::new(), None);
    let mut too_large = false;
    while let Some(field) = multipart.next_field().await.map_err(|e| upload_error(&e))? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|e| upload_error(&e))?,
            Some("icon") => match field.bytes().await {
                Ok(b) if b.len() > MAX_ICON_BYTES => too_large = true,
                Ok(b) => file = Some(b),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large = true,
                Err(e) => return Err(upload_error(&e)),
            },
            _ => {}
        }
    }
    ctx.check_csrf(&csrf)?;
    let error = match (&file, too_large) {
        (_, true) => Some("icon-too-large"),
        (Some(b), false) if sniff_image(b).is_some() => None,
        _ => Some("icon-invalid"),
    };
    if let Some(key) = error {
        let mut page = AdminPage::new(&ctx, "admin-territory", "territory", &t.slug);
        territory_form(&ctx, &t, &mut page);
        page.errors = vec![("icon", ctx.tr.t(key))];
        let status = if too_large { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::UNPROCESSABLE_ENTITY };
        return render_status(status, &page);
    }
    let bytes = file.unwrap_or_default();
    let media = data.store.insert_media(sniff_image(&bytes).unwrap_or("application/octet-stream"), &bytes).await?;
    data.store.set_territory_icon(t.id, media).await?;
    // Followers learn the new icon through an Update of the actor.
    processing::territories::update(&data, &t.slug, TerritoryUpdate::default(), &account.email).await?;
    data.store.audit(&account.email, "territory.icon", &format!("{}: {} bytes", t.slug, bytes.len())).await?;
    Ok(back(&format!("/admin/territory?t={}", t.slug)))
}

fn upload_error(e: &axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest(e.body_text())
    }
}

fn action(
    path: &str,
    field: &'static str,
    label: String,
    class: &'static str,
    extra: (&'static str, String),
) -> Action {
    Action { action: path.to_string(), field, label, class, extra_name: extra.0, extra_value: extra.1 }
}

async fn followers_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-followers", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    for (state, title) in [(FollowState::Pending, "pending"), (FollowState::Accepted, "accepted")] {
        let rows = data.store.follows_page(Direction::Followers, t.id, state, 500, 0).await?;
        let actions = if state == FollowState::Pending {
            vec![
                action("/admin/followers/decide?decision=approve", "actor", tr.t("approve"), "", ("t", t.slug.clone())),
                action(
                    "/admin/followers/decide?decision=reject",
                    "actor",
                    tr.t("reject"),
                    "danger",
                    ("t", t.slug.clone()),
                ),
            ]
        } else {
            vec![]
        };
        page.tables.push(Table {
            title: tr.t(title),
            headers: vec![tr.t("follow-handle"), tr.t("when")],
            rows: rows
                .into_iter()
                .map(|f| Row { key: f.actor_ap_id.clone(), cells: vec![f.handle(), tr.datetime(f.created_at)] })
                .collect(),
            actions,
        });
    }
    render_status(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct DecisionQuery {
    decision: String,
}

async fn followers_decide(
    data: Data<AppState>,
    ctx: Ctx,
    Query(d): Query<DecisionQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, &body)?;
    let slug = f.get("t");
    let approve = match d.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::BadRequest("decision is approve or reject".into())),
    };
    let who = f.get("actor");
    processing::follows::decide_follower(&data, &slug, &who, approve).await?;
    let what = if approve { "follower.approve" } else { "follower.reject" };
    data.store.audit(&account.email, what, &format!("{slug}: {who}")).await?;
    Ok(back(&format!("/admin/followers?t={slug}")))
}

async fn following_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-following", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    let mut rows = vec![];
    for state in [FollowState::Accepted, FollowState::Pending] {
        for f in data.store.follows_page(Direction::Following, t.id, state, 500, 0).await? {
            let label = tr.t(if state == FollowState::Accepted { "accepted" } else { "pending" });
            rows.push(Row { key: f.actor_ap_id.clone(), cells: vec![f.handle(), label] });
        }
    }
    page.tables.push(Table {
        title: tr.t("admin-following"),
        headers: vec![tr.t("follow-handle"), tr.t("state")],
        rows,
        actions: vec![action(
            "/admin/following/unfollow",
            "actor",
            tr.t("unfollow"),
            "secondary",
            ("t", t.slug.clone()),
        )],
    });
    page.forms.push(FormDef {
        action: format!("/admin/following?t={}", t.slug),
        title: tr.t("follow-remote-title"),
        fields: vec![Field { name: "handle", label: tr.t("follow-handle"), kind: "text", value: String::new() }],
        submit: tr.t("follow-submit"),
    });
    render_status(StatusCode::OK, &page)
}

async fn following_add(
    data: Data<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let t = selected_territory(&data, &q).await?;
    let handle = f.get("handle");
    match processing::follows::follow_remote(&data, &t.slug, &handle).await {
        Ok(id) => {
            data.store.audit(&account.email, "following.add", &format!("{}: {id}", t.slug)).await?;
            Ok(back(&format!("/admin/following?t={}", t.slug)))
        }
        Err(e) => {
            tracing::info!(error = %e, "follow from the admin console failed");
            let mut res = following_page(data, ctx, Query(AdminQuery { t: Some(t.slug.clone()), saved: None })).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

async fn following_remove(data: Data<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let (slug, actor) = (f.get("t"), f.get("actor"));
    processing::follows::unfollow_remote(&data, &slug, &actor).await?;
    data.store.audit(&account.email, "following.remove", &format!("{slug}: {actor}")).await?;
    Ok(back(&format!("/admin/following?t={slug}")))
}

async fn domains_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(&ctx, "admin-domains", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    page.tables.push(Table {
        title: tr.t("admin-domains"),
        headers: vec![tr.t("domain"), tr.t("reason")],
        rows: data
            .store
            .domain_blocks()
            .await?
            .into_iter()
            .map(|(d, r)| Row { key: d.clone(), cells: vec![d, r] })
            .collect(),
        actions: vec![action("/admin/domains/unblock", "domain", tr.t("unblock"), "secondary", ("", String::new()))],
    });
    page.forms.push(FormDef {
        action: "/admin/domains".into(),
        title: tr.t("block"),
        fields: vec![
            Field { name: "domain", label: tr.t("domain"), kind: "text", value: String::new() },
            Field { name: "reason", label: tr.t("reason"), kind: "text", value: String::new() },
        ],
        submit: tr.t("block"),
    });
    render_status(StatusCode::OK, &page)
}

async fn domains_block(data: Data<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let domain = f.get("domain").trim().trim_start_matches("https://").trim_end_matches('/').to_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !valid {
        let mut res = domains_page(data, ctx, Query(AdminQuery { t: None, saved: None })).await?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let reason: String = f.get("reason").chars().take(500).collect();
    let dropped = processing::domains::block(&data, &domain, &reason).await?;
    data.store.audit(&account.email, "domain.block", &format!("{domain} ({dropped} deliveries dropped)")).await?;
    Ok(back("/admin/domains"))
}

async fn domains_unblock(data: Data<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let domain = f.get("domain");
    processing::domains::unblock(&data, &domain).await?;
    data.store.audit(&account.email, "domain.unblock", &domain).await?;
    Ok(back("/admin/domains"))
}

fn account_form(ctx: &Ctx, email: String) -> FormDef {
    let tr = ctx.tr;
    FormDef {
        action: "/admin/accounts".into(),
        title: tr.t("create-account"),
        fields: vec![
            Field { name: "email", label: tr.t("email"), kind: "email", value: email },
            Field { name: "role", label: tr.t("role"), kind: "role", value: String::new() },
            Field { name: "password", label: tr.t("password"), kind: "password", value: String::new() },
        ],
        submit: tr.t("create-account"),
    }
}

async fn accounts_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(&ctx, "admin-accounts", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(&ctx, &q);
    accounts_tables(&data, &ctx, &mut page).await?;
    page.forms.push(account_form(&ctx, String::new()));
    render_status(StatusCode::OK, &page)
}

async fn accounts_tables(data: &AppState, ctx: &Ctx, page: &mut AdminPage) -> AppResult<()> {
    let tr = ctx.tr;
    let rows = data
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|a| {
            let role = tr.t(if a.role() == Role::Admin { "role-admin" } else { "role-moderator" });
            let state = if a.disabled.0 { tr.t("disabled") } else { String::new() };
            Row { key: a.id.to_string(), cells: vec![a.email, role, state] }
        })
        .collect();
    page.tables.push(Table {
        title: tr.t("admin-accounts"),
        headers: vec![tr.t("email"), tr.t("role"), tr.t("state")],
        rows,
        actions: vec![action(
            "/admin/accounts/toggle",
            "id",
            format!("{} / {}", tr.t("disable"), tr.t("enable")),
            "secondary",
            ("", String::new()),
        )],
    });
    Ok(())
}

async fn accounts_create(data: Data<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let mut errors = vec![];
    let email = parse_email(&f.get("email"));
    if email.is_err() {
        errors.push(("email", ctx.tr.t("email-invalid")));
    }
    let role = Role::parse(&f.get("role")).ok_or_else(|| AppError::Unprocessable("unknown role".into()))?;
    let password = f.get("password");
    if let Err(key) = check_new_password(&password) {
        errors.push(("password", ctx.tr.t(key)));
    }
    if let (Ok(email), true) = (&email, errors.is_empty()) {
        let hash =
            tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(AppError::internal)??;
        match data.store.create_account(email, &hash, role).await {
            Ok(_) => {
                data.store.audit(&account.email, "account.create", &format!("{email} as {}", role.as_str())).await?;
                return Ok(back("/admin/accounts"));
            }
            Err(AppError::Conflict(_)) => errors.push(("email", ctx.tr.t("account-exists"))),
            Err(e) => return Err(e),
        }
    }
    let mut page = AdminPage::new(&ctx, "admin-accounts", "tables", &data.config.default_territory.to_string());
    accounts_tables(&data, &ctx, &mut page).await?;
    page.forms.push(account_form(&ctx, f.get("email")));
    page.errors = errors;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn accounts_toggle(data: Data<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let (me, f) = posted(&ctx, Role::Admin, &body)?;
    let id: i64 = f.get("id").parse().map_err(|_| AppError::BadRequest("id".into()))?;
    if id == me.id {
        return Err(AppError::Conflict("you cannot disable your own account".into()));
    }
    let target = data
        .store
        .accounts()
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::NotFound("account".into()))?;
    data.store.set_account_disabled(id, !target.disabled.0).await?;
    let what = if target.disabled.0 { "account.enable" } else { "account.disable" };
    data.store.audit(&me.email, what, &target.email).await?;
    Ok(back("/admin/accounts"))
}

async fn instance_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let mut page = AdminPage::new(&ctx, "admin-instance", "tables", &data.config.default_territory.to_string());
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    page.forms.push(FormDef {
        action: "/admin/instance".into(),
        title: tr.t("admin-instance"),
        fields: vec![
            Field {
                name: "contact",
                label: tr.t("instance-contact"),
                kind: "email",
                value: data.store.setting("contact").await?.unwrap_or_default(),
            },
            Field {
                name: "rules",
                label: tr.t("instance-rules"),
                kind: "textarea",
                value: data.store.setting("rules").await?.unwrap_or_default(),
            },
        ],
        submit: tr.t("save"),
    });
    render_status(StatusCode::OK, &page)
}

async fn instance_save(data: Data<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let contact = f.get("contact");
    if !contact.trim().is_empty() && parse_email(&contact).is_err() {
        return Err(AppError::Unprocessable("email-invalid".into()));
    }
    data.store.set_setting("contact", contact.trim()).await?;
    data.store.set_setting("rules", &f.get("rules").chars().take(10_000).collect::<String>()).await?;
    data.store.audit(&account.email, "instance.update", "contact, rules").await?;
    Ok(back("/admin/instance"))
}

async fn audit_page(data: Data<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let mut page = AdminPage::new(&ctx, "admin-audit", "tables", &data.config.default_territory.to_string());
    let tr = ctx.tr;
    page.tables.push(Table {
        title: tr.t("admin-audit"),
        headers: vec![tr.t("when"), tr.t("who"), tr.t("what"), tr.t("detail")],
        rows: data
            .store
            .audit_page(200, 0)
            .await?
            .into_iter()
            .map(|a| Row { key: a.id.to_string(), cells: vec![tr.datetime(a.created_at), a.actor, a.action, a.detail] })
            .collect(),
        actions: vec![],
    });
    render_status(StatusCode::OK, &page)
}

async fn federation_page(data: Data<AppState>, ctx: Ctx) -> AppResult<Response> {
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
    page.tables.push(Table {
        title: tr.t("admin-federation"),
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
    render_status(StatusCode::OK, &page)
}

async fn signatures_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-signatures", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    let waiting = data.store.signatories_by_status(t.id, "confirmed").await?;
    page.tables.push(Table {
        title: tr.t("pending"),
        headers: vec![tr.t("field-signatory-name"), tr.t("sign-kind"), tr.t("field-commune"), tr.t("when")],
        rows: waiting
            .into_iter()
            .map(|s| Row {
                key: s.id.to_string(),
                cells: vec![s.name, tr.t(&format!("kind-{}", s.kind)), s.commune, tr.datetime(s.created_at)],
            })
            .collect(),
        actions: vec![action(
            "/admin/signatures/decide?decision=approve",
            "id",
            tr.t("approve"),
            "",
            ("t", t.slug.clone()),
        )],
    });
    page.forms.push(FormDef {
        action: format!("/admin/signatures/decide?decision=reject&t={}", t.slug),
        title: tr.t("reject"),
        fields: vec![
            Field { name: "id", label: "N°".into(), kind: "text", value: String::new() },
            Field { name: "reason", label: tr.t("reject-reason"), kind: "textarea", value: String::new() },
        ],
        submit: tr.t("reject"),
    });
    if ctx.is_admin() {
        page.forms.push(FormDef {
            action: format!("/admin/signatures/withdraw?t={}", t.slug),
            title: tr.t("manage-withdraw"),
            fields: vec![Field { name: "id", label: "N°".into(), kind: "text", value: String::new() }],
            submit: tr.t("withdraw"),
        });
    }
    let approved = data.store.signatories_by_status(t.id, "approved").await?;
    page.tables.push(Table {
        title: tr.t("accepted"),
        headers: vec!["N°".into(), tr.t("field-signatory-name"), tr.t("sign-kind"), tr.t("field-commune")],
        rows: approved
            .into_iter()
            .map(|s| Row {
                key: s.id.to_string(),
                cells: vec![s.id.to_string(), s.name, tr.t(&format!("kind-{}", s.kind)), s.commune],
            })
            .collect(),
        actions: vec![],
    });
    render_status(StatusCode::OK, &page)
}

async fn signatures_decide(
    data: Data<AppState>,
    ctx: Ctx,
    Query(d): Query<DecisionQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Moderator, &body)?;
    let id: i64 = f.get("id").trim().parse().map_err(|_| AppError::Unprocessable("id: a signature number".into()))?;
    let approve = d.decision == "approve";
    processing::signatures::decide(&data, id, approve, &f.get("reason"), &account.email, ctx.tr).await?;
    let slug = f.get("t");
    Ok(back(&format!("/admin/signatures?t={slug}")))
}

/// The one place contact details leave the instance: a CSV for administrators, audited.
async fn signatures_export(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    let account = ctx.require(Role::Admin)?.clone();
    let t = selected_territory(&data, &q).await?;
    use super::charter::csv_line;
    let mut out = csv_line(&[
        "id",
        "status",
        "kind",
        "name",
        "roles",
        "legal_form",
        "domains",
        "website",
        "commune",
        "representative_name",
        "representative_role",
        "email",
        "phone",
        "postal_address",
        "listed",
        "created_at",
    ]);
    let rows = data.store.signatories_private(t.id).await?;
    for s in &rows {
        let created = crate::domain::millis_to_datetime(s.created_at).to_rfc3339();
        let listed = if s.listed != 0 { "yes" } else { "no" };
        out.push_str(&csv_line(&[
            &s.id.to_string(),
            &s.status,
            &s.kind,
            &s.name,
            &s.roles,
            &s.legal_form,
            &s.domains,
            &s.website,
            &s.commune,
            &s.representative_name,
            &s.representative_role,
            s.email.as_deref().unwrap_or(""),
            s.phone.as_deref().unwrap_or(""),
            s.postal_address.as_deref().unwrap_or(""),
            listed,
            &created,
        ]));
    }
    data.store.audit(&account.email, "signatures.export_contacts", &format!("{}: {} rows", t.slug, rows.len())).await?;
    let mut res = out.into_response();
    res.headers_mut()
        .insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("text/csv; charset=utf-8"));
    res.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Withdrawal on the signer's request, by an administrator (recorded without personal data).
async fn signatures_withdraw(
    data: Data<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let id: i64 = f.get("id").trim().parse().map_err(|_| AppError::Unprocessable("id: a signature number".into()))?;
    processing::signatures::withdraw(&data, id, &account.email).await?;
    Ok(back(&format!("/admin/signatures?t={}", q.t.unwrap_or_default())))
}

async fn charter_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "charter-title", "tables", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    let tr = ctx.tr;
    page.tables.push(Table {
        title: tr.t("charter-versions"),
        headers: vec![tr.t("charter-title"), tr.t("when")],
        rows: data
            .store
            .charters(t.id)
            .await?
            .into_iter()
            .map(|c| Row { key: c.version.clone(), cells: vec![c.version, tr.datetime(c.published_at)] })
            .collect(),
        actions: vec![],
    });
    page.forms.push(FormDef {
        action: format!("/admin/charter?t={}", t.slug),
        title: tr.t("charter-import"),
        fields: vec![
            Field { name: "version", label: tr.t("charter-version-label"), kind: "text", value: String::new() },
            Field { name: "content", label: tr.t("charter-content"), kind: "textarea", value: String::new() },
        ],
        submit: tr.t("save"),
    });
    render_status(StatusCode::OK, &page)
}

async fn charter_import(
    data: Data<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    body: Bytes,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, &body)?;
    let t = selected_territory(&data, &q).await?;
    processing::signatures::import_charter(&data, &t.slug, &f.get("content"), &f.get("version"), &account.email)
        .await?;
    Ok(back(&format!("/admin/charter?t={}", t.slug)))
}
