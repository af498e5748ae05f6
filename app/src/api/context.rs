//! What a server function learns about its request: the service, the caller's address
//! and session, and how to set the session cookie.

use super::ConsoleError;
use crate::domain::Refusal;
use crate::service::{Principal, RequestMeta, Service, ServiceError};
use http::header::{HeaderValue, COOKIE, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// How the session cookie is written; the server provides it.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    /// Served over https: `__Host-` prefix and `Secure` (browsers refuse the prefix without it).
    pub secure: bool,
}

impl CookiePolicy {
    pub fn name(&self) -> &'static str {
        if self.secure {
            "__Host-console_session"
        } else {
            "console_session"
        }
    }

    /// The second step's ticket (a right password, a code still to come).
    pub fn second_step_name(&self) -> &'static str {
        if self.secure {
            "__Host-console_sign_in"
        } else {
            "console_sign_in"
        }
    }

    pub fn set(&self, token: &str, max_age: i64) -> String {
        self.cookie(self.name(), token, max_age)
    }

    pub fn clear(&self) -> String {
        self.set("", 0)
    }

    pub fn set_second_step(&self, token: &str, max_age: i64) -> String {
        self.cookie(self.second_step_name(), token, max_age)
    }

    pub fn clear_second_step(&self) -> String {
        self.set_second_step("", 0)
    }

    fn cookie(&self, name: &str, value: &str, max_age: i64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
    }

    /// The session token in a `Cookie` header, if any.
    pub fn token_from(&self, parts: &Parts) -> Option<String> {
        cookie_value(parts, self.name())
    }

    /// The second step's ticket in a `Cookie` header, if any.
    pub fn second_step_from(&self, parts: &Parts) -> Option<String> {
        cookie_value(parts, self.second_step_name())
    }
}

fn cookie_value(parts: &Parts, name: &str) -> Option<String> {
    {
        parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

pub struct Request {
    pub service: Service,
    pub meta: RequestMeta,
    pub token: Option<String>,
    /// The second step's ticket, between a right password and a code.
    pub second_step: Option<String>,
    pub cookies: CookiePolicy,
}

/// The request as the server's middleware described it.
pub async fn request() -> Result<Request, ConsoleError> {
    let internal = || ConsoleError::Internal {
        request_id: "-".into(),
    };
    let service = use_context::<Service>().ok_or_else(internal)?;
    let cookies = use_context::<CookiePolicy>().ok_or_else(internal)?;
    let parts = use_context::<Parts>().ok_or_else(internal)?;
    let meta = parts
        .extensions
        .get::<RequestMeta>()
        .cloned()
        .ok_or_else(internal)?;
    let token = cookies.token_from(&parts);
    let second_step = cookies.second_step_from(&parts);
    Ok(Request {
        service,
        meta,
        token,
        second_step,
        cookies,
    })
}

/// The signed-in principal of this request; when the session is gone the cookie is cleared.
pub async fn signed_in() -> Result<(Request, Principal), ConsoleError> {
    let req = request().await?;
    let Some(token) = req.token.clone() else {
        return Err(ConsoleError::Refused(Refusal::Unauthenticated));
    };
    match req.service.authenticate(&token, &req.meta).await {
        Ok(p) => Ok((req, p)),
        Err(e) => {
            if matches!(
                e,
                ServiceError::Refused(Refusal::Unauthenticated | Refusal::AddressNotAllowed { .. })
            ) {
                set_cookie(&req.cookies.clear());
            }
            Err(from_service(e, &req.meta))
        }
    }
}

/// Whether this request is a plain HTML form post (a browser without the WASM), not the
/// console's own call: the same test Leptos makes before redirecting one.
pub fn plain_form_post() -> bool {
    use_context::<Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Answers this request with `303 See Other` to `location` (a path on this console).
pub fn see_other(location: &str) {
    if let (Some(opts), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(location),
    ) {
        opts.set_status(http::StatusCode::SEE_OTHER);
        opts.insert_header(http::header::LOCATION, v);
    }
}

pub fn set_cookie(value: &str) {
    if let (Some(opts), Ok(v)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        opts.append_header(SET_COOKIE, v);
    }
}

pub fn from_service(e: ServiceError, meta: &RequestMeta) -> ConsoleError {
    match e {
        ServiceError::Invalid(f) => ConsoleError::Invalid(f),
        ServiceError::Refused(r) => ConsoleError::Refused(r),
        ServiceError::Internal(inner) => {
            tracing::error!(request_id = %meta.request_id, error = %inner, "internal error");
            ConsoleError::Internal {
                request_id: meta.request_id.clone(),
            }
        }
    }
}

/// `result.or_api(&meta)`: a service result as the server function's result.
pub trait OrApi<T> {
    fn or_api(self, meta: &RequestMeta) -> Result<T, ConsoleError>;
}

impl<T> OrApi<T> for Result<T, ServiceError> {
    fn or_api(self, meta: &RequestMeta) -> Result<T, ConsoleError> {
        self.map_err(|e| from_service(e, meta))
    }
}
