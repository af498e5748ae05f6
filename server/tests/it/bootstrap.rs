//! First run: the setup page (token-locked) and `server bootstrap`.

use crate::support::*;
use http::StatusCode;
use std::io::Write;
use std::process::{Command, Stdio};

fn bootstrap_cli(
    data_dir: &std::path::Path,
    email: &str,
    password: &str,
    extra: &[&str],
) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "bootstrap",
            "--account-name",
            "Acme Media",
            "--email",
            email,
        ])
        .args(extra)
        .env("CONSOLE_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server binary");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn cli_bootstrap_prints_the_account_id_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    // Bad input first: nothing is created.
    let (ok, _, err) = bootstrap_cli(dir.path(), "root@example.com", "password1234", &[]);
    assert!(!ok);
    assert!(err.contains("Choose a less common password"), "{err}");
    let (ok, _, err) = bootstrap_cli(
        dir.path(),
        "root@example.com",
        ADMIN_PASSWORD,
        &["--plan", "gold"],
    );
    assert!(!ok);
    assert!(err.contains("Unknown plan"), "{err}");

    let (ok, out, err) = bootstrap_cli(dir.path(), "root@example.com", ADMIN_PASSWORD, &[]);
    assert!(ok, "{err}");
    let last = out.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    let id = v["account_id"].as_str().unwrap();
    assert_eq!(id.len(), 36);

    let (ok, out, err) = bootstrap_cli(dir.path(), "other@example.com", ADMIN_PASSWORD, &[]);
    assert!(!ok, "{out}");
    assert!(err.contains("already set up"), "{err}");
    assert!(out.is_empty());
}

#[tokio::test]
async fn the_setup_page_needs_the_one_time_token() {
    let app = TestApp::empty().await;
    let token = app
        .service
        .prepare_setup(None)
        .await
        .unwrap()
        .expect("a token while no account exists");
    let form = |t: &'static str| {
        vec![
            ("token", t),
            ("account_name", "Acme Media"),
            ("email", "root@example.com"),
            ("password", ADMIN_PASSWORD),
        ]
    };
    let r = app.call("setup", &form("not-the-token"), None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"field\":\"token\""), "{}", r.body);
    assert!(
        app.service.setup_required().await.unwrap(),
        "nothing was created"
    );

    let t: &'static str = Box::leak(token.into_boxed_str());
    let r = app
        .call(
            "setup",
            &[
                ("token", t),
                ("account_name", ""),
                ("email", "x"),
                ("password", "short"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    for field in ["account_name", "email", "password"] {
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{field}: {}",
            r.body
        );
    }
    assert!(app.service.setup_required().await.unwrap());

    let r = app.call("setup", &form(t), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!app.service.setup_required().await.unwrap());
    assert_eq!(
        app.sign_in("root@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );

    // Once set up, the page (and its token) is spent.
    let r = app.call("setup", &form(t), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}
