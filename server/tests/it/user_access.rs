//! Environment access in the user forms (docs/rules/users.md#user-management): chosen when
//! adding a user, changed on Edit only when the form showed it — an edit of the name keeps a
//! user limited to some environments exactly as limited; groups to join; the table's
//! environment filter and groups column; one's own email only through My Profile.

use crate::support::*;
use http::StatusCode;
use serde_json::{json, Value};

/// The account's two environments: (production, staging).
async fn two_environments(app: &TestApp, admin: &str) -> (String, String) {
    let production = app.first_environment(admin).await;
    let r = app
        .create_environment(admin, "Staging", "acme-staging")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (production, r.json()["id"].as_str().unwrap().to_string())
}

async fn add_limited(app: &TestApp, admin: &str, email: &str, role: &str, env: &str) -> String {
    let r = app
        .call(
            "add_users",
            &[
                ("emails[0]", email),
                ("role", role),
                ("environment_ids[0]", env),
            ],
            Some(admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.user_id(admin, email).await
}

async fn edit(app: &TestApp, token: &str, form: &[(&str, &str)]) -> crate::support::Reply {
    app.call("edit_user", form, Some(token)).await
}

#[tokio::test]
async fn a_user_limited_to_one_environment_keeps_exactly_that_after_an_unrelated_edit() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let (_, staging) = two_environments(&app, &admin).await;
    let id = add_limited(&app, &admin, "lim@example.com", "reports", &staging).await;
    assert_eq!(
        app.user(&admin, &id).await["environments"],
        json!({ "Only": [staging] })
    );

    // The old form posted all_environments=on with every edit: without the access choice
    // shown, it changes nothing.
    let r = edit(
        &app,
        &admin,
        &[
            ("id", &id),
            ("name", "Lim Ited"),
            ("email", "lim@example.com"),
            ("role", "reports"),
            ("all_environments", "on"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let user = app.user(&admin, &id).await;
    assert_eq!(user["name"], "Lim Ited");
    assert_eq!(
        user["environments"],
        json!({ "Only": [staging] }),
        "access kept"
    );

    // Shown and changed: it changes.
    let r = edit(
        &app,
        &admin,
        &[
            ("id", &id),
            ("name", "Lim Ited"),
            ("email", "lim@example.com"),
            ("role", "reports"),
            ("access_shown", "on"),
            ("all_environments", "on"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.user(&admin, &id).await["environments"], json!("All"));
}

#[tokio::test]
async fn an_environment_listed_twice_is_a_bad_field_not_a_failure() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let (_, staging) = two_environments(&app, &admin).await;
    let r = app
        .call(
            "add_users",
            &[
                ("emails[0]", "dup@example.com"),
                ("role", "reports"),
                ("environment_ids[0]", &staging),
                ("environment_ids[1]", &staging),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("listed twice"), "{}", r.body);
    assert!(!app
        .listed_emails(&admin)
        .await
        .contains(&"dup@example.com".to_string()));
}

#[tokio::test]
async fn an_admin_limited_to_some_environments_can_edit_their_users() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let (production, staging) = two_environments(&app, &root).await;
    // An admin limited to staging, and a user of theirs limited to staging.
    add_limited(&app, &root, "scoped.admin@example.com", "admin", &staging).await;
    let token = app.invitation_token("scoped.admin@example.com").await;
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", ADMIN_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let scoped = app
        .sign_in("scoped.admin@example.com", ADMIN_PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let id = add_limited(&app, &scoped, "theirs@example.com", "reports", &staging).await;
    let r = edit(
        &app,
        &scoped,
        &[
            ("id", &id),
            ("name", "Theirs"),
            ("email", "theirs@example.com"),
            ("role", "reports"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Giving an environment they don't reach stays refused.
    let r = edit(
        &app,
        &scoped,
        &[
            ("id", &id),
            ("name", "Theirs"),
            ("email", "theirs@example.com"),
            ("role", "reports"),
            ("access_shown", "on"),
            ("environment_ids[0]", &production),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(
        app.user(&root, &id).await["environments"],
        json!({ "Only": [staging] })
    );
}

#[tokio::test]
async fn new_users_join_groups_and_the_table_filters_by_environment_and_shows_groups() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let (production, staging) = two_environments(&app, &admin).await;
    let group = app
        .call("create_group", &[("name", "Designers")], Some(&admin))
        .await
        .json();
    let gid = group["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            "add_users",
            &[
                ("emails[0]", "mel@example.com"),
                ("role", "media_library_user"),
                ("environment_ids[0]", &staging),
                ("group_ids[0]", &gid),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // An unknown group: the field says so, nobody is added.
    let r = app
        .call(
            "add_users",
            &[
                ("emails[0]", "nobody.new@example.com"),
                ("role", "media_library_user"),
                ("all_environments", "on"),
                ("group_ids[0]", "0000"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("\"field\":\"groups\""), "{}", r.body);

    let emails = |page: Value| -> Vec<String> {
        page["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect()
    };
    let on_production = app
        .call("users", &[("environment", &production)], Some(&admin))
        .await
        .json();
    assert!(!emails(on_production).contains(&"mel@example.com".to_string()));
    let on_staging = app
        .call("users", &[("environment", &staging)], Some(&admin))
        .await
        .json();
    let mel = on_staging["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "mel@example.com")
        .cloned()
        .unwrap();
    assert_eq!(mel["groups"], json!(["Designers"]));
    assert!(
        emails(on_staging).contains(&ADMIN_EMAIL.to_string()),
        "the root user reaches all"
    );
}

#[tokio::test]
async fn an_admin_changes_their_own_email_only_in_my_profile() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let admin = app
        .user_with_role(&root, "self.edit@example.com", "admin")
        .await;
    let id = app.user_id(&root, "self.edit@example.com").await;
    let r = edit(
        &app,
        &admin,
        &[
            ("id", &id),
            ("name", "Me"),
            ("email", "taken.over@example.com"),
            ("role", "admin"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("My Profile"), "{}", r.body);
    assert_eq!(app.user(&root, &id).await["email"], "self.edit@example.com");
    // The name alone may change.
    let r = edit(
        &app,
        &admin,
        &[
            ("id", &id),
            ("name", "Me"),
            ("email", "self.edit@example.com"),
            ("role", "admin"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
