//! The OpenAPI document (`/api/v1/openapi.json`): every operation with its body, answers
//! and errors as schemas (tests/it/openapi.rs holds it to the real answers).

use axum::{
    Json,
    response::{IntoResponse, Response},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use super::{
    ErrorDto, action_coorganisation, actions, announcements,
    follows::{self, ActorRef, FollowDto},
    practices, reports, signatures,
    signatures::{RejectBody, SignatureCreated, SignatureSchema},
    territories::{self, TerritoryDto, TerritoryPatch},
};

/// The bearer scheme every authenticated operation names.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Maillage API", description = "Territories of Circuits Courts Économiques et Solidaires", license(name = "AGPL-3.0-or-later")),
    paths(territories::list_territories, territories::get_territory, territories::patch_territory, follows::list_followers,
        follows::list_following, follows::approve_follower, follows::reject_follower,
        signatures::create_signature, signatures::list_signatories, signatures::approve_signature,
        signatures::reject_signature,
        practices::search, practices::create, practices::get_one, practices::patch, practices::publish,
        practices::unpublish, practices::pin, practices::unpin, practices::delete,
        actions::list, actions::create, actions::get_one, actions::patch, actions::publish, actions::cancel,
        actions::delete, actions::participants, actions::feedback, actions::approve_participant, actions::reject_participant,
        action_coorganisation::list, action_coorganisation::invite, action_coorganisation::received,
        action_coorganisation::accept, action_coorganisation::decline, action_coorganisation::withdraw,
        action_coorganisation::get_evaluation, action_coorganisation::put_evaluation,
        announcements::list, announcements::create, announcements::get_one, announcements::patch, announcements::delete,
        reports::create_report),
    components(schemas(TerritoryDto, TerritoryPatch, FollowDto, ActorRef, ErrorDto, SignatureSchema, SignatureCreated, RejectBody,
        crate::storage::signatories::SignatoryPublic, crate::domain::practice::PracticeInput, practices::PracticeDetail,
        practices::PracticeCreated, crate::storage::practices::PracticeRow,
        crate::domain::action::ActionInput, actions::ActionDetail, actions::ActionCreated,
        crate::storage::actions::ActionRow, crate::storage::action_participants::ParticipantRow,
        actions::FeedbackAnswers, crate::storage::action_feedback::FeedbackRow,
        action_coorganisation::InviteBody, action_coorganisation::InvitationCreated,
        crate::storage::action_invitations::InvitationRow, crate::domain::evaluation::EvaluationInput,
        crate::domain::evaluation::EvaluationIndicatorInput, crate::processing::action_evaluation::Evaluation,
        crate::storage::action_evaluations::EvaluationRow, crate::storage::action_evaluations::IndicatorRow,
        crate::domain::announcement::AnnouncementInput, announcements::AnnouncementDetail, announcements::AnnouncementCreated,
        crate::storage::announcements::AnnouncementRow,
        crate::processing::reports::ReportInput, reports::ReportFiled)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

pub(super) async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    Json(doc).into_response()
}
