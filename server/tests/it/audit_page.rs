//! The audit log page and its export through HTTP (docs/rules/audit.md#the-audit-log-page):
//! filters, keyset pages, CSV and JSON streamed in batches, refusals.

use crate::support::*;
use app::domain::export_progress::{ExportFormat, RecordCounter};
use axum::body::Body;
use http::StatusCode;
use serde_json::Value;

impl TestApp {
    async fn audit_records(&self, token: &str, filters: &[(&str, &str)]) -> Reply {
        self.call("audit_page", filters, Some(token)).await
    }

    async fn export(&self, cookie: Option<&str>, query: &str) -> Reply {
        let mut req = http::Request::get(format!("/api/audit_log/export?{query}"))
            .header(http::header::HOST, "127.0.0.1:3000")
            .extension(axum::extract::ConnectInfo(
                "203.0.113.7:5000".parse::<std::net::SocketAddr>().unwrap(),
            ));
        if let Some(c) = cookie {
            req = req.header(http::header::COOKIE, format!("console_session={c}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// `n` records by the holder of `token` (display preference changes).
    async fn theme_changes(&self, token: &str, n: usize) {
        for i in 0..n {
            let theme = if i % 2 == 0 { "dark" } else { "light" };
            let r = self.call("theme", &[("theme", theme)], Some(token)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }
}

/// Records counted as the page counts them while reading.
fn counted(format: ExportFormat, body: &str) -> u64 {
    let mut counter = RecordCounter::new(format);
    for chunk in body.as_bytes().chunks(7) {
        counter.feed(chunk);
    }
    counter.records()
}

fn records(r: &Reply) -> Vec<Value> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn filters_narrow_the_log_by_actor_action_target_and_time() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let ana = app.user_with_role(&admin, "ana@example.com", "admin").await;
    let t1 = app.now();
    app.clock.advance(1800);
    app.theme_changes(&ana, 3).await;
    let t2 = app.now();

    let by_ana = records(
        &app.audit_records(&admin, &[("actor", "ana@example.com")])
            .await,
    );
    assert!(by_ana.len() >= 4, "{by_ana:?}");
    assert!(by_ana.iter().all(|r| r["actor"] == "ana@example.com"));
    let themes = records(
        &app.audit_records(
            &admin,
            &[
                ("actor", "ana@example.com"),
                ("action", "user.update_preferences"),
            ],
        )
        .await,
    );
    assert_eq!(themes.len(), 3);
    // Before and after of each record.
    assert!(themes[0]["before"].as_str().unwrap().contains("theme"));
    assert!(themes[0]["after"].as_str().unwrap().contains("theme"));
    // An area with a dot: all its actions.
    let auth = records(&app.audit_records(&admin, &[("action", "auth.")]).await);
    assert!(!auth.is_empty());
    assert!(auth
        .iter()
        .all(|r| r["action"].as_str().unwrap().starts_with("auth.")));
    // An area's several actions, merged newest first.
    let area = records(&app.audit_records(&admin, &[("action", "user.")]).await);
    let mut kinds: Vec<&str> = area.iter().map(|r| r["action"].as_str().unwrap()).collect();
    let ids: Vec<i64> = area.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    kinds.sort();
    kinds.dedup();
    assert!(kinds.len() >= 2, "{kinds:?}");
    // A target by its label.
    let about_ana = records(
        &app.audit_records(&admin, &[("target", "ana@example.com")])
            .await,
    );
    assert!(
        about_ana
            .iter()
            .any(|r| r["action"] == "user.invite" || r["action"] == "user.create"),
        "{about_ana:?}"
    );
    // Time: only what happened after t1.
    let (from, to) = ((t1 + 1).to_string(), (t2 + 1).to_string());
    let recent = records(
        &app.audit_records(&admin, &[("from", &from), ("to", &to)])
            .await,
    );
    assert_eq!(recent.len(), 3, "{recent:?}");
    let before = records(&app.audit_records(&admin, &[("to", &from)]).await);
    assert!(before.iter().all(|r| r["at"].as_i64().unwrap() < t1 + 1));

    for (field, value) in [("from", "yesterday"), ("after", "-4")] {
        let r = app.audit_records(&admin, &[(field, value)]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{}",
            r.body
        );
    }
    let r = app
        .audit_records(&admin, &[("from", &to), ("to", &from)])
        .await;
    assert!(r.body.contains("\"field\":\"to\""), "{}", r.body);
    // Only audit_log.view may read it.
    let ml = app
        .user_with_role(&admin, "ml@example.com", "media_library_user")
        .await;
    let r = app.audit_records(&ml, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn pages_go_back_through_all_of_it_by_keyset() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.theme_changes(&admin, 120).await;
    let filter = [("action", "user.update_preferences")];
    let first = app.audit_records(&admin, &filter).await.json();
    let mut seen: Vec<i64> = Vec::new();
    let mut page = first;
    loop {
        let rs = page["records"].as_array().unwrap();
        assert!(rs.len() <= 50);
        seen.extend(rs.iter().map(|r| r["id"].as_i64().unwrap()));
        match page["next"].as_i64() {
            Some(next) => {
                let after = next.to_string();
                let mut f = filter.to_vec();
                f.push(("after", &after));
                page = app.audit_records(&admin, &f).await.json();
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 120);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
}

#[tokio::test]
async fn the_export_streams_every_matching_record_as_csv_or_json() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    // More than one batch (1,000 records a batch).
    app.theme_changes(&admin, 1_030).await;
    let r = app
        .export(Some(&admin), "format=csv&action=user.update_preferences")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
    assert!(r.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("audit-log.csv"));
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(
        lines[0],
        "id,time,actor,action,target,before,after,ip,result,times"
    );
    assert_eq!(lines.len(), 1 + 1_030);
    // The total comes first, for the page's progress bar, and the page's counter agrees.
    assert_eq!(r.headers["x-record-count"], "1030");
    assert_eq!(counted(ExportFormat::Csv, &r.body), 1_030);
    assert!(lines[1].contains("user.update_preferences"));
    // A JSON value with quotes is quoted as CSV.
    assert!(lines[1].contains("\"{\"\"theme\"\":"), "{}", lines[1]);

    let r = app
        .export(Some(&admin), "format=json&action=user.update_preferences")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let all: Vec<Value> = serde_json::from_str(&r.body).expect("a JSON array");
    assert_eq!(all.len(), 1_030);
    assert_eq!(r.headers["x-record-count"], "1030");
    assert_eq!(counted(ExportFormat::Json, &r.body), 1_030);
    let ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));

    // Refusals come as statuses before anything is sent.
    assert_eq!(
        app.export(None, "format=csv").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.export(Some(&admin), "format=xml").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.export(Some(&admin), "format=csv&from=soon")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let ml = app
        .user_with_role(&admin, "ml@example.com", "media_library_user")
        .await;
    assert_eq!(
        app.export(Some(&ml), "format=csv").await.status,
        StatusCode::FORBIDDEN
    );
    let empty = app.export(Some(&admin), "format=json&actor=nobody").await;
    assert_eq!(empty.body, "[]");
    assert_eq!(empty.headers["x-record-count"], "0");
    // An area's total is its actions' records (the user added above among them), as the export then holds them.
    let r = app.export(Some(&admin), "format=json&action=user.").await;
    let all: Vec<Value> = serde_json::from_str(&r.body).expect("a JSON array");
    assert!(all.len() > 1_030);
    assert!(all
        .iter()
        .all(|r| r["action"].as_str().unwrap().starts_with("user.")));
    assert_eq!(r.headers["x-record-count"], all.len().to_string().as_str());
}

#[tokio::test]
async fn retention_removes_old_records_and_records_what_it_removed() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.theme_changes(&admin, 5).await;
    let before = app.audit(&admin).await.len();
    // 400 days later: everything so far is older than a year.
    app.clock.advance(400 * 86_400);
    let removed = app.service.prune_audit_log(365).await.expect("pruned");
    assert_eq!(removed as usize, before, "every record so far");
    let admin = app.admin_token().await;
    let log = app.audit(&admin).await;
    let prune = log
        .iter()
        .find(|r| r["action"] == "audit.prune")
        .expect("the prune is recorded");
    assert!(prune["after"]
        .as_str()
        .unwrap()
        .contains(&format!("\"removed\":{removed}")));
    assert!(!log.iter().any(|r| r["action"] == "user.update_preferences"));
    // Nothing else may delete records: younger ones stay.
    assert_eq!(app.service.prune_audit_log(365).await.expect("pruned"), 0);
}

#[tokio::test]
async fn times_are_shown_in_the_viewers_time_zone() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    // Unset: the browser's zone the page sends; an unknown one falls back to UTC.
    let page = app
        .audit_records(&admin, &[("browser_zone", "America/New_York")])
        .await
        .json();
    assert_eq!(page["time_zone"], "America/New_York");
    let when = page["records"][0]["when"].as_str().unwrap();
    assert!(when.ends_with(" EST") || when.ends_with(" EDT"), "{when}");
    let page = app
        .audit_records(&admin, &[("browser_zone", "Mars/Olympus")])
        .await
        .json();
    assert_eq!(page["time_zone"], "UTC");
    // Chosen in My Profile: it wins over the browser's.
    let r = app
        .call(
            "time_zone",
            &[("time_zone", "Nowhere/Atlantis")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"field\":\"time_zone\""), "{}", r.body);
    let r = app
        .call("time_zone", &[("time_zone", "Asia/Tokyo")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["time_zone"], "Asia/Tokyo");
    let page = app
        .audit_records(&admin, &[("browser_zone", "America/New_York")])
        .await
        .json();
    assert_eq!(page["time_zone"], "Asia/Tokyo");
    assert!(page["records"][0]["when"]
        .as_str()
        .unwrap()
        .ends_with(" JST"));
    // Empty again: the browser's.
    let r = app
        .call("time_zone", &[("time_zone", "")], Some(&admin))
        .await;
    assert_eq!(r.json()["time_zone"], serde_json::Value::Null);
}
