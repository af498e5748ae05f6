//! SCIM's rows (docs/rules/scim.md): bearer tokens, kept as SHA-256 of the token.

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScimTokenRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl Tx {
    pub async fn insert_scim_token(&mut self, row: &ScimTokenRow) -> StoreResult<()> {
        self.own(&row.account_id)?;
        sqlx::query(
            "INSERT INTO scim_tokens (id, account_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.account_id)
        .bind(&row.name)
        .bind(&row.token_hash)
        .bind(row.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn scim_token_name_taken(&mut self, name: &str) -> StoreResult<bool> {
        let account_id = self.account()?;
        let row: Option<(String,)> =
            sqlx::query_as("SELECT id FROM scim_tokens WHERE account_id = ? AND name = ?")
                .bind(&account_id)
                .bind(name)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.is_some())
    }

    /// The token with this id, in any account (a request proving itself; its secret is
    /// compared by the service).
    pub async fn scim_token(&mut self, id: &str) -> StoreResult<Option<ScimTokenRow>> {
        Ok(sqlx::query_as("SELECT * FROM scim_tokens WHERE id = ?")
            .bind(id)
            .fetch_optional(self.conn())
            .await?)
    }

    /// Records a token's use, at most once a minute (bookkeeping, not an audited change).
    pub async fn touch_scim_token(&mut self, id: &str, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE scim_tokens SET last_used_at = ? WHERE id = ? \
             AND COALESCE(last_used_at, 0) < ? - 60",
        )
        .bind(now)
        .bind(id)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
