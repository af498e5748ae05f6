//! Sign-in throughput against its ceiling, on an account of 100,000 users. Password sign-ins
//! per second through the whole HTTP stack (CSRF check, server function, throttles, argon2id
//! on the blocking pool, session and audit writes) from 16 concurrent clients — 16 users, each
//! from an address of its own, as people sign in — beside the hash-only ceiling measured in the
//! same run: the same argon2id verification (m = 19 MiB, t = 2, p = 1) from 16 tasks on the
//! blocking pool, as many at once as the service hashes, each in memory kept for it.
//! The two take turns in rounds (the machine's speed drifts); each round's ratio is taken
//! within it and the median reported.
//! Meanwhile a cheap signed-in request runs every 20 ms. The process's resident memory is
//! read before the rounds (its peak reset then: the seeding's own is not counted) and after;
//! it holds the benchmark's seeding too — the server alone is measured by the `memory`
//! benchmark.
//!
//! Run with `make bench` (or `cargo bench -p server --features bench --bench sign_in`).
//! `BENCH_ROUNDS` (default 5), `BENCH_SIGN_INS` per round (default 160) and `BENCH_USERS`
//! (default 100,000) change the run.

mod seed;

use app::service::{BootstrapInput, OsEntropy, Service, SystemClock};
use app::store::Database;
use argon2::password_hash::PasswordHasher as _;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use clap::Parser;
use http::{header, Request, StatusCode};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tower::ServiceExt;

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "a long and uncommon passphrase";
const CLIENTS: usize = 16;

/// Client `c`'s address (the probe is client 255).
fn client_addr(c: usize) -> SocketAddr {
    SocketAddr::from(([198, 51, 100, (c % 255) as u8 + 1], 40000))
}

/// Client `c`'s sign-in form: a seeded user of its own.
fn sign_in_form(c: usize) -> String {
    format!(
        "email=user{c:06}%40bench.example&password={}",
        PASSWORD.replace(' ', "+")
    )
}

fn request(path: &str, body: String, cookie: Option<&str>, addr: SocketAddr) -> Request<Body> {
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

use seed::percentile;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The process's resident memory now and at its peak, in MiB.
fn resident_mib() -> (f64, f64) {
    seed::resident_mib("self")
}

/// The ceiling's argon2 memory: one area per hash at once, allocated once and reused (the
/// ceiling is the hash's own work, without even the cost of getting its memory).
static AREAS: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());

/// Verifies the benchmark's password against `hash` (its salt and output) in one of the
/// ceiling's areas.
fn verify_in_place(hash: &str) -> bool {
    let phc = argon2::PasswordHash::new(hash).unwrap();
    let (salt, expected) = (phc.salt.unwrap(), phc.hash.unwrap());
    let mut out = vec![0u8; expected.len()];
    let mut area = AREAS
        .lock()
        .unwrap()
        .pop()
        .unwrap_or_else(|| vec![argon2::Block::new(); argon2::Params::DEFAULT.block_count()]);
    argon2::Argon2::default()
        .hash_password_into_with_memory(PASSWORD.as_bytes(), &salt, &mut out, &mut area[..])
        .unwrap();
    AREAS.lock().unwrap().push(area);
    out == expected.as_bytes()
}

/// `n` verifications of `hash` from 16 tasks, `concurrency` at once on the blocking pool:
/// the most sign-ins per second the hash allows. Returns the rate.
async fn hash_only(n: usize, hash: &Arc<str>, concurrency: usize) -> f64 {
    let permits = Arc::new(Semaphore::new(concurrency));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (permits, hash) = (permits.clone(), hash.clone());
        tasks.push(tokio::spawn(async move {
            for _ in (c..n).step_by(CLIENTS) {
                let _permit = permits.acquire().await.unwrap();
                let hash = hash.clone();
                let ok = tokio::task::spawn_blocking(move || verify_in_place(&hash))
                    .await
                    .unwrap();
                assert!(ok);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// `n` sign-ins from 16 clients through HTTP, with the probe meanwhile. Returns the rate,
/// the sign-ins' latencies and the probe's.
async fn sign_ins(router: &Router, n: usize, cookie: &str) -> (f64, Vec<Duration>, Vec<Duration>) {
    let done = Arc::new(AtomicBool::new(false));
    let probe = {
        let (router, done, cookie) = (router.clone(), done.clone(), cookie.to_string());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                let res = router
                    .clone()
                    .oneshot(request(
                        "/api/session",
                        String::new(),
                        Some(&cookie),
                        client_addr(254),
                    ))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                latencies.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            latencies
        })
    };
    let start = Instant::now();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (router, form) = (router.clone(), sign_in_form(c));
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for _ in (c..n).step_by(CLIENTS) {
                let t = Instant::now();
                let res = router
                    .clone()
                    .oneshot(request("/api/sign_in", form.clone(), None, client_addr(c)))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for c in clients {
        latencies.extend(c.await.unwrap());
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    (rate, latencies, probe.await.unwrap())
}

#[tokio::main]
async fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (rounds, per_round) = (env("BENCH_ROUNDS", 5), env("BENCH_SIGN_INS", 160));
    // RUST_LOG=sqlx=debug shows each statement with its time.
    seed::log_if_asked();
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).await.unwrap();
    let config = server::config::Cli::try_parse_from(["server"])
        .unwrap()
        .config;
    let service_config = config.service_config();
    let concurrency = service_config.password_hash_concurrency;
    let service = Service::new(
        db,
        service_config,
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
    )
    .await
    .unwrap();
    let account_id = service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: EMAIL.into(),
            password: PASSWORD.into(),
            plan: None,
        })
        .await
        .unwrap()
        .account_id;
    let hash: Arc<str> = argon2::Argon2::default()
        .hash_password_with_salt(PASSWORD.as_bytes(), b"sign-in-bench-16")
        .unwrap()
        .to_string()
        .into();
    // The account's users; the 16 clients' have the password (hashed as the service does).
    let users = env("BENCH_USERS", 100_000).max(CLIENTS);
    let pool = seed::users(dir.path(), &account_id, users).await;
    sqlx::query("UPDATE users SET password_hash = ? WHERE email_normalized < ?")
        .bind(&*hash)
        .bind(format!("user{CLIENTS:06}@bench.example"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let router = server::router::build(
        &config,
        service,
        &server::assets::SiteAssets::stand_in(&dir.path().join("site")),
    );

    // A session for the probe.
    let form = format!(
        "email={}&password={}",
        EMAIL.replace('@', "%40"),
        PASSWORD.replace(' ', "+")
    );
    let res = router
        .clone()
        .oneshot(request("/api/sign_in", form, None, client_addr(254)))
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.strip_prefix("console_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .expect("session cookie");

    // The peak from here on: the seeding's is not the sign-ins'.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (before, _) = resident_mib();
    println!(
        "sign-ins: {CLIENTS} clients, {per_round} per round, {rounds} rounds; argon2id m=19 MiB t=2 p=1, \
         {concurrency} hashes at once"
    );
    let (mut rates, mut ceilings, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut all_sign_ins, mut all_probes) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let ceiling = hash_only(per_round, &hash, concurrency).await;
        let (rate, latencies, probes) = sign_ins(&router, per_round, &cookie).await;
        println!(
            "  round {round}: hash only {ceiling:.1}/s, sign-ins {rate:.1}/s ({:.1} %)",
            100.0 * rate / ceiling
        );
        rates.push(rate);
        ceilings.push(ceiling);
        ratios.push(rate / ceiling);
        all_sign_ins.extend(latencies);
        all_probes.extend(probes);
    }
    all_sign_ins.sort();
    all_probes.sort();
    let (rss, peak) = resident_mib();
    // Memory given back once the burst is over (the hashes' 19 MiB each, freed on idle
    // blocking threads).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (after, _) = resident_mib();
    println!(
        "sign-ins: {:.1}/s (median of rounds); hash-only ceiling {:.1}/s; ratio {:.1} % (median of \
         rounds' ratios)",
        median(rates),
        median(ceilings),
        100.0 * median(ratios)
    );
    println!(
        "  sign-in latency p50 {:.1?}  p99 {:.1?}",
        percentile(&all_sign_ins, 0.5),
        percentile(&all_sign_ins, 0.99)
    );
    println!(
        "other requests meanwhile (session check every 20 ms): p50 {:.2?}  p99 {:.2?} ({} requests)",
        percentile(&all_probes, 0.5),
        percentile(&all_probes, 0.99),
        all_probes.len()
    );
    println!(
        "resident memory (the benchmark's process, its seeding included): {before:.1} MiB before the rounds, \
         {peak:.1} MiB at peak, {rss:.1} MiB when the sign-ins end, {after:.1} MiB 2 s later"
    );
}
