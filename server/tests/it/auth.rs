//! Sign-in, sessions and sign-out through HTTP.

use crate::support::*;
use http::StatusCode;

#[tokio::test]
async fn sign_in_sets_a_hardened_session_cookie_and_signs_the_user_in() {
    let app = TestApp::with_account().await;
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r.set_cookie_header();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let token = r.session_cookie().unwrap();
    assert_eq!(token.len(), 64, "256-bit token as hex");
    assert_eq!(app.whoami(&token).await.as_deref(), Some(ADMIN_EMAIL));
    // Email is compared case-insensitively and trimmed.
    let r = app.sign_in("  ROOT@Example.com ", ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::with_account().await;
    let wrong = app.sign_in(ADMIN_EMAIL, "not the right passphrase").await;
    let unknown = app.sign_in("nobody@example.com", ADMIN_PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.body.contains("InvalidCredentials"), "{}", wrong.body);
    assert!(wrong.session_cookie().is_none() && unknown.session_cookie().is_none());
}

#[tokio::test]
async fn empty_or_malformed_input_gets_field_errors() {
    let app = TestApp::with_account().await;
    let r = app.sign_in("", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("Email is required") && r.body.contains("Password is required"),
        "{}",
        r.body
    );
    let r = app.sign_in("not-an-email", "whatever it is").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("valid email address"), "{}", r.body);
    // A body that isn't the function's arguments is a 400, not a 500.
    let r = app.call("sign_in", &[("nonsense", "x")], None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_and_ends_the_one_it_came_with() {
    let app = TestApp::with_account().await;
    let first = app.admin_token().await;
    let r = app
        .call(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            Some(&first),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let second = r.session_cookie().unwrap();
    assert_ne!(first, second);
    assert_eq!(app.whoami(&first).await, None, "the old session ended");
    assert_eq!(app.whoami(&second).await.as_deref(), Some(ADMIN_EMAIL));
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::with_account().await;
    let token = app.admin_token().await;
    let r = app.call("sign_out", &[], Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.session_cookie().as_deref(),
        Some(""),
        "the cookie is cleared"
    );
    assert_eq!(
        app.whoami(&token).await,
        None,
        "replaying the cookie does not work"
    );
}

#[tokio::test]
async fn tampered_cookies_sign_nobody_in_and_are_cleared() {
    let app = TestApp::with_account().await;
    let token = app.admin_token().await;
    let mut tampered = token.clone().into_bytes();
    tampered[0] = if tampered[0] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [
        tampered.as_str(),
        "",
        "zz",
        "../../etc/passwd",
        &"f".repeat(5000),
    ] {
        let r = app.call("session", &[], Some(bad)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["me"], serde_json::Value::Null, "{bad}");
    }
    // Signed-in-only functions refuse with 401 and clear the cookie.
    let r = app
        .call("theme", &[("theme", "dark")], Some(&tampered))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.session_cookie().as_deref(), Some(""));
}

#[tokio::test]
async fn sessions_end_after_an_idle_hour_and_after_twelve_hours_in_all() {
    let app = TestApp::with_account().await;
    let idle = app.admin_token().await;
    app.clock.advance(59 * 60);
    assert!(app.whoami(&idle).await.is_some(), "59 idle minutes keep it");
    app.clock.advance(60 * 60);
    assert_eq!(app.whoami(&idle).await, None, "60 idle minutes end it");

    let busy = app.admin_token().await;
    for _ in 0..23 {
        app.clock.advance(30 * 60);
        assert!(app.whoami(&busy).await.is_some());
    }
    app.clock.advance(30 * 60);
    assert_eq!(
        app.whoami(&busy).await,
        None,
        "12 hours end it however busy"
    );
}

#[tokio::test]
async fn sign_ins_are_audited_without_secrets() {
    let app = TestApp::with_account().await;
    let _ = app.sign_in(ADMIN_EMAIL, "not the right passphrase").await;
    let token = app.admin_token().await;
    let r = app.call("audit_log", &[], Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let actions: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "auth.login_success",
            "auth.login_failure",
            "account.bootstrap"
        ]
    );
    assert!(!r.body.contains(ADMIN_PASSWORD) && !r.body.contains(&token));
    assert!(
        r.body.contains("203.0.113.7"),
        "the client address is recorded"
    );
}
