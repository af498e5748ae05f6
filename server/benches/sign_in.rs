//! Sign-in throughput: password sign-ins per second through the whole HTTP stack
//! (CSRF check, server function, argon2id on the blocking pool, session write), with
//! 16 concurrent clients, and how fast a cheap request stays meanwhile.
//!
//! Run with `make bench` (or `cargo bench -p server --bench sign_in`).

use app::service::{BootstrapInput, OsEntropy, Service, SystemClock};
use app::store::Database;
use axum::body::Body;
use axum::extract::ConnectInfo;
use clap::Parser;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "a long and uncommon passphrase";
const CLIENTS: usize = 16;
const SIGN_INS: usize = 320;

fn request(path: &str, body: String, cookie: Option<&str>) -> Request<Body> {
    let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut b = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(ConnectInfo(addr));
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("console_session={c}"));
    }
    b.body(Body::from(body)).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).await.unwrap();
    let config = server::config::Cli::try_parse_from(["server"])
        .unwrap()
        .config;
    let service = Service::new(
        db,
        config.service_config(),
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
    )
    .await
    .unwrap();
    service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: EMAIL.into(),
            password: PASSWORD.into(),
            plan: None,
        })
        .await
        .unwrap();
    let router = server::router::build(&config, service);
    let form = format!(
        "email={}&password={}",
        EMAIL.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );

    // A session for the "other requests" probe.
    let res = router
        .clone()
        .oneshot(request("/api/sign_in", form.clone(), None))
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.strip_prefix("console_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .expect("session cookie");

    let start = Instant::now();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let router = router.clone();
        let form = form.clone();
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for _ in (c..SIGN_INS).step_by(CLIENTS) {
                let t = Instant::now();
                let res = router
                    .clone()
                    .oneshot(request("/api/sign_in", form.clone(), None))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    // Meanwhile, a cheap signed-in request every 20 ms, until the sign-ins are done.
    let done = Arc::new(AtomicBool::new(false));
    let probe = {
        let router = router.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let res = router
                    .clone()
                    .oneshot(request("/api/session", String::new(), Some(&cookie)))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                latencies.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            latencies
        })
    };
    let mut sign_ins = Vec::new();
    for c in clients {
        sign_ins.extend(c.await.unwrap());
    }
    let elapsed = start.elapsed();
    done.store(true, Ordering::Relaxed);
    let probe = probe.await.expect("probe");
    sign_ins.sort();
    let mut probe = probe;
    probe.sort();

    println!(
        "password sign-ins: {} with {CLIENTS} concurrent clients in {:.2?}",
        sign_ins.len(),
        elapsed
    );
    println!(
        "  throughput: {:.1} sign-ins/s",
        sign_ins.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency p50 {:.1?}  p99 {:.1?}",
        percentile(&sign_ins, 0.5),
        percentile(&sign_ins, 0.99)
    );
    if !probe.is_empty() {
        println!(
            "other requests meanwhile (session check): p50 {:.2?}  p99 {:.2?}",
            percentile(&probe, 0.5),
            percentile(&probe, 0.99)
        );
    }
}
