//! SCIM's users and groups through HTTP (docs/rules/scim.md#users, #groups): read by
//! indexed filters with paging and attributes, created, patched and put as Entra ID and Okta
//! send them, deprovisioned; groups and their members synced.

use crate::scim::encode;
use crate::support::*;
use http::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn users_are_read_one_by_one_or_by_an_indexed_filter_with_paging() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "enterprise").await;
    let admin = app.admin_token().await;
    let r = app
        .add_users(
            &admin,
            &["ann@example.com", "bo@example.com", "cy@example.org"],
            "reports",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ids: Vec<String> = serde_json::from_str(&r.body).unwrap();
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("console.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("UPDATE users SET external_id = 'okta-ann', name = 'Ann Lee' WHERE email = 'ann@example.com'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (_, token) = app
        .service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap();
    let list = |filter: &str, extra: &str| {
        let app = app.clone();
        let token = token.clone();
        let path = format!("/scim/v2/Users?filter={}{extra}", encode(filter));
        async move { app.scim(Some(&token), &path).await }
    };
    let emails = |r: &Reply| -> Vec<String> {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut found: Vec<String> = r.json()["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["userName"].as_str().unwrap().to_string())
            .collect();
        // Users added together share a creation time: their order is their ids'.
        found.sort();
        found
    };

    // Okta's lookup, and Entra ID's capitalized operator.
    let r = list(
        r#"userName eq "Ann@Example.com""#,
        "&startIndex=1&count=100",
    )
    .await;
    assert_eq!(emails(&r), vec!["ann@example.com"]);
    let body = r.json();
    assert_eq!(
        body["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    );
    assert_eq!(body["totalResults"], 1);
    let ann = &body["Resources"][0];
    assert_eq!(ann["externalId"], "okta-ann");
    assert_eq!(ann["emails"][0]["value"], "ann@example.com");
    assert_eq!(ann["meta"]["resourceType"], "User");
    assert_eq!(
        emails(&list(r#"userName Eq "bo@example.com""#, "").await),
        vec!["bo@example.com"]
    );
    assert_eq!(
        emails(&list(r#"externalId eq "okta-ann""#, "").await),
        vec!["ann@example.com"]
    );
    assert_eq!(
        emails(&list(r#"displayName sw "ann" and active eq false"#, "").await),
        Vec::<String>::new()
    );
    assert_eq!(
        emails(
            &list(
                r#"emails[type eq "work" and value sw "c"] or userName eq "bo@example.com""#,
                ""
            )
            .await
        ),
        vec!["bo@example.com", "cy@example.org"]
    );
    assert_eq!(
        emails(&list(r#"userName sw "" and emails co "example.com""#, "").await).len(),
        3,
        "root, Ann and Bo: co narrowed by sw"
    );

    // Refused: a filter no index narrows, and malformed ones — SCIM's invalidFilter.
    for bad in [
        r#"displayName co "ann""#,
        "active eq true",
        r#"userName eq"#,
        r#"userName xx "a""#,
    ] {
        let r = list(bad, "").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!(r.json()["scimType"], "invalidFilter", "{bad}");
    }
    let r = app.scim(Some(&token), "/scim/v2/Users?count=many").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Without a filter: every live user, paged.
    let r = app
        .scim(Some(&token), "/scim/v2/Users?startIndex=2&count=2")
        .await;
    let body = r.json();
    assert_eq!(body["totalResults"], 4);
    assert_eq!(body["startIndex"], 2);
    assert_eq!(body["itemsPerPage"], 2);

    // attributes / excludedAttributes: id and schemas always stay.
    let r = list(
        r#"userName eq "bo@example.com""#,
        "&attributes=userName,name.givenName",
    )
    .await;
    let bo = r.json()["Resources"][0].clone();
    assert_eq!(bo["userName"], "bo@example.com");
    assert!(
        bo.get("id").is_some() && bo.get("emails").is_none() && bo.get("meta").is_none(),
        "{bo}"
    );
    let r = app
        .scim(
            Some(&token),
            &format!("/scim/v2/Users/{}?excludedAttributes=emails,meta", ids[1]),
        )
        .await;
    let bo = r.json();
    assert!(
        bo.get("emails").is_none() && bo.get("meta").is_none() && bo.get("userName").is_some(),
        "{bo}"
    );

    // One user; another id is SCIM's 404.
    let r = app
        .scim(Some(&token), &format!("/scim/v2/Users/{}", ids[1]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["userName"], "bo@example.com");
    let r = app.scim(Some(&token), "/scim/v2/Users/nobody").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        r.json()["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
}

#[tokio::test]
async fn patch_put_and_delete_change_users_as_the_row_menu_does() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let ann_session = app
        .user_with_role(&admin, "ann@example.com", "reports")
        .await;
    let users = app
        .call("users", &[("search", "ann@")], Some(&admin))
        .await
        .json();
    let ann = users["users"][0]["id"].as_str().unwrap().to_string();
    let (_, token) = app
        .service
        .create_scim_token_as_operator(None, "Entra ID")
        .await
        .unwrap();
    let path = format!("/scim/v2/Users/{ann}");

    // Entra ID: capitalized ops, a boolean as a string, a value-filter path.
    let r = app
        .scim_send(
            &token,
            "PATCH",
            &path,
            Some(serde_json::json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    { "op": "Replace", "path": "name.givenName", "value": "Ann" },
                    { "op": "Add", "path": "externalId", "value": "entra-7" },
                    { "op": "Replace", "path": "active", "value": "False" },
                ],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let user = r.json();
    assert_eq!(
        (user["active"].clone(), user["name"]["givenName"].clone()),
        (Value::Bool(false), Value::from("Ann"))
    );
    assert_eq!(user["externalId"], "entra-7");
    // Disabled as the console's Disable: her session ended, recorded by the token.
    assert_eq!(app.whoami(&ann_session).await, None);
    let log = app
        .call("audit_page", &[("action", "user.disable")], Some(&admin))
        .await
        .json();
    assert_eq!(log["records"][0]["actor"], "Entra ID");

    // Okta's PUT of the whole user: active again, names replaced.
    let r = app
        .scim_send(&token, "PUT", &path, Some(serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "ann@example.com", "active": true, "name": { "givenName": "Anne", "familyName": "Lee" },
            "emails": [{ "value": "ann@example.com", "primary": true }], "locale": "en-GB",
        })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let user = r.json();
    assert_eq!(user["active"], true);
    assert_eq!(user["name"]["familyName"], "Lee");
    assert_eq!(
        user["externalId"],
        Value::Null,
        "a PUT without it clears it"
    );

    // Refusals: a bad op, an unknown path, the root user (a Master admin).
    let bad = |body: Value| {
        let app = app.clone();
        let (token, path) = (token.clone(), path.clone());
        async move { app.scim_send(&token, "PATCH", &path, Some(body)).await }
    };
    let r = bad(serde_json::json!({ "Operations": [{ "op": "move", "path": "active" }] })).await;
    assert_eq!(
        (r.status, r.json()["scimType"].clone()),
        (StatusCode::BAD_REQUEST, Value::from("invalidSyntax"))
    );
    let r = bad(serde_json::json!({ "Operations": [{ "op": "replace", "path": "password", "value": "x" }] })).await;
    assert_eq!(r.json()["scimType"], "invalidPath");
    let r =
        bad(serde_json::json!({ "Operations": [{ "op": "remove", "path": "userName" }] })).await;
    assert_eq!(r.json()["scimType"], "mutability");
    let r = app.scim_send(&token, "PATCH", &path, None).await;
    assert_eq!(r.json()["scimType"], "invalidSyntax");
    let root = app
        .call("users", &[("search", "root@")], Some(&admin))
        .await
        .json()["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .scim_send(
            &token,
            "PATCH",
            &format!("/scim/v2/Users/{root}"),
            Some(serde_json::json!({
            "Operations": [{ "op": "replace", "path": "active", "value": false }] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // DELETE: deprovisioned as the console's Delete — gone from SCIM, the seat freed.
    let before = app.call("users", &[], Some(&admin)).await.json()["seats_used"]
        .as_i64()
        .unwrap();
    let r = app.scim_send(&token, "DELETE", &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(
        app.scim_send(&token, "GET", &path, None).await.status,
        StatusCode::NOT_FOUND
    );
    let after = app.call("users", &[], Some(&admin)).await.json()["seats_used"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before - 1);
    assert_eq!(
        app.scim_send(&token, "DELETE", &path, None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn post_creates_an_invited_user_and_a_taken_email_is_a_conflict() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let (_, token) = app
        .service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap();
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "dee@example.com", "externalId": "okta-dee",
        "name": { "givenName": "Dee", "familyName": "Ray" }, "displayName": "Dee Ray",
        "emails": [{ "value": "dee@example.com", "type": "work", "primary": true }], "active": true,
    });
    let r = app
        .scim_send(&token, "POST", "/scim/v2/Users", Some(body.clone()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let user = r.json();
    assert_eq!(user["userName"], "dee@example.com");
    assert_eq!(user["externalId"], "okta-dee");
    assert_eq!(user["name"]["familyName"], "Ray");
    assert!(r.headers[http::header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with(user["id"].as_str().unwrap()));
    // Found by Okta's lookup; invited by email (SAML is off: to set a password).
    let found = app
        .scim_send(
            &token,
            "GET",
            &format!(
                "/scim/v2/Users?filter={}",
                encode(r#"userName eq "dee@example.com""#)
            ),
            None,
        )
        .await
        .json();
    assert_eq!(found["totalResults"], 1);
    assert_eq!(app.newest_email("dee@example.com").await.kind, "invitation");
    let listed = app
        .call("users", &[("search", "dee@")], Some(&admin))
        .await
        .json();
    assert_eq!(listed["users"][0]["role"], "media_library_user");
    assert_eq!(listed["users"][0]["status"], "pending");

    // The same email again: 409 uniqueness, nothing created. No userName: 400.
    let r = app
        .scim_send(&token, "POST", "/scim/v2/Users", Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["scimType"], "uniqueness");
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users",
            Some(serde_json::json!({ "displayName": "Nobody" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Created inactive: added disabled, no invitation.
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users",
            Some(serde_json::json!({ "userName": "eve@example.com", "active": "False" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["active"], false);
    assert_eq!(app.emails_to("eve@example.com").await, 0);
}

#[tokio::test]
async fn groups_are_created_read_and_their_members_synced() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let r = app
        .add_users(&admin, &["ann@example.com", "bo@example.com"], "reports")
        .await;
    let ids: Vec<String> = serde_json::from_str(&r.body).unwrap();
    let (ann, bo) = (ids[0].clone(), ids[1].clone());
    let (_, token) = app
        .service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap();

    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Groups",
            Some(serde_json::json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Editors", "members": [{ "value": ann }],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let group = r.json();
    let gid = group["id"].as_str().unwrap().to_string();
    assert_eq!(group["members"][0]["value"], ann);
    assert!(group["members"][0]["$ref"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/scim/v2/Users/{ann}")));
    // The Groups page sees it.
    let page = app.call("groups", &[], Some(&admin)).await.json();
    assert!(page
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"] == "Editors" && g["member_count"] == 1));

    // Entra ID's member patches: add Bo, remove Ann, rename.
    let path = format!("/scim/v2/Groups/{gid}");
    let r = app
        .scim_send(
            &token,
            "PATCH",
            &path,
            Some(serde_json::json!({ "Operations": [
                { "op": "Add", "path": "members", "value": [{ "value": bo }] },
                { "op": "Remove", "path": format!("members[value eq \"{ann}\"]") },
                { "op": "Replace", "path": "displayName", "value": "Video editors" },
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let group = r.json();
    assert_eq!(group["displayName"], "Video editors");
    let members: Vec<&str> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(members, vec![bo.as_str()]);

    // Looked up by name; PUT sets members exactly; a bad member changes nothing.
    let found = app
        .scim_send(
            &token,
            "GET",
            &format!(
                "/scim/v2/Groups?filter={}",
                encode(r#"displayName eq "video editors""#)
            ),
            None,
        )
        .await
        .json();
    assert_eq!(found["totalResults"], 1);
    let r = app
        .scim_send(&token, "PUT", &path, Some(serde_json::json!({ "displayName": "Video editors", "members": [{ "value": ann }, { "value": bo }] })))
        .await;
    assert_eq!(r.json()["members"].as_array().unwrap().len(), 2);
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Groups",
            Some(
                serde_json::json!({ "displayName": "Ghosts", "members": [{ "value": "nobody" }] }),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let page = app.call("groups", &[], Some(&admin)).await.json();
    assert!(
        !page
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "Ghosts"),
        "nothing created"
    );

    // Deleted.
    assert_eq!(
        app.scim_send(&token, "DELETE", &path, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.scim_send(&token, "GET", &path, None).await.status,
        StatusCode::NOT_FOUND
    );
}
