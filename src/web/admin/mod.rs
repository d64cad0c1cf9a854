//! The admin console: territory settings and icon, followers (approve/reject), following,
//! domain blocks, accounts, instance settings, federation status, audit log. Every action is
//! recorded in the audit log; admin-only pages answer 403 to moderators.

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{Layout, render_status, session::Ctx};
use crate::{
    domain::{
        account::{Role, parse_email},
        admin_paths::AdminPath,
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
    web::csrf_form::CsrfForm,
};

mod audit;
mod coorganisation;
mod dashboard;
mod held_joins;
mod indicators;
mod listing;
mod moderation;
mod network;
mod people;
mod practices;
mod reports;
mod signature_detail;

pub use practices::structures as practices_structures;
pub use reports::domain_blocks_csv;
mod signatures;
mod subscriptions;

/// Largest icon accepted.
pub const MAX_ICON_BYTES: usize = 1024 * 1024;

/// Largest upload request read: well above [`MAX_ICON_BYTES`], so that a photo straight from a
/// phone is read to its end and answered with the form and its error, not a bare refusal: a
/// server that answers before it has read the request closes a connection the browser is still
/// writing to, and the browser then shows a reset instead of the answer. Only an admin's session
/// gets this far (the role is checked before the body is read).
const MAX_ICON_REQUEST: usize = 64 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/reports", get(reports::list_page))
        .route("/admin/reports/settings", post(reports::settings))
        .route("/admin/reports/{id}", get(reports::report_page))
        .route("/admin/reports/{id}/decide", post(reports::decide))
        .route("/admin/reports/{id}/forward", post(reports::forward))
        .route("/admin/domains.csv", get(reports::domains_export))
        .route("/admin/domains/import", post(reports::domains_import))
        .route("/admin", get(dashboard::dashboard))
        .route("/admin/territory", get(territory_page).post(territory_save))
        .route("/admin/territory/icon", post(icon_upload).layer(DefaultBodyLimit::max(MAX_ICON_REQUEST)))
        .route("/admin/followers", get(network::followers_page))
        .route("/admin/followers/decide", post(network::followers_decide))
        .route("/admin/followers/signataires", post(network::signatory_followers_decide))
        .route("/admin/invitations", get(coorganisation::invitations_page))
        .route("/admin/invitations/decide", post(coorganisation::invitations_decide))
        .route("/admin/following", get(network::following_page).post(network::following_add))
        .route("/admin/following/unfollow", post(network::following_remove))
        .route("/admin/domains", get(network::domains_page).post(network::domains_block))
        .route("/admin/domains/unblock", post(network::domains_unblock))
        .route("/admin/accounts", get(people::accounts_page).post(people::accounts_create))
        .route("/admin/accounts/toggle", post(people::accounts_toggle))
        .route("/admin/instance", get(people::instance_page).post(people::instance_save))
        .route("/admin/audit", get(audit::audit_page))
        .route("/admin/federation", get(network::federation_page))
        .route("/admin/signatures", get(moderation::signatures_page))
        .route("/admin/signatures/decide", post(moderation::signatures_decide))
        .route("/admin/signatures/bulk", post(moderation::signatures_bulk))
        .route("/admin/signatures/{id}", get(moderation::signature_page))
        .route("/admin/signatures.csv", get(signatures::signatures_export))
        .route("/admin/signatures/withdraw", post(signatures::signatures_withdraw))
        .route("/admin/pratiques", get(practices::list_page))
        .route("/admin/pratiques/nouvelle", get(practices::new_page).post(practices::new_save))
        .route("/admin/pratiques/{id}", get(practices::edit_page).post(practices::edit_save))
        .route("/admin/charter", get(signatures::charter_page).post(signatures::charter_import))
        .route("/admin/signature/{id}", get(signatures::signature_export).post(signatures::signature_edit))
        .route("/admin/abonnements", get(subscriptions::page).post(subscriptions::add))
        .route("/admin/abonnements/retirer", post(subscriptions::remove))
        .route("/admin/abonnements/decider", post(subscriptions::decide))
        .route("/admin/actions/attente", get(held_joins::page).post(held_joins::decide))
        .route("/admin/indicateurs", get(indicators::page).post(indicators::map))
}

pub struct Table {
    /// What an empty table means, in words (empty: the generic "None.").
    empty: String,
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
    /// A destructive action asks first: the button sits inside a `<details>` whose summary is
    /// the action and whose text is this question (works without JavaScript).
    confirm: Option<String>,
}

impl Action {
    fn confirming(mut self, question: String) -> Action {
        self.confirm = Some(question);
        self
    }
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
    /// The territory's fediverse address, `@slug@host`.
    t_handle: String,
    errors: Vec<(&'static str, String)>,
    /// A sentence under the title saying what the page is for.
    intro: String,
    tables: Vec<Table>,
    forms: Vec<FormDef>,
    /// Options of a `choice` field: (value, label).
    choices: Vec<(String, String)>,
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
            t_handle: String::new(),
            errors: vec![],
            intro: String::new(),
            tables: vec![],
            forms: vec![],
            choices: vec![],
        }
    }

    fn error_for(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|(n, _)| *n == name).map(|(_, e)| e.clone())
    }

    /// The largest icon, as people read sizes ("1 Mo").
    fn icon_max(&self) -> String {
        super::numbers::bytes(MAX_ICON_BYTES as u64, self.l.tr.lang)
    }
}

pub use super::csrf_form::FormPairs;

#[derive(Debug, Deserialize)]
pub struct AdminQuery {
    t: Option<String>,
    saved: Option<String>,
}

/// The acting account (with at least `role`: 401 or 403 first) and the posted form (its CSRF
/// token checked by `CsrfForm`).
fn posted(
    ctx: &Ctx,
    role: Role,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<(crate::storage::accounts::AccountRow, FormPairs)> {
    let account = ctx.require(role)?.clone();
    let CsrfForm(f) = form?;
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

/// Back to the console page `to`, saying it was saved.
fn back(to: AdminPath) -> Response {
    Redirect::to(&to.with("saved", 1).to_string()).into_response()
}

fn territory_form(state: &AppState, ctx: &Ctx, t: &TerritoryRow, page: &mut AdminPage) {
    page.t_handle = format!("@{}@{}", t.slug, state.config.authority());
    let chosen = t.domain_list();
    page.t_name = t.name.clone();
    page.t_summary = t.summary.clone();
    page.t_perimeter = t.perimeter.clone();
    page.t_manual = t.manually_approves_followers.0;
    page.t_welcome = t.welcome_notes.0;
    page.icon_url = t.icon_media_id.map(|id| state.urls.media(id).path().to_string());
    page.domain_choices = ActivityDomain::ALL
        .iter()
        .map(|d| (d.code(), ctx.tr.t(&format!("domain-{}", d.code())), chosen.contains(d)))
        .collect();
}

async fn territory_page(State(data): State<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    ctx.require(Role::Admin)?;
    let t = selected_territory(&data, &q).await?;
    let mut page = AdminPage::new(&ctx, "admin-territory", "territory", &t.slug);
    page.notice = saved_notice(&ctx, &q);
    territory_form(&data, &ctx, &t, &mut page);
    render_status(StatusCode::OK, &page)
}

async fn territory_save(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (account, f) = posted(&ctx, Role::Admin, form)?;
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
        territory_form(&data, &ctx, &t, &mut page);
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
    Ok(back(AdminPath::territory().of(&t.slug)))
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
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AdminQuery>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let account = ctx.require(Role::Admin)?.clone();
    let t = selected_territory(&data, &q).await?;
    let (mut csrf, mut file) = (String::new(), None);
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // Beyond even the request limit: still the form, with its error.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(e) => return Err(upload_error(&e)),
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|e| upload_error(&e))?,
            Some("icon") => match read_bounded(field, MAX_ICON_BYTES).await {
                Ok(Some(b)) => file = Some(b),
                Ok(None) => too_large = true,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large = true,
                Err(e) => return Err(upload_error(&e)),
            },
            _ => {}
        }
    }
    // A request cut short by the limit may have lost its token: the session still proves who
    // asks, and nothing is stored, so the form with its error is shown without it.
    if !(too_large && csrf.is_empty()) {
        ctx.check_csrf(&csrf)?;
    }
    let error = match (&file, too_large) {
        (_, true) => Some("icon-too-large"),
        (Some(b), false) if sniff_image(b).is_some() => None,
        _ => Some("icon-invalid"),
    };
    if let Some(key) = error {
        let mut page = AdminPage::new(&ctx, "admin-territory", "territory", &t.slug);
        territory_form(&data, &ctx, &t, &mut page);
        let max = page.icon_max();
        page.errors = vec![("icon", ctx.tr.t_with(key, "max", &max))];
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let bytes = file.unwrap_or_default();
    // Stored, set and sent to followers (an Update of the actor) with its audit entry, in one change.
    let content_type = sniff_image(&bytes).unwrap_or("application/octet-stream");
    processing::territories::set_icon(&data, &t.slug, content_type, &bytes, &account.email).await?;
    Ok(back(AdminPath::territory().of(&t.slug)))
}

/// A file field's bytes, read chunk by chunk: None once it passes `max` (the rest of the field
/// is read and dropped, so the browser gets the answer instead of a reset connection).
async fn read_bounded(
    mut field: axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<Option<Bytes>, axum::extract::multipart::MultipartError> {
    let mut buf = Vec::new();
    let mut over = false;
    while let Some(chunk) = field.chunk().await? {
        if over || buf.len() + chunk.len() > max {
            over = true;
            continue;
        }
        buf.extend_from_slice(&chunk);
    }
    Ok((!over).then(|| Bytes::from(buf)))
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
    Action { action: path.to_string(), field, label, class, extra_name: extra.0, extra_value: extra.1, confirm: None }
}
