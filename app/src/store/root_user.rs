//! The account's root user and who may become it (docs/rules/users.md#transfer-root).

use super::{StoreResult, Tx};

impl Tx {
    /// Active, enabled Master admins of the account other than the root user: who root may
    /// be transferred to, as (id, email), by email.
    pub async fn root_candidates(&mut self) -> StoreResult<Vec<(String, String)>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT u.id, u.email FROM users u JOIN role_assignments ra ON ra.principal_type = 'user' \
             AND ra.principal_id = u.id AND ra.scope = 'account' \
             WHERE u.account_id = ? AND u.status = 'active' AND u.enabled = TRUE AND u.root = FALSE \
             AND ra.role_id = 'master_admin@account' ORDER BY u.email_normalized",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// Moves root from one user of the account to another; returns whether both changed.
    pub async fn move_root(&mut self, from: &str, to: &str, now: i64) -> StoreResult<bool> {
        let account_id = self.account()?;
        let mut changed = 0;
        for (id, root) in [(from, false), (to, true)] {
            changed += sqlx::query(
                "UPDATE users SET root = ?, updated_at = MAX(?, updated_at + 1) \
                 WHERE id = ? AND account_id = ? AND root = ?",
            )
            .bind(root)
            .bind(now)
            .bind(id)
            .bind(&account_id)
            .bind(!root)
            .execute(self.conn())
            .await?
            .rows_affected();
        }
        Ok(changed == 2)
    }
}
