//! The email outbox as the operator and the SMTP sender see it. These are the server's
//! own operations (no user acts), so they need no principal; delivery bookkeeping is not
//! an audited action.

use super::{Permit, Service, ServiceResult};
use crate::store::OutboxRow;

/// Every link token of a message blanked: `token=3f9c…` → `token=removed-after-delivery`.
fn blank_links(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("token=") {
        let (head, tail) = rest.split_at(i + "token=".len());
        out.push_str(head);
        let end = tail
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(tail.len());
        if end > 0 {
            out.push_str("removed-after-delivery");
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Retries of a failed delivery wait 30 s, 1 min, 2 min, … up to an hour.
fn retry_delay(attempts: i64) -> i64 {
    30i64.saturating_mul(1i64 << attempts.clamp(0, 7)).min(3600)
}

impl Service {
    /// The operator's view of the outbox (`server outbox`, the dev mailbox), newest first.
    pub async fn read_outbox(&self, to: Option<&str>, limit: i64) -> ServiceResult<Vec<OutboxRow>> {
        let permit = Permit::for_operator();
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.outbox(to, limit.clamp(1, 1000)).await?;
        tx.finish().await?;
        Ok(rows)
    }

    /// Messages waiting for delivery whose next attempt is due, oldest first.
    pub async fn due_emails(&self, limit: i64) -> ServiceResult<Vec<OutboxRow>> {
        let permit = Permit::for_email_sender();
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.due_emails(self.now(), limit.clamp(1, 1000)).await?;
        tx.finish().await?;
        Ok(rows)
    }

    /// A message went out: its links are blanked in what the outbox keeps (a delivered
    /// link lives only in the recipient's mailbox).
    pub async fn email_delivered(&self, row: &OutboxRow) -> ServiceResult<()> {
        let permit = Permit::for_email_sender();
        let mut tx = self.db().write(&permit).await?;
        let (text, html) = (blank_links(&row.body_text), blank_links(&row.body_html));
        tx.mark_email_sent(row.id, self.now(), &text, &html).await?;
        tx.commit_bookkeeping(&permit).await?;
        Ok(())
    }

    /// Deletes messages delivered more than `keep_secs` ago; returns how many.
    pub async fn prune_delivered_emails(&self, keep_secs: i64) -> ServiceResult<u64> {
        let permit = Permit::for_email_sender();
        let mut tx = self.db().write(&permit).await?;
        let n = tx.prune_sent_emails(self.now() - keep_secs).await?;
        tx.commit_bookkeeping(&permit).await?;
        Ok(n)
    }

    /// Records a failed attempt and when to try again.
    pub async fn email_failed(&self, row: &OutboxRow, error: &str) -> ServiceResult<()> {
        let permit = Permit::for_email_sender();
        let mut tx = self.db().write(&permit).await?;
        let next = self.now() + retry_delay(row.attempts);
        tx.mark_email_failed(row.id, error, next).await?;
        tx.commit_bookkeeping(&permit).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn delivered_links_are_blanked_and_nothing_else_changes() {
        let body = "Set it here:\nhttps://c.example/invite?token=3f9cab01\n<a href=\"https://c.example/reset-password?token=ab12\">x</a> token=none";
        let blanked = super::blank_links(body);
        assert!(
            !blanked.contains("3f9cab01") && !blanked.contains("ab12"),
            "{blanked}"
        );
        assert!(blanked.contains("invite?token=removed-after-delivery"));
        assert!(blanked.ends_with("token=none"), "{blanked}");
    }

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(super::retry_delay(0), 30);
        assert_eq!(super::retry_delay(1), 60);
        assert_eq!(super::retry_delay(6), 1920);
        assert_eq!(super::retry_delay(7), 3600);
        assert_eq!(super::retry_delay(50), 3600);
    }
}
