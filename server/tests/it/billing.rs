//! The Account page, Change plan, Billing, add-ons and Usage through HTTP
//! (docs/rules/account.md#accounts-and-plans, §11), for all seven roles.

use crate::sharing;
use crate::support::*;
use http::StatusCode;
use serde_json::{json, Value};

fn code(ok: bool) -> StatusCode {
    if ok {
        StatusCode::OK
    } else {
        StatusCode::FORBIDDEN
    }
}

fn address(country: &str) -> String {
    json!({ "kind": "address", "value": { "name": "Acme Media", "line1": "1 Main St", "line2": "",
        "city": "Lisbon", "region": "", "postal_code": "1000-001", "country": country } })
    .to_string()
}

#[tokio::test]
async fn account_billing_addons_and_usage_follow_the_matrix_for_all_seven_roles() {
    let app = TestApp::with_plan("plus").await;
    let root = app.admin_token().await;
    let mut billing_rev = 0;
    for (role, token) in app.team(&root).await {
        let has = |perms: &[&str]| perms.contains(&role);
        let account_view = has(&[
            "master_admin",
            "admin",
            "technical_admin",
            "billing",
            "reports",
        ]);
        let account_manage = has(&["master_admin", "admin"]);
        let billing = has(&["master_admin", "billing"]);
        let addons_view = has(&[
            "master_admin",
            "admin",
            "technical_admin",
            "billing",
            "media_library_admin",
        ]);
        let addons_manage = has(&["master_admin", "admin", "technical_admin"]);
        let reports = role != "media_library_user";

        let r = app.call("account", &[], Some(&token)).await;
        assert_eq!(r.status, code(account_view), "{role} account: {}", r.body);
        if account_view {
            // Plans (with blockers) only for plan.manage.
            assert_eq!(r.json()["plans"].is_array(), billing, "{role}: {}", r.body);
        }
        let name = format!("Acme by {role}");
        let r = app
            .call(
                "update_account",
                &[("name", &name), ("company", "Acme SA")],
                Some(&token),
            )
            .await;
        assert_eq!(
            r.status,
            code(account_manage),
            "{role} update_account: {}",
            r.body
        );

        for endpoint in ["billing"] {
            let r = app.call(endpoint, &[], Some(&token)).await;
            assert_eq!(r.status, code(billing), "{role} {endpoint}: {}", r.body);
        }
        let r = app
            .call(
                "save_billing",
                &[
                    ("document", &address("PT")),
                    ("revision", &billing_rev.to_string()),
                ],
                Some(&token),
            )
            .await;
        assert_eq!(r.status, code(billing), "{role} save_billing: {}", r.body);
        billing_rev += i64::from(billing);
        let r = app
            .call("change_plan", &[("plan", "advanced")], Some(&token))
            .await;
        if billing {
            assert_eq!(r.status, StatusCode::OK, "{role} change_plan: {}", r.body);
            // Back again, so the next role starts from Plus.
            let r = app
                .call("change_plan", &[("plan", "plus")], Some(&token))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.body);
        } else {
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{role} change_plan: {}",
                r.body
            );
        }

        let r = app.call("addons", &[], Some(&token)).await;
        assert_eq!(r.status, code(addons_view), "{role} addons: {}", r.body);
        let r = app
            .call(
                "register_addon",
                &[("addon", "auto_tagging"), ("tier", "basic")],
                Some(&token),
            )
            .await;
        assert_eq!(
            r.status,
            code(addons_manage),
            "{role} register_addon: {}",
            r.body
        );
        if addons_manage {
            let r = app
                .call("cancel_addon", &[("addon", "auto_tagging")], Some(&token))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{role} cancel_addon: {}", r.body);
        }

        let r = app.call("usage", &[], Some(&token)).await;
        assert_eq!(r.status, code(reports), "{role} usage: {}", r.body);
    }
    // Refused calls changed nothing.
    let page = app.call("account", &[], Some(&root)).await.json();
    assert_eq!(page["details"]["name"], "Acme by admin");
    assert_eq!(page["details"]["plan_id"], "plus");
    assert_eq!(app.call("addons", &[], Some(&root)).await.json(), json!([]));
    let b = app.call("billing", &[], Some(&root)).await.json();
    assert_eq!(b["address"]["revision"], 2);
}

#[tokio::test]
async fn the_account_page_edits_name_and_company_and_refuses_bad_input() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    let page = app.call("account", &[], Some(&admin)).await.json();
    let d = &page["details"];
    assert_eq!(d["name"], "Acme Media");
    assert_eq!(d["id"].as_str().unwrap().len(), 36, "a UUID");
    assert_eq!(
        (d["seats_used"].as_i64(), d["seat_limit"].as_i64()),
        (Some(1), Some(10))
    );
    assert_eq!(
        (
            d["environments_used"].as_i64(),
            d["environment_limit"].as_i64()
        ),
        (Some(1), Some(5))
    );
    let r = app
        .call(
            "update_account",
            &[("name", "  "), ("company", &"x".repeat(101))],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("\"name\"") && r.body.contains("\"company\""),
        "{}",
        r.body
    );
    let r = app
        .call(
            "update_account",
            &[("name", "Acme Studios"), ("company", "Acme SA")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = app.call("account", &[], Some(&admin)).await.json()["details"].clone();
    assert_eq!(
        (d["name"].as_str(), d["company"].as_str()),
        (Some("Acme Studios"), Some("Acme SA"))
    );
    assert!(app
        .call("audit_log", &[], Some(&admin))
        .await
        .body
        .contains("account.update"));
}

#[tokio::test]
async fn change_plan_lists_every_blocker_and_changes_nothing_until_they_are_gone() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    assert_eq!(
        app.add_users(
            &admin,
            &["a@example.com", "b@example.com", "c@example.com"],
            "admin"
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        app.create_environment(&admin, "Staging", "").await.status,
        StatusCode::OK
    );
    let env = app.first_environment(&admin).await;
    let r = app
        .call(
            "generate_api_key",
            &[
                ("environment_id", &env),
                ("name", "Uploads"),
                ("permission_mode", "restricted"),
                ("scopes[0]", "upload_api"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.call(
            "register_addon",
            &[("addon", "moderation"), ("tier", "pro")],
            Some(&admin)
        )
        .await
        .status,
        StatusCode::OK
    );

    let plans = app.call("account", &[], Some(&admin)).await.json()["plans"].clone();
    let free = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plan_id"] == "free")
        .unwrap()
        .clone();
    let blockers: Vec<&str> = free["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert_eq!(blockers.len(), 4, "{blockers:?}");
    assert!(
        blockers.contains(&"4 users exceed the 3-seat limit"),
        "{blockers:?}"
    );
    assert!(blockers
        .iter()
        .any(|b| b.contains("2 product environments exceed the limit of 1")));
    assert!(blockers
        .iter()
        .any(|b| b.contains("restricted permissions")));
    assert!(blockers.iter().any(|b| b.contains("AI Moderation")));

    let r = app
        .call("change_plan", &[("plan", "free")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["Invalid"].as_array().unwrap().len(),
        4,
        "{}",
        r.body
    );
    assert_eq!(
        app.call("account", &[], Some(&admin)).await.json()["details"]["plan_id"],
        "plus"
    );
    let r = app
        .call("change_plan", &[("plan", "gold")], Some(&admin))
        .await;
    assert!(r.body.contains("Unknown plan"), "{}", r.body);

    // Enterprise keeps everything: allowed at once, audited.
    let r = app
        .call("change_plan", &[("plan", "enterprise")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["seat_limit"], 100);
    assert!(app
        .call("audit_log", &[], Some(&admin))
        .await
        .body
        .contains("account.plan_change"));
}

#[tokio::test]
async fn billing_forms_validate_save_and_refuse_stale_revisions() {
    let app = TestApp::with_plan("plus").await;
    let admin = app.admin_token().await;
    let b = app.call("billing", &[], Some(&admin)).await.json();
    assert_eq!(b["plan_name"], "Plus");
    assert_eq!(b["billing_integration"], false);
    assert_eq!(b["invoices"], json!([]));
    let save = |doc: String, rev: i64| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.call(
                "save_billing",
                &[("document", &doc), ("revision", &rev.to_string())],
                Some(&admin),
            )
            .await
        }
    };
    let r = save(address("XX"), 0).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"country\""), "{}", r.body);
    let r = save(address("pt"), 0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["address"]["value"]["country"], "PT");
    assert_eq!(save(address("ES"), 0).await.status, StatusCode::CONFLICT);

    let invoice = |r: Value| {
        json!({ "kind": "invoice", "value": { "recipients": r, "tax_id": "PT123456789", "po_reference": "PO-7" } }).to_string()
    };
    let r = save(invoice(json!(["ap@acme.test", "not-an-email"])), 0).await;
    assert!(
        r.body.contains("recipients") && r.body.contains("not-an-email"),
        "{}",
        r.body
    );
    let six: Vec<String> = (0..6).map(|i| format!("ap{i}@acme.test")).collect();
    assert_eq!(
        save(invoice(json!(six)), 0).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = save(invoice(json!(["ap@acme.test"])), 0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let contact = json!({ "kind": "contact", "value": { "company": "Acme SA", "contact_email": "billing@acme.test" } }).to_string();
    let r = save(contact, 0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.call("account", &[], Some(&admin)).await.json()["details"]["company"],
        "Acme SA"
    );
    let b = app.call("billing", &[], Some(&admin)).await.json();
    assert_eq!(
        b["invoice_settings"]["value"]["recipients"],
        json!(["ap@acme.test"])
    );
    assert_eq!(b["contact"]["value"]["contact_email"], "billing@acme.test");
    assert_eq!(
        app.call(
            "save_billing",
            &[("document", "nope"), ("revision", "0")],
            Some(&admin)
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn addons_register_a_tier_cancel_and_need_a_paid_plan_for_paid_tiers() {
    let app = TestApp::with_plan("free").await;
    let admin = app.admin_token().await;
    let r = app
        .call(
            "register_addon",
            &[("addon", "auto_tagging"), ("tier", "basic")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("needs a paid plan"), "{}", r.body);
    let r = app
        .call(
            "register_addon",
            &[("addon", "auto_tagging"), ("tier", "free")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()[0]["tier"], "free");
    assert_eq!(
        app.call(
            "register_addon",
            &[("addon", "auto_tagging"), ("tier", "gold")],
            Some(&admin)
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.call(
            "register_addon",
            &[("addon", "teleport"), ("tier", "free")],
            Some(&admin)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let r = app
        .call("cancel_addon", &[("addon", "auto_tagging")], Some(&admin))
        .await;
    assert_eq!(r.json(), json!([]));
    assert_eq!(
        app.call("cancel_addon", &[("addon", "auto_tagging")], Some(&admin))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let audit = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(audit.contains("addon.register") && audit.contains("addon.cancel"));
}

#[tokio::test]
async fn usage_shows_seats_over_time_per_environment_counts_and_says_when_media_is_not_reported() {
    let app = TestApp::with_plan("plus").await;
    app.clock.advance(3 * 86_400);
    let admin = app.admin_token().await;
    assert_eq!(
        app.add_users(&admin, &["a@example.com", "b@example.com"], "admin")
            .await
            .status,
        StatusCode::OK
    );
    app.clock.advance(86_400);
    let admin = app.admin_token().await;
    let id = app.user_id(&admin, "b@example.com").await;
    assert_eq!(
        app.act(&admin, &id, "delete", "b@example.com").await.status,
        StatusCode::OK
    );
    // Groups count where they hold a share: two shares count once, no share not at all.
    let env_id = sharing::environment_id(&app, &admin).await;
    let designers = sharing::group(&app, &admin, "Designers", &[]).await;
    sharing::group(&app, &admin, "Nothing shared", &[]).await;
    let campaigns = sharing::folder(&app, &admin, &env_id, "", "campaigns").await;
    let archive = sharing::folder(&app, &admin, &env_id, "", "archive").await;
    for folder in [&campaigns, &archive] {
        let grantee = format!("group:{designers}");
        let r = sharing::share(&app, &admin, &env_id, "folder", folder, &grantee, "view").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let u = app.call("usage", &[], Some(&admin)).await;
    assert_eq!(u.status, StatusCode::OK, "{}", u.body);
    let u = u.json();
    let history: Vec<i64> = u["seat_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["seats_used"].as_i64().unwrap())
        .collect();
    assert_eq!(history.len(), 30);
    assert_eq!(&history[25..], [1, 1, 1, 3, 2], "{history:?}");
    assert_eq!(u["seats_used"], 2);
    let env = &u["environments"][0];
    assert_eq!(
        (
            env["users_with_access"].as_i64(),
            env["api_keys"].as_i64(),
            env["groups"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(env["media"], json!([]));
    assert_eq!(env["reported_through"], Value::Null);
}

/// Account API keys need the Provisioning API: a plan without it is refused while keys
/// exist, and allowed once they are gone.
#[tokio::test]
async fn change_plan_is_blocked_by_account_api_keys_on_a_plan_without_the_provisioning_api() {
    let app = TestApp::with_plan("enterprise").await;
    let admin = app.admin_token().await;
    let made = app
        .service
        .create_account_api_key_as_operator(Some(&app.account_id), "CI")
        .await
        .unwrap();
    let r = app
        .call("change_plan", &[("plan", "advanced")], Some(&admin))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("delete the 1 account API key first"),
        "{}",
        r.body
    );
    let root = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let r = app
        .call(
            "delete_account_api_key",
            &[("api_key", &made.key.api_key)],
            Some(&root),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .call("change_plan", &[("plan", "advanced")], Some(&root))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
