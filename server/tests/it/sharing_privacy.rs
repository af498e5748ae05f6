//! What a Media Library user learns through sharing: names and emails, never roles, nor
//! what lies in folders it only passes through.

use crate::sharing::{browse, environment_id, folder, share_folder};
use crate::support::*;
use http::StatusCode;
use serde_json::Value;

/// The share dialog's candidates for one viewer: label → through_role.
async fn candidates(app: &TestApp, token: &str, env: &str, id: &str) -> Vec<(String, bool)> {
    let r = app
        .call(
            "shares",
            &[
                ("environment_id", env),
                ("kind", "folder"),
                ("id", id),
                ("search", ""),
            ],
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "user")
        .map(|c| {
            let label = c["label"].as_str().unwrap().to_string();
            (label, c["through_role"].as_bool().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn a_media_library_user_learns_names_and_emails_only() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    let ml = app
        .user_with_role(&admin, "ml@example.com", "media_library_user")
        .await;
    let ml_id = app.user_id(&admin, "ml@example.com").await;
    app.user_with_role(&admin, "tech@example.com", "technical_admin")
        .await;
    let tech_id = app.user_id(&admin, "tech@example.com").await;
    let campaigns = folder(&app, &admin, &env, "", "campaigns").await;
    let y2026 = folder(&app, &admin, &env, &campaigns, "2026").await;
    for hidden in ["a", "b", "c"] {
        folder(&app, &admin, &env, &campaigns, hidden).await;
    }
    // /campaigns is shared with someone else; /campaigns/2026 with the Media Library user.
    share_folder(
        &app,
        &admin,
        &env,
        &campaigns,
        &format!("user:{tech_id}"),
        "view",
    )
    .await;
    share_folder(
        &app,
        &admin,
        &env,
        &y2026,
        &format!("user:{ml_id}"),
        "manage",
    )
    .await;

    // Passing through /campaigns: its name, not how many folders it holds nor whether
    // something is shared on it.
    let root = browse(&app, &ml, &env, "").await.json();
    let passed = &root["folders"][0];
    assert_eq!(passed["name"], "campaigns");
    assert_eq!(passed["level"], Value::Null, "{passed}");
    assert_eq!(passed["shared"], false, "{passed}");
    assert_eq!(passed["subfolders"], Value::Null, "{passed}");
    // The admin sees both.
    let root = browse(&app, &admin, &env, "").await.json();
    assert_eq!(root["folders"][0]["shared"], true);
    assert_eq!(root["folders"][0]["subfolders"], 4);

    // The share dialog of /campaigns/2026: names and emails, never who holds which role.
    let seen = candidates(&app, &ml, &env, &y2026).await;
    assert!(
        seen.iter().any(|(l, _)| l.contains("root@example.com")),
        "{seen:?}"
    );
    assert!(
        seen.iter().all(|(_, through_role)| !through_role),
        "{seen:?}"
    );
    let by_admin = candidates(&app, &admin, &env, &y2026).await;
    assert!(
        by_admin
            .iter()
            .any(|(l, through_role)| l.contains("tech@example.com") && *through_role),
        "an admin sees who has access through their role: {by_admin:?}"
    );
}
