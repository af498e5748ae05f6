//! SCIM's `/Users` (docs/rules/scim.md#users): read (one, lists by filter, searches), created
//! (POST), changed (PATCH, PUT) and deprovisioned (DELETE) through the service as the token's
//! principal, each answer with its version (`ETag`) and each change under `If-Match`.

use crate::scim::{json_body, list_response, whole, Caller, ListParams, ScimError, Shown};
use crate::scim_versions::{if_match, read_response, resource_response, SearchRequest};
use app::domain::scim_patch;
use app::service::{ScimCaller, Service};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde_json::Value;

async fn listed(
    service: &Service,
    caller: &ScimCaller,
    p: ListParams,
) -> Result<Response, ScimError> {
    let start = whole(&p.start_index, 1, "startIndex")?;
    let count = whole(&p.count, 100, "count")?;
    let page = service
        .scim_users(caller, p.filter.as_deref(), start, count)
        .await
        .map_err(ScimError::from_service)?;
    Ok(list_response(page, &p.shown))
}

pub(crate) async fn list(
    State(service): State<Service>,
    Caller(caller, _): Caller,
    Query(p): Query<ListParams>,
) -> Result<Response, ScimError> {
    listed(&service, &caller, p).await
}

/// `POST /Users/.search`: the list, its query in the body.
pub(crate) async fn search(
    State(service): State<Service>,
    Caller(caller, _): Caller,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    listed(&service, &caller, SearchRequest::read(&body)?).await
}

async fn current(service: &Service, caller: &ScimCaller, id: &str) -> Result<Value, ScimError> {
    service
        .scim_user(caller, id)
        .await
        .map_err(ScimError::from_service)
}

pub(crate) async fn one(
    State(service): State<Service>,
    Caller(caller, _): Caller,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let user = current(&service, &caller, &id).await?;
    Ok(read_response(&headers, &user, &shown))
}

/// A change of user `id` under `If-Match`, answered with the user as changed.
async fn change(
    service: &Service,
    Caller(caller, meta): Caller,
    id: &str,
    headers: &HeaderMap,
    changes: scim_patch::UserChanges,
) -> Result<Response, ScimError> {
    if_match(headers, current(service, &caller, id)).await?;
    let user = service
        .scim_update_user(&caller, id, &changes, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(resource_response(StatusCode::OK, &user))
}

pub(crate) async fn patch(
    State(service): State<Service>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_patch::patch(&json_body(&body)?)?;
    change(&service, caller, &id, &headers, changes).await
}

/// POST: a new user (201, its location).
pub(crate) async fn create(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_patch::replace(&json_body(&body)?)?;
    let user = service
        .scim_create_user(&caller, &changes, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(resource_response(StatusCode::CREATED, &user))
}

/// PUT: the whole user (Okta deactivates with it).
pub(crate) async fn put(
    State(service): State<Service>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_patch::replace(&json_body(&body)?)?;
    change(&service, caller, &id, &headers, changes).await
}

/// DELETE: deprovisioned (204).
pub(crate) async fn delete(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    if_match(&headers, current(&service, &caller, &id)).await?;
    service
        .scim_delete_user(&caller, &id, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
