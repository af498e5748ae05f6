//! SCIM 2.0 over HTTP (RFC 7643/7644; docs/rules/scim.md): bearer tokens, the error shape
//! of RFC 7644 §3.12 (one mapping of refusals to statuses, here), and the service provider's
//! configuration and discovery documents; users (scim_users.rs) and groups (scim_groups.rs)
//! with their versions (scim_versions.rs). What isn't built (bulk, sort, password changes) is
//! said so in the configuration, not pretended.

use crate::scim_schema;
use crate::scim_users as users;
use crate::scim_versions as versions;
use app::domain::scim_patch::PatchError;
use app::domain::Refusal;
use app::service::{RequestMeta, ScimCaller, Service, ServiceError};
use axum::extract::{FromRequestParts, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
        .route("/scim/v2/ResourceTypes", get(resource_types))
        .route("/scim/v2/ResourceTypes/{id}", get(resource_type))
        .route("/scim/v2/Schemas", get(schemas))
        .route("/scim/v2/Schemas/{id}", get(schema))
        .route("/scim/v2/Users", get(users::list).post(users::create))
        .route("/scim/v2/Users/.search", post(users::search))
        .route(
            "/scim/v2/Users/{id}",
            get(users::one)
                .patch(users::patch)
                .put(users::put)
                .delete(users::delete),
        )
        .route(
            "/scim/v2/Groups",
            get(crate::scim_groups::list).post(crate::scim_groups::create),
        )
        .route("/scim/v2/Groups/.search", post(crate::scim_groups::search))
        .route("/scim/v2/.search", post(versions::search_everything))
        .route(
            "/scim/v2/Groups/{id}",
            get(crate::scim_groups::one)
                .patch(crate::scim_groups::patch)
                .put(crate::scim_groups::put)
                .delete(crate::scim_groups::delete),
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
    pub(crate) fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// The service's error as SCIM says it.
    pub fn from_service(e: ServiceError) -> ScimError {
        match e {
            ServiceError::Invalid(fields)
                if fields
                    .0
                    .iter()
                    .any(|f| f.reason.as_ref().is_some_and(taken)) =>
            {
                let detail: Vec<String> = fields.0.iter().map(|f| f.message.clone()).collect();
                ScimError::new(StatusCode::CONFLICT, Some("uniqueness"), detail.join("; "))
            }
            ServiceError::Invalid(fields) => {
                let detail: Vec<String> = fields.0.iter().map(|f| f.message.clone()).collect();
                // The field names the kind of mistake (an identifier, never the words).
                let scim_type = match fields.0.first().map(|f| f.field.as_str()) {
                    Some("filter") => "invalidFilter",
                    Some("filter_too_broad") => "tooMany",
                    _ => "invalidValue",
                };
                ScimError::new(StatusCode::BAD_REQUEST, Some(scim_type), detail.join("; "))
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
        let scim_type = taken(r).then_some("uniqueness");
        ScimError::new(status, scim_type, r.to_string())
    }
}

/// A refusal that says a unique value is another resource's (SCIM's `uniqueness`, 409).
fn taken(r: &Refusal) -> bool {
    matches!(
        r,
        Refusal::EmailTaken | Refusal::GroupNameTaken | Refusal::UserNameTaken
    )
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

pub(crate) fn scim_json(v: &Value) -> Response {
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], v.to_string()).into_response()
}

/// A request with a valid SCIM token (`Authorization: Bearer <id>.<secret>`), and its
/// metadata (address, request id) for the records it writes.
pub struct Caller(pub ScimCaller, pub RequestMeta);

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
        let meta = parts
            .extensions
            .get::<RequestMeta>()
            .cloned()
            .ok_or_else(|| {
                ScimError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "Internal error")
            })?;
        match service.authenticate_scim(token).await {
            Ok(c) => Ok(Caller(c, meta)),
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
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": app::service::SCIM_MAX_COUNT },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": true },
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

#[derive(Debug, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListParams {
    pub(crate) filter: Option<String>,
    pub(crate) start_index: Option<String>,
    pub(crate) count: Option<String>,
    #[serde(flatten)]
    pub(crate) shown: Shown,
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.9).
#[derive(Debug, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Shown {
    pub(crate) attributes: Option<String>,
    pub(crate) excluded_attributes: Option<String>,
}

impl Shown {
    pub(crate) fn apply(&self, resource: &Value) -> Value {
        app::domain::scim_eval::project(
            resource,
            self.attributes.as_deref(),
            self.excluded_attributes.as_deref(),
        )
    }
}

/// A positive whole number parameter (RFC 7644 §3.4.2.4: below 1 is 1; `count` 0 is allowed).
pub(crate) fn whole(v: &Option<String>, default: i64, field: &str) -> Result<i64, ScimError> {
    match v.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => s.parse::<i64>().map_err(|_| {
            ScimError::new(
                StatusCode::BAD_REQUEST,
                Some("invalidValue"),
                format!("{field} must be a whole number"),
            )
        }),
    }
}

/// A page as SCIM's ListResponse, each resource shown as asked.
pub(crate) fn list_response(page: app::service::ScimPage, shown: &Shown) -> Response {
    let resources: Vec<Value> = page.resources.iter().map(|r| shown.apply(r)).collect();
    scim_json(&json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": page.total,
        "startIndex": page.start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    }))
}

impl From<PatchError> for ScimError {
    fn from(e: PatchError) -> ScimError {
        ScimError::new(StatusCode::BAD_REQUEST, Some(e.scim_type), e.detail)
    }
}

/// A JSON body, whatever its media type says (`application/scim+json` or `application/json`).
pub(crate) fn json_body(bytes: &[u8]) -> Result<Value, ScimError> {
    serde_json::from_slice(bytes).map_err(|_| {
        ScimError::new(
            StatusCode::BAD_REQUEST,
            Some("invalidSyntax"),
            "The body isn't JSON",
        )
    })
}

fn base(service: &Service) -> String {
    service
        .config()
        .public_url
        .trim_end_matches('/')
        .to_string()
}

async fn resource_types(State(service): State<Service>, _caller: Caller) -> Response {
    let base = base(&service);
    let types = ["User", "Group"]
        .into_iter()
        .filter_map(|n| scim_schema::resource_type(&base, n))
        .collect();
    scim_json(&scim_schema::list(types))
}

async fn resource_type(
    State(service): State<Service>,
    _caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ScimError> {
    match scim_schema::resource_type(&base(&service), &id) {
        Some(t) => Ok(scim_json(&t)),
        None => Err(not_found().await),
    }
}

async fn schemas(State(service): State<Service>, _caller: Caller) -> Response {
    let base = base(&service);
    scim_json(&scim_schema::list(vec![
        scim_schema::user_schema(&base),
        scim_schema::group_schema(&base),
    ]))
}

async fn schema(
    State(service): State<Service>,
    _caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ScimError> {
    match id.as_str() {
        scim_schema::USER_SCHEMA => Ok(scim_json(&scim_schema::user_schema(&base(&service)))),
        scim_schema::GROUP_SCHEMA => Ok(scim_json(&scim_schema::group_schema(&base(&service)))),
        _ => Err(not_found().await),
    }
}

async fn not_found() -> ScimError {
    ScimError::new(StatusCode::NOT_FOUND, None, "No such SCIM endpoint")
}
