//! Two-factor authentication through HTTP (docs/rules/two-factor.md): enrolment, the sign-in's
//! second step, recovery codes, turning it off, re-authentication with a code, and every
//! refusal (wrong, reused or expired code, a recovery code used twice, a wrong first code).

use crate::support::*;
use http::StatusCode;
use serde_json::Value;

/// The code an authenticator app shows at `time` for a base32 secret.
pub fn code_at(secret: &str, time: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("base32 secret");
    let totp = totp_rs::Builder::new()
        .with_secret(secret.as_ref().to_vec())
        .build()
        .expect("totp");
    totp.generate(time as u64).to_string()
}

pub struct Enrolled {
    /// The session that enrolled (re-authenticated, so its token changed).
    pub token: String,
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

impl TestApp {
    pub fn now(&self) -> i64 {
        self.service.clock_now()
    }

    /// Turns 2FA on for the holder of `token` (password `ADMIN_PASSWORD`).
    pub async fn enrol(&self, token: &str) -> Enrolled {
        let token = self.reauthenticate(token, ADMIN_PASSWORD).await;
        let r = self.call("two_factor_begin", &[], Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let begun = r.json();
        let secret = begun["secret"].as_str().unwrap().to_string();
        let code = code_at(&secret, self.now());
        let r = self
            .call("two_factor_confirm", &[("code", &code)], Some(&token))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let recovery_codes = r.json()["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        Enrolled {
            token,
            secret,
            recovery_codes,
        }
    }

    /// Signs in with a password and expects the second step; returns its ticket.
    pub async fn password_step(&self, email: &str) -> String {
        let r = self.sign_in(email, ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.session_cookie(), None, "no session before the code");
        assert!(
            r.headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|l| l.starts_with("/login/code")),
            "{:?}",
            r.headers
        );
        r.cookie("console_sign_in").expect("a second-step ticket")
    }

    pub async fn code_step(&self, ticket: &str, code: &str) -> Reply {
        self.call_with_cookies(
            "sign_in_code",
            &[("code", code)],
            &format!("console_sign_in={ticket}"),
        )
        .await
    }

    pub async fn audit(&self, token: &str) -> Vec<Value> {
        let r = self.call("audit_log", &[], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json().as_array().unwrap().clone()
    }
}

/// The refusal's reason, quoted (`"InvalidSignInCode"`).
fn refusal(r: &Reply) -> String {
    r.json()["Refused"]["reason"].to_string()
}

#[tokio::test]
async fn turning_two_factor_on_makes_sign_in_ask_for_a_code() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    assert_eq!(e.recovery_codes.len(), 10);
    let status = app.call("two_factor", &[], Some(&e.token)).await.json();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    let notice = app.newest_email(ADMIN_EMAIL).await;
    assert!(notice
        .body_text
        .contains("Two-factor authentication was turned on"));

    app.clock.advance(30);
    let ticket = app.password_step(ADMIN_EMAIL).await;
    // The ticket is no session.
    assert_eq!(app.whoami(&ticket).await, None);
    let r = app.code_step(&ticket, &code_at(&e.secret, app.now())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.cookie("console_sign_in").as_deref(),
        Some(""),
        "ticket cleared"
    );
    let session = r.session_cookie().expect("a session");
    assert_eq!(app.whoami(&session).await.as_deref(), Some(ADMIN_EMAIL));
    let log = app.audit(&session).await;
    let success = log
        .iter()
        .find(|r| r["action"] == "auth.login_success")
        .unwrap();
    assert!(success["after"]
        .as_str()
        .unwrap()
        .contains("authenticator code"));
    // No secret, code or recovery code in the log.
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains(&e.secret));
    assert!(!text.contains(&e.recovery_codes[0]));
}

#[tokio::test]
async fn setting_up_needs_a_recent_password_and_a_right_first_code() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let r = app.call("two_factor_begin", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("ReauthenticationRequired"), "{}", r.body);

    let token = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let secret = app.call("two_factor_begin", &[], Some(&token)).await.json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let right = code_at(&secret, app.now());
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    for bad in [wrong.as_str(), "12", "abcdef"] {
        let r = app
            .call("two_factor_confirm", &[("code", bad)], Some(&token))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("\"field\":\"code\""), "{}", r.body);
    }
    let status = app.call("two_factor", &[], Some(&token)).await.json();
    assert_eq!(status["enabled"], false);
    let log = app.audit(&token).await;
    assert!(log
        .iter()
        .any(|r| r["action"] == "two_factor.enable" && r["result"] == "failure"));
    // Signing in still needs no code.
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(r.session_cookie().is_some_and(|c| !c.is_empty()));
    // A code from a secret begun earlier and then replaced doesn't confirm the new one.
    let again = app.call("two_factor_begin", &[], Some(&token)).await.json();
    assert_ne!(again["secret"].as_str().unwrap(), secret);
    let r = app
        .call("two_factor_confirm", &[("code", &right)], Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

#[tokio::test]
async fn wrong_reused_and_late_codes_are_refused_with_one_answer() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    let ticket = app.password_step(ADMIN_EMAIL).await;
    // The step enrolment used, then a wrong code, then a code two steps old.
    let used = code_at(&e.secret, app.now());
    let right = code_at(&e.secret, app.now() + 30);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 7) % 1_000_000);
    let old = code_at(&e.secret, app.now() - 60);
    for code in [used.as_str(), wrong.as_str(), old.as_str()] {
        let r = app.code_step(&ticket, code).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{code}: {}", r.body);
        assert_eq!(refusal(&r), "\"InvalidSignInCode\"", "{}", r.body);
        assert_eq!(r.session_cookie(), None);
    }
    let log = app.audit(&e.token).await;
    let reasons: Vec<&str> = log
        .iter()
        .filter(|r| r["action"] == "auth.login_failure")
        .filter_map(|r| r["after"].as_str())
        .collect();
    assert!(
        reasons.iter().any(|a| a.contains("code already used")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|a| a.contains("wrong code")),
        "{reasons:?}"
    );
    // The next step's code works once; the same code again is refused.
    app.clock.advance(30);
    let r = app.code_step(&ticket, &right).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ticket = app.password_step(ADMIN_EMAIL).await;
    let r = app.code_step(&ticket, &right).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
}

#[tokio::test]
async fn the_second_step_expires_and_ends_after_five_wrong_codes() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    app.clock.advance(30);
    let ticket = app.password_step(ADMIN_EMAIL).await;
    app.clock.advance(5 * 60);
    let r = app.code_step(&ticket, &code_at(&e.secret, app.now())).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(refusal(&r), "\"SignInStepExpired\"");
    // Without a ticket, or with a made-up one: the same.
    let r = app.call("sign_in_code", &[("code", "123456")], None).await;
    assert_eq!(refusal(&r), "\"SignInStepExpired\"");
    let r = app.code_step(&"ab".repeat(32), "123456").await;
    assert_eq!(refusal(&r), "\"SignInStepExpired\"");

    app.clock.advance(60);
    let ticket = app.password_step(ADMIN_EMAIL).await;
    for i in 0..5 {
        let r = app.code_step(&ticket, "000000").await;
        let expected = if i < 4 {
            "\"InvalidSignInCode\""
        } else {
            "\"SignInStepExpired\""
        };
        assert_eq!(refusal(&r), expected, "try {i}");
    }
    // The ticket is spent: even the right code doesn't sign in with it.
    let r = app.code_step(&ticket, &code_at(&e.secret, app.now())).await;
    assert_eq!(refusal(&r), "\"SignInStepExpired\"");
}

#[tokio::test]
async fn wrong_codes_count_toward_the_sign_in_throttle() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.enrol(&admin).await;
    // Five wrong codes in a row (each after a right password): the next try waits.
    for _ in 0..5 {
        app.clock.advance(60);
        let ticket = app.password_step(ADMIN_EMAIL).await;
        let r = app.code_step(&ticket, "000000").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_tells_the_user() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    let code = e.recovery_codes[3].clone();
    let ticket = app.password_step(ADMIN_EMAIL).await;
    // Typed in capitals without its dash: the same code.
    let r = app
        .code_step(&ticket, &code.replace('-', "").to_uppercase())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let session = r.session_cookie().unwrap();
    let notice = app.newest_email(ADMIN_EMAIL).await;
    assert!(
        notice.body_text.contains("recovery code was used"),
        "{}",
        notice.body_text
    );
    assert!(
        notice.body_text.contains("9 of 10 left"),
        "{}",
        notice.body_text
    );
    let status = app.call("two_factor", &[], Some(&session)).await.json();
    assert_eq!(status["recovery_codes_left"], 9);

    let ticket = app.password_step(ADMIN_EMAIL).await;
    let r = app.code_step(&ticket, &code).await;
    assert_eq!(refusal(&r), "\"InvalidSignInCode\"", "{}", r.body);
    let log = app.audit(&session).await;
    assert!(log.iter().any(|r| r["action"] == "auth.login_failure"
        && r["after"]
            .as_str()
            .is_some_and(|a| a.contains("recovery code"))));
}

#[tokio::test]
async fn new_recovery_codes_void_the_old_set() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    let r = app
        .call("two_factor_recovery_codes", &[], Some(&e.token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh: Vec<String> = r.json()["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(fresh.len(), 10);
    assert!(app
        .newest_email(ADMIN_EMAIL)
        .await
        .body_text
        .contains("New recovery codes"));
    let ticket = app.password_step(ADMIN_EMAIL).await;
    let r = app.code_step(&ticket, &e.recovery_codes[0]).await;
    assert_eq!(refusal(&r), "\"InvalidSignInCode\"");
    let r = app.code_step(&ticket, &fresh[0]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn turning_off_needs_the_password_and_a_code_and_ends_other_sessions() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    app.clock.advance(30);
    let ticket = app.password_step(ADMIN_EMAIL).await;
    let other = app
        .code_step(&ticket, &code_at(&e.secret, app.now()))
        .await
        .session_cookie()
        .unwrap();
    app.clock.advance(30);
    let code = code_at(&e.secret, app.now());
    for (password, code, field) in [
        ("not my password at all", code.as_str(), "password"),
        (ADMIN_PASSWORD, "000000", "code"),
        (ADMIN_PASSWORD, "", "code"),
    ] {
        let r = app
            .call(
                "two_factor_disable",
                &[("password", password), ("code", code)],
                Some(&e.token),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{}",
            r.body
        );
    }
    assert_eq!(app.whoami(&other).await.as_deref(), Some(ADMIN_EMAIL));
    let r = app
        .call(
            "two_factor_disable",
            &[("password", ADMIN_PASSWORD), ("code", &code)],
            Some(&e.token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.whoami(&other).await, None, "the other session ended");
    assert_eq!(app.whoami(&e.token).await.as_deref(), Some(ADMIN_EMAIL));
    assert!(app
        .newest_email(ADMIN_EMAIL)
        .await
        .body_text
        .contains("turned off"));
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(
        r.session_cookie().is_some_and(|c| !c.is_empty()),
        "no code asked"
    );
}

#[tokio::test]
async fn re_authentication_asks_a_user_with_two_factor_for_a_code() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    app.clock.advance(30);
    let r = app
        .call(
            "reauthenticate",
            &[("password", ADMIN_PASSWORD)],
            Some(&e.token),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"field\":\"code\""), "{}", r.body);
    let r = app
        .call(
            "reauthenticate",
            &[("password", ADMIN_PASSWORD), ("code", "000000")],
            Some(&e.token),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let code = code_at(&e.secret, app.now());
    let r = app
        .call(
            "reauthenticate",
            &[("password", ADMIN_PASSWORD), ("code", &code)],
            Some(&e.token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = r.session_cookie().unwrap();
    // Re-authenticated: new recovery codes need nothing more.
    let r = app
        .call("two_factor_recovery_codes", &[], Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_second_set_up_is_refused_while_two_factor_is_on() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let e = app.enrol(&admin).await;
    let r = app.call("two_factor_begin", &[], Some(&e.token)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(refusal(&r), "\"TwoFactorAlreadyOn\"");
    // The factor still works.
    app.clock.advance(30);
    let ticket = app.password_step(ADMIN_EMAIL).await;
    let r = app.code_step(&ticket, &code_at(&e.secret, app.now())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
