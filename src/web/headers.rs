//! Browser hardening headers on every response (one middleware, outermost but for tracing).
//!
//! The Content-Security-Policy only lets the pages run the site's own script and style files:
//! no inline script or `style` attribute, no plugin, no framing (clickjacking), no `<base>`
//! rewrite, forms post only here. Images, fonts and everything else come from this site only,
//! so even HTML that slipped through cannot make a visitor's browser contact a third party.
//! A handler's own value (e.g. `Referrer-Policy: no-referrer` on private pages) is kept.
//! MDN: <https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CSP>

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; object-src 'none'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Other sites are never told which page a visitor came from: a path may hold a private
/// link's token, and a visitor's reading is nobody else's business.
pub const REFERRER_POLICY: &str = "same-origin";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let defaults: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, REFERRER_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}
