//! Settings documents: an environment's pages and an account's billing documents, each a
//! validated JSON value with a revision counter.

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SettingsRow {
    pub value_json: String,
    pub revision: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// Where a document lives: (table, owner column, key column).
#[derive(Debug, Clone, Copy)]
pub enum SettingsOwner<'a> {
    Environment { id: &'a str, page: &'a str },
    Account { id: &'a str, kind: &'a str },
}

impl SettingsOwner<'_> {
    fn parts(&self) -> (&'static str, &'static str, &'static str, &str, &str) {
        match *self {
            SettingsOwner::Environment { id, page } => {
                ("environment_settings", "environment_id", "page", id, page)
            }
            SettingsOwner::Account { id, kind } => {
                ("account_settings", "account_id", "kind", id, kind)
            }
        }
    }
}

impl Tx {
    /// The document's owner is the permit's account, or an environment it reaches.
    fn owns(&self, owner: SettingsOwner<'_>) -> StoreResult<()> {
        match owner {
            SettingsOwner::Environment { id, .. } => self.reach(id).map(|_| ()),
            SettingsOwner::Account { id, .. } => self.own(id),
        }
    }

    pub async fn settings(&mut self, owner: SettingsOwner<'_>) -> StoreResult<Option<SettingsRow>> {
        self.owns(owner)?;
        let (table, owner_col, key_col, id, key) = owner.parts();
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT value_json, revision, updated_at, updated_by FROM {table} \
             WHERE {owner_col} = ? AND {key_col} = ?"
        )))
        .bind(id)
        .bind(key)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Writes the document as revision `revision` (the previous one + 1).
    pub async fn put_settings(
        &mut self,
        owner: SettingsOwner<'_>,
        value_json: &str,
        revision: i64,
        now: i64,
        updated_by: &str,
    ) -> StoreResult<()> {
        self.owns(owner)?;
        let (table, owner_col, key_col, id, key) = owner.parts();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} ({owner_col}, {key_col}, value_json, revision, updated_at, updated_by) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT ({owner_col}, {key_col}) DO UPDATE SET \
             value_json = excluded.value_json, revision = excluded.revision, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by"
        )))
        .bind(id)
        .bind(key)
        .bind(value_json)
        .bind(revision)
        .bind(now)
        .bind(updated_by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Every saved page of an environment: (page, value_json).
    pub async fn environment_settings_pages(
        &mut self,
        environment_id: &str,
    ) -> StoreResult<Vec<(String, String)>> {
        let environment_id = self.reach(environment_id)?;
        Ok(sqlx::query_as(
            "SELECT page, value_json FROM environment_settings WHERE environment_id = ? ORDER BY page",
        )
        .bind(environment_id)
        .fetch_all(self.conn())
        .await?)
    }
}
