//! The user lifecycle through HTTP (docs/rules/users.md#statuses–4.2): edit, resend invite, reset
//! password, forgot password, force logout, disable / enable, delete.

use crate::support::*;
use http::StatusCode;

const NEW_PASSWORD: &str = "quiet orchard lantern 58";

#[tokio::test]
async fn edit_changes_name_email_and_role_and_the_role_applies_on_the_next_request() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let ana = app.user_with_role(&admin, "ana@example.com", "admin").await;
    let id = app.user_id(&admin, "ana@example.com").await;
    assert_eq!(
        app.call("users", &[], Some(&ana)).await.status,
        StatusCode::OK
    );

    let edit = |email: &'static str, role: &'static str| {
        let id = id.clone();
        let admin = admin.clone();
        let app = app.clone();
        async move {
            app.call(
                "edit_user",
                &[
                    ("id", &id),
                    ("name", "Ana Lima"),
                    ("email", email),
                    ("role", role),
                    ("all_environments", "on"),
                ],
                Some(&admin),
            )
            .await
        }
    };
    // Bad input names the field and changes nothing.
    for (email, role, field) in [
        ("not-an-email", "reports", "email"),
        ("ana@example.com", "superuser", "role"),
        (ADMIN_EMAIL, "reports", "email"),
    ] {
        let r = edit(email, role).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body.contains(&format!("\"field\":\"{field}\"")),
            "{}",
            r.body
        );
    }
    let user = app.user(&admin, &id).await;
    assert_eq!(user["role"], "admin");
    assert_eq!(user["name"], serde_json::Value::Null);

    let before = app.emails_to("ana@example.com").await;
    let r = edit("ana.lima@example.com", "reports").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let user = app.user(&admin, &id).await;
    assert_eq!(user["name"], "Ana Lima");
    assert_eq!(user["email"], "ana.lima@example.com");
    assert_eq!(user["role"], "reports");
    // The old address hears of the change.
    assert_eq!(app.emails_to("ana@example.com").await, before + 1);
    assert!(app
        .newest_email("ana@example.com")
        .await
        .body_text
        .contains("ana.lima@example.com"));
    // The new role applies from Ana's next request: Reports can't view users.
    assert_eq!(
        app.call("users", &[], Some(&ana)).await.status,
        StatusCode::FORBIDDEN
    );
    // The name shows in the table.
    let page = app
        .call("users", &[("search", "ana l")], Some(&admin))
        .await
        .json();
    assert_eq!(page["users"][0]["email"], "ana.lima@example.com");
    // And she signs in with the new email.
    assert_eq!(
        app.sign_in("ana.lima@example.com", ADMIN_PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn resend_invite_sends_a_new_link_kills_the_old_one_and_stops_at_five_an_hour() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.add_users(&admin, &["ben@example.com"], "reports").await;
    let id = app.user_id(&admin, "ben@example.com").await;
    let first = app.invitation_token("ben@example.com").await;

    let r = app.act(&admin, &id, "resend_invite", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let second = app.invitation_token("ben@example.com").await;
    assert_ne!(first, second);
    let r = app
        .call(
            "set_password",
            &[("token", &first), ("password", NEW_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "the old link is dead");

    // The creation email and four resends make five in the hour; the sixth is refused.
    for _ in 0..3 {
        assert_eq!(
            app.act(&admin, &id, "resend_invite", "").await.status,
            StatusCode::OK
        );
    }
    let sent = app.emails_to("ben@example.com").await;
    let r = app.act(&admin, &id, "resend_invite", "").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(
        r.body
            .contains("Too many invitations sent; try again later"),
        "{}",
        r.body
    );
    assert_eq!(app.emails_to("ben@example.com").await, sent);
    let latest = app.invitation_token("ben@example.com").await;

    // An hour later it works again; an active user gets an "access updated" email.
    app.clock.advance(3601);
    let admin = app.admin_token().await;
    let r = app
        .call(
            "set_password",
            &[("token", &latest), ("password", NEW_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.act(&admin, &id, "resend_invite", "").await.status,
        StatusCode::OK
    );
    let mail = app.newest_email("ben@example.com").await;
    assert_eq!(mail.kind, "access_updated");
    assert!(mail.body_text.contains("Reports"), "{}", mail.body_text);
    assert!(!mail.body_text.contains("token="));
}

#[tokio::test]
async fn reset_password_ends_sessions_voids_the_password_and_emails_a_24_hour_link() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let cara = app
        .user_with_role(&admin, "cara@example.com", "technical_admin")
        .await;
    let id = app.user_id(&admin, "cara@example.com").await;

    let r = app.act(&admin, &id, "reset_password", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // At once: her session is gone and her old password doesn't work.
    assert_eq!(app.whoami(&cara).await, None);
    let r = app.sign_in("cara@example.com", ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("InvalidCredentials"), "{}", r.body);
    assert_eq!(
        app.user(&admin, &id).await["status"],
        "password_reset_pending"
    );
    let mail = app.newest_email("cara@example.com").await;
    assert_eq!(mail.kind, "admin_reset");
    assert!(mail.body_text.contains(ADMIN_EMAIL), "says who reset it");
    assert!(mail.body_text.contains("/reset-password?token="));

    // Resend reset email: a fresh link, the old one dead.
    let old = app.invitation_token("cara@example.com").await;
    assert_eq!(
        app.act(&admin, &id, "reset_password", "").await.status,
        StatusCode::OK
    );
    let link = app.invitation_token("cara@example.com").await;
    assert_ne!(old, link);
    let r = app.call("link", &[("token", &old)], None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.call("link", &[("token", &link)], None).await;
    assert_eq!(r.json(), "admin_reset");

    // After 24 hours the link is dead; a new reset gives a new one that works.
    app.clock.advance(24 * 3600);
    let admin = app.admin_token().await;
    let r = app
        .call(
            "set_password",
            &[("token", &link), ("password", NEW_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.act(&admin, &id, "reset_password", "").await.status,
        StatusCode::OK
    );
    let r = app
        .set_password_from_email("cara@example.com", NEW_PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.user(&admin, &id).await["status"], "active");
    assert_eq!(
        app.sign_in("cara@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in("cara@example.com", NEW_PASSWORD).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.newest_email("cara@example.com").await.kind,
        "security_notice"
    );
}

#[tokio::test]
async fn forgot_password_answers_the_same_and_keeps_the_old_password_until_a_new_one_is_set() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let dan = app
        .user_with_role(&admin, "dan@example.com", "reports")
        .await;

    let known = app
        .call("forgot_password", &[("email", "dan@example.com")], None)
        .await;
    let unknown = app
        .call("forgot_password", &[("email", "nobody@example.com")], None)
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.body, unknown.body, "the same answer either way");
    assert_eq!(app.emails_to("nobody@example.com").await, 0);
    let bad = app
        .call("forgot_password", &[("email", "nope")], None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let mail = app.newest_email("dan@example.com").await;
    assert_eq!(mail.kind, "forgot_password");
    // The current password and session still work until the new one is set.
    assert_eq!(app.whoami(&dan).await.as_deref(), Some("dan@example.com"));
    assert_eq!(
        app.sign_in("dan@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    let token = app.invitation_token("dan@example.com").await;
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", NEW_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.whoami(&dan).await,
        None,
        "completing ends other sessions"
    );
    assert_eq!(
        app.sign_in("dan@example.com", NEW_PASSWORD).await.status,
        StatusCode::OK
    );

    // The link lasts one hour.
    app.call("forgot_password", &[("email", "dan@example.com")], None)
        .await;
    let token = app.invitation_token("dan@example.com").await;
    app.clock.advance(3600);
    let r = app
        .call(
            "set_password",
            &[
                ("token", &token),
                ("password", "yet another fine passphrase"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn force_logout_ends_every_session_at_once_and_the_user_may_sign_in_again() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let eve1 = app
        .user_with_role(&admin, "eve@example.com", "billing")
        .await;
    let eve2 = app
        .sign_in("eve@example.com", ADMIN_PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let id = app.user_id(&admin, "eve@example.com").await;
    let r = app.act(&admin, &id, "force_logout", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for s in [&eve1, &eve2] {
        assert_eq!(app.whoami(s).await, None);
        let r = app
            .call(
                "profile",
                &[("name", "x"), ("first_name", ""), ("last_name", "")],
                Some(s),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        app.sign_in("eve@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    let audit = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(audit.contains("user.force_logout"));
}

#[tokio::test]
async fn disable_ends_sessions_and_links_keeps_the_seat_and_enable_restores_the_status() {
    let app = TestApp::with_plan("free").await;
    let admin = app.admin_token().await;
    let fay = app
        .user_with_role(&admin, "fay@example.com", "reports")
        .await;
    app.add_users(&admin, &["gus@example.com"], "reports").await;
    let fay_id = app.user_id(&admin, "fay@example.com").await;
    let gus_id = app.user_id(&admin, "gus@example.com").await;
    let gus_link = app.invitation_token("gus@example.com").await;

    for id in [&fay_id, &gus_id] {
        let r = app.act(&admin, id, "disable", "").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(app.whoami(&fay).await, None);
    assert_eq!(
        app.sign_in("fay@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .call(
            "set_password",
            &[("token", &gus_link), ("password", NEW_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "disabling voids open links"
    );
    let page = app
        .call("users", &[("status", "disabled")], Some(&admin))
        .await
        .json();
    assert_eq!(page["users"].as_array().unwrap().len(), 2);
    assert_eq!(page["seats_used"], 3, "a disabled user keeps the seat");
    // Disabled users offer only Edit, Enable, Delete.
    let r = app.act(&admin, &fay_id, "force_logout", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    for id in [&fay_id, &gus_id] {
        assert_eq!(
            app.act(&admin, id, "enable", "").await.status,
            StatusCode::OK
        );
    }
    assert_eq!(app.user(&admin, &fay_id).await["status"], "active");
    assert_eq!(app.user(&admin, &gus_id).await["status"], "pending");
    assert_eq!(
        app.sign_in("fay@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    // The pending user needs a new invitation.
    assert_eq!(
        app.act(&admin, &gus_id, "resend_invite", "").await.status,
        StatusCode::OK
    );
    let r = app
        .set_password_from_email("gus@example.com", NEW_PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn delete_needs_the_email_typed_frees_the_seat_and_the_email_goes_to_a_new_user() {
    let app = TestApp::with_plan("free").await;
    let admin = app.admin_token().await;
    let hal = app.user_with_role(&admin, "hal@example.com", "admin").await;
    app.add_users(&admin, &["ivy@example.com"], "reports").await;
    let id = app.user_id(&admin, "hal@example.com").await;
    let r = app.add_users(&admin, &["jo@example.com"], "reports").await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the free plan's 3 seats are taken"
    );

    let r = app.act(&admin, &id, "delete", "someone@example.com").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("\"field\":\"confirm_email\""), "{}", r.body);
    assert_eq!(
        app.user(&admin, &id).await["status"],
        "active",
        "nothing changed"
    );

    let r = app.act(&admin, &id, "delete", "HAL@example.com").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.whoami(&hal).await, None);
    let user = app.user(&admin, &id).await;
    assert_eq!(user["status"], "inactive");
    let page = app.call("users", &[], Some(&admin)).await.json();
    assert_eq!(page["seats_used"], 2, "the seat frees at once");
    assert!(
        page["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == id.as_str()),
        "still listed"
    );
    assert_eq!(
        app.sign_in("hal@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Nothing leaves inactive.
    for action in ["enable", "disable", "resend_invite", "delete"] {
        assert_eq!(
            app.act(&admin, &id, action, "hal@example.com").await.status,
            StatusCode::FORBIDDEN,
            "{action}"
        );
    }
    // The email may go to a brand-new user (a new id).
    let r = app.add_users(&admin, &["hal@example.com"], "reports").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let new_id = r.json()[0].as_str().unwrap().to_string();
    assert_ne!(new_id, id);
    // The audit log keeps the deleted user's reference.
    let audit = app.call("audit_log", &[], Some(&admin)).await.body;
    assert!(audit.contains("user.delete"));
}

#[tokio::test]
async fn email_preferences_are_saved_and_read_back() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let me = app.call("session", &[], Some(&admin)).await.json();
    assert_eq!(me["me"]["email_preferences"]["usage_alerts"], true);
    assert_eq!(me["me"]["email_preferences"]["product_updates"], false);
    let r = app
        .call(
            "email_preferences",
            &[("product_updates", "on"), ("weekly_report", "on")],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = &r.json()["email_preferences"];
    assert_eq!(p["usage_alerts"], false);
    assert_eq!(p["weekly_report"], true);
    assert_eq!(p["product_updates"], true);
    assert_eq!(p["billing_notifications"], false);
    let me = app.call("session", &[], Some(&admin)).await.json();
    assert_eq!(me["me"]["email_preferences"], *p);
}

#[tokio::test]
async fn media_library_user_options_are_kept_for_that_role_only() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let add = |email: &'static str, role: &'static str| {
        let app = app.clone();
        let admin = admin.clone();
        async move {
            app.call(
                "add_users",
                &[
                    ("emails[0]", email),
                    ("role", role),
                    ("all_environments", "on"),
                    ("create_root_folders", "on"),
                ],
                Some(&admin),
            )
            .await
        }
    };
    assert_eq!(
        add("ml@example.com", "media_library_user").await.status,
        StatusCode::OK
    );
    assert_eq!(add("ad@example.com", "admin").await.status, StatusCode::OK);
    let ml = app.user_id(&admin, "ml@example.com").await;
    let ad = app.user_id(&admin, "ad@example.com").await;
    let options = |u: serde_json::Value| u["media_library"].clone();
    assert_eq!(
        options(app.user(&admin, &ml).await),
        serde_json::json!({ "create_root_folders": true, "create_collections": false })
    );
    assert_eq!(
        options(app.user(&admin, &ad).await),
        serde_json::json!({ "create_root_folders": false, "create_collections": true }),
        "other roles keep the defaults"
    );
    let r = app
        .call(
            "edit_user",
            &[
                ("id", &ml),
                ("name", ""),
                ("email", "ml@example.com"),
                ("role", "media_library_user"),
                ("all_environments", "on"),
                ("create_collections", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        options(app.user(&admin, &ml).await),
        serde_json::json!({ "create_root_folders": false, "create_collections": true })
    );
}
