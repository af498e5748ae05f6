//! SCIM at scale (docs/rules/scim.md#filters): on an account with 100,000 users, Okta's lookup
//! `GET /scim/v2/Users?filter=userName eq "…"` and a `PATCH` that deactivates a user
//! (`active: false`: the console's Disable), through the whole HTTP stack with a SCIM token.
//!
//! Run with `make bench` (or `cargo bench -p server --features bench --bench scim`);
//! `BENCH_ROUNDS` requests of each (default 2,000).

mod seed;

use app::service::{BootstrapInput, OsEntropy, Service, SystemClock};
use app::store::Database;
use axum::body::Body;
use axum::extract::ConnectInfo;
use clap::Parser;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const USERS: usize = 100_000;
const DEFAULT_ROUNDS: usize = 2_000;

use seed::report;

fn scim_request(method: &str, uri: &str, token: &str, body: Option<String>) -> Request<Body> {
    let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/scim+json")
        .extension(ConnectInfo(addr))
        .body(body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap()
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS)
        .min(USERS / 2);
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
    let out = service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: "root@bench.example".into(),
            password: "a long and uncommon passphrase".into(),
            plan: None,
        })
        .await
        .unwrap();
    let seed_start = Instant::now();
    seed::users(dir.path(), &out.account_id, USERS)
        .await
        .close()
        .await;
    println!("seeded {USERS} users in {:.1?}", seed_start.elapsed());
    let (_, token) = service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap();
    let router = server::router::build(
        &config,
        service,
        &server::assets::SiteAssets::stand_in(&dir.path().join("site")),
    );

    // Okta's lookup of one user by userName, a different one each time.
    let mut lookups = Vec::new();
    for round in 0..rounds {
        let n = round * 7919 % USERS;
        let filter = format!("userName eq \"user{n:06}@bench.example\"");
        let uri = format!(
            "/scim/v2/Users?filter={}&startIndex=1&count=100",
            form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
        );
        let t = Instant::now();
        let res = router
            .clone()
            .oneshot(scim_request("GET", &uri, &token, None))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        lookups.push(t.elapsed());
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(page["totalResults"], 1, "{page}");
    }
    report(
        "GET /scim/v2/Users?filter=userName eq (100,000 users)",
        lookups,
    );

    // Deactivation: a PATCH of active=false on a different Media Library user each time
    // (Disable: their sessions and links end, recorded in the audit log).
    let patch = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#;
    let mut deactivations = Vec::new();
    for round in 0..rounds {
        let i = (round * 2 + 1) % USERS;
        let uri = format!("/scim/v2/Users/{:032x}", i + 1);
        let t = Instant::now();
        let res = router
            .clone()
            .oneshot(scim_request("PATCH", &uri, &token, Some(patch.to_string())))
            .await
            .unwrap();
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        deactivations.push(t.elapsed());
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        let user: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(user["active"], false, "{user}");
    }
    report(
        "PATCH /scim/v2/Users/{id} active=false (100,000 users)",
        deactivations,
    );
}
