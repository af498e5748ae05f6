//! SCIM's foundation through HTTP (docs/rules/scim.md): bearer tokens made by the operator,
//! the error shape of RFC 7644 §3.12, the service provider's configuration.

use crate::support::*;
use axum::body::Body;
use http::StatusCode;
use serde_json::Value;
use std::process::Command;

impl TestApp {
    pub async fn scim(&self, bearer: Option<&str>, path: &str) -> Reply {
        let mut req = http::Request::get(path)
            .header(http::header::HOST, "127.0.0.1:3000")
            .extension(axum::extract::ConnectInfo(
                "203.0.113.7:5000".parse::<std::net::SocketAddr>().unwrap(),
            ));
        if let Some(b) = bearer {
            req = req.header(http::header::AUTHORIZATION, format!("Bearer {b}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }
}

fn scim_error(r: &Reply, status: u16) -> Value {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.headers["content-type"], "application/scim+json");
    let body = r.json();
    assert_eq!(
        body["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(body["status"], status.to_string());
    body
}

#[tokio::test]
async fn a_token_opens_scim_and_nothing_else_does() {
    let app = TestApp::with_account().await;
    let (_, token) = app
        .service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap();
    let r = app
        .scim(Some(&token), "/scim/v2/ServiceProviderConfig")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "application/scim+json");
    let config = r.json();
    assert_eq!(
        config["schemas"][0],
        "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
    );
    assert_eq!(
        config["authenticationSchemes"][0]["type"],
        "oauthbearertoken"
    );

    // No token, a malformed one, a wrong secret, an unknown id: 401 in SCIM's shape.
    let (id, secret) = token.split_once('.').unwrap();
    let wrong_secret = format!("{id}.{}", "0".repeat(secret.len()));
    for bad in [
        None,
        Some("nonsense"),
        Some(wrong_secret.as_str()),
        Some("0123456789abcdef.x"),
    ] {
        let r = app.scim(bad, "/scim/v2/ServiceProviderConfig").await;
        scim_error(&r, 401);
        assert!(r.headers.contains_key(http::header::WWW_AUTHENTICATE));
    }
    // Discovery: the User resource type and its schema.
    let types = app
        .scim(Some(&token), "/scim/v2/ResourceTypes")
        .await
        .json();
    assert_eq!(types["totalResults"], 2);
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    assert_eq!(types["Resources"][1]["endpoint"], "/Groups");
    let schema_id = types["Resources"][0]["schema"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .scim(Some(&token), &format!("/scim/v2/Schemas/{schema_id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let names: Vec<String> = r.json()["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    for wanted in [
        "userName",
        "externalId",
        "name",
        "displayName",
        "emails",
        "active",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted}");
    }
    assert_eq!(
        app.scim(Some(&token), "/scim/v2/ResourceTypes/User")
            .await
            .json()["id"],
        "User"
    );
    scim_error(
        &app.scim(Some(&token), "/scim/v2/ResourceTypes/Widget")
            .await,
        404,
    );
    scim_error(&app.scim(None, "/scim/v2/Schemas").await, 401);
    // An endpoint that isn't there.
    scim_error(&app.scim(Some(&token), "/scim/v2/Nothing").await, 404);
    // A name twice is refused.
    let e = app
        .service
        .create_scim_token_as_operator(None, "Okta")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already has this name"), "{e}");
}

#[test]
fn server_scim_token_create_prints_the_token_once() {
    let dir = tempfile::tempdir().unwrap();
    bootstrap_with_cli(dir.path(), "plus");
    let run = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["scim-token", "create", "--name", name])
            .env("CONSOLE_DATA_DIR", dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = run("Entra ID");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = printed["token"].as_str().unwrap();
    let (id, secret) = token.split_once('.').unwrap();
    assert_eq!((id.len(), secret.len()), (16, 64));
    // The database keeps its hash, never the token.
    for file in ["console.db", "console.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{file}"
        );
    }
    let again = run("Entra ID");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has this name"));
    assert!(!run("").status.success());
}

pub fn encode(s: &str) -> String {
    crate::saml_idp::url_encode(s)
}

impl TestApp {
    pub async fn scim_send(
        &self,
        bearer: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        self.scim_send_with(bearer, method, path, body, &[]).await
    }

    /// A SCIM request with more headers (`If-Match`, `If-None-Match`).
    pub async fn scim_send_with(
        &self,
        bearer: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = http::Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, "127.0.0.1:3000")
            .header(http::header::AUTHORIZATION, format!("Bearer {bearer}"))
            .header(http::header::CONTENT_TYPE, "application/scim+json")
            .extension(axum::extract::ConnectInfo(
                "198.51.100.4:5000".parse::<std::net::SocketAddr>().unwrap(),
            ));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if method != "GET" {
            // An identity provider's request comes from its own site.
            req = req.header("sec-fetch-site", "cross-site");
        }
        let body = body
            .map(|b| Body::from(b.to_string()))
            .unwrap_or_else(Body::empty);
        self.send(req.body(body).unwrap()).await
    }
}
