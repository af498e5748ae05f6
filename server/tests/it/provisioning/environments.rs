//! Product environments and their access keys through the Provisioning API.

use super::*;
use serde_json::json;

const ENVIRONMENT_FIELDS: [&str; 9] = [
    "cloud_name",
    "name",
    "enabled",
    "id",
    "api_access_keys",
    "created_at",
    "updated_at",
    "description",
    "custom_attributes",
];

const KEY_FIELDS: [&str; 7] = [
    "name",
    "api_key",
    "api_secret",
    "created_at",
    "updated_at",
    "enabled",
    "root",
];

#[tokio::test]
async fn environments_are_created_listed_filtered_updated_and_deleted() {
    let c = Client::new("enterprise").await;
    let listed = c.ok("GET", "/sub_accounts", Body_::None).await;
    let first = listed["sub_accounts"][0].clone();
    assert_eq!(keys(&first), ENVIRONMENT_FIELDS);
    assert_eq!(first["id"].as_str().unwrap().len(), 32);

    // Node's create: JSON with an object and a boolean; born with one enabled key.
    let made = c
        .ok(
            "POST",
            "/sub_accounts",
            Body_::Json(json!({"cloud_name": "my_pe", "name": "My PE",
                "custom_attributes": {"team": "x"}, "enabled": true,
                "base_sub_account_id": first["id"]})),
        )
        .await;
    assert_eq!(keys(&made), ENVIRONMENT_FIELDS);
    assert_eq!(made["cloud_name"], "my_pe");
    assert_eq!(made["custom_attributes"], json!({"team": "x"}));
    assert_eq!(made["description"], json!(null));
    let made_keys = made["api_access_keys"].as_array().unwrap();
    assert_eq!(made_keys.len(), 1);
    assert_eq!(made_keys[0]["enabled"], true);
    assert_eq!(made_keys[0]["key"].as_str().unwrap().len(), 15);
    assert!(made["created_at"].as_str().unwrap().ends_with('Z'));
    let id = made["id"].as_str().unwrap().to_string();

    // The same cloud name again; an unknown base; a missing name.
    let r = c
        .send(
            "POST",
            "/sub_accounts",
            Body_::Json(json!({"name": "Dup", "cloud_name": "my_pe"})),
        )
        .await;
    refused(&r, 409, "Cloud name already exists");
    let r = c
        .send(
            "POST",
            "/sub_accounts",
            Body_::Json(json!({"name": "X", "base_sub_account_id": "f".repeat(32)})),
        )
        .await;
    refused(
        &r,
        404,
        &format!("Cannot find sub account with id {}", "f".repeat(32)),
    );
    refused(
        &c.send(
            "POST",
            "/sub_accounts",
            Body_::Json(json!({"cloud_name": "abc"})),
        )
        .await,
        400,
        "Missing required parameter - name",
    );

    // Python's update: booleans as strings; bracket-key attributes in a form.
    let updated = c
        .ok(
            "PUT",
            &format!("/sub_accounts/{id}"),
            Body_::Json(json!({"name": "New", "enabled": "false"})),
        )
        .await;
    assert_eq!(
        (updated["name"].as_str(), updated["enabled"].as_bool()),
        (Some("New"), Some(false))
    );
    // A refused edit with a status change: neither happens.
    let r = c
        .send(
            "PUT",
            &format!("/sub_accounts/{id}"),
            Body_::Json(json!({"cloud_name": first["cloud_name"], "enabled": true})),
        )
        .await;
    refused(&r, 409, "Cloud name already exists");
    let unchanged = c
        .ok("GET", &format!("/sub_accounts/{id}"), Body_::None)
        .await;
    assert_eq!(unchanged, updated);
    let updated = c
        .ok(
            "PUT",
            &format!("/sub_accounts/{id}"),
            form(&[("custom_attributes[tier]", "gold"), ("description", "Web")]),
        )
        .await;
    assert_eq!(updated["custom_attributes"], json!({"tier": "gold"}));
    assert_eq!(updated["description"], "Web");
    let r = c
        .send(
            "PUT",
            &format!("/sub_accounts/{id}"),
            Body_::Json(json!({"enabled": "maybe"})),
        )
        .await;
    refused(&r, 400, "Invalid value maybe for parameter enabled");

    // Filters: ids[] (other filters ignored), enabled, prefix, cloud_names.
    let q = format!("/sub_accounts?ids%5B%5D={id}&enabled=true");
    let by_id = c.ok("GET", &q, Body_::None).await;
    assert_eq!(by_id["sub_accounts"].as_array().unwrap().len(), 1);
    let enabled = c.ok("GET", "/sub_accounts?enabled=true", Body_::None).await;
    assert_eq!(enabled["sub_accounts"].as_array().unwrap().len(), 1);
    let prefix = c.ok("GET", "/sub_accounts?prefix=ne", Body_::None).await;
    assert_eq!(prefix["sub_accounts"][0]["id"], id.as_str());
    let by_cloud = c
        .ok("GET", "/sub_accounts?cloud_names=my_pe", Body_::None)
        .await;
    assert_eq!(by_cloud["sub_accounts"].as_array().unwrap().len(), 1);

    refused(
        &c.get(&format!("/sub_accounts/{}", "0".repeat(32))).await,
        404,
        &format!("Cannot find sub account with id {}", "0".repeat(32)),
    );
    assert_eq!(
        c.ok(
            "DELETE",
            &format!("/sub_accounts/{id}"),
            Body_::Json(json!({}))
        )
        .await,
        json!({"message": "ok"})
    );
    // The last environment stays.
    let last = first["id"].as_str().unwrap();
    refused(
        &c.send("DELETE", &format!("/sub_accounts/{last}"), Body_::None)
            .await,
        400,
        "An account must keep at least one product environment",
    );
    let audit = c.audit().await;
    assert!(audit.contains("environment.create") && audit.contains("environment.delete"));
    assert!(
        audit.contains("account_api_key"),
        "the key is the actor: {audit}"
    );
}

#[tokio::test]
async fn access_keys_are_generated_dedicated_paged_and_deleted_by_key_or_name() {
    let c = Client::new("enterprise").await;
    let env = c.ok("GET", "/sub_accounts", Body_::None).await["sub_accounts"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let base = format!("/sub_accounts/{env}/access_keys");
    let list = c.ok("GET", &base, Body_::None).await;
    assert_eq!(keys(&list), ["access_keys", "total"]);
    assert_eq!(list["total"], 1);
    let root = list["access_keys"][0].clone();
    assert_eq!(keys(&root), KEY_FIELDS);
    assert_eq!(root["root"], true);

    let made = c
        .ok(
            "POST",
            &base,
            Body_::Json(json!({"name": "main_key", "enabled": true})),
        )
        .await;
    assert_eq!(keys(&made), KEY_FIELDS);
    assert_eq!(
        (made["name"].as_str(), made["root"].as_bool()),
        (Some("main_key"), Some(false))
    );
    let key = made["api_key"].as_str().unwrap().to_string();
    refused(
        &c.send("POST", &base, Body_::Json(json!({"name": "MAIN_KEY"})))
            .await,
        409,
        "Access key name already exists",
    );

    // Dedicate for webhooks (array or string), then it can't be disabled.
    let dedicated = c
        .ok(
            "PUT",
            &format!("{base}/{key}"),
            Body_::Json(json!({"dedicated_for": ["webhooks"]})),
        )
        .await;
    assert_eq!(dedicated["dedicated_for"], json!(["webhooks"]));
    refused(
        &c.send(
            "PUT",
            &format!("{base}/{key}"),
            Body_::Json(json!({"enabled": false})),
        )
        .await,
        400,
        "Dedicate another key for webhooks before disabling this one",
    );
    let root_key = root["api_key"].as_str().unwrap();
    let moved = c
        .ok(
            "PUT",
            &format!("{base}/{root_key}"),
            form(&[("dedicated_for", "webhooks")]),
        )
        .await;
    assert_eq!(moved["dedicated_for"], json!(["webhooks"]));
    let list = c
        .ok(
            "GET",
            &format!("{base}?sort_by=api_key&sort_order=asc"),
            Body_::None,
        )
        .await;
    let dedicated: Vec<&Value> = list["access_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k.get("dedicated_for").is_some())
        .collect();
    assert_eq!(dedicated.len(), 1, "{list}");
    let cleared = c
        .ok(
            "PUT",
            &format!("{base}/{root_key}"),
            Body_::Json(json!({"dedicated_for": ""})),
        )
        .await;
    assert!(cleared.get("dedicated_for").is_none(), "{cleared}");
    let off = c
        .ok(
            "PUT",
            &format!("{base}/{key}"),
            Body_::Json(json!({"enabled": "false", "name": "k1"})),
        )
        .await;
    assert_eq!(
        (off["enabled"].as_bool(), off["name"].as_str()),
        (Some(false), Some("k1"))
    );

    // Paging: one per page, newest first by default.
    let page = c
        .ok("GET", &format!("{base}?page_size=1&page=1"), Body_::None)
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["access_keys"].as_array().unwrap().len(), 1);
    assert_eq!(page["access_keys"][0]["api_key"], key.as_str());
    refused(
        &c.get(&format!("{base}?page_size=101")).await,
        400,
        "Invalid value 101 for parameter page_size",
    );

    // Delete by name: query (Python 1.44), JSON (1.46), form (Node); unknowns are 404.
    refused(
        &c.send("DELETE", &format!("{base}?name=nope"), Body_::None)
            .await,
        404,
        "Cannot find access key with name nope",
    );
    refused(
        &c.send("DELETE", &format!("{base}/999999999999999"), Body_::None)
            .await,
        404,
        "Cannot find access key 999999999999999",
    );
    assert_eq!(
        c.ok("DELETE", &format!("{base}?name=k1"), Body_::None)
            .await,
        json!({"message": "ok"})
    );
    for body in [Body_::Json(json!({"name": "k2"})), form(&[("name", "k3")])] {
        let name = match &body {
            Body_::Json(v) => v["name"].as_str().unwrap().to_string(),
            _ => "k3".into(),
        };
        c.ok("POST", &base, Body_::Json(json!({"name": name})))
            .await;
        assert_eq!(c.ok("DELETE", &base, body).await, json!({"message": "ok"}));
    }
    assert_eq!(c.ok("GET", &base, Body_::None).await["total"], 1);
    refused(
        &c.send(
            "DELETE",
            &format!("{base}/{root_key}"),
            Body_::Json(json!({})),
        )
        .await,
        400,
        "A product environment must keep at least one access key",
    );
}
