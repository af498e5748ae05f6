//! The test identity provider (server/tests/saml/idp.py: pysaml2 + xmlsec1 on loopback,
//! installed by `make test`) and the console's side of a SAML sign-in, driven through HTTP.

use crate::support::*;
use axum::body::Body;
use http::{header, Request, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running identity provider; stopped on drop.
pub struct Idp {
    child: Child,
    pub port: u16,
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> PathBuf {
    std::env::var_os("CONSOLE_TEST_SAML_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/saml-venv/bin/python")
        })
}

impl Idp {
    pub async fn start() -> Idp {
        let python = python();
        assert!(
            python.exists(),
            "pysaml2's Python is missing at {} — `make test` installs it (make saml-idp)",
            python.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/saml/idp.py");
        let mut child = Command::new(&python)
            .arg(script)
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the test identity provider");
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Idp { child, port };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the test identity provider didn't start on port {port}");
    }

    pub fn entity_id(&self) -> String {
        format!("http://127.0.0.1:{}/metadata", self.port)
    }

    pub async fn metadata(&self, with_cert: bool) -> String {
        let path = if with_cert {
            "/metadata"
        } else {
            "/metadata?without_cert=1"
        };
        let (status, body) = http_call(self.port, "GET", path, "").await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A response for the console, made now: `variant` breaks one thing ("ok" breaks none).
    pub async fn response(
        &self,
        app: &TestApp,
        request: Option<&str>,
        email: &str,
        attributes: Value,
        variant: &str,
    ) -> String {
        let sp = app
            .send(
                Request::get("/saml/metadata")
                    .header(header::HOST, "127.0.0.1:3000")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(sp.status, StatusCode::OK, "{}", sp.body);
        let args = json!({
            "sp_metadata": sp.body, "saml_request": request, "name_id": email,
            "attributes": attributes, "variant": variant,
        });
        let (status, body) = http_call(self.port, "POST", "/response", &args.to_string()).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["SAMLResponse"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// One HTTP/1.0 exchange on loopback: the status and the body.
async fn http_call(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// The clock the identity provider and samael keep: the real one.
pub fn real_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

impl TestApp {
    /// An Enterprise console on the real clock (the identity provider's) with SAML set to
    /// `idp` for `example.com`; `jit` provisions unknown users.
    pub async fn with_saml(idp: &Idp, jit: bool) -> (TestApp, String) {
        let app = TestApp::with_account().await;
        app.clock.set(real_now());
        let admin = app.reauthenticated_admin().await;
        let metadata = idp.metadata(true).await;
        let r = app
            .save_saml(&admin, &metadata, "example.com", jit, false)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        (app, admin)
    }

    /// The root user, signed in and re-authenticated.
    pub async fn reauthenticated_admin(&self) -> String {
        let admin = self.admin_token().await;
        let r = self
            .call(
                "reauthenticate",
                &[("password", ADMIN_PASSWORD)],
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.session_cookie().unwrap_or(admin)
    }

    pub async fn save_saml(
        &self,
        token: &str,
        metadata: &str,
        domains: &str,
        jit: bool,
        enforce: bool,
    ) -> Reply {
        self.call(
            "saml_settings_save",
            &[
                ("enabled", "true"),
                ("metadata_xml", metadata),
                ("domains", domains),
                ("jit", if jit { "true" } else { "false" }),
                ("enforce", if enforce { "true" } else { "false" }),
            ],
            Some(token),
        )
        .await
    }

    /// *Sign in with SSO*: the identity provider's address, or where the console sent
    /// the browser instead.
    pub async fn sso_start(&self, email: &str, next: &str) -> Reply {
        let form = format!("email={}&next={}", url_encode(email), url_encode(next));
        self.send(
            Request::post("/saml/login")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .extension(axum::extract::ConnectInfo(
                    "203.0.113.7:5000".parse::<std::net::SocketAddr>().unwrap(),
                ))
                .body(Body::from(form))
                .unwrap(),
        )
        .await
    }

    /// The identity provider posting a response to the ACS (from its own site).
    pub async fn acs(&self, saml_response: &str) -> Reply {
        let form = format!("SAMLResponse={}&RelayState=", url_encode(saml_response));
        self.send(
            Request::post("/saml/acs")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .header(header::ORIGIN, "http://127.0.0.1:9")
                .extension(axum::extract::ConnectInfo(
                    "203.0.113.7:5000".parse::<std::net::SocketAddr>().unwrap(),
                ))
                .body(Body::from(form))
                .unwrap(),
        )
        .await
    }

    /// The newest audit record of `action`, as the audit log page shows it.
    pub async fn newest_record(&self, token: &str, action: &str) -> Value {
        let r = self
            .call("audit_page", &[("action", action)], Some(token))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["records"][0].clone()
    }
}

/// Where an answer sends the browser: its redirect, or the page that moves on to the
/// identity provider (`Refresh`).
pub fn location(r: &Reply) -> String {
    if let Some(refresh) = r.headers.get(header::REFRESH).and_then(|v| v.to_str().ok()) {
        return refresh.trim_start_matches("0; url=").to_string();
    }
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The `SAMLRequest` of a redirect to the identity provider.
pub fn saml_request(r: &Reply) -> String {
    let url = location(r);
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("SAMLRequest="))
        .map(url_decode)
        .unwrap_or_else(|| panic!("no SAMLRequest in {url}"))
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}
