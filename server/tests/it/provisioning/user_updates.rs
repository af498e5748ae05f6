//! Users changed through the Provisioning API: update, disable, delete → inactive, the
//! protected root, simultaneous updates and what an update answers.

use super::users::environment_ids;
use super::*;
use serde_json::json;

#[tokio::test]
async fn users_are_updated_disabled_and_deleted_but_the_root_user_is_protected() {
    let c = Client::new("enterprise").await;
    let envs = environment_ids(&c).await;
    let u = c
        .ok(
            "POST",
            "/users",
            Body_::Json(json!({"name": "Ann", "email": "ann@example.com", "role": "admin"})),
        )
        .await;
    let id = u["id"].as_str().unwrap().to_string();
    let path = format!("/users/{id}");
    let changed = c
        .ok(
            "PUT",
            &path,
            Body_::Json(json!({"name": "Ann B", "role": "billing", "sub_account_ids": [envs[1]], "enabled": "false"})),
        )
        .await;
    assert_eq!(changed["name"], "Ann B");
    assert_eq!(changed["role"], "billing");
    assert_eq!(changed["sub_account_count"], 1);
    assert_eq!(
        (changed["enabled"].as_bool(), changed["status"].as_str()),
        (Some(false), Some("disabled"))
    );
    let back = c
        .ok("PUT", &path, Body_::Json(json!({"enabled": true})))
        .await;
    assert_eq!(back["status"], "pending");
    let promoted = c
        .ok("PUT", &path, Body_::Json(json!({"role": "master_admin"})))
        .await;
    assert_eq!(promoted["all_sub_accounts"], true);
    assert_eq!(promoted["sub_account_count"], 2);

    // The root user: no role change, no disabling, no delete.
    let root = c.ok("GET", "/users?prefix=root", Body_::None).await["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let root_path = format!("/users/{root}");
    let root_before = c.ok("GET", &root_path, Body_::None).await;
    for body in [
        json!({"role": "admin"}),
        json!({"enabled": false}),
        // An allowed edit with a refused disable: neither happens.
        json!({"name": "Renamed root", "enabled": false}),
    ] {
        refused(
            &c.send("PUT", &root_path, Body_::Json(body)).await,
            403,
            "The root user can't be changed or deleted",
        );
    }
    assert_eq!(c.ok("GET", &root_path, Body_::None).await, root_before);
    refused(
        &c.send("DELETE", &root_path, Body_::None).await,
        403,
        "The root user can't be changed or deleted",
    );

    // Delete → inactive (seat freed); again → ok, unchanged; updates now conflict.
    assert_eq!(
        c.ok("DELETE", &path, Body_::Json(json!({}))).await,
        json!({"message": "ok"})
    );
    let gone = c.ok("GET", &path, Body_::None).await;
    assert_eq!(
        (gone["status"].as_str(), gone["enabled"].as_bool()),
        (Some("inactive"), Some(false))
    );
    assert_eq!(
        c.ok("DELETE", &path, Body_::None).await,
        json!({"message": "ok"})
    );
    refused(
        &c.send("PUT", &path, Body_::Json(json!({"name": "X"})))
            .await,
        409,
        "User is inactive",
    );
    let unknown = "c".repeat(32);
    refused(
        &c.get(&format!("/users/{unknown}")).await,
        404,
        &format!("Cannot find user with id {unknown}"),
    );
    refused(
        &c.send(
            "PUT",
            &format!("/users/{unknown}"),
            Body_::Json(json!({"name": "X"})),
        )
        .await,
        404,
        &format!("Cannot find user with id {unknown}"),
    );
    // Not listed without a status filter; listed with status=inactive.
    let live = c.ok("GET", "/users", Body_::None).await.to_string();
    assert!(!live.contains("ann@example.com"));
    let inactive = c.ok("GET", "/users?status=inactive", Body_::None).await;
    assert_eq!(inactive["users"][0]["id"], id.as_str());
    let audit = c.audit().await;
    assert!(
        audit.contains("user.create") && audit.contains("user.delete"),
        "{audit}"
    );
}

/// Two PUTs of one user at the same moment, one changing the name and one the role: each
/// request reads, merges and writes in one transaction, so both changes survive; and every
/// write moves `updated_at` forward, even within the second the user was created.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_puts_of_different_fields_both_survive() {
    let dir = tempfile::tempdir().unwrap();
    let c = std::sync::Arc::new(Client::on_disk(dir.path(), "enterprise").await);
    for i in 0..25 {
        // A second per pair: the key's rate limit counts requests per second.
        c.app.clock.advance(1);
        let u = c
            .ok(
                "POST",
                "/users",
                Body_::Json(json!({"name": format!("User {i}"), "email": format!("pair{i}@example.com"), "role": "reports"})),
            )
            .await;
        let path = format!("/users/{}", u["id"].as_str().unwrap());
        let (a, b) = (c.clone(), c.clone());
        let (pa, pb) = (path.clone(), path.clone());
        let name = tokio::spawn(async move {
            a.send(
                "PUT",
                &pa,
                Body_::Json(json!({"name": format!("Renamed {i}")})),
            )
            .await
        });
        let role = tokio::spawn(async move {
            b.send("PUT", &pb, Body_::Json(json!({"role": "billing"})))
                .await
        });
        let (name, role) = (name.await.unwrap(), role.await.unwrap());
        assert_eq!(
            (name.status.as_u16(), role.status.as_u16()),
            (200, 200),
            "{} {}",
            name.body,
            role.body
        );
        let after = c.ok("GET", &path, Body_::None).await;
        assert_eq!(
            (after["name"].as_str(), after["role"].as_str()),
            (Some(format!("Renamed {i}").as_str()), Some("billing")),
            "pair {i}: a change was lost"
        );
        // Two writes since it was created: updated_at moved past created_at twice.
        assert!(
            after["updated_at"].as_str() > u["updated_at"].as_str(),
            "{} vs {}",
            after["updated_at"],
            u["updated_at"]
        );
        assert_eq!(u["updated_at"], u["created_at"]);
    }
}

#[tokio::test]
async fn an_update_answers_with_the_record_it_wrote_and_moves_updated_at() {
    let c = Client::new("enterprise").await;
    let u = c
        .ok(
            "POST",
            "/users",
            Body_::Json(json!({"name": "Ann", "email": "ann@example.com", "role": "reports"})),
        )
        .await;
    let path = format!("/users/{}", u["id"].as_str().unwrap());
    let first = c
        .ok("PUT", &path, Body_::Json(json!({"name": "Ann B"})))
        .await;
    let second = c
        .ok("PUT", &path, Body_::Json(json!({"enabled": false})))
        .await;
    assert_eq!(first["name"], "Ann B");
    assert_eq!(second["name"], "Ann B", "the answer is the user as written");
    assert!(first["updated_at"].as_str() > u["updated_at"].as_str());
    assert!(second["updated_at"].as_str() > first["updated_at"].as_str());
    assert_eq!(c.ok("GET", &path, Body_::None).await, second);
}
