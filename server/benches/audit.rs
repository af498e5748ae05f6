//! The audit log page at scale: an account with 1,000,000 records — a page filtered by actor
//! (and by action, target, time), first and deep by keyset; then the export of 100,000
//! records through HTTP, read chunk by chunk, with the process's resident memory sampled.
//!
//! Run with `make bench` (or `cargo bench -p server --features bench --bench audit`).

mod seed;

use app::domain::audit_query::AuditFilterInput;
use app::service::{BootstrapInput, OsEntropy, RequestMeta, Service, SystemClock};
use app::store::Database;
use axum::body::Body;
use axum::extract::ConnectInfo;
use clap::Parser;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const RECORDS: i64 = 1_000_000;
const ACTORS: i64 = 50;
const DEFAULT_ROUNDS: usize = 1_000;

use seed::report;

/// 1,000,000 records one second apart: 50 actors in turn, five actions, 1,000 targets.
async fn seed_records(dir: &std::path::Path, account_id: &str) {
    let pool = Database::bare_pool(dir).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
         INSERT INTO audit_log (account_id, at, actor_type, actor_id, actor_label, action, target_type, \
           target_id, target_label, before_json, after_json, ip, user_agent, request_id, result) \
         SELECT ?, 1700000000 + i, 'user', 'u' || (i % {ACTORS}), 'user' || (i % {ACTORS}) || '@bench.example', \
           CASE i % 5 WHEN 0 THEN 'user.update' WHEN 1 THEN 'auth.login_success' WHEN 2 THEN 'share.grant' \
             WHEN 3 THEN 'api_key.reveal' ELSE 'user.update_preferences' END, \
           'user', 't' || (i % 1000), 'target' || (i % 1000) || '@bench.example', \
           '{{\"theme\":\"light\"}}', '{{\"theme\":\"dark\"}}', '127.0.0.1', 'bench', 'r' || i, 'success' FROM n",
        last = RECORDS - 1
    )))
    .bind(account_id)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool.close().await;
}

fn filter(actor: &str, action: &str, target: &str, after: Option<i64>) -> AuditFilterInput {
    AuditFilterInput {
        actor: actor.into(),
        action: action.into(),
        target: target.into(),
        after: after.map(|a| a.to_string()).unwrap_or_default(),
        ..Default::default()
    }
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let dir = tempfile::tempdir().unwrap();
    let config = server::config::Cli::try_parse_from(["server"])
        .unwrap()
        .config;
    let service = Service::new(
        Database::open(dir.path()).await.unwrap(),
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
            plan: None,
        })
        .await
        .unwrap();
    let t = Instant::now();
    seed_records(dir.path(), &out.account_id).await;
    println!("seeded {RECORDS} audit records in {:.1?}", t.elapsed());
    let meta = RequestMeta {
        ip: "127.0.0.1".parse().unwrap(),
        user_agent: None,
        request_id: "bench".into(),
    };
    let signed = service
        .sign_in(email, password, None, &meta)
        .await
        .unwrap()
        .signed_in()
        .expect("no second factor");
    let principal = service.authenticate(&signed.token, &meta).await.unwrap();

    let cases = [
        (
            "a page filtered by actor (20,000 matches)",
            filter("user7@bench.example", "", "", None),
        ),
        (
            "a page filtered by action (200,000 matches)",
            filter("", "share.grant", "", None),
        ),
        (
            "a page filtered by area user. (400,000 matches)",
            filter("", "user.", "", None),
        ),
        (
            "a page filtered by target (1,000 matches)",
            filter("", "", "target42@bench.example", None),
        ),
        (
            "a page filtered by actor and action (4,000 matches)",
            filter("user7@bench.example", "share.grant", "", None),
        ),
        ("the first page, no filter", filter("", "", "", None)),
    ];
    for (what, f) in &cases {
        let mut times = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let page = service
                .audit_page(&principal, f, "UTC", &meta)
                .await
                .unwrap();
            times.push(t.elapsed());
            assert_eq!(page.records.len(), 50);
        }
        report(&format!("service, {what}"), times);
    }
    // Deep pages by actor: walk 200 pages, timing each.
    let mut deep = Vec::new();
    let mut after = None;
    for _ in 0..200 {
        let f = filter("user7@bench.example", "", "", after);
        let t = Instant::now();
        let page = service
            .audit_page(&principal, &f, "UTC", &meta)
            .await
            .unwrap();
        deep.push(t.elapsed());
        after = page.next;
    }
    report("service, pages 1–200 filtered by actor (keyset)", deep);
    let mut ranged = Vec::new();
    for i in 0..rounds.min(200) {
        let from = (1_700_000_000 + (i as i64) * 4_000).to_string();
        let to = (1_700_000_000 + (i as i64) * 4_000 + 3_600).to_string();
        let f = AuditFilterInput {
            from,
            to,
            actor: "user7@bench.example".into(),
            ..Default::default()
        };
        let t = Instant::now();
        let page = service
            .audit_page(&principal, &f, "UTC", &meta)
            .await
            .unwrap();
        ranged.push(t.elapsed());
        assert!(page.records.len() <= 50);
    }
    report("service, an hour's window filtered by actor", ranged);

    export_memory(&config, service, &dir, &signed.token).await;
}

/// The export of 100,000 records (two actors' 40,000 + … — the area `user.` of 10 actors)
/// through HTTP, read chunk by chunk; resident memory sampled at each chunk.
async fn export_memory(
    config: &server::config::Config,
    service: Service,
    dir: &tempfile::TempDir,
    token: &str,
) {
    let router = server::router::build(
        config,
        service,
        &server::assets::SiteAssets::stand_in(&dir.path().join("site")),
    );
    let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    // 100,000 records: the action share.grant of half the actors' turns (i % 5 == 2 over
    // 500,000 rows = 100,000).
    let query = "format=csv&action=share.grant&to=1700500000";
    for format in ["csv", "json"] {
        let req = Request::get(format!(
            "/api/audit_log/export?{}",
            query.replace("csv", format)
        ))
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, format!("console_session={token}"))
        .extension(ConnectInfo(addr))
        .body(Body::empty())
        .unwrap();
        let (before, _) = seed::resident_mib("self");
        let t = Instant::now();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let mut body = res.into_body();
        let (mut bytes, mut chunks, mut peak) = (0usize, 0usize, before);
        while let Some(frame) = body.frame().await {
            let frame = frame.unwrap();
            if let Some(data) = frame.data_ref() {
                bytes += data.len();
                chunks += 1;
                peak = peak.max(seed::resident_mib("self").0);
            }
        }
        println!(
            "export {format}: 100,000 records, {:.1} MB in {chunks} chunks, {:.2?}; resident memory {before:.1} MiB before, at most {peak:.1} MiB while streaming (+{:.1})",
            bytes as f64 / 1e6,
            t.elapsed(),
            peak - before
        );
    }
}
