//! SAML settings beyond pasted metadata (docs/rules/saml.md#settings): metadata by URL
//! through the operator's outbound rule and its daily refresh, *Test SSO* before saving,
//! and `server saml set|off`.

use crate::saml_idp::*;
use crate::support::*;
use app::domain::network::OutboundRule;
use app::service::ServiceConfig;
use http::StatusCode;
use serde_json::json;
use std::process::Command;

async fn save_by_url(app: &TestApp, token: &str, url: &str) -> Reply {
    app.call(
        "saml_settings_save",
        &[
            ("enabled", "true"),
            ("metadata_url", url),
            ("domains", "example.com"),
        ],
        Some(token),
    )
    .await
}

#[tokio::test]
async fn metadata_by_url_is_fetched_only_where_the_operator_allows_and_refreshed_daily() {
    let idp = Idp::start().await;
    let url = format!("http://127.0.0.1:{}/metadata", idp.port);
    // By default the server never fetches from a loopback or private address.
    let app = TestApp::with_account().await;
    let admin = app.reauthenticated_admin().await;
    let r = save_by_url(&app, &admin, &url).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("private or local network"), "{}", r.body);

    // The operator allows loopback: fetched, checked, saved.
    let config = ServiceConfig {
        outbound: OutboundRule {
            allowed: vec!["127.0.0.0/8".parse().unwrap()],
        },
        ..ServiceConfig::default()
    };
    let app = TestApp::with_config("enterprise", config).await;
    app.clock.set(real_now());
    let admin = app.reauthenticated_admin().await;
    let r = save_by_url(&app, &admin, &url).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let saved = r.json();
    assert_eq!(saved["metadata_url"], url);
    assert_eq!(saved["idp_entity_id"], idp.entity_id());
    assert_eq!(
        saved["metadata_fetched_at"],
        real_now_near(&saved["metadata_fetched_at"])
    );

    // An address that answers garbage: refused, nothing changed.
    let garbage = format!("http://127.0.0.1:{}/sso?SAMLRequest=x", idp.port);
    let r = save_by_url(&app, &admin, &garbage).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("isn't SAML metadata"), "{}", r.body);
    let shown = app.call("saml_settings", &[], Some(&admin)).await.json();
    assert_eq!(shown["metadata_url"], url);

    // Not due yet: nothing fetched. A day later, with the provider gone: the error is kept
    // beside the last good metadata, and recorded.
    assert_eq!(app.service.refresh_saml_metadata().await.unwrap(), 0);
    drop(idp);
    app.clock.advance(86_401);
    assert_eq!(app.service.refresh_saml_metadata().await.unwrap(), 1);
    // (A day later the session has ended: sign in again.)
    let admin = app.admin_token().await;
    let shown = app.call("saml_settings", &[], Some(&admin)).await.json();
    assert!(
        shown["metadata_error"]
            .as_str()
            .unwrap()
            .contains("couldn't be fetched"),
        "{shown}"
    );
    assert!(shown["metadata_xml"]
        .as_str()
        .unwrap()
        .contains("IDPSSODescriptor"));
    let record = app
        .newest_record(&admin, "security.saml_metadata_refresh")
        .await;
    assert_eq!(record["result"], "failure");
    assert_eq!(record["actor"], "system");
}

fn real_now_near(v: &serde_json::Value) -> serde_json::Value {
    let t = v.as_i64().unwrap_or(0);
    assert!((t - real_now()).abs() < 60, "{t}");
    v.clone()
}

#[tokio::test]
async fn test_sso_signs_in_at_the_provider_without_saving_anything() {
    let idp = Idp::start().await;
    let app = TestApp::with_account().await;
    app.clock.set(real_now());
    let admin = app.reauthenticated_admin().await;
    let metadata = idp.metadata(true).await;
    let r = app
        .call(
            "saml_test",
            &[
                ("enabled", "true"),
                ("metadata_xml", &metadata),
                ("domains", "example.com"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url: String = serde_json::from_str(&r.body).unwrap();
    let query = url
        .split_once("SAMLRequest=")
        .unwrap()
        .1
        .split('&')
        .next()
        .unwrap();
    let fake = Reply {
        status: StatusCode::SEE_OTHER,
        headers: location_header(&format!("/?SAMLRequest={query}")),
        body: String::new(),
    };
    let response = idp
        .response(
            &app,
            Some(&saml_request(&fake)),
            ADMIN_EMAIL,
            json!({ "email": ADMIN_EMAIL }),
            "ok",
        )
        .await;
    let r = app.acs(&response).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Single sign-on works") && r.body.contains(ADMIN_EMAIL),
        "{}",
        r.body
    );
    assert!(r.session_cookie().is_none());
    let shown = app.call("saml_settings", &[], Some(&admin)).await.json();
    assert_eq!(shown["enabled"], false);
    assert_eq!(shown["idp_entity_id"], serde_json::Value::Null);
}

fn location_header(v: &str) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    h.insert(http::header::LOCATION, v.parse().unwrap());
    h
}

fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("CONSOLE_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("server binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[tokio::test]
async fn server_saml_set_and_off_apply_the_pages_checks() {
    let idp = Idp::start().await;
    let dir = tempfile::tempdir().unwrap();
    bootstrap_with_cli(dir.path(), "enterprise");

    let without_cert = dir.path().join("no-cert.xml");
    std::fs::write(&without_cert, idp.metadata(false).await).unwrap();
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "saml",
            "set",
            "--metadata",
            without_cert.to_str().unwrap(),
            "--domain",
            "example.com",
        ],
    );
    assert!(!ok);
    assert!(err.contains("no signing certificate"), "{err}");
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "saml",
            "set",
            "--metadata",
            "/nonexistent.xml",
            "--domain",
            "example.com",
        ],
    );
    assert!(!ok && err.contains("can't be read"), "{err}");

    let good = dir.path().join("idp.xml");
    std::fs::write(&good, idp.metadata(true).await).unwrap();
    let (ok, out, err) = cli(
        dir.path(),
        &[
            "saml",
            "set",
            "--metadata",
            good.to_str().unwrap(),
            "--domain",
            "example.com",
            "--jit",
            "--default-role",
            "reports",
        ],
    );
    assert!(ok, "{err}");
    let printed: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(
        printed["entity_id"]
            .as_str()
            .unwrap()
            .ends_with("/saml/metadata"),
        "{out}"
    );
    assert!(
        printed["acs_url"].as_str().unwrap().ends_with("/saml/acs"),
        "{out}"
    );
    let (ok, _, err) = cli(
        dir.path(),
        &[
            "saml",
            "set",
            "--metadata",
            good.to_str().unwrap(),
            "--domain",
            "example.com",
            "--jit",
            "--default-role",
            "master_admin",
        ],
    );
    assert!(!ok && err.contains("never makes a Master admin"), "{err}");
    let (ok, out, err) = cli(dir.path(), &["saml", "off"]);
    assert!(ok, "{err}");
    assert!(out.contains("account_id"), "{out}");
}
