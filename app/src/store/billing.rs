//! Account details, plan, add-on registrations.

use super::{StoreResult, Tx};
use crate::domain::addons::AddonRegistration;

#[derive(sqlx::FromRow)]
struct AddonRow {
    addon_id: String,
    tier: String,
    registered_at: i64,
}

impl Tx {
    pub async fn set_account_name_and_company(
        &mut self,
        name: &str,
        company: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let id = self.account()?;
        sqlx::query("UPDATE accounts SET name = ?, company = ?, updated_at = ? WHERE id = ?")
            .bind(name)
            .bind(company)
            .bind(now)
            .bind(&id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn set_account_plan(&mut self, plan: &str, now: i64) -> StoreResult<()> {
        let id = self.account()?;
        sqlx::query("UPDATE accounts SET plan = ?, updated_at = ? WHERE id = ?")
            .bind(plan)
            .bind(now)
            .bind(&id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// API keys of the account restricted to some permissions.
    pub async fn restricted_api_keys(&mut self) -> StoreResult<i64> {
        let account_id = self.account()?;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM api_keys WHERE account_id = ? AND permissions <> 'full'",
        )
        .bind(&account_id)
        .fetch_one(self.conn())
        .await?;
        Ok(n)
    }

    pub async fn addons(&mut self) -> StoreResult<Vec<AddonRegistration>> {
        let account_id = self.account()?;
        let rows: Vec<AddonRow> = sqlx::query_as(
            "SELECT addon_id, tier, registered_at FROM account_addons WHERE account_id = ? \
             ORDER BY addon_id",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AddonRegistration {
                addon_id: r.addon_id,
                tier: r.tier,
                registered_at: r.registered_at,
            })
            .collect())
    }

    pub async fn put_addon(&mut self, addon_id: &str, tier: &str, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "INSERT INTO account_addons (account_id, addon_id, tier, registered_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (account_id, addon_id) DO UPDATE SET tier = excluded.tier, \
             registered_at = excluded.registered_at",
        )
        .bind(&account_id)
        .bind(addon_id)
        .bind(tier)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn delete_addon(&mut self, addon_id: &str) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("DELETE FROM account_addons WHERE account_id = ? AND addon_id = ?")
            .bind(&account_id)
            .bind(addon_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
