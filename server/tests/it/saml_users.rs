//! Who SAML signs in (docs/rules/saml.md): JIT provisioning from the attributes, the seat
//! limit, enforcement of SAML for everyone but Master admins, and re-authentication by a
//! fresh SAML sign-in.

use crate::saml_idp::*;
use crate::support::*;
use http::StatusCode;
use serde_json::{json, Value};

/// *Confirm with SSO*: where the console sends the session's browser.
async fn reauthenticate_with_sso(app: &TestApp, token: &str) -> Reply {
    app.send(
        http::Request::get("/saml/reauthenticate?next=%2Fprofile")
            .header(http::header::HOST, "127.0.0.1:3000")
            .header(http::header::COOKIE, format!("console_session={token}"))
            .extension(axum::extract::ConnectInfo(
                "203.0.113.7:5000".parse::<std::net::SocketAddr>().unwrap(),
            ))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

async fn user_row(app: &TestApp, admin: &str, email: &str) -> Value {
    let r = app.call("users", &[("search", email)], Some(admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["users"][0].clone()
}

#[tokio::test]
async fn jit_creates_an_active_user_from_the_attributes_and_later_sign_ins_update_it() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, true).await;
    for name in ["Editors", "Video"] {
        let r = app
            .call("create_group", &[("name", name)], Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let attributes = json!({
        "username": "u-ann", "email": "ann@example.com", "first_name": "Ann", "last_name": "Lee",
        "role": "admin", "groups": ["Editors", "Ghost"],
    });
    let response = idp
        .response(&app, None, "ann@example.com", attributes, "ok")
        .await;
    let r = app.acs(&response).await;
    let token = r
        .session_cookie()
        .unwrap_or_else(|| panic!("signed in: {}", location(&r)));
    assert_eq!(app.whoami(&token).await.as_deref(), Some("ann@example.com"));
    let ann = user_row(&app, &admin, "ann@example.com").await;
    assert_eq!(ann["status"], "active", "{ann}");
    assert_eq!(ann["role"], "admin", "{ann}");
    let created = app.newest_record(&admin, "user.create").await;
    assert_eq!(created["actor"], "saml");
    assert!(
        created["after"].as_str().unwrap().contains("\"saml\""),
        "{created}"
    );
    let groups = app.newest_record(&admin, "user.groups").await;
    let after = groups["after"].as_str().unwrap();
    assert!(
        after.contains("Editors") && after.contains("Ghost"),
        "unknown names recorded: {after}"
    );
    // Her name and email come from the identity provider: read-only in My Profile.
    let me = app.call("session", &[], Some(&token)).await.json();
    assert_eq!(me["me"]["identity_from_idp"], true, "{me}");
    let r = app
        .call(
            "profile",
            &[
                ("name", "Someone Else"),
                ("first_name", "Ann"),
                ("last_name", "Lee"),
            ],
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("comes from your identity provider"),
        "{}",
        r.body
    );

    // Later: a role of master_admin is never given; groups become exactly those listed.
    let attributes = json!({ "username": "u-ann", "email": "ann@example.com", "role": "master_admin", "groups": ["Video"] });
    let response = idp
        .response(&app, None, "ann@example.com", attributes, "ok")
        .await;
    assert!(app.acs(&response).await.session_cookie().is_some());
    let ann = user_row(&app, &admin, "ann@example.com").await;
    assert_eq!(ann["role"], "admin", "{ann}");
    let groups = app.newest_record(&admin, "user.groups").await;
    assert_eq!(
        groups["after"].as_str().unwrap(),
        r#"{"groups":["Video"],"unknown_groups":[]}"#
    );

    // The root user (a Master admin) is never demoted by an assertion.
    let attributes = json!({ "email": ADMIN_EMAIL, "role": "media_library_user" });
    let response = idp
        .response(&app, None, ADMIN_EMAIL, attributes, "ok")
        .await;
    assert!(app.acs(&response).await.session_cookie().is_some());
    assert_eq!(
        user_row(&app, &admin, ADMIN_EMAIL).await["role"],
        "master_admin"
    );
}

#[tokio::test]
async fn jit_without_a_free_seat_says_so_and_creates_nobody() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, true).await;
    // Enterprise: 100 seats, the root user holds one.
    for batch in 0..20 {
        let emails: Vec<String> = (0..5)
            .map(|i| format!("u{batch}-{i}@example.org"))
            .take(if batch == 19 { 4 } else { 5 })
            .collect();
        let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
        let r = app.add_users(&admin, &emails, "reports").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let response = idp
        .response(
            &app,
            None,
            "late@example.com",
            json!({ "email": "late@example.com" }),
            "ok",
        )
        .await;
    let r = app.acs(&response).await;
    assert_eq!(location(&r), "/login?failed=sso_no_seats");
    assert!(r.session_cookie().is_none());
    let r = app
        .call("users", &[("search", "late@example.com")], Some(&admin))
        .await;
    assert_eq!(r.json()["users"], json!([]));
}

#[tokio::test]
async fn enforcement_leaves_password_sign_in_to_master_admins_and_ends_the_others_sessions() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, false).await;
    let reports = app
        .user_with_role(&admin, "rita@example.com", "reports")
        .await;
    assert!(app.whoami(&reports).await.is_some());
    let admin = app.reauthenticated_admin().await;
    let r = app
        .save_saml(
            &admin,
            &idp.metadata(true).await,
            "example.com",
            false,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Rita's password session ended; the root user's didn't.
    assert_eq!(app.whoami(&reports).await, None);
    assert_eq!(app.whoami(&admin).await.as_deref(), Some(ADMIN_EMAIL));
    // Her password is refused with a pointer to SSO — once it is right; a wrong one is
    // the usual answer.
    let r = app.sign_in("rita@example.com", ADMIN_PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("SsoRequired"), "{}", r.body);
    let r = app
        .sign_in("rita@example.com", "not her password at all")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(
        app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
    // No reset link for her; SSO still signs her in.
    let before = app.emails_to("rita@example.com").await;
    let r = app
        .call("forgot_password", &[("email", "rita@example.com")], None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.emails_to("rita@example.com").await, before);
    let response = idp
        .response(
            &app,
            None,
            "rita@example.com",
            json!({ "email": "rita@example.com" }),
            "ok",
        )
        .await;
    assert!(app.acs(&response).await.session_cookie().is_some());
}

#[tokio::test]
async fn a_saml_user_re_authenticates_with_a_fresh_saml_sign_in() {
    let idp = Idp::start().await;
    let (app, _) = TestApp::with_saml(&idp, true).await;
    let response = idp
        .response(
            &app,
            None,
            "sam@example.com",
            json!({ "email": "sam@example.com" }),
            "ok",
        )
        .await;
    let token = app
        .acs(&response)
        .await
        .session_cookie()
        .expect("signed in");
    // Setting up 2FA needs re-authentication, which a SAML user has no password for.
    let r = app.call("two_factor_begin", &[], Some(&token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("ReauthenticationRequired"), "{}", r.body);
    let r = reauthenticate_with_sso(&app, &token).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).contains("SAMLRequest="), "{}", location(&r));
    // Another user's assertion doesn't re-authenticate Sam.
    let other = idp
        .response(
            &app,
            Some(&saml_request(&r)),
            ADMIN_EMAIL,
            json!({ "email": ADMIN_EMAIL }),
            "ok",
        )
        .await;
    assert_eq!(location(&app.acs(&other).await), "/login?failed=sso_failed");

    let r = reauthenticate_with_sso(&app, &token).await;
    let mine = idp
        .response(
            &app,
            Some(&saml_request(&r)),
            "sam@example.com",
            json!({ "email": "sam@example.com" }),
            "ok",
        )
        .await;
    let r = app.acs(&mine).await;
    assert_eq!(location(&r), "/profile");
    // The session may now do what needs re-authentication (here: 2FA setup begins).
    let r = app.call("two_factor_begin", &[], Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_disabled_user_is_refused_and_nothing_changes() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, true).await;
    app.user_with_role(&admin, "dora@example.com", "reports")
        .await;
    let dora = user_row(&app, &admin, "dora@example.com").await;
    let r = app
        .act(&admin, dora["id"].as_str().unwrap(), "disable", "")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let attributes =
        json!({ "email": "dora@example.com", "role": "admin", "first_name": "Changed" });
    let response = idp
        .response(&app, None, "dora@example.com", attributes, "ok")
        .await;
    let r = app.acs(&response).await;
    assert_eq!(location(&r), "/login?failed=sso_failed");
    assert!(r.session_cookie().is_none());
    let record = app.newest_record(&admin, "auth.saml_failure").await;
    assert!(
        record["after"].as_str().unwrap().contains("disabled"),
        "{record}"
    );
    let after = user_row(&app, &admin, "dora@example.com").await;
    assert_eq!(after["role"], "reports", "nothing changed: {after}");
    assert_eq!(after["status"], "disabled");
}

#[tokio::test]
async fn adding_users_under_saml_sends_sso_invitations_where_no_password_is_wanted() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, false).await;
    // SAML on, not enforced: *Send invitation email* unticked → an SSO invitation, no link
    // with a token; ticked (or a form without the choice) → the usual invitation.
    let add = |email: &'static str, role: &'static str, send: Option<&'static str>| {
        let app = app.clone();
        let admin = admin.clone();
        async move {
            let mut form = vec![
                ("emails[0]", email),
                ("role", role),
                ("all_environments", "on"),
                ("invitation_choice", "shown"),
            ];
            if let Some(v) = send {
                form.push(("send_invitation", v));
            }
            let r = app.call("add_users", &form, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    add("una@example.com", "reports", None).await;
    let mail = app.newest_email("una@example.com").await;
    assert_eq!(mail.kind, "sso_invitation");
    assert!(!mail.body_text.contains("token="), "{}", mail.body_text);
    assert!(mail.body_text.contains("/login"), "{}", mail.body_text);
    add("vic@example.com", "reports", Some("on")).await;
    assert_eq!(app.newest_email("vic@example.com").await.kind, "invitation");

    // Una stays pending until her first SAML sign-in, which activates her.
    assert_eq!(
        user_row(&app, &admin, "una@example.com").await["status"],
        "pending"
    );
    let response = idp
        .response(
            &app,
            None,
            "una@example.com",
            json!({ "email": "una@example.com" }),
            "ok",
        )
        .await;
    assert!(app.acs(&response).await.session_cookie().is_some());
    assert_eq!(
        user_row(&app, &admin, "una@example.com").await["status"],
        "active"
    );

    // Enforced: everyone but a Master admin gets an SSO invitation, ticked or not.
    let admin = app.reauthenticated_admin().await;
    let r = app
        .save_saml(
            &admin,
            &idp.metadata(true).await,
            "example.com",
            false,
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let app2 = app.clone();
    let add = |email: &'static str, role: &'static str| {
        let app = app2.clone();
        let admin = admin.clone();
        async move {
            let form = [
                ("emails[0]", email),
                ("role", role),
                ("all_environments", "on"),
            ];
            let r = app.call("add_users", &form, Some(&admin)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    add("wes@example.com", "admin").await;
    assert_eq!(
        app.newest_email("wes@example.com").await.kind,
        "sso_invitation"
    );
    add("xia@example.com", "master_admin").await;
    let mail = app.newest_email("xia@example.com").await;
    assert_eq!(mail.kind, "invitation");
    assert!(mail.body_text.contains("token="), "{}", mail.body_text);
}

#[tokio::test]
async fn a_saml_only_user_gets_a_password_link_only_once_saml_is_off() {
    let idp = Idp::start().await;
    let (app, _) = TestApp::with_saml(&idp, true).await;
    let response = idp
        .response(
            &app,
            None,
            "jo@example.com",
            json!({ "email": "jo@example.com" }),
            "ok",
        )
        .await;
    assert!(app.acs(&response).await.session_cookie().is_some());
    let forgot = || app.call("forgot_password", &[("email", "jo@example.com")], None);
    // SAML on: no link (the answer is the same as ever).
    assert_eq!(forgot().await.status, StatusCode::OK);
    assert_eq!(app.emails_to("jo@example.com").await, 0);
    // SAML off: a link, and the password it sets signs Jo in.
    let admin = app.reauthenticated_admin().await;
    let r = app
        .call(
            "saml_settings_save",
            &[
                ("metadata_xml", &idp.metadata(true).await),
                ("domains", "example.com"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(forgot().await.status, StatusCode::OK);
    let mail = app.newest_email("jo@example.com").await;
    assert_eq!(mail.kind, "forgot_password");
    let token = mail
        .body_text
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", ADMIN_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.sign_in("jo@example.com", ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
}
