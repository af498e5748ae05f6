//! The built site as a browser fetches it (content-hashed names, compression, caching),
//! and signing in before — or without — the WASM.

use crate::support::*;
use axum::body::Body;
use http::{header, Request, StatusCode};

async fn fetch(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> Reply {
    let mut req = Request::get(path);
    if let Some(e) = accept_encoding {
        req = req.header(header::ACCEPT_ENCODING, e);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

/// A page as a browser asks for it.
async fn html(app: &TestApp, path: &str) -> Reply {
    let req = Request::get(path).header(header::ACCEPT, "text/html");
    app.send(req.body(Body::empty()).unwrap()).await
}

fn header(r: &Reply, name: header::HeaderName) -> Option<&str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn the_wasm_is_sent_compressed_as_the_client_accepts_and_cached_for_good() {
    let app = TestApp::with_account().await;
    for (accepts, body, encoding) in [
        (Some("gzip, deflate, br, zstd"), "wasm, brotli", Some("br")),
        (Some("gzip"), "wasm, gzip", Some("gzip")),
        (None, "wasm, identity", None),
        (Some("identity"), "wasm, identity", None),
    ] {
        let r = fetch(&app, "/pkg/console.W1.wasm", accepts).await;
        assert_eq!(r.status, StatusCode::OK, "{accepts:?}");
        assert_eq!(r.body, body, "{accepts:?}");
        assert_eq!(
            header(&r, header::CONTENT_ENCODING),
            encoding,
            "{accepts:?}"
        );
        assert_eq!(
            header(&r, header::CACHE_CONTROL),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(header(&r, header::VARY), Some("accept-encoding"));
    }
}

#[tokio::test]
async fn an_unknown_asset_is_a_bare_404_not_the_app_shell() {
    let app = TestApp::with_account().await;
    for path in [
        "/pkg/console.OLD.wasm",
        "/pkg/console_bg.wasm",
        "/pkg/../hash.txt",
        "/pkg/",
    ] {
        let r = fetch(&app, path, Some("br")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("<html"), "{path}: {}", r.body);
        assert_eq!(
            header(&r, header::CACHE_CONTROL),
            Some("no-store"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn pages_name_the_built_files_and_are_revalidated() {
    let app = TestApp::with_account().await;
    let r = html(&app, "/forgot-password").await;
    assert_eq!(r.status, StatusCode::OK);
    for name in [
        "href=\"/pkg/console.C1.css\"",
        "/pkg/console.W1.wasm",
        "/pkg/console.J1.js",
    ] {
        assert!(r.body.contains(name), "{name} in {}", r.body);
    }
    assert!(!r.body.contains("console_bg"), "{}", r.body);
    assert_eq!(header(&r, header::CACHE_CONTROL), Some("no-cache"));
}

#[tokio::test]
async fn the_sign_in_pages_are_plain_html_without_the_wasm() {
    let app = TestApp::with_account().await;
    for path in ["/login", "/login?next=%2Fusers", "/login/code"] {
        let r = html(&app, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("href=\"/pkg/console.C1.css\""), "{path}");
        assert!(
            r.body.contains("action=\"/api/sign_in"),
            "{path}: {}",
            r.body
        );
        for absent in [".wasm", "console.J1.js", "<script type=\"module\""] {
            assert!(!r.body.contains(absent), "{path}: {absent} in {}", r.body);
        }
        assert_eq!(header(&r, header::CACHE_CONTROL), Some("no-cache"));
    }
}

#[tokio::test]
async fn assets_carry_no_document_headers() {
    let app = TestApp::with_account().await;
    let r = fetch(&app, "/pkg/console.W1.wasm", Some("br")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(header(&r, header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
    for name in [
        header::CONTENT_SECURITY_POLICY,
        header::X_FRAME_OPTIONS,
        header::REFERRER_POLICY,
        header::LAST_MODIFIED,
        header::HeaderName::from_static("permissions-policy"),
        header::HeaderName::from_static("cross-origin-opener-policy"),
        // Nothing is audited for a built file: no request id to echo.
        header::HeaderName::from_static("x-request-id"),
    ] {
        assert_eq!(header(&r, name.clone()), None, "{name}");
    }
    // A page keeps them.
    let r = html(&app, "/forgot-password").await;
    assert_eq!(header(&r, header::X_FRAME_OPTIONS), Some("DENY"));
    assert!(header(&r, header::CONTENT_SECURITY_POLICY).is_some());
    assert!(header(&r, header::HeaderName::from_static("x-request-id")).is_some());
}

/// A browser posting the sign-in form itself (no WASM yet): `Accept: text/html`, and a
/// redirect as the answer.
async fn post_sign_in(app: &TestApp, password: &str, next: &str) -> Reply {
    let form = [
        ("email", ADMIN_EMAIL),
        ("password", password),
        ("next", next),
    ];
    let req = form_request("sign_in", &form, None, "203.0.113.7")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, "http://127.0.0.1:3000/login")
        .body(Body::from(encode(&form)))
        .unwrap();
    app.send(req).await
}

#[tokio::test]
async fn the_sign_in_form_works_without_the_wasm_and_goes_on_to_the_asked_page() {
    let app = TestApp::with_account().await;
    let r = post_sign_in(&app, ADMIN_PASSWORD, "/users?sort=name").await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert_eq!(header(&r, header::LOCATION), Some("/users?sort=name"));
    let token = r.session_cookie().expect("signed in");
    assert_eq!(app.whoami(&token).await.as_deref(), Some(ADMIN_EMAIL));
}

#[tokio::test]
async fn an_off_site_next_is_ignored() {
    let app = TestApp::with_account().await;
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = post_sign_in(&app, ADMIN_PASSWORD, next).await;
        assert!(r.status.is_redirection(), "{next}");
        assert_eq!(header(&r, header::LOCATION), Some("/"), "{next}");
    }
    let r = post_sign_in(&app, "wrong password", "//evil.example").await;
    assert_eq!(
        header(&r, header::LOCATION),
        Some("/login?failed=credentials")
    );
}

#[tokio::test]
async fn a_failed_sign_in_without_the_wasm_comes_back_saying_why() {
    let app = TestApp::with_account().await;
    let r = post_sign_in(&app, "wrong password", "/users").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        header(&r, header::LOCATION),
        Some("/login?failed=credentials&next=%2Fusers")
    );
    assert!(r.session_cookie().is_none());
    let page = html(&app, "/login?failed=credentials&next=%2Fusers").await;
    assert!(
        page.body.contains("Invalid email or password."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("name=\"next\" value=\"/users\""),
        "{}",
        page.body
    );
    // Only the known reasons are shown; anything else in the address is not echoed.
    let page = html(
        &app,
        "/login?failed=Call%20this%20number&next=%2F%2Fevil.example",
    )
    .await;
    assert!(!page.body.contains("Call this number"), "{}", page.body);
    assert!(!page.body.contains("evil.example"), "{}", page.body);
}

#[tokio::test]
async fn pages_are_compressed_as_the_client_accepts_and_data_answers_are_not() {
    let app = TestApp::with_account().await;
    let page = |encoding: Option<&'static str>| {
        let mut req = Request::get("/login").header(header::ACCEPT, "text/html");
        if let Some(e) = encoding {
            req = req.header(header::ACCEPT_ENCODING, e);
        }
        req.body(Body::empty()).unwrap()
    };
    let r = app.send(page(Some("gzip, br"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(header(&r, header::CONTENT_ENCODING), Some("br"));
    assert!(header(&r, header::VARY).is_some_and(|v| v.contains("accept-encoding")));
    let r = app.send(page(None)).await;
    assert_eq!(header(&r, header::CONTENT_ENCODING), None);
    assert!(r.body.contains("Sign in to the console"), "{}", r.body);
    // A server function's answer, even to a client accepting brotli, is sent as it is.
    let form = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let req = form_request("sign_in", &form, None, "203.0.113.7")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT_ENCODING, "br")
        .body(Body::from(encode(&form)))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(header(&r, header::CONTENT_ENCODING), None);
}

#[tokio::test]
async fn signing_out_is_a_plain_post_answered_with_the_sign_in_page() {
    let app = TestApp::with_account().await;
    let token = app.admin_token().await;
    let req = form_request("sign_out", &[], Some(&token), "203.0.113.7")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, "http://127.0.0.1:3000/users")
        .body(Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert_eq!(header(&r, header::LOCATION), Some("/login"));
    assert_eq!(
        r.session_cookie().as_deref(),
        Some(""),
        "the cookie is cleared"
    );
    assert_eq!(app.whoami(&token).await, None, "the session ended");
}

/// A chunk request from a browser that keeps the main WASM as its dictionary (RFC 9842).
async fn chunk(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::get(path);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

fn held_dictionary() -> String {
    let main = SITE_FILES[1].1.as_bytes();
    server::assets::dictionary::available_dictionary(&server::assets::dictionary::hash_of(main))
}

#[tokio::test]
async fn the_main_wasm_names_itself_the_chunks_dictionary() {
    let app = TestApp::with_account().await;
    let r = fetch(&app, "/pkg/console.W1.wasm", Some("br")).await;
    assert_eq!(
        header(&r, "use-as-dictionary".parse().unwrap()),
        Some("match=\"/pkg/*.wasm\"")
    );
    let r = fetch(&app, &format!("/pkg/{CHUNK}"), Some("br")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(header(&r, "use-as-dictionary".parse().unwrap()), None);
}

#[tokio::test]
async fn a_chunk_goes_compressed_against_the_dictionary_only_to_a_browser_holding_it() {
    let app = TestApp::with_account().await;
    let held = held_dictionary();
    let path = format!("/pkg/{CHUNK}");
    let all = "gzip, deflate, br, zstd, dcb, dcz";
    let r = chunk(
        &app,
        &path,
        &[("accept-encoding", all), ("available-dictionary", &held)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(header(&r, header::CONTENT_ENCODING), Some("dcz"));
    assert_eq!(header(&r, header::CONTENT_TYPE), Some("application/wasm"));
    assert!(r
        .body
        .as_bytes()
        .starts_with(&server::assets::dictionary::DCZ_MAGIC));
    assert_eq!(
        header(&r, header::VARY),
        Some("accept-encoding, available-dictionary")
    );
    assert_eq!(
        header(&r, header::CACHE_CONTROL),
        Some("public, max-age=31536000, immutable")
    );
    let other = server::assets::dictionary::available_dictionary(&[7; 32]);
    let range = [
        ("accept-encoding", all),
        ("available-dictionary", &held),
        ("range", "bytes=0-3"),
    ];
    for (case, headers) in [
        ("no dictionary held", vec![("accept-encoding", all)]),
        (
            "another build's",
            vec![("accept-encoding", all), ("available-dictionary", &other)],
        ),
        (
            "not a hash",
            vec![("accept-encoding", all), ("available-dictionary", "W1")],
        ),
        (
            "dcz refused",
            vec![
                ("accept-encoding", "br, dcz;q=0"),
                ("available-dictionary", &held),
            ],
        ),
        (
            "dcz not listed",
            vec![
                ("accept-encoding", "gzip, br"),
                ("available-dictionary", &held),
            ],
        ),
    ] {
        let r = chunk(&app, &path, &headers).await;
        assert_eq!(r.status, StatusCode::OK, "{case}");
        assert_eq!(header(&r, header::CONTENT_ENCODING), Some("br"), "{case}");
        assert_eq!(r.body, CHUNK_BROTLI, "{case}");
        assert_eq!(
            header(&r, header::VARY),
            Some("accept-encoding, available-dictionary"),
            "{case}"
        );
    }
    let r = chunk(&app, &path, &range).await;
    assert_ne!(header(&r, header::CONTENT_ENCODING), Some("dcz"), "a range");
    // A chunk whose copy an earlier build wrote against another WASM is never sent it.
    let r = chunk(
        &app,
        &format!("/pkg/{STALE_CHUNK}"),
        &[("accept-encoding", all), ("available-dictionary", &held)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "two");
    assert_eq!(header(&r, header::CONTENT_ENCODING), None);
}
