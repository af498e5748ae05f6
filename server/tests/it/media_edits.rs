//! Editing the Media Library through HTTP: renaming a folder, and the share dialog's
//! search for users and groups.

use crate::sharing::{browse, environment_id, folder, group, level, names, share};
use crate::support::*;
use http::StatusCode;

/// Renaming keeps the folder's id, its subfolders' paths follow, shares stay, and the
/// audit log records the old and new path.
#[tokio::test]
async fn a_renamed_folder_keeps_its_shares_and_its_subfolders_follow() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    let ml = app
        .user_with_role(&admin, "r@example.com", "media_library_user")
        .await;
    let u = app.user_id(&admin, "r@example.com").await;
    let drafts = folder(&app, &admin, &env, "", "drafts").await;
    let inner = folder(&app, &admin, &env, &drafts, "inner").await;
    let r = share(
        &app,
        &admin,
        &env,
        "folder",
        &drafts,
        &format!("user:{u}"),
        "edit",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call(
            "rename_folder",
            &[
                ("environment_id", &env),
                ("folder_id", &drafts),
                ("name", "  Final  "),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let root = browse(&app, &ml, &env, "").await;
    assert_eq!(names(&root.json()), vec!["Final"]);
    let below = browse(&app, &ml, &env, &inner).await;
    assert_eq!(below.status, StatusCode::OK, "{}", below.body);
    assert_eq!(below.json()["folder"]["path"], "/Final/inner");
    assert_eq!(below.json()["folder"]["level"], "edit");
    assert_eq!(level(&app, &admin, &env, &inner, &u).await, "edit");
    let audit = app.call("audit_log", &[], Some(&admin)).await;
    assert!(
        audit.body.contains("/drafts") && audit.body.contains("/Final"),
        "{}",
        audit.body
    );
}

/// The share dialog offers users and groups by search: names and emails containing the
/// text, at most 50 of each, and says when more match.
#[tokio::test]
async fn the_share_dialog_finds_users_and_groups_by_search() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    app.user_with_role(&admin, "zoe.percent%@example.com", "media_library_user")
        .await;
    for i in 0..52 {
        group(&app, &admin, &format!("Team {i:02}"), &[]).await;
    }
    let item = folder(&app, &admin, &env, "", "shared").await;
    let offered = |search: &'static str| {
        let (env, item, admin) = (env.clone(), item.clone(), admin.clone());
        let app = &app;
        async move {
            let r = app
                .call(
                    "shares",
                    &[
                        ("environment_id", &env),
                        ("kind", "folder"),
                        ("id", &item),
                        ("search", search),
                    ],
                    Some(&admin),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let v = r.json();
            let labels: Vec<String> = v["candidates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    format!(
                        "{}:{}",
                        c["kind"].as_str().unwrap(),
                        c["label"].as_str().unwrap()
                    )
                })
                .collect();
            (labels, v["more_candidates"].as_bool().unwrap())
        }
    };
    let (all_teams, more) = offered("team").await;
    assert_eq!(all_teams.len(), 50, "{all_teams:?}");
    assert!(all_teams.iter().all(|l| l.starts_with("group:Team ")));
    assert!(more);
    let (one, more) = offered("TEAM 07").await;
    assert_eq!(one, vec!["group:Team 07"]);
    assert!(!more);
    // `%` is a character to find, not a wildcard.
    let (zoe, _) = offered("percent%").await;
    assert_eq!(zoe, vec!["user:zoe.percent%@example.com"]);
    let (none, _) = offered("nt%x").await;
    assert!(none.is_empty(), "{none:?}");
}
