//! The SCIM page (docs/rules/scim.md#defaults): tokens created re-authenticated and shown once,
//! deleted; the defaults of users SCIM creates; the roles groups give their members.

use crate::support::*;
use http::StatusCode;
use serde_json::{json, Value};

async fn settings(app: &TestApp, token: &str) -> Value {
    let r = app.call("scim_settings", &[], Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// The role and environment label of a user, as the Users page shows them.
async fn role_of(app: &TestApp, admin: &str, email: &str) -> (String, Value) {
    let users = app
        .call("users", &[("search", email)], Some(admin))
        .await
        .json();
    let u = &users["users"][0];
    (
        u["role"].as_str().unwrap().to_string(),
        u["environments"].clone(),
    )
}

#[tokio::test]
async fn a_master_admin_creates_a_token_shown_once_and_deletes_it() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let s = settings(&app, &admin).await;
    assert_eq!(s["tokens"], json!([]));
    assert!(s["base_url"].as_str().unwrap().ends_with("/scim/v2"));
    assert_eq!(s["defaults"]["role"], "media_library_user");
    // Creating needs a fresh re-authentication.
    let r = app
        .call("create_scim_token", &[("name", "Okta")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let r = app
        .call("create_scim_token", &[("name", "Okta")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bearer = r.json()["bearer"].as_str().unwrap().to_string();
    assert_eq!(
        app.scim_send(&bearer, "GET", "/scim/v2/Users", None)
            .await
            .status,
        StatusCode::OK
    );
    // Listed without its secret; a second one of the same name is refused at the field.
    let s = settings(&app, &admin).await;
    assert_eq!(s["tokens"][0]["name"], "Okta");
    assert!(!s.to_string().contains(bearer.split('.').nth(1).unwrap()));
    let r = app
        .call("create_scim_token", &[("name", "okta")], Some(&admin))
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "names are case-sensitive, as key names: {}",
        r.body
    );
    let r = app
        .call("create_scim_token", &[("name", "Okta")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // An Admin can't open the page nor make tokens (a token reaches every Admin's power).
    let other = app.user_with_role(&admin, "ada@example.com", "admin").await;
    assert_eq!(
        app.call("scim_settings", &[], Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    // Deleted: its requests are refused at once; recorded.
    let id = s["tokens"][0]["id"].as_str().unwrap().to_string();
    let r = app
        .call("delete_scim_token", &[("id", &id)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.scim_send(&bearer, "GET", "/scim/v2/Users", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .call("delete_scim_token", &[("id", &id)], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let log = app
        .call(
            "audit_page",
            &[("action", "scim_token.delete")],
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(log["records"][0]["target"], "scim_token: Okta", "{log}");
}

#[tokio::test]
async fn users_scim_creates_get_the_defaults_and_groups_give_roles() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let staging = app.create_environment(&admin, "Staging", "").await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, okta) = app
        .service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap();
    // Defaults: never Master admin; known environments only.
    let r = app
        .call(
            "scim_defaults",
            &[("role", "master_admin"), ("all_environments", "on")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .call(
            "scim_defaults",
            &[("role", "reports"), ("environment_ids[0]", "nope")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .call(
            "scim_defaults",
            &[("role", "reports"), ("environment_ids[0]", &staging)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["defaults"],
        json!({ "role": "reports", "environments": { "Only": [staging] } })
    );
    let ann = app
        .scim_send(
            &okta,
            "POST",
            "/scim/v2/Users",
            Some(json!({ "userName": "ann@example.com" })),
        )
        .await
        .json();
    let ann = ann["id"].as_str().unwrap().to_string();
    let (role, envs) = role_of(&app, &admin, "ann@").await;
    assert_eq!(role, "reports");
    assert_eq!(envs.to_string().matches(&staging).count(), 1, "{envs}");

    // A group role: members SCIM adds get it; leaving, the defaults again.
    let group = app
        .call("create_group", &[("name", "Editors")], Some(&admin))
        .await
        .json();
    let gid = group["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            "scim_group_role",
            &[
                ("group_id", &gid),
                ("role", "master_admin"),
                ("all_environments", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .call(
            "scim_group_role",
            &[
                ("group_id", &gid),
                ("role", "media_library_admin"),
                ("all_environments", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["group_roles"][0]["group_name"], "Editors");
    let path = format!("/scim/v2/Groups/{gid}");
    let add =
        json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "value": ann }] }] });
    let r = app.scim_send(&okta, "PATCH", &path, Some(add)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        role_of(&app, &admin, "ann@").await,
        ("media_library_admin".to_string(), json!("All"))
    );
    let log = app
        .call("audit_page", &[("action", "user.update")], Some(&admin))
        .await
        .json();
    assert_eq!(log["records"][0]["actor"], "Okta", "{log}");
    let remove = json!({ "Operations": [{ "op": "remove", "path": format!("members[value eq \"{ann}\"]") }] });
    let r = app.scim_send(&okta, "PATCH", &path, Some(remove)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(role_of(&app, &admin, "ann@").await.0, "reports");

    // A group without a role changes nobody's role; the root Master admin is never changed.
    let plain = app
        .call("create_group", &[("name", "Plain")], Some(&admin))
        .await
        .json();
    let ppath = format!("/scim/v2/Groups/{}", plain["id"].as_str().unwrap());
    let add =
        json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "value": ann }] }] });
    assert_eq!(
        app.scim_send(&okta, "PATCH", &ppath, Some(add))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(role_of(&app, &admin, "ann@").await.0, "reports");
    let root = app
        .call("users", &[("search", "root@")], Some(&admin))
        .await
        .json()["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.call(
        "add_group_members",
        &[("id", &gid), ("user_ids[0]", &root), ("user_ids[1]", &ann)],
        Some(&admin),
    )
    .await;
    // Setting the role again applies it to the members now: Ann changes, root stays.
    let r = app
        .call(
            "scim_group_role",
            &[
                ("group_id", &gid),
                ("role", "admin"),
                ("all_environments", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(role_of(&app, &admin, "ann@").await.0, "admin");
    assert_eq!(role_of(&app, &admin, "root@").await.0, "master_admin");
    // A deprovisioned member of a mapped group: leaving it changes nothing of theirs, and works.
    let gone = app
        .scim_send(
            &okta,
            "POST",
            "/scim/v2/Users",
            Some(json!({ "userName": "gone@example.com" })),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add =
        json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "value": gone }] }] });
    assert_eq!(
        app.scim_send(&okta, "PATCH", &path, Some(add)).await.status,
        StatusCode::OK
    );
    assert_eq!(role_of(&app, &admin, "gone@").await.0, "admin");
    let r = app
        .scim_send(&okta, "DELETE", &format!("/scim/v2/Users/{gone}"), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let remove = json!({ "Operations": [{ "op": "remove", "path": format!("members[value eq \"{gone}\"]") }] });
    let r = app.scim_send(&okta, "PATCH", &path, Some(remove)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Removed: members fall back to the defaults.
    let r = app
        .call(
            "remove_scim_group_role",
            &[("group_id", &gid)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["group_roles"], json!([]));
    assert_eq!(role_of(&app, &admin, "ann@").await.0, "reports");
    let log = app
        .call(
            "audit_page",
            &[("action", "scim.group_role_update")],
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(log["records"].as_array().unwrap().len(), 3, "{log}");
}
