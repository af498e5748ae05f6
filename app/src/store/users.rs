use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub email_normalized: String,
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub status: String,
    pub status_before_disable: Option<String>,
    pub enabled: bool,
    pub root: bool,
    pub password_hash: Option<String>,
    pub providers: String,
    pub theme: String,
    /// The IANA time zone times are shown in; `None`: the browser's.
    #[sqlx(default)]
    pub time_zone: Option<String>,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub email_usage_alerts: bool,
    pub email_weekly_report: bool,
    pub email_product_updates: bool,
    pub email_billing_notifications: bool,
    pub ml_create_root_folders: bool,
    pub ml_create_collections: bool,
    /// A SAML user's immutable key (docs/rules/saml.md#jit-provisioning).
    #[sqlx(default)]
    pub saml_username: Option<String>,
    /// The identity provider's id for the user (SCIM `externalId`).
    #[sqlx(default)]
    pub external_id: Option<String>,
    /// SCIM's `userName` when it isn't the email (docs/rules/scim.md#users), as given.
    #[sqlx(default)]
    pub scim_user_name: Option<String>,
    /// SCIM's `name.formatted`.
    #[sqlx(default)]
    pub name_formatted: Option<String>,
    /// The `type` and `primary` SCIM sent with the email (a JSON object); `None`: never sent.
    #[sqlx(default)]
    pub scim_email_attributes: Option<String>,
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub account_id: &'a str,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub name: Option<&'a str>,
    pub status: &'a str,
    pub root: bool,
    pub password_hash: Option<&'a str>,
    pub media_library: crate::domain::MediaLibraryOptions,
    pub now: i64,
}

impl Tx {
    pub async fn insert_user(&mut self, u: &NewUser<'_>) -> StoreResult<()> {
        self.own(u.account_id)?;
        sqlx::query(
            "INSERT INTO users (id, account_id, email, email_normalized, name, status, enabled, root, \
             password_hash, providers, theme, ml_create_root_folders, ml_create_collections, \
             created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?, 'password', 'system', ?, ?, ?, ?)",
        )
        .bind(u.id)
        .bind(u.account_id)
        .bind(u.email)
        .bind(u.email_normalized)
        .bind(u.name)
        .bind(u.status)
        .bind(u.root)
        .bind(u.password_hash)
        .bind(u.media_library.create_root_folders)
        .bind(u.media_library.create_collections)
        .bind(u.now)
        .bind(u.now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The non-deleted user with this (normalized) email, in any account.
    pub async fn live_user_by_email(
        &mut self,
        email_normalized: &str,
    ) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT * FROM users WHERE email_normalized = ? AND status <> 'inactive'",
        )
        .bind(email_normalized)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn user(&mut self, id: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as("SELECT * FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(self.conn())
            .await?)
    }

    pub async fn set_user_password_hash(
        &mut self,
        id: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET password_hash = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(hash)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_user_last_login(&mut self, id: &str, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ? AND account_id = ?")
            .bind(now)
            .bind(id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn set_user_names(
        &mut self,
        id: &str,
        name: Option<&str>,
        first_name: Option<&str>,
        last_name: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET name = ?, first_name = ?, last_name = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(name)
        .bind(first_name)
        .bind(last_name)
        .bind(now)
        .bind(id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn set_user_theme(&mut self, id: &str, theme: &str, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("UPDATE users SET theme = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?")
            .bind(theme)
            .bind(now)
            .bind(id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn set_user_time_zone(
        &mut self,
        id: &str,
        time_zone: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("UPDATE users SET time_zone = ?, updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?")
            .bind(time_zone)
            .bind(now)
            .bind(id)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
