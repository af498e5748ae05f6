//! The Provisioning API at scale: `GET …/users?page_size=50` on an account with 100,000
//! users, over real HTTP (Basic auth with an account API key) from 16 concurrent clients,
//! against the same SQL run bare from 16 concurrent loops as the ceiling (on a pool
//! configured as the store's); where the rest goes (the key check's statement, decoding
//! the rows); and the latency of one client alone (no queueing behind the others). The
//! clients are lean (one hyper connection each): on a 2-core machine they share the CPU
//! with the server.
//!
//! Run with `make bench` (or `cargo bench -p server --bench provisioning`);
//! `BENCH_SECONDS` sets each phase's length (default 10).

mod seed;

use app::service::{BootstrapInput, OsEntropy, Service, SystemClock};
use app::store::{ApiUserRow, Database, KeyCredentials, API_USER_COLUMNS, KEY_CREDENTIALS_SQL};
use base64::Engine;
use clap::Parser;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use sqlx::FromRow;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USERS: usize = 100_000;
const CLIENTS: usize = 16;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One client's request, borrowing its own state (its connection).
type Call<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs `clients` loops of `one`, each over its own state made by `make`, for `secs`;
/// prints and returns requests per second.
async fn load<S, M, MF, F>(what: &str, clients: usize, secs: u64, make: M, one: F) -> f64
where
    M: Fn() -> MF,
    MF: Future<Output = S>,
    S: Send + 'static,
    F: for<'a> Fn(&'a mut S) -> Call<'a> + Clone + Send + 'static,
{
    let mut states = Vec::new();
    for _ in 0..clients {
        states.push(make().await);
    }
    let start = Instant::now();
    let until = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for mut state in states {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                one(&mut state).await;
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

/// A client of the API as lean as a load generator should be: its own HTTP/1.1
/// keep-alive connection, requests written by hyper, no pool, redirects or URL parsing.
struct HttpClient {
    send: SendRequest<Empty<Bytes>>,
    path: Arc<str>,
    auth: Arc<str>,
}

async fn connect(addr: SocketAddr, path: Arc<str>, auth: Arc<str>) -> HttpClient {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    HttpClient { send, path, auth }
}

/// The page's statement run bare: the pool, the statement, the account id.
type BarePage = (sqlx::SqlitePool, Arc<String>, Arc<String>);

fn bare_page((pool, sql, account): &mut BarePage) -> Call<'_> {
    Box::pin(async move {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(account.as_str())
            .fetch_all(&*pool)
            .await
            .unwrap();
        assert_eq!(rows.len(), 50);
    })
}

fn one_page(c: &mut HttpClient) -> Call<'_> {
    Box::pin(async move {
        let req = http::Request::get(&*c.path)
            .header(http::header::HOST, "127.0.0.1")
            .header(http::header::AUTHORIZATION, &*c.auth)
            .body(Empty::<Bytes>::new())
            .unwrap();
        c.send.ready().await.unwrap();
        let res = c.send.send_request(req).await.unwrap();
        assert_eq!(res.status(), 200);
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(body.len() > 1000);
    })
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
    let bare = (
        pool.clone(),
        Arc::new(sql),
        Arc::new(out.account_id.clone()),
    );
    let ceiling = load(
        "bare SQL, the page's statement (ceiling)",
        CLIENTS,
        secs,
        || std::future::ready(bare.clone()),
        bare_page,
    )
    .await;
    let ceiling_alone = load(
        "bare SQL, the page's statement, one loop",
        1,
        secs,
        || std::future::ready(bare.clone()),
        bare_page,
    )
    .await;
    // Where the API's time goes beyond the page's statement: its key check (a second
    // statement), then decoding the page's rows into the API's records.
    let both = (bare, Arc::new(key.key.api_key.clone()));
    for decode in [false, true] {
        load(
            if decode {
                "bare SQL, the key check and the page, rows decoded"
            } else {
                "bare SQL, the key check and the page"
            },
            CLIENTS,
            secs,
            || std::future::ready(both.clone()),
            move |((pool, sql, account), api_key)| {
                Box::pin(async move {
                    let key: KeyCredentials = sqlx::query_as(KEY_CREDENTIALS_SQL)
                        .bind(api_key.as_str())
                        .fetch_one(&*pool)
                        .await
                        .unwrap();
                    assert!(key.enabled);
                    let page =
                        sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(account.as_str());
                    let rows = if decode {
                        page.try_map(|r| ApiUserRow::from_row(&r).map(|_| ()))
                            .fetch_all(&*pool)
                            .await
                            .unwrap()
                            .len()
                    } else {
                        page.fetch_all(&*pool).await.unwrap().len()
                    };
                    assert_eq!(rows, 50);
                })
            },
        )
        .await;
    }
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
    let path: Arc<str> = Arc::from(format!(
        "/v1_1/provisioning/accounts/{}/users?page_size=50",
        out.account_id
    ));
    let auth: Arc<str> = Arc::from(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", key.key.api_key, key.secret))
    ));
    let client = || connect(addr, path.clone(), auth.clone());
    let api = load(
        "GET /users?page_size=50 over HTTP",
        CLIENTS,
        secs,
        client,
        one_page,
    )
    .await;
    let alone = load(
        "GET /users?page_size=50 over HTTP, one client",
        1,
        secs,
        client,
        one_page,
    )
    .await;
    println!(
        "API / ceiling: {:.0}% (16 clients against 16 loops), {:.0}% (one against one)",
        api / ceiling * 100.0,
        alone / ceiling_alone * 100.0
    );
}
