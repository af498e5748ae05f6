use super::{StoreResult, Tx};

impl Tx {
    /// Writes a system role (insert or refresh its permissions).
    pub async fn upsert_system_role(
        &mut self,
        id: &str,
        name: &str,
        scope_type: &str,
        permissions: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO roles (id, account_id, name, kind, scope_type, permissions) \
             VALUES (?, NULL, ?, 'system', ?, ?) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             scope_type = excluded.scope_type, permissions = excluded.permissions",
        )
        .bind(id)
        .bind(name)
        .bind(scope_type)
        .bind(permissions)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_role_assignment(
        &mut self,
        id: &str,
        principal_type: &str,
        principal_id: &str,
        role_id: &str,
        scope: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, \
             scope, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&account_id)
        .bind(principal_type)
        .bind(principal_id)
        .bind(role_id)
        .bind(scope)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// `(role_id, scope)` of every assignment held by one principal.
    pub async fn role_assignments_of(
        &mut self,
        principal_type: &str,
        principal_id: &str,
    ) -> StoreResult<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT role_id, scope FROM role_assignments WHERE principal_type = ? AND principal_id = ? \
             ORDER BY role_id, scope",
        )
        .bind(principal_type)
        .bind(principal_id)
        .fetch_all(self.conn())
        .await?)
    }
}
