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

/// An operator's own setup token must be at least 128 bits; it is never handed back to be
/// printed; and wrong tokens from one address are refused after ten.
#[tokio::test]
async fn the_setup_token_is_long_unprinted_and_guessing_it_is_throttled() {
    let app = TestApp::empty().await;
    let short = app.service.prepare_setup(Some("e2e-12345".into())).await;
    assert!(short.is_err(), "a short preset token is refused");
    let preset = "0123456789abcdef0123456789abcdef".to_string();
    let printed = app
        .service
        .prepare_setup(Some(preset.clone()))
        .await
        .unwrap();
    assert_eq!(printed, None, "the operator's own token is not printed");
    let form = |t: &str| {
        vec![
            ("token".to_string(), t.to_string()),
            ("account_name".into(), "Acme Media".into()),
            ("email".into(), "root@example.com".into()),
            ("password".into(), ADMIN_PASSWORD.into()),
        ]
    };
    let call = |t: String| {
        let app = &app;
        let f = form(&t);
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call_from("setup", &refs, None, "198.51.100.20").await
        }
    };
    for i in 0..10 {
        let r = call(format!("guess-{i}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "guess {i}: {}", r.body);
    }
    // The eleventh is refused before it is looked at — the right token too.
    let r = call(preset.clone()).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(app.service.setup_required().await.unwrap());
    app.clock.advance(15 * 60);
    let r = call(preset).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
