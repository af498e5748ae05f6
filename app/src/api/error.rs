//! The one error type of the server functions, and the one place it becomes an HTTP status.

use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// Bad input, field by field; nothing was changed.
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error("Your session has ended. Sign in to continue.")]
    Unauthenticated,
    #[error("Invalid email or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// The action needs the password again first.
    #[error("Confirm your password to continue")]
    ReauthenticationRequired,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("Too many sign-in attempts. Try again in {retry_after} seconds.")]
    Throttled { retry_after: i64 },
    #[error("{message}")]
    RateLimited { message: String, retry_after: i64 },
    #[error("Something went wrong on our side. Try again; if it persists, tell your operator (request {request_id}).")]
    Internal { request_id: String },
    /// The request never reached the function (network, encoding).
    #[error("The console couldn't be reached: {0}")]
    Transport(String),
}

impl ApiError {
    /// The HTTP status of each error: mapped here and nowhere else (the server applies it
    /// to every server-function response).
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid(_) => 400,
            ApiError::Unauthenticated | ApiError::InvalidCredentials => 401,
            ApiError::Forbidden(_) | ApiError::ReauthenticationRequired => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::Throttled { .. } | ApiError::RateLimited { .. } => 429,
            ApiError::Internal { .. } | ApiError::Transport(_) => 500,
        }
    }

    /// The message for one field, when the error is about fields.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Invalid(f) => f.get(name).map(str::to_string),
            _ => None,
        }
    }

    /// A message for the whole form: everything but field errors.
    pub fn form_message(&self) -> Option<String> {
        match self {
            ApiError::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                let mut f = FieldErrors::new();
                f.add("request", format!("The request was malformed: {m}"));
                ApiError::Invalid(f)
            }
            other => ApiError::Transport(other.to_string()),
        }
    }
}
