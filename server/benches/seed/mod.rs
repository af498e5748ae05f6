//! Seeding for the benchmarks (many users written straight into the database file), and
//! reading a process's resident memory.

use std::path::Path;
use std::time::Duration;

/// The value at fraction `p` of sorted durations (nearest rank).
#[allow(dead_code)] // not every benchmark reports latencies
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Prints the p50 and p99 of `d` under `what`.
#[allow(dead_code)] // not every benchmark reports latencies
pub fn report(what: &str, mut d: Vec<Duration>) {
    d.sort();
    println!(
        "{what}: p50 {:.3?}  p99 {:.3?}  ({} runs)",
        percentile(&d, 0.5),
        percentile(&d, 0.99),
        d.len()
    );
}

/// Inserts `n` active users (half admins, half Media Library users, all environments)
/// created one second apart, with their role assignments; then ANALYZE. The pool it
/// returns is configured as the store's, so a bare-SQL ceiling run on it has no handicap
/// the store lacks.
#[allow(dead_code)] // not every benchmark seeds users
pub async fn users(data_dir: &Path, account_id: &str, n: usize) -> sqlx::SqlitePool {
    let pool = app::store::Database::bare_pool(data_dir).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..n {
        let id = format!("{:032x}", i + 1);
        let role = if i % 2 == 0 {
            "admin"
        } else {
            "media_library_user"
        };
        sqlx::query(
            "INSERT INTO users (id, account_id, email, email_normalized, status, enabled, root, providers, theme, \
             created_at, updated_at) VALUES (?, ?, ?, ?, 'active', TRUE, FALSE, 'password', 'system', ?, ?)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(format!("user{i:06}@bench.example"))
        .bind(format!("user{i:06}@bench.example"))
        .bind(1_700_000_000 + i as i64)
        .bind(1_700_000_000 + i as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
        for (suffix, scope) in [("account", "account"), ("environment", "environment:all")] {
            sqlx::query(
                "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, scope, created_at) \
                 VALUES (?, ?, 'user', ?, ?, ?, 0)",
            )
            .bind(format!("{id}{suffix}"))
            .bind(account_id)
            .bind(&id)
            .bind(format!("{role}@{suffix}"))
            .bind(scope)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    pool
}

/// The resident memory of process `pid` now in two parts: anonymous (heap, stacks, mapped
/// working memory) and file-backed (the binary's code), in MiB (`RssAnon`, `RssFile`).
#[allow(dead_code)] // not every benchmark reads memory
pub fn resident_parts_mib(pid: &str) -> (f64, f64) {
    let [anon, file] = status_mib(pid, ["RssAnon:", "RssFile:"]);
    (anon, file)
}

/// These fields of `/proc/<pid>/status` (kB there), in MiB; NaN for one not found.
#[allow(dead_code)] // not every benchmark reads memory
fn status_mib<const N: usize>(pid: &str, names: [&str; N]) -> [f64; N] {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    names.map(|name| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    })
}

/// The resident memory of process `pid` (a number, or `self`) now and at its peak
/// (`VmRSS`, `VmHWM`), in MiB, as `/proc` counts (Linux).
#[allow(dead_code)] // not every benchmark reads memory
pub fn resident_mib(pid: &str) -> (f64, f64) {
    let [now, peak] = status_mib(pid, ["VmRSS:", "VmHWM:"]);
    (now, peak)
}

/// With `RUST_LOG` set (e.g. `RUST_LOG=sqlx=debug`: each statement with its time), the
/// benchmark's log lines go to stderr.
#[allow(dead_code)] // not every benchmark logs
pub fn log_if_asked() {
    if std::env::var("RUST_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    }
}
