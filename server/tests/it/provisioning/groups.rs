//! User groups and members through the Provisioning API.

use super::*;
use serde_json::json;

#[tokio::test]
async fn groups_are_created_renamed_given_members_and_deleted() {
    let c = Client::new("enterprise").await;
    let g = c
        .ok(
            "POST",
            "/user_groups",
            Body_::Json(json!({"name": "Designers"})),
        )
        .await;
    assert_eq!(keys(&g), ["id", "name"]);
    let id = g["id"].as_str().unwrap().to_string();
    refused(
        &c.send(
            "POST",
            "/user_groups",
            Body_::Json(json!({"name": "designers"})),
        )
        .await,
        409,
        "User group name already exists",
    );
    // Node renames with a form body.
    let renamed = c
        .ok(
            "PUT",
            &format!("/user_groups/{id}"),
            form(&[("name", "Designers 2")]),
        )
        .await;
    assert_eq!(renamed["name"], "Designers 2");

    let mut users = Vec::new();
    for email in ["a@example.com", "b@example.com"] {
        let u = c
            .ok(
                "POST",
                "/users",
                Body_::Json(json!({"name": email, "email": email, "role": "media_library_user"})),
            )
            .await;
        users.push(u["id"].as_str().unwrap().to_string());
    }
    let add = |uid: &str| format!("/user_groups/{id}/users/{uid}");
    let one = c.ok("POST", &add(&users[0]), Body_::None).await;
    assert_eq!(keys(&one["users"][0]), ["id", "name", "email"]);
    c.ok("POST", &add(&users[1]), Body_::Json(json!({}))).await;
    // Twice: still two members, in joining order.
    let again = c.ok("POST", &add(&users[0]), Body_::None).await;
    let ids: Vec<&str> = again["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [users[0].as_str(), users[1].as_str()]);
    let listed = c
        .ok("GET", &format!("/user_groups/{id}/users"), Body_::None)
        .await;
    assert_eq!(listed, again);
    let extended = c
        .ok(
            "GET",
            &format!("/user_groups/{id}?extended_details=true"),
            Body_::None,
        )
        .await;
    assert_eq!(
        keys(&extended),
        ["id", "name", "users", "created_at", "updated_at"]
    );
    let all = c
        .ok("GET", "/user_groups?extended_details=true", Body_::None)
        .await;
    assert_eq!(all["user_groups"][0]["users"].as_array().unwrap().len(), 2);
    // A user's groups, also at the path an SDK release used.
    let mine = c
        .ok("GET", &format!("/users/{}/groups", users[0]), Body_::None)
        .await;
    assert_eq!(mine, json!({"groups": [{"id": id, "name": "Designers 2"}]}));
    let compat = c
        .ok("GET", &format!("/user_groups/{}", users[0]), Body_::None)
        .await;
    assert_eq!(compat, mine);

    let left = c.ok("DELETE", &add(&users[0]), Body_::None).await;
    assert_eq!(left["users"].as_array().unwrap().len(), 1);
    // Unknown user or group; an inactive user can't join.
    let ghost = "d".repeat(32);
    refused(
        &c.send("POST", &add(&ghost), Body_::None).await,
        404,
        &format!("Cannot find user with id {ghost}"),
    );
    refused(
        &c.get(&format!("/user_groups/{ghost}")).await,
        404,
        &format!("Cannot find user group with id {ghost}"),
    );
    c.ok("DELETE", &format!("/users/{}", users[0]), Body_::None)
        .await;
    refused(
        &c.send("POST", &add(&users[0]), Body_::None).await,
        409,
        "User is inactive",
    );

    assert_eq!(
        c.ok("DELETE", &format!("/user_groups/{id}"), Body_::None)
            .await,
        json!({"ok": true})
    );
    assert_eq!(
        c.ok("GET", "/user_groups", Body_::None).await,
        json!({"user_groups": []})
    );
}
