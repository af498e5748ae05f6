//! Product environments and API keys through HTTP (docs/rules/environments.md#product-environments,
//! §3).

use crate::support::*;
use http::StatusCode;
use serde_json::Value;

impl TestApp {
    pub async fn environments(&self, token: &str) -> Value {
        let r = self.call("environments", &[], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()
    }

    /// The id of the account's first environment (born with the account).
    pub async fn first_environment(&self, token: &str) -> String {
        self.environments(token).await["environments"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn create_environment(&self, token: &str, name: &str, cloud_name: &str) -> Reply {
        self.call(
            "create_environment",
            &[("name", name), ("cloud_name", cloud_name)],
            Some(token),
        )
        .await
    }

    /// Re-authenticates; returns the session's new token.
    pub async fn reauthenticate(&self, token: &str, password: &str) -> String {
        let r = self
            .call("reauthenticate", &[("password", password)], Some(token))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.session_cookie().expect("a new session cookie")
    }
}

#[tokio::test]
async fn a_new_account_has_one_environment_with_one_enabled_root_key() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let envs = app.environments(&admin).await;
    let list = envs["environments"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "Production");
    assert_eq!(list[0]["key_count"], 1);
    let cloud = list[0]["cloud_name"].as_str().unwrap();
    assert!(cloud.starts_with('c') && cloud.len() == 16, "{cloud}");
    assert_eq!(envs["active"]["id"], list[0]["id"]);
    let keys = app
        .call(
            "api_keys",
            &[("environment_id", list[0]["id"].as_str().unwrap())],
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(keys[0]["name"], "Root");
    assert_eq!(keys[0]["root"], true);
    assert_eq!(keys[0]["enabled"], true);
    assert_eq!(keys[0]["api_key"].as_str().unwrap().len(), 15);
    assert!(
        !keys.to_string().contains("secret"),
        "lists never carry secrets"
    );
}

#[tokio::test]
async fn environments_are_created_renamed_disabled_and_deleted_under_the_rules() {
    let app = TestApp::with_plan("plus").await; // 5 environments
    let admin = app.admin_token().await;
    let r = app
        .create_environment(&admin, "Staging", "Acme-Staging")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let staging = r.json();
    assert_eq!(staging["cloud_name"], "acme-staging");
    let id = staging["id"].as_str().unwrap().to_string();

    // Bad input names the field; a taken cloud name is refused; nothing is created.
    for (name, cloud, field) in [
        ("", "fine-name", "name"),
        ("Dev", "1bad", "cloud_name"),
        ("Dev", "ACME-STAGING", "cloud_name"),
    ] {
        let r = app.create_environment(&admin, name, cloud).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{name}/{cloud}: {}",
            r.body
        );
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{}",
            r.body
        );
    }
    assert!(app
        .create_environment(&admin, "Dev", "acme-staging")
        .await
        .body
        .contains("Cloud name already exists"));
    assert_eq!(
        app.environments(&admin).await["environments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Edit: name, cloud name, description, custom attributes (a JSON object).
    let edit = |attrs: &'static str| {
        let (app, admin, id) = (app.clone(), admin.clone(), id.clone());
        async move {
            app.call(
                "update_environment",
                &[
                    ("id", &id),
                    ("name", "Staging EU"),
                    ("cloud_name", "acme-staging-eu"),
                    ("description", "Pre-production"),
                    ("custom_attributes", attrs),
                ],
                Some(&admin),
            )
            .await
        }
    };
    assert_eq!(edit("[1, 2]").await.status, StatusCode::BAD_REQUEST);
    let r = edit("{\"team\": \"web\"}").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["cloud_name"], "acme-staging-eu");
    assert_eq!(r.json()["custom_attributes"], "{\"team\":\"web\"}");

    // Disable: it stays for managers (to re-enable) and leaves everyone else's list.
    let reports = app
        .user_with_role(&admin, "rep@example.com", "reports")
        .await;
    assert_eq!(
        app.environments(&reports).await["environments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let r = app
        .call(
            "environment_enabled",
            &[("id", &id), ("enabled", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.environments(&reports).await["environments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.environments(&admin).await["environments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Delete needs re-authentication (signing in doesn't count) and the cloud name typed.
    let r = app
        .call(
            "delete_environment",
            &[("id", &id), ("confirm_cloud_name", "acme-staging-eu")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("ReauthenticationRequired"), "{}", r.body);
    let r = app
        .call(
            "reauthenticate",
            &[("password", "wrong password entirely")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let r = app
        .call(
            "delete_environment",
            &[("id", &id), ("confirm_cloud_name", "acme-staging")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .call(
            "delete_environment",
            &[("id", &id), ("confirm_cloud_name", "acme-staging-eu")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let envs = app.environments(&admin).await;
    assert_eq!(envs["environments"].as_array().unwrap().len(), 1);
    // The last one stays.
    let last = envs["environments"][0]["id"].as_str().unwrap().to_string();
    let cloud = envs["environments"][0]["cloud_name"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            "delete_environment",
            &[("id", &last), ("confirm_cloud_name", &cloud)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // Re-authentication lasts ten minutes.
    app.create_environment(&admin, "Temp", "acme-temp").await;
    let temp = app.environments(&admin).await["environments"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.clock.advance(601);
    let r = app
        .call(
            "delete_environment",
            &[("id", &temp), ("confirm_cloud_name", "acme-temp")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn the_plan_limits_environments_and_another_accounts_ids_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "free").await; // 1 environment
    let admin = app.admin_token().await;
    let r = app.create_environment(&admin, "Second", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body
            .contains("Product environment limit reached for your plan"),
        "{}",
        r.body
    );

    // Another account's environment in the same installation.
    let foreign = foreign_environment(dir.path()).await;
    for (endpoint, form) in [
        (
            "update_environment",
            vec![
                ("id", foreign.as_str()),
                ("name", "x"),
                ("cloud_name", "xyz"),
            ],
        ),
        (
            "environment_enabled",
            vec![("id", foreign.as_str()), ("enabled", "false")],
        ),
        ("api_keys", vec![("environment_id", foreign.as_str())]),
        (
            "generate_api_key",
            vec![("environment_id", foreign.as_str())],
        ),
        ("select_environment", vec![("id", foreign.as_str())]),
    ] {
        let r = app.call(endpoint, &form, Some(&admin)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{endpoint}: {}", r.body);
    }
    assert_eq!(
        app.environments(&admin).await["environments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Their cloud name is taken installation-wide.
    let env = app.first_environment(&admin).await;
    let r = app
        .call(
            "update_environment",
            &[
                ("id", &env),
                ("name", "Mine"),
                ("cloud_name", "their-cloud"),
            ],
            Some(&admin),
        )
        .await;
    assert!(r.body.contains("Cloud name already exists"), "{}", r.body);
}

#[tokio::test]
async fn api_keys_are_generated_masked_revealed_after_reauthentication_and_managed() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    let env = app.first_environment(&admin).await;
    let r = app
        .call(
            "generate_api_key",
            &[("environment_id", &env), ("name", "CI"), ("enabled", "on")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let created = r.json();
    let key = created["key"]["api_key"].as_str().unwrap().to_string();
    let secret = created["api_secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 32);
    assert!(created["cloudinary_url"]
        .as_str()
        .unwrap()
        .starts_with(&format!("cloudinary://{key}:{secret}@")));

    // The secret is sealed at rest: not in the database in the clear, nor in the audit log.
    let audit = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(audit.contains("api_key.create") && !audit.contains(&secret));

    // Reveal needs re-authentication (signing in doesn't count), then gives the same
    // secret and is audited.
    let r = app
        .call(
            "reveal_api_secret",
            &[("environment_id", &env), ("api_key", &key)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let r = app
        .call(
            "reveal_api_secret",
            &[("environment_id", &env), ("api_key", &key)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["api_secret"], secret.as_str());
    assert!(app
        .call("audit_log", &[], Some(&admin))
        .await
        .body
        .contains("api_key.reveal"));

    let change = |c: &'static str, extra: Vec<(&'static str, &'static str)>| {
        let (app, admin, env, key) = (app.clone(), admin.clone(), env.clone(), key.clone());
        async move {
            let mut form = vec![
                ("environment_id", env.as_str()),
                ("api_key", key.as_str()),
                ("change", c),
            ];
            form.extend(extra);
            app.call("change_api_key", &form, Some(&admin)).await
        }
    };
    // Names are unique per environment, case-insensitively.
    let r = change("rename", vec![("name", "root")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("Access key name already exists"),
        "{}",
        r.body
    );
    assert_eq!(
        change("rename", vec![("name", "Deploys")]).await.json()["name"],
        "Deploys"
    );
    // Granular permissions on a paid plan.
    let r = change(
        "permissions",
        vec![
            ("permission_mode", "restricted"),
            ("scopes[0]", "upload_api"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["permissions"],
        serde_json::json!({ "Restricted": ["upload_api"] })
    );
    assert_eq!(
        change("permissions", vec![("permission_mode", "restricted")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    // Dedicate for webhooks: moves from any other key; the webhook key can't be disabled.
    assert_eq!(
        change("dedicate_webhooks", vec![]).await.status,
        StatusCode::OK
    );
    assert_eq!(change("disable", vec![]).await.status, StatusCode::CONFLICT);
    let keys = app
        .call("api_keys", &[("environment_id", &env)], Some(&admin))
        .await
        .json();
    let root = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "Root")
        .unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            "change_api_key",
            &[
                ("environment_id", &env),
                ("api_key", &root),
                ("change", "dedicate_webhooks"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let keys = app
        .call("api_keys", &[("environment_id", &env)], Some(&admin))
        .await
        .json();
    let webhook_keys: Vec<_> = keys
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["dedicated_for_webhooks"] == true)
        .collect();
    assert_eq!(webhook_keys.len(), 1);
    assert_eq!(webhook_keys[0]["name"], "Root");
    assert_eq!(change("disable", vec![]).await.json()["enabled"], false);

    // Delete by name; the last key stays.
    let r = app
        .call(
            "delete_api_key",
            &[("environment_id", &env), ("api_key", "deploys")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call(
            "delete_api_key",
            &[("environment_id", &env), ("api_key", &root)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn granular_permissions_need_a_paid_plan_and_keys_stop_at_twenty() {
    let app = TestApp::with_plan("free").await;
    let admin = app.admin_token().await;
    let env = app.first_environment(&admin).await;
    let r = app
        .call(
            "generate_api_key",
            &[
                ("environment_id", &env),
                ("permission_mode", "restricted"),
                ("scopes[1]", "admin_api_read"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for i in 0..19 {
        let r = app
            .call(
                "generate_api_key",
                &[("environment_id", &env), ("enabled", "on")],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "key {i}: {}", r.body);
    }
    let r = app
        .call(
            "generate_api_key",
            &[("environment_id", &env)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let names: Vec<String> = app
        .call("api_keys", &[("environment_id", &env)], Some(&admin))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_string())
        .collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 20, "generated names are unique: {names:?}");
}

/// Who may do what in this area, for all seven roles (docs/rules/roles.md#the-seven-roles).
#[tokio::test]
async fn environments_and_keys_follow_the_matrix_for_all_seven_roles() {
    let app = TestApp::with_plan("advanced").await;
    let root = app.admin_token().await;
    let env = app.first_environment(&root).await;
    for (i, role) in [
        "master_admin",
        "admin",
        "technical_admin",
        "billing",
        "reports",
        "media_library_admin",
        "media_library_user",
    ]
    .into_iter()
    .enumerate()
    {
        let token = app
            .user_with_role(&root, &format!("{role}@example.com"), role)
            .await;
        let manage_envs = matches!(role, "master_admin" | "admin" | "technical_admin");
        let view_keys = manage_envs;
        let ok = |yes: bool| {
            if yes {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        };
        // Everyone sees the environments they reach.
        assert_eq!(
            app.call("environments", &[], Some(&token)).await.status,
            StatusCode::OK,
            "{role}"
        );
        let r = app
            .create_environment(&token, &format!("Env {i}"), "")
            .await;
        assert_eq!(r.status, ok(manage_envs), "{role} create: {}", r.body);
        let r = app
            .call("api_keys", &[("environment_id", &env)], Some(&token))
            .await;
        assert_eq!(r.status, ok(view_keys), "{role} list keys: {}", r.body);
        let r = app
            .call(
                "generate_api_key",
                &[("environment_id", &env), ("enabled", "on")],
                Some(&token),
            )
            .await;
        assert_eq!(r.status, ok(view_keys), "{role} generate key: {}", r.body);
        let r = app
            .call(
                "environment_enabled",
                &[("id", &env), ("enabled", "true")],
                Some(&token),
            )
            .await;
        assert_eq!(r.status, ok(manage_envs), "{role} enable: {}", r.body);
    }
}
