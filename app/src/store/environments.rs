//! Product environments and their API keys.

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnvironmentRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub cloud_name: String,
    pub description: String,
    pub enabled: bool,
    pub custom_attributes: String,
    pub asset_count: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Filled by the listing queries.
    #[sqlx(default)]
    pub key_count: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub api_key: String,
    pub environment_id: String,
    pub account_id: String,
    pub name: String,
    pub name_normalized: String,
    pub secret_sealed: String,
    pub enabled: bool,
    pub root: bool,
    pub dedicated_for: Option<String>,
    pub permissions: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const ENV_WITH_KEYS: &str =
    "SELECT e.*, (SELECT COUNT(*) FROM api_keys k WHERE k.environment_id = e.id) AS key_count \
     FROM environments e";

impl Tx {
    pub async fn insert_environment(&mut self, e: &EnvironmentRow) -> StoreResult<()> {
        self.own(&e.account_id)?;
        sqlx::query(
            "INSERT INTO environments (id, account_id, name, cloud_name, description, enabled, \
             custom_attributes, asset_count, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&e.id)
        .bind(&e.account_id)
        .bind(&e.name)
        .bind(&e.cloud_name)
        .bind(&e.description)
        .bind(e.enabled)
        .bind(&e.custom_attributes)
        .bind(e.asset_count)
        .bind(e.created_at)
        .bind(e.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's environments, oldest first, with their key counts.
    pub async fn environments(&mut self) -> StoreResult<Vec<EnvironmentRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ENV_WITH_KEYS} WHERE e.account_id = ? ORDER BY e.created_at, e.id"
        )))
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// One environment of the account (another account's id finds nothing).
    pub async fn environment(&mut self, id: &str) -> StoreResult<Option<EnvironmentRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{ENV_WITH_KEYS} WHERE e.account_id = ? AND e.id = ?"
        )))
        .bind(&account_id)
        .bind(id)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn cloud_name_taken(
        &mut self,
        cloud_name: &str,
        except_id: &str,
    ) -> StoreResult<bool> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM environments WHERE cloud_name = ? AND id <> ?")
                .bind(cloud_name)
                .bind(except_id)
                .fetch_one(self.conn())
                .await?;
        Ok(n > 0)
    }

    pub async fn update_environment(&mut self, e: &EnvironmentRow) -> StoreResult<()> {
        self.own(&e.account_id)?;
        sqlx::query(
            "UPDATE environments SET name = ?, cloud_name = ?, description = ?, custom_attributes = ?, \
             enabled = ?, updated_at = ? WHERE id = ? AND account_id = ?",
        )
        .bind(&e.name)
        .bind(&e.cloud_name)
        .bind(&e.description)
        .bind(&e.custom_attributes)
        .bind(e.enabled)
        .bind(e.updated_at)
        .bind(&e.id)
        .bind(&e.account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes an environment with its keys and every grant scoped to it.
    pub async fn delete_environment(&mut self, id: &str) -> StoreResult<()> {
        let id = self.reach(id)?;
        let account_id = self.account()?;
        let (ours,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM environments WHERE id = ? AND account_id = ?")
                .bind(id)
                .bind(&account_id)
                .fetch_one(self.conn())
                .await?;
        if ours == 0 {
            return Err(super::StoreError::OutOfScope(
                "another account's environment",
            ));
        }
        sqlx::query("DELETE FROM api_keys WHERE environment_id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        for table in ["environment_settings", "media_usage"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE environment_id = ?"
            )))
            .bind(id)
            .execute(self.conn())
            .await?;
        }
        sqlx::query("DELETE FROM role_assignments WHERE scope = ?")
            .bind(format!("environment:{id}"))
            .execute(self.conn())
            .await?;
        sqlx::query(
            "UPDATE sessions SET active_environment_id = NULL WHERE active_environment_id = ?",
        )
        .bind(id)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM environments WHERE id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_api_key(&mut self, k: &ApiKeyRow) -> StoreResult<()> {
        self.own(&k.account_id)?;
        self.reach(&k.environment_id)?;
        sqlx::query(
            "INSERT INTO api_keys (api_key, environment_id, account_id, name, name_normalized, secret_sealed, \
             enabled, root, dedicated_for, permissions, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&k.api_key)
        .bind(&k.environment_id)
        .bind(&k.account_id)
        .bind(&k.name)
        .bind(&k.name_normalized)
        .bind(&k.secret_sealed)
        .bind(k.enabled)
        .bind(k.root)
        .bind(&k.dedicated_for)
        .bind(&k.permissions)
        .bind(k.created_at)
        .bind(k.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn api_keys(&mut self, environment_id: &str) -> StoreResult<Vec<ApiKeyRow>> {
        let environment_id = self.reach(environment_id)?;
        Ok(sqlx::query_as(
            "SELECT * FROM api_keys WHERE environment_id = ? ORDER BY created_at, root DESC, api_key",
        )
        .bind(environment_id)
        .fetch_all(self.conn())
        .await?)
    }

    pub async fn api_key_exists(&mut self, api_key: &str) -> StoreResult<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys WHERE api_key = ?")
            .bind(api_key)
            .fetch_one(self.conn())
            .await?;
        Ok(n > 0)
    }

    pub async fn update_api_key(&mut self, k: &ApiKeyRow) -> StoreResult<()> {
        self.own(&k.account_id)?;
        self.reach(&k.environment_id)?;
        sqlx::query(
            "UPDATE api_keys SET name = ?, name_normalized = ?, enabled = ?, dedicated_for = ?, \
             permissions = ?, updated_at = ? WHERE api_key = ? AND environment_id = ?",
        )
        .bind(&k.name)
        .bind(&k.name_normalized)
        .bind(k.enabled)
        .bind(&k.dedicated_for)
        .bind(&k.permissions)
        .bind(k.updated_at)
        .bind(&k.api_key)
        .bind(&k.environment_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Clears the webhook designation of every key of the environment.
    pub async fn clear_webhook_key(&mut self, environment_id: &str, now: i64) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        sqlx::query(
            "UPDATE api_keys SET dedicated_for = NULL, updated_at = ? WHERE environment_id = ? \
             AND dedicated_for = 'webhooks'",
        )
        .bind(now)
        .bind(environment_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn delete_api_key(&mut self, environment_id: &str, api_key: &str) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        sqlx::query("DELETE FROM api_keys WHERE environment_id = ? AND api_key = ?")
            .bind(environment_id)
            .bind(api_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Every sealed secret of the installation, as (api key, sealed value): for re-sealing
    /// under a new server key (the operator's command, no account).
    pub async fn sealed_api_secrets(&mut self) -> StoreResult<Vec<(String, String)>> {
        Ok(
            sqlx::query_as("SELECT api_key, secret_sealed FROM api_keys ORDER BY api_key")
                .fetch_all(self.conn())
                .await?,
        )
    }

    pub async fn reseal_api_secret(&mut self, api_key: &str, sealed: &str) -> StoreResult<()> {
        sqlx::query("UPDATE api_keys SET secret_sealed = ? WHERE api_key = ?")
            .bind(sealed)
            .bind(api_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
