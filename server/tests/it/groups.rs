//! User groups through HTTP, the matrix for all seven roles, and bad input around
//! groups, folders and sharing that must change nothing.

use crate::sharing::{browse, environment_id, folder, group, share};
use crate::support::*;
use http::StatusCode;

#[tokio::test]
async fn groups_list_members_in_joining_order_and_follow_the_matrix_for_all_seven_roles() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let team = app.team(&admin).await;
    let a = app.user_id(&admin, "admin.member@example.com").await;
    let b = app.user_id(&admin, "billing.member@example.com").await;
    let g = group(&app, &admin, "Designers", &[&b, &a]).await;
    // Re-adding changes nothing; members stay in joining order.
    let r = app
        .call(
            "add_group_members",
            &[("id", &g), ("user_ids[0]", &a)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let emails: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().into())
        .collect();
    assert_eq!(
        emails,
        ["billing.member@example.com", "admin.member@example.com"]
    );
    let list = app.call("groups", &[], Some(&admin)).await.json();
    assert_eq!(list[0]["member_count"], 2);

    for (role, token) in &team {
        let may_view = matches!(*role, "master_admin" | "admin" | "media_library_admin");
        let r = app.call("groups", &[], Some(token)).await;
        assert_eq!(
            r.status == StatusCode::OK,
            may_view,
            "{role} list: {}",
            r.body
        );
        let r = app.call("group", &[("id", &g)], Some(token)).await;
        assert_eq!(r.status == StatusCode::OK, may_view, "{role} view");
        // groups.manage has the same holders as groups.view.
        let name = format!("{role} group");
        let r = app
            .call("create_group", &[("name", &name)], Some(token))
            .await;
        assert_eq!(
            r.status == StatusCode::OK,
            may_view,
            "{role} create: {}",
            r.body
        );
        if !may_view {
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        let r = app
            .call(
                "rename_group",
                &[("id", &g), ("name", &format!("{role} renamed"))],
                Some(token),
            )
            .await;
        assert_eq!(r.status == StatusCode::OK, may_view, "{role} rename");
        let r = app
            .call(
                "remove_group_members",
                &[("id", &g), ("user_ids[0]", &b)],
                Some(token),
            )
            .await;
        assert_eq!(r.status == StatusCode::OK, may_view, "{role} remove");
        let r = app
            .call(
                "add_group_members",
                &[("id", &g), ("user_ids[0]", &b)],
                Some(token),
            )
            .await;
        assert_eq!(r.status == StatusCode::OK, may_view, "{role} add");
    }
    // The refused roles changed nothing: three groups were made by the three holders.
    let list = app.call("groups", &[], Some(&admin)).await.json();
    assert_eq!(list.as_array().unwrap().len(), 4);
    let r = app
        .call("delete_group", &[("id", &g)], Some(&team[6].1))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.call("delete_group", &[("id", &g)], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.call("group", &[("id", &g)], Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_group_input_is_refused_and_changes_nothing() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let g = group(&app, &admin, "Designers", &[]).await;
    let r = app
        .call("create_group", &[("name", "  designers ")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("User group name already exists"),
        "{}",
        r.body
    );
    let other = group(&app, &admin, "Editors", &[]).await;
    let r = app
        .call(
            "rename_group",
            &[("id", &other), ("name", "DESIGNERS")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    for bad in ["", &"n".repeat(101)] {
        let r = app
            .call("create_group", &[("name", bad)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.body.contains("\"field\":\"name\""), "{}", r.body);
    }
    // An unknown user, or an inactive one, adds nobody (not even the good ones).
    app.user_with_role(&admin, "gone@example.com", "media_library_user")
        .await;
    app.user_with_role(&admin, "ok@example.com", "media_library_user")
        .await;
    let gone = app.user_id(&admin, "gone@example.com").await;
    let ok = app.user_id(&admin, "ok@example.com").await;
    let r = app.act(&admin, &gone, "delete", "gone@example.com").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call(
            "add_group_members",
            &[("id", &g), ("user_ids[0]", &ok), ("user_ids[1]", &gone)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("User is inactive"));
    let r = app
        .call(
            "add_group_members",
            &[("id", &g), ("user_ids[0]", &ok), ("user_ids[1]", "ffff")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let detail = app.call("group", &[("id", &g)], Some(&admin)).await.json();
    assert_eq!(detail["members"].as_array().unwrap().len(), 0);
    let names: Vec<String> = app
        .call("groups", &[], Some(&admin))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().into())
        .collect();
    assert_eq!(names, ["Designers", "Editors"]);
}

#[tokio::test]
async fn deleting_a_user_removes_their_memberships_and_shares() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    app.user_with_role(&admin, "leaver@example.com", "media_library_user")
        .await;
    let u = app.user_id(&admin, "leaver@example.com").await;
    let g = group(&app, &admin, "Team", &[&u]).await;
    let f = folder(&app, &admin, &env, "", "work").await;
    assert_eq!(
        share(
            &app,
            &admin,
            &env,
            "folder",
            &f,
            &format!("user:{u}"),
            "edit"
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        share(
            &app,
            &admin,
            &env,
            "folder",
            &f,
            &format!("group:{g}"),
            "view"
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = app.act(&admin, &u, "delete", "leaver@example.com").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let detail = app.call("group", &[("id", &g)], Some(&admin)).await.json();
    assert_eq!(detail["members"].as_array().unwrap().len(), 0);
    assert_eq!(detail["shares"][0]["item_path"], "/work");
    let shares = app
        .call(
            "shares",
            &[("environment_id", &env), ("kind", "folder"), ("id", &f)],
            Some(&admin),
        )
        .await
        .json();
    let grantees: Vec<&str> = shares["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["grantee_kind"].as_str().unwrap())
        .collect();
    assert_eq!(grantees, ["group"]);
    // And they can't be shared with again.
    let r = share(
        &app,
        &admin,
        &env,
        "folder",
        &f,
        &format!("user:{u}"),
        "view",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("inactive"), "{}", r.body);
}

#[tokio::test]
async fn bad_folder_and_sharing_input_is_refused_and_changes_nothing() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    let ml = app
        .user_with_role(&admin, "ml@example.com", "media_library_user")
        .await;
    let ml_id = app.user_id(&admin, "ml@example.com").await;
    app.user_with_role(&admin, "off@example.com", "media_library_user")
        .await;
    let off = app.user_id(&admin, "off@example.com").await;
    assert_eq!(
        app.act(&admin, &off, "disable", "off@example.com")
            .await
            .status,
        StatusCode::OK
    );
    let a = folder(&app, &admin, &env, "", "a").await;
    let b = folder(&app, &admin, &env, &a, "b").await;
    let c = folder(&app, &admin, &env, &b, "c").await;
    let shares_of = |id: String| {
        let app = &app;
        let admin = admin.clone();
        let env = env.clone();
        async move {
            app.call(
                "shares",
                &[("environment_id", &env), ("kind", "folder"), ("id", &id)],
                Some(&admin),
            )
            .await
            .json()["grants"]
                .as_array()
                .unwrap()
                .len()
        }
    };

    // A level that doesn't exist, nobody to share with, a disabled user, a malformed grantee.
    let r = share(
        &app,
        &admin,
        &env,
        "folder",
        &a,
        &format!("user:{ml_id}"),
        "owner",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"field\":\"level\""), "{}", r.body);
    let r = share(&app, &admin, &env, "folder", &a, "", "view").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = share(
        &app,
        &admin,
        &env,
        "folder",
        &a,
        &format!("user:{off}"),
        "view",
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("disabled"), "{}", r.body);
    let r = share(&app, &admin, &env, "folder", &a, "role:admin", "view").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = share(&app, &admin, &env, "folder", &a, "group:0000", "view").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = share(
        &app,
        &admin,
        &env,
        "folder",
        "0000",
        &format!("user:{ml_id}"),
        "view",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(shares_of(a.clone()).await, 0);

    // Sharing needs "can manage": a user who can edit can't share, not even lower.
    assert_eq!(
        share(
            &app,
            &admin,
            &env,
            "folder",
            &b,
            &format!("user:{ml_id}"),
            "edit"
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = share(
        &app,
        &ml,
        &env,
        "folder",
        &c,
        &format!("user:{ml_id}"),
        "manage",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = share(
        &app,
        &ml,
        &env,
        "folder",
        &c,
        &format!("user:{ml_id}"),
        "view",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(shares_of(c.clone()).await, 1, "only the inherited share");
    // An inherited share is revoked where it was made.
    let r = app
        .call(
            "revoke_share",
            &[
                ("environment_id", &env),
                ("kind", "folder"),
                ("id", &c),
                ("grantee", &format!("user:{ml_id}")),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("inherited from /a/b"), "{}", r.body);

    // Moving a folder into itself or its subtree; deleting a non-empty folder; a
    // sibling of the same name; a bad name.
    for target in [&a, &b, &c] {
        let r = app
            .call(
                "move_folder",
                &[
                    ("environment_id", &env),
                    ("folder_id", &a),
                    ("parent_id", target),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("\"field\":\"parent_id\""), "{}", r.body);
    }
    let r = app
        .call(
            "delete_folder",
            &[("environment_id", &env), ("folder_id", &b)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("isn't empty"), "{}", r.body);
    let r = app
        .call(
            "create_folder",
            &[("environment_id", &env), ("parent_id", &a), ("name", "B")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .call(
            "create_folder",
            &[("environment_id", &env), ("parent_id", ""), ("name", "x/y")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let names = |v: serde_json::Value| {
        v["folders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(browse(&app, &admin, &env, "").await.json()), ["a"]);
    assert_eq!(names(browse(&app, &admin, &env, &a).await.json()), ["b"]);
    assert_eq!(names(browse(&app, &admin, &env, &b).await.json()), ["c"]);

    // A good move keeps shares made below and inherits from the new ancestors.
    let r = app
        .call(
            "move_folder",
            &[
                ("environment_id", &env),
                ("folder_id", &c),
                ("parent_id", ""),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        browse(&app, &ml, &env, &c).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        names(browse(&app, &admin, &env, "").await.json()),
        ["a", "c"]
    );
}

#[tokio::test]
async fn collections_are_shared_by_their_creator_and_seen_only_when_shared() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let env = environment_id(&app, &admin).await;
    let ml = app
        .user_with_role(&admin, "ml@example.com", "media_library_user")
        .await;
    let ml_id = app.user_id(&admin, "ml@example.com").await;
    let r = app
        .call(
            "create_collection",
            &[("environment_id", &env), ("name", "Summer picks")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let coll = r.json()["id"].as_str().unwrap().to_string();
    let colls = |v: serde_json::Value| v["collections"].as_array().unwrap().len();
    assert_eq!(colls(browse(&app, &ml, &env, "").await.json()), 0);
    // A Media Library user added without "may create collections" may not.
    let r = app
        .call(
            "create_collection",
            &[("environment_id", &env), ("name", "Mine")],
            Some(&ml),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .call(
            "create_collection",
            &[("environment_id", &env), ("name", "summer PICKS")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        share(
            &app,
            &admin,
            &env,
            "collection",
            &coll,
            &format!("user:{ml_id}"),
            "view"
        )
        .await
        .status,
        StatusCode::OK
    );
    let root = browse(&app, &ml, &env, "").await.json();
    assert_eq!(colls(root.clone()), 1);
    assert_eq!(root["collections"][0]["level"], "view");
    let r = app
        .call(
            "update_collection",
            &[
                ("environment_id", &env),
                ("collection_id", &coll),
                ("name", "Renamed"),
            ],
            Some(&ml),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "can view can't rename: {}",
        r.body
    );
    let r = app
        .call(
            "delete_collection",
            &[("environment_id", &env), ("collection_id", &coll)],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(colls(browse(&app, &ml, &env, "").await.json()), 0);
    // Root folders are for roles that see everything, unless the user is allowed.
    let r = app
        .call(
            "create_folder",
            &[("environment_id", &env), ("parent_id", ""), ("name", "x")],
            Some(&ml),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
