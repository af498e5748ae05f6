use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HOST, ORIGIN};
use http::{Method, StatusCode};

/// Which state-changing requests are same-origin.
#[derive(Debug, Clone)]
pub struct CsrfPolicy {
    /// `scheme://host[:port]` of the public URL, when configured.
    pub public_origin: Option<String>,
    /// Paths whose callers authenticate with Basic or Bearer credentials, never cookies,
    /// and the SAML assertion consumer service (the identity provider posts to it from its
    /// own site; the signed response is its credential).
    pub exempt_prefixes: Vec<&'static str>,
}

impl CsrfPolicy {
    pub fn new(public_origin: Option<String>) -> CsrfPolicy {
        CsrfPolicy {
            public_origin,
            exempt_prefixes: vec!["/v1_1/provisioning/", "/scim/", "/saml/acs"],
        }
    }

    /// May this request change state? Safe methods always may; others must come from
    /// our own pages (`Sec-Fetch-Site: same-origin`, else a matching `Origin`).
    pub fn allows(&self, req: &Request) -> bool {
        if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
            return true;
        }
        let path = req.uri().path();
        if self.exempt_prefixes.iter().any(|p| path.starts_with(p)) {
            return true;
        }
        let header = |name| {
            req.headers()
                .get(name)
                .and_then(|v: &http::HeaderValue| v.to_str().ok())
        };
        if let Some(site) = header("sec-fetch-site") {
            return site.eq_ignore_ascii_case("same-origin");
        }
        let Some(origin) = header(ORIGIN.as_str()).map(str::to_lowercase) else {
            return false;
        };
        if self.public_origin.as_deref() == Some(origin.as_str()) {
            return true;
        }
        // Without a configured public URL: the Origin must name the host that was asked.
        let host = header(HOST.as_str()).map(str::to_lowercase);
        let origin_authority = origin.split_once("://").map(|(_, a)| a);
        self.public_origin.is_none() && host.is_some() && origin_authority == host.as_deref()
    }
}

/// Refuses, with 403 and before any handler runs, every state-changing request that is
/// not same-origin.
pub async fn refuse_cross_site(
    State(policy): State<CsrfPolicy>,
    req: Request,
    next: Next,
) -> Response {
    if policy.allows(&req) {
        next.run(req).await
    } else {
        (StatusCode::FORBIDDEN, "Cross-site request refused: state-changing requests must come from the console itself.")
            .into_response()
    }
}
