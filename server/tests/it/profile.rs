//! My Profile through HTTP: name and display preference.

use crate::support::*;
use http::StatusCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn the_display_name_and_theme_are_saved_and_shown() {
    let app = TestApp::with_account().await;
    let token = app.admin_token().await;
    let r = app
        .call(
            "profile",
            &[
                ("name", " Robin Root "),
                ("first_name", "Robin"),
                ("last_name", ""),
            ],
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["name"], "Robin Root");
    assert_eq!(r.json()["last_name"], serde_json::Value::Null);
    let r = app.call("theme", &[("theme", "dark")], Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = app.call("session", &[], Some(&token)).await.json();
    assert_eq!(s["me"]["name"], "Robin Root");
    assert_eq!(s["me"]["theme"], "dark");
    // The page is rendered in the saved theme.
    let req = http::Request::get("/profile")
        .header(http::header::ACCEPT, "text/html")
        .header(http::header::COOKIE, format!("console_session={token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let page = app.send(req).await;
    assert!(
        page.body.contains("data-theme=\"dark\""),
        "{}",
        &page.body[..page.body.len().min(400)]
    );
}

#[tokio::test]
async fn bad_profile_input_names_the_field_and_changes_nothing() {
    let app = TestApp::with_account().await;
    let token = app.admin_token().await;
    let long = "n".repeat(129);
    let r = app
        .call(
            "profile",
            &[("name", &long), ("first_name", "ok"), ("last_name", "ok")],
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"field\":\"name\""), "{}", r.body);
    let r = app.call("theme", &[("theme", "sepia")], Some(&token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let s = app.call("session", &[], Some(&token)).await.json();
    assert_eq!(s["me"]["name"], serde_json::Value::Null);
    assert_eq!(s["me"]["theme"], "system");
}

#[tokio::test]
async fn signed_out_callers_get_401() {
    let app = TestApp::with_account().await;
    let r = app
        .call(
            "profile",
            &[("name", "x"), ("first_name", ""), ("last_name", "")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.call("audit_log", &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// Pages keep rendering while other consoles in the same process start: starting one
/// walks the app, and must not leave another's page waiting forever for its data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_consoles_start() {
    let app = TestApp::with_account().await;
    let token = app.admin_token().await;
    let service = app.service.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let starting = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut started = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(server::router::build(
                    &crate::support::config(),
                    service.clone(),
                    crate::support::site(),
                ));
                started += 1;
            }
            started
        })
    };
    for _ in 0..40 {
        let req = http::Request::get("/profile")
            .header(http::header::ACCEPT, "text/html")
            .header(http::header::COOKIE, format!("console_session={token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let page = tokio::time::timeout(Duration::from_secs(20), app.send(req))
            .await
            .expect("the page finished rendering");
        assert!(page.body.contains("My Profile"), "{}", page.body);
    }
    stop.store(true, Ordering::Relaxed);
    assert!(starting.join().expect("router builder") > 0);
}
