//! SCIM's own names (a userName that isn't the email, the email as sent), versions (ETag,
//! If-None-Match, If-Match) and searches (docs/rules/scim.md#users, #versions).

use crate::scim::encode;
use crate::support::TestApp;
use http::StatusCode;
use serde_json::{json, Value};

async fn okta(app: &TestApp) -> String {
    app.service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap()
        .1
}

fn filter(f: &str) -> String {
    format!("/scim/v2/Users?filter={}", encode(f))
}

#[tokio::test]
async fn a_user_name_that_isnt_the_email_is_kept_found_and_unique() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let token = okta(&app).await;
    // Entra ID: the UPN as userName, the mail among emails (the primary one is the email).
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users",
            Some(json!({
                "userName": "Ann.Lee@corp.example", "name": { "formatted": "Ann Lee" },
                "emails": [
                    { "value": "ann.home@example.com", "type": "home" },
                    { "value": "ann@example.com", "type": "work", "primary": "True" },
                ],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ann = r.json();
    let id = ann["id"].as_str().unwrap().to_string();
    assert_eq!(ann["userName"], "Ann.Lee@corp.example");
    assert_eq!(
        ann["emails"],
        json!([{ "value": "ann@example.com", "type": "work", "primary": true }])
    );
    assert_eq!(ann["name"], json!({ "formatted": "Ann Lee" }));
    // The console knows her by her email, named by name.formatted.
    let listed = app
        .call("users", &[("search", "ann@")], Some(&admin))
        .await
        .json();
    assert_eq!(listed["users"][0]["name"], "Ann Lee");
    // Found by either; the email isn't her userName.
    for f in [
        r#"userName eq "ann.lee@corp.example""#,
        r#"userName sw "ANN.""#,
        r#"emails eq "ann@example.com""#,
    ] {
        let found = app.scim_send(&token, "GET", &filter(f), None).await.json();
        assert_eq!(found["totalResults"], 1, "{f}");
    }
    let none = app
        .scim_send(
            &token,
            "GET",
            &filter(r#"userName eq "ann@example.com""#),
            None,
        )
        .await
        .json();
    assert_eq!(none["totalResults"], 0);

    // Another user can't take her userName (nor answer to it by email): 409, nothing changes.
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users",
            Some(json!({
                "userName": "ann.lee@corp.example", "emails": [{ "value": "bo@example.com" }],
            })),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].clone()),
        (StatusCode::CONFLICT, Value::from("uniqueness")),
        "{}",
        r.body
    );
    let bo = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users",
            Some(json!({ "userName": "bo@example.com" })),
        )
        .await;
    assert_eq!(bo.status, StatusCode::CREATED, "{}", bo.body);
    let bo_id = bo.json()["id"].as_str().unwrap().to_string();
    let r = app
        .scim_send(&token, "PATCH", &format!("/scim/v2/Users/{bo_id}"), Some(json!({
            "Operations": [{ "op": "replace", "path": "userName", "value": "ANN.LEE@corp.example" }],
        })))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = app
        .scim_send(
            &token,
            "PATCH",
            &format!("/scim/v2/Users/{id}"),
            Some(json!({
                "Operations": [{ "op": "replace", "path": "userName", "value": "bo@example.com" }],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Her email changes as the console's Edit changes it: at once, the old address told.
    let r = app
        .scim_send(&token, "PATCH", &format!("/scim/v2/Users/{id}"), Some(json!({
            "Operations": [{ "op": "replace", "path": "emails[type eq \"work\"].value", "value": "ann.lee@example.com" }],
        })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["emails"][0]["value"], "ann.lee@example.com");
    assert_eq!(r.json()["userName"], "Ann.Lee@corp.example");
    let log = app
        .call("audit_page", &[("action", "user.update")], Some(&admin))
        .await
        .json();
    assert!(log["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|rec| rec["actor"] == "Okta"
            && rec["after"].to_string().contains("ann.lee@example.com")));
    // A userName equal to the email follows it (none of her own kept).
    let r = app
        .scim_send(&token, "PATCH", &format!("/scim/v2/Users/{id}"), Some(json!({
            "Operations": [{ "op": "replace", "path": "userName", "value": "Ann.Lee@Example.com" }],
        })))
        .await;
    assert_eq!(r.json()["userName"], "ann.lee@example.com");
}

#[tokio::test]
async fn versions_say_whether_a_resource_changed_and_guard_changes() {
    let app = TestApp::with_account().await;
    let token = okta(&app).await;
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users",
            Some(json!({ "userName": "cy@example.com" })),
        )
        .await;
    let user = r.json();
    let path = format!("/scim/v2/Users/{}", user["id"].as_str().unwrap());
    let etag = r.headers[http::header::ETAG].to_str().unwrap().to_string();
    assert_eq!(user["meta"]["version"], etag.as_str());
    assert!(etag.starts_with("W/\""), "{etag}");

    // Unchanged: 304 with the same version; any other version: the resource.
    let r = app
        .scim_send_with(&token, "GET", &path, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers[http::header::ETAG].to_str().unwrap(), etag);
    let r = app
        .scim_send_with(
            &token,
            "GET",
            &path,
            None,
            &[("if-none-match", "W/\"old\"")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // A change under the current version lands and gets a new one.
    let patch =
        json!({ "Operations": [{ "op": "replace", "path": "displayName", "value": "Cy" }] });
    let r = app
        .scim_send_with(
            &token,
            "PATCH",
            &path,
            Some(patch.clone()),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let newer = r.headers[http::header::ETAG].to_str().unwrap().to_string();
    assert_ne!(newer, etag);
    // Under the old one: 412, nothing changed; a delete too.
    let stale =
        json!({ "Operations": [{ "op": "replace", "path": "displayName", "value": "Old" }] });
    let r = app
        .scim_send_with(&token, "PATCH", &path, Some(stale), &[("if-match", &etag)])
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.body);
    let r = app
        .scim_send_with(&token, "DELETE", &path, None, &[("if-match", &etag)])
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let now = app.scim_send(&token, "GET", &path, None).await.json();
    assert_eq!(now["displayName"], "Cy");
    // A group's version changes when its members do.
    let g = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Groups",
            Some(json!({ "displayName": "Crew", "externalId": "okta-g" })),
        )
        .await;
    assert_eq!(g.json()["externalId"], "okta-g");
    let gpath = format!("/scim/v2/Groups/{}", g.json()["id"].as_str().unwrap());
    let gtag = g.headers[http::header::ETAG].to_str().unwrap().to_string();
    let add = json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "value": now["id"] }] }] });
    let r = app
        .scim_send_with(&token, "PATCH", &gpath, Some(add), &[("if-match", &gtag)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_ne!(r.headers[http::header::ETAG].to_str().unwrap(), gtag);
    let r = app
        .scim_send_with(&token, "DELETE", &gpath, None, &[("if-match", &gtag)])
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let config = app
        .scim_send(&token, "GET", "/scim/v2/ServiceProviderConfig", None)
        .await
        .json();
    assert_eq!(config["etag"]["supported"], true);
}

#[tokio::test]
async fn searches_take_their_query_in_the_body() {
    let app = TestApp::with_account().await;
    let token = okta(&app).await;
    for who in ["dee@example.com", "dan@example.com", "eve@example.com"] {
        let r = app
            .scim_send(
                &token,
                "POST",
                "/scim/v2/Users",
                Some(json!({ "userName": who })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = app
        .scim_send(&token, "POST", "/scim/v2/Users/.search", Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": "userName sw \"d\"", "attributes": ["userName"], "count": 1, "startIndex": 2,
        })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.json();
    assert_eq!(
        (page["totalResults"].clone(), page["startIndex"].clone()),
        (json!(2), json!(2))
    );
    // Users made in the same second come in id order: the second of the two is either.
    let second = page["Resources"][0]["userName"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(["dee@example.com", "dan@example.com"].contains(&second.as_str()));
    assert!(page["Resources"][0].get("emails").is_none());
    let first = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users/.search",
            Some(json!({
                "filter": "userName sw \"d\"", "count": 1,
            })),
        )
        .await
        .json();
    assert_eq!(first["itemsPerPage"], 1);
    assert_ne!(first["Resources"][0]["userName"], second.as_str());
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Groups/.search",
            Some(json!({ "filter": "displayName co \"x\"" })),
        )
        .await;
    assert_eq!(r.json()["totalResults"], 0);
    // Unknown schema URNs are refused; the enterprise extension Entra ID sends is read past.
    let r = app
        .scim_send(&token, "POST", "/scim/v2/Users", Some(json!({
            "schemas": ["urn:example:params:scim:schemas:core:2.0:Person"], "userName": "zed@example.com",
        })))
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].clone()),
        (StatusCode::BAD_REQUEST, Value::from("invalidSyntax")),
        "{}",
        r.body
    );
    let r = app
        .scim_send(&token, "POST", "/scim/v2/Users", Some(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "userName": "zed@example.com",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "Video" },
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let zed = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .scim_send(&token, "PATCH", &format!("/scim/v2/Users/{zed}"), Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{ "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Audio" }],
        })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .scim_send(
            &token,
            "PATCH",
            &format!("/scim/v2/Users/{zed}"),
            Some(json!({
                "schemas": ["urn:example:Patch"], "Operations": [],
            })),
        )
        .await;
    assert_eq!(r.json()["scimType"], "invalidSyntax");
    // Every resource type at once isn't offered: 501; a body that isn't a search: 400.
    let r = app
        .scim_send(&token, "POST", "/scim/v2/.search", Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::NOT_IMPLEMENTED);
    let r = app
        .scim_send(
            &token,
            "POST",
            "/scim/v2/Users/.search",
            Some(json!({ "filter": 7 })),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["scimType"].clone()),
        (StatusCode::BAD_REQUEST, Value::from("invalidSyntax"))
    );
}
