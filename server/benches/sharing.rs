//! Folder levels at scale (issue: effective level ≤ 100 µs per check): 10,000 folders
//! ten levels deep, 1,000 user groups each holding a share, and a Media Library user in
//! 50 of them with a few shares of their own. Measures the effective level of one folder
//! (one query) and the browse listing of one folder, through the service.
//!
//! Run with `make bench` (or `cargo bench -p server --bench sharing`).

use app::service::{BootstrapInput, OsEntropy, RequestMeta, Service, SystemClock};
use app::store::Database;
use clap::Parser;
use std::sync::Arc;
use std::time::{Duration, Instant};

const FOLDERS: usize = 10_000;
const GROUPS: usize = 1_000;
const MEMBER_OF: usize = 50;
const ROUNDS: usize = 5_000;

fn report(what: &str, mut d: Vec<Duration>) {
    d.sort();
    let at = |p: f64| d[((d.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{what}: p50 {:.1?}  p99 {:.1?}  ({} runs)",
        at(0.5),
        at(0.99),
        d.len()
    );
}

/// Folder `i`'s parent: a ternary tree, so 10,000 folders are ten levels deep.
fn parent(i: usize) -> Option<usize> {
    (i > 0).then(|| (i - 1) / 3)
}

fn depth(mut i: usize) -> usize {
    let mut d = 1;
    while let Some(p) = parent(i) {
        d += 1;
        i = p;
    }
    d
}

#[tokio::main]
async fn main() {
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
    let password = "a long and uncommon passphrase";
    let out = service
        .bootstrap(&BootstrapInput {
            account_name: "Bench".into(),
            email: "root@bench.example".into(),
            password: password.into(),
            plan: None,
        })
        .await
        .unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("console.db").display()
    ))
    .await
    .unwrap();
    let (env,): (String,) = sqlx::query_as("SELECT id FROM environments WHERE account_id = ?")
        .bind(&out.account_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    // The Media Library user signs in with the root user's password hash.
    let user = "f".repeat(32);
    sqlx::query(
        "INSERT INTO users (id, account_id, email, email_normalized, status, enabled, root, password_hash, \
         providers, theme, created_at, updated_at) SELECT ?, account_id, 'ml@bench.example', 'ml@bench.example', \
         'active', TRUE, FALSE, password_hash, 'password', 'system', 0, 0 FROM users WHERE account_id = ?",
    )
    .bind(&user)
    .bind(&out.account_id)
    .execute(&mut *tx)
    .await
    .unwrap();
    for (suffix, scope) in [("account", "account"), ("environment", "environment:all")] {
        sqlx::query(
            "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, scope, created_at) \
             VALUES (?, ?, 'user', ?, ?, ?, 0)",
        )
        .bind(format!("ml-{suffix}"))
        .bind(&out.account_id)
        .bind(&user)
        .bind(format!("media_library_user@{suffix}"))
        .bind(scope)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    let fid = |i: usize| format!("{i:032x}");
    let mut paths: Vec<String> = Vec::with_capacity(FOLDERS);
    for i in 0..FOLDERS {
        let path = format!(
            "{}{}/",
            parent(i).map_or("/", |p| paths[p].as_str()),
            fid(i)
        );
        sqlx::query(
            "INSERT INTO folders (id, environment_id, parent_id, path, name, name_normalized, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
        )
        .bind(fid(i))
        .bind(&env)
        .bind(parent(i).map(fid))
        .bind(&path)
        .bind(format!("f{i}"))
        .bind(format!("f{i}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        paths.push(path);
    }
    let levels = ["view", "contribute", "edit", "manage"];
    let share = |n: usize, ptype: &'static str, pid: String, folder: usize| {
        let q = sqlx::query(
            "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, scope, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, 0)",
        )
        .bind(format!("share-{n}"))
        .bind(out.account_id.clone())
        .bind(ptype)
        .bind(pid)
        .bind(format!("{}@folder", levels[n % 4]))
        .bind(format!("folder:{env}/{}", fid(folder)));
        q
    };
    for g in 0..GROUPS {
        let gid = format!("{:032x}", 1_000_000 + g);
        sqlx::query(
            "INSERT INTO user_groups (id, account_id, name, name_normalized, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)",
        )
        .bind(&gid)
        .bind(&out.account_id)
        .bind(format!("Group {g}"))
        .bind(format!("group {g}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        if g < MEMBER_OF {
            sqlx::query("INSERT INTO user_group_members (group_id, user_id, added_at, seq) VALUES (?, ?, 0, ?)")
                .bind(&gid)
                .bind(&user)
                .bind(g as i64)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        share(g, "group", gid, (g * 7919) % FOLDERS)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    for k in 0..10 {
        share(GROUPS + k, "user", user.clone(), (k * 997 + 13) % FOLDERS)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    // A copy to study query plans with the sqlite3 shell.
    if let Ok(copy) = std::env::var("SHARING_BENCH_DB_COPY") {
        let _ = std::fs::remove_file(&copy);
        sqlx::query("VACUUM INTO ?")
            .bind(&copy)
            .execute(&pool)
            .await
            .unwrap();
    }
    let deepest = FOLDERS - 1;
    println!(
        "{FOLDERS} folders (deepest at depth {}), {GROUPS} groups with a share each, the user in {MEMBER_OF} and with 10 shares of their own",
        depth(deepest)
    );

    let meta = RequestMeta {
        ip: "127.0.0.1".parse().unwrap(),
        user_agent: None,
        request_id: "bench".into(),
    };
    let signed = service
        .sign_in("ml@bench.example", password, None, &meta)
        .await
        .unwrap()
        .signed_in()
        .expect("no second factor");
    let principal = service.authenticate(&signed.token, &meta).await.unwrap();
    // A folder the user reaches by inheritance: below the first group share.
    let shared = (0..FOLDERS)
        .find(|&i| parent(i).is_some_and(|p| p == (7919 * 3) % FOLDERS))
        .unwrap_or(deepest);
    for (what, folder) in [
        ("deepest folder", deepest),
        ("a folder below a group share", shared),
    ] {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut level = None;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            level = service
                .folder_level(&principal, &env, &fid(folder), &meta)
                .await
                .unwrap();
            times.push(t.elapsed());
        }
        report(&format!("effective level, {what} (level {level:?})"), times);
    }
    let mut times = Vec::with_capacity(ROUNDS);
    let mut listed = 0;
    let parent_of_shared = parent(shared).unwrap_or(0);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let v = service
            .browse(&principal, &env, Some(&fid(parent_of_shared)), &meta)
            .await
            .unwrap();
        times.push(t.elapsed());
        listed = v.folders.len();
    }
    report(
        &format!("browse listing of one shared folder ({listed} subfolders shown)"),
        times,
    );
    let mut times = Vec::with_capacity(ROUNDS / 10);
    for _ in 0..ROUNDS / 10 {
        let t = Instant::now();
        let v = service.browse(&principal, &env, None, &meta).await.unwrap();
        times.push(t.elapsed());
        listed = v.folders.len();
    }
    report(
        &format!("browse listing of the root ({listed} folders shown)"),
        times,
    );
}
