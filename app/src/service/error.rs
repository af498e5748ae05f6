use crate::domain::FieldErrors;
use crate::store::StoreError;

/// What went wrong inside, never shown to users (they see "Something went wrong").
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    #[error("background task failed: {0}")]
    Task(String),
    #[error("{0}")]
    Crypto(String),
}

/// The service's answer when an operation is refused or fails.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input: every bad field with its message; nothing was changed.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// No valid session or credentials.
    #[error("Sign in to continue")]
    Unauthenticated,
    /// The one message for an unknown email, a wrong password or a wrong code.
    #[error("Invalid email or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// The action needs the password again (re-authentication, valid 10 minutes).
    #[error("Confirm your password to continue")]
    ReauthenticationRequired,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Throttled: try again after this many seconds.
    #[error("Too many sign-in attempts. Try again in {retry_after} seconds.")]
    Throttled { retry_after: i64 },
    /// Another rate limit than sign-in's, with its own message.
    #[error("{message}")]
    RateLimited { message: String, retry_after: i64 },
    #[error("internal error: {0}")]
    Internal(#[from] InternalError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        ServiceError::Internal(InternalError::Store(e))
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(e: FieldErrors) -> Self {
        ServiceError::Invalid(e)
    }
}

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
        let mut e = FieldErrors::new();
        e.add(field, message);
        ServiceError::Invalid(e)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
