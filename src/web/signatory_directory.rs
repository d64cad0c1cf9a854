//! The public directory of signatories of a territory, filtered, and its CSV and JSON exports.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{IntoResponse, Response},
    routing::get,
};

use super::{Layout, csv::Csv, render, session::Ctx, territory_path::TerritoryPath};
use crate::{
    domain::{signatory::ROLES, territory::ActivityDomain},
    error::AppResult,
    state::AppState,
    storage::signatories::{DirectoryFilter, SignatoryPublic},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/signataires", get(directory_page))
        .route("/t/{slug}/signataires.csv", get(directory_csv))
        .route("/t/{slug}/signataires.json", get(directory_json))
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
    let labels: Vec<String> = if s.kind == crate::domain::signatory::Kind::Structure {
        std::iter::once(tr.t(&format!("legal-{}", s.legal_form)))
            .chain(s.domains.iter().map(|d| tr.t(&format!("domain-{d}"))))
            .collect()
    } else {
        s.roles.iter().map(|r| tr.t(&format!("role-{r}"))).collect()
    };
    labels.join(", ")
}

async fn directory_page(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let entries = data.store.directory(t.id, &f).await?;
    let counts = data
        .store
        .signatory_counts(t.id)
        .await?
        .into_iter()
        .map(|(k, n)| (tr.number(n), tr.plural(&format!("directory-count-{k}"), n)))
        .collect();
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    render(&DirectoryPage {
        l: Layout::new(&ctx, tr.t("directory-title")),
        slug: t.slug.clone(),
        counts,
        kinds: ["individual", "structure"]
            .iter()
            .map(|k| (*k, tr.t(&format!("directory-kind-{k}")), sel(&f.kind, k)))
            .collect(),
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
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    let mut out =
        Csv::new(&["kind", "name", "roles", "legal_form", "domains", "website", "commune", "governance", "partners"])?;
    for s in data.store.directory(t.id, &f).await? {
        out.row(&[
            s.kind.as_str(),
            &s.name,
            &s.roles.joined(),
            &s.legal_form,
            &s.domains.joined(),
            &s.website,
            &s.commune,
            &s.governance,
            &s.partners,
        ])?;
    }
    out.into_response()
}

async fn directory_json(
    State(data): State<AppState>,
    TerritoryPath(t): TerritoryPath,
    Query(f): Query<DirectoryFilter>,
) -> AppResult<Response> {
    Ok(axum::Json(data.store.directory(t.id, &f).await?).into_response())
}
