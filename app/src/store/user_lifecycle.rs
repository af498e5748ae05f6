//! Writes of the user lifecycle: edit, status changes, deletion, seats.

use super::{StoreResult, Tx};

impl Tx {
    pub async fn set_user_name_and_email(
        &mut self,
        id: &str,
        name: Option<&str>,
        email: &str,
        email_normalized: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET name = ?, email = ?, email_normalized = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(name)
        .bind(email)
        .bind(email_normalized)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_media_library_options(
        &mut self,
        id: &str,
        o: &crate::domain::MediaLibraryOptions,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET ml_create_root_folders = ?, ml_create_collections = ? WHERE id = ? AND account_id = ?",
        )
        .bind(o.create_root_folders)
        .bind(o.create_collections)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Sets status and `enabled` together (a disabled user remembers where to return).
    /// Becoming Inactive (deleted) also stamps `deleted_at`, for seat use over time.
    pub async fn set_user_status(
        &mut self,
        id: &str,
        status: &str,
        status_before_disable: Option<&str>,
        enabled: bool,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET status = ?, status_before_disable = ?, enabled = ?, updated_at = MAX(?, updated_at + 1), \
             deleted_at = CASE WHEN ? = 'inactive' THEN ? ELSE deleted_at END WHERE id = ? AND account_id = ?",
        )
        .bind(status)
        .bind(status_before_disable)
        .bind(enabled)
        .bind(now)
        .bind(status)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Makes the password unusable (admin reset, deletion).
    pub async fn void_user_password(&mut self, id: &str, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET password_hash = NULL, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Active, enabled users of the account holding one of these account-scope roles.
    pub async fn active_users_with_roles(
        &mut self,
        role_ids: &[&str],
    ) -> StoreResult<Vec<super::UserRow>> {
        let account_id = self.account()?;
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
            "SELECT u.* FROM users u JOIN role_assignments ra ON ra.principal_type = 'user' \
             AND ra.principal_id = u.id AND ra.scope = 'account' \
             WHERE u.status = 'active' AND u.enabled = TRUE AND u.account_id = ",
        );
        q.push_bind(account_id).push(" AND ra.role_id IN (");
        let mut sep = q.separated(", ");
        for r in role_ids {
            sep.push_bind(r.to_string());
        }
        q.push(") ORDER BY u.created_at, u.id");
        Ok(q.build_query_as().fetch_all(self.conn()).await?)
    }

    /// Active, enabled master admins of the account (docs/rules/roles.md#grant-rules rule 4).
    pub async fn active_master_admins(&mut self) -> StoreResult<i64> {
        let account_id = self.account()?;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM users u JOIN role_assignments ra ON ra.principal_type = 'user' \
             AND ra.principal_id = u.id AND ra.scope = 'account' \
             WHERE u.account_id = ? AND u.status = 'active' AND u.enabled = TRUE \
             AND ra.role_id = 'master_admin@account'",
        )
        .bind(&account_id)
        .fetch_one(self.conn())
        .await?;
        Ok(n)
    }

    /// Removes a user's role and product environment access (before writing new ones).
    pub async fn delete_user_role_assignments(&mut self, user_id: &str) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM role_assignments WHERE principal_type = 'user' AND principal_id = ? \
             AND (scope = 'account' OR scope LIKE 'environment:%')",
        )
        .bind(user_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes what a deleted user was given beyond their role: folder and collection
    /// grants (and, with user groups, their memberships).
    pub async fn delete_user_grants(&mut self, user_id: &str) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM role_assignments WHERE principal_type = 'user' AND principal_id = ? \
             AND scope <> 'account' AND scope NOT LIKE 'environment:%'",
        )
        .bind(user_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_email_preferences(
        &mut self,
        id: &str,
        p: &crate::domain::EmailPreferences,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET email_usage_alerts = ?, email_weekly_report = ?, \
             email_product_updates = ?, email_billing_notifications = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(p.usage_alerts)
        .bind(p.weekly_report)
        .bind(p.product_updates)
        .bind(p.billing_notifications)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_additional_user_subscriptions(&mut self, n: i64, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE accounts SET additional_user_subscriptions = ?, updated_at = ? WHERE id = ?",
        )
        .bind(n)
        .bind(now)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Forgets a sign-in throttle (an admin password reset clears the account's).
    pub async fn clear_throttle(&mut self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE throttle_key = ?")
            .bind(key)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// One user of an account with their account-scope role id and product environments.
    pub async fn account_user(&mut self, user_id: &str) -> StoreResult<Option<super::ListedUser>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT u.*, {} AS role_id, {} AS two_factor, {} AS environments FROM users u \
             WHERE u.account_id = ? AND u.id = ?",
            super::user_list::ROLE_OF_USER,
            super::user_list::TWO_FACTOR_OF_USER,
            super::user_list::ENVIRONMENTS_OF_USER
        )))
        .bind(&account_id)
        .bind(user_id)
        .fetch_optional(self.conn())
        .await?)
    }
}
