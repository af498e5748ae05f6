//! Email delivery through a real SMTP server on loopback (Python's aiosmtpd, installed by
//! `make test`), retries when the server is down, and the development mailbox.

use crate::support::*;
use axum::body::Body;
use http::{Request, StatusCode};
use server::mailer::{Delivery, Mailer};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// aiosmtpd writing every message it receives to a Maildir; stopped on drop.
struct SmtpSink {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> PathBuf {
    std::env::var_os("CONSOLE_TEST_SMTP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/smtp-venv/bin/python")
        })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl SmtpSink {
    async fn start() -> SmtpSink {
        let python = python();
        assert!(
            python.exists(),
            "aiosmtpd's Python is missing at {} — `make test` installs it (make smtp-sink)",
            python.display()
        );
        let maildir = tempfile::tempdir().expect("maildir");
        let port = free_port();
        let mut child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpSink {
                    child,
                    port,
                    maildir,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd didn't start on port {port}");
    }

    /// The raw messages received so far.
    fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.maildir.path().join("mail").join(sub)) {
                for e in entries.flatten() {
                    out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
        out
    }
}

/// An account whose admin has invited ana@example.com, the invitation's token, and a mailer
/// sending to `sink`.
async fn ana_invited(sink: &SmtpSink) -> (TestApp, String, Mailer) {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    let r = app.add_users(&admin, &["ana@example.com"], "reports").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = app.invitation_token("ana@example.com").await;
    let mailer = Mailer::new(
        &format!("smtp://127.0.0.1:{}", sink.port),
        "Console <console@example.com>",
    )
    .expect("mailer");
    (app, token, mailer)
}

#[tokio::test]
async fn invitations_are_delivered_over_smtp_as_text_and_html() {
    let sink = SmtpSink::start().await;
    let (app, token, mailer) = ana_invited(&sink).await;

    let done = mailer.deliver_due(&app.service).await.expect("delivery");
    assert_eq!(done, Delivery { sent: 1, failed: 0 });

    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert!(m.contains("To: ana@example.com"), "{m}");
    assert!(m.contains("From: Console <console@example.com>"), "{m}");
    assert!(m.contains("Subject: You're invited to Acme Media"), "{m}");
    assert!(m.contains("text/plain") && m.contains("text/html"), "{m}");
    // The same message as the outbox, link included (quoted-printable may wrap it).
    let unwrapped = m.replace("=\r\n", "").replace("=\n", "");
    assert!(unwrapped.contains(&token), "{m}");
    assert!(app.newest_email("ana@example.com").await.sent_at.is_some());
    // Sent once: the next pass has nothing to do.
    let again = mailer.deliver_due(&app.service).await.expect("delivery");
    assert_eq!(again, Delivery::default());
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_failed_delivery_is_kept_and_retried_later() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.add_users(&admin, &["ben@example.com"], "reports").await;
    let closed = free_port();
    let down = Mailer::new(&format!("smtp://127.0.0.1:{closed}"), "console@example.com").unwrap();
    let done = down.deliver_due(&app.service).await.expect("pass");
    assert_eq!(done, Delivery { sent: 0, failed: 1 });
    let row = app.newest_email("ben@example.com").await;
    assert_eq!(row.sent_at, None);
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    assert_eq!(row.next_attempt_at, T0 + 30);
    // Not due again until the delay has passed; then delivered to a live server.
    assert_eq!(
        down.deliver_due(&app.service).await.unwrap(),
        Delivery::default()
    );
    let sink = SmtpSink::start().await;
    let up = Mailer::new(
        &format!("smtp://127.0.0.1:{}", sink.port),
        "console@example.com",
    )
    .unwrap();
    app.clock.advance(30);
    assert_eq!(
        up.deliver_due(&app.service).await.unwrap(),
        Delivery { sent: 1, failed: 0 }
    );
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn bad_smtp_settings_are_refused_at_start() {
    assert!(Mailer::new("http://example.com", "console@example.com").is_err());
    assert!(Mailer::new("smtp://127.0.0.1:25", "not an address").is_err());
}

#[tokio::test]
async fn the_dev_mailbox_shows_the_outbox_only_when_turned_on() {
    let app = TestApp::with_account().await;
    let admin = app.admin_token().await;
    app.add_users(&admin, &["cy@example.com"], "reports").await;
    let get = |router: axum::Router| async move {
        let res = tower::ServiceExt::oneshot(
            router,
            Request::get("/dev/mailbox")
                .header("host", "127.0.0.1:3000")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    };
    let (status, _) = get(app.router.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "off by default");

    let mut config = config();
    config.dev_mailbox = true;
    let router = server::router::build(&config, app.service.clone(), crate::support::site());
    let (status, body) = get(router).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("To: cy@example.com"), "{body}");
    assert!(body.contains("/invite?token="), "{body}");
}

/// Once delivered, a message's link is gone from the outbox (it lives only in the
/// recipient's mailbox) — the link itself still works; delivered messages are pruned after
/// the configured time.
#[tokio::test]
async fn a_delivered_link_is_blanked_in_the_outbox_and_old_messages_are_pruned() {
    let sink = SmtpSink::start().await;
    let (app, token, mailer) = ana_invited(&sink).await;
    mailer.deliver_due(&app.service).await.expect("delivery");
    let kept = app.newest_email("ana@example.com").await;
    assert!(kept.sent_at.is_some());
    assert!(!kept.body_text.contains(&token) && !kept.body_html.contains(&token));
    assert!(
        kept.body_text.contains("token=removed-after-delivery"),
        "{}",
        kept.body_text
    );
    // The recipient's link works.
    let r = app
        .call(
            "set_password",
            &[("token", &token), ("password", ADMIN_PASSWORD)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Kept a day: still there; after the keeping time, gone.
    app.clock.advance(86_400);
    assert_eq!(
        app.service
            .prune_delivered_emails(7 * 86_400)
            .await
            .unwrap(),
        0
    );
    app.clock.advance(7 * 86_400);
    assert_eq!(
        app.service
            .prune_delivered_emails(7 * 86_400)
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.emails_to("ana@example.com").await, 0);
}
