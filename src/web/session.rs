//! Who is asking: language, logged-in account (sessions stored in the database, cookie holds
//! a random token), and the CSRF token every state-changing form must send back.
//!
//! CSRF: a logged-in person's forms carry their session's token; forms used before login
//! (login, password reset, remote follow) use a double-submit cookie (`maillage_csrf`), set by
//! [`csrf_cookie`] on every response that lacks it. Both cookies are SameSite=Lax.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, request::Parts},
    middleware::Next,
    response::Response,
};

use super::i18n::{Lang, Tr};
use crate::{
    domain::account::Role,
    error::{AppError, AppResult},
    security::{constant_time_eq, hash_token, new_token},
    state::AppState,
    storage::accounts::AccountRow,
};

pub const SESSION_COOKIE: &str = "maillage_session";
pub const CSRF_COOKIE: &str = "maillage_csrf";
/// Sessions last two weeks.
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

/// `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when the instance is served over https.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.config.public_url.scheme() == "https" { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The pre-login CSRF token, created by the middleware when absent.
#[derive(Clone)]
struct PreCsrf(String);

/// Middleware: gives every browser a CSRF cookie for the forms it may post before login.
/// Federation and API traffic (no `text/html` in `Accept`) gets none: it posts no forms.
pub async fn csrf_cookie(State(data): State<AppState>, mut req: Request, next: Next) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() >= 32);
    let browser =
        req.headers().get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None if browser => (new_token().unwrap_or_default(), true),
        None => (String::new(), false),
    };
    req.extensions_mut().insert(PreCsrf(token.clone()));
    let mut res = next.run(req).await;
    if fresh && !token.is_empty() {
        res.headers_mut().append(http::header::SET_COOKIE, set_cookie(&data, CSRF_COOKIE, &token, 365 * 24 * 3600));
    }
    res
}

/// The CSRF token `Ctx` found for this request, left for [`super::csrf_form::CsrfForm`].
#[derive(Clone)]
pub(super) struct ExpectedCsrf(pub String);

/// A state-changing form must send back this request's CSRF token: 403 otherwise.
pub(super) fn check_csrf(expected: &str, sent: &str) -> AppResult<()> {
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        return Err(AppError::Forbidden("missing or wrong CSRF token".into()));
    }
    Ok(())
}

/// Everything a page needs to know about the request.
pub struct Ctx {
    pub tr: Tr,
    pub account: Option<AccountRow>,
    pub csrf: String,
    /// Path and query, for the language switch and login redirects.
    pub path: String,
    pub session_hash: Option<String>,
    pub client: String,
    /// The name people know this site by: the default territory's, not the software's.
    pub site: String,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, data: &AppState) -> Result<Self, Self::Rejection> {
        let tr = Tr::zoned(Lang::from_headers(&parts.headers), data.config.time_zone);
        let session_hash = cookie(&parts.headers, SESSION_COOKIE).map(|t| hash_token(&t));
        let session = match &session_hash {
            Some(h) => data.store.session(h).await?,
            None => None,
        };
        let pre = parts.extensions.get::<PreCsrf>().map(|p| p.0.clone()).unwrap_or_default();
        let (account, csrf) = match session {
            Some(s) => (Some(s.account), s.csrf_token),
            None => (None, pre),
        };
        parts.extensions.insert(ExpectedCsrf(csrf.clone()));
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        let site = data
            .store
            .territory_name(data.config.default_territory.as_str())
            .await?
            .unwrap_or_else(|| data.config.default_territory_name.clone());
        Ok(Ctx { tr, account, csrf, path, session_hash, client: client_address(data, parts), site })
    }
}

/// The client's address (see [`super::client_ip`]: `trusted_proxies` and `X-Forwarded-For`).
fn client_address(state: &AppState, parts: &Parts) -> String {
    super::client_ip::client_of(&parts.extensions, &parts.headers, &state.config.trusted_proxies)
}

impl Ctx {
    /// A state-changing form must send back this request's CSRF token: 403 otherwise. Forms
    /// come through [`super::csrf_form::CsrfForm`]; only the multipart upload checks by hand.
    pub fn check_csrf(&self, sent: &str) -> AppResult<()> {
        check_csrf(&self.csrf, sent)
    }

    /// The logged-in account with at least `role`: 401 (→ login page) or 403.
    pub fn require(&self, role: Role) -> AppResult<&AccountRow> {
        let account = self.account.as_ref().ok_or_else(|| AppError::Unauthorized("login required".into()))?;
        if account.role() < role {
            return Err(AppError::Forbidden("this page is for administrators".into()));
        }
        Ok(account)
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn is_admin(&self) -> bool {
        self.account.as_ref().is_some_and(|a| a.role() == Role::Admin)
    }
}
