//! Behind a proxy (docs/rules/network.md): `X-Forwarded-For` is believed from trusted
//! proxies only, read right to left, so one client's failures lock that client, not
//! everyone behind the proxy — and a client can't pick its address by sending the header.

use crate::support::*;
use axum::body::Body;
use clap::Parser;
use http::StatusCode;

const WRONG: &str = "definitely not it";
const PROXY: &str = "127.0.0.1";

/// The same console, served behind a proxy at 127.0.0.1.
fn behind_proxy(app: &TestApp, trusted: &str) -> TestApp {
    let cli = server::config::Cli::try_parse_from(["server", "--trusted-proxies", trusted])
        .expect("config");
    let mut app = app.clone();
    app.router = server::router::build(&cli.config, app.service.clone(), crate::support::site());
    app
}

async fn sign_in_forwarded(
    app: &TestApp,
    socket: &str,
    forwarded: &str,
    email: &str,
    password: &str,
) -> StatusCode {
    let form = [("email", email), ("password", password)];
    let req = form_request("sign_in", &form, None, socket)
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", forwarded)
        .body(Body::from(encode(&form)))
        .expect("request");
    app.send(req).await.status
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_lock_that_client_only() {
    let app = behind_proxy(&TestApp::with_account().await, "127.0.0.1/32");
    let attacker = "198.51.100.66";
    for i in 0..50 {
        let email = format!("guess{i}@example.com");
        // Whatever the attacker writes on the left, the proxy appends what it saw.
        let chain = format!("10.9.9.{i}, {attacker}");
        let status = sign_in_forwarded(&app, PROXY, &chain, &email, WRONG).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    assert_eq!(
        sign_in_forwarded(&app, PROXY, attacker, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker's address is locked"
    );
    // Everyone else behind the same proxy signs in.
    assert_eq!(
        sign_in_forwarded(&app, PROXY, "203.0.113.20", ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::OK
    );
    // The audit log shows the client, not the proxy.
    let root = app.admin_token().await;
    let log = app.call("audit_log", &[], Some(&root)).await.json();
    let sign_ins: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "auth.login_success")
        .filter_map(|e| e["ip"].as_str())
        .collect();
    assert!(sign_ins.contains(&"203.0.113.20"), "{sign_ins:?}");
    assert!(!sign_ins.contains(&PROXY), "{sign_ins:?}");
}

#[tokio::test]
async fn a_client_that_is_not_a_trusted_proxy_cant_choose_its_address() {
    // Trusted proxies configured, but this client isn't one; and a console with none.
    for app in [
        behind_proxy(&TestApp::with_account().await, "10.0.0.0/8"),
        TestApp::with_account().await,
    ] {
        let client = "198.51.100.77";
        for i in 0..50 {
            let email = format!("guess{i}@example.com");
            let forged = format!("203.0.113.{i}");
            let status = sign_in_forwarded(&app, client, &forged, &email, WRONG).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {i}");
        }
        assert_eq!(
            sign_in_forwarded(&app, client, "203.0.113.200", ADMIN_EMAIL, ADMIN_PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS,
            "a forged X-Forwarded-For doesn't escape the per-address lock"
        );
    }
}

#[tokio::test]
async fn ipv6_clients_are_throttled_by_their_64_block() {
    let app = TestApp::with_account().await;
    for i in 0..50 {
        let email = format!("guess{i}@example.com");
        // A new address of the same /64 for every try.
        let ip = format!("2001:db8:1:2::{:x}", i + 1);
        let r = app
            .call_from(
                "sign_in",
                &[("email", &email), ("password", WRONG)],
                None,
                &ip,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let locked = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            "2001:db8:1:2:ffff::1",
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let other_block = app
        .call_from(
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
            None,
            "2001:db8:1:3::1",
        )
        .await;
    assert_eq!(other_block.status, StatusCode::OK, "{}", other_block.body);
}

#[test]
fn trusted_proxies_take_addresses_and_cidrs_and_refuse_anything_else() {
    let cli = server::config::Cli::try_parse_from([
        "server",
        "--trusted-proxies",
        "127.0.0.1, 10.0.0.0/8,::1",
    ])
    .expect("config");
    let nets: Vec<String> = cli
        .config
        .trusted_proxies
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(nets, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
    let bad = server::config::Cli::try_parse_from(["server", "--trusted-proxies", "proxy.local"]);
    assert!(bad
        .unwrap_err()
        .to_string()
        .contains("not an address or CIDR"));
}

#[test]
fn start_up_warns_about_a_public_listener_without_an_https_public_url() {
    let warnings = |args: &[&str]| {
        let mut all = vec!["server"];
        all.extend_from_slice(args);
        server::config::Cli::try_parse_from(all)
            .expect("config")
            .config
            .warnings()
    };
    assert!(warnings(&[]).is_empty(), "loopback: nothing to say");
    let public = warnings(&["--addr", "0.0.0.0:3000"]);
    assert_eq!(public.len(), 1);
    assert!(public[0].contains("Secure"), "{public:?}");
    assert!(warnings(&[
        "--addr",
        "0.0.0.0:3000",
        "--public-url",
        "https://console.example.com"
    ])
    .is_empty());
    assert_eq!(
        warnings(&[
            "--addr",
            "0.0.0.0:3000",
            "--public-url",
            "http://console.example.com"
        ])
        .len(),
        1
    );
    assert_eq!(warnings(&["--trusted-proxies", "0.0.0.0/0"]).len(), 1);
}
