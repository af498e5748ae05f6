use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRow {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    #[sqlx(default)]
    pub member_count: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: String,
    pub name: Option<String>,
    pub email: String,
    pub status: String,
}

/// A share held by a group: the assignment's scope and level role.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeldShare {
    pub scope: String,
    pub role_id: String,
}

const GROUP_COLUMNS: &str = "g.id, g.account_id, g.name, g.created_at, g.updated_at, \
     (SELECT COUNT(*) FROM user_group_members m WHERE m.group_id = g.id) AS member_count";

impl Tx {
    pub async fn insert_group(&mut self, g: &GroupRow, normalized: &str) -> StoreResult<()> {
        self.own(&g.account_id)?;
        sqlx::query(
            "INSERT INTO user_groups (id, account_id, name, name_normalized, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&g.id)
        .bind(&g.account_id)
        .bind(&g.name)
        .bind(normalized)
        .bind(g.created_at)
        .bind(g.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account's groups by name, with member counts.
    pub async fn groups(&mut self) -> StoreResult<Vec<GroupRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups g WHERE g.account_id = ? \
             ORDER BY g.name_normalized, g.id"
        )))
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    pub async fn group(&mut self, id: &str) -> StoreResult<Option<GroupRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups g WHERE g.account_id = ? AND g.id = ?"
        )))
        .bind(&account_id)
        .bind(id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Is the name (normalized) used by another group of the account?
    pub async fn group_name_taken(
        &mut self,
        normalized: &str,
        except_id: &str,
    ) -> StoreResult<bool> {
        let account_id = self.account()?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM user_groups WHERE account_id = ? AND name_normalized = ? AND id <> ?",
        )
        .bind(&account_id)
        .bind(normalized)
        .bind(except_id)
        .fetch_one(self.conn())
        .await?;
        Ok(n > 0)
    }

    pub async fn rename_group(
        &mut self,
        id: &str,
        name: &str,
        normalized: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE user_groups SET name = ?, name_normalized = ?, updated_at = ? WHERE id = ? AND account_id = ?",
        )
        .bind(name)
        .bind(normalized)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes a group with its memberships and every share it holds.
    pub async fn delete_group(&mut self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_group_members WHERE group_id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "DELETE FROM role_assignments WHERE principal_type = 'group' AND principal_id = ?",
        )
        .bind(id)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM user_groups WHERE id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Members in the order they joined.
    pub async fn group_members(&mut self, group_id: &str) -> StoreResult<Vec<MemberRow>> {
        Ok(sqlx::query_as(
            "SELECT u.id, u.name, u.email, u.status FROM user_group_members m \
             JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY m.seq",
        )
        .bind(group_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// Adds a member; one already in the group is left as is. True when added.
    pub async fn add_group_member(
        &mut self,
        group_id: &str,
        user_id: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO user_group_members (group_id, user_id, added_at, seq) \
             SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1 FROM user_group_members WHERE group_id = ? \
             ON CONFLICT (group_id, user_id) DO NOTHING",
        )
        .bind(group_id)
        .bind(user_id)
        .bind(now)
        .bind(group_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes a member; true when they were one.
    pub async fn remove_group_member(
        &mut self,
        group_id: &str,
        user_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM user_group_members WHERE group_id = ? AND user_id = ?")
            .bind(group_id)
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn touch_group(&mut self, id: &str, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("UPDATE user_groups SET updated_at = ? WHERE id = ? AND account_id = ?")
            .bind(now)
            .bind(id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// A deleted user leaves every group.
    pub async fn delete_user_memberships(&mut self, user_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_group_members WHERE user_id = ?")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The groups a user belongs to, by name.
    pub async fn groups_of_user(&mut self, user_id: &str) -> StoreResult<Vec<GroupRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GROUP_COLUMNS} FROM user_groups g \
             JOIN user_group_members um ON um.group_id = g.id WHERE um.user_id = ? \
             ORDER BY g.name_normalized"
        )))
        .bind(user_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// The folder and collection shares a group holds.
    pub async fn group_shares(&mut self, group_id: &str) -> StoreResult<Vec<HeldShare>> {
        Ok(sqlx::query_as(
            "SELECT scope, role_id FROM role_assignments WHERE principal_type = 'group' \
             AND principal_id = ? AND (scope LIKE 'folder:%' OR scope LIKE 'collection:%') \
             ORDER BY scope",
        )
        .bind(group_id)
        .fetch_all(self.conn())
        .await?)
    }
}
