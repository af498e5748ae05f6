//! The Provisioning API (docs/rules/provisioning-api.md):
//! `/v1_1/provisioning/accounts/{account_id}/…` over HTTP Basic with an account API key,
//! wire-compatible with Cloudinary's so its official SDKs work unchanged. Thin handlers over the
//! service; one error type ([`ProvisioningError`]) mapped to the contract's statuses in one place.

mod access_keys;
pub mod doc;
mod environments;
pub mod error;
mod groups;
pub mod limits;
pub mod params;
mod request;
mod users;

pub use error::ProvisioningError;
pub use limits::LimitConfig;
pub use params::Params;

use app::service::Service;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use axum::Router;
use http::header::CONTENT_TYPE;
use http::HeaderValue;
use std::sync::Arc;

/// What every handler shares.
pub struct Api {
    pub service: Service,
    pub limits: limits::Limits,
    /// How request bodies are read: the size (larger: 400 `Invalid request body`) and
    /// the time (longer: 408) they may take.
    pub body: crate::middleware::BodyPolicy,
}

pub type Shared = Arc<Api>;
pub type ApiResult = Result<Response, ProvisioningError>;

/// A JSON answer with the contract's content type.
fn json_response(status: http::StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// 200 with a record serialized in its fields' order (straight to text, no detour
/// through a JSON tree), into a buffer the size of a page of users from the start.
pub fn ok<T: serde::Serialize>(value: &T) -> ApiResult {
    let mut body = Vec::with_capacity(16 * 1024);
    serde_json::to_writer(&mut body, value).map_err(|e| {
        tracing::error!(error = %e, "provisioning response didn't serialize");
        ProvisioningError::new(http::StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
    })?;
    Ok(json_response(http::StatusCode::OK, body))
}

async fn not_found() -> ProvisioningError {
    ProvisioningError::not_found()
}

/// The API's routes; unknown paths and methods under its prefixes answer 404 `not found`.
pub fn router(
    service: Service,
    limits: LimitConfig,
    body: crate::middleware::BodyPolicy,
) -> Router {
    let api = Arc::new(Api {
        service,
        limits: limits::Limits::new(limits),
        body,
    });
    let account = Router::new()
        .route(
            "/sub_accounts",
            get(environments::list).post(environments::create),
        )
        .route(
            "/sub_accounts/{sub_account_id}",
            get(environments::get)
                .put(environments::update)
                .delete(environments::delete),
        )
        .route(
            "/sub_accounts/{sub_account_id}/access_keys",
            get(access_keys::list)
                .post(access_keys::create)
                .delete(access_keys::delete_by_name),
        )
        .route(
            "/sub_accounts/{sub_account_id}/access_keys/{key}",
            put(access_keys::update).delete(access_keys::delete),
        )
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{user_id}",
            get(users::get).put(users::update).delete(users::delete),
        )
        .route("/users/{user_id}/groups", get(users::groups))
        .route("/users/{user_id}/sub_accounts", get(users::environments))
        .route("/user_groups", get(groups::list).post(groups::create))
        .route(
            "/user_groups/{group_id}",
            get(groups::get).put(groups::update).delete(groups::delete),
        )
        .route("/user_groups/{group_id}/users", get(groups::members))
        .route(
            "/user_groups/{group_id}/users/{user_id}",
            post(groups::add_member).delete(groups::remove_member),
        )
        .method_not_allowed_fallback(not_found)
        .route_layer(axum::middleware::from_fn_with_state(
            api.clone(),
            request::authenticate,
        ))
        .fallback(not_found)
        .with_state(api);
    Router::new()
        .nest("/v1_1/provisioning/accounts/{account_id}", account)
        .route("/v1_1/provisioning/{*rest}", any(not_found))
        .route("/v2/accounts/{*rest}", any(not_found))
        .route(
            "/api/openapi.json",
            get(|| async { ([(CONTENT_TYPE, "application/json")], doc::document()) }),
        )
}
