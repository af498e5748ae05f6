//! The email outbox: every message is written in the transaction that causes it; a
//! sender delivers it over SMTP, or an operator reads it.

use super::{StoreResult, Tx};

pub struct OutboxMessage<'a> {
    pub account_id: &'a str,
    /// The user the message is about, if any (for per-user limits).
    pub user_id: Option<&'a str>,
    /// What the message is (`invitation`, `admin_reset`, `access_updated`, `notice`, …).
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub now: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub account_id: Option<String>,
    pub user_id: Option<String>,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
}

impl Tx {
    pub async fn enqueue_email(&mut self, m: &OutboxMessage<'_>) -> StoreResult<()> {
        self.own(m.account_id)?;
        sqlx::query(
            "INSERT INTO outbox (account_id, user_id, kind, to_address, subject, body_text, \
             body_html, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(m.account_id)
        .bind(m.user_id)
        .bind(m.kind)
        .bind(m.to)
        .bind(m.subject)
        .bind(m.text)
        .bind(m.html)
        .bind(m.now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The newest messages, newest first (to one address when given).
    pub async fn outbox(&mut self, to: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT * FROM outbox WHERE (? IS NULL OR LOWER(to_address) = LOWER(?)) ORDER BY id DESC LIMIT ?",
        )
        .bind(to)
        .bind(to)
        .bind(limit)
        .fetch_all(self.conn())
        .await?)
    }

    /// How many messages of these kinds were written about a user since `since`.
    pub async fn emails_about_user_since(
        &mut self,
        user_id: &str,
        kinds: &[&str],
        since: i64,
    ) -> StoreResult<i64> {
        let mut q =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new("SELECT COUNT(*) FROM outbox WHERE user_id = ");
        q.push_bind(user_id.to_string())
            .push(" AND created_at > ")
            .push_bind(since)
            .push(" AND kind IN (");
        let mut sep = q.separated(", ");
        for k in kinds {
            sep.push_bind(k.to_string());
        }
        q.push(")");
        let (n,): (i64,) = q.build_query_as().fetch_one(self.conn()).await?;
        Ok(n)
    }

    /// Unsent messages due for a (re)try, oldest first.
    pub async fn due_emails(&mut self, now: i64, limit: i64) -> StoreResult<Vec<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.conn())
        .await?)
    }

    /// Marks a message delivered, keeping only `text` and `html` of it (the links blanked).
    pub async fn mark_email_sent(
        &mut self,
        id: i64,
        now: i64,
        text: &str,
        html: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, \
             body_text = ?, body_html = ? WHERE id = ?",
        )
        .bind(now)
        .bind(text)
        .bind(html)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes messages delivered before `before`; returns how many.
    pub async fn prune_sent_emails(&mut self, before: i64) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?")
            .bind(before)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn mark_email_failed(
        &mut self,
        id: i64,
        error: &str,
        next_attempt_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
