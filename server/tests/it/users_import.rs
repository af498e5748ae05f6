//! User Management's CSV import (docs/rules/users.md#import): a preview that changes nothing,
//! then each row created, updated, skipped or refused with its reason, streamed as it goes;
//! the seat limit; a wrong file refused whole; `server users import`.

use crate::support::*;
use axum::body::Body;
use http::{header, Request, StatusCode};
use serde_json::Value;
use std::process::Command;

impl TestApp {
    /// A CSV file posted as the page posts it.
    pub async fn post_csv(&self, path: &str, csv: &str, cookie: &str) -> Reply {
        let addr: std::net::SocketAddr = "203.0.113.7:50000".parse().unwrap();
        let req = Request::post(path)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "text/csv")
            .header(header::COOKIE, format!("console_session={cookie}"))
            .header("sec-fetch-site", "same-origin")
            .extension(axum::extract::ConnectInfo(addr))
            .body(Body::from(csv.to_string()))
            .unwrap();
        self.send(req).await
    }
}

fn lines(r: &Reply) -> Vec<Value> {
    r.body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn outcomes(results: &[Value]) -> Vec<(u64, String, String)> {
    results
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap().to_string(),
                r["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn user(app: &TestApp, admin: &str, email: &str) -> Value {
    app.call("users", &[("search", email)], Some(admin))
        .await
        .json()["users"][0]
        .clone()
}

#[tokio::test]
async fn a_preview_changes_nothing_then_each_row_is_created_updated_skipped_or_refused() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.user_with_role(&admin, "bo@example.com", "reports")
        .await;
    app.user_with_role(&admin, "cy@example.com", "reports")
        .await;
    let group = app
        .call("create_group", &[("name", "Designers")], Some(&admin))
        .await;
    assert_eq!(group.status, StatusCode::OK);
    let production = app.environments(&admin).await["environments"][0]["cloud_name"]
        .as_str()
        .unwrap()
        .to_string();
    let csv = format!(
        "Email,Name,Role,Environments,Groups\r\n\
         ann@example.com,Ann Lee,Media Library user,{production},designers\r\n\
         bo@example.com,,admin,,Designers\r\n\
         cy@example.com,,reports,,\r\n\
         not-an-email,X,,,\r\n\
         dee@example.com,Dee,boss,,\r\n\
         ANN@example.com,Ann again,,,\r\n\
         eve@example.com,,,nowhere,\r\n\
         fay@example.com,,,,Nobody\r\n\
         \"gus@example.com\",\"Gus, Jr\",,all,\r\n"
    );
    let seats_before = app.call("users", &[], Some(&admin)).await.json()["seats_used"].clone();
    let r = app
        .post_csv("/api/users/import/preview", &csv, &admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let preview = r.json();
    let planned = outcomes(preview["results"].as_array().unwrap());
    let expected = [
        (2, "created", "Invited"),
        (3, "updated", "role: Reports → Admin; joins Designers"),
        (4, "skipped", "Already as the file says"),
        (5, "error", ""),
        (6, "error", "Unknown role \"boss\""),
        (7, "error", "The same email as row 2"),
        (8, "error", "Unknown product environment \"nowhere\""),
        (9, "error", "Unknown user group \"Nobody\""),
        (10, "created", "Invited"),
    ];
    for ((line, outcome, detail), (el, eo, ed)) in planned.iter().zip(expected) {
        assert_eq!((*line, outcome.as_str()), (el, eo), "{planned:?}");
        if !ed.is_empty() {
            assert_eq!(detail, ed);
        }
    }
    assert!(!planned[3].2.is_empty(), "a bad email says why");
    assert_eq!(preview["counts"]["error"], 5);
    // Nothing changed.
    let after = app.call("users", &[], Some(&admin)).await.json();
    assert_eq!(after["seats_used"], seats_before);
    assert_eq!(user(&app, &admin, "bo@").await["role"], "reports");

    // The import: one line per row, as it goes, with the count up front.
    let r = app.post_csv("/api/users/import", &csv, &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["x-record-count"], "9");
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/x-ndjson");
    let done = outcomes(&lines(&r));
    assert_eq!(
        done.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
        ["created", "updated", "skipped", "error", "error", "error", "error", "error", "created"]
    );
    let ann = user(&app, &admin, "ann@").await;
    assert_eq!(
        (
            ann["name"].as_str(),
            ann["role"].as_str(),
            ann["status"].as_str()
        ),
        (Some("Ann Lee"), Some("media_library_user"), Some("pending"))
    );
    assert_eq!(ann["groups"], serde_json::json!(["Designers"]));
    assert_eq!(app.newest_email("ann@example.com").await.kind, "invitation");
    let bo = user(&app, &admin, "bo@").await;
    assert_eq!(
        (bo["role"].as_str(), bo["groups"].clone()),
        (Some("admin"), serde_json::json!(["Designers"]))
    );
    assert_eq!(user(&app, &admin, "gus@").await["name"], "Gus, Jr");
    // A refused row changed nothing: no Fay, no Eve, no Dee.
    for nobody in ["fay@", "eve@", "dee@"] {
        let found = app
            .call("users", &[("search", nobody)], Some(&admin))
            .await
            .json();
        assert_eq!(found["users"], serde_json::json!([]), "{nobody}");
    }
    // Importing the same file again: what was done is now as the file says.
    let again = outcomes(&lines(
        &app.post_csv("/api/users/import", &csv, &admin).await,
    ));
    assert_eq!(again[0].1, "skipped", "{again:?}");
    assert_eq!(again[1].1, "skipped");
}

#[tokio::test]
async fn the_seat_limit_holds_and_a_wrong_file_is_refused_whole() {
    let app = TestApp::with_plan("free").await;
    let admin = app.admin_token().await;
    // Free: three seats, taken by the root user and a Reports user: one left.
    let reports = app
        .user_with_role(&admin, "rita@example.com", "reports")
        .await;
    let csv = "email\na@example.com\nb@example.com\nc@example.com\n";
    let preview = app
        .post_csv("/api/users/import/preview", csv, &admin)
        .await
        .json();
    let planned = outcomes(preview["results"].as_array().unwrap());
    assert_eq!(
        planned.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(),
        ["created", "error", "error"]
    );
    assert!(
        planned[1].2.contains("maximum number of users"),
        "{planned:?}"
    );
    let done = outcomes(&lines(
        &app.post_csv("/api/users/import", csv, &admin).await,
    ));
    assert_eq!(
        done.iter().map(|p| p.1.as_str()).collect::<Vec<_>>(),
        ["created", "error", "error"]
    );
    assert_eq!((&done[1].2, &done[2].2), (&planned[1].2, &planned[2].2));
    assert_eq!(
        app.call("users", &[("search", "c@")], Some(&admin))
            .await
            .json()["users"],
        serde_json::json!([])
    );

    for (csv, says) in [
        ("name,role\nAnn,admin\n", "email"),
        ("email,mail\na@x.com,b\n", "\"mail\""),
        ("email\n", "no rows"),
        ("", "empty"),
    ] {
        let r = app.post_csv("/api/users/import", csv, &admin).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{csv}: {}", r.body);
        let message = r.json()["Invalid"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains(says), "{csv}: {message}");
    }
    // 50 MB: refused before it is read, nothing imported.
    let big = format!("email\n{}", "x@example.com,".repeat(50 * 1024 * 1024 / 14));
    let r = app
        .post_csv("/api/users/import/preview", &big, &admin)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("larger than 10 MB"), "{}", r.body);
    // Who may: users.invite — a Reports user may not; signed out, nobody.
    let r = app
        .post_csv("/api/users/import/preview", csv, &reports)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post_csv("/api/users/import", csv, "no-such-session")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
}

#[test]
fn server_users_import_shows_progress_and_reports_each_row() {
    let dir = tempfile::tempdir().unwrap();
    bootstrap_with_cli(dir.path(), "enterprise");
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "email,name,role\nann@example.com,Ann,reports\nbad,,\nbo@example.com,Bo,\n",
    )
    .unwrap();
    let report = dir.path().join("report.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["users", "import"])
        .arg(&file)
        .arg("--report")
        .arg(&report)
        .env("CONSOLE_DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        counts,
        serde_json::json!({ "created": 2, "updated": 0, "skipped": 0, "error": 1 })
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 3: bad"));
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(
        written.starts_with(
            "line,email,result,detail\r\n2,ann@example.com,created,Invited\r\n3,bad,error,"
        ),
        "{written}"
    );
    // A wrong file: nothing imported, the reason said.
    std::fs::write(&file, "mail\nx@example.com\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["users", "import"])
        .arg(&file)
        .env("CONSOLE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"mail\""));
}

#[test]
fn server_seats_set_gives_an_enterprise_account_its_own_seats() {
    let seats = |dir: &std::path::Path, count: &str| {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["seats", "set", "--count", count])
            .env("CONSOLE_DATA_DIR", dir)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    bootstrap_with_cli(dir.path(), "enterprise");
    let out = seats(dir.path(), "300");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["seat_limit"], 300);
    // Below the seats in use (the root user), or none: refused.
    let out = seats(dir.path(), "0");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("from 1 to"));
    // Other plans have their plan's seats.
    let plus = tempfile::tempdir().unwrap();
    bootstrap_with_cli(plus.path(), "plus");
    let out = seats(plus.path(), "300");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Only an Enterprise account"));
}

#[tokio::test]
async fn an_enterprise_account_with_its_own_seats_takes_more_users() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "enterprise").await;
    app.service
        .set_enterprise_seats_as_operator(None, 150)
        .await
        .unwrap();
    let admin = app.admin_token().await;
    let page = app.call("users", &[], Some(&admin)).await.json();
    assert_eq!(page["seat_limit"], 150);
    let account = app.call("account", &[], Some(&admin)).await.json();
    assert_eq!(account["details"]["seat_limit"], 150, "{account}");
    // The plans say the account's own Enterprise seats.
    let enterprise = account["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plan_id"] == "enterprise")
        .unwrap()
        .clone();
    assert_eq!(enterprise["seats"], 150, "{enterprise}");
    let log = app
        .call(
            "audit_page",
            &[("action", "account.seats_update")],
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(log["records"][0]["actor"], "operator", "{log}");
}
