//! Two-factor authentication as the account's admins see it (docs/rules/two-factor.md#required):
//! *Require two-factor authentication*, *Reset 2FA* in the row menu, *Sign out all users*.

use crate::support::*;
use crate::two_factor::code_at;
use http::StatusCode;

fn refusal(r: &Reply) -> String {
    r.json()["Refused"]["reason"].to_string()
}

impl TestApp {
    /// The row menu `token`'s holder sees for user `id`.
    async fn actions(&self, token: &str, id: &str) -> String {
        let r = self.call("user", &[("id", id)], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["actions"].to_string()
    }

    async fn require_two_factor(&self, admin: &str, on: bool) -> Reply {
        let form: &[(&str, &str)] = if on { &[("required", "on")] } else { &[] };
        self.call("require_two_factor", form, Some(admin)).await
    }
}

#[tokio::test]
async fn a_required_factor_is_set_up_at_the_next_sign_in_before_anything_else() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let member = app.user_with_role(&admin, "ana@example.com", "admin").await;
    let viewer = app
        .user_with_role(&admin, "tom@example.com", "technical_admin")
        .await;
    // Changing Account security needs security.manage, and a recent password.
    let r = app.require_two_factor(&viewer, true).await;
    assert!(refusal(&r).contains("RoleLacksPermission"), "{}", r.body);
    let r = app.require_two_factor(&admin, true).await;
    assert_eq!(refusal(&r), "\"ReauthenticationRequired\"", "{}", r.body);
    let admin = app.reauthenticate(&admin, ADMIN_PASSWORD).await;
    let r = app.require_two_factor(&admin, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["require_two_factor"], true);
    assert_eq!(r.json()["users_without_two_factor"], 3);
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "security.update"
            && r["after"]
                .as_str()
                .is_some_and(|a| a.contains("\"require_two_factor\":true"))));

    // Ana's open session goes on; her next sign-in may only set up a factor.
    assert_eq!(app.listed_emails(&member).await.len(), 3);
    let r = app.sign_in("ana@example.com", ADMIN_PASSWORD).await;
    assert_eq!(r.headers.get("location").unwrap(), "/profile");
    let ana = r.session_cookie().unwrap();
    let s = app.call("session", &[], Some(&ana)).await.json();
    assert_eq!(s["me"]["must_enrol_two_factor"], true);
    for endpoint in ["users", "audit_log", "environments"] {
        let r = app.call(endpoint, &[], Some(&ana)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{endpoint}: {}", r.body);
        assert_eq!(refusal(&r), "\"TwoFactorEnrolmentRequired\"", "{endpoint}");
    }
    let r = app
        .call(
            "profile",
            &[("name", "Ana"), ("first_name", ""), ("last_name", "")],
            Some(&ana),
        )
        .await;
    assert_eq!(refusal(&r), "\"TwoFactorEnrolmentRequired\"");
    // Setting it up needs no second password: the session has just proven it.
    let e = app.call("two_factor_begin", &[], Some(&ana)).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    let secret = e.json()["secret"].as_str().unwrap().to_string();
    let r = app
        .call(
            "two_factor_confirm",
            &[("code", &code_at(&secret, app.now()))],
            Some(&ana),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.listed_emails(&ana).await.len(), 3);
    let s = app.call("session", &[], Some(&ana)).await.json();
    assert_eq!(s["me"]["must_enrol_two_factor"], false);
    assert_eq!(s["me"]["two_factor"], true);
    // Required: it can't be turned off.
    let r = app
        .call(
            "two_factor_disable",
            &[("password", ADMIN_PASSWORD), ("code", "000000")],
            Some(&ana),
        )
        .await;
    assert_eq!(refusal(&r), "\"TwoFactorRequiredByAccount\"", "{}", r.body);

    // Off again: the next sign-in of a user without a factor is an ordinary one.
    let r = app.require_two_factor(&admin, false).await;
    assert_eq!(r.json()["require_two_factor"], false);
    let r = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let root = r.session_cookie().unwrap();
    assert_eq!(app.listed_emails(&root).await.len(), 3);
}

#[tokio::test]
async fn reset_2fa_removes_the_factor_ends_sessions_and_tells_the_user() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let ana = app
        .user_with_role(&admin, "ana@example.com", "technical_admin")
        .await;
    let id = app.user_id(&admin, "ana@example.com").await;
    // No factor yet: not offered, and refused.
    assert_eq!(app.user(&admin, &id).await["two_factor"], false);
    assert!(!app.actions(&admin, &id).await.contains("reset_two_factor"));
    let r = app.act(&admin, &id, "reset_two_factor", "").await;
    assert_eq!(refusal(&r), "\"TwoFactorNotOn\"", "{}", r.body);

    let reauth = app
        .call(
            "reauthenticate",
            &[("password", ADMIN_PASSWORD)],
            Some(&ana),
        )
        .await
        .session_cookie()
        .unwrap();
    let secret = app
        .call("two_factor_begin", &[], Some(&reauth))
        .await
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let code = code_at(&secret, app.now());
    let r = app
        .call("two_factor_confirm", &[("code", &code)], Some(&reauth))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.user(&admin, &id).await["two_factor"], true);
    assert!(app.actions(&admin, &id).await.contains("reset_two_factor"));

    // Someone below the user's rank, and the user on themselves, may not.
    let media = app
        .user_with_role(&admin, "ml@example.com", "media_library_admin")
        .await;
    let r = app.act(&media, &id, "reset_two_factor", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.act(&reauth, &id, "reset_two_factor", "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let r = app.act(&admin, &id, "reset_two_factor", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.whoami(&reauth).await, None, "signed out");
    let mail = app.newest_email("ana@example.com").await;
    assert!(
        mail.body_text
            .contains("Two-factor authentication was reset"),
        "{}",
        mail.body_text
    );
    assert!(mail.body_text.contains(ADMIN_EMAIL));
    // Password alone signs in again.
    let r = app.sign_in("ana@example.com", ADMIN_PASSWORD).await;
    assert!(
        r.session_cookie().is_some_and(|c| !c.is_empty()),
        "{}",
        r.body
    );
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "user.reset_two_factor"));
}

#[tokio::test]
async fn sign_out_all_users_ends_every_session_but_the_actors() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let second = app.admin_token().await;
    let ana = app.user_with_role(&admin, "ana@example.com", "admin").await;
    let tom = app
        .user_with_role(&admin, "tom@example.com", "technical_admin")
        .await;
    let r = app.call("sign_out_all_users", &[], Some(&tom)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(app.whoami(&admin).await.as_deref(), Some(ADMIN_EMAIL));
    let r = app.call("sign_out_all_users", &[], Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), 3);
    assert_eq!(app.whoami(&second).await, None);
    assert_eq!(app.whoami(&tom).await, None);
    assert_eq!(app.whoami(&ana).await, None);
    assert_eq!(app.whoami(&admin).await.as_deref(), Some(ADMIN_EMAIL));
    let log = app.call("audit_log", &[], Some(&admin)).await.json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["action"] == "security.sign_out_all"));
}
