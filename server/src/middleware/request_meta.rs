use app::service::RequestMeta;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, USER_AGENT};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Attaches [`RequestMeta`] (client address, user agent, a fresh request id) to the
/// request for the handlers and the audit log, and echoes the id as `X-Request-Id`.
pub async fn attach_request_meta(mut req: Request, next: Next) -> Response {
    // The socket's address: trusted proxies come with the allowed-IP work.
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let user_agent = req
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(512).collect());
    let request_id = app::service::random_hex(&app::service::OsEntropy, 12);
    req.extensions_mut().insert(RequestMeta {
        ip,
        user_agent,
        request_id: request_id.clone(),
    });
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}
