//! What each request passes before its handler: the client-address lock after failed
//! authentications, HTTP Basic with an account API key, the rate limits and their
//! headers; and the extractors handlers take (the caller, the parameters).

use super::error::{enhance_your_calm, ProvisioningError};
use super::limits::{InProgress, Quota, Verdict};
use super::params::Params;
use super::Shared;
use crate::middleware::{too_slow, BodyRead};
use app::domain::Refusal;
use app::service::{give_back_kept, request_scope, Principal, RequestMeta, ServiceError};
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

/// A handler's path parameters, by name.
pub type Ids = Path<HashMap<String, String>>;

/// A path parameter by name (always present: the route names it).
pub fn path_id<'a>(ids: &'a HashMap<String, String>, name: &str) -> &'a str {
    ids.get(name).map_or("", String::as_str)
}

/// The principal and request facts a handler acts with.
pub struct Caller {
    pub principal: Principal,
    pub meta: RequestMeta,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ProvisioningError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Taken, not copied: the caller is extracted once per request.
        let principal = parts
            .extensions
            .remove::<Principal>()
            .ok_or_else(ProvisioningError::unauthorized)?;
        Ok(Caller {
            principal,
            meta: request_meta(&parts.extensions),
        })
    }
}

fn request_meta(ext: &http::Extensions) -> RequestMeta {
    ext.get::<RequestMeta>().cloned().unwrap_or(RequestMeta {
        ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        user_agent: None,
        request_id: String::new(),
    })
}

/// `Basic base64(key:secret)`, with any case of the scheme.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (key, secret) = text.split_once(':')?;
    Some((key.to_string(), secret.to_string()))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!(
                "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
            ))
            .ok()
        })
        .unwrap_or_default()
}

fn quota_headers(res: &mut Response, q: &Quota) {
    let h = res.headers_mut();
    for (name, value) in [
        ("x-featureratelimit-limit", q.limit.to_string()),
        ("x-featureratelimit-remaining", q.remaining.to_string()),
        ("x-featureratelimit-reset", http_date(q.reset_at)),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
}

/// Authenticates the key for the path's account, applies the rate limits, and lets the
/// handler run with the principal; every answer carries the quota headers. The key check
/// and the handler's reads share one connection ([`request_scope`]).
pub async fn authenticate(
    State(api): State<Shared>,
    Path(path): Path<HashMap<String, String>>,
    req: Request,
    next: Next,
) -> Response {
    request_scope(authenticated(api, path, req, next)).await
}

async fn authenticated(
    api: Shared,
    path: HashMap<String, String>,
    req: Request,
    next: Next,
) -> Response {
    let meta = request_meta(req.extensions());
    let now = api.service.clock_now();
    if let Some(wait) = api.limits.locked_out(meta.ip, now) {
        return ProvisioningError::throttled(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            wait,
        )
        .into_response();
    }
    let account_id = path.get("account_id").cloned().unwrap_or_default();
    let Some((key, secret)) = basic_credentials(req.headers()) else {
        api.limits.record_failure(meta.ip, now);
        return ProvisioningError::unauthorized().into_response();
    };
    let principal = match api
        .service
        .authenticate_account_api_key(&account_id, &key, &secret, &meta)
        .await
    {
        Ok(p) => p,
        Err(ServiceError::Refused(Refusal::Unauthenticated)) => {
            api.limits.record_failure(meta.ip, now);
            return ProvisioningError::unauthorized().into_response();
        }
        Err(e) => {
            return ProvisioningError::from_service(e, &Params::default(), &[]).into_response()
        }
    };
    let (quota, refusal) = match api.limits.admit(&account_id, &key, now) {
        Verdict::Allowed(q) => (q, None),
        Verdict::HourlyExceeded(q) => (
            q,
            Some(ProvisioningError::throttled(
                enhance_your_calm(),
                "Rate limit exceeded",
                q.reset_at - now,
            )),
        ),
        Verdict::BurstExceeded(q) => (
            q,
            Some(ProvisioningError::throttled(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                1,
            )),
        ),
    };
    let mut res = match refusal {
        Some(e) => e.into_response(),
        None => match admitted(&api, &key, req).await {
            Ok((mut req, in_progress)) => {
                req.extensions_mut().insert(principal);
                let res = next.run(req).await;
                drop(in_progress);
                res
            }
            Err(refused) => refused,
        },
    };
    quota_headers(&mut res, &quota);
    // Bodies may carry secrets (keys, environments): never stored by a cache.
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// An admitted request of `key`, counted in progress while it runs, with its body read
/// whole — with no database connection kept while the client sends it (docs/rules/network.md).
async fn admitted(
    api: &Shared,
    key: &str,
    req: Request,
) -> Result<(Request, InProgress), Response> {
    let Some(in_progress) = api.limits.start(key) else {
        return Err(ProvisioningError::throttled(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            1,
        )
        .into_response());
    };
    let (parts, body) = req.into_parts();
    if axum::body::HttpBody::is_end_stream(&body) {
        return Ok((Request::from_parts(parts, body), in_progress));
    }
    give_back_kept();
    let bytes = match api.body.read(body).await {
        BodyRead::Read(bytes) => bytes,
        BodyRead::TooSlow => return Err(too_slow()),
        BodyRead::TooLarge | BodyRead::Broken => {
            return Err(ProvisioningError::bad_body().into_response())
        }
    };
    Ok((Request::from_parts(parts, Body::from(bytes)), in_progress))
}

impl FromRequest<Shared> for Params {
    type Rejection = ProvisioningError;

    async fn from_request(req: Request, api: &Shared) -> Result<Self, Self::Rejection> {
        let mut params = Params::default();
        if let Some(q) = req.uri().query() {
            params.add_query(q);
        }
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut form = Multipart::from_request(req, &())
                .await
                .map_err(|_| ProvisioningError::bad_body())?;
            let mut pairs = Vec::new();
            let mut size = 0usize;
            while let Some(field) = form
                .next_field()
                .await
                .map_err(|_| ProvisioningError::bad_body())?
            {
                let name = field.name().unwrap_or_default().to_string();
                let value = field
                    .text()
                    .await
                    .map_err(|_| ProvisioningError::bad_body())?;
                size += name.len() + value.len();
                if size > api.body.max_bytes {
                    return Err(ProvisioningError::bad_body());
                }
                pairs.push((name, value));
            }
            params.add_pairs(pairs.into_iter());
            return Ok(params);
        }
        let body: Body = req.into_body();
        let bytes = axum::body::to_bytes(body, api.body.max_bytes)
            .await
            .map_err(|_| ProvisioningError::bad_body())?;
        if bytes.is_empty() {
            return Ok(params);
        }
        if content_type.starts_with("application/x-www-form-urlencoded") {
            params.add_pairs(form_urlencoded::parse(&bytes).into_owned());
        } else {
            params.add_json(&bytes)?;
        }
        Ok(params)
    }
}
