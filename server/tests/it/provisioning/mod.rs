//! The Provisioning API through HTTP: Basic auth with an account API key, the contract's
//! bodies, statuses and messages, the liberal parsing real clients need, rate limits.

mod auth_and_limits;
mod environments;
mod groups;
mod openapi;
mod user_updates;
mod users;

use crate::support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use base64::Engine;
use http::{header, Request};
use serde_json::Value;
use std::net::SocketAddr;

/// A client of the API holding one account API key.
pub struct Client {
    pub app: TestApp,
    pub key: String,
    pub secret: String,
    pub router: axum::Router,
}

pub enum Body_ {
    None,
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

impl Client {
    pub async fn new(plan: &str) -> Client {
        Client::for_app(TestApp::with_plan(plan).await).await
    }

    /// A client of a console on a database file: a real pool, requests truly in parallel.
    pub async fn on_disk(dir: &std::path::Path, plan: &str) -> Client {
        Client::for_app(TestApp::on_disk(dir, plan).await).await
    }

    async fn for_app(app: TestApp) -> Client {
        let made = app
            .service
            .create_account_api_key_as_operator(Some(&app.account_id), "CI")
            .await
            .expect("key");
        Client {
            router: app.router.clone(),
            app,
            key: made.key.api_key,
            secret: made.secret,
        }
    }

    pub fn path(&self, rest: &str) -> String {
        format!("/v1_1/provisioning/accounts/{}{rest}", self.app.account_id)
    }

    pub fn basic(key: &str, secret: &str) -> String {
        let raw = format!("{key}:{secret}");
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    /// A request from 198.51.100.1 with this Authorization header (`None`: no header).
    pub async fn send_as(&self, auth: Option<&str>, method: &str, uri: &str, body: Body_) -> Reply {
        let addr: SocketAddr = "198.51.100.1:40000".parse().expect("addr");
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:3000")
            .extension(ConnectInfo(addr));
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        let body = match body {
            Body_::None => Body::empty(),
            Body_::Json(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            Body_::Raw(ct, bytes) => {
                b = b.header(header::CONTENT_TYPE, ct);
                Body::from(bytes)
            }
        };
        let res = tower::ServiceExt::oneshot(self.router.clone(), b.body(body).expect("req"))
            .await
            .expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn send(&self, method: &str, rest: &str, body: Body_) -> Reply {
        let auth = Self::basic(&self.key, &self.secret);
        self.send_as(Some(&auth), method, &self.path(rest), body)
            .await
    }

    pub async fn get(&self, rest: &str) -> Reply {
        self.send("GET", rest, Body_::None).await
    }

    /// Sends and asserts 200 with JSON.
    pub async fn ok(&self, method: &str, rest: &str, body: Body_) -> Value {
        let r = self.send(method, rest, body).await;
        assert_eq!(
            r.status,
            http::StatusCode::OK,
            "{method} {rest}: {}",
            r.body
        );
        assert_eq!(
            r.headers[header::CONTENT_TYPE],
            "application/json; charset=utf-8"
        );
        r.json()
    }

    /// The audit log as the root user sees it.
    pub async fn audit(&self) -> String {
        let admin = self.app.admin_token().await;
        self.app.call("audit_log", &[], Some(&admin)).await.body
    }
}

/// Asserts the contract's error body and status.
pub fn refused(r: &Reply, status: u16, message: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(
        r.json(),
        serde_json::json!({ "error": { "message": message } }),
        "{}",
        r.body
    );
}

/// A multipart/form-data body of text fields.
pub fn multipart(fields: &[(&str, &str)]) -> Body_ {
    let boundary = "XyZ0boundary9";
    let mut out = String::new();
    for (k, v) in fields {
        out.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    Body_::Raw(
        "multipart/form-data; boundary=XyZ0boundary9",
        out.into_bytes(),
    )
}

pub fn form(fields: &[(&str, &str)]) -> Body_ {
    Body_::Raw(
        "application/x-www-form-urlencoded",
        encode(fields).into_bytes(),
    )
}

/// The keys of a JSON object, in order.
pub fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}
