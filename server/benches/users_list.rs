//! The User Management table at scale: a 50-row page of an account with 100,000 users,
//! through the service and through HTTP (first page, deep keyset pages, a prefix search).
//!
//! Run with `make bench` (or `cargo bench -p server --bench users_list`). The rows are
//! seeded straight into the benchmark's own database file.

mod seed;

use app::domain::UserSort;
use app::service::{BootstrapInput, OsEntropy, RequestMeta, Service, SystemClock, UserQuery};
use app::store::Database;
use axum::body::Body;
use axum::extract::ConnectInfo;
use clap::Parser;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const USERS: usize = 100_000;
const DEFAULT_ROUNDS: usize = 2_000;

use seed::report;

#[tokio::main]
async fn main() {
    // BENCH_ROUNDS=3 RUST_LOG=sqlx=debug shows each statement with its time.
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    seed::log_if_asked();
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
    let email = "root@bench.example";
    let password = "a long and uncommon passphrase";
    let out = service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: email.into(),
            password: password.into(),
            plan: None,
        })
        .await
        .unwrap();

    // Seed 100k users (half admins, half media library users) with their role assignments.
    let seed_start = Instant::now();
    let pool = seed::users(dir.path(), &out.account_id, USERS).await;
    // The bare SQL of a first page, as the ceiling the service is measured against.
    let list_sql = "SELECT u.*, (SELECT ra.role_id FROM role_assignments ra WHERE ra.principal_type = 'user' \
        AND ra.principal_id = u.id AND ra.scope = 'account') AS role_id FROM users u WHERE u.account_id = ? \
        ORDER BY u.created_at, u.id LIMIT ?";
    let mut bare = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let rows = sqlx::query(list_sql)
            .bind(&out.account_id)
            .bind(51i64)
            .fetch_all(&pool)
            .await
            .unwrap();
        bare.push(t.elapsed());
        assert_eq!(rows.len(), 51);
    }
    report("bare SQL, first page of 51 rows (ceiling)", bare);
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "EXPLAIN QUERY PLAN {list_sql}"
    )))
    .bind(&out.account_id)
    .bind(51i64)
    .fetch_all(&pool)
    .await
    .unwrap();
    for p in plan {
        println!("  plan: {}", p.3);
    }
    pool.close().await;
    println!("seeded {USERS} users in {:.1?}", seed_start.elapsed());

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

    // Service: first page, then pages deep in the table by keyset.
    let mut first = Vec::new();
    let mut deep = Vec::new();
    let mut search: Vec<Vec<Duration>> = vec![Vec::new(); UserSort::ALL.len()];
    let mut broad_search: Vec<Vec<Duration>> = vec![Vec::new(); UserSort::ALL.len()];
    let mut filtered = Vec::new();
    let mut by_name = Vec::new();
    let mut by_login = Vec::new();
    let mut by_login_deep = Vec::new();
    for round in 0..rounds {
        let t = Instant::now();
        let page = service
            .list_users(&principal, &UserQuery::default(), &meta)
            .await
            .unwrap();
        first.push(t.elapsed());
        assert_eq!(page.users.len(), 50);
        let after = format!(
            "{:032x}:i:{}",
            round * 37 % 99_000 + 1,
            1_700_000_000 + (round * 37 % 99_000) as i64
        );
        let t = Instant::now();
        let page = service
            .list_users(
                &principal,
                &UserQuery {
                    after,
                    ..Default::default()
                },
                &meta,
            )
            .await
            .unwrap();
        deep.push(t.elapsed());
        assert_eq!(page.users.len(), 50);
        // A prefix matching 1,000 users, then one matching 10,000, in every order.
        let searches = [
            (format!("user0{:02}", round % 100), &mut search),
            (format!("user0{}", round % 10), &mut broad_search),
        ];
        for (prefix, timings) in searches {
            for (sort, times) in UserSort::ALL.iter().zip(timings.iter_mut()) {
                let q = UserQuery {
                    search: prefix.clone(),
                    sort: sort.as_str().into(),
                    ..Default::default()
                };
                let t = Instant::now();
                let page = service.list_users(&principal, &q, &meta).await.unwrap();
                times.push(t.elapsed());
                assert_eq!(page.users.len(), 50);
            }
        }
        let t = Instant::now();
        let q = UserQuery {
            role: "media_library_user".into(),
            ..Default::default()
        };
        let page = service.list_users(&principal, &q, &meta).await.unwrap();
        filtered.push(t.elapsed());
        assert_eq!(page.users.len(), 50);
        // Other orders: a deep page by name (the email until a name is set), and the
        // first page by last login.
        let n = round * 53 % 99_000;
        let q = UserQuery {
            sort: "name".into(),
            after: format!("{:032x}:t:user{n:06}@bench.example", n + 1),
            ..Default::default()
        };
        let t = Instant::now();
        let page = service.list_users(&principal, &q, &meta).await.unwrap();
        by_name.push(t.elapsed());
        assert_eq!(page.users.len(), 50);
        let q = UserQuery {
            sort: "last_login".into(),
            ..Default::default()
        };
        let t = Instant::now();
        let page = service.list_users(&principal, &q, &meta).await.unwrap();
        by_login.push(t.elapsed());
        assert_eq!(page.users.len(), 50);
        // Deep by last login among the users who never signed in: one key, the ids order them.
        let n = round * 61 % 99_000 + 100;
        let q = UserQuery {
            sort: "last_login".into(),
            after: format!("{:032x}:i:0", n + 1),
            ..Default::default()
        };
        let t = Instant::now();
        let page = service.list_users(&principal, &q, &meta).await.unwrap();
        by_login_deep.push(t.elapsed());
        assert_eq!(page.users.len(), 50);
    }
    report("service, first page of 50", first);
    report("service, a deep page of 50 (keyset)", deep);
    for (sort, times) in UserSort::ALL.iter().zip(search) {
        report(
            &format!("service, a prefix search (1,000 matches), {}", sort.label()),
            times,
        );
    }
    for (sort, times) in UserSort::ALL.iter().zip(broad_search) {
        report(
            &format!(
                "service, a broad prefix search (10,000 matches), {}",
                sort.label()
            ),
            times,
        );
    }
    report("service, role filter", filtered);
    report("service, a deep page of 50 sorted by name", by_name);
    report("service, first page of 50 sorted by last login", by_login);
    report(
        "service, a deep page of 50 by last login (never signed in: one key)",
        by_login_deep,
    );

    // HTTP: the same first page through the whole stack (session, CSRF, server function).
    let router = server::router::build(
        &config,
        service,
        &server::assets::SiteAssets::stand_in(&dir.path().join("site")),
    );
    let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut http_times = Vec::new();
    for _ in 0..rounds {
        let req = Request::post("/api/users")
            .header(header::HOST, "127.0.0.1:3000")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("console_session={}", signed.token))
            .extension(ConnectInfo(addr))
            .body(Body::empty())
            .unwrap();
        let t = Instant::now();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let _ = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        http_times.push(t.elapsed());
    }
    report("HTTP POST /api/users, first page of 50", http_times);
}
