//! *Send test* on the Webhook notifications page: a real receiver on loopback (a network the
//! tests allow, as an operator may), names answered by the test's own resolver, and the
//! refusal of internal addresses before any connection (docs/rules/network.md).

use crate::support::*;
use app::domain::network::OutboundRule;
use app::service::Resolver;
use app::service::{notification_signature, ServiceConfig};
use axum::http::HeaderMap;
use http::StatusCode;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// `http` allowed, and loopback — where the tests' receivers listen — allowed as an
/// operator may allow an internal network.
fn http_allowed() -> ServiceConfig {
    ServiceConfig {
        webhook_allow_http: true,
        outbound: OutboundRule {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        },
        ..Default::default()
    }
}

/// The test's resolver: names to the addresses given, remembering what it was asked.
#[derive(Debug, Default)]
struct TestResolver {
    names: Vec<(&'static str, &'static str)>,
    asked: Mutex<Vec<String>>,
}

impl Resolver for TestResolver {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>> {
        self.asked.lock().unwrap().push(host.to_string());
        let found = self
            .names
            .iter()
            .filter(|(name, _)| *name == host)
            .map(|(_, ip)| SocketAddr::new(ip.parse().unwrap(), port))
            .collect();
        Box::pin(async move { Ok(found) })
    }
}

/// A loopback listener that counts the connections it accepts (and answers none).
async fn counting_listener() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (addr, accepted)
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

#[tokio::test]
async fn send_test_refuses_internal_addresses_before_connecting() {
    let resolver = Arc::new(TestResolver {
        names: vec![
            ("hooks.internal.test", "10.0.0.1"),
            ("split.test", "93.184.216.34"),
            ("split.test", "127.0.0.1"),
        ],
        ..Default::default()
    });
    let config = ServiceConfig {
        webhook_allow_http: true,
        resolver: resolver.clone(),
        ..Default::default()
    };
    let app = TestApp::with_config("plus", config).await;
    let root = app.admin_token().await;
    let env = app.first_environment(&root).await;
    let (listening, accepted) = counting_listener().await;
    for url in [
        "https://127.0.0.1/".to_string(),
        format!("http://{listening}/hook"),
        format!("http://[::ffff:127.0.0.1]:{}/hook", listening.port()),
        "https://hooks.internal.test/hook".to_string(),
        "https://split.test/hook".to_string(),
        "https://169.254.169.254/latest/meta-data/".to_string(),
    ] {
        let r = app
            .call(
                "send_test_notification",
                &[("environment_id", &env), ("url", &url)],
                Some(&root),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{url}: {}", r.body);
        assert!(
            r.body.contains("private or local network"),
            "{url}: {}",
            r.body
        );
    }
    // The names were resolved by the test's resolver, and nothing was connected to.
    assert_eq!(
        *resolver.asked.lock().unwrap(),
        ["hooks.internal.test", "split.test"]
    );
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 0);
    // A name that doesn't resolve is said at the field.
    let r = app
        .call(
            "send_test_notification",
            &[("environment_id", &env), ("url", "https://nowhere.test/")],
            Some(&root),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("No address was found"), "{}", r.body);
}

#[tokio::test]
async fn send_test_connects_to_the_address_it_checked_and_is_limited_per_user() {
    let (url, got) = receiver(StatusCode::OK).await;
    let port: u16 = url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches("/hook")
        .parse()
        .unwrap();
    let resolver = Arc::new(TestResolver {
        names: vec![("hooks.test", "127.0.0.1")],
        ..Default::default()
    });
    let config = ServiceConfig {
        resolver: resolver.clone(),
        ..http_allowed()
    };
    let app = TestApp::with_config("plus", config).await;
    let root = app.admin_token().await;
    let env = app.first_environment(&root).await;
    let named = format!("http://hooks.test:{port}/hook");
    let form = [("environment_id", env.as_str()), ("url", named.as_str())];
    let send = || app.call("send_test_notification", &form, Some(&root));
    for i in 0..10 {
        let r = send().await;
        assert_eq!(r.status, StatusCode::OK, "test {i}: {}", r.body);
        assert_eq!(r.json()["status"], 200, "{}", r.body);
    }
    // Sent to the address the resolver gave, under the URL's host name.
    let (headers, _) = got.lock().unwrap()[0].clone();
    assert_eq!(headers["host"], format!("hooks.test:{port}").as_str());
    assert_eq!(
        resolver.asked.lock().unwrap().len(),
        10,
        "resolved once per test"
    );
    // The 11th within ten minutes waits; then tests are allowed again.
    let r = send().await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(got.lock().unwrap().len(), 10);
    app.clock.advance(600);
    assert_eq!(send().await.status, StatusCode::OK);
}
