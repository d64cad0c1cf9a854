//! The moderators' announcement form (`/t/<slug>/annonces/nouvelle`, `…/<id>/modifier`) and
//! its deletion (`…/<id>/supprimer`, asked on a page of its own). A multipart form (the image
//! is a file); invalid input comes back with 422 and each message beside its field, nothing
//! stored. Works without JavaScript.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};

use super::{Layout, render_status, session::Ctx, territory_path::TerritoryPath};
use crate::{
    domain::{
        account::Role,
        announcement::{AnnouncementInput, AnnouncementStatus, split_tags},
        signatory::FieldErrors,
    },
    error::{AppError, AppResult},
    processing::{
        announcements::{self, AnnouncementError, ImageChange},
        media,
    },
    state::AppState,
    storage::announcements::AnnouncementRow,
    web::csrf_form::{CsrfForm, FormPairs},
};

/// Largest request read: above the image limit, so that a photo over it gets the form back with
/// its message rather than a cut connection.
const MAX_REQUEST: usize = 3 * media::MAX_UPLOAD;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/t/{slug}/annonces/nouvelle", get(new_form).post(new_post).layer(DefaultBodyLimit::max(MAX_REQUEST)))
        .route(
            "/t/{slug}/annonces/{id}/modifier",
            get(edit_form).post(edit_post).layer(DefaultBodyLimit::max(MAX_REQUEST)),
        )
        .route("/t/{slug}/annonces/{id}/supprimer", get(delete_confirm).post(delete_post))
}

#[derive(Template)]
#[template(path = "announcement_form.html")]
struct FormPage {
    l: Layout,
    action: String,
    v: AnnouncementInput,
    tags: String,
    /// The current image (URL, alt), when editing one that has it.
    current_image: Option<(String, String)>,
    errors: Vec<(&'static str, String)>,
    max_image: String,
    delete: Option<String>,
}

impl FormPage {
    fn err(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m)
    }

    fn draft(&self) -> bool {
        self.v.status == "draft"
    }
}

fn form_page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    action: String,
    v: AnnouncementInput,
    current: Option<&AnnouncementRow>,
    errors: &FieldErrors,
) -> FormPage {
    let title = if current.is_some() { "announcement-edit-title" } else { "announcement-new-title" };
    FormPage {
        l: Layout::new(ctx, ctx.tr.t(title)),
        tags: v.tags.join(" "),
        current_image: current.and_then(|c| announcements::image_url(state, c).map(|u| (u, c.image_alt.clone()))),
        errors: errors.iter().map(|(f, k)| (*f, ctx.tr.t(k))).collect(),
        max_image: crate::text::numbers::bytes(media::MAX_UPLOAD as u64, ctx.tr.lang),
        delete: current.map(|c| state.urls.announcement_delete(slug, c.id).path().to_string()),
        action,
        v,
    }
}

/// What the form posted.
struct Posted {
    csrf: String,
    input: AnnouncementInput,
    image: ImageChange,
}

/// Reads the multipart form; the image is read up to its limit (beyond: `TooLarge`, the rest
/// dropped so that the browser gets the answer).
async fn read_form(mut multipart: Multipart) -> AppResult<Posted> {
    let mut p = Posted { csrf: String::new(), input: AnnouncementInput::default(), image: ImageChange::Keep };
    let mut remove = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                p.image = ImageChange::TooLarge;
                break;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "image" {
            let has_name = field.file_name().is_some_and(|n| !n.is_empty());
            let mut buf = Vec::new();
            let mut over = false;
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if !over && buf.len() + chunk.len() <= media::MAX_UPLOAD => {
                        buf.extend_from_slice(&chunk)
                    }
                    Ok(Some(_)) => over = true,
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        over = true;
                        break;
                    }
                    Err(e) => return Err(AppError::BadRequest(e.body_text())),
                }
            }
            p.image = match (over, has_name || !buf.is_empty()) {
                (true, _) => ImageChange::TooLarge,
                (false, true) => ImageChange::New(buf),
                (false, false) => p.image,
            };
            continue;
        }
        let value = field.text().await.map_err(|e| AppError::BadRequest(e.body_text()))?;
        match name.as_str() {
            "csrf" => p.csrf = value,
            "title" => p.input.title = value,
            "text" => p.input.text = value,
            "link" => p.input.link = value,
            "tags" => p.input.tags = split_tags(&value),
            "image_alt" => p.input.image_alt = value,
            "status" => p.input.status = value,
            "remove_image" => remove = value == "1",
            _ => {}
        }
    }
    if remove && !matches!(p.image, ImageChange::New(_) | ImageChange::TooLarge) {
        p.image = ImageChange::Remove;
    }
    Ok(p)
}

/// Checks the token (a request cut at the size limit may have lost it: the session still
/// proves who asks, and nothing is stored then).
fn check(ctx: &Ctx, p: &Posted) -> AppResult<()> {
    if matches!(p.image, ImageChange::TooLarge) && p.csrf.is_empty() {
        return Ok(());
    }
    ctx.check_csrf(&p.csrf)
}

async fn new_form(State(data): State<AppState>, ctx: Ctx, TerritoryPath(t): TerritoryPath) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let action = data.urls.announcement_new(&t.slug).path().to_string();
    let v = AnnouncementInput { status: "published".into(), ..AnnouncementInput::default() };
    render_status(StatusCode::OK, &form_page(&data, &ctx, &t.slug, action, v, None, &vec![]))
}

async fn new_post(
    State(data): State<AppState>,
    ctx: Ctx,
    TerritoryPath(t): TerritoryPath,
    multipart: Multipart,
) -> AppResult<Response> {
    let by = ctx.require(Role::Moderator)?.email.clone();
    let p = read_form(multipart).await?;
    check(&ctx, &p)?;
    match announcements::create(&data, &t.slug, &p.input, &p.image, &by).await {
        Ok(id) => Ok(Redirect::to(data.urls.announcement(&t.slug, id).path()).into_response()),
        Err(AnnouncementError::Fields(errors)) => {
            let action = data.urls.announcement_new(&t.slug).path().to_string();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&data, &ctx, &t.slug, action, p.input, None, &errors),
            )
        }
        Err(AnnouncementError::App(e)) => Err(e),
    }
}

/// A live announcement of the territory, for its moderators.
async fn editable(state: &AppState, slug: &str, id: i64) -> AppResult<AnnouncementRow> {
    let t = state.store.territory_by_slug(slug).await?;
    match (t, state.store.announcement(id).await?) {
        (Some(t), Some(a)) if a.territory_id == t.id && a.status != AnnouncementStatus::Deleted => Ok(a),
        _ => Err(AppError::NotFound(format!("announcement {id}"))),
    }
}

async fn edit_form(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let a = editable(&data, &slug, id).await?;
    let action = data.urls.announcement_edit(&slug, id).path().to_string();
    let v = announcements::as_input(&a);
    render_status(StatusCode::OK, &form_page(&data, &ctx, &slug, action, v, Some(&a), &vec![]))
}

async fn edit_post(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    multipart: Multipart,
) -> AppResult<Response> {
    let by = ctx.require(Role::Moderator)?.email.clone();
    let a = editable(&data, &slug, id).await?;
    let p = read_form(multipart).await?;
    check(&ctx, &p)?;
    let patch = serde_json::to_value(&p.input).map_err(AppError::from)?;
    match announcements::update(&data, a.id, &patch, &p.image, &by).await {
        Ok(()) => Ok(Redirect::to(data.urls.announcement(&slug, id).path()).into_response()),
        Err(AnnouncementError::Fields(errors)) => {
            let action = data.urls.announcement_edit(&slug, id).path().to_string();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(&data, &ctx, &slug, action, p.input, Some(&a), &errors),
            )
        }
        Err(AnnouncementError::App(e)) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "announcement_delete.html")]
struct DeletePage {
    l: Layout,
    action: String,
    back: String,
    published: bool,
}

async fn delete_confirm(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let a = editable(&data, &slug, id).await?;
    let page = data.urls.announcement(&slug, id).path().to_string();
    render_status(
        StatusCode::OK,
        &DeletePage {
            l: Layout::new(&ctx, ctx.tr.t("announcement-delete-title")),
            action: data.urls.announcement_delete(&slug, id).path().to_string(),
            back: page,
            published: a.is_published(),
        },
    )
}

async fn delete_post(
    State(data): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<FormPairs>,
) -> AppResult<Response> {
    let by = ctx.require(Role::Moderator)?.email.clone();
    let a = editable(&data, &slug, id).await?;
    announcements::delete(&data, a.id, &by).await?;
    Ok(Redirect::to(data.urls.announcements(&slug).path()).into_response())
}
