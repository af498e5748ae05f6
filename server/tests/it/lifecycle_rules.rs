//! Who may act on whom in User Management (docs/rules/roles.md#grant-rules), for all seven roles.

use crate::support::*;
use http::StatusCode;

/// Every lifecycle endpoint, allowed for master admins and admins only (users.manage,
/// users.invite, users.credentials), refused with 403 and nothing changed for the rest.
#[tokio::test]
async fn lifecycle_actions_follow_the_matrix_for_all_seven_roles() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    for role in ROLES {
        let actor_email = format!("{role}@example.com");
        let actor = app.user_with_role(&root, &actor_email, role).await;
        let target_email = format!("target-of-{role}@example.com");
        let target = app
            .user_with_role(&root, &target_email, "media_library_user")
            .await;
        let id = app.user_id(&root, &target_email).await;
        let allowed = matches!(role, "master_admin" | "admin");
        let expect = |r: &Reply, what: &str| {
            let want = if allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{role} {what}: {}", r.body);
        };
        let r = app
            .call(
                "edit_user",
                &[
                    ("id", &id),
                    ("name", "Renamed"),
                    ("email", &target_email),
                    ("role", "media_library_user"),
                    ("all_environments", "on"),
                ],
                Some(&actor),
            )
            .await;
        expect(&r, "edit");
        let r = app.act(&actor, &id, "resend_invite", "").await;
        expect(&r, "resend_invite");
        let r = app.act(&actor, &id, "force_logout", "").await;
        expect(&r, "force_logout");
        if !allowed {
            assert!(
                app.whoami(&target).await.is_some(),
                "{role}: nothing changed"
            );
        }
        let r = app.act(&actor, &id, "reset_password", "").await;
        expect(&r, "reset_password");
        let r = app.act(&actor, &id, "disable", "").await;
        expect(&r, "disable");
        let r = app.act(&actor, &id, "enable", "").await;
        expect(&r, "enable");
        let r = app.act(&actor, &id, "delete", &target_email).await;
        expect(&r, "delete");
        let status = app.user(&root, &id).await["status"].clone();
        assert_eq!(
            status,
            if allowed { "inactive" } else { "active" },
            "{role}"
        );
        // The user detail (users.view) follows the matrix too.
        let r = app.call("user", &[("id", &id)], Some(&actor)).await;
        let viewer = matches!(role, "master_admin" | "admin" | "media_library_admin");
        assert_eq!(
            r.status == StatusCode::OK,
            viewer,
            "{role} view: {}",
            r.body
        );
    }
    // Refusals are audited.
    let audit = app.call("audit_log", &[], Some(&root)).await.body;
    assert!(audit.contains("access.denied"));
}

#[tokio::test]
async fn only_master_admins_act_on_master_admins_and_admins_never_on_billing() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let admin = app.user_with_role(&root, "adm@example.com", "admin").await;
    let master = app
        .user_with_role(&root, "m2@example.com", "master_admin")
        .await;
    app.user_with_role(&root, "bill@example.com", "billing")
        .await;
    let m2 = app.user_id(&root, "m2@example.com").await;
    let bill = app.user_id(&root, "bill@example.com").await;
    let adm = app.user_id(&root, "adm@example.com").await;
    for target in [&m2, &bill] {
        for action in ["force_logout", "reset_password", "disable"] {
            let r = app.act(&admin, target, action, "").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}: {}", r.body);
        }
    }
    // An admin can't promote anyone to master admin or billing.
    for role in ["master_admin", "billing"] {
        let r = app
            .call(
                "edit_user",
                &[
                    ("id", &adm),
                    ("name", ""),
                    ("email", "adm@example.com"),
                    ("role", role),
                    ("all_environments", "on"),
                ],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{role}: {}", r.body);
    }
    // A master admin may.
    let r = app.act(&master, &bill, "force_logout", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The menu the console shows follows the same rules.
    let r = app.call("user", &[("id", &m2)], Some(&admin)).await.json();
    assert_eq!(r["actions"], serde_json::json!([]));
    let r = app
        .call("user", &[("id", &bill)], Some(&master))
        .await
        .json();
    assert_eq!(
        r["actions"],
        serde_json::json!([
            "edit",
            "resend_invite",
            "reset_password",
            "force_logout",
            "disable",
            "delete"
        ])
    );
}

#[tokio::test]
async fn nobody_acts_on_themselves_and_the_root_user_is_never_demoted_disabled_or_deleted() {
    let app = TestApp::with_account().await;
    let root = app.admin_token().await;
    let root_id = app.user_id(&root, ADMIN_EMAIL).await;
    let master = app
        .user_with_role(&root, "m2@example.com", "master_admin")
        .await;
    let m2 = app.user_id(&root, "m2@example.com").await;

    for action in ["force_logout", "reset_password", "disable", "delete"] {
        let r = app.act(&master, &m2, action, "m2@example.com").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}: {}", r.body);
        assert!(
            r.body.contains("You can't do this to your own user"),
            "{}",
            r.body
        );
    }
    // Editing oneself keeps the role.
    let r = app
        .call(
            "edit_user",
            &[
                ("id", &m2),
                ("name", "Mo"),
                ("email", "m2@example.com"),
                ("role", "admin"),
                ("all_environments", "on"),
            ],
            Some(&master),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .call(
            "edit_user",
            &[
                ("id", &m2),
                ("name", "Mo"),
                ("email", "m2@example.com"),
                ("role", "master_admin"),
                ("all_environments", "on"),
            ],
            Some(&master),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    for action in ["disable", "delete"] {
        let r = app.act(&master, &root_id, action, ADMIN_EMAIL).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}: {}", r.body);
        assert!(r.body.contains("root user"), "{}", r.body);
    }
    let r = app
        .call(
            "edit_user",
            &[
                ("id", &root_id),
                ("name", ""),
                ("email", ADMIN_EMAIL),
                ("role", "admin"),
                ("all_environments", "on"),
            ],
            Some(&master),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(app.user(&root, &root_id).await["role"], "master_admin");
}

/// Two master admins deleting each other at the same moment: the rules are checked in
/// the writing transaction, so the account always keeps an active master admin.
#[tokio::test]
async fn the_last_active_master_admin_stays_when_two_delete_each_other_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::on_disk(dir.path(), "enterprise").await;
    let root = app.admin_token().await;
    let a = app
        .user_with_role(&root, "a@example.com", "master_admin")
        .await;
    let b = app
        .user_with_role(&root, "b@example.com", "master_admin")
        .await;
    let a_id = app.user_id(&root, "a@example.com").await;
    let b_id = app.user_id(&root, "b@example.com").await;
    // The root user steps out of the count (a reset password isn't `active`).
    let root_id = app.user_id(&root, ADMIN_EMAIL).await;
    let r = app.act(&a, &root_id, "reset_password", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let (ra, rb) = tokio::join!(
        app.act(&a, &b_id, "delete", "b@example.com"),
        app.act(&b, &a_id, "delete", "a@example.com"),
    );
    let ok = [&ra, &rb]
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "{} / {}", ra.body, rb.body);
    let refused = if ra.status == StatusCode::OK {
        &rb
    } else {
        &ra
    };
    assert!(
        refused.status == StatusCode::CONFLICT || refused.status == StatusCode::UNAUTHORIZED,
        "{}: {}",
        refused.status,
        refused.body
    );
    let survivor = if ra.status == StatusCode::OK { &a } else { &b };
    let survivor_id = if ra.status == StatusCode::OK {
        &a_id
    } else {
        &b_id
    };
    assert_eq!(app.user(survivor, survivor_id).await["status"], "active");
}

#[tokio::test]
async fn change_user_limit_on_paid_direct_plans_within_0_to_20_and_never_below_use() {
    let app = TestApp::with_plan("plus").await;
    let root = app.admin_token().await;
    let billing = app
        .user_with_role(&root, "bill@example.com", "billing")
        .await;
    let admin = app.user_with_role(&root, "adm@example.com", "admin").await;
    let set = |token: String, n: &'static str| {
        let app = app.clone();
        async move {
            app.call(
                "user_limit",
                &[("additional_user_subscriptions", n)],
                Some(&token),
            )
            .await
        }
    };
    let r = set(billing.clone(), "5").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), 15);
    for (n, message) in [
        ("21", "Contact your provider"),
        ("-1", "0 to 20"),
        ("ten", "0 to 20"),
    ] {
        let r = set(billing.clone(), n).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{n}");
        assert!(r.body.contains(message), "{}", r.body);
    }
    assert_eq!(
        set(admin.clone(), "2").await.status,
        StatusCode::FORBIDDEN,
        "admins lack plan.manage"
    );
    let page = app.call("users", &[], Some(&root)).await.json();
    assert_eq!(page["seat_limit"], 15);
    assert_eq!(page["additional_user_subscriptions"], 5);

    // Fill 12 seats, then the limit can't go below 12.
    let emails: Vec<String> = (0..9).map(|i| format!("u{i}@example.com")).collect();
    for chunk in emails.chunks(5) {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        assert_eq!(
            app.add_users(&root, &refs, "reports").await.status,
            StatusCode::OK
        );
    }
    let r = set(root.clone(), "1").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("12 users exceed the new limit of 11"),
        "{}",
        r.body
    );
    assert_eq!(set(root.clone(), "2").await.status, StatusCode::OK);

    let enterprise = TestApp::with_account().await;
    let root = enterprise.admin_token().await;
    let r = enterprise
        .call(
            "user_limit",
            &[("additional_user_subscriptions", "1")],
            Some(&root),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
