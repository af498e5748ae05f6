//! The Provisioning API's reads: users with their role, environment access and counts in
//! one statement, filtered, sorted and paged as the API asks; keys of many environments.

use super::user_list::{escape_like, ROLE_OF_USER};
use super::{ApiKeyRow, StoreResult, Tx};
use crate::domain::provisioning::{ApiUserFilter, ApiUserSort, StatusFilter};
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, QueryBuilder, Row, Sqlite};

/// A user as the API shows them, read in place from its row (text borrowed, not
/// copied): only the columns its record needs (no credentials, no console preferences),
/// with role, environment access and counts. Read from [`API_USER_COLUMNS`], by position
/// (see its `FromRow`).
#[derive(Debug, Clone)]
pub struct ApiUserRow<'r> {
    pub id: &'r str,
    pub account_id: &'r str,
    pub email: &'r str,
    pub name: Option<&'r str>,
    pub first_name: Option<&'r str>,
    pub last_name: Option<&'r str>,
    pub status: &'r str,
    pub root: bool,
    pub providers: &'r str,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub email_usage_alerts: bool,
    pub email_weekly_report: bool,
    pub email_product_updates: bool,
    pub email_billing_notifications: bool,
    pub role_id: Option<&'r str>,
    /// Holds `environment:all`.
    pub all_environments: bool,
    /// Environments named one by one (when not all).
    pub environment_count: i64,
    pub group_count: i64,
    /// Environments of the account (what "all" amounts to).
    pub environment_total: i64,
}

/// Users' rows as the database gave them, to be read in place by [`ApiUserRows::read`]:
/// a page of the API is written from them without copying each value into a record
/// first (copying them was an eighth of the API's cost per page).
#[derive(Debug, Default)]
pub struct ApiUserRows(Vec<SqliteRow>);

impl ApiUserRows {
    /// Each row as a user, in the statement's order.
    pub fn read(&self) -> impl Iterator<Item = StoreResult<ApiUserRow<'_>>> {
        self.0
            .iter()
            .map(|r| ApiUserRow::from_row(r).map_err(Into::into))
    }
}

/// The columns of [`ApiUserRow`] over `users u`, in its fields' order (it reads them by
/// position): correlated subqueries, so a page walks the order's index and stops after
/// LIMIT rows.
pub const API_USER_COLUMNS: &str = "u.id, u.account_id, u.email, u.name, u.first_name, \
    u.last_name, u.status, u.root, u.providers, u.last_login_at, u.created_at, u.updated_at, \
    u.email_usage_alerts, u.email_weekly_report, u.email_product_updates, \
    u.email_billing_notifications, \
    (SELECT ra.role_id FROM role_assignments ra WHERE ra.principal_type = 'user' \
     AND ra.principal_id = u.id AND ra.scope = 'account') AS role_id, \
    EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.principal_type = 'user' \
     AND ra.principal_id = u.id AND ra.scope = 'environment:all') AS all_environments, \
    (SELECT COUNT(*) FROM role_assignments ra JOIN environments e ON ra.scope = 'environment:' || e.id \
     WHERE ra.principal_type = 'user' AND ra.principal_id = u.id) AS environment_count, \
    (SELECT COUNT(*) FROM user_group_members m WHERE m.user_id = u.id) AS group_count, \
    (SELECT COUNT(*) FROM environments et WHERE et.account_id = u.account_id) AS environment_total";

impl<'r> FromRow<'r, SqliteRow> for ApiUserRow<'r> {
    /// By position, in [`API_USER_COLUMNS`]' order: a page of the API decodes 21 columns
    /// of up to 500 rows, and finding each column by name (a hash of its name per value)
    /// was a sixth of a page's decoding. Each value is read as its field's type without first
    /// asking for its storage class (a tenth of the decoding again): the columns are this
    /// statement's own, typed by the schema, and `every_column_of_the_record_lands_in_its_field`
    /// pins each one to its field.
    fn from_row(r: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(ApiUserRow {
            id: r.try_get_unchecked(0)?,
            account_id: r.try_get_unchecked(1)?,
            email: r.try_get_unchecked(2)?,
            name: r.try_get_unchecked(3)?,
            first_name: r.try_get_unchecked(4)?,
            last_name: r.try_get_unchecked(5)?,
            status: r.try_get_unchecked(6)?,
            root: r.try_get_unchecked(7)?,
            providers: r.try_get_unchecked(8)?,
            last_login_at: r.try_get_unchecked(9)?,
            created_at: r.try_get_unchecked(10)?,
            updated_at: r.try_get_unchecked(11)?,
            email_usage_alerts: r.try_get_unchecked(12)?,
            email_weekly_report: r.try_get_unchecked(13)?,
            email_product_updates: r.try_get_unchecked(14)?,
            email_billing_notifications: r.try_get_unchecked(15)?,
            role_id: r.try_get_unchecked(16)?,
            all_environments: r.try_get_unchecked(17)?,
            environment_count: r.try_get_unchecked(18)?,
            group_count: r.try_get_unchecked(19)?,
            environment_total: r.try_get_unchecked(20)?,
        })
    }
}

fn sort_sql(sort: ApiUserSort) -> String {
    match sort {
        ApiUserSort::Name => "COALESCE(LOWER(u.name), u.email_normalized)".into(),
        ApiUserSort::Role => ROLE_OF_USER.into(),
        ApiUserSort::Status => "u.status".into(),
        ApiUserSort::Activity => "COALESCE(u.last_login_at, 0)".into(),
        ApiUserSort::CreatedAt => "u.created_at".into(),
    }
}

fn push_list(q: &mut QueryBuilder<Sqlite>, column: &str, values: &[String]) {
    q.push(format!(" AND {column} IN ("));
    let mut sep = q.separated(", ");
    for v in values {
        sep.push_bind(v.clone());
    }
    q.push(")");
}

impl super::OneRead {
    /// The account's users matching the filter, in its order (`GET /users`), in one
    /// statement outside a transaction.
    pub async fn api_users(mut self, f: &ApiUserFilter) -> StoreResult<ApiUserRows> {
        let account_id = self.account()?;
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {API_USER_COLUMNS} FROM users u WHERE u.account_id = "
        ));
        q.push_bind(account_id);
        if !f.ids.is_empty() {
            push_list(&mut q, "u.id", &f.ids);
        }
        if !f.emails.is_empty() {
            let emails: Vec<String> = f.emails.iter().map(|e| e.to_lowercase()).collect();
            push_list(&mut q, "u.email_normalized", &emails);
        }
        match f.status {
            StatusFilter::Live => q.push(" AND u.status <> 'inactive'"),
            StatusFilter::NotPending => q.push(" AND u.status NOT IN ('pending', 'inactive')"),
            StatusFilter::Only(s) => q.push(" AND u.status = ").push_bind(s.as_str()),
        };
        if let Some(prefix) = &f.prefix {
            let pattern = format!("{}%", escape_like(&prefix.to_lowercase()));
            q.push(" AND (u.email_normalized LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\' OR LOWER(u.name) LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\')");
        }
        if let Some(env) = &f.environment_id {
            q.push(
                " AND EXISTS (SELECT 1 FROM role_assignments rf WHERE rf.principal_type = 'user' \
                 AND rf.principal_id = u.id AND rf.scope IN ('environment:all', ",
            )
            .push_bind(format!("environment:{env}"))
            .push("))");
        }
        if let Some(login) = f.last_login {
            let from = login.from.unwrap_or(i64::MIN);
            let to = login.to.unwrap_or(i64::MAX);
            q.push(if login.inside {
                " AND u.last_login_at IS NOT NULL AND u.last_login_at >= "
            } else {
                " AND (u.last_login_at IS NULL OR NOT (u.last_login_at >= "
            })
            .push_bind(from)
            .push(" AND u.last_login_at < ")
            .push_bind(to)
            .push(if login.inside { "" } else { "))" });
        }
        let dir = if f.descending { "DESC" } else { "ASC" };
        q.push(format!(" ORDER BY {} {dir}, u.id {dir}", sort_sql(f.sort)));
        // LIMIT as a literal (an integer, never text): SQLite plans a bound LIMIT from its
        // value, so binding it would expire the prepared statement and every execution
        // would be parsed and planned again. OFFSET bound: it doesn't change the plan, and
        // as a literal every page number was a statement of its own, each kept prepared
        // (about 65 KB apiece) in every connection's cache — walking 200 pages grew the
        // server by 100 MB. One prepared statement per page size.
        if let Some((page, size)) = f.page {
            let offset = i64::from(page.saturating_sub(1)) * i64::from(size);
            q.push(format!(" LIMIT {size} OFFSET ")).push_bind(offset);
        }
        Ok(ApiUserRows(q.build().fetch_all(self.conn()?).await?))
    }
}

impl Tx {
    /// One user of the account, whatever their status (no row: none such).
    pub async fn api_user(&mut self, id: &str) -> StoreResult<ApiUserRows> {
        let account_id = self.account()?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {API_USER_COLUMNS} FROM users u WHERE u.account_id = ? AND u.id = ?"
        )))
        .bind(&account_id)
        .bind(id)
        .fetch_optional(self.conn())
        .await?;
        Ok(ApiUserRows(row.into_iter().collect()))
    }

    /// Every key of the account's environments, oldest first.
    pub async fn account_environment_keys(&mut self) -> StoreResult<Vec<ApiKeyRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, root DESC, api_key",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }
}
