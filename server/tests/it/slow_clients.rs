//! Slow clients (docs/rules/network.md#slow-clients): a request body that trickles in holds
//! no database connection, is cut off at its deadline, and one key can have only so many
//! requests in progress — so eight slow uploads can't stall the console or another key.

use crate::provisioning::Client;
use crate::support::*;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use clap::Parser;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// A body that sends a byte every 200 ms and never ends.
fn trickle() -> Body {
    let bytes = futures_util::stream::unfold(true, |first| async move {
        if !first {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let chunk = if first {
            &b"{\"email\":\""[..]
        } else {
            &b"a"[..]
        };
        Some((Ok::<_, std::io::Error>(Bytes::from_static(chunk)), false))
    });
    Body::from_stream(bytes)
}

fn with_flags(client: &mut Client, flags: &[&str]) {
    let mut args = vec!["server"];
    args.extend_from_slice(flags);
    let config = server::config::Cli::try_parse_from(args)
        .expect("config")
        .config;
    let router = server::router::build(&config, client.app.service.clone(), crate::support::site());
    client.router = router.clone();
    client.app.router = router;
}

fn api_request(
    client: &Client,
    key: &str,
    secret: &str,
    method: &str,
    body: Body,
) -> Request<Body> {
    let addr: SocketAddr = "198.51.100.1:40000".parse().expect("addr");
    Request::builder()
        .method(method)
        .uri(client.path("/users"))
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, Client::basic(key, secret))
        .extension(ConnectInfo(addr))
        .body(body)
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_slow_uploads_delay_neither_the_console_nor_another_key() {
    let dir = tempfile::tempdir().expect("dir");
    let mut client = Client::on_disk(dir.path(), "enterprise").await;
    with_flags(
        &mut client,
        &[
            "--body-timeout-secs",
            "3",
            "--provisioning-concurrent-limit",
            "8",
        ],
    );
    let root = client.app.admin_token().await;
    let other = client
        .app
        .service
        .create_account_api_key_as_operator(Some(&client.app.account_id), "Other")
        .await
        .expect("key");
    // A key in use (its last use recorded: its check is one read, whose connection the
    // request keeps for its handler).
    assert_eq!(client.get("/users").await.status, StatusCode::OK);
    let started = Instant::now();
    let slow: Vec<_> = (0..8)
        .map(|_| {
            let req = api_request(&client, &client.key, &client.secret, "POST", trickle());
            let router = client.router.clone();
            tokio::spawn(async move { router.oneshot(req).await.expect("infallible").status() })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The console answers at once (the pool has eight connections: before, all were held).
    let users = tokio::time::timeout(
        Duration::from_secs(2),
        client.app.call("users", &[], Some(&root)),
    )
    .await
    .expect("the console answers while eight uploads trickle");
    assert_eq!(users.status, StatusCode::OK, "{}", users.body);

    // Another key is served; the slow key has used its eight requests in progress.
    let req = api_request(
        &client,
        &other.key.api_key,
        &other.secret,
        "GET",
        Body::empty(),
    );
    let listed = tokio::time::timeout(Duration::from_secs(2), client.router.clone().oneshot(req))
        .await
        .expect("another key answers")
        .expect("infallible");
    assert_eq!(listed.status(), StatusCode::OK);
    let ninth = client.get("/users").await;
    assert_eq!(
        ninth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        ninth.body
    );
    assert_eq!(ninth.headers["retry-after"], "1");

    // The trickles are cut off at their deadline, however steadily they trickle.
    for task in slow {
        assert_eq!(task.await.expect("task"), StatusCode::REQUEST_TIMEOUT);
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Their slots came free.
    assert_eq!(client.get("/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_console_request_is_cut_off_by_its_body_and_its_whole_time() {
    let dir = tempfile::tempdir().expect("dir");
    let mut client = Client::on_disk(dir.path(), "enterprise").await;
    let send = |router: axum::Router| async move {
        let req = form_request("sign_in", &[], None, "203.0.113.7")
            .header("sec-fetch-site", "same-origin")
            .body(trickle())
            .expect("request");
        let started = Instant::now();
        let status = router.oneshot(req).await.expect("infallible").status();
        (status, started.elapsed())
    };
    // The body's deadline…
    with_flags(&mut client, &["--body-timeout-secs", "1"]);
    let (status, took) = send(client.app.router.clone()).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert!(took < Duration::from_secs(3), "{took:?}");
    // …and the whole request's, whichever comes first.
    with_flags(
        &mut client,
        &["--body-timeout-secs", "60", "--request-timeout-secs", "1"],
    );
    let (status, took) = send(client.app.router.clone()).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    assert!(took < Duration::from_secs(3), "{took:?}");
}
