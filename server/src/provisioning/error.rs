//! The Provisioning API's one error type and its one mapping from the service's errors to
//! the contract's statuses and stable messages (docs/rules/provisioning-api.md#answers-and-errors).

use app::domain::refusal::{Refusal, SEAT_LIMIT_REACHED};
use app::service::ServiceError;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use std::borrow::Cow;

use super::doc::{ErrorBody, ErrorMessage};
use super::params::Params;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {message}")]
pub struct ProvisioningError {
    pub status: StatusCode,
    pub message: String,
    /// Seconds, for 420 and 429.
    pub retry_after: Option<i64>,
}

pub const INVALID_CREDENTIALS: &str = "Invalid credentials";

/// The hourly quota is used up: Cloudinary's 420.
pub fn enhance_your_calm() -> StatusCode {
    StatusCode::from_u16(420).unwrap_or(StatusCode::TOO_MANY_REQUESTS)
}

impl ProvisioningError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ProvisioningError {
        ProvisioningError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ProvisioningError {
        ProvisioningError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn bad_body() -> ProvisioningError {
        ProvisioningError::bad_request("Invalid request body")
    }

    pub fn missing(name: &str) -> ProvisioningError {
        ProvisioningError::bad_request(format!("Missing required parameter - {name}"))
    }

    pub fn invalid_value(value: &str, name: &str) -> ProvisioningError {
        let value: String = value.chars().take(200).collect();
        ProvisioningError::bad_request(format!("Invalid value {value} for parameter {name}"))
    }

    pub fn unauthorized() -> ProvisioningError {
        ProvisioningError::new(StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS)
    }

    pub fn not_found() -> ProvisioningError {
        ProvisioningError::new(StatusCode::NOT_FOUND, "not found")
    }

    pub fn throttled(status: StatusCode, message: &str, retry_after: i64) -> ProvisioningError {
        ProvisioningError {
            status,
            message: message.into(),
            retry_after: Some(retry_after.max(1)),
        }
    }

    /// The contract's answer for a refusal of the service. `params` names the request's
    /// values, so a bad field reads `Invalid value <value> for parameter <name>`;
    /// `field_names` maps the service's field names to the API's parameter names.
    pub fn from_service(
        e: ServiceError,
        params: &Params,
        field_names: &[(&str, &str)],
    ) -> ProvisioningError {
        match e {
            ServiceError::Invalid(fields) => {
                let Some(first) = fields.0.first() else {
                    return ProvisioningError::bad_body();
                };
                if let Some(reason) = &first.reason {
                    return ProvisioningError::from_refusal(reason);
                }
                let service_field = first.field.split('[').next().unwrap_or(&first.field);
                let name = field_names
                    .iter()
                    .find(|(from, _)| *from == service_field)
                    .map_or(service_field, |(_, to)| *to);
                match params.shown(name) {
                    Some(v) => ProvisioningError::invalid_value(&v, name),
                    None => ProvisioningError::missing(name),
                }
            }
            ServiceError::Refused(reason) => ProvisioningError::from_refusal(&reason),
            ServiceError::Internal(e) => {
                tracing::error!(error = %e, "provisioning request failed");
                ProvisioningError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
            }
        }
    }

    /// A refusal as the contract's status and message
    /// (docs/rules/provisioning-api.md#answers-and-errors in `docs/rules/provisioning-api.md`).
    pub fn from_refusal(reason: &Refusal) -> ProvisioningError {
        let (status, message) = refusal_answer(reason);
        let mut e = ProvisioningError::new(status, message);
        e.retry_after = reason.retry_after().map(|s| s.max(1));
        e
    }
}

/// A reason as the contract's status and stable message.
fn refusal_answer(reason: &Refusal) -> (StatusCode, Cow<'static, str>) {
    (refusal_status(reason), refusal_message(reason))
}

/// The one mapping of reasons to the contract's statuses: exhaustive, so a new reason
/// doesn't compile until it has one.
fn refusal_status(reason: &Refusal) -> StatusCode {
    use Refusal::*;
    match reason {
        Unauthenticated
        | InvalidCredentials
        | ReauthenticationRequired
        | InvalidSignInCode
        | SignInStepExpired
        | SsoFailed => StatusCode::UNAUTHORIZED,
        SignInThrottled { .. }
        | TooManyInvitations
        | TooManyResetEmails
        | TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        RootUser
        | SeatLimit { .. }
        | RoleLacksPermission { .. }
        | RoleOutranksYou { .. }
        | OutsideYourEnvironments
        | OnYourself
        | OwnEmailInProfile
        | InternalAddress
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
        | SubscriptionsUnavailable
        | ProvisioningNotInPlan
        | ProvisioningNotEnabled
        | GranularPermissionsNotInPlan
        | AddonNeedsPaidPlan { .. }
        | TwoFactorEnrolmentRequired
        | AddressNotAllowed { .. }
        | NotRootUser
        | SsoRequired
        | SsoNoSeats
        | SamlNotInPlan => StatusCode::FORBIDDEN,
        EnvironmentNotFound { .. }
        | UserNotFound { .. }
        | GroupNotFound { .. }
        | KeyNotFound { .. }
        | KeyNameNotFound { .. }
        | AccountNotFound
        | NoAccountYet
        | AccountApiKeyNotFound
        | FolderNotFound
        | CollectionNotFound
        | AddonNotFound
        | NoShareHere
        | SettingsPageNotFound { .. }
        | SessionNotFound
        | ScimTokenNotFound
        | SsoNotSetUp => StatusCode::NOT_FOUND,
        UserInactive
        | InactiveMember
        | CloudNameTaken
        | KeyNameTaken
        | AccountApiKeyNameTaken
        | GroupNameTaken
        | EmailTaken
        | UserNameTaken
        | EnableBeforeDedicating
        | NoKeyToSign
        | AccountApiKeyLimit
        | AlreadySetUp
        | StaleSettings
        | AddonNotRegistered { .. }
        | FolderNotEmpty { .. }
        | TwoFactorAlreadyOn
        | TwoFactorNotOn
        | TwoFactorRequiredByAccount => StatusCode::CONFLICT,
        LastMasterAdmin
        | LastEnvironment
        | TooManyAssetsToDelete
        | TooManyAssetsToRename
        | LastKey
        | KeyLimit
        | WebhookKeyStaysEnabled => StatusCode::BAD_REQUEST,
    }
}

/// The contract's message where it has one of its own; otherwise the console's sentence.
fn refusal_message(reason: &Refusal) -> Cow<'static, str> {
    use Refusal::*;
    Cow::Borrowed(match reason {
        Unauthenticated
        | InvalidCredentials
        | ReauthenticationRequired
        | InvalidSignInCode
        | SignInStepExpired => INVALID_CREDENTIALS,
        SignInThrottled { .. }
        | TooManyInvitations
        | TooManyResetEmails
        | TooManyAttempts { .. } => "Too many requests",
        RootUser => "The root user can't be changed or deleted",
        SeatLimit { .. } => SEAT_LIMIT_REACHED,
        UserInactive | InactiveMember => "User is inactive",
        LastEnvironment => "An account must keep at least one product environment",
        TooManyAssetsToDelete => "Product environments with 1000 or more assets can't be deleted",
        TooManyAssetsToRename => {
            "Cloud name can only be changed for product environments with fewer than 1000 assets"
        }
        LastKey => "A product environment must keep at least one access key",
        KeyLimit => "Maximum number of access keys reached",
        WebhookKeyStaysEnabled => "Dedicate another key for webhooks before disabling this one",
        EnvironmentNotFound { id } => {
            return Cow::Owned(format!("Cannot find sub account with id {id}"))
        }
        UserNotFound { id } => return Cow::Owned(format!("Cannot find user with id {id}")),
        GroupNotFound { id } => return Cow::Owned(format!("Cannot find user group with id {id}")),
        KeyNotFound { key } => return Cow::Owned(format!("Cannot find access key {key}")),
        KeyNameNotFound { name } => {
            return Cow::Owned(format!("Cannot find access key with name {name}"))
        }
        other => return Cow::Owned(other.to_string()),
    })
}

impl IntoResponse for ProvisioningError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorMessage {
                message: self.message,
            },
        };
        let text = serde_json::to_vec(&body).unwrap_or_default();
        let mut res = super::json_response(self.status, text);
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(http::header::RETRY_AFTER, v);
            }
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The error statuses the committed OpenAPI document promises on every operation.
    fn documented_on_every_operation() -> BTreeSet<u16> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("openapi.json"))
                .expect("valid JSON");
        let mut every: Option<BTreeSet<u16>> = None;
        for item in doc["paths"].as_object().expect("paths").values() {
            for op in item.as_object().expect("path item").values() {
                let codes: BTreeSet<u16> = op["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                    .filter_map(|k| k.parse().ok())
                    .filter(|c| *c >= 400)
                    .collect();
                every = Some(match every {
                    None => codes,
                    Some(e) => e.intersection(&codes).copied().collect(),
                });
            }
        }
        every.expect("operations")
    }

    #[test]
    fn every_refusal_reaches_a_documented_status_with_a_message() {
        let documented = documented_on_every_operation();
        assert!(documented.contains(&404) && documented.contains(&409));
        for reason in Refusal::examples() {
            let e = ProvisioningError::from_refusal(&reason);
            assert!(
                documented.contains(&e.status.as_u16()),
                "{reason:?} answers {}, which the OpenAPI document doesn't list",
                e.status
            );
            assert!(
                !e.message.is_empty() && !e.message.contains('{'),
                "{reason:?}"
            );
            assert_eq!(
                e.retry_after.is_some(),
                e.status == StatusCode::TOO_MANY_REQUESTS
            );
        }
    }

    #[test]
    fn a_field_refused_by_a_rule_answers_by_its_reason_not_its_words() {
        let mut fields = app::domain::FieldErrors::new();
        // The words don't matter: only the reason does.
        fields.refuse_in_words("name", "Whatever the console says", Refusal::KeyNameTaken);
        let e =
            ProvisioningError::from_service(ServiceError::Invalid(fields), &Params::default(), &[]);
        assert_eq!(e.status, StatusCode::CONFLICT);
        let e = ProvisioningError::from_refusal(&Refusal::SeatLimit { free: 1, limit: 3 });
        assert_eq!(
            (e.status, e.message.as_str()),
            (StatusCode::FORBIDDEN, SEAT_LIMIT_REACHED)
        );
    }
}
