//! A signature's details as the coordinator needs them to decide: who signed, as what, how to
//! reach them, what they declared; approve or reject (with a reason) on the same page. Private
//! data: admin pages only, never cached.

use super::moderation::{status_label, translated_list};
use super::*;
use crate::domain::ids::SignatoryId;

/// One line of the details: label, value, and how to show it (`text`, `mailto`, `tel`, `url`).
pub struct Fact {
    pub label: String,
    pub value: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "admin/signature.html")]
pub(super) struct SignatureDetail {
    l: Layout,
    is_admin: bool,
    slug: String,
    pub(super) notice: Option<String>,
    alert: Option<String>,
    id: SignatoryId,
    name: String,
    status: String,
    pending: bool,
    facts: Vec<Fact>,
    reason: String,
    error: Option<String>,
    back: String,
}

fn fact(label: String, value: String, kind: &'static str) -> Option<Fact> {
    (!value.trim().is_empty()).then_some(Fact { label, value, kind })
}

/// A website as a link: bare domains get `https://`.
fn website(v: &str) -> String {
    let v = v.trim();
    if v.is_empty() || v.starts_with("https://") || v.starts_with("http://") {
        v.to_string()
    } else {
        format!("https://{v}")
    }
}

pub(super) async fn detail(
    data: &AppState,
    ctx: &Ctx,
    id: SignatoryId,
    reason: String,
    error: Option<String>,
) -> AppResult<SignatureDetail> {
    let tr = ctx.tr;
    let s = data.store.signatory_private(id).await?.filter(|s| {
        !matches!(s.status, crate::domain::signatory::Status::Withdrawn | crate::domain::signatory::Status::Unconfirmed)
    });
    let s = s.ok_or_else(|| AppError::NotFound("signature".into()))?;
    let slug = data.store.territory_by_id(s.territory_id).await?.map(|t| t.slug).unwrap_or_default();
    let version: Option<String> = data.store.charter_version(s.charter_id).await?;
    let yes_no = |b: bool| tr.t(if b { "yes" } else { "no" });
    let structure = s.kind == crate::domain::signatory::Kind::Structure;
    let facts = [
        fact(tr.t("signature-status"), status_label(tr, s.status.as_str()), "text"),
        s.reject_reason.clone().and_then(|r| fact(tr.t("reject-reason"), r, "text")),
        fact(tr.t("signature-as"), tr.t(&format!("kind-{}", s.kind)), "text"),
        fact(tr.t("field-commune"), s.commune.clone(), "text"),
        fact(
            tr.t("field-roles"),
            s.roles.iter().map(|r| tr.t(&format!("role-{r}"))).collect::<Vec<_>>().join(", "),
            "text",
        ),
        fact(
            tr.t("field-domains"),
            s.domains.iter().map(|d| tr.t(&format!("domain-{d}"))).collect::<Vec<_>>().join(", "),
            "text",
        ),
        structure
            .then(|| fact(tr.t("field-legal-form"), translated_list(tr, "legal", &s.legal_form), "text"))
            .flatten(),
        structure.then(|| fact(tr.t("detail-representative"), representative(&s), "text")).flatten(),
        fact(tr.t("field-governance"), s.governance.clone(), "text"),
        fact(tr.t("field-partners"), s.partners.clone(), "text"),
        fact(tr.t("field-website"), website(&s.website), "url"),
        fact(tr.t("email"), s.email.clone().unwrap_or_default(), "mailto"),
        fact(tr.t("detail-phone"), s.phone.clone().unwrap_or_default(), "tel"),
        fact(tr.t("detail-postal-address"), s.postal_address.clone().unwrap_or_default(), "text"),
        fact(tr.t("detail-listed"), yes_no(s.listed != 0), "text"),
        fact(tr.t("detail-charter"), version.unwrap_or_default(), "text"),
        fact(tr.t("detail-signed-at"), tr.datetime(s.created_at), "text"),
        s.confirmed_at.and_then(|t| fact(tr.t("detail-confirmed-at"), tr.datetime(t), "text")),
        s.decided_at.and_then(|t| fact(tr.t("detail-decided-at"), tr.datetime(t), "text")),
    ];
    Ok(SignatureDetail {
        l: Layout::new(ctx, tr.t_with("detail-title", "name", &s.name)),
        is_admin: ctx.is_admin(),
        back: AdminPath::signatures().of(&slug).into(),
        slug,
        notice: None,
        alert: None,
        id,
        status: status_label(tr, s.status.as_str()),
        pending: s.status == crate::domain::signatory::Status::Confirmed,
        name: s.name,
        facts: facts.into_iter().flatten().collect(),
        reason,
        error,
    })
}

fn representative(s: &crate::storage::signatories::SignatoryPrivate) -> String {
    match (s.representative_name.trim(), s.representative_role.trim()) {
        ("", _) => String::new(),
        (n, "") => n.to_string(),
        (n, r) => format!("{n} ({r})"),
    }
}
