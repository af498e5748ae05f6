//! The server functions' one error type, and the one place it becomes an HTTP status.
//!
//! It is the service's error as the browser may see it: the same field errors, the same
//! typed refusal (`domain::refusal`), worded by the refusal itself; an internal failure
//! becomes a request id to quote, never its detail.

use crate::domain::refusal::Refusal;
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "Wire", from = "Wire")]
pub enum ConsoleError {
    /// Bad input, field by field; nothing was changed.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// A rule refused the request; nothing was changed.
    #[error("{0}")]
    Refused(Refusal),
    #[error("Something went wrong on our side. Try again; if it persists, tell your operator (request {request_id}).")]
    Internal { request_id: String },
    /// The request never reached the function (network, encoding).
    #[error("The console couldn't be reached: {0}")]
    Transport(String),
}

/// The wire form: a refusal travels with its sentence, so any client (and a person reading
/// the response) has the words without knowing the reasons.
#[derive(Serialize, Deserialize)]
enum Wire {
    Invalid(FieldErrors),
    Refused { reason: Refusal, message: String },
    Internal { request_id: String },
    Transport(String),
}

impl From<ConsoleError> for Wire {
    fn from(e: ConsoleError) -> Wire {
        match e {
            ConsoleError::Invalid(f) => Wire::Invalid(f),
            ConsoleError::Refused(reason) => Wire::Refused {
                message: reason.to_string(),
                reason,
            },
            ConsoleError::Internal { request_id } => Wire::Internal { request_id },
            ConsoleError::Transport(m) => Wire::Transport(m),
        }
    }
}

impl From<Wire> for ConsoleError {
    fn from(w: Wire) -> ConsoleError {
        match w {
            Wire::Invalid(f) => ConsoleError::Invalid(f),
            Wire::Refused { reason, .. } => ConsoleError::Refused(reason),
            Wire::Internal { request_id } => ConsoleError::Internal { request_id },
            Wire::Transport(m) => ConsoleError::Transport(m),
        }
    }
}

impl From<Refusal> for ConsoleError {
    fn from(r: Refusal) -> Self {
        ConsoleError::Refused(r)
    }
}

/// The HTTP status of a refusal in the server functions' answers.
pub fn refusal_status(r: &Refusal) -> u16 {
    use Refusal::*;
    match r {
        Unauthenticated | InvalidCredentials | InvalidSignInCode | SignInStepExpired
        | SsoFailed => 401,
        ReauthenticationRequired
        | TwoFactorEnrolmentRequired
        | AddressNotAllowed { .. }
        | NotRootUser
        | RoleLacksPermission { .. }
        | RoleOutranksYou { .. }
        | OutsideYourEnvironments
        | OnYourself
        | OwnEmailInProfile
        | InternalAddress
        | RootUser
        | UserInactive
        | PasswordSignInOnly
        | ActionNotOffered { .. }
        | NeedsAllEnvironments { .. }
        | LevelTooLow { .. }
        | RootFoldersNotAllowed
        | CollectionsNotAllowed
        | SharingNeedsManage { .. }
        | ShareAboveYourLevel { .. }
        | ExplainOnlyYourself
        | EnvironmentLimit
        | SeatLimit { .. }
        | SubscriptionsUnavailable
        | ProvisioningNotInPlan
        | ProvisioningNotEnabled
        | GranularPermissionsNotInPlan
        | AddonNeedsPaidPlan { .. }
        | SsoRequired
        | SsoNoSeats
        | SamlNotInPlan => 403,
        AccountNotFound
        | NoAccountYet
        | EnvironmentNotFound { .. }
        | UserNotFound { .. }
        | GroupNotFound { .. }
        | KeyNotFound { .. }
        | KeyNameNotFound { .. }
        | AccountApiKeyNotFound
        | FolderNotFound
        | CollectionNotFound
        | AddonNotFound
        | NoShareHere
        | SettingsPageNotFound { .. }
        | SessionNotFound
        | ScimTokenNotFound
        | SsoNotSetUp => 404,
        LastMasterAdmin
        | InactiveMember
        | CloudNameTaken
        | KeyNameTaken
        | AccountApiKeyNameTaken
        | GroupNameTaken
        | EmailTaken
        | UserNameTaken
        | LastEnvironment
        | TooManyAssetsToDelete
        | TooManyAssetsToRename
        | LastKey
        | KeyLimit
        | WebhookKeyStaysEnabled
        | EnableBeforeDedicating
        | NoKeyToSign
        | AccountApiKeyLimit
        | AlreadySetUp
        | StaleSettings
        | AddonNotRegistered { .. }
        | FolderNotEmpty { .. }
        | TwoFactorAlreadyOn
        | TwoFactorNotOn
        | TwoFactorRequiredByAccount => 409,
        SignInThrottled { .. }
        | TooManyInvitations
        | TooManyResetEmails
        | TooManyAttempts { .. } => 429,
    }
}

impl ConsoleError {
    /// The HTTP status of each error: mapped here and nowhere else (the server applies it
    /// to every server-function response).
    pub fn status(&self) -> u16 {
        match self {
            ConsoleError::Invalid(_) => 400,
            ConsoleError::Refused(r) => refusal_status(r),
            ConsoleError::Internal { .. } | ConsoleError::Transport(_) => 500,
        }
    }

    /// The refusal, if this is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            ConsoleError::Refused(r) => Some(r),
            _ => None,
        }
    }

    /// The session is gone: the page sends its user to sign in.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ConsoleError::Refused(Refusal::Unauthenticated))
    }

    /// The action waits for the password again.
    pub fn needs_reauthentication(&self) -> bool {
        matches!(
            self,
            ConsoleError::Refused(Refusal::ReauthenticationRequired)
        )
    }

    /// Seconds before asking again, for a rate limit.
    pub fn retry_after(&self) -> Option<i64> {
        self.refusal().and_then(Refusal::retry_after)
    }

    /// The message for one field, when the error is about fields.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ConsoleError::Invalid(f) => f.get(name).map(str::to_string),
            _ => None,
        }
    }

    /// A message for the whole form: everything but field errors.
    pub fn form_message(&self) -> Option<String> {
        match self {
            ConsoleError::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for ConsoleError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                let mut f = FieldErrors::new();
                f.add("request", format!("The request was malformed: {m}"));
                ConsoleError::Invalid(f)
            }
            other => ConsoleError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal reaches the console as a sentence, with a status a browser
    /// understands as a refusal (never a 500).
    #[test]
    fn every_refusal_has_a_sentence_and_a_refusal_status() {
        for r in Refusal::examples() {
            let e = ConsoleError::from(r.clone());
            assert!(
                [401, 403, 404, 409, 429].contains(&e.status()),
                "{r:?} → {}",
                e.status()
            );
            let message = e.form_message().unwrap_or_default();
            assert_eq!(message, r.to_string());
            assert!(message.len() > 8, "{r:?}");
            // What the browser receives reads back as the same refusal.
            let wire = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<ConsoleError>(&wire).unwrap(), e);
        }
    }

    #[test]
    fn rate_limits_say_when_to_come_back() {
        let e = ConsoleError::from(Refusal::SignInThrottled { retry_after: 42 });
        assert_eq!((e.status(), e.retry_after()), (429, Some(42)));
        assert_eq!(ConsoleError::from(Refusal::LastKey).retry_after(), None);
    }
}
