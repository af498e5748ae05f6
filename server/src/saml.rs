//! SAML single sign-on over HTTP (docs/rules/saml.md): our metadata, *Sign in with SSO*
//! (a plain form, so it works before the WASM arrives), re-authentication by a fresh SAML
//! sign-in, and the assertion consumer service the identity provider posts to. The
//! service decides everything; refusals become pages here, in one place.

use app::api::context::CookiePolicy;
use app::domain::sign_in::{safe_next, SignInProblem};
use app::service::{Principal, RequestMeta, SamlOutcome, Service, ServiceError};
use axum::extract::{Form, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

#[derive(Clone)]
struct Saml {
    service: Service,
    cookies: CookiePolicy,
}

pub fn router(service: Service, cookies: CookiePolicy) -> Router {
    Router::new()
        .route("/saml/metadata", get(metadata))
        .route("/saml/login", post(start))
        .route("/saml/reauthenticate", get(reauthenticate))
        .route("/saml/acs", post(acs))
        .with_state(Saml { service, cookies })
}

async fn metadata(State(s): State<Saml>) -> Response {
    match s.service.saml_metadata_xml().await {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/samlmetadata+xml"),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"console-saml-metadata.xml\"",
                ),
            ],
            xml,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "SAML metadata failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Debug, Deserialize, Default)]
struct StartForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    next: String,
}

/// *Sign in with SSO*: to the identity provider, or back to the sign-in page saying why.
async fn start(
    State(s): State<Saml>,
    meta: Option<axum::Extension<RequestMeta>>,
    Form(f): Form<StartForm>,
) -> Response {
    let Some(axum::Extension(meta)) = meta else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match s
        .service
        .saml_sign_in_start(&f.email, Some(&f.next), &meta)
        .await
    {
        Ok(url) => on_to_identity_provider(&url),
        Err(e) => back_to_sign_in(&e, &f.next),
    }
}

/// On to the identity provider from a form post. Not a redirect: the sign-in page's
/// `form-action 'self'` would stop a form's redirect to another site. A page that moves on
/// at once (`Refresh`), with a link for a browser that doesn't.
fn on_to_identity_provider(url: &str) -> Response {
    let esc = app::domain::format::escape_html(url);
    let page = Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0; url={esc}\"><title>Signing in with SSO</title></head>\
         <body><main><p>Taking you to your identity provider… \
         <a href=\"{esc}\">Continue</a></p></main></body></html>"
    ));
    let mut response = page.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("0; url={url}")) {
        response.headers_mut().insert(header::REFRESH, v);
    }
    response
}

#[derive(Debug, Deserialize, Default)]
struct ReauthQuery {
    #[serde(default)]
    next: String,
}

/// A signed-in SAML user confirms who they are with a fresh sign-in at the provider.
async fn reauthenticate(
    State(s): State<Saml>,
    Query(q): Query<ReauthQuery>,
    req: axum::extract::Request,
) -> Response {
    let Some(meta) = req.extensions().get::<RequestMeta>().cloned() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (parts, _) = req.into_parts();
    let principal: Principal = match s.cookies.token_from(&parts) {
        Some(token) => match s.service.authenticate(&token, &meta).await {
            Ok(p) => p,
            Err(_) => return see_other(&app::domain::sign_in::sign_in_url(&q.next)),
        },
        None => return see_other(&app::domain::sign_in::sign_in_url(&q.next)),
    };
    match s
        .service
        .saml_reauthenticate_start(&principal, Some(&q.next), &meta)
        .await
    {
        Ok(url) => see_other(&url),
        Err(e) => back_to_sign_in(&e, &q.next),
    }
}

#[derive(Debug, Deserialize, Default)]
struct AcsForm {
    #[serde(rename = "SAMLResponse", default)]
    saml_response: String,
}

/// The assertion consumer service: a session and on to the page asked for; a failure is
/// one sentence on the sign-in page (the reason is in the audit log).
async fn acs(
    State(s): State<Saml>,
    meta: Option<axum::Extension<RequestMeta>>,
    Form(f): Form<AcsForm>,
) -> Response {
    let Some(axum::Extension(meta)) = meta else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match s.service.saml_acs(&f.saml_response, &meta).await {
        Ok(SamlOutcome::SignedIn { signed, next }) => {
            let max_age = signed.expires_at - s.service.clock_now();
            let mut response = see_other(next.as_deref().and_then(safe_next).unwrap_or("/"));
            if let Ok(cookie) = HeaderValue::from_str(&s.cookies.set(&signed.token, max_age)) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(SamlOutcome::Reauthenticated { next }) => {
            see_other(next.as_deref().and_then(safe_next).unwrap_or("/profile"))
        }
        Ok(SamlOutcome::Tested { email, username }) => tested(&email, &username),
        Err(e) => back_to_sign_in(&e, ""),
    }
}

/// *Test SSO*'s answer, in the tab it opened.
fn tested(email: &str, username: &str) -> Response {
    let esc = app::domain::format::escape_html;
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Test SSO</title></head>\
         <body><main><h1>Single sign-on works</h1>\
         <p role=\"status\">The identity provider signed in <strong>{}</strong> (user name {}). \
         Close this tab and save the settings.</p></main></body></html>",
        esc(email),
        esc(username)
    ))
    .into_response()
}

/// Back to the sign-in page with the problem's code (a closed set: never free text).
fn back_to_sign_in(e: &ServiceError, next: &str) -> Response {
    let problem = match e {
        ServiceError::Invalid(_) => SignInProblem::SsoEmail,
        ServiceError::Refused(r) => SignInProblem::of_refusal(r),
        ServiceError::Internal(inner) => {
            tracing::error!(error = %inner, "SAML sign-in failed");
            SignInProblem::Unavailable
        }
    };
    see_other(&app::domain::sign_in::page_saying("/login", problem, next))
}

fn see_other(location: &str) -> Response {
    let mut headers = HeaderMap::new();
    match HeaderValue::from_str(location) {
        Ok(v) => {
            headers.insert(header::LOCATION, v);
            (StatusCode::SEE_OTHER, headers).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
