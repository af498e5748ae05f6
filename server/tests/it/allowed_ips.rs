//! Allowed IP addresses and session lifetimes of Account security, through HTTP
//! (docs/rules/account-security.md): every bad entry, the lock-out guard, enforcement on
//! sign-in, console requests (open sessions end) and the Provisioning API, the operator's clear.

use crate::provisioning::Client;
use crate::support::*;
use http::StatusCode;

/// The console's test requests come from 203.0.113.7; the Provisioning API client's from
/// 198.51.100.1.
const ELSEWHERE: &str = "192.0.2.50";

fn refusal(r: &Reply) -> String {
    r.json()["Refused"]["reason"].to_string()
}

impl TestApp {
    /// The root user, re-authenticated (Account security changes need it).
    async fn security_admin(&self) -> String {
        let admin = self.admin_token().await;
        self.reauthenticate(&admin, ADMIN_PASSWORD).await
    }

    async fn save_ips(&self, token: &str, lines: &str) -> Reply {
        self.call("allowed_ips", &[("allowed_ips", lines)], Some(token))
            .await
    }

    async fn saved_ips(&self, token: &str) -> serde_json::Value {
        let r = self.call("account_security", &[], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["allowed_ips"].clone()
    }
}

#[tokio::test]
async fn each_bad_list_is_refused_with_its_reason_and_nothing_is_saved() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let r = app.save_ips(&admin, "203.0.113.0/24").await;
    assert_eq!(refusal(&r), "\"ReauthenticationRequired\"", "{}", r.body);
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let s = app.call("account_security", &[], Some(&admin)).await.json();
    assert_eq!(s["your_address"], "203.0.113.7");

    let hundred_and_one: String = (0..101)
        .map(|i| format!("10.0.{}.{}\n", i / 250, i % 250))
        .collect::<String>()
        + "203.0.113.7";
    for (lines, field, says) in [
        (
            "203.0.113.7\n10.0.0.1/8 Office",
            "allowed_ips.1.address",
            "host bits set; the range is 10.0.0.0/8",
        ),
        (
            "203.0.113.7\nnot-an-address",
            "allowed_ips.1.address",
            "is not an IP address or CIDR range",
        ),
        (
            "203.0.113.7\n2001:db8::1/32",
            "allowed_ips.1.address",
            "the range is 2001:db8::/32",
        ),
        (
            "203.0.113.7\n203.0.113.7",
            "allowed_ips.1.address",
            "listed twice",
        ),
        (hundred_and_one.as_str(), "allowed_ips", "At most 100"),
        (
            "198.51.100.0/24 Partners",
            "allowed_ips",
            "This list would block your own access from 203.0.113.7",
        ),
    ] {
        let r = app.save_ips(&admin, lines).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{lines}: {}", r.body);
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{lines}: {}",
            r.body
        );
        assert!(r.body.contains(says), "{lines}: {}", r.body);
    }
    assert_eq!(app.saved_ips(&admin).await, serde_json::json!([]));
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "security.update" && r["result"] == "failure"));
    // Only security.manage may change it.
    let tom = app
        .user_with_role(&admin, "tom@example.com", "technical_admin")
        .await;
    let r = app.save_ips(&tom, "203.0.113.7").await;
    assert!(refusal(&r).contains("RoleLacksPermission"), "{}", r.body);
}

#[tokio::test]
async fn a_saved_list_refuses_other_addresses_everywhere_and_ends_their_sessions() {
    let c = Client::new("enterprise").await;
    let app = &c.app;
    let admin = app.security_admin().await;
    // A session opened elsewhere before the list exists.
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            ELSEWHERE,
        )
        .await;
    let remote = r.session_cookie().unwrap();

    let r = app
        .save_ips(&admin, "203.0.113.0/24 Head office\n2001:db8::/32")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["allowed_ips"][0]["label"], "Head office");

    // Its next request is refused (the cookie cleared) and the session ends: the one after
    // is signed out.
    let r = app.call_from("users", &[], Some(&remote), ELSEWHERE).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(refusal(&r).contains("AddressNotAllowed"), "{}", r.body);
    assert_eq!(r.session_cookie().as_deref(), Some(""));
    let r = app.call_from("users", &[], Some(&remote), ELSEWHERE).await;
    assert_eq!(refusal(&r), "\"Unauthenticated\"", "{}", r.body);
    assert_eq!(app.whoami(&remote).await, None, "the remote session ended");
    assert_eq!(app.whoami(&admin).await.as_deref(), Some(ADMIN_EMAIL));

    // Sign-in from elsewhere: a right password is refused for the address; a wrong one
    // gets the usual answer (nothing said about the account).
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            ELSEWHERE,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(refusal(&r).contains("AddressNotAllowed"), "{}", r.body);
    assert!(r.body.contains(ELSEWHERE));
    assert_eq!(r.session_cookie(), None);
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", "a wrong one, clearly")],
            None,
            ELSEWHERE,
        )
        .await;
    assert_eq!(refusal(&r), "\"InvalidCredentials\"", "{}", r.body);

    // The Provisioning API from 198.51.100.1: 403, then allowed once listed.
    let r = c.get("/users").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .save_ips(&admin, "203.0.113.0/24\n198.51.100.1 CI runner")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(c.get("/users").await.status, StatusCode::OK);

    let log = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(log.contains("access.address_refused"));
    assert!(log.contains(ELSEWHERE));
}

#[tokio::test]
async fn the_operator_clears_the_list() {
    let app = TestApp::with_account().await;
    let admin = app.security_admin().await;
    let r = app.save_ips(&admin, "203.0.113.7 Me").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (account, removed) = app
        .service
        .clear_allowed_ips_as_operator(None)
        .await
        .expect("cleared");
    assert_eq!((account.as_str(), removed), (app.account_id.as_str(), 1));
    assert_eq!(app.saved_ips(&admin).await, serde_json::json!([]));
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            ELSEWHERE,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "security.update"
            && r["actor"].as_str().is_some_and(|a| a.contains("operator"))));
    let err = app
        .service
        .clear_allowed_ips_as_operator(Some("no-such-account"))
        .await;
    assert!(err.is_err());
}

#[tokio::test]
async fn session_lifetimes_are_the_accounts_own() {
    let app = TestApp::with_account().await;
    let admin = app.security_admin().await;
    for (idle, absolute, field) in [
        ("14", "12", "session_idle_minutes"),
        ("481", "12", "session_idle_minutes"),
        ("sixty", "12", "session_idle_minutes"),
        ("60", "0", "session_absolute_hours"),
        ("60", "73", "session_absolute_hours"),
    ] {
        let r = app
            .call(
                "session_lifetimes",
                &[
                    ("session_idle_minutes", idle),
                    ("session_absolute_hours", absolute),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{idle}/{absolute}: {}",
            r.body
        );
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{}",
            r.body
        );
    }
    let r = app
        .call(
            "session_lifetimes",
            &[
                ("session_idle_minutes", "15"),
                ("session_absolute_hours", "1"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["session_idle_minutes"], 15);
    // Idle: 16 minutes without a request ends a session.
    let idle = app.admin_token().await;
    app.clock.advance(16 * 60);
    assert_eq!(app.whoami(&idle).await, None);
    // Absolute: an hour after sign-in, however busy.
    let busy = app.admin_token().await;
    for _ in 0..6 {
        app.clock.advance(10 * 60);
        let _ = app.whoami(&busy).await;
    }
    assert_eq!(app.whoami(&busy).await, None);
    let fresh = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(
        fresh.set_cookie_header().contains("Max-Age=3600"),
        "{}",
        fresh.set_cookie_header()
    );
}
