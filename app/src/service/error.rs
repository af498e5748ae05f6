use crate::domain::refusal::Refusal;
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

/// The service's answer when an operation is refused or fails: bad input field by field,
/// a typed refusal (`domain::refusal`), or a failure inside. Transports map the first two
/// to their statuses and words; nothing decides anything by the text.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input: every bad field with its message; nothing was changed.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// A rule refused the operation; nothing was changed.
    #[error("{0}")]
    Refused(Refusal),
    #[error("internal error: {0}")]
    Internal(#[from] InternalError),
}

impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> Self {
        ServiceError::Refused(r)
    }
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

    /// A field refused by a rule (a taken name): shown at the field, mapped by its reason.
    pub fn refused_field(field: &str, reason: Refusal) -> ServiceError {
        ServiceError::Invalid(FieldErrors::refused(field, reason))
    }

    /// The refusal, if this is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            ServiceError::Refused(r) => Some(r),
            _ => None,
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
