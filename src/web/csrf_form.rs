//! `CsrfForm<T>`: a posted `application/x-www-form-urlencoded` form, parsed into `T`, whose
//! `csrf` field matched this request's token (the session's, or the double-submit cookie's
//! before login: see [`super::session`]) — 403 otherwise. Handlers get a checked form or never
//! run; none parses pairs or compares tokens by hand.
//!
//! The form is parsed before the token is compared (a form that does not parse is a 400, as
//! `axum::Form` answers), and a rule broken by a field stays the handler's answer (422 beside
//! the field). Handlers that first require a role take `Result<CsrfForm<T>, AppError>`, so an
//! anonymous visitor is still sent to the login page (401) rather than refused (403).

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
};
use serde::{Deserialize, de::DeserializeOwned};

use super::session::{Ctx, ExpectedCsrf};
use crate::{error::AppError, state::AppState};

pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        // `Ctx`, extracted before the form, left the token it found; otherwise look it up.
        let expected = match parts.extensions.get::<ExpectedCsrf>() {
            Some(e) => e.0.clone(),
            None => Ctx::from_request_parts(&mut parts, state).await?.csrf,
        };
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest(e.body_text())
            }
        })?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let sent = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
        super::session::check_csrf(&expected, sent.as_deref().unwrap_or_default())?;
        Ok(CsrfForm(form))
    }
}

/// Every pair of a form, in order, for forms with repeated fields (checkboxes) or fields
/// named by the data (one per dimension, indicator, …).
#[derive(Debug, Default, Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub struct FormPairs(Vec<(String, String)>);

impl From<Vec<(String, String)>> for FormPairs {
    fn from(pairs: Vec<(String, String)>) -> FormPairs {
        FormPairs(pairs)
    }
}

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

#[cfg(test)]
mod tests {
    use super::FormPairs;

    #[test]
    fn pairs_keep_repeated_fields_in_order() {
        let f: FormPairs = serde_urlencoded::from_bytes(b"csrf=t&d=a&d=b&x=%C3%A9").expect("parse");
        assert_eq!(f.get_all("d"), ["a", "b"]);
        assert_eq!(f.get("x"), "é");
        assert_eq!(f.get("missing"), "");
    }
}
