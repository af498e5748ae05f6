//! Account API keys; deleting one removes its role assignments (`provisioning_key`).

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountApiKeyRow {
    pub api_key: String,
    pub account_id: String,
    pub name: String,
    pub secret_hash: String,
    pub enabled: bool,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_used_at: Option<i64>,
}

const COLUMNS: &str = "api_key, account_id, name, secret_hash, enabled, created_by, created_at, \
     updated_at, last_used_at";

/// What authenticating an account API key needs, read in one statement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyCredentials {
    pub api_key: String,
    pub account_id: String,
    pub name: String,
    pub secret_hash: String,
    pub enabled: bool,
    pub last_used_at: Option<i64>,
    /// The account's plan.
    pub plan: String,
    /// The account's allowed IP addresses, as stored (JSON).
    pub allowed_ips: String,
    /// The key's account-scope role (`master_admin@account`).
    pub role_id: Option<String>,
}

/// The statement of [`OneRead::key_credentials`](super::OneRead::key_credentials) (its one
/// parameter: the key), public for the benchmark's bare run of it.
pub const KEY_CREDENTIALS_SQL: &str =
    "SELECT k.api_key, k.account_id, k.name, k.secret_hash, k.enabled, k.last_used_at, \
     a.plan, a.allowed_ips, (SELECT ra.role_id FROM role_assignments ra WHERE ra.principal_type = 'provisioning_key' \
       AND ra.principal_id = k.api_key AND ra.scope = 'account') AS role_id \
     FROM account_api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.api_key = ?";

impl super::OneRead {
    /// The key, its account's plan and its account-scope role, in one statement.
    pub async fn key_credentials(mut self, api_key: &str) -> StoreResult<Option<KeyCredentials>> {
        Ok(sqlx::query_as(KEY_CREDENTIALS_SQL)
            .bind(api_key)
            .fetch_optional(self.conn()?)
            .await?)
    }
}

impl Tx {
    /// Adds the key (what it may do is a role assignment the service adds beside it).
    pub async fn insert_account_api_key(&mut self, k: &AccountApiKeyRow) -> StoreResult<()> {
        self.own(&k.account_id)?;
        sqlx::query(
            "INSERT INTO account_api_keys (api_key, account_id, name, name_normalized, secret_hash, \
             enabled, created_by, created_at, updated_at, last_used_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&k.api_key)
        .bind(&k.account_id)
        .bind(&k.name)
        .bind(k.name.to_lowercase())
        .bind(&k.secret_hash)
        .bind(k.enabled)
        .bind(&k.created_by)
        .bind(k.created_at)
        .bind(k.updated_at)
        .bind(k.last_used_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's keys, oldest first.
    pub async fn account_api_keys(&mut self) -> StoreResult<Vec<AccountApiKeyRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account_api_keys WHERE account_id = ? ORDER BY created_at, api_key"
        )))
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// One key, of any account (authentication looks the key up before it knows the account).
    pub async fn account_api_key(
        &mut self,
        api_key: &str,
    ) -> StoreResult<Option<AccountApiKeyRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM account_api_keys WHERE api_key = ?"
        )))
        .bind(api_key)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn set_account_api_key_enabled(
        &mut self,
        api_key: &str,
        enabled: bool,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE account_api_keys SET enabled = ?, updated_at = ? WHERE api_key = ?")
            .bind(enabled)
            .bind(now)
            .bind(api_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Deletes the key and every role it held.
    /// Records a successful authentication (written at most once a minute per key).
    pub async fn touch_account_api_key(&mut self, api_key: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE account_api_keys SET last_used_at = ? WHERE api_key = ?")
            .bind(now)
            .bind(api_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn delete_account_api_key(&mut self, api_key: &str) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM role_assignments WHERE principal_type = 'provisioning_key' AND principal_id = ?",
        )
        .bind(api_key)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM account_api_keys WHERE api_key = ?")
            .bind(api_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
