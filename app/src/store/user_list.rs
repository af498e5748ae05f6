use super::{StoreResult, Tx, UserRow};
use crate::domain::UserSort;
use sqlx::{QueryBuilder, Sqlite};

/// Where a page starts: the sort key and id of the previous page's last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Int(i64),
    Text(String),
}

/// The SQL of a sort key; it matches the expression of the order's index (migration 0004).
fn key_sql(sort: UserSort) -> &'static str {
    match sort {
        UserSort::Created | UserSort::CreatedDesc => "u.created_at",
        UserSort::Email => "u.email_normalized",
        UserSort::Name => "COALESCE(LOWER(u.name), u.email_normalized)",
        UserSort::LastLogin => "COALESCE(u.last_login_at, 0)",
    }
}

/// Filters of the User Management table; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct UserFilter<'a> {
    pub status: Option<&'a str>,
    /// An account-scope role id (`admin@account`).
    pub role_id: Option<&'a str>,
    /// A lowercase prefix of the email or the name.
    pub prefix: Option<&'a str>,
    /// Users who reach this product environment (all of them, or it listed).
    pub environment_id: Option<&'a str>,
    pub sort: UserSort,
    /// Keyset cursor: rows after `(key, id)` in the sort's order.
    pub after: Option<(SortKey, &'a str)>,
    pub limit: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub role_id: String,
    /// The row's sort key (one of the two is set), for the next page's cursor.
    #[sqlx(default)]
    pub sort_int: Option<i64>,
    #[sqlx(default)]
    pub sort_text: Option<String>,
}

impl ListedUser {
    pub fn sort_key(&self) -> Option<SortKey> {
        match (&self.sort_int, &self.sort_text) {
            (Some(i), _) => Some(SortKey::Int(*i)),
            (None, Some(t)) => Some(SortKey::Text(t.clone())),
            _ => None,
        }
    }
}

/// A user's account-scope role id, as a correlated subquery on `users u` (not a join, so
/// the planner walks the users index in order and stops after LIMIT rows).
pub(super) const ROLE_OF_USER: &str = "(SELECT ra.role_id FROM role_assignments ra \
     WHERE ra.principal_type = 'user' AND ra.principal_id = u.id AND ra.scope = 'account')";

pub(super) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Tx {
    /// One page of an account's users, oldest first, by keyset (no OFFSET).
    pub async fn list_users(&mut self, f: &UserFilter<'_>) -> StoreResult<Vec<ListedUser>> {
        let account_id = self.account()?;
        // The role comes from a correlated subquery (not a join), so the planner walks the
        // order's index and stops after LIMIT rows.
        let key = key_sql(f.sort);
        let (int_col, text_col) = if f.sort.numeric_key() {
            (key, "NULL")
        } else {
            ("NULL", key)
        };
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT u.*, {ROLE_OF_USER} AS role_id, \
             {int_col} AS sort_int, {text_col} AS sort_text \
             FROM users u WHERE u.account_id = "
        ));
        q.push_bind(account_id);
        if let Some(status) = f.status {
            q.push(" AND u.status = ").push_bind(status.to_string());
        }
        if let Some(role_id) = f.role_id {
            q.push(
                " AND EXISTS (SELECT 1 FROM role_assignments rf WHERE rf.principal_type = 'user' \
                 AND rf.principal_id = u.id AND rf.scope = 'account' AND rf.role_id = ",
            )
            .push_bind(role_id.to_string())
            .push(")");
        }
        if let Some(env) = f.environment_id {
            q.push(
                " AND EXISTS (SELECT 1 FROM role_assignments re WHERE re.principal_type = 'user' \
                 AND re.principal_id = u.id AND re.scope IN ('environment:all', ",
            )
            .push_bind(format!("environment:{env}"))
            .push("))");
        }
        if let Some(prefix) = f.prefix {
            let pattern = format!("{}%", escape_like(prefix));
            q.push(" AND (u.email_normalized LIKE ")
                .push_bind(pattern.clone());
            q.push(" ESCAPE '\\' OR LOWER(u.name) LIKE ")
                .push_bind(pattern)
                .push(" ESCAPE '\\')");
        }
        let (cmp, dir) = if f.sort.ascending() {
            (">", "ASC")
        } else {
            ("<", "DESC")
        };
        if let Some((at, id)) = &f.after {
            q.push(format!(" AND ({key}, u.id) {cmp} ("));
            match at {
                SortKey::Int(i) => q.push_bind(*i),
                SortKey::Text(t) => q.push_bind(t.clone()),
            };
            q.push(", ").push_bind(id.to_string()).push(")");
        }
        // The limit as a literal (an integer, never text): a bound LIMIT makes SQLite
        // re-plan the statement at every execution (as in provisioning.rs).
        q.push(format!(
            " ORDER BY {key} {dir}, u.id {dir} LIMIT {}",
            f.limit
        ));
        Ok(q.build_query_as().fetch_all(self.conn()).await?)
    }

    /// `(user id, scope)` of the environment-role assignments of these users.
    pub async fn environment_scopes_of(
        &mut self,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT principal_id, scope FROM role_assignments WHERE principal_type = 'user' \
             AND scope LIKE 'environment:%' AND principal_id IN (",
        );
        let mut sep = q.separated(", ");
        for id in user_ids {
            sep.push_bind(id.clone());
        }
        q.push(") ORDER BY principal_id, scope");
        Ok(q.build_query_as().fetch_all(self.conn()).await?)
    }

    /// `(user id, group name)` of these users' memberships, by group name.
    pub async fn group_names_of(
        &mut self,
        user_ids: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT m.user_id, g.name FROM user_group_members m \
             JOIN user_groups g ON g.id = m.group_id WHERE m.user_id IN (",
        );
        let mut sep = q.separated(", ");
        for id in user_ids {
            sep.push_bind(id.clone());
        }
        q.push(") ORDER BY g.name_normalized");
        Ok(q.build_query_as().fetch_all(self.conn()).await?)
    }

    /// Users holding a seat (every status but inactive), as the database keeps count
    /// (triggers on `users`, migration 0002).
    pub async fn seats_used(&mut self) -> StoreResult<i64> {
        let account_id = self.account()?;
        let (n,): (i64,) = sqlx::query_as("SELECT seats_used FROM accounts WHERE id = ?")
            .bind(&account_id)
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }
}
