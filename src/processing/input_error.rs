//! Why a change asked for by a form, the API or the CLI was not made: fields to correct (each
//! with the key of its rule: a 422, or the form shown again) or anything else. One type for
//! practices, actions and announcements, so that every handler answers them the same way.

use crate::{
    domain::signatory::FieldErrors,
    error::{AppError, AppResult},
};

#[derive(Debug)]
pub enum InputError {
    Fields(FieldErrors),
    App(AppError),
}

impl From<AppError> for InputError {
    fn from(e: AppError) -> Self {
        InputError::App(e)
    }
}

impl From<sqlx::Error> for InputError {
    fn from(e: sqlx::Error) -> Self {
        InputError::App(e.into())
    }
}

impl InputError {
    /// The fields to correct, or the error that is no one's input.
    pub fn fields(self) -> AppResult<FieldErrors> {
        match self {
            InputError::Fields(errors) => Ok(errors),
            InputError::App(e) => Err(e),
        }
    }
}
