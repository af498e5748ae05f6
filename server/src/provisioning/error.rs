//! The Provisioning API's one error type and its one mapping from the service's errors to
//! the contract's statuses and stable messages (provisioning-api.md §2).

use app::domain::email::EMAIL_TAKEN;
use app::domain::environment::{
    CLOUD_NAME_TAKEN, ENVIRONMENT_LIMIT, KEY_LIMIT, KEY_NAME_TAKEN, LAST_ENVIRONMENT, LAST_KEY,
    TOO_MANY_ASSETS_TO_DELETE, TOO_MANY_ASSETS_TO_RENAME, WEBHOOK_KEY_STAYS_ENABLED,
};
use app::domain::group::GROUP_NAME_TAKEN;
use app::domain::user_action::{INACTIVE_REFUSED, LAST_MASTER_ADMIN, ROOT_REFUSED, USER_INACTIVE};
use app::service::ServiceError;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};

use super::doc::{ErrorBody, ErrorMessage};
use super::params::Params;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Seconds, for 420 and 429.
    pub retry_after: Option<i64>,
}

pub const INVALID_CREDENTIALS: &str = "Invalid credentials";
const ROOT_USER: &str = "The root user can't be changed or deleted";

/// The hourly quota is used up: Cloudinary's 420.
pub fn enhance_your_calm() -> StatusCode {
    StatusCode::from_u16(420).unwrap_or(StatusCode::TOO_MANY_REQUESTS)
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn bad_body() -> ApiError {
        ApiError::bad_request("Invalid request body")
    }

    pub fn missing(name: &str) -> ApiError {
        ApiError::bad_request(format!("Missing required parameter - {name}"))
    }

    pub fn invalid_value(value: &str, name: &str) -> ApiError {
        let value: String = value.chars().take(200).collect();
        ApiError::bad_request(format!("Invalid value {value} for parameter {name}"))
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, INVALID_CREDENTIALS)
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not found")
    }

    pub fn throttled(status: StatusCode, message: &str, retry_after: i64) -> ApiError {
        ApiError {
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
    ) -> ApiError {
        use StatusCode as S;
        let rule = |m: &str| -> Option<ApiError> {
            let (status, text) = match m {
                CLOUD_NAME_TAKEN => (S::CONFLICT, CLOUD_NAME_TAKEN),
                KEY_NAME_TAKEN => (S::CONFLICT, KEY_NAME_TAKEN),
                GROUP_NAME_TAKEN => (S::CONFLICT, GROUP_NAME_TAKEN),
                EMAIL_TAKEN => (S::CONFLICT, EMAIL_TAKEN),
                INACTIVE_REFUSED | USER_INACTIVE => (S::CONFLICT, USER_INACTIVE),
                LAST_MASTER_ADMIN => (S::BAD_REQUEST, LAST_MASTER_ADMIN),
                ROOT_REFUSED => (S::FORBIDDEN, ROOT_USER),
                LAST_ENVIRONMENT => (
                    S::BAD_REQUEST,
                    "An account must keep at least one product environment",
                ),
                TOO_MANY_ASSETS_TO_DELETE => (
                    S::BAD_REQUEST,
                    "Product environments with 1000 or more assets can't be deleted",
                ),
                TOO_MANY_ASSETS_TO_RENAME => (
                    S::BAD_REQUEST,
                    "Cloud name can only be changed for product environments with fewer than 1000 assets",
                ),
                LAST_KEY => (
                    S::BAD_REQUEST,
                    "A product environment must keep at least one access key",
                ),
                KEY_LIMIT => (S::BAD_REQUEST, "Maximum number of access keys reached"),
                WEBHOOK_KEY_STAYS_ENABLED => (
                    S::BAD_REQUEST,
                    "Dedicate another key for webhooks before disabling this one",
                ),
                ENVIRONMENT_LIMIT => (S::FORBIDDEN, ENVIRONMENT_LIMIT),
                m if m.starts_with(app::service::SEAT_LIMIT_REACHED) => (
                    S::FORBIDDEN,
                    app::service::SEAT_LIMIT_REACHED,
                ),
                _ => return None,
            };
            Some(ApiError::new(status, text))
        };
        match e {
            ServiceError::Invalid(fields) => {
                let Some(first) = fields.0.first() else {
                    return ApiError::bad_body();
                };
                if let Some(known) = rule(&first.message) {
                    return known;
                }
                let service_field = first.field.split('[').next().unwrap_or(&first.field);
                let name = field_names
                    .iter()
                    .find(|(from, _)| *from == service_field)
                    .map_or(service_field, |(_, to)| *to);
                match params.shown(name) {
                    Some(v) => ApiError::invalid_value(&v, name),
                    None => ApiError::missing(name),
                }
            }
            ServiceError::Unauthenticated | ServiceError::InvalidCredentials => {
                ApiError::unauthorized()
            }
            ServiceError::Forbidden(m) => {
                rule(&m).unwrap_or_else(|| ApiError::new(S::FORBIDDEN, m))
            }
            ServiceError::Conflict(m) => rule(&m).unwrap_or_else(|| ApiError::new(S::CONFLICT, m)),
            ServiceError::NotFound(m) => rule(&m).unwrap_or_else(|| ApiError::new(S::NOT_FOUND, m)),
            ServiceError::ReauthenticationRequired => ApiError::unauthorized(),
            ServiceError::Throttled { retry_after }
            | ServiceError::RateLimited { retry_after, .. } => {
                ApiError::throttled(S::TOO_MANY_REQUESTS, "Too many requests", retry_after)
            }
            ServiceError::Internal(e) => {
                tracing::error!(error = %e, "provisioning request failed");
                ApiError::new(S::INTERNAL_SERVER_ERROR, "Internal error")
            }
        }
    }
}

impl IntoResponse for ApiError {
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
