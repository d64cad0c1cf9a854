//! The signing form (signing, the signer's private page, an administrator's edit on request):
//! its fields with their labels, hints and errors, and the error summary that links to them.

use askama::Template;

use super::{Layout, admin::FormPairs, session::Ctx};
use crate::domain::{admin_paths::AdminPath, ids::SignatoryId};
use crate::domain::{
    signatory::{FieldErrors, LEGAL_FORMS, ROLES, SignatureInput},
    territory::ActivityDomain,
};

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
    /// Shown to a coordinator correcting a signature on request, not to the signer: the
    /// words speak about the person rather than to them.
    for_admin: Option<SignatoryId>,
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
        // "En tant que" reads as a start of sentence, not as a name.
        "roles" => "field-roles-name",
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
            for_admin: None,
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

impl SignPage {
    /// Replaces the page's notice (what the last action did).
    pub fn with_notice(mut self, notice: String) -> SignPage {
        self.notice = Some(notice);
        self
    }
}

/// An administrator edits a signature on the signer's request.
pub fn admin_edit_page(
    ctx: &Ctx,
    slug: &str,
    version: &str,
    id: SignatoryId,
    v: SignatureInput,
    errors: FieldErrors,
    saved: bool,
) -> SignPage {
    let mut page = SignPage::new(ctx, slug, version, v, errors);
    page.l.title = ctx.tr.t_with("admin-edit-title", "name", &page.v.name);
    page.for_admin = Some(id);
    page.action = AdminPath::signature_record(id).into();
    page.edit_mode = true;
    page.notice = saved.then(|| ctx.tr.t("saved"));
    page
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
