//! The charter (page and ActivityStreams `Document`), the signing form, confirmation, and the
//! public directory with its exports.

use activitypub_federation::config::Data;
use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{Path, Query},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::json;

use super::{
    Layout,
    admin::FormPairs,
    csv::Csv,
    html::{SafeHtml, markdown, markdown_to_html},
    render, render_status,
    session::Ctx,
};
use crate::{
    domain::{
        millis_to_datetime,
        signatory::{FieldErrors, LEGAL_FORMS, ROLES, SignatureInput},
        territory::ActivityDomain,
    },
    error::{AppError, AppResult},
    federation::actors::{ap_json, wants_activity_json},
    processing::signatures::{SignError, confirm, submit},
    state::AppState,
    storage::{
        signatories::{CharterRow, DirectoryFilter, SignatoryPublic},
        territories::TerritoryRow,
    },
};

pub fn router() -> Router {
    Router::new()
        .route("/t/{slug}/charte", get(charter_current))
        .route("/t/{slug}/charte/{version}", get(charter_version))
        .route("/t/{slug}/signer", get(sign_page).post(sign_post))
        .route("/signature/confirm", get(confirm_page))
        .route("/t/{slug}/signataires", get(directory_page))
        .route("/t/{slug}/signataires.csv", get(directory_csv))
        .route("/t/{slug}/signataires.json", get(directory_json))
}

async fn territory(state: &AppState, slug: &str) -> AppResult<TerritoryRow> {
    state.store.territory_by_slug(slug).await?.ok_or_else(|| AppError::NotFound(format!("territory {slug}")))
}

#[derive(Template)]
#[template(path = "charter.html")]
struct CharterPage {
    l: Layout,
    slug: String,
    version: Option<String>,
    html: SafeHtml,
    versions: Vec<String>,
}

fn charter_document(state: &AppState, t: &TerritoryRow, c: &CharterRow, latest: &CharterRow) -> serde_json::Value {
    let id = state.config.url(&format!("/t/{}/charte/{}", t.slug, c.version));
    let published = millis_to_datetime(c.published_at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", {"cces": crate::federation::protocol::CCES_NS, "version": "cces:version"}],
        "id": id,
        "type": "Document",
        "name": format!("Charte CCES — {}", t.name),
        "mediaType": "text/html",
        "content": markdown_to_html(&c.content_md),
        "source": {"content": c.content_md, "mediaType": "text/markdown"},
        "version": c.version,
        "published": published,
        "updated": millis_to_datetime(latest.published_at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "attributedTo": state.territory_id_url(&t.slug),
        "url": id,
    })
}

async fn charter_response(
    data: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    slug: &str,
    version: Option<&str>,
) -> AppResult<Response> {
    let t = territory(data, slug).await?;
    let all = data.store.charters(t.id).await?;
    let chosen = match version {
        Some(v) => Some(
            all.iter().find(|c| c.version == v).ok_or_else(|| AppError::NotFound(format!("charter version {v}")))?,
        ),
        None => all.first(),
    };
    if wants_activity_json(headers) {
        let (Some(c), Some(latest)) = (chosen, all.first()) else { return Err(AppError::NotFound("charter".into())) };
        return Ok(ap_json(&charter_document(data, &t, c, latest)));
    }
    // The charter's own first heading is the page's title (one `h1`, its sections `h2`).
    let (title, body) = match chosen.map(|c| split_title(&c.content_md)) {
        Some((Some(title), body)) => (title.to_string(), body),
        Some((None, body)) => (ctx.tr.t("charter-title"), body),
        None => (ctx.tr.t("charter-title"), ""),
    };
    render(&CharterPage {
        l: Layout::new(ctx, title),
        slug: t.slug.clone(),
        version: chosen.map(|c| ctx.tr.t_with("charter-version", "version", &c.version)),
        html: markdown(body),
        versions: all.iter().map(|c| c.version.clone()).collect(),
    })
}

/// A Markdown text's leading `# Title` line, and the rest.
fn split_title(md: &str) -> (Option<&str>, &str) {
    let md = md.trim_start();
    match md.strip_prefix("# ") {
        Some(rest) => {
            let (title, body) = rest.split_once('\n').unwrap_or((rest, ""));
            let title = title.trim().trim_end_matches('#').trim();
            if title.is_empty() { (None, md) } else { (Some(title), body) }
        }
        None => (None, md),
    }
}

async fn charter_current(
    data: Data<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    charter_response(&data, &ctx, &headers, &slug, None).await
}

async fn charter_version(
    data: Data<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((slug, version)): Path<(String, String)>,
) -> AppResult<Response> {
    charter_response(&data, &ctx, &headers, &slug, Some(&version)).await
}

/// One text field of the signing form, with everything its label, hint and error need.
pub struct Field {
    id: &'static str,
    label: String,
    /// `input` type, or "textarea".
    input: &'static str,
    required: bool,
    autocomplete: &'static str,
    hint: Option<String>,
    value: String,
    error: Option<String>,
}

impl Field {
    /// The ids of the hint and the error, for `aria-describedby`.
    fn described_by(&self) -> String {
        let hint = self.hint.as_ref().map(|_| format!("{}-hint", self.id));
        let error = self.error.as_ref().map(|_| format!("{}-error", self.id));
        hint.into_iter().chain(error).collect::<Vec<_>>().join(" ")
    }
}

/// A signature's status in words, for the signer's private page.
pub fn status_words(tr: crate::web::i18n::Tr, status: &str) -> String {
    tr.t_with("manage-status", "status", &tr.t(&format!("signature-status-{status}")))
}

#[derive(Template)]
#[template(path = "sign.html")]
pub struct SignPage {
    l: Layout,
    slug: String,
    action: String,
    manage_token: Option<String>,
    /// Editing an existing signature (the signer's space, or an admin on request).
    edit_mode: bool,
    notice: Option<String>,
    /// The signature's status in words (the signer's private page).
    status: Option<String>,
    /// The signer may propose practices (their address is confirmed).
    may_propose: bool,
    version: String,
    v: SignatureInput,
    listed: bool,
    errors: Vec<(&'static str, String)>,
    /// The error summary: (the field's id, "Label : message").
    summary: Vec<(String, String)>,
    roles: Vec<(&'static str, String, bool)>,
    legal_forms: Vec<(&'static str, String, bool)>,
    domains: Vec<(&'static str, String, bool)>,
    common_fields: Vec<Field>,
    structure_fields: Vec<Field>,
    contact_fields: Vec<Field>,
}

/// The Fluent key of a field's label, as the error summary names it.
fn label_key(field: &str) -> &'static str {
    match field {
        "kind" => "sign-kind",
        "name" => "field-signatory-name",
        "commune" => "field-commune",
        "roles" => "field-roles",
        "legal_form" => "field-legal-form",
        "domains" => "field-domains",
        "website" => "field-website",
        "representative_name" => "field-representative-name",
        "representative_role" => "field-representative-role",
        "governance" => "field-governance",
        "partners" => "field-partners",
        "email" => "email",
        "phone" => "field-phone",
        "postal_address" => "field-postal-address",
        "charter_version" => "charter-title",
        _ => "field-consent-short",
    }
}

/// The element an error's link leads to: the field, or a group's first box.
fn anchor(field: &str) -> String {
    match field {
        "kind" => "kind-individual".into(),
        "roles" => format!("role-{}", ROLES[0]),
        "domains" => format!("dom-{}", ActivityDomain::ALL[0].code()),
        "charter_version" => "consent".into(),
        f => f.into(),
    }
}

impl SignPage {
    fn err(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone())
    }

    pub fn new(ctx: &Ctx, slug: &str, version: &str, v: SignatureInput, errors: FieldErrors) -> SignPage {
        let tr = ctx.tr;
        let errors: Vec<(&'static str, String)> = errors.into_iter().map(|(f, k)| (f, tr.t(k))).collect();
        let summary = errors
            .iter()
            .map(|(f, m)| {
                (anchor(f), tr.t_args("error-summary-item", &[("field", &tr.t(label_key(f))), ("message", m)]))
            })
            .collect();
        let error = |id: &str| errors.iter().find(|(f, _)| *f == id).map(|(_, m)| m.clone());
        let field = |id: &'static str, input: &'static str, required: bool, autocomplete: &'static str| {
            let value = match id {
                "name" => &v.name,
                "commune" => &v.commune,
                "website" => &v.website,
                "representative_name" => &v.representative_name,
                "representative_role" => &v.representative_role,
                "governance" => &v.governance,
                "partners" => &v.partners,
                "email" => &v.email,
                "phone" => &v.phone,
                _ => &v.postal_address,
            };
            let hint = match id {
                "website" => Some(tr.t("field-website-hint")),
                "email" => Some(tr.t("field-email-hint")),
                _ => None,
            };
            Field {
                id,
                label: tr.t(label_key(id)),
                input,
                required,
                autocomplete,
                hint,
                value: value.clone(),
                error: error(id),
            }
        };
        SignPage {
            l: Layout::new(ctx, tr.t("sign-title")),
            slug: slug.to_string(),
            action: format!("/t/{slug}/signer"),
            manage_token: None,
            edit_mode: false,
            notice: None,
            status: None,
            may_propose: false,
            version: version.to_string(),
            listed: v.listed.unwrap_or(false),
            summary,
            roles: ROLES.iter().map(|r| (*r, tr.t(&format!("role-{r}")), v.roles.iter().any(|x| x == r))).collect(),
            legal_forms: LEGAL_FORMS.iter().map(|f| (*f, tr.t(&format!("legal-{f}")), v.legal_form == *f)).collect(),
            domains: ActivityDomain::ALL
                .iter()
                .map(|d| (d.code(), tr.t(&format!("domain-{}", d.code())), v.domains.iter().any(|x| x == d.code())))
                .collect(),
            common_fields: vec![field("name", "text", true, "name"), field("commune", "text", true, "address-level2")],
            structure_fields: vec![
                field("website", "url", false, "url"),
                field("representative_name", "text", true, "name"),
                field("representative_role", "text", false, "organization-title"),
                field("governance", "textarea", false, "off"),
                field("partners", "textarea", false, "off"),
            ],
            contact_fields: vec![
                field("email", "email", true, "email"),
                field("phone", "tel", false, "tel"),
                field("postal_address", "text", false, "street-address"),
            ],
            errors,
            v,
        }
    }
}

async fn current_version(state: &AppState, t: &TerritoryRow) -> AppResult<String> {
    state.store.current_charter(t.id).await?.map(|c| c.version).ok_or_else(|| AppError::NotFound("charter".into()))
}

async fn sign_page(data: Data<AppState>, ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let version = current_version(&data, &t).await?;
    render(&SignPage::new(&ctx, &t.slug, &version, SignatureInput::default(), vec![]))
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    l: Layout,
    class: &'static str,
    message: String,
}

/// The management page: the signer's record as an editable form, export and withdrawal.
pub fn manage_page(
    ctx: &Ctx,
    (slug, version, status): (&str, &str, &str),
    token: &str,
    v: SignatureInput,
    errors: FieldErrors,
    saved: bool,
) -> SignPage {
    let mut page = SignPage::new(ctx, slug, version, v, errors);
    page.l.title = ctx.tr.t("manage-title");
    page.status = Some(status_words(ctx.tr, status));
    page.may_propose = super::signer::may_propose_status(status);
    page.action = "/signature/manage".into();
    page.manage_token = Some(token.to_string());
    page.edit_mode = true;
    page.notice = saved.then(|| ctx.tr.t("manage-saved"));
    page
}

/// An administrator edits a signature on the signer's request.
pub fn admin_edit_page(
    ctx: &Ctx,
    slug: &str,
    version: &str,
    id: i64,
    v: SignatureInput,
    errors: FieldErrors,
    saved: bool,
) -> SignPage {
    let mut page = SignPage::new(ctx, slug, version, v, errors);
    page.l.title = format!("{} #{id}", ctx.tr.t("admin-signatures"));
    page.action = format!("/admin/signature/{id}");
    page.edit_mode = true;
    page.notice = saved.then(|| ctx.tr.t("saved"));
    page
}

pub fn message(ctx: &Ctx, status: StatusCode, title: &str, text: &str, class: &'static str) -> AppResult<Response> {
    render_status(status, &MessagePage { l: Layout::new(ctx, ctx.tr.t(title)), class, message: ctx.tr.t(text) })
}

/// The form's fields into the shape the API takes.
pub fn input_from_form(f: &FormPairs) -> SignatureInput {
    SignatureInput {
        kind: f.get("kind"),
        name: f.get("name"),
        roles: f.get_all("roles"),
        legal_form: f.get("legal_form"),
        domains: f.get_all("domains"),
        website: f.get("website"),
        commune: f.get("commune"),
        representative_name: f.get("representative_name"),
        representative_role: f.get("representative_role"),
        governance: f.get("governance"),
        partners: f.get("partners"),
        email: f.get("email"),
        phone: f.get("phone"),
        postal_address: f.get("postal_address"),
        charter_version: f.get("charter_version"),
        consent: f.get("consent") == "true",
        listed: Some(f.get("listed") == "true"),
        nickname: f.get("nickname"),
        territory: String::new(),
    }
}

async fn sign_post(data: Data<AppState>, ctx: Ctx, Path(slug): Path<String>, body: Bytes) -> AppResult<Response> {
    let f = FormPairs::parse(&body);
    ctx.check_csrf(&f.get("csrf"))?;
    let t = territory(&data, &slug).await?;
    let input = input_from_form(&f);
    match submit(&data, &t.slug, &input, &ctx.client, ctx.tr).await {
        Ok(_) => message(&ctx, StatusCode::OK, "sign-title", "sign-sent", "notice"),
        Err(SignError::Fields(errors)) => {
            let version = current_version(&data, &t).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &SignPage::new(&ctx, &t.slug, &version, input, errors))
        }
        Err(SignError::TooMany) => {
            message(&ctx, StatusCode::TOO_MANY_REQUESTS, "sign-title", "sign-throttled", "alert")
        }
        Err(SignError::App(e)) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

async fn confirm_page(data: Data<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    if confirm(&data, q.token.as_deref().unwrap_or_default()).await? {
        message(&ctx, StatusCode::OK, "sign-title", "sign-confirmed", "notice")
    } else {
        message(&ctx, StatusCode::BAD_REQUEST, "sign-title", "sign-confirm-invalid", "alert")
    }
}

pub struct Entry {
    name: String,
    website: super::links::Href,
    commune: String,
    what: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    l: Layout,
    slug: String,
    counts: Vec<(String, String)>,
    kinds: Vec<(&'static str, String, bool)>,
    roles: Vec<(&'static str, String, bool)>,
    domains: Vec<(&'static str, String, bool)>,
    commune: String,
    entries: Vec<Entry>,
}

fn describe(tr: crate::web::i18n::Tr, s: &SignatoryPublic) -> String {
    let labels: Vec<String> = if s.kind == "structure" {
        std::iter::once(tr.t(&format!("legal-{}", s.legal_form)))
            .chain(s.domains.split(',').filter(|d| !d.is_empty()).map(|d| tr.t(&format!("domain-{d}"))))
            .collect()
    } else {
        s.roles.split(',').filter(|r| !r.is_empty()).map(|r| tr.t(&format!("role-{r}"))).collect()
    };
    labels.join(", ")
}

async fn directory_page(
    data: Data<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let t = territory(&data, &slug).await?;
    let tr = ctx.tr;
    let entries = data.store.directory(t.id, &f).await?;
    let counts = data
        .store
        .signatory_counts(t.id)
        .await?
        .into_iter()
        .map(|(k, n)| (tr.number(n), format!("{} ({})", tr.plural("signatories-label", n), tr.t(&format!("kind-{k}")))))
        .collect();
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    render(&DirectoryPage {
        l: Layout::new(&ctx, tr.t("directory-title")),
        slug: t.slug.clone(),
        counts,
        kinds: ["individual", "structure"].iter().map(|k| (*k, tr.t(&format!("kind-{k}")), sel(&f.kind, k))).collect(),
        roles: ROLES.iter().map(|r| (*r, tr.t(&format!("role-{r}")), sel(&f.role, r))).collect(),
        domains: ActivityDomain::ALL
            .iter()
            .map(|d| (d.code(), tr.t(&format!("domain-{}", d.code())), sel(&f.domain, d.code())))
            .collect(),
        commune: f.commune.clone().unwrap_or_default(),
        entries: entries
            .iter()
            .map(|s| Entry {
                name: s.name.clone(),
                website: super::links::Href::new(&s.website),
                commune: s.commune.clone(),
                what: describe(tr, s),
            })
            .collect(),
    })
}

async fn directory_csv(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let slug = slug.trim_end_matches(".csv").to_string();
    let t = territory(&data, &slug).await?;
    let mut out =
        Csv::new(&["kind", "name", "roles", "legal_form", "domains", "website", "commune", "governance", "partners"])?;
    for s in data.store.directory(t.id, &f).await? {
        out.row(&[
            &s.kind,
            &s.name,
            &s.roles,
            &s.legal_form,
            &s.domains,
            &s.website,
            &s.commune,
            &s.governance,
            &s.partners,
        ])?;
    }
    out.into_response()
}

async fn directory_json(
    data: Data<AppState>,
    Path(slug): Path<String>,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let slug = slug.trim_end_matches(".json").to_string();
    let t = territory(&data, &slug).await?;
    Ok(axum::Json(data.store.directory(t.id, &f).await?).into_response())
}
