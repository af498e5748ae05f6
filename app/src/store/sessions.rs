use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub id: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub reauthenticated_at: Option<i64>,
    pub ip: String,
    pub user_agent: Option<String>,
    #[sqlx(default)]
    pub active_environment_id: Option<String>,
    /// Nothing but setting up a second factor until one is confirmed.
    #[sqlx(default)]
    pub must_enrol_two_factor: bool,
    /// `password` or `saml` (docs/rules/saml.md#enforcement).
    #[sqlx(default)]
    pub method: String,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub id: &'a str,
    pub user_id: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
    /// The account requires a factor the user hasn't set up. Such a session counts as
    /// re-authenticated from its start (it can do nothing but set one up).
    pub must_enrol_two_factor: bool,
    /// `password` or `saml` (docs/rules/saml.md#enforcement).
    pub method: &'a str,
}

impl Tx {
    pub async fn insert_session(&mut self, s: &NewSession<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, \
             reauthenticated_at, ip, user_agent, must_enrol_two_factor, method) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(s.token_hash)
        .bind(s.id)
        .bind(s.user_id)
        .bind(s.now)
        .bind(s.now)
        .bind(s.expires_at)
        .bind(s.must_enrol_two_factor.then_some(s.now))
        .bind(s.ip)
        .bind(s.user_agent)
        .bind(s.must_enrol_two_factor)
        .bind(s.method)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn session_by_token_hash(
        &mut self,
        token_hash: &str,
    ) -> StoreResult<Option<SessionRow>> {
        Ok(
            sqlx::query_as("SELECT * FROM sessions WHERE token_hash = ?")
                .bind(token_hash)
                .fetch_optional(self.conn())
                .await?,
        )
    }

    pub async fn touch_session(&mut self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&mut self, token_hash: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    /// Enforcing SAML: ends the password sessions of the account's users who aren't Master
    /// admins; returns how many.
    pub async fn end_password_sessions_of_non_master_admins(&mut self) -> StoreResult<u64> {
        let account_id = self.account()?;
        let r = sqlx::query(
            "DELETE FROM sessions WHERE method = 'password' AND user_id IN ( \
               SELECT u.id FROM users u WHERE u.account_id = ? AND NOT EXISTS ( \
                 SELECT 1 FROM role_assignments ra WHERE ra.principal_type = 'user' \
                 AND ra.principal_id = u.id AND ra.role_id = 'master_admin@account'))",
        )
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    /// Marks a session re-authenticated now (a fresh SAML sign-in of its user).
    pub async fn mark_session_reauthenticated(
        &mut self,
        token_hash: &str,
        user_id: &str,
        now: i64,
    ) -> StoreResult<u64> {
        let r = sqlx::query(
            "UPDATE sessions SET reauthenticated_at = ? WHERE token_hash = ? AND user_id = ?",
        )
        .bind(now)
        .bind(token_hash)
        .bind(user_id)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    /// Ends every session of a user; returns how many there were.
    pub async fn delete_sessions_of_user(&mut self, user_id: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    /// Ends every session of a user but the one of `keep_token_hash`; returns how many.
    pub async fn delete_other_sessions_of_user(
        &mut self,
        user_id: &str,
        keep_token_hash: &str,
    ) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?")
            .bind(user_id)
            .bind(keep_token_hash)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    /// Ends one session of a user by its public id; 0 rows when it isn't theirs or is gone.
    pub async fn delete_session_of_user(&mut self, user_id: &str, id: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE user_id = ? AND id = ?")
            .bind(user_id)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    /// The session's user has confirmed a second factor: it may do everything again.
    pub async fn finish_two_factor_enrolment(&mut self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET must_enrol_two_factor = 0 WHERE token_hash = ?")
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn sessions_of_user(&mut self, user_id: &str) -> StoreResult<Vec<SessionRow>> {
        Ok(
            sqlx::query_as("SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at")
                .bind(user_id)
                .fetch_all(self.conn())
                .await?,
        )
    }

    /// The environment the session works in (the header's switcher).
    pub async fn set_active_environment(
        &mut self,
        token_hash: &str,
        environment_id: &str,
    ) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        sqlx::query("UPDATE sessions SET active_environment_id = ? WHERE token_hash = ?")
            .bind(environment_id)
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// After re-authentication: a new token for the session, and the time it was proven.
    pub async fn reauthenticate_session(
        &mut self,
        token_hash: &str,
        new_token_hash: &str,
        now: i64,
    ) -> StoreResult<u64> {
        let r = sqlx::query(
            "UPDATE sessions SET token_hash = ?, reauthenticated_at = ?, last_seen_at = ? WHERE token_hash = ?",
        )
        .bind(new_token_hash)
        .bind(now)
        .bind(now)
        .bind(token_hash)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }
}
