//! Your own password and sessions through HTTP (docs/rules/sign-in.md#your-own-password,
//! docs/rules/sign-in.md#your-sessions).

use crate::support::*;
use crate::two_factor::code_at;
use axum::body::Body;
use http::StatusCode;

const NEW_PASSWORD: &str = "a brand new harbour lantern";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

impl TestApp {
    /// Signs in from a browser with this user agent; returns the session token.
    async fn sign_in_with_agent(&self, email: &str, user_agent: &str) -> String {
        let form = [("email", email), ("password", ADMIN_PASSWORD)];
        let req = form_request("sign_in", &form, None, "198.51.100.20")
            .header("sec-fetch-site", "same-origin")
            .header(http::header::USER_AGENT, user_agent)
            .body(Body::from(encode(&form)))
            .unwrap();
        let r = self.send(req).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.session_cookie().unwrap()
    }

    async fn change_password(&self, token: &str, current: &str, new: &str, code: &str) -> Reply {
        self.call(
            "change_password",
            &[("password", current), ("new_password", new), ("code", code)],
            Some(token),
        )
        .await
    }
}

#[tokio::test]
async fn changing_your_password_needs_the_current_one_and_ends_your_other_sessions() {
    let app = TestApp::with_account().await;
    let mine = app.admin_token().await;
    let other = app.admin_token().await;
    for (current, new, field) in [
        ("not the current one at all", NEW_PASSWORD, "password"),
        ("", NEW_PASSWORD, "password"),
        (ADMIN_PASSWORD, "short", "new_password"),
        (ADMIN_PASSWORD, "password1234", "new_password"),
        (ADMIN_PASSWORD, "root@example.com console", "new_password"),
    ] {
        let r = app.change_password(&mine, current, new, "").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{new}: {}", r.body);
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{}",
            r.body
        );
    }
    // Nothing changed: both sessions live, the old password signs in.
    assert_eq!(app.whoami(&other).await.as_deref(), Some(ADMIN_EMAIL));
    app.clock.advance(60);
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = app
        .change_password(&mine, ADMIN_PASSWORD, NEW_PASSWORD, "")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.whoami(&other).await, None, "the other session ended");
    assert_eq!(app.whoami(&mine).await.as_deref(), Some(ADMIN_EMAIL));
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = app.sign_in(ADMIN_EMAIL, NEW_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let notice = app.newest_email(ADMIN_EMAIL).await;
    assert!(notice
        .body_text
        .contains("password of your account was changed"));
    let log = app.call("audit_log", &[], Some(&mine)).await;
    assert!(log.body.contains("user.change_password"));
    assert!(!log.body.contains(NEW_PASSWORD));
}

#[tokio::test]
async fn with_two_factor_a_password_change_also_needs_a_code() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    app.clock.advance(30);
    let r = app
        .change_password(&e.token, ADMIN_PASSWORD, NEW_PASSWORD, "")
        .await;
    assert!(r.body.contains("\"field\":\"code\""), "{}", r.body);
    let r = app
        .change_password(&e.token, ADMIN_PASSWORD, NEW_PASSWORD, "000000")
        .await;
    assert!(r.body.contains("\"field\":\"code\""), "{}", r.body);
    let code = code_at(&e.secret, app.now());
    let r = app
        .change_password(&e.token, ADMIN_PASSWORD, NEW_PASSWORD, &code)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn your_sessions_are_listed_and_each_can_be_signed_out() {
    let app = TestApp::with_account().await;
    let mine = app.admin_token().await;
    let firefox = app.sign_in_with_agent(ADMIN_EMAIL, FIREFOX).await;
    let third = app.admin_token().await;
    let r = app.call("my_sessions", &[], Some(&mine)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.json().as_array().unwrap().clone();
    assert_eq!(list.len(), 3);
    let current: Vec<_> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let ff = list
        .iter()
        .find(|s| s["device"] == "Firefox on Linux")
        .expect("the Firefox session");
    assert_eq!(ff["ip"], "198.51.100.20");
    // No token in the list: ids only.
    assert!(!r.body.contains(&firefox) && !r.body.contains(&mine));

    let r = app
        .call(
            "end_session",
            &[("id", ff["id"].as_str().unwrap())],
            Some(&mine),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.whoami(&firefox).await, None);
    assert_eq!(app.whoami(&third).await.as_deref(), Some(ADMIN_EMAIL));
    let r = app.call("end_other_sessions", &[], Some(&mine)).await;
    assert_eq!(r.json(), 1);
    assert_eq!(app.whoami(&third).await, None);
    assert_eq!(app.whoami(&mine).await.as_deref(), Some(ADMIN_EMAIL));
}

#[tokio::test]
async fn another_users_session_id_is_refused_and_recorded() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let ana = app.user_with_role(&admin, "ana@example.com", "admin").await;
    let anas = app.call("my_sessions", &[], Some(&ana)).await.json();
    let anas_id = anas[0]["id"].as_str().unwrap().to_string();
    for id in [anas_id.as_str(), "no-such-session", ""] {
        let r = app.call("end_session", &[("id", id)], Some(&admin)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{id}: {}", r.body);
        assert!(r.body.contains("SessionNotFound"), "{}", r.body);
    }
    assert_eq!(app.whoami(&ana).await.as_deref(), Some("ana@example.com"));
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "session.end" && r["result"] == "failure"));
}

/// The token of the newest email-change link sent to `to`.
async fn email_change_token(app: &TestApp, to: &str) -> String {
    let mail = app.newest_email(to).await;
    let start = mail.body_text.find("token=").expect("a link") + "token=".len();
    mail.body_text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn changing_your_email_waits_for_the_link_sent_to_the_new_address() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.user_with_role(&admin, "ana@example.com", "admin").await;
    let r = app
        .call(
            "change_email",
            &[("email", "robin@example.com")],
            Some(&admin),
        )
        .await;
    assert!(r.body.contains("ReauthenticationRequired"), "{}", r.body);
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    for (email, says) in [
        ("not an email", "\"field\":\"email\""),
        (ADMIN_EMAIL, "already your email"),
        ("ANA@example.com", "EmailTaken"),
    ] {
        let r = app
            .call("change_email", &[("email", email)], Some(&admin))
            .await;
        assert!(r.status.is_client_error(), "{email}: {}", r.body);
        assert!(r.body.contains(says), "{email}: {}", r.body);
    }
    let r = app
        .call(
            "change_email",
            &[("email", "robin@example.com")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Nothing changes until the link is opened; the old address is told.
    assert_eq!(app.whoami(&admin).await.as_deref(), Some(ADMIN_EMAIL));
    assert!(app
        .newest_email(ADMIN_EMAIL)
        .await
        .body_text
        .contains("robin@example.com"));
    let token = email_change_token(&app, "robin@example.com").await;
    let r = app.call("confirm_email", &[("token", &token)], None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), "robin@example.com");
    assert_eq!(
        app.whoami(&admin).await.as_deref(),
        Some("robin@example.com")
    );
    assert!(app
        .newest_email(ADMIN_EMAIL)
        .await
        .body_text
        .contains("changed to robin@example.com"));
    let r = app.sign_in("robin@example.com", ADMIN_PASSWORD).await;
    assert!(r.session_cookie().is_some_and(|c| !c.is_empty()));
    // The link works once.
    let r = app.call("confirm_email", &[("token", &token)], None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("no longer valid"), "{}", r.body);
    let log = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(log.contains("user.email_change_request") && log.contains("user.email_change"));
}

#[tokio::test]
async fn an_email_link_dies_after_a_day_or_a_newer_one() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    for email in ["first@example.com", "second@example.com"] {
        let r = app
            .call("change_email", &[("email", email)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let first = email_change_token(&app, "first@example.com").await;
    let r = app.call("confirm_email", &[("token", &first)], None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "superseded: {}", r.body);
    let second = email_change_token(&app, "second@example.com").await;
    app.clock.advance(24 * 3600 + 1);
    let r = app.call("confirm_email", &[("token", &second)], None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "expired: {}", r.body);
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(
        r.session_cookie().is_some_and(|c| !c.is_empty()),
        "unchanged"
    );
}

#[tokio::test]
async fn the_root_user_transfers_root_to_another_active_master_admin() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let ana = app
        .user_with_role(&root, "ana@example.com", "master_admin")
        .await;
    app.user_with_role(&root, "ben@example.com", "admin").await;
    let ana_id = app.user_id(&root, "ana@example.com").await;
    let ben_id = app.user_id(&root, "ben@example.com").await;
    // Only the root user, only to an active Master admin, only re-authenticated.
    let r = app.call("root_candidates", &[], Some(&ana)).await;
    assert!(r.body.contains("NotRootUser"), "{}", r.body);
    let r = app
        .call("transfer_root", &[("user_id", &ana_id)], Some(&root))
        .await;
    assert!(r.body.contains("ReauthenticationRequired"), "{}", r.body);
    let root = app.reauthenticate(&root, ADMIN_PASSWORD).await;
    let list = app.call("root_candidates", &[], Some(&root)).await.json();
    assert_eq!(list, serde_json::json!([[ana_id, "ana@example.com"]]));
    let me = app.user_id(&root, ADMIN_EMAIL).await;
    for to in [ben_id.as_str(), me.as_str(), "nobody"] {
        let r = app
            .call("transfer_root", &[("user_id", to)], Some(&root))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{to}: {}", r.body);
        assert!(r.body.contains("\"field\":\"user_id\""), "{}", r.body);
    }
    let r = app
        .call("transfer_root", &[("user_id", &ana_id)], Some(&root))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.user(&root, &ana_id).await["root"], true);
    assert_eq!(app.user(&root, &me).await["root"], false);
    assert!(app
        .newest_email("ana@example.com")
        .await
        .body_text
        .contains("made you the root user"));
    // The former root is an ordinary Master admin now: the new root may disable them.
    let r = app.act(&ana, &me, "disable", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let log = app.call("audit_log", &[], Some(&ana)).await.body;
    assert!(log.contains("user.transfer_root"));
}
