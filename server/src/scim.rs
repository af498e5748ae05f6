//! SCIM 2.0 over HTTP (RFC 7643/7644; docs/rules/scim.md): bearer tokens, the error shape
//! of RFC 7644 §3.12 (one mapping of refusals to statuses, here), and the service provider's
//! configuration. Users and Groups come next; what isn't built yet is said so in the
//! configuration, not pretended.

use app::domain::Refusal;
use app::service::{ScimCaller, Service, ServiceError};
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use serde_json::{json, Value};

const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const MEDIA_TYPE: &str = "application/scim+json";

pub fn router(service: Service) -> Router {
    Router::new()
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(service_provider_config),
        )
        .route("/scim/v2/{*rest}", axum::routing::any(not_found))
        .with_state(service)
}

/// A SCIM error (RFC 7644 §3.12): its status, `scimType` when one applies, and the detail.
#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// The service's error as SCIM says it.
    pub fn from_service(e: ServiceError) -> ScimError {
        match e {
            ServiceError::Invalid(fields) => {
                let detail: Vec<String> = fields
                    .0
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect();
                ScimError::new(
                    StatusCode::BAD_REQUEST,
                    Some("invalidValue"),
                    detail.join("; "),
                )
            }
            ServiceError::Refused(r) => ScimError::from_refusal(&r),
            ServiceError::Internal(inner) => {
                tracing::error!(error = %inner, "SCIM request failed");
                ScimError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "Internal error")
            }
        }
    }

    /// A refusal: its status (the console's, which every transport shares for SCIM's
    /// purposes) and its sentence.
    pub fn from_refusal(r: &Refusal) -> ScimError {
        let status = StatusCode::from_u16(app::api::ConsoleError::Refused(r.clone()).status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let scim_type = match r {
            Refusal::EmailTaken => Some("uniqueness"),
            _ => None,
        };
        ScimError::new(status, scim_type, r.to_string())
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        let mut response = (self.status, scim_json(&body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"SCIM\""),
            );
        }
        response
    }
}

fn scim_json(v: &Value) -> Response {
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], v.to_string()).into_response()
}

/// A request with a valid SCIM token (`Authorization: Bearer <id>.<secret>`).
pub struct Caller(pub ScimCaller);

impl FromRequestParts<Service> for Caller {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, ScimError> {
        let unauthenticated = || {
            ScimError::new(
                StatusCode::UNAUTHORIZED,
                None,
                "A SCIM bearer token is required",
            )
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or_else(unauthenticated)?;
        match service.authenticate_scim(token).await {
            Ok(c) => Ok(Caller(c)),
            Err(ServiceError::Refused(Refusal::Unauthenticated)) => Err(unauthenticated()),
            Err(e) => Err(ScimError::from_service(e)),
        }
    }
}

/// What this service provider supports (RFC 7643 §5), as built today.
async fn service_provider_config(State(service): State<Service>, _caller: Caller) -> Response {
    let base = service
        .config()
        .public_url
        .trim_end_matches('/')
        .to_string();
    scim_json(&json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": { "supported": false },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": false, "maxResults": 0 },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": false },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A SCIM token of the account (server scim-token create)",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/scim/v2/ServiceProviderConfig"),
        },
    }))
}

async fn not_found() -> ScimError {
    ScimError::new(StatusCode::NOT_FOUND, None, "No such SCIM endpoint")
}
