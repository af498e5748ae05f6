use app::api::ConsoleError;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, CONTENT_LENGTH, RETRY_AFTER};
use http::StatusCode;

/// Server functions answer every error with 500; the body is an [`ConsoleError`]. This gives
/// the response the error's own status (the one mapping, [`ConsoleError::status`]) and a
/// `Retry-After` when throttled — including errors the framework raises before the
/// function runs (malformed arguments).
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::from("Internal error"));
    };
    if let Ok(error) = serde_json::from_slice::<ConsoleError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(retry_after) = error.retry_after() {
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                parts.headers.insert(RETRY_AFTER, v);
            }
        }
    }
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}
