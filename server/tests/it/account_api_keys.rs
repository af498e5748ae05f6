//! Account API keys on the settings page: Master admins only, re-authenticated, the
//! secret shown once and audited as redacted, at most five, disable and delete.

use crate::support::*;
use http::StatusCode;

async fn create(app: &TestApp, token: &str, name: &str) -> Reply {
    app.call("create_account_api_key", &[("name", name)], Some(token))
        .await
}

async fn keys(app: &TestApp, token: &str) -> serde_json::Value {
    let r = app.call("account_api_keys", &[], Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn a_master_admin_creates_a_key_whose_secret_is_shown_once() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    assert_eq!(keys(&app, &admin).await, serde_json::json!([]));
    // Creating needs a fresh re-authentication.
    let r = create(&app, &admin, "CI").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(keys(&app, &admin).await, serde_json::json!([]));
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let r = create(&app, &admin, "  CI  ").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let made = r.json();
    let key = made["key"]["api_key"].as_str().unwrap().to_string();
    let secret = made["secret"].as_str().unwrap().to_string();
    assert!(
        key.len() == 15 && key.bytes().all(|b| b.is_ascii_digit()),
        "{key}"
    );
    assert!(secret.len() >= 32, "{secret}");
    assert_eq!(made["account_id"], app.account_id.as_str());
    assert_eq!(
        made["account_url"],
        format!("account://{key}:{secret}@{}", app.account_id).as_str()
    );
    assert_eq!(made["key"]["name"], "CI");
    let listed = keys(&app, &admin).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["api_key"], key.as_str());
    assert_eq!(listed[0]["enabled"], true);
    assert!(!listed.to_string().contains(&secret), "{listed}");
    let audit = app.call("audit_log", &[], Some(&admin)).await;
    assert!(
        audit.body.contains("account_api_key.create"),
        "{}",
        audit.body
    );
    assert!(
        !audit.body.contains(&secret),
        "the secret reached the audit log"
    );

    // Disable, enable, delete; each audited.
    for (enabled, action) in [
        ("false", "account_api_key.disable"),
        ("true", "account_api_key.enable"),
    ] {
        let r = app
            .call(
                "set_account_api_key_enabled",
                &[("api_key", &key), ("enabled", enabled)],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(keys(&app, &admin).await[0]["enabled"].to_string(), enabled);
        let audit = app.call("audit_log", &[], Some(&admin)).await;
        assert!(audit.body.contains(action), "{}", audit.body);
    }
    let r = app
        .call("delete_account_api_key", &[("api_key", &key)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(keys(&app, &admin).await, serde_json::json!([]));
    let r = app
        .call("delete_account_api_key", &[("api_key", &key)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn bad_key_input_is_refused_and_changes_nothing() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    for bad in ["", "   ", &"x".repeat(101)] {
        let r = create(&app, &admin, bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("\"field\":\"name\""), "{}", r.body);
    }
    for i in 0..4 {
        let r = create(&app, &admin, &format!("Key {i}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = create(&app, &admin, "key 0").await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "taken, whatever the case: {}",
        r.body
    );
    assert!(r.body.contains("\"field\":\"name\""), "{}", r.body);
    let r = create(&app, &admin, "Key 4").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = create(&app, &admin, "Sixth").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(keys(&app, &admin).await.as_array().unwrap().len(), 5);
    for unknown in ["123456789012345", "", "not-a-key"] {
        let r = app
            .call(
                "delete_account_api_key",
                &[("api_key", unknown)],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
    assert_eq!(keys(&app, &admin).await.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn only_master_admins_manage_keys_and_only_with_the_provisioning_api() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    for (role, token) in app.team(&admin).await {
        if role == "master_admin" {
            continue;
        }
        let r = app.call("account_api_keys", &[], Some(&token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.body);
        let r = create(&app, &token, "Mine").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.body);
    }
    let free = TestApp::with_plan("free").await;
    let root = free.admin_token().await;
    // Said before a password is asked for: confirming it wouldn't help.
    let r = create(&free, &root, "CI").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("comes with Enterprise"), "{}", r.body);
    let root = free.reauthenticate(&root, ADMIN_PASSWORD).await;
    let r = create(&free, &root, "CI").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("Provisioning API"), "{}", r.body);
    assert_eq!(keys(&free, &root).await, serde_json::json!([]));
}

/// `server account-api-key create`: the operator's path, for the only account.
#[tokio::test]
async fn the_operator_creates_a_key_for_the_only_account() {
    let app = TestApp::with_account().await;
    let made = app
        .service
        .create_account_api_key_as_operator(None, "Terraform")
        .await
        .expect("created");
    assert_eq!(made.account_id, app.account_id);
    assert_eq!(made.key.name, "Terraform");
    let admin = app.admin_token().await;
    assert_eq!(keys(&app, &admin).await[0]["name"], "Terraform");
    let again = app
        .service
        .create_account_api_key_as_operator(Some(&app.account_id), "terraform")
        .await;
    assert!(again.is_err(), "name taken");
}
