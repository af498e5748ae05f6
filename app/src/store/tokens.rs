use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserTokenRow {
    pub token_hash: String,
    pub user_id: String,
    pub purpose: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Tx {
    pub async fn insert_user_token(&mut self, t: &UserTokenRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&t.token_hash)
        .bind(&t.user_id)
        .bind(&t.purpose)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn user_token(&mut self, token_hash: &str) -> StoreResult<Option<UserTokenRow>> {
        Ok(
            sqlx::query_as("SELECT * FROM user_tokens WHERE token_hash = ?")
                .bind(token_hash)
                .fetch_optional(self.conn())
                .await?,
        )
    }

    /// Voids every open link of a user (superseded, used, or the user changed).
    pub async fn delete_user_tokens(&mut self, user_id: &str) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM user_tokens WHERE user_id = ?")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }

    pub async fn activate_user_with_password(
        &mut self,
        id: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET password_hash = ?, status = 'active', \
             providers = CASE WHEN (',' || providers || ',') LIKE '%,password,%' THEN providers \
               ELSE 'password,' || providers END, \
             updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(hash)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
