//! SAML single sign-on's rows (docs/rules/saml.md): an account's settings and domains, the
//! sign-in requests awaiting their response, the assertions used.

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SamlSettingsRow {
    pub account_id: String,
    pub enabled: bool,
    pub idp_metadata: String,
    pub idp_entity_id: String,
    pub metadata_url: Option<String>,
    pub metadata_fetched_at: Option<i64>,
    pub metadata_error: Option<String>,
    pub enforce: bool,
    pub jit: bool,
    pub jit_default_role: String,
    pub updated_at: i64,
}

/// A sign-in the console asked the identity provider for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SamlRequestRow {
    pub id: String,
    pub account_id: String,
    pub purpose: String,
    pub user_id: Option<String>,
    pub next: Option<String>,
    pub expires_at: i64,
    /// Test SSO: the metadata being tried.
    pub draft_metadata: Option<String>,
    /// Re-authentication: the session's token hash.
    pub session_hash: Option<String>,
}

impl Tx {
    pub async fn saml_settings(&mut self) -> StoreResult<Option<SamlSettingsRow>> {
        let account_id = self.account()?;
        Ok(
            sqlx::query_as("SELECT * FROM saml_settings WHERE account_id = ?")
                .bind(&account_id)
                .fetch_optional(self.conn())
                .await?,
        )
    }

    pub async fn saml_domains(&mut self) -> StoreResult<Vec<String>> {
        let account_id = self.account()?;
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT domain FROM saml_domains WHERE account_id = ? ORDER BY domain")
                .bind(&account_id)
                .fetch_all(self.conn())
                .await?;
        Ok(rows.into_iter().map(|(d,)| d).collect())
    }

    /// The domains of `domains` another account lists.
    pub async fn saml_domains_elsewhere(&mut self, domains: &[String]) -> StoreResult<Vec<String>> {
        let account_id = self.account()?;
        let mut taken = Vec::new();
        for d in domains {
            let row: Option<(String,)> = sqlx::query_as(
                "SELECT domain FROM saml_domains WHERE domain = ? AND account_id <> ?",
            )
            .bind(d)
            .bind(&account_id)
            .fetch_optional(self.conn())
            .await?;
            taken.extend(row.map(|(d,)| d));
        }
        Ok(taken)
    }

    /// Whether another account's settings name this identity provider.
    pub async fn saml_issuer_elsewhere(&mut self, entity_id: &str) -> StoreResult<bool> {
        let account_id = self.account()?;
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT account_id FROM saml_settings WHERE idp_entity_id = ? AND account_id <> ?",
        )
        .bind(entity_id)
        .bind(&account_id)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.is_some())
    }

    /// Writes the account's settings and domains (replacing both).
    pub async fn put_saml_settings(
        &mut self,
        row: &SamlSettingsRow,
        domains: &[String],
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        self.own(&row.account_id)?;
        sqlx::query(
            "INSERT INTO saml_settings (account_id, enabled, idp_metadata, idp_entity_id, metadata_url, \
             metadata_fetched_at, metadata_error, enforce, jit, jit_default_role, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, \
             idp_metadata = excluded.idp_metadata, idp_entity_id = excluded.idp_entity_id, \
             metadata_url = excluded.metadata_url, metadata_fetched_at = excluded.metadata_fetched_at, \
             metadata_error = excluded.metadata_error, enforce = excluded.enforce, jit = excluded.jit, \
             jit_default_role = excluded.jit_default_role, updated_at = excluded.updated_at",
        )
        .bind(&account_id)
        .bind(row.enabled)
        .bind(&row.idp_metadata)
        .bind(&row.idp_entity_id)
        .bind(&row.metadata_url)
        .bind(row.metadata_fetched_at)
        .bind(&row.metadata_error)
        .bind(row.enforce)
        .bind(row.jit)
        .bind(&row.jit_default_role)
        .bind(row.updated_at)
        .execute(self.conn())
        .await?;
        sqlx::query("DELETE FROM saml_domains WHERE account_id = ?")
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        for d in domains {
            sqlx::query("INSERT INTO saml_domains (domain, account_id) VALUES (?, ?)")
                .bind(d)
                .bind(&account_id)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// SAML login off: the settings stay (to turn it on again), nothing is enforced.
    pub async fn turn_saml_off(&mut self, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE saml_settings SET enabled = FALSE, enforce = FALSE, jit = FALSE, updated_at = ? \
             WHERE account_id = ?",
        )
        .bind(now)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn insert_saml_request(&mut self, r: &SamlRequestRow) -> StoreResult<()> {
        self.own(&r.account_id)?;
        sqlx::query(
            "INSERT INTO saml_requests (id, account_id, purpose, user_id, next, expires_at, \
             draft_metadata, session_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.id)
        .bind(&r.account_id)
        .bind(&r.purpose)
        .bind(&r.user_id)
        .bind(&r.next)
        .bind(r.expires_at)
        .bind(&r.draft_metadata)
        .bind(&r.session_hash)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes the assertion-keeping rows and requests that have expired.
    pub async fn prune_saml(&mut self, now: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM saml_requests WHERE expires_at <= ?")
            .bind(now)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM saml_assertions WHERE expires_at <= ?")
            .bind(now)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// What a transaction opened without an account (a sign-in) reads and writes before it
/// knows the account.
impl Tx {
    /// The account whose settings list this email domain, with SAML on.
    pub async fn saml_account_of_domain(&mut self, domain: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT d.account_id FROM saml_domains d JOIN saml_settings s ON s.account_id = d.account_id \
             WHERE d.domain = ? AND s.enabled",
        )
        .bind(domain)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|(a,)| a))
    }

    /// The account whose settings name this identity provider.
    pub async fn saml_account_of_issuer(&mut self, issuer: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT account_id FROM saml_settings WHERE idp_entity_id = ?")
                .bind(issuer)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.map(|(a,)| a))
    }

    /// Takes a pending request (once): `None` if unknown or expired.
    pub async fn take_saml_request(
        &mut self,
        id: &str,
        now: i64,
    ) -> StoreResult<Option<SamlRequestRow>> {
        let row: Option<SamlRequestRow> =
            sqlx::query_as("DELETE FROM saml_requests WHERE id = ? RETURNING *")
                .bind(id)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.filter(|r| r.expires_at > now))
    }

    /// Keeps an assertion's id until it expires; `false` if it was kept already (a replay).
    pub async fn keep_saml_assertion(
        &mut self,
        assertion_id: &str,
        expires_at: i64,
    ) -> StoreResult<bool> {
        let account_id = self.account()?;
        let done = sqlx::query(
            "INSERT INTO saml_assertions (account_id, assertion_id, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&account_id)
        .bind(assertion_id)
        .bind(expires_at)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// SAML users (docs/rules/saml.md#jit-provisioning).
impl Tx {
    /// The account's live user with this SAML key.
    pub async fn live_user_by_saml_username(
        &mut self,
        username: &str,
    ) -> StoreResult<Option<super::UserRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT * FROM users WHERE account_id = ? AND saml_username = ? AND status <> 'inactive'",
        )
        .bind(&account_id)
        .bind(username)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Links a user to SAML: their key, and `saml` among their sign-in providers. A user
    /// created by SAML has no password (`only_saml`).
    pub async fn link_saml_user(
        &mut self,
        user_id: &str,
        username: &str,
        only_saml: bool,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE users SET saml_username = ?, \
             providers = CASE WHEN ? THEN 'saml' \
               WHEN (',' || providers || ',') LIKE '%,saml,%' THEN providers ELSE providers || ',saml' END, \
             updated_at = MAX(?, updated_at + 1) WHERE id = ? AND account_id = ?",
        )
        .bind(username)
        .bind(only_saml)
        .bind(now)
        .bind(user_id)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

/// The daily refresh of metadata given by URL.
impl Tx {
    /// Settings with a metadata URL last fetched before `before`, of every account.
    pub async fn saml_metadata_due(&mut self, before: i64) -> StoreResult<Vec<SamlSettingsRow>> {
        Ok(sqlx::query_as(
            "SELECT * FROM saml_settings WHERE metadata_url IS NOT NULL \
             AND COALESCE(metadata_fetched_at, 0) < ? ORDER BY account_id",
        )
        .bind(before)
        .fetch_all(self.conn())
        .await?)
    }

    /// A refresh's outcome: new metadata (`Some`), or only the error and the time tried.
    pub async fn set_saml_metadata(
        &mut self,
        metadata: Option<(&str, &str)>,
        error: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query(
            "UPDATE saml_settings SET idp_metadata = COALESCE(?, idp_metadata), \
             idp_entity_id = COALESCE(?, idp_entity_id), metadata_error = ?, \
             metadata_fetched_at = ? WHERE account_id = ?",
        )
        .bind(metadata.map(|(xml, _)| xml))
        .bind(metadata.map(|(_, entity)| entity))
        .bind(error)
        .bind(now)
        .bind(&account_id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
