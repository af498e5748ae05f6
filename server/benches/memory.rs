//! The server's resident memory, measured as an operator would: the `server` binary in a
//! process of its own (built with this benchmark, in release), holding an account of
//! 100,000 users, under the sign-in and API loads at once — 16 clients signing in, each
//! from a loopback address of its own (127.0.c.1: their own throttles), and 16 clients
//! reading the Provisioning API's user pages — then the API alone. Its memory is read from
//! `/proc` every 20 ms: at rest before the load, at peak (the kernel's high-water mark), and
//! once the load is over and the server idle again. The budget: 64 MiB. The peak counts the
//! start-up too (one hash: the dummy verified for unknown emails).
//!
//! Run with `make bench` (or `cargo bench -p server --features bench --bench memory`).
//! `BENCH_SIGN_INS` (default 320), `BENCH_API_CLIENTS` (default 16), `BENCH_API_SECONDS`
//! (default 5) and `BENCH_USERS` (default 100,000) change the run; `BENCH_SERVER` runs another
//! server binary (another allocator's build, or a wrapper that profiles it).

mod seed;

use argon2::password_hash::PasswordHasher as _;
use base64::Engine;
use http::{header, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SERVER: &str = env!("CARGO_BIN_EXE_server");
const PASSWORD: &str = "a long and uncommon passphrase";
const CLIENTS: usize = 16;
const BUDGET_MIB: f64 = 64.0;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server's `VmRSS` and `VmHWM`, in MiB.
fn memory_mib(pid: u32) -> (f64, f64) {
    seed::resident_mib(&pid.to_string())
}

/// Runs the server's command line on the data directory; returns what it printed.
fn cli(dir: &Path, args: &[&str], stdin: &str) -> serde_json::Value {
    let mut child = Command::new(SERVER)
        .args(args)
        .env("CONSOLE_DATA_DIR", dir)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "server {args:?} failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An HTTP/1.1 keep-alive connection to the server from the loopback address `from`.
async fn connect(from: Ipv4Addr, server: SocketAddr) -> SendRequest<Full<Bytes>> {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::V4(from), 0)).unwrap();
    let stream = socket.connect(server).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    send
}

async fn send(c: &mut SendRequest<Full<Bytes>>, req: Request<Full<Bytes>>) -> Bytes {
    c.ready().await.unwrap();
    let res = c.send_request(req).await.unwrap();
    assert_eq!(res.status(), 200);
    res.into_body().collect().await.unwrap().to_bytes()
}

/// Client `c` signs in `n` times as its own user.
async fn sign_ins(server: SocketAddr, c: usize, n: usize) {
    let mut conn = connect(Ipv4Addr::new(127, 0, c as u8 + 1, 1), server).await;
    let form = format!(
        "email=user{c:06}%40bench.example&password={}",
        PASSWORD.replace(' ', "+")
    );
    for _ in 0..n {
        let req = Request::post("/api/sign_in")
            .header(header::HOST, server.to_string())
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(form.clone())))
            .unwrap();
        send(&mut conn, req).await;
    }
}

/// A client of the Provisioning API reading user pages (50 a page, the first 200 pages in
/// turn) until `stop`; counts its requests into `done`.
async fn api_pages(
    server: SocketAddr,
    c: usize,
    path: Arc<str>,
    auth: Arc<str>,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
) {
    let mut conn = connect(Ipv4Addr::new(127, 0, 100 + c as u8, 1), server).await;
    let mut page = c * 13;
    while !stop.load(Ordering::Relaxed) {
        page = page % 200 + 1;
        let req = Request::get(format!("{path}&page={page}"))
            .header(header::HOST, server.to_string())
            .header(header::AUTHORIZATION, &*auth)
            .body(Full::new(Bytes::new()))
            .unwrap();
        let body = send(&mut conn, req).await;
        assert!(body.len() > 1000);
        done.fetch_add(1, Ordering::Relaxed);
    }
}

#[tokio::main]
async fn main() {
    let (sign_in_count, api_secs, users) = (
        env_or("BENCH_SIGN_INS", 320),
        env_or("BENCH_API_SECONDS", 5),
        env_or("BENCH_USERS", 100_000).max(CLIENTS),
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let account = cli(
        &data,
        &[
            "bootstrap",
            "--account-name",
            "Bench",
            "--email",
            "root@bench.example",
            "--plan",
            "enterprise",
        ],
        PASSWORD,
    );
    let account_id = account["account_id"].as_str().unwrap().to_string();
    let key = cli(&data, &["account-api-key", "create", "--name", "bench"], "");
    let pool = seed::users(&data, &account_id, users).await;
    let hash = argon2::Argon2::default()
        .hash_password_with_salt(PASSWORD.as_bytes(), b"memory-bench-016")
        .unwrap()
        .to_string();
    sqlx::query("UPDATE users SET password_hash = ? WHERE email_normalized < ?")
        .bind(&hash)
        .bind(format!("user{CLIENTS:06}@bench.example"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let site = dir.path().join("site");
    server::assets::SiteAssets::stand_in(&site);

    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap();
    let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
    let mut child = Command::new(std::env::var("BENCH_SERVER").unwrap_or(SERVER.into()))
        .args(["--addr", &addr.to_string()])
        .env("CONSOLE_DATA_DIR", &data)
        .env("LEPTOS_SITE_ROOT", &site)
        .env("RUST_LOG", "warn")
        // Measure the memory, not the API's rate limits.
        .env("CONSOLE_PROVISIONING_PER_SECOND_LIMIT", "1000000")
        .env("CONSOLE_PROVISIONING_HOURLY_LIMIT", "1000000000")
        .env("CONSOLE_PROVISIONING_CONCURRENT_LIMIT", "64")
        .stderr(log)
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server didn't start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // At rest: started, its start-up hash's memory given back.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (at_rest, _) = memory_mib(pid);

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        tokio::spawn(async move {
            // The largest sample, with its anonymous and file-backed (the binary's code) parts.
            let mut most = (0.0, 0.0, 0.0);
            while !stop.load(Ordering::Relaxed) {
                let now = memory_mib(pid).0;
                if now > most.0 {
                    let (anon, file) = seed::resident_parts_mib(&pid.to_string());
                    most = (now, anon, file);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            most
        })
    };
    let path: Arc<str> = Arc::from(format!(
        "/v1_1/provisioning/accounts/{account_id}/users?page_size=50"
    ));
    let auth: Arc<str> = Arc::from(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            key["key"].as_str().unwrap(),
            key["secret"].as_str().unwrap()
        ))
    ));
    let api_stop = Arc::new(AtomicBool::new(false));
    let api_done = Arc::new(AtomicU64::new(0));
    let api_clients = env_or("BENCH_API_CLIENTS", CLIENTS);
    let api: Vec<_> = (0..api_clients)
        .map(|c| {
            tokio::spawn(api_pages(
                addr,
                c,
                path.clone(),
                auth.clone(),
                api_stop.clone(),
                api_done.clone(),
            ))
        })
        .collect();
    let both = Instant::now();
    let signing: Vec<_> = (0..CLIENTS)
        .map(|c| tokio::spawn(sign_ins(addr, c, sign_in_count / CLIENTS)))
        .collect();
    for s in signing {
        s.await.unwrap();
    }
    let both_secs = both.elapsed().as_secs_f64();
    let during_sign_ins = api_done.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(api_secs as u64)).await;
    api_stop.store(true, Ordering::Relaxed);
    for a in api {
        a.await.unwrap();
    }
    let api_total = api_done.load(Ordering::Relaxed);
    // Idle again: what the burst leaves behind.
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    let (sampled, anon, file) = sampler.await.unwrap();
    let (after, peak) = memory_mib(pid);
    child.kill().unwrap();
    child.wait().unwrap();

    println!(
        "server memory, {users} users: {} sign-ins from {CLIENTS} clients in {both_secs:.1} s ({:.1}/s) with \
         {api_clients} API clients ({during_sign_ins} pages meanwhile), then the API alone for {api_secs} s \
         ({} pages in all)",
        sign_in_count / CLIENTS * CLIENTS,
        (sign_in_count / CLIENTS * CLIENTS) as f64 / both_secs,
        api_total
    );
    println!(
        "  resident: {at_rest:.1} MiB at rest, {peak:.1} MiB at peak ({:.1} MB; sampled {sampled:.1} MiB), \
         {after:.1} MiB once idle again; budget {BUDGET_MIB:.0} MiB",
        peak * 1.048576
    );
    println!("  the largest sample: {anon:.1} MiB anonymous, {file:.1} MiB of mapped files (the binary's code)");
}
