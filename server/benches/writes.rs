//! What `synchronous=FULL` costs a write: the same committed change — renaming a user
//! group through the service, one write transaction with its audit record — on a database
//! file opened as the store opens it (FULL: each commit is on disk before it returns) and
//! with WAL's NORMAL (commits reach the disk at checkpoints). One writer, then 8 at once;
//! the modes take turns for `BENCH_ROUNDS` rounds (default 6) of `BENCH_SECONDS` (2).
//!
//! Run with `make bench` (or `cargo bench -p server --features bench --bench writes`).

use app::service::{BootstrapInput, OsEntropy, Principal, RequestMeta, Service, SystemClock};
use app::store::Database;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Target {
    name: &'static str,
    service: Service,
    principal: Principal,
    group: String,
    _dir: tempfile::TempDir,
}

fn meta() -> RequestMeta {
    RequestMeta {
        ip: "127.0.0.1".parse().unwrap(),
        user_agent: None,
        request_id: "bench".into(),
    }
}

async fn target(name: &'static str, full: bool) -> Target {
    let dir = tempfile::tempdir().unwrap();
    let db = if full {
        Database::open(dir.path()).await.unwrap()
    } else {
        Database::open_synchronous_normal(dir.path()).await.unwrap()
    };
    let service = Service::new(
        db,
        Default::default(),
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
    )
    .await
    .unwrap();
    let account = service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: "bench@example.com".into(),
            password: "a long and uncommon passphrase".into(),
            plan: Some("enterprise".into()),
        })
        .await
        .unwrap()
        .account_id;
    let key = service
        .create_account_api_key_as_operator(Some(&account), "bench")
        .await
        .unwrap();
    let principal = service
        .authenticate_account_api_key(&account, &key.key.api_key, &key.secret, &meta())
        .await
        .unwrap();
    let group = service
        .api_create_group(&principal, "Bench group", false, &meta())
        .await
        .unwrap()
        .id;
    Target {
        name,
        service,
        principal,
        group,
        _dir: dir,
    }
}

/// Renames for `seconds` from `writers` tasks at once: (commits per second, latencies).
async fn round(t: &Target, writers: usize, seconds: f64) -> (f64, Vec<Duration>) {
    let n = Arc::new(AtomicUsize::new(0));
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (service, principal, group, n) = (
                t.service.clone(),
                t.principal.clone(),
                t.group.clone(),
                n.clone(),
            );
            tokio::spawn(async move {
                let mut times = Vec::new();
                while Instant::now() < end {
                    let i = n.fetch_add(1, Ordering::Relaxed);
                    let name = format!("Bench group {w}-{i}");
                    let at = Instant::now();
                    service
                        .api_rename_group(&principal, &group, Some(&name), false, &meta())
                        .await
                        .unwrap();
                    times.push(at.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    (times.len() as f64 / started.elapsed().as_secs_f64(), times)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let seconds: f64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2.0);
    let targets = [target("FULL", true).await, target("NORMAL", false).await];
    for writers in [1, 8] {
        let mut rates = [Vec::new(), Vec::new()];
        let mut times = [Vec::new(), Vec::new()];
        for _ in 0..rounds {
            for (i, t) in targets.iter().enumerate() {
                let (rate, mut ts) = round(t, writers, seconds).await;
                rates[i].push(rate);
                times[i].append(&mut ts);
            }
        }
        let mut medians = Vec::new();
        for (i, t) in targets.iter().enumerate() {
            rates[i].sort_by(f64::total_cmp);
            times[i].sort();
            let median = rates[i][rates[i].len() / 2];
            medians.push(median);
            println!(
                "{} writers={writers}: {median:.0} commits/s (median of {rounds} rounds)  p50 {:.3?}  p99 {:.3?}",
                t.name,
                pct(&times[i], 0.5),
                pct(&times[i], 0.99),
            );
        }
        println!(
            "  FULL does {:.0} % of NORMAL's commits with {writers} writer(s)",
            100.0 * medians[0] / medians[1]
        );
    }
}
