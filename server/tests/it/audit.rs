//! The audit log under refusals (docs/rules/audit.md): repeated denials are one record per
//! actor, action and minute with a count, so a flood of refused calls can't flood the log;
//! and the log refuses deletes as well as updates.

use crate::support::*;
use http::StatusCode;

#[tokio::test]
async fn thirty_denied_calls_in_a_minute_are_one_record_with_their_count() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let reports = app
        .user_with_role(&root, "rep@example.com", "reports")
        .await;
    for _ in 0..30 {
        let r = app.call("users", &[], Some(&reports)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    app.clock.advance(60);
    let r = app.call("users", &[], Some(&reports)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let log = app.call("audit_log", &[], Some(&root)).await.json();
    let denied: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "access.denied" && e["actor"] == "rep@example.com")
        .map(|e| e["times"].as_i64().unwrap())
        .collect();
    // Newest first: the next minute's one, then the thirty.
    assert_eq!(denied, [1, 30]);
}

#[tokio::test]
async fn the_audit_log_refuses_deletes_as_it_refuses_updates() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "enterprise").await;
    app.admin_token().await;
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("console.db").display()
    ))
    .await
    .unwrap();
    for statement in ["DELETE FROM audit_log", "UPDATE audit_log SET action = 'x'"] {
        let e = sqlx::query(statement).execute(&pool).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{statement}: {e}");
    }
}
