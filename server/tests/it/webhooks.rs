//! *Send test* on the Webhook notifications page: a real receiver on loopback.

use crate::support::*;
use app::service::{notification_signature, ServiceConfig};
use axum::http::HeaderMap;
use http::StatusCode;
use std::sync::{Arc, Mutex};

type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver answering `status` to every POST, keeping what it got.
async fn receiver(status: StatusCode) -> (String, Received) {
    let got: Received = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push((headers, body));
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

fn http_allowed() -> ServiceConfig {
    ServiceConfig {
        webhook_allow_http: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn send_test_posts_a_signed_notification_and_reports_the_status() {
    let app = TestApp::with_config("plus", http_allowed()).await;
    let admin = app.admin_token().await;
    let env = app.first_environment(&admin).await;
    let (url, got) = receiver(StatusCode::ACCEPTED).await;
    let r = app
        .call(
            "send_test_notification",
            &[("environment_id", &env), ("url", &url)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let result = r.json();
    assert_eq!(result["status"], 202);
    let key = result["signed_with"].as_str().unwrap().to_string();

    // Signed with the Root key's secret (no key is dedicated for webhooks).
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let secret = app
        .call(
            "reveal_api_secret",
            &[("environment_id", &env), ("api_key", &key)],
            Some(&admin),
        )
        .await
        .json()["api_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let (headers, body) = got.lock().unwrap()[0].clone();
    let ts: i64 = headers["x-cld-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        headers["x-cld-signature"].to_str().unwrap(),
        notification_signature(&body, ts, &secret)
    );
    assert!(body.contains("\"notification_type\":\"test\""), "{body}");
    assert!(!body.contains(&secret));

    // A receiver that fails is reported as its status; nobody listening, in words.
    let (failing, _) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let r = app
        .call(
            "send_test_notification",
            &[("environment_id", &env), ("url", &failing)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.json()["status"], 500);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let r = app
        .call(
            "send_test_notification",
            &[
                ("environment_id", &env),
                ("url", &format!("http://{closed}/hook")),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], serde_json::Value::Null);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("Couldn't connect"));

    // Audited, without the secret.
    let audit = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(audit.contains("webhook.test") && !audit.contains(&secret));
}

#[tokio::test]
async fn send_test_follows_the_url_rules_and_the_matrix() {
    let app = TestApp::with_plan("plus").await; // https only
    let root = app.admin_token().await;
    let env = app.first_environment(&root).await;
    for bad in [
        "http://hooks.example.com/a",
        "https://u:p@hooks.example.com",
        "not a url",
        "",
    ] {
        let r = app
            .call(
                "send_test_notification",
                &[("environment_id", &env), ("url", bad)],
                Some(&root),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert!(r.body.contains("\"url\""), "{}", r.body);
    }
    for (role, token) in app.team(&root).await {
        if matches!(role, "master_admin" | "admin" | "technical_admin") {
            continue;
        }
        let r = app
            .call(
                "send_test_notification",
                &[
                    ("environment_id", &env),
                    ("url", "https://hooks.example.com/a"),
                ],
                Some(&token),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.body);
    }
}
