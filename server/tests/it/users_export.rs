//! User Management's exports through HTTP (docs/rules/users.md#export): the filtered users
//! across batches, and the groups with their members, as CSV and JSON; refusals first.

use crate::support::*;
use app::domain::export_progress::{ExportFormat, RecordCounter};
use axum::body::Body;
use http::StatusCode;
use serde_json::Value;

impl TestApp {
    async fn download(&self, cookie: Option<&str>, path: &str) -> Reply {
        let mut req = http::Request::get(path)
            .header(http::header::HOST, "127.0.0.1:3000")
            .extension(axum::extract::ConnectInfo(
                "203.0.113.7:5000".parse::<std::net::SocketAddr>().unwrap(),
            ));
        if let Some(c) = cookie {
            req = req.header(http::header::COOKIE, format!("console_session={c}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }
}

/// `n` reports users written straight into the database (more than a batch, beyond any
/// plan's seats), each with the account role and all environments.
async fn many_users(dir: &std::path::Path, account_id: &str, n: usize) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("console.db").display()))
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..n {
        let id = format!("{i:032x}");
        let email = format!("bulk{i:05}@example.com");
        sqlx::query(
            "INSERT INTO users (id, account_id, email, email_normalized, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, 'active', ?, ?)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(&email)
        .bind(&email)
        .bind(T0 + i as i64)
        .bind(T0 + i as i64)
        .execute(&mut *tx)
        .await
        .unwrap();
        for (role, scope) in [
            ("reports@account", "account"),
            ("reports@environment", "environment:all"),
        ] {
            sqlx::query(
                "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, scope, created_at) \
                 VALUES (?, ?, 'user', ?, ?, ?, 0)",
            )
            .bind(format!("{id}{role}"))
            .bind(account_id)
            .bind(&id)
            .bind(role)
            .bind(scope)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    pool.close().await;
}

fn counted(format: ExportFormat, body: &str) -> u64 {
    let mut c = RecordCounter::new(format);
    c.feed(body.as_bytes());
    c.records()
}

#[tokio::test]
async fn the_users_export_holds_every_user_the_filters_match_across_batches() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "enterprise").await;
    let admin = app.admin_token().await;
    // A Media Library user may not export (before the bulk users take every seat).
    let ml = app
        .user_with_role(&admin, "ml@example.org", "media_library_user")
        .await;
    many_users(dir.path(), &app.account_id, 1_205).await;

    let r = app
        .download(Some(&admin), "/api/users/export?format=csv")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("users.csv"));
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(
        lines[0],
        "id,email,name,role,status,environments,groups,two_factor,created_at,last_login_at"
    );
    assert_eq!(
        lines.len(),
        1 + 1_207,
        "the root user, the Media Library user and every bulk user"
    );
    assert_eq!(counted(ExportFormat::Csv, &r.body), 1_207);
    assert!(lines
        .iter()
        .any(|l| l.contains(ADMIN_EMAIL) && l.contains(",master_admin,active,all,")));
    let emails: std::collections::HashSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(emails.len(), 1_207, "no user twice across batches");

    // The page's filters apply: a prefix, a role.
    let r = app
        .download(
            Some(&admin),
            "/api/users/export?format=json&search=bulk011&role=reports",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let users: Vec<Value> = serde_json::from_str(&r.body).expect("a JSON array");
    assert_eq!(users.len(), 100, "bulk01100 … bulk01199");
    assert!(users
        .iter()
        .all(|u| u["role"] == "reports" && u["environments"] == serde_json::json!(["all"])));
    assert_eq!(counted(ExportFormat::Json, &r.body), 100);

    // Refusals before anything is sent.
    assert_eq!(
        app.download(None, "/api/users/export").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.download(Some(&admin), "/api/users/export?format=xls")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.download(Some(&admin), "/api/users/export?role=emperor")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.download(Some(&ml), "/api/users/export").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_groups_export_lists_each_group_with_its_members() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.add_users(&admin, &["ann@example.com", "bo@example.com"], "reports")
        .await;
    let users = app
        .call("users", &[("search", "ann@")], Some(&admin))
        .await
        .json();
    let ann = users["users"][0]["id"].as_str().unwrap().to_string();
    for name in ["Editors", "Empty"] {
        let r = app
            .call("create_group", &[("name", name)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let groups = app.call("groups", &[], Some(&admin)).await.json();
    let editors = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Editors")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            "add_group_members",
            &[("id", &editors), ("user_ids[0]", &ann)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = app
        .download(Some(&admin), "/api/groups/export?format=csv")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(
        lines[0],
        "group_id,group,member_email,member_name,member_status"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",Editors,ann@example.com,")),
        "{}",
        r.body
    );
    assert!(lines.iter().any(|l| l.ends_with(",Empty,,,")), "{}", r.body);
    assert_eq!(r.headers["x-record-count"], "2");
    assert_eq!(counted(ExportFormat::Csv, &r.body), 2);

    let r = app
        .download(Some(&admin), "/api/groups/export?format=json")
        .await;
    let all: Vec<Value> = serde_json::from_str(&r.body).unwrap();
    let editors = all.iter().find(|g| g["name"] == "Editors").unwrap();
    assert_eq!(editors["members"][0]["email"], "ann@example.com");
    assert_eq!(r.headers["x-record-count"], "2");
}
