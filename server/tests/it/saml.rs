//! SAML single sign-on through HTTP against a real identity provider (pysaml2 + xmlsec1 on
//! loopback): settings, SP- and IdP-initiated sign-in, and every way a response is refused
//! (docs/rules/saml.md).

use crate::saml_idp::*;
use crate::support::*;
use http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn settings_refuse_metadata_without_a_signing_certificate_or_with_a_dtd() {
    let idp = Idp::start().await;
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let metadata = idp.metadata(true).await;
    // Re-authentication first.
    let r = app
        .save_saml(&admin, &metadata, "example.com", false, false)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let admin = app.reauthenticated_admin().await;

    let without_cert = idp.metadata(false).await;
    let r = app
        .save_saml(&admin, &without_cert, "example.com", false, false)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("no signing certificate"), "{}", r.body);

    let dtd = metadata.replacen(
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
        1,
    );
    let r = app
        .save_saml(&admin, &dtd, "example.com", false, false)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    let r = app
        .save_saml(&admin, "<not-metadata/>", "example.com", false, false)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = app
        .save_saml(&admin, &metadata, "not a domain", false, false)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // Nothing was saved.
    let r = app.call("saml_settings", &[], Some(&admin)).await;
    assert_eq!(r.json()["idp_entity_id"], serde_json::Value::Null);

    let r = app
        .save_saml(
            &admin,
            &metadata,
            "Example.com, media.example.org",
            false,
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let saved = r.json();
    assert_eq!(saved["enabled"], true);
    assert_eq!(saved["idp_entity_id"], idp.entity_id());
    assert_eq!(
        saved["domains"],
        json!(["example.com", "media.example.org"])
    );
    assert_eq!(
        saved["service_provider"]["acs_url"],
        "http://127.0.0.1:3000/saml/acs"
    );
    let record = app.newest_record(&admin, "security.saml_update").await;
    assert!(record["after"]
        .as_str()
        .unwrap()
        .contains("media.example.org"));
}

#[tokio::test]
async fn a_plan_without_saml_is_refused() {
    let idp = Idp::start().await;
    let app = TestApp::with_plan("plus").await;
    let admin = app.reauthenticated_admin().await;
    let r = app
        .save_saml(
            &admin,
            &idp.metadata(true).await,
            "example.com",
            false,
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("SamlNotInPlan"), "{}", r.body);
}

#[tokio::test]
async fn our_metadata_names_the_entity_id_and_the_acs() {
    let app = TestApp::with_account().await;
    let r = app
        .send(
            http::Request::get("/saml/metadata")
                .header(http::header::HOST, "127.0.0.1:3000")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("entityID=\"http://127.0.0.1:3000/saml/metadata\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("Location=\"http://127.0.0.1:3000/saml/acs\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("emailAddress"), "{}", r.body);
}

#[tokio::test]
async fn sign_in_with_sso_goes_to_the_idp_and_back_with_a_session_once() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, false).await;
    // An address no account lists, and a malformed one: one answer, no enumeration.
    for email in ["someone@elsewhere.example", "root@EXAMPLE.org"] {
        let r = app.sso_start(email, "/users").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(location(&r), "/login?failed=sso_not_set_up&next=%2Fusers");
    }
    let r = app.sso_start("root@example.com", "/users").await;
    // A page that moves on (a form's redirect to another site would meet form-action).
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("http-equiv=\"refresh\""), "{}", r.body);
    assert!(
        location(&r).starts_with(&format!("http://127.0.0.1:{}/sso?SAMLRequest=", idp.port)),
        "{}",
        location(&r)
    );
    let request = saml_request(&r);

    let response = idp
        .response(
            &app,
            Some(&request),
            ADMIN_EMAIL,
            json!({ "email": ADMIN_EMAIL }),
            "ok",
        )
        .await;
    let r = app.acs(&response).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/users");
    let token = r.session_cookie().expect("a session");
    assert_eq!(app.whoami(&token).await.as_deref(), Some(ADMIN_EMAIL));
    let record = app.newest_record(&admin, "auth.login_success").await;
    assert!(
        record["after"].as_str().unwrap().contains("saml"),
        "{record}"
    );

    // The same response again: a replay, refused and recorded.
    let r = app.acs(&response).await;
    assert_eq!(location(&r), "/login?failed=sso_failed");
    assert!(r.session_cookie().is_none());
    let record = app.newest_record(&admin, "auth.saml_failure").await;
    assert!(
        record["after"]
            .as_str()
            .unwrap()
            .contains("InResponseTo names no pending"),
        "{record}"
    );
}

#[tokio::test]
async fn idp_initiated_sign_in_is_accepted_and_its_assertion_only_once() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, false).await;
    let response = idp
        .response(
            &app,
            None,
            ADMIN_EMAIL,
            json!({ "email": ADMIN_EMAIL }),
            "ok",
        )
        .await;
    let r = app.acs(&response).await;
    assert_eq!(location(&r), "/");
    assert!(r.session_cookie().is_some());
    let r = app.acs(&response).await;
    assert_eq!(location(&r), "/login?failed=sso_failed");
    let record = app.newest_record(&admin, "auth.saml_failure").await;
    assert!(
        record["after"].as_str().unwrap().contains("used before"),
        "{record}"
    );
}

/// Each broken response: the one sentence to the browser, no session, the reason audited.
#[tokio::test]
async fn every_broken_response_is_refused_with_its_reason_in_the_audit_log() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, false).await;
    let cases = [
        ("unsigned", "signature"),
        ("other_key", "signature"),
        ("tampered", "signature"),
        ("sha1", "signature"),
        ("wrong_audience", "audience"),
        ("no_audience", "audience"),
        ("wrong_recipient", "refused"),
        ("expired", "refused"),
        ("future", "refused"),
        ("dtd", "document type"),
    ];
    for (variant, reason) in cases {
        let r = app.sso_start(ADMIN_EMAIL, "").await;
        let request = saml_request(&r);
        let response = idp
            .response(
                &app,
                Some(&request),
                ADMIN_EMAIL,
                json!({ "email": ADMIN_EMAIL }),
                variant,
            )
            .await;
        let r = app.acs(&response).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{variant}: {}", r.body);
        assert_eq!(location(&r), "/login?failed=sso_failed", "{variant}");
        assert!(r.session_cookie().is_none(), "{variant}");
        let record = app.newest_record(&admin, "auth.saml_failure").await;
        let after = record["after"].as_str().unwrap().to_lowercase();
        assert!(after.contains(reason), "{variant}: {after}");
    }
    // A response to a request the console never made, and one that isn't SAML at all.
    let made_up = idp.response(&app, None, ADMIN_EMAIL, json!({}), "ok").await;
    let decoded = String::from_utf8(base64_decode(&made_up)).unwrap();
    let forged = decoded.replacen(
        "<ns0:Response ",
        "<ns0:Response InResponseTo=\"_0123456789abcdef\" ",
        1,
    );
    let r = app.acs(&base64_encode(forged.as_bytes())).await;
    assert_eq!(location(&r), "/login?failed=sso_failed");
    for junk in ["", "%%%", "bm90IHhtbA=="] {
        let r = app.acs(junk).await;
        assert_eq!(location(&r), "/login?failed=sso_failed", "{junk:?}");
    }
}

#[tokio::test]
async fn without_jit_an_unknown_user_is_refused_and_a_known_email_is_linked() {
    let idp = Idp::start().await;
    let (app, admin) = TestApp::with_saml(&idp, false).await;
    let response = idp
        .response(
            &app,
            None,
            "nobody@example.com",
            json!({ "email": "nobody@example.com" }),
            "ok",
        )
        .await;
    let r = app.acs(&response).await;
    assert_eq!(location(&r), "/login?failed=sso_failed");
    let record = app.newest_record(&admin, "auth.saml_failure").await;
    assert!(
        record["after"]
            .as_str()
            .unwrap()
            .contains("provisioning is off"),
        "{record}"
    );

    // The root user signs in with SAML by email: linked, password kept.
    let response = idp
        .response(
            &app,
            None,
            ADMIN_EMAIL,
            json!({ "username": "root-1" }),
            "ok",
        )
        .await;
    let r = app.acs(&response).await;
    assert!(r.session_cookie().is_some(), "{}", location(&r));
    let record = app.newest_record(&admin, "user.saml_link").await;
    assert_eq!(record["actor"], "saml");
    assert_eq!(
        app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.status,
        StatusCode::OK
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}
