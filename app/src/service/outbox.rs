//! The email outbox as the operator and the SMTP sender see it. These are the server's
//! own operations (no user acts), so they need no principal; delivery bookkeeping is not
//! an audited action.

use super::{Permit, Service, ServiceResult};
use crate::store::OutboxRow;

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

    pub async fn email_delivered(&self, id: i64) -> ServiceResult<()> {
        let permit = Permit::for_email_sender();
        let mut tx = self.db().write(&permit).await?;
        tx.mark_email_sent(id, self.now()).await?;
        tx.commit_bookkeeping(&permit).await?;
        Ok(())
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
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(super::retry_delay(0), 30);
        assert_eq!(super::retry_delay(1), 60);
        assert_eq!(super::retry_delay(6), 1920);
        assert_eq!(super::retry_delay(7), 3600);
        assert_eq!(super::retry_delay(50), 3600);
    }
}
