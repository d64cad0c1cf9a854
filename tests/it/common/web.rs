//! A minimal browser for HTTP-level tests of the pages: keeps cookies, does not follow
//! redirects, finds CSRF tokens in forms.
#![allow(dead_code)]

use std::collections::HashMap;

use reqwest::{StatusCode, header};

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub content_type: String,
    /// `Cache-Control`, empty when absent.
    pub cache_control: String,
}

impl Page {
    /// The value of the first `name="csrf"` hidden field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).map(|i| i + marker.len()).expect("a form with a CSRF token");
        self.body[start..].split('"').next().unwrap_or_default().to_string()
    }
}

pub struct Browser {
    pub base: String,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<String>,
    client: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.trim_end_matches('/').to_string(),
            cookies: HashMap::new(),
            accept_language: None,
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let mut req =
            req.header(header::ACCEPT, "text/html,application/xhtml+xml").header(header::COOKIE, self.cookie_header());
        if let Some(l) = &self.accept_language {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        let res = req.send().await.expect("request");
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or_default();
            if let Some((kv, attrs)) = v.split_once(';').or(Some((v, "")))
                && let Some((k, val)) = kv.split_once('=')
            {
                if attrs.contains("Max-Age=0") || val.is_empty() {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies.insert(k.trim().to_string(), val.trim().to_string());
                }
            }
        }
        let status = res.status();
        let location = res.headers().get(header::LOCATION).and_then(|l| l.to_str().ok()).map(String::from);
        let content_type =
            res.headers().get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).unwrap_or("").to_string();
        let cache_control =
            res.headers().get(header::CACHE_CONTROL).and_then(|c| c.to_str().ok()).unwrap_or("").to_string();
        let body = res.text().await.unwrap_or_default();
        Page { status, location, body, content_type, cache_control }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let url = format!("{}{path}", self.base);
        let req = self.client.get(url);
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let url = format!("{}{path}", self.base);
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let req = self.client.post(url).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(body);
        self.send(req).await
    }

    pub async fn post_multipart(&mut self, path: &str, csrf: &str, file: Vec<u8>, file_name: &str) -> Page {
        let url = format!("{}{path}", self.base);
        let boundary = "maillage-test-boundary";
        let mut body =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"icon\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(file);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .client
            .post(url)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        self.send(req).await
    }

    /// A multipart form with text `fields` and an optional file (field name, bytes, file name).
    pub async fn post_form_data(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, Vec<u8>, &str)>,
    ) -> Page {
        let url = format!("{}{path}", self.base);
        let boundary = "maillage-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        if let Some((name, bytes, file_name)) = file {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        let req = self
            .client
            .post(url)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        self.send(req).await
    }

    /// Logs in through the form; panics unless it succeeds.
    pub async fn login(&mut self, email: &str, password: &str) {
        let csrf = self.get("/login").await.csrf();
        let p = self.post("/login", &[("csrf", &csrf), ("email", email), ("password", password)]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "login failed: {}", p.body);
    }
}

/// A valid tiny PNG (1×1).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x60, 0x60, 0xF8, 0x0F, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5F, 0xE5, 0xC3,
    0x4B, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];
