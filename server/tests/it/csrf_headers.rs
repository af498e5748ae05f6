//! Cross-site refusal before routing, and the security headers of every response.

use crate::support::*;
use axum::body::Body;
use http::{header, Request, StatusCode};

async fn sign_in_with(app: &TestApp, headers: &[(&str, &str)]) -> Reply {
    let form = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let mut b = form_request("sign_in", &form, None, "203.0.113.7");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::from(encode(&form))).unwrap()).await
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = TestApp::with_account().await;
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![],
    ] {
        let r = sign_in_with(&app, &headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(r.session_cookie().is_none());
    }
    // Not even a failure was counted: five wrong tries still pass straight through.
    let token = app.admin_token().await;
    let r = app.call("audit_log", &[], Some(&token)).await;
    let n = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "auth.login_success")
        .count();
    assert_eq!(n, 1, "only the same-origin sign-in happened");
}

#[tokio::test]
async fn same_origin_requests_pass() {
    let app = TestApp::with_account().await;
    let r = sign_in_with(&app, &[("origin", "http://127.0.0.1:3000")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = sign_in_with(
        &app,
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1:3000"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn refusal_happens_before_routing() {
    let app = TestApp::with_account().await;
    let req = Request::post("/no/such/route")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    let req = Request::delete("/api/sign_out")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_security_headers() {
    let app = TestApp::with_account().await;
    let req = Request::get("/login")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        r.body.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(r.headers.get("referrer-policy").unwrap(), "same-origin");
    let request_id = r.headers.get("x-request-id").unwrap().to_str().unwrap();
    assert_eq!(request_id.len(), 24, "12 random bytes in hex: {request_id}");
    assert!(request_id
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    // Another response, another nonce.
    let req = Request::get("/login")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let again = app.send(req).await;
    assert_ne!(
        again.headers.get(header::CONTENT_SECURITY_POLICY),
        r.headers.get(header::CONTENT_SECURITY_POLICY)
    );
}

#[tokio::test]
async fn the_console_redirects_to_sign_in_or_setup() {
    let app = TestApp::empty().await;
    let r = app.send(page("/users")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), Some("/setup"));
    let app = TestApp::with_account().await;
    // Any client, browser or not, gets a real redirect, with the page to come back to.
    for accept in ["text/html", "*/*"] {
        let req = Request::get("/")
            .header(header::ACCEPT, accept)
            .body(Body::empty())
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{accept}");
        assert_eq!(location(&r), Some("/login"));
    }
    let r = app.send(page("/users?sort=name&q=a%20b")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        Some("/login?next=%2Fusers%3Fsort%3Dname%26q%3Da%2520b")
    );
    let r = app.send(page("/settings/upload")).await;
    assert_eq!(location(&r), Some("/login?next=%2Fsettings%2Fupload"));
}

fn page(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap()
}

fn location(r: &Reply) -> Option<&str> {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::with_account().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let form = [("email", big.as_str()), ("password", "x")];
    let req = form_request("sign_in", &form, None, "203.0.113.7")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_LENGTH, encode(&form).len())
        .body(Body::from(encode(&form)))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}
