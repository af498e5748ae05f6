//! Delivers the outbox over SMTP (lettre) when `CONSOLE_SMTP_URL` is set. Messages are
//! written to the outbox in the transaction that causes them, so nothing is lost when the
//! mail server is down: a failed delivery is retried with a growing delay.

use app::service::Service;
use app::store::OutboxRow;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How often the sender looks for due messages.
const POLL_EVERY: Duration = Duration::from_secs(2);
/// Delivered messages are pruned this often.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Messages per pass.
const BATCH: i64 = 50;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    /// `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS) or `smtps://…`
    /// (TLS), with optional `user:password@`.
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("CONSOLE_SMTP_URL isn't a usable SMTP URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("CONSOLE_SMTP_FROM isn't an email address: {e}"))?;
        Ok(Mailer { transport, from })
    }

    fn message(&self, row: &OutboxRow) -> Result<Message, String> {
        let to = row
            .to_address
            .parse::<Mailbox>()
            .map_err(|e| format!("bad recipient: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                row.body_text.clone(),
                row.body_html.clone(),
            ))
            .map_err(|e| format!("can't build the message: {e}"))
    }

    /// Sends every due message once; failures are recorded for a later retry.
    pub async fn deliver_due(&self, service: &Service) -> Result<Delivery, String> {
        let rows = service.due_emails(BATCH).await.map_err(|e| e.to_string())?;
        let mut done = Delivery::default();
        for row in rows {
            let sent = match self.message(&row) {
                Ok(m) => self.transport.send(m).await.map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match sent {
                Ok(_) => {
                    service
                        .email_delivered(&row)
                        .await
                        .map_err(|e| e.to_string())?;
                    done.sent += 1;
                }
                Err(error) => {
                    // The address is not logged: only the message id and the reason.
                    tracing::warn!(message_id = row.id, %error, "email delivery failed; will retry");
                    service
                        .email_failed(&row, &error)
                        .await
                        .map_err(|e| e.to_string())?;
                    done.failed += 1;
                }
            }
        }
        Ok(done)
    }

    /// Runs the sender for as long as the server runs; once an hour it deletes what was
    /// delivered more than `keep_days` ago.
    pub fn spawn(self, service: Service, keep_days: u32) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let keep_secs = i64::from(keep_days) * 86_400;
            let mut last_prune: Option<std::time::Instant> = None;
            loop {
                if let Err(e) = self.deliver_due(&service).await {
                    tracing::error!(error = %e, "the email sender failed a pass");
                }
                if last_prune.is_none_or(|t| t.elapsed() >= PRUNE_EVERY) {
                    match service.prune_delivered_emails(keep_secs).await {
                        Ok(n) if n > 0 => {
                            tracing::info!("deleted {n} delivered emails from the outbox")
                        }
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "pruning the outbox failed"),
                    }
                    last_prune = Some(std::time::Instant::now());
                }
                tokio::time::sleep(POLL_EVERY).await;
            }
        })
    }
}
