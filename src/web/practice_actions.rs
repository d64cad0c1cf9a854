//! What moderators do to a local practice from its page: publish (and be told who it went
//! to), unpublish, pin, delete. Deleting asks first on a page of its own, so that it works
//! without JavaScript and a stray tap on a phone deletes nothing.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};

use super::{Layout, practice_conversation::moderator_form, render_status, session::Ctx};
use crate::domain::{admin_paths::AdminPath, ids::PracticeId};
use crate::{
    domain::account::Role,
    error::{AppError, AppResult},
    processing::practices,
    state::AppState,
    web::csrf_form::{CsrfForm, FormPairs},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pratiques/{id}/statut", post(status_post))
        .route("/pratiques/{id}/supprimer", get(delete_confirm))
}

#[derive(Template)]
#[template(path = "practice_delete.html")]
struct DeletePage {
    l: Layout,
    id: PracticeId,
    title: String,
    published: bool,
}

/// "Delete this practice?": the one place its delete button is.
async fn delete_confirm(State(data): State<AppState>, ctx: Ctx, Path(id): Path<PracticeId>) -> AppResult<Response> {
    ctx.require(Role::Moderator)?;
    let p = practices::local(&data, id).await?;
    let page = DeletePage {
        l: Layout::new(&ctx, ctx.tr.t("practice-delete-title")),
        id,
        published: p.is_published(),
        title: p.title,
    };
    render_status(StatusCode::OK, &page)
}

/// Publish, unpublish, pin or delete a local practice.
async fn status_post(
    State(data): State<AppState>,
    ctx: Ctx,
    Path(id): Path<PracticeId>,
    form: Result<CsrfForm<FormPairs>, AppError>,
) -> AppResult<Response> {
    let (by, f) = moderator_form(&ctx, form)?;
    let action = f.get("action");
    match action.as_str() {
        "publish" => {
            // Each use case records its audit entry in its own transaction.
            let reached = practices::set_published(&data, id, true, &by).await?;
            let page = data.urls.practice_page(id);
            let to = match reached {
                Some(r) => format!("{}?n=published&c={}", page.path(), r.followers),
                None => format!("{}?n=saved", page.path()),
            };
            Ok(Redirect::to(&to).into_response())
        }
        "unpublish" => {
            practices::set_published(&data, id, false, &by).await?;
            Ok(Redirect::to(&format!("{}?n=saved", data.urls.practice_page(id).path())).into_response())
        }
        "pin" | "unpin" => {
            crate::processing::practice_pins::set_pinned(&data, id, action == "pin", &by).await?;
            Ok(Redirect::to(&format!("{}?n=saved", data.urls.practice_page(id).path())).into_response())
        }
        // Only the confirmation page sends `confirm`: an older page's one-click button asks first.
        "delete" if f.get("confirm") != "yes" => Ok(Redirect::to(data.urls.practice_delete(id).path()).into_response()),
        "delete" => {
            practices::delete(&data, id, &by).await?;
            Ok(Redirect::to(&AdminPath::practices().with("saved", "deleted").to_string()).into_response())
        }
        _ => Err(AppError::BadRequest("unknown action".into())),
    }
}
