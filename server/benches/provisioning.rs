//! The Provisioning API at scale: `GET …/users?page_size=50` on an account with 100,000
//! users, over real HTTP (Basic auth with an account API key) from 16 concurrent clients,
//! against the SQL run bare from 16 concurrent loops as the ceiling (on a pool configured
//! as the store's): the page's statement alone, and the request's statements (the key
//! check, then the page); what decoding the rows adds; and the same with one client
//! against one loop (no queueing behind the others). The clients are lean (one hyper
//! connection each): on a 2-core machine they share the CPU with the server.
//!
//! Run with `make bench` (or `cargo bench -p server --bench provisioning`). The phases
//! take turns for `BENCH_ROUNDS` rounds (default 8) of `BENCH_SECONDS` each (default 1.5).

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

use seed::percentile;

/// One client's request, borrowing its own state (its connection).
type Call<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// One phase's results over every round: requests per second of each round, and every
/// request's latency.
#[derive(Default)]
struct Phase {
    rates: Vec<f64>,
    times: Vec<Duration>,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

impl Phase {
    fn report(&mut self, what: &str, clients: usize) {
        self.times.sort();
        println!(
            "{what}: {:.0}/s (median of {} rounds: {})  p50 {:.3?}  p99 {:.3?}  ({} requests, {clients} concurrent)",
            median(&self.rates),
            self.rates.len(),
            self.rates
                .iter()
                .map(|r| format!("{r:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            percentile(&self.times, 0.5),
            percentile(&self.times, 0.99),
            self.times.len()
        );
    }
}

/// Runs `clients` loops of `one`, each over its own state made by `make`, for `secs`, and
/// adds the rate and latencies to `phase`; returns the rate.
async fn load<S, M, MF, F>(phase: &mut Phase, clients: usize, secs: f64, make: M, one: F) -> f64
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
    let until = start + Duration::from_secs_f64(secs);
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
    let mut count = 0;
    for t in tasks {
        let times = t.await.unwrap();
        count += times.len();
        phase.times.extend(times);
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    phase.rates.push(rate);
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

/// The request's statements run bare, on one connection as the API runs them: the key
/// check, then the page (its rows decoded into the API's records when `decode`).
type BareRequest = (BarePage, Arc<String>);

fn bare_request(((pool, sql, account), api_key): &mut BareRequest, decode: bool) -> Call<'_> {
    Box::pin(async move {
        let mut conn = pool.acquire().await.unwrap();
        let key: KeyCredentials = sqlx::query_as(KEY_CREDENTIALS_SQL)
            .bind(api_key.as_str())
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert!(key.enabled);
        let page = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(account.as_str());
        let rows = if decode {
            page.try_map(|r| ApiUserRow::from_row(&r).map(|_| ()))
                .fetch_all(&mut *conn)
                .await
                .unwrap()
                .len()
        } else {
            page.fetch_all(&mut *conn).await.unwrap().len()
        };
        assert_eq!(rows, 50);
    })
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    // This VM's speed drifts by ±20 % over minutes: the phases take turns, round after
    // round, and each ratio is taken within a round.
    let rounds: usize = env_or("BENCH_ROUNDS", 8);
    let secs: f64 = env_or("BENCH_SECONDS", 1.5);
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).await.unwrap();
    let mut config = server::config::Cli::try_parse_from(["server"])
        .unwrap()
        .config;
    // Measure the API, not its rate limits.
    config.provisioning_hourly_limit = u32::MAX;
    config.provisioning_per_second_limit = u32::MAX;
    config.provisioning_concurrent_limit = CLIENTS as u32;
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
    // store binds them, bare, on its own pool (configured as the store's).
    let sql = format!(
        "SELECT {API_USER_COLUMNS} FROM users u WHERE u.account_id = ? \
         AND u.status <> 'inactive' ORDER BY u.created_at DESC, u.id DESC LIMIT 50 OFFSET 0"
    );
    let bare: BarePage = (
        pool.clone(),
        Arc::new(sql),
        Arc::new(out.account_id.clone()),
    );
    let request: BareRequest = (bare.clone(), Arc::new(key.key.api_key.clone()));

    // The API over TCP, as an SDK calls it.
    let router = server::router::build(
        &config,
        service,
        &server::assets::SiteAssets::stand_in(&dir.path().join("site")),
    );
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

    let mut page = Phase::default();
    let mut both = Phase::default();
    let mut decoded = Phase::default();
    let mut api = Phase::default();
    let mut page_alone = Phase::default();
    let mut both_alone = Phase::default();
    let mut api_alone = Phase::default();
    // Per round: the API against the page's statement, and against the request's
    // statements (the key check and the page); 16 against 16, one against one.
    let mut ratios: [Vec<f64>; 4] = Default::default();
    for round in 1..=rounds {
        let bare_page_rate = load(
            &mut page,
            CLIENTS,
            secs,
            || std::future::ready(bare.clone()),
            bare_page,
        )
        .await;
        let bare_request_rate = load(
            &mut both,
            CLIENTS,
            secs,
            || std::future::ready(request.clone()),
            |r| bare_request(r, false),
        )
        .await;
        load(
            &mut decoded,
            CLIENTS,
            secs,
            || std::future::ready(request.clone()),
            |r| bare_request(r, true),
        )
        .await;
        let api_rate = load(&mut api, CLIENTS, secs, client, one_page).await;
        let page_alone_rate = load(
            &mut page_alone,
            1,
            secs,
            || std::future::ready(bare.clone()),
            bare_page,
        )
        .await;
        let request_alone_rate = load(
            &mut both_alone,
            1,
            secs,
            || std::future::ready(request.clone()),
            |r| bare_request(r, false),
        )
        .await;
        let api_alone_rate = load(&mut api_alone, 1, secs, client, one_page).await;
        let round_ratios = [
            api_rate / bare_page_rate,
            api_rate / bare_request_rate,
            api_alone_rate / page_alone_rate,
            api_alone_rate / request_alone_rate,
        ];
        println!(
            "round {round}: API {api_rate:.0}/s = {:.0}% of the page's statement, {:.0}% of the request's statements; one client {:.0}%, {:.0}%",
            round_ratios[0] * 100.0,
            round_ratios[1] * 100.0,
            round_ratios[2] * 100.0,
            round_ratios[3] * 100.0,
        );
        for (all, r) in ratios.iter_mut().zip(round_ratios) {
            all.push(r);
        }
    }
    page.report("bare SQL, the page's statement (ceiling)", CLIENTS);
    both.report(
        "bare SQL, the key check and the page (the request's statements)",
        CLIENTS,
    );
    decoded.report(
        "bare SQL, the key check and the page, rows decoded",
        CLIENTS,
    );
    api.report("GET /users?page_size=50 over HTTP", CLIENTS);
    page_alone.report("bare SQL, the page's statement, one loop", 1);
    both_alone.report("bare SQL, the key check and the page, one loop", 1);
    api_alone.report("GET /users?page_size=50 over HTTP, one client", 1);
    println!(
        "API / ceiling, median of the rounds' ratios: {:.0}% of the page's statement, {:.0}% of the request's statements (16 clients against 16 loops); {:.0}%, {:.0}% (one against one)",
        median(&ratios[0]) * 100.0,
        median(&ratios[1]) * 100.0,
        median(&ratios[2]) * 100.0,
        median(&ratios[3]) * 100.0,
    );
    pool.close().await;
}
