//! SCIM's settings rows (docs/rules/scim.md#defaults): the account's defaults for users SCIM
//! creates, the roles its groups give, and the listing and deletion of its tokens.

use super::{ScimTokenRow, StoreResult, Tx};

/// A group's role as kept: the role's API string and its environments as JSON.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScimGroupRoleRow {
    pub group_id: String,
    pub group_name: String,
    pub role: String,
    pub environments: String,
}

impl Tx {
    /// The defaults as kept (role, environments JSON), when set.
    pub async fn scim_defaults(&mut self) -> StoreResult<Option<(String, String)>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT default_role, default_environments FROM scim_settings WHERE account_id = ?",
        )
        .bind(&account_id)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn set_scim_defaults(
        &mut self,
        role: &str,
        environments: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "INSERT INTO scim_settings (account_id, default_role, default_environments, updated_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET \
             default_role = excluded.default_role, default_environments = excluded.default_environments, \
             updated_at = excluded.updated_at",
        )
        .bind(&account_id)
        .bind(role)
        .bind(environments)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's group roles, by group name.
    pub async fn scim_group_roles(&mut self) -> StoreResult<Vec<ScimGroupRoleRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT r.group_id, g.name AS group_name, r.role, r.environments FROM scim_group_roles r \
             JOIN user_groups g ON g.id = r.group_id WHERE r.account_id = ? \
             ORDER BY g.name_normalized, g.id",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// The group roles of the mapped groups `user_id` is in.
    pub async fn scim_group_roles_of(
        &mut self,
        user_id: &str,
    ) -> StoreResult<Vec<ScimGroupRoleRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT r.group_id, g.name AS group_name, r.role, r.environments FROM user_group_members m \
             JOIN scim_group_roles r ON r.group_id = m.group_id \
             JOIN user_groups g ON g.id = r.group_id \
             WHERE m.user_id = ? AND r.account_id = ?",
        )
        .bind(user_id)
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// One group's role, if it gives one.
    pub async fn scim_group_role(
        &mut self,
        group_id: &str,
    ) -> StoreResult<Option<ScimGroupRoleRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT r.group_id, g.name AS group_name, r.role, r.environments FROM scim_group_roles r \
             JOIN user_groups g ON g.id = r.group_id WHERE r.group_id = ? AND r.account_id = ?",
        )
        .bind(group_id)
        .bind(&account_id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Sets the role (`(role, environments JSON)`) a group gives, or removes it (`None`).
    pub async fn set_scim_group_role(
        &mut self,
        group_id: &str,
        role: Option<(&str, &str)>,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        match role {
            Some((role, environments)) => {
                sqlx::query(
                    "INSERT INTO scim_group_roles (group_id, account_id, role, environments) \
                     VALUES (?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET \
                     role = excluded.role, environments = excluded.environments",
                )
                .bind(group_id)
                .bind(&account_id)
                .bind(role)
                .bind(environments)
                .execute(self.conn())
                .await?
            }
            None => {
                sqlx::query("DELETE FROM scim_group_roles WHERE group_id = ? AND account_id = ?")
                    .bind(group_id)
                    .bind(&account_id)
                    .execute(self.conn())
                    .await?
            }
        };
        Ok(())
    }

    /// The account's tokens, newest first.
    pub async fn scim_tokens(&mut self) -> StoreResult<Vec<ScimTokenRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT * FROM scim_tokens WHERE account_id = ? ORDER BY created_at DESC, id",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// Deletes one of the account's tokens; true when there was one.
    pub async fn delete_scim_token(&mut self, id: &str) -> StoreResult<bool> {
        let account_id = self.account()?;
        let done = sqlx::query("DELETE FROM scim_tokens WHERE id = ? AND account_id = ?")
            .bind(id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
