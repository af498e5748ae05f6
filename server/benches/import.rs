//! The CSV import at scale (docs/rules/users.md#import): a file of 10,000 new users, previewed
//! and then imported through HTTP as the User Management page sends it (`POST
//! /api/users/import`, the answer read to its end), with the seat limit set high enough. Reports
//! rows per second and the process's resident memory before, after and at its peak.
//!
//! Run with `make bench` (or `cargo bench -p server --features bench --bench import`);
//! `BENCH_IMPORT_USERS` sets the file's size (default 10,000).

mod seed;

use app::service::{BootstrapInput, OsEntropy, RequestMeta, Service, SystemClock};
use app::store::Database;
use axum::body::Body;
use axum::extract::ConnectInfo;
use clap::Parser;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

fn post(path: &str, session: &str, csv: &str) -> Request<Body> {
    let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "text/csv")
        .header(header::COOKIE, format!("console_session={session}"))
        .extension(ConnectInfo(addr))
        .body(Body::from(csv.to_string()))
        .unwrap()
}

#[tokio::main]
async fn main() {
    let users: usize = std::env::var("BENCH_IMPORT_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
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
    let (email, password) = ("root@bench.example", "a long and uncommon passphrase");
    let out = service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: email.into(),
            password: password.into(),
            plan: Some("advanced".into()),
        })
        .await
        .unwrap();
    // Seats for everyone: additional user subscriptions, set in the database.
    let pool = Database::bare_pool(dir.path()).await.unwrap();
    sqlx::query("UPDATE accounts SET additional_user_subscriptions = ? WHERE id = ?")
        .bind(users as i64 + 10)
        .bind(&out.account_id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let meta = RequestMeta {
        ip: "127.0.0.1".parse().unwrap(),
        user_agent: None,
        request_id: "bench".into(),
    };
    let session = service
        .sign_in(email, password, None, &meta)
        .await
        .unwrap()
        .signed_in()
        .expect("no second factor")
        .token;
    let router = server::router::build(
        &config,
        service,
        &server::assets::SiteAssets::stand_in(&dir.path().join("site")),
    );
    let mut csv = String::from("email,name,role,environments\n");
    for i in 0..users {
        csv.push_str(&format!(
            "imported{i:06}@bench.example,Imported {i},Reports,all\n"
        ));
    }
    println!(
        "file: {users} rows, {:.1} MiB",
        csv.len() as f64 / 1048576.0
    );
    let (before, _) = seed::resident_mib("self");

    let t = Instant::now();
    let res = router
        .clone()
        .oneshot(post("/api/users/import/preview", &session, &csv))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let preview: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let took = t.elapsed();
    assert_eq!(preview["counts"]["created"], users, "{}", preview["counts"]);
    println!(
        "preview: {users} rows in {took:.2?} ({:.0} rows/s)",
        users as f64 / took.as_secs_f64()
    );

    let t = Instant::now();
    let res = router
        .clone()
        .oneshot(post("/api/users/import", &session, &csv))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let took = t.elapsed();
    let created = body
        .split(|b| *b == b'\n')
        .filter(|l| l.windows(19).any(|w| w == b"\"outcome\":\"created\""))
        .count();
    assert_eq!(
        created,
        users,
        "{}",
        String::from_utf8_lossy(&body[..body.len().min(2000)])
    );
    let (after, peak) = seed::resident_mib("self");
    println!(
        "import: {users} users created in {took:.2?} ({:.0} users/s)",
        users as f64 / took.as_secs_f64()
    );
    println!("resident memory: {before:.1} MiB before, {after:.1} MiB after, peak {peak:.1} MiB (the benchmark's process: server and client)");
}
