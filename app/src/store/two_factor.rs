//! A user's authenticator, recovery codes and second-step tickets (docs/rules/two-factor.md).

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TwoFactorRow {
    pub user_id: String,
    pub secret_sealed: String,
    /// `None`: an enrolment not confirmed yet (sign-in doesn't ask for a code).
    pub confirmed_at: Option<i64>,
    pub last_used_step: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChallengeRow {
    pub token_hash: String,
    pub user_id: String,
    pub account_id: String,
    pub expires_at: i64,
    pub failures: i64,
}

impl Tx {
    pub async fn two_factor_of(&mut self, user_id: &str) -> StoreResult<Option<TwoFactorRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT user_id, secret_sealed, confirmed_at, last_used_step FROM two_factor \
             WHERE user_id = ? AND account_id = ?",
        )
        .bind(user_id)
        .bind(&account_id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Starts (or starts again) an enrolment: a new secret, not confirmed. A confirmed
    /// factor is never replaced here (the statement leaves it).
    pub async fn begin_two_factor(
        &mut self,
        user_id: &str,
        secret_sealed: &str,
        now: i64,
    ) -> StoreResult<u64> {
        let account_id = self.account()?;
        let r = sqlx::query(
            "INSERT INTO two_factor (user_id, account_id, secret_sealed, confirmed_at, last_used_step, created_at) \
             SELECT ?, ?, ?, NULL, NULL, ? FROM users WHERE id = ? AND account_id = ? \
             ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, \
             created_at = excluded.created_at, last_used_step = NULL \
             WHERE two_factor.confirmed_at IS NULL",
        )
        .bind(user_id)
        .bind(&account_id)
        .bind(secret_sealed)
        .bind(now)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    pub async fn confirm_two_factor(
        &mut self,
        user_id: &str,
        step: i64,
        now: i64,
    ) -> StoreResult<u64> {
        let account_id = self.account()?;
        let r = sqlx::query(
            "UPDATE two_factor SET confirmed_at = ?, last_used_step = ? \
             WHERE user_id = ? AND account_id = ? AND confirmed_at IS NULL",
        )
        .bind(now)
        .bind(step)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    /// Marks a time step used; 0 rows when that step (or a later one) already was — two
    /// requests with the same code can't both pass.
    pub async fn use_two_factor_step(&mut self, user_id: &str, step: i64) -> StoreResult<u64> {
        let account_id = self.account()?;
        let r = sqlx::query(
            "UPDATE two_factor SET last_used_step = ? WHERE user_id = ? AND account_id = ? \
             AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < ?)",
        )
        .bind(step)
        .bind(user_id)
        .bind(&account_id)
        .bind(step)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    /// Removes the factor (confirmed or being set up) and its recovery codes.
    pub async fn delete_two_factor(&mut self, user_id: &str) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("DELETE FROM two_factor WHERE user_id = ? AND account_id = ?")
            .bind(user_id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        self.delete_recovery_codes(user_id).await
    }

    async fn delete_recovery_codes(&mut self, user_id: &str) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "DELETE FROM recovery_codes WHERE user_id IN \
             (SELECT id FROM users WHERE id = ? AND account_id = ?)",
        )
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A new set of recovery codes (hashes); the old set dies.
    pub async fn replace_recovery_codes(
        &mut self,
        user_id: &str,
        hashes: &[String],
    ) -> StoreResult<()> {
        self.delete_recovery_codes(user_id).await?;
        let account_id = self.account()?;
        for hash in hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, used_at) \
                 SELECT id, ?, NULL FROM users WHERE id = ? AND account_id = ?",
            )
            .bind(hash)
            .bind(user_id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Uses a recovery code: 1 row when it was there and unused, 0 otherwise.
    pub async fn use_recovery_code(
        &mut self,
        user_id: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<u64> {
        let account_id = self.account()?;
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? \
             AND used_at IS NULL AND user_id IN (SELECT id FROM users WHERE id = ? AND account_id = ?)",
        )
        .bind(now)
        .bind(user_id)
        .bind(hash)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    pub async fn recovery_codes_left(&mut self, user_id: &str) -> StoreResult<u32> {
        let account_id = self.account()?;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL \
             AND user_id IN (SELECT id FROM users WHERE id = ? AND account_id = ?)",
        )
        .bind(user_id)
        .bind(user_id)
        .bind(&account_id)
        .fetch_one(self.conn())
        .await?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    pub async fn insert_sign_in_challenge(
        &mut self,
        token_hash: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "INSERT INTO sign_in_challenges (token_hash, user_id, account_id, created_at, expires_at, failures) \
             VALUES (?, ?, ?, ?, ?, 0)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(&account_id)
        .bind(now)
        .bind(expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The ticket of a token hash, whoever's it is (read before anyone is signed in; the
    /// caller narrows the transaction to its account).
    pub async fn sign_in_challenge(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<ChallengeRow>> {
        Ok(sqlx::query_as(
            "SELECT token_hash, user_id, account_id, expires_at, failures FROM sign_in_challenges \
             WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn count_challenge_failure(&mut self, token_hash: &str) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE sign_in_challenges SET failures = failures + 1 WHERE token_hash = ? AND account_id = ?",
        )
        .bind(token_hash)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Ends a ticket; 0 rows when it was already gone (used by a parallel request).
    pub async fn delete_sign_in_challenge(&mut self, token_hash: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = ?")
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    /// Ends every second-step ticket of a user (and expired ones of anyone).
    pub async fn delete_challenges_of_user(&mut self, user_id: &str, now: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_challenges WHERE user_id = ? OR expires_at <= ?")
            .bind(user_id)
            .bind(now)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn set_require_two_factor(&mut self, required: bool, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE accounts SET require_two_factor = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ?",
        )
        .bind(required)
        .bind(now)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn account_requires_two_factor(&mut self) -> StoreResult<bool> {
        let account_id = self.account()?;
        let (required,): (bool,) =
            sqlx::query_as("SELECT require_two_factor FROM accounts WHERE id = ?")
                .bind(&account_id)
                .fetch_one(self.conn())
                .await?;
        Ok(required)
    }

    /// Active users of the account without a confirmed factor.
    pub async fn active_users_without_two_factor(&mut self) -> StoreResult<u32> {
        let account_id = self.account()?;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM users u WHERE u.account_id = ? AND u.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM two_factor t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)",
        )
        .bind(&account_id)
        .fetch_one(self.conn())
        .await?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    /// Ends every session of the account's users but one; returns how many ended.
    pub async fn delete_account_sessions_but(&mut self, keep_token_hash: &str) -> StoreResult<u64> {
        let account_id = self.account()?;
        let r = sqlx::query(
            "DELETE FROM sessions WHERE token_hash <> ? \
             AND user_id IN (SELECT id FROM users WHERE account_id = ?)",
        )
        .bind(keep_token_hash)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }
}
