//! Users through the Provisioning API: create (JSON and multipart), the record's fields,
//! filters and paging (changes to them: user_updates.rs).

use super::*;
use app::service::Clock;
use serde_json::json;

const USER_FIELDS: [&str; 21] = [
    "id",
    "name",
    "first_name",
    "last_name",
    "role",
    "email",
    "pending",
    "enabled",
    "created_at",
    "updated_at",
    "last_login",
    "all_sub_accounts",
    "providers",
    "email_preferences",
    "account_id",
    "two_factor",
    "root",
    "status",
    "technical_role",
    "group_count",
    "sub_account_count",
];

pub(super) async fn environment_ids(c: &Client) -> Vec<String> {
    let env = c.ok("GET", "/sub_accounts", Body_::None).await;
    let mut ids: Vec<String> = env["sub_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    if ids.len() < 2 {
        let made = c
            .ok(
                "POST",
                "/sub_accounts",
                Body_::Json(json!({"name": "Second"})),
            )
            .await;
        ids.push(made["id"].as_str().unwrap().to_string());
    }
    ids
}

#[tokio::test]
async fn users_are_created_from_json_and_multipart_with_the_contracts_fields() {
    let c = Client::new("enterprise").await;
    let envs = environment_ids(&c).await;
    let john = c
        .ok(
            "POST",
            "/users",
            Body_::Json(json!({"name": "John", "email": "john@example.com",
                "role": "technical_admin", "sub_account_ids": [envs[0], envs[1]]})),
        )
        .await;
    assert_eq!(keys(&john), USER_FIELDS);
    assert_eq!(john["status"], "pending");
    assert_eq!(
        (john["pending"].as_bool(), john["enabled"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(john["sub_account_count"], 2);
    assert_eq!(john["all_sub_accounts"], false);
    assert_eq!(john["account_id"], c.app.account_id.as_str());
    assert_eq!(john["last_login"], json!(null));
    assert_eq!(john["providers"], json!(["password"]));
    // The invitation the console would send went out.
    assert_eq!(c.app.emails_to("john@example.com").await, 1);

    // Python 1.44: multipart with indexed fields, in index order.
    let mary = c
        .ok(
            "POST",
            "/users",
            multipart(&[
                ("name", "Mary"),
                ("email", "mary@example.com"),
                ("role", "admin"),
                ("sub_account_ids[1]", &envs[1]),
                ("sub_account_ids[0]", &envs[0]),
            ]),
        )
        .await;
    assert_eq!(
        (mary["role"].as_str(), mary["sub_account_count"].as_i64()),
        (Some("admin"), Some(2))
    );
    let subs = c
        .ok(
            "GET",
            &format!("/users/{}/sub_accounts", mary["id"].as_str().unwrap()),
            Body_::None,
        )
        .await;
    assert_eq!(
        keys(&subs["sub_accounts"][0]),
        ["id", "name", "description", "cloud_name", "enabled"]
    );
    // Default role; no sub_account_ids: every environment.
    let ml = c
        .ok(
            "POST",
            "/users",
            form(&[("name", "Lee"), ("email", "lee@example.com")]),
        )
        .await;
    assert_eq!(
        (ml["role"].as_str(), ml["all_sub_accounts"].as_bool()),
        (Some("media_library_user"), Some(true))
    );

    // Created disabled, in one transaction: no invitation (its link couldn't be used);
    // enabled later, the user is pending again.
    let off = c
        .ok(
            "POST",
            "/users",
            Body_::Json(json!({"name": "Off", "email": "off@example.com", "enabled": "false"})),
        )
        .await;
    assert_eq!(
        (
            off["status"].as_str(),
            off["enabled"].as_bool(),
            off["pending"].as_bool()
        ),
        (Some("disabled"), Some(false), Some(false))
    );
    assert_eq!(c.app.emails_to("off@example.com").await, 0);
    let audit = c.audit().await;
    assert!(
        audit.contains("user.create") && audit.contains("user.disable"),
        "{audit}"
    );
    let on = c
        .ok(
            "PUT",
            &format!("/users/{}", off["id"].as_str().unwrap()),
            Body_::Json(json!({"enabled": true})),
        )
        .await;
    assert_eq!(
        (on["status"].as_str(), on["enabled"].as_bool()),
        (Some("pending"), Some(true))
    );

    // Refusals change nothing.
    let before = c.ok("GET", "/users", Body_::None).await["users"]
        .as_array()
        .unwrap()
        .len();
    refused(
        &c.send(
            "POST",
            "/users",
            Body_::Json(json!({"name": "J", "email": "JOHN@example.com"})),
        )
        .await,
        409,
        "This email already exists",
    );
    refused(
        &c.send(
            "POST",
            "/users",
            Body_::Json(json!({"name": "J", "email": "j@example.com", "role": "boss"})),
        )
        .await,
        400,
        "Invalid value boss for parameter role",
    );
    refused(
        &c.send(
            "POST",
            "/users",
            Body_::Json(json!({"name": "J", "email": "not-an-email"})),
        )
        .await,
        400,
        "Invalid value not-an-email for parameter email",
    );
    refused(
        &c.send(
            "POST",
            "/users",
            Body_::Json(json!({"email": "j@example.com"})),
        )
        .await,
        400,
        "Missing required parameter - name",
    );
    let ghost = "a".repeat(32);
    refused(
        &c.send(
            "POST",
            "/users",
            Body_::Json(json!({"name": "J", "email": "j@example.com", "sub_account_ids": [ghost]})),
        )
        .await,
        404,
        &format!("Cannot find sub account with id {ghost}"),
    );
    let after = c.ok("GET", "/users", Body_::None).await["users"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_user_list_filters_combine_and_page() {
    let c = Client::new("enterprise").await;
    let envs = environment_ids(&c).await;
    c.app.clock.advance(1);
    for (name, email, env) in [
        ("Jo Adams", "jo@example.com", &envs[0]),
        ("Joan Baker", "joan@example.com", &envs[1]),
        ("Kim Chan", "kim@example.com", &envs[1]),
    ] {
        c.ok(
            "POST",
            "/users",
            Body_::Json(
                json!({"name": name, "email": email, "role": "admin", "sub_account_ids": [env]}),
            ),
        )
        .await;
        c.app.clock.advance(1);
    }
    let names = |v: &Value| -> Vec<String> {
        v["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect()
    };
    // Every live user, newest first by default; the root user too.
    let all = c.ok("GET", "/users", Body_::None).await;
    assert_eq!(
        names(&all),
        [
            "kim@example.com",
            "joan@example.com",
            "jo@example.com",
            ADMIN_EMAIL
        ]
    );
    let ids: Vec<String> = all["users"].as_array().unwrap()[..2]
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    // ids comma-joined (Python) and repeated (Node) combine with the other filters.
    let q = format!("/users?ids={}%2C{}&pending=false", ids[0], ids[1]);
    assert_eq!(
        names(&c.ok("GET", &q, Body_::None).await),
        Vec::<String>::new()
    );
    let q = format!(
        "/users?ids={}&ids={}&status=pending&sort_order=asc",
        ids[0], ids[1]
    );
    assert_eq!(
        names(&c.ok("GET", &q, Body_::None).await),
        ["joan@example.com", "kim@example.com"]
    );
    // Prefix on name or email, case-insensitive; sub_account_id; sort by name.
    let q = "/users?prefix=JO&sort_by=name&sort_order=asc";
    assert_eq!(
        names(&c.ok("GET", q, Body_::None).await),
        ["jo@example.com", "joan@example.com"]
    );
    let q = format!("/users?sub_account_id={}&pending=true", envs[1]);
    assert_eq!(
        names(&c.ok("GET", &q, Body_::None).await),
        ["kim@example.com", "joan@example.com"]
    );
    let q = "/users?emails=kim@example.com,JO@example.com&sort_order=asc";
    assert_eq!(
        names(&c.ok("GET", q, Body_::None).await),
        ["jo@example.com", "kim@example.com"]
    );
    // Last login in a range: only the root user ever signed in (at T0's day).
    c.app.admin_token().await;
    let day = app::domain::format::day(c.app.clock.now());
    let q = format!("/users?last_login=true&from={day}&to={day}");
    assert_eq!(names(&c.ok("GET", &q, Body_::None).await), [ADMIN_EMAIL]);
    let q = format!("/users?last_login=true&union_type=exclude&from={day}&to={day}T10:00:00Z");
    assert_eq!(names(&c.ok("GET", &q, Body_::None).await).len(), 3);
    // Pages of two.
    let p2 = c.ok("GET", "/users?page=2&page_size=2", Body_::None).await;
    assert_eq!(names(&p2), ["jo@example.com", ADMIN_EMAIL]);
    // Bad filters are named.
    refused(
        &c.get("/users?status=gone").await,
        400,
        "Invalid value gone for parameter status",
    );
    refused(
        &c.get("/users?page_size=501").await,
        400,
        "Invalid value 501 for parameter page_size",
    );
    refused(
        &c.get("/users?from=yesterday&last_login=true").await,
        400,
        "Invalid value yesterday for parameter from",
    );
    let ghost = "b".repeat(32);
    refused(
        &c.get(&format!("/users?sub_account_id={ghost}")).await,
        404,
        &format!("Cannot find sub account with id {ghost}"),
    );
    let many: String = (0..101).map(|i| format!("ids[]={i}&")).collect();
    refused(
        &c.get(&format!("/users?{many}")).await,
        400,
        "Too many values for ids (maximum 100)",
    );
}

#[tokio::test]
async fn every_column_of_the_record_lands_in_its_field() {
    // Values no two fields share, set where the console sets them (My Profile).
    let c = Client::new("enterprise").await;
    let admin = c.app.admin_token().await;
    let r = c
        .app
        .call(
            "profile",
            &[
                ("name", "Robin Root"),
                ("first_name", "Robin"),
                ("last_name", "Rootsworth"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);
    let r = c
        .app
        .call(
            "email_preferences",
            &[("weekly_report", "on"), ("billing_notifications", "on")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, http::StatusCode::OK, "{}", r.body);
    let group = c
        .ok(
            "POST",
            "/user_groups",
            Body_::Json(json!({"name": "Editors"})),
        )
        .await;
    let listed = c.ok("GET", "/users", Body_::None).await;
    let root = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["root"] == true)
        .unwrap()
        .clone();
    let id = root["id"].as_str().unwrap().to_string();
    c.ok(
        "POST",
        &format!("/user_groups/{}/users/{id}", group["id"].as_str().unwrap()),
        Body_::None,
    )
    .await;
    let environments = environment_ids(&c).await.len();
    // The list (one statement outside a transaction) and the single read agree.
    let listed = c.ok("GET", &format!("/users?ids={id}"), Body_::None).await["users"][0].clone();
    let single = c.ok("GET", &format!("/users/{id}"), Body_::None).await;
    for user in [listed, single] {
        assert_eq!(keys(&user), USER_FIELDS);
        assert_eq!(user["id"], id.as_str());
        assert_eq!(user["account_id"], c.app.account_id.as_str());
        assert_eq!(
            (&user["name"], &user["first_name"], &user["last_name"]),
            (&json!("Robin Root"), &json!("Robin"), &json!("Rootsworth"))
        );
        assert_eq!(user["email"], crate::support::ADMIN_EMAIL);
        assert_eq!(
            (&user["role"], &user["status"], &user["root"]),
            (&json!("master_admin"), &json!("active"), &json!(true))
        );
        assert_eq!(user["providers"], json!(["password"]));
        assert_eq!(
            user["email_preferences"],
            json!({"usage_alerts": false, "weekly_report": true,
                   "product_updates": false, "billing_notifications": true})
        );
        assert_eq!(user["all_sub_accounts"], true);
        assert_eq!(user["sub_account_count"], environments);
        assert_eq!(user["group_count"], 1);
        assert!(user["last_login"].is_string(), "{user}");
        assert!(user["created_at"].as_str().unwrap() <= user["updated_at"].as_str().unwrap());
    }
}
