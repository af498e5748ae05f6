//! The account's allowed IP addresses and session lifetimes (docs/rules/account-security.md).

use super::{StoreResult, Tx};
use crate::domain::ip_allowlist::AllowedIp;

/// What every request of the account answers to: its allowed addresses and how long its
/// sessions last (`None`: the operator's default); and whether its users must have a second
/// factor (read with them: one statement for a sign-in's whole policy).
#[derive(Debug, Clone, Default)]
pub struct AccessPolicy {
    pub allowed_ips: Vec<AllowedIp>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub require_two_factor: bool,
}

/// A stored list; an unreadable one is empty (it was written by this code, from a
/// validated list).
pub fn decode_allowed_ips(json: &str) -> Vec<AllowedIp> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Tx {
    pub async fn access_policy(&mut self) -> StoreResult<AccessPolicy> {
        let account_id = self.account()?;
        let row: Option<(String, Option<i64>, Option<i64>, bool)> = sqlx::query_as(
            "SELECT allowed_ips, session_idle_minutes, session_absolute_hours, require_two_factor \
             FROM accounts WHERE id = ?",
        )
        .bind(&account_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row
            .map(|(ips, idle, absolute, require_two_factor)| AccessPolicy {
                allowed_ips: decode_allowed_ips(&ips),
                session_idle_minutes: idle,
                session_absolute_hours: absolute,
                require_two_factor,
            })
            .unwrap_or_default())
    }

    pub async fn set_allowed_ips(&mut self, list: &[AllowedIp], now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        let json = serde_json::to_string(list).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "UPDATE accounts SET allowed_ips = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ?",
        )
        .bind(json)
        .bind(now)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_session_lifetimes(
        &mut self,
        idle_minutes: Option<i64>,
        absolute_hours: Option<i64>,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE accounts SET session_idle_minutes = ?, session_absolute_hours = ?, \
             updated_at = MAX(?, updated_at + 1) WHERE id = ?",
        )
        .bind(idle_minutes)
        .bind(absolute_hours)
        .bind(now)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
