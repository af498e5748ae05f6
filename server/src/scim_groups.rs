//! SCIM's `/Groups` (docs/rules/scim.md#groups): the account's user groups, read and changed
//! through the service as the token's principal.

use crate::scim::{json_body, list_response, whole, Caller, ListParams, ScimError, Shown};
use crate::scim_versions::{if_match, read_response, resource_response, SearchRequest};
use app::domain::scim_group_patch;
use app::service::{RequestMeta, ScimCaller, Service};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde_json::Value;

async fn listed(
    service: &Service,
    caller: &ScimCaller,
    meta: &RequestMeta,
    p: ListParams,
) -> Result<Response, ScimError> {
    let start = whole(&p.start_index, 1, "startIndex")?;
    let count = whole(&p.count, 100, "count")?;
    let page = service
        .scim_groups(caller, p.filter.as_deref(), start, count, meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(list_response(page, &p.shown))
}

pub(crate) async fn list(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Query(p): Query<ListParams>,
) -> Result<Response, ScimError> {
    listed(&service, &caller, &meta, p).await
}

/// `POST /Groups/.search`: the list, its query in the body.
pub(crate) async fn search(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    listed(&service, &caller, &meta, SearchRequest::read(&body)?).await
}

async fn current(
    service: &Service,
    caller: &ScimCaller,
    id: &str,
    meta: &RequestMeta,
) -> Result<Value, ScimError> {
    service
        .scim_group(caller, id, meta)
        .await
        .map_err(ScimError::from_service)
}

pub(crate) async fn one(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let group = current(&service, &caller, &id, &meta).await?;
    Ok(read_response(&headers, &group, &shown))
}

/// POST: a group with its members (201, its location).
pub(crate) async fn create(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_group_patch::whole(&json_body(&body)?)?;
    let group = service
        .scim_create_group(&caller, &changes, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(resource_response(StatusCode::CREATED, &group))
}

/// A change of group `id` under `If-Match`, answered with the group as changed.
async fn change(
    service: &Service,
    Caller(caller, meta): Caller,
    id: &str,
    headers: &HeaderMap,
    changes: scim_group_patch::GroupChanges,
) -> Result<Response, ScimError> {
    if_match(headers, current(service, &caller, id, &meta)).await?;
    let group = service
        .scim_update_group(&caller, id, &changes, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(resource_response(StatusCode::OK, &group))
}

pub(crate) async fn patch(
    State(service): State<Service>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_group_patch::patch(&json_body(&body)?)?;
    change(&service, caller, &id, &headers, changes).await
}

/// PUT: the display name and exactly these members.
pub(crate) async fn put(
    State(service): State<Service>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_group_patch::whole(&json_body(&body)?)?;
    change(&service, caller, &id, &headers, changes).await
}

pub(crate) async fn delete(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    if_match(&headers, current(&service, &caller, &id, &meta)).await?;
    service
        .scim_delete_group(&caller, &id, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
