//! SCIM's `/Groups` (docs/rules/scim.md#groups): the account's user groups, read and changed
//! through the service as the token's principal.

use crate::scim::{
    json_body, list_response, scim_json, whole, Caller, ListParams, ScimError, Shown,
};
use app::domain::scim_group_patch;
use app::service::Service;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

pub(crate) async fn list(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Query(p): Query<ListParams>,
) -> Result<Response, ScimError> {
    let start = whole(&p.start_index, 1, "startIndex")?;
    let count = whole(&p.count, 100, "count")?;
    let page = service
        .scim_groups(&caller, p.filter.as_deref(), start, count, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(list_response(page, &p.shown))
}

pub(crate) async fn one(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
) -> Result<Response, ScimError> {
    let group = service
        .scim_group(&caller, &id, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(scim_json(&shown.apply(&group)))
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
    let mut response = (StatusCode::CREATED, scim_json(&group)).into_response();
    if let Some(v) = group["meta"]["location"]
        .as_str()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

pub(crate) async fn patch(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_group_patch::patch(&json_body(&body)?)?;
    let group = service
        .scim_update_group(&caller, &id, &changes, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(scim_json(&group))
}

/// PUT: the display name and exactly these members.
pub(crate) async fn put(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ScimError> {
    let changes = scim_group_patch::whole(&json_body(&body)?)?;
    let group = service
        .scim_update_group(&caller, &id, &changes, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(scim_json(&group))
}

pub(crate) async fn delete(
    State(service): State<Service>,
    Caller(caller, meta): Caller,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    service
        .scim_delete_group(&caller, &id, &meta)
        .await
        .map_err(ScimError::from_service)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
