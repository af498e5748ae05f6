//! Sign-in throttling through HTTP, with the clock moved by hand.

use crate::support::*;
use http::StatusCode;

const WRONG: &str = "definitely not it";

#[tokio::test]
async fn repeated_failures_make_the_account_wait_even_for_the_right_password() {
    let app = TestApp::with_account().await;
    for i in 0..5 {
        let r = app.sign_in(ADMIN_EMAIL, WRONG).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    // After the 5th failure the next try waits 1 s; the right password doesn't skip it.
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(r.headers.get("retry-after").unwrap(), "1");
    assert!(r.session_cookie().is_none());
    app.clock.advance(1);
    let r = app.sign_in(ADMIN_EMAIL, WRONG).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Six failures: 2 s now.
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.headers.get("retry-after").unwrap(), "2");
    app.clock.advance(2);
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "success after the wait: {}",
        r.body
    );
    // A success resets the count.
    let r = app.sign_in(ADMIN_EMAIL, WRONG).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_emails_are_throttled_like_known_ones() {
    let app = TestApp::with_account().await;
    for _ in 0..5 {
        assert_eq!(
            app.sign_in("ghost@example.com", WRONG).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in("ghost@example.com", WRONG).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn fifty_failures_from_one_address_lock_that_address_for_fifteen_minutes() {
    let app = TestApp::with_account().await;
    let attacker = "198.51.100.9";
    for i in 0..50 {
        let email = format!("guess{i}@example.com");
        let r = app
            .call_from(
                "sign_in",
                &[("email", &email), ("password", WRONG)],
                None,
                attacker,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            attacker,
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers.get("retry-after").unwrap(), "900");
    // Other addresses are not affected.
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            "192.0.2.1",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    app.clock.advance(15 * 60);
    let r = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            attacker,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_lockout_is_audited() {
    let app = TestApp::with_account().await;
    let attacker = "198.51.100.10";
    for i in 0..50 {
        let email = format!("guess{i}@example.com");
        app.call_from(
            "sign_in",
            &[("email", &email), ("password", WRONG)],
            None,
            attacker,
        )
        .await;
    }
    let token = app.admin_token().await;
    let r = app.call("audit_log", &[], Some(&token)).await;
    let lockouts = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "auth.lockout")
        .count();
    // Failures with unknown emails belong to no account, so the account's log holds none.
    assert_eq!(lockouts, 0);
    // Drive the admin's account to the hour's lock: 100 failures, each from its own
    // address (so the address throttle stays out of it) and each followed by a success
    // (which resets the delays but not the hour's count).
    for i in 0..100 {
        let ip = format!("10.0.{}.{}", i / 200, i % 200 + 1);
        let r = app
            .call_from(
                "sign_in",
                &[("email", ADMIN_EMAIL), ("password", WRONG)],
                None,
                &ip,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "failure {i}: {}",
            r.body
        );
        if i < 99 {
            let r = app
                .call_from(
                    "sign_in",
                    &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
                    None,
                    &ip,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "success {i}: {}", r.body);
        }
    }
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the hour's lock holds for the right password"
    );
    assert_eq!(r.headers.get("retry-after").unwrap(), "3600");
    let r = app.call("audit_log", &[], Some(&token)).await;
    let lockouts = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "auth.lockout")
        .count();
    assert_eq!(lockouts, 1, "{}", r.body);
    app.clock.advance(3600);
    assert_eq!(
        app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
}

/// 200 wrong passwords for one email at the same moment: each try is checked against the
/// throttles and counted in one transaction before its password is verified, so only the
/// five the rules let through are verified; the rest are refused unverified and count
/// toward the hour, which locks the account — the right password too — as the rules say.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_wrong_passwords_are_counted_before_they_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let app = std::sync::Arc::new(TestApp::on_disk(dir.path(), "enterprise").await);
    let tries: Vec<_> = (0..200)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.sign_in(ADMIN_EMAIL, WRONG).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.unwrap());
    }
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((verified, refused), (5, 195), "{statuses:?}");
    // Locked for the hour: the right password is refused too.
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    app.clock.advance(30 * 60);
    assert_eq!(
        app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "still within the hour"
    );
    app.clock.advance(30 * 60);
    let admin = app.admin_token().await;
    // Every one of the 200 is recorded: five failures, the refused ones as one record a
    // minute with their count (with the two right passwords refused since), the lock-out.
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    let entries = log.as_array().expect("entries");
    let times = |reason: &str| -> i64 {
        entries
            .iter()
            .filter(|e| e["action"] == "auth.login_failure")
            .filter(|e| e["after"].as_str().unwrap_or("").contains(reason))
            .map(|e| e["times"].as_i64().unwrap_or(1))
            .sum()
    };
    assert_eq!(times("wrong password"), 5);
    assert_eq!(times("throttled"), 195 + 2);
    assert!(entries.iter().any(|e| e["action"] == "auth.lockout"));
}

/// A right password given back: the try counted before its check comes off both counts,
/// so a user who signs in correctly between failures never drifts toward a lock.
#[tokio::test]
async fn a_right_password_takes_its_try_back() {
    let app = TestApp::with_account().await;
    for _ in 0..4 {
        assert_eq!(
            app.sign_in(ADMIN_EMAIL, WRONG).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    // Four more wrong ones are free again (the success reset the count).
    for i in 0..4 {
        assert_eq!(
            app.sign_in(ADMIN_EMAIL, WRONG).await.status,
            StatusCode::UNAUTHORIZED,
            "failure {i}"
        );
    }
}

/// *Forgot your password?* from one address: 20 an hour, whatever the emails asked about;
/// the 21st is refused, another address isn't.
#[tokio::test]
async fn forgot_password_is_limited_per_address() {
    let app = TestApp::with_account().await;
    let ask = |email: String, ip: &'static str| {
        let app = &app;
        async move {
            app.call_from("forgot_password", &[("email", &email)], None, ip)
                .await
                .status
        }
    };
    for i in 0..20 {
        assert_eq!(
            ask(format!("someone{i}@example.com"), "198.51.100.30").await,
            StatusCode::OK,
            "request {i}"
        );
    }
    assert_eq!(
        ask(ADMIN_EMAIL.into(), "198.51.100.30").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        ask(ADMIN_EMAIL.into(), "198.51.100.31").await,
        StatusCode::OK
    );
    app.clock.advance(3600);
    assert_eq!(
        ask(ADMIN_EMAIL.into(), "198.51.100.30").await,
        StatusCode::OK
    );
}
