//! Login, logout, password reset by mail.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{
    Layout,
    links::{redirect_target, same_origin_path},
    render, render_status,
    session::{Ctx, SESSION_COOKIE, SESSION_TTL_MS, set_cookie},
};
use crate::{
    domain::{account::parse_email, admin_paths::AdminPath, now_millis},
    error::{AppError, AppResult},
    mail::{Mail, send},
    security::{check_new_password, hash_password, hash_token, new_token, verify_password},
    state::AppState,
    web::csrf_form::CsrfForm,
};

/// At most this many failed logins per client address or per account in `WINDOW_MS`.
pub const MAX_FAILURES: i64 = 5;
const WINDOW_MS: i64 = 15 * 60 * 1000;
const RESET_TTL_MS: i64 = 3600 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    mode: &'static str,
    error: Option<String>,
    notice: Option<String>,
    email: String,
    next: String,
    token: String,
}

impl LoginPage {
    fn new(ctx: &Ctx, mode: &'static str, title: &str) -> LoginPage {
        LoginPage {
            l: Layout::new(ctx, ctx.tr.t(title)),
            mode,
            error: None,
            notice: None,
            email: String::new(),
            next: String::new(),
            token: String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn encoded(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    let mut page = LoginPage::new(&ctx, "login", "login-title");
    page.next = q.next.as_deref().and_then(same_origin_path).map(|n| encoded(&n)).unwrap_or_default();
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

async fn login(
    State(data): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let email = f.email.trim().to_lowercase();
    let keys = vec![format!("ip:{}", ctx.client), format!("email:{email}")];
    let mut page = LoginPage::new(&ctx, "login", "login-title");
    page.email = email.chars().take(254).collect();
    page.next = q.next.as_deref().and_then(same_origin_path).map(|n| encoded(&n)).unwrap_or_default();
    if data.store.login_failures_since(&keys, now_millis() - WINDOW_MS).await? >= MAX_FAILURES {
        data.store.record_login_failure(&keys).await?;
        page.error = Some(ctx.tr.t("login-throttled"));
        return render_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let account = data.store.account_by_email(&email).await?;
    // Same answer, and an Argon2 verification either way, whatever went wrong.
    let hash = account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(dummy_hash);
    let password_ok = tokio::task::spawn_blocking({
        let password = f.password.clone();
        move || verify_password(&password, &hash)
    })
    .await
    .map_err(AppError::internal)?;
    let account = match account {
        Some(a) if password_ok && !a.disabled.0 => a,
        _ => {
            data.store.record_login_failure(&keys).await?;
            page.error = Some(ctx.tr.t("login-failed"));
            return render_status(StatusCode::UNAUTHORIZED, &page);
        }
    };
    let token = new_token()?;
    crate::processing::accounts::open_session(&data, &account, &hash_token(&token), &new_token()?, SESSION_TTL_MS)
        .await?;
    let target = redirect_target(q.next.as_deref(), AdminPath::dashboard().path());
    let mut res = Redirect::to(&target).into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&data, SESSION_COOKIE, &token, SESSION_TTL_MS / 1000));
    Ok(res)
}

/// A valid hash of a random password, so that unknown accounts cost the same time.
fn dummy_hash() -> String {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password(&new_token().unwrap_or_default()).unwrap_or_default());
    DUMMY.clone()
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {}

async fn logout(State(data): State<AppState>, ctx: Ctx, CsrfForm(_): CsrfForm<LogoutForm>) -> AppResult<Response> {
    if let Some(h) = &ctx.session_hash {
        data.store.delete_session(h).await?;
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&data, SESSION_COOKIE, "", 0));
    Ok(res)
}

async fn forgot_page(ctx: Ctx) -> AppResult<Response> {
    render(&LoginPage::new(&ctx, "forgot", "forgot-title"))
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    email: String,
}

async fn forgot(State(data): State<AppState>, ctx: Ctx, CsrfForm(f): CsrfForm<ForgotForm>) -> AppResult<Response> {
    let mut page = LoginPage::new(&ctx, "login", "login-title");
    page.notice = Some(ctx.tr.t("forgot-sent"));
    let Ok(email) = parse_email(&f.email) else { return render(&page) };
    let key = vec![format!("reset:{email}")];
    // At most a few mails per hour to one address, whoever asks.
    if data.store.login_failures_since(&key, now_millis() - RESET_TTL_MS).await? >= MAX_FAILURES {
        return render(&page);
    }
    if let Some(account) = data.store.account_by_email(&email).await?.filter(|a| !a.disabled.0) {
        let token = new_token()?;
        crate::processing::accounts::request_password_reset(&data, &account, &key, &hash_token(&token), RESET_TTL_MS)
            .await?;
        let mut link = data.urls.password_reset();
        link.set_query(Some(&format!("token={token}")));
        let body = ctx.tr.t_with("reset-mail-body", "link", link.as_str());
        send(&data, Mail { to: &account.email, subject: &ctx.tr.t("reset-mail-subject"), body: &body }).await?;
    }
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn reset_page(ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let mut page = LoginPage::new(&ctx, "reset", "reset-title");
    page.token =
        q.token.unwrap_or_default().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    token: String,
    password: String,
}

async fn reset(State(data): State<AppState>, ctx: Ctx, CsrfForm(f): CsrfForm<ResetForm>) -> AppResult<Response> {
    if let Err(key) = check_new_password(&f.password) {
        let mut page = LoginPage::new(&ctx, "reset", "reset-title");
        page.token = f.token.clone();
        page.error = Some(ctx.tr.t(key));
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let invalid = || {
        let mut page = LoginPage::new(&ctx, "forgot", "forgot-title");
        page.error = Some(ctx.tr.t("reset-invalid"));
        render_status(StatusCode::BAD_REQUEST, &page)
    };
    // Checked first, so that an invalid token costs no hashing; used (checked again) in the
    // change that sets the password.
    let token_hash = hash_token(&f.token);
    if !data.store.password_reset_valid(&token_hash).await? {
        return invalid();
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&f.password)).await.map_err(AppError::internal)??;
    if crate::processing::accounts::reset_password(&data, &token_hash, &hash).await?.is_none() {
        return invalid();
    }
    let mut page = LoginPage::new(&ctx, "login", "login-title");
    page.notice = Some(ctx.tr.t("reset-done"));
    render(&page)
}
