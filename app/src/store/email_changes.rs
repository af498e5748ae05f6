//! A user's own email change waiting for its link (docs/rules/sign-in.md#your-own-email).

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmailChangeRow {
    pub user_id: String,
    pub account_id: String,
    pub new_email: String,
    pub expires_at: i64,
}

impl Tx {
    /// The pending change; only the newest of a user's is kept (an older link dies).
    pub async fn insert_email_change(
        &mut self,
        token_hash: &str,
        user_id: &str,
        new_email: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        self.delete_email_changes(user_id).await?;
        sqlx::query(
            "INSERT INTO email_changes (token_hash, user_id, account_id, new_email, created_at, expires_at) \
             SELECT ?, id, account_id, ?, ?, ? FROM users WHERE id = ? AND account_id = ?",
        )
        .bind(token_hash)
        .bind(new_email)
        .bind(now)
        .bind(expires_at)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The change a link's hash names, whoever's it is (read before anyone is signed in).
    pub async fn email_change(&mut self, token_hash: &str) -> StoreResult<Option<EmailChangeRow>> {
        Ok(sqlx::query_as(
            "SELECT user_id, account_id, new_email, expires_at FROM email_changes WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn delete_email_changes(&mut self, user_id: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM email_changes WHERE user_id = ?")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    /// Sets the user's email (the address and its normalized form).
    pub async fn set_user_email(
        &mut self,
        user_id: &str,
        email: &str,
        normalized: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET email = ?, email_normalized = ?, updated_at = MAX(?, updated_at + 1) \
             WHERE id = ? AND account_id = ?",
        )
        .bind(email)
        .bind(normalized)
        .bind(now)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
