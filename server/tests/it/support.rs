//! A console on an in-memory database with a hand-moved clock, driven through HTTP.

use app::service::{BootstrapInput, ManualClock, OsEntropy, Service, ServiceConfig};
use app::store::Database;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use clap::Parser;
use http::{header, Request, StatusCode};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

pub const ADMIN_EMAIL: &str = "root@example.com";
pub const ADMIN_PASSWORD: &str = "a long and uncommon passphrase";
pub const T0: i64 = 1_800_000_000;

#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub service: Service,
    pub clock: Arc<ManualClock>,
    pub account_id: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The session token the response sets (empty when it clears the cookie).
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie("console_session")
    }

    /// The value the response sets for cookie `name` (empty when it clears it).
    pub fn cookie(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.strip_prefix(&prefix)
                    .map(|rest| rest.split(';').next().unwrap_or("").to_string())
            })
    }

    pub fn set_cookie_header(&self) -> String {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

/// The seven legacy roles, in matrix order.
pub const ROLES: [&str; 7] = [
    "master_admin",
    "admin",
    "technical_admin",
    "billing",
    "reports",
    "media_library_admin",
    "media_library_user",
];

/// A built site as cargo-leptos leaves it (hashed names, their list, pre-compressed
/// copies), made once per test process.
pub fn site() -> &'static server::assets::SiteAssets {
    static SITE: std::sync::OnceLock<(tempfile::TempDir, server::assets::SiteAssets)> =
        std::sync::OnceLock::new();
    &SITE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("site dir");
            let pkg = dir.path().join("pkg");
            std::fs::create_dir(&pkg).expect("pkg dir");
            std::fs::write(dir.path().join("hash.txt"), "js: J1\nwasm: W1\ncss: C1\n")
                .expect("hash.txt");
            for (name, body) in SITE_FILES {
                std::fs::write(pkg.join(name), body).expect("site file");
            }
            // A lazy chunk, and its copy compressed against the main WASM as the release
            // build's last step writes it; another chunk with an earlier build's copy.
            std::fs::write(pkg.join(CHUNK), "wasm, identity ".repeat(20)).expect("chunk");
            std::fs::write(pkg.join(format!("{CHUNK}.br")), CHUNK_BROTLI).expect("chunk br");
            server::assets::dictionary::compress_chunks(&pkg, "console.W1.wasm")
                .expect("chunks compressed");
            std::fs::write(pkg.join(STALE_CHUNK), "two").expect("chunk");
            let stale = [
                &server::assets::dictionary::DCZ_MAGIC[..],
                &[7; 32],
                b"frame",
            ]
            .concat();
            std::fs::write(pkg.join(format!("{STALE_CHUNK}.dcz")), stale).expect("stale dcz");
            std::fs::write(dir.path().join("favicon.svg"), "<svg/>").expect("favicon");
            let assets = server::assets::SiteAssets::load(dir.path()).expect("test site");
            (dir, assets)
        })
        .1
}

/// The test site's files: the WASM also as brotli and gzip (stand-in bodies that say
/// which one was served).
pub const SITE_FILES: [(&str, &str); 5] = [
    ("console.J1.js", "js"),
    ("console.W1.wasm", "wasm, identity"),
    ("console.W1.wasm.br", "wasm, brotli"),
    ("console.W1.wasm.gz", "wasm, gzip"),
    ("console.C1.css", "css"),
];

/// A lazy chunk of the test site (compressed against the main WASM), the brotli copy's
/// stand-in body, and a chunk whose `.dcz` an earlier build wrote.
pub const CHUNK: &str = "chunk_1.K1.wasm";
pub const CHUNK_BROTLI: &str = "chunk, brotli: a stand-in as long as a real chunk's brotli copy \
    would be, so that the copy compressed against the main WASM comes out smaller than it";
pub const STALE_CHUNK: &str = "chunk_2.K2.wasm";

pub fn config() -> server::config::Config {
    server::config::Cli::try_parse_from(["server"])
        .expect("default config")
        .config
}

impl TestApp {
    /// A console with no account yet.
    pub async fn empty() -> TestApp {
        Self::on(Database::open_in_memory().await.expect("db")).await
    }

    async fn on(db: Database) -> TestApp {
        Self::on_with(db, ServiceConfig::default()).await
    }

    /// A console with an account on `plan` and this service configuration.
    pub async fn with_config(plan: &str, config: ServiceConfig) -> TestApp {
        let db = Database::open_in_memory().await.expect("db");
        let app = Self::on_with(db, config).await;
        app.bootstrap(plan).await
    }

    async fn on_with(db: Database, service_config: ServiceConfig) -> TestApp {
        let clock = Arc::new(ManualClock::new(T0));
        let service = Service::new(db, service_config, clock.clone(), Arc::new(OsEntropy))
            .await
            .expect("service");
        let router = server::router::build(&config(), service.clone(), site());
        TestApp {
            router,
            service,
            clock,
            account_id: String::new(),
        }
    }

    /// A console with an account whose root user is a Master admin.
    pub async fn with_account() -> TestApp {
        Self::with_plan("enterprise").await
    }

    /// A console on a database file (a real pool) with an account on `plan`.
    pub async fn on_disk(dir: &std::path::Path, plan: &str) -> TestApp {
        let db = Database::open(dir).await.expect("db");
        Self::bootstrapped(db, plan).await
    }

    pub async fn with_plan(plan: &str) -> TestApp {
        let db = Database::open_in_memory().await.expect("db");
        Self::bootstrapped(db, plan).await
    }

    async fn bootstrapped(db: Database, plan: &str) -> TestApp {
        Self::on(db).await.bootstrap(plan).await
    }

    async fn bootstrap(mut self, plan: &str) -> TestApp {
        let app = &mut self;
        let out = app
            .service
            .bootstrap(&BootstrapInput {
                account_name: "Acme Media".into(),
                email: ADMIN_EMAIL.into(),
                password: ADMIN_PASSWORD.into(),
                plan: Some(plan.into()),
            })
            .await
            .expect("bootstrap");
        app.account_id = out.account_id;
        self
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
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

    /// A same-origin form POST to a server function, as the console's own pages send it.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        self.call_from(endpoint, form, cookie, "203.0.113.7").await
    }

    pub async fn call_from(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        ip: &str,
    ) -> Reply {
        let req = form_request(endpoint, form, cookie, ip).header("sec-fetch-site", "same-origin");
        self.send(req.body(Body::from(encode(form))).expect("request"))
            .await
    }

    /// A same-origin form POST with a whole `Cookie` header.
    pub async fn call_with_cookies(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookies: &str,
    ) -> Reply {
        let req = form_request(endpoint, form, None, "203.0.113.7")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, cookies);
        self.send(req.body(Body::from(encode(form))).expect("request"))
            .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.call("sign_in", &[("email", email), ("password", password)], None)
            .await
    }

    /// Signs the root user in and returns the session token.
    pub async fn admin_token(&self) -> String {
        let r = self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.session_cookie().expect("session cookie")
    }

    /// Who the session cookie signs in, per the console (`None`: signed out).
    pub async fn whoami(&self, token: &str) -> Option<String> {
        let r = self.call("session", &[], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["me"]["email"].as_str().map(str::to_string)
    }
}

pub fn form_request(
    endpoint: &str,
    _form: &[(&str, &str)],
    cookie: Option<&str>,
    ip: &str,
) -> http::request::Builder {
    let addr = SocketAddr::new(ip.parse().expect("ip"), 50000);
    let mut b = Request::post(format!("/api/{endpoint}"))
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .extension(ConnectInfo(addr));
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("console_session={c}"));
    }
    b
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    /// The token of the newest invitation link emailed to `email` (read from the outbox).
    pub async fn invitation_token(&self, email: &str) -> String {
        let mail = self
            .service
            .read_outbox(Some(email), 1)
            .await
            .expect("outbox");
        let text = &mail
            .first()
            .unwrap_or_else(|| panic!("no email to {email}"))
            .body_text;
        let start = text.find("token=").expect("a link with a token") + "token=".len();
        text[start..].split_whitespace().next().unwrap().to_string()
    }

    /// Adds users as the holder of `token`.
    pub async fn add_users(&self, token: &str, emails: &[&str], role: &str) -> Reply {
        let keys: Vec<String> = (0..emails.len()).map(|i| format!("emails[{i}]")).collect();
        let mut form: Vec<(&str, &str)> = keys
            .iter()
            .map(String::as_str)
            .zip(emails.iter().copied())
            .collect();
        form.push(("role", role));
        form.push(("all_environments", "on"));
        self.call("add_users", &form, Some(token)).await
    }

    /// A signed-in user of the given role (invited by the root user, invitation accepted).
    pub async fn user_with_role(&self, admin: &str, email: &str, role: &str) -> String {
        let r = self.add_users(admin, &[email], role).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let token = self.invitation_token(email).await;
        let r = self
            .call(
                "set_password",
                &[("token", &token), ("password", ADMIN_PASSWORD)],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = self.sign_in(email, ADMIN_PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.session_cookie().expect("session")
    }

    /// One signed-in user of each role (all environments), in matrix order.
    pub async fn team(&self, admin: &str) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for role in ROLES {
            let token = self
                .user_with_role(admin, &format!("{role}.member@example.com"), role)
                .await;
            out.push((role, token));
        }
        out
    }

    /// The emails of the account's users as the User Management table lists them.
    pub async fn listed_emails(&self, token: &str) -> Vec<String> {
        let r = self.call("users", &[], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect()
    }
}

impl TestApp {
    /// The id of a listed user.
    pub async fn user_id(&self, token: &str, email: &str) -> String {
        let r = self.call("users", &[("search", email)], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"].as_str().unwrap().eq_ignore_ascii_case(email))
            .unwrap_or_else(|| panic!("{email} not listed"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// One user as the console shows them (`get_user`).
    pub async fn user(&self, token: &str, id: &str) -> Value {
        let r = self.call("user", &[("id", id)], Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["user"].clone()
    }

    /// A row-menu action (`resend_invite`, `reset_password`, `force_logout`, `disable`,
    /// `enable`, `delete`).
    pub async fn act(&self, token: &str, id: &str, action: &str, confirm_email: &str) -> Reply {
        self.call(
            "user_action",
            &[
                ("id", id),
                ("action", action),
                ("confirm_email", confirm_email),
            ],
            Some(token),
        )
        .await
    }

    /// The newest email to an address.
    pub async fn newest_email(&self, to: &str) -> app::store::OutboxRow {
        self.service
            .read_outbox(Some(to), 1)
            .await
            .expect("outbox")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no email to {to}"))
    }

    pub async fn emails_to(&self, to: &str) -> usize {
        self.service
            .read_outbox(Some(to), 1000)
            .await
            .expect("outbox")
            .len()
    }

    /// Sets a password from the newest link emailed to `email`.
    pub async fn set_password_from_email(&self, email: &str, password: &str) -> Reply {
        let token = self.invitation_token(email).await;
        self.call(
            "set_password",
            &[("token", &token), ("password", password)],
            None,
        )
        .await
    }
}

/// Writes another account ('other') with one environment into the database in `dir`
/// (beside a console's own account); returns that environment's id.
pub async fn foreign_environment(dir: &std::path::Path) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("console.db").display()))
        .await
        .unwrap();
    sqlx::query("INSERT INTO accounts (id, name, plan, created_at, updated_at) VALUES ('other', 'Other', 'plus', 0, 0)")
        .execute(&pool)
        .await
        .unwrap();
    let foreign = "f".repeat(32);
    sqlx::query("INSERT INTO environments (id, account_id, name, cloud_name, created_at, updated_at) VALUES (?, 'other', 'Theirs', 'their-cloud', 0, 0)")
        .bind(&foreign)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    foreign
}

/// Creates the account with `server bootstrap` in `dir` (the root user's password on stdin).
pub fn bootstrap_with_cli(dir: &std::path::Path, plan: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "bootstrap",
            "--account-name",
            "Acme",
            "--email",
            ADMIN_EMAIL,
            "--plan",
            plan,
        ])
        .env("CONSOLE_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("server binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
        .expect("password");
    assert!(child.wait().expect("bootstrap").success());
}
