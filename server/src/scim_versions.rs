//! SCIM's versions and searches over HTTP (RFC 7644 §3.14, §3.4.3; docs/rules/scim.md#versions):
//! every resource answered carries its version as `ETag`; `If-None-Match` on a read answers
//! 304 when nothing changed; `If-Match` on a change or a delete answers 412 when the resource
//! changed since the client read it. And `POST …/.search`, a list whose query is the body.

use crate::scim::{scim_json, ListParams, ScimError, Shown};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;

fn version(resource: &Value) -> Option<&str> {
    resource["meta"]["version"].as_str()
}

/// Whether a header's list of entity tags names `version` (`*` names any); compared weakly
/// (RFC 9110 §8.8.3.2), as SCIM's versions are weak.
fn names(header: &HeaderValue, version: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    header.to_str().is_ok_and(|list| {
        list.split(',')
            .any(|t| t.trim() == "*" || bare(t) == bare(version))
    })
}

/// `response` with `resource`'s version as its `ETag`.
fn with_etag(mut response: Response, resource: &Value) -> Response {
    if let Some(v) = version(resource).and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// A resource as the answer: its JSON, its `ETag` and, when created, its `Location`.
pub(crate) fn resource_response(status: StatusCode, resource: &Value) -> Response {
    let mut response = with_etag((status, scim_json(resource)).into_response(), resource);
    if status == StatusCode::CREATED {
        if let Some(v) = resource["meta"]["location"]
            .as_str()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            response.headers_mut().insert(header::LOCATION, v);
        }
    }
    response
}

/// A read: 304 Not Modified when `If-None-Match` names the version, else the resource as asked
/// (its version as the `ETag` even when `attributes` leave `meta` out).
pub(crate) fn read_response(headers: &HeaderMap, resource: &Value, shown: &Shown) -> Response {
    let unchanged = match (headers.get(header::IF_NONE_MATCH), version(resource)) {
        (Some(h), Some(v)) => names(h, v),
        _ => false,
    };
    let response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        scim_json(&shown.apply(resource))
    };
    with_etag(response, resource)
}

/// A change's precondition: with `If-Match`, the resource as it is now (`current`, read only
/// then) must have a version it names, else 412 and nothing changes.
pub(crate) async fn if_match<F>(headers: &HeaderMap, current: F) -> Result<(), ScimError>
where
    F: std::future::Future<Output = Result<Value, ScimError>>,
{
    let Some(wanted) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let resource = current.await?;
    match version(&resource) {
        Some(v) if names(wanted, v) => Ok(()),
        _ => Err(ScimError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            "The resource changed since this version: read it again",
        )),
    }
}

/// A `POST …/.search` body (RFC 7644 §3.4.3).
#[derive(Debug, serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchRequest {
    attributes: Option<Vec<String>>,
    excluded_attributes: Option<Vec<String>>,
    filter: Option<String>,
    start_index: Option<Value>,
    count: Option<Value>,
}

impl SearchRequest {
    /// The body, read as the list's query parameters are.
    pub(crate) fn read(bytes: &[u8]) -> Result<ListParams, ScimError> {
        let body: SearchRequest = serde_json::from_slice(bytes).map_err(|_| {
            ScimError::new(
                StatusCode::BAD_REQUEST,
                Some("invalidSyntax"),
                "The body isn't a SearchRequest",
            )
        })?;
        let number = |v: Option<Value>| {
            v.map(|v| match v {
                Value::String(s) => s,
                other => other.to_string(),
            })
        };
        Ok(ListParams {
            filter: body.filter,
            start_index: number(body.start_index),
            count: number(body.count),
            shown: Shown {
                attributes: body.attributes.map(|a| a.join(",")),
                excluded_attributes: body.excluded_attributes.map(|a| a.join(",")),
            },
        })
    }
}

/// `POST /.search` over every resource type at once isn't offered: 501, as RFC 7644 §3.12 says
/// for a request operation the provider doesn't support.
pub(crate) async fn search_everything() -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "Search Users or Groups (POST /Users/.search, /Groups/.search)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_tags_are_compared_weakly_and_star_names_any() {
        let h = |s: &str| HeaderValue::from_str(s).unwrap();
        assert!(names(&h("W/\"abc\""), "W/\"abc\""));
        assert!(names(&h("\"abc\""), "W/\"abc\""));
        assert!(names(&h("W/\"x\", W/\"abc\""), "W/\"abc\""));
        assert!(names(&h("*"), "W/\"abc\""));
        assert!(!names(&h("W/\"abd\""), "W/\"abc\""));
        assert!(!names(&h(""), "W/\"abc\""));
    }
}
