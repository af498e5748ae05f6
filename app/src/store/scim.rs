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

/// SCIM's reads of users (docs/rules/scim.md#filters): each an index range of the account's
/// live users.
impl Tx {
    /// The users in the ranges of `keys` (each read up to `cap + 1`), once each.
    pub async fn scim_user_candidates(
        &mut self,
        keys: &[crate::domain::scim_eval::IndexKey],
        cap: i64,
    ) -> StoreResult<Vec<super::UserRow>> {
        use crate::domain::scim_eval::IndexKey;
        let account_id = self.account()?;
        let mut out: Vec<super::UserRow> = Vec::new();
        for key in keys {
            let (condition, low, high) = match key {
                IndexKey::Email(v) => (
                    "email_normalized = ?2 AND ?3 = ?3",
                    v.clone(),
                    String::new(),
                ),
                IndexKey::EmailPrefix(p) => (
                    "email_normalized >= ?2 AND email_normalized < ?3",
                    p.clone(),
                    format!("{p}\u{10FFFF}"),
                ),
                IndexKey::UserName(v) => (
                    "scim_user_name_normalized = ?2 AND ?3 = ?3",
                    v.clone(),
                    String::new(),
                ),
                IndexKey::UserNamePrefix(p) => (
                    "scim_user_name_normalized >= ?2 AND scim_user_name_normalized < ?3",
                    p.clone(),
                    format!("{p}\u{10FFFF}"),
                ),
                IndexKey::ExternalId(v) => {
                    ("external_id = ?2 AND ?3 = ?3", v.clone(), String::new())
                }
                IndexKey::NamePrefix(p) => (
                    "LOWER(name) >= ?2 AND LOWER(name) < ?3",
                    p.clone(),
                    format!("{p}\u{10FFFF}"),
                ),
            };
            let rows: Vec<super::UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT * FROM users WHERE account_id = ?1 AND {condition} AND status <> 'inactive' LIMIT {}",
                cap.saturating_add(1)
            )))
            .bind(&account_id)
            .bind(&low)
            .bind(&high)
            .fetch_all(self.conn())
            .await?;
            for r in rows {
                if !out.iter().any(|o| o.id == r.id) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    /// A page of all the account's live users in creation order, and how many there are.
    pub async fn scim_user_page(
        &mut self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<super::UserRow>, i64)> {
        let account_id = self.account()?;
        let rows = sqlx::query_as(
            "SELECT * FROM users WHERE account_id = ? AND status <> 'inactive' \
             ORDER BY created_at, id LIMIT ? OFFSET ?",
        )
        .bind(&account_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM users WHERE account_id = ? AND status <> 'inactive'",
        )
        .bind(&account_id)
        .fetch_one(self.conn())
        .await?;
        Ok((rows, total))
    }

    /// One live user of the account.
    pub async fn scim_user(&mut self, id: &str) -> StoreResult<Option<super::UserRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT * FROM users WHERE account_id = ? AND id = ? AND status <> 'inactive'",
        )
        .bind(&account_id)
        .bind(id)
        .fetch_optional(self.conn())
        .await?)
    }
}

impl Tx {
    /// The identity provider's id for a user (`None` clears it).
    pub async fn set_user_external_id(
        &mut self,
        user_id: &str,
        external_id: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET external_id = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(external_id)
        .bind(now)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// SCIM's own names of a user (docs/rules/scim.md#users).
impl Tx {
    /// The `userName` (`None`: it is the email), `name.formatted` and the email's attributes.
    pub async fn set_user_scim_names(
        &mut self,
        user_id: &str,
        user_name: Option<&str>,
        formatted: Option<&str>,
        email_attributes: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET scim_user_name = ?, scim_user_name_normalized = ?, name_formatted = ?, \
             scim_email_attributes = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(user_name)
        .bind(user_name.map(str::to_lowercase))
        .bind(formatted)
        .bind(email_attributes)
        .bind(now)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Another live user of the account answers to this `userName` (lower-cased): theirs, or
    /// their email when they have none of their own.
    pub async fn scim_user_name_taken(
        &mut self,
        normalized: &str,
        except: &str,
    ) -> StoreResult<bool> {
        let account_id = self.account()?;
        let own: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM users WHERE account_id = ? AND scim_user_name_normalized = ? \
             AND status <> 'inactive' AND id <> ? LIMIT 1",
        )
        .bind(&account_id)
        .bind(normalized)
        .bind(except)
        .fetch_optional(self.conn())
        .await?;
        if own.is_some() {
            return Ok(true);
        }
        let email: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM users WHERE email_normalized = ? AND account_id = ? \
             AND scim_user_name_normalized IS NULL AND status <> 'inactive' AND id <> ? LIMIT 1",
        )
        .bind(normalized)
        .bind(&account_id)
        .bind(except)
        .fetch_optional(self.conn())
        .await?;
        Ok(email.is_some())
    }

    /// A group's `externalId` (`None` clears it).
    pub async fn set_group_external_id(
        &mut self,
        group_id: &str,
        external_id: Option<&str>,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("UPDATE user_groups SET external_id = ? WHERE id = ? AND account_id = ?")
            .bind(external_id)
            .bind(group_id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// One group's `externalId`, if it has one.
    pub async fn group_external_id(&mut self, group_id: &str) -> StoreResult<Option<String>> {
        let account_id = self.account()?;
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT external_id FROM user_groups WHERE id = ? AND account_id = ?")
                .bind(group_id)
                .bind(&account_id)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.and_then(|(e,)| e))
    }

    /// The `externalId` of each of the account's groups that has one.
    pub async fn group_external_ids(&mut self) -> StoreResult<Vec<(String, String)>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT id, external_id FROM user_groups WHERE account_id = ? AND external_id IS NOT NULL",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }
}
