//! The Provisioning API at scale: `GET …/users?page_size=50` on an account with 100,000
//! users, over real HTTP (Basic auth with an account API key) from 16 concurrent clients,
//! against the same SQL run bare from 16 concurrent loops as the ceiling; and the latency of
//! one client alone (no queueing behind the others).
//!
//! Run with `make bench` (or `cargo bench -p server --bench provisioning`);
//! `BENCH_SECONDS` sets each phase's length (default 10).

mod seed;

use app::service::{BootstrapInput, OsEntropy, Service, SystemClock};
use app::store::{Database, API_USER_COLUMNS};
use base64::Engine;
use clap::Parser;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USERS: usize = 100_000;
const CLIENTS: usize = 16;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs `clients` loops of `one` for `secs`; prints and returns requests per second.
async fn load<F, Fut>(what: &str, clients: usize, secs: u64, one: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                one().await;
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let rate = all.len() as f64 / elapsed;
    println!(
        "{what}: {rate:.0}/s  p50 {:.3?}  p99 {:.3?}  ({} requests, {clients} concurrent)",
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.len()
    );
    rate
}

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).await.unwrap();
    let mut config = server::config::Cli::try_parse_from(["server"])
        .unwrap()
        .config;
    // Measure the API, not its rate limits.
    config.provisioning_hourly_limit = u32::MAX;
    config.provisioning_per_second_limit = u32::MAX;
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
            plan: Some("enterprise".into()),
        })
        .await
        .unwrap();
    let key = service
        .create_account_api_key_as_operator(Some(&out.account_id), "bench")
        .await
        .unwrap();
    let seeded = Instant::now();
    let pool = seed::users(dir.path(), &out.account_id, USERS).await;
    println!("seeded {USERS} users in {:.1?}", seeded.elapsed());

    // The ceiling: the statement the store runs for the page, its parameters bound as the
    // store binds them, bare, on its own pool.
    let sql = format!(
        "SELECT {API_USER_COLUMNS} FROM users u WHERE u.account_id = ? \
         AND u.status <> 'inactive' ORDER BY u.created_at DESC, u.id DESC LIMIT 50 OFFSET 0"
    );
    let bare_pool = pool.clone();
    let bare_sql = Arc::new(sql);
    let account = Arc::new(out.account_id.clone());
    let ceiling = load(
        "bare SQL, the page's statement (ceiling)",
        CLIENTS,
        secs,
        move || {
            let pool = bare_pool.clone();
            let sql = bare_sql.clone();
            let account = account.clone();
            async move {
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(account.as_str())
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                assert_eq!(rows.len(), 50);
            }
        },
    )
    .await;
    pool.close().await;

    // The API over TCP, as an SDK calls it.
    let router = server::router::build(&config, service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let url = Arc::new(format!(
        "http://{addr}/v1_1/provisioning/accounts/{}/users?page_size=50",
        out.account_id
    ));
    let auth = Arc::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", key.key.api_key, key.secret))
    ));
    let client = reqwest::Client::new();
    let one_page = move || {
        let client = client.clone();
        let url = url.clone();
        let auth = auth.clone();
        async move {
            let res = client
                .get(url.as_str())
                .header("authorization", auth.as_str())
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let body = res.bytes().await.unwrap();
            assert!(body.len() > 1000);
        }
    };
    let api = load(
        "GET /users?page_size=50 over HTTP",
        CLIENTS,
        secs,
        one_page.clone(),
    )
    .await;
    load(
        "GET /users?page_size=50 over HTTP, one client",
        1,
        secs,
        one_page,
    )
    .await;
    println!("API / ceiling: {:.0}%", api / ceiling * 100.0);
}
