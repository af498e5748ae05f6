use super::{AccountRow, OneRead, StoreError, StoreResult, Tx, UserRow};
use crate::domain::UserSort;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

mod filters;
mod page;
use page::push_page;

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

/// Whether the order's key is a column (else an expression of the order's index).
fn key_is_column(sort: UserSort) -> bool {
    match sort {
        UserSort::Created | UserSort::CreatedDesc | UserSort::Email => true,
        UserSort::Name | UserSort::LastLogin => false,
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

impl UserFilter<'_> {
    /// Whether a user's role assignments decide if they are listed (a role or product
    /// environment filter): the search indexes can't tell, each match's assignments are read.
    fn filters_by_assignments(&self) -> bool {
        self.role_id.is_some() || self.environment_id.is_some()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub role_id: String,
    /// Has a confirmed second factor.
    #[sqlx(default)]
    pub two_factor: bool,
    /// The row's sort key (one of the two is set), for the next page's cursor.
    #[sqlx(default)]
    pub sort_int: Option<i64>,
    #[sqlx(default)]
    pub sort_text: Option<String>,
    /// The scopes of the user's product environment roles, as a JSON array in scope order
    /// ([`ENVIRONMENTS_OF_USER`]).
    #[sqlx(default)]
    pub environments: Option<String>,
    /// The names of the user's groups, as a JSON array by name ([`GROUPS_OF_USER`]).
    #[sqlx(default)]
    pub groups: Option<String>,
}

impl ListedUser {
    /// The scopes of the user's product environment roles (`environment:…`), in order.
    pub fn environment_scopes(&self) -> StoreResult<Vec<String>> {
        json_texts(self.environments.as_deref())
    }

    /// The names of the user's groups, by name.
    pub fn group_names(&self) -> StoreResult<Vec<String>> {
        json_texts(self.groups.as_deref())
    }

    pub fn sort_key(&self) -> Option<SortKey> {
        match (&self.sort_int, &self.sort_text) {
            (Some(i), _) => Some(SortKey::Int(*i)),
            (None, Some(t)) => Some(SortKey::Text(t.clone())),
            _ => None,
        }
    }
}

/// Whether a user has a confirmed second factor, as a correlated subquery on `users u`.
pub(super) const TWO_FACTOR_OF_USER: &str = "EXISTS (SELECT 1 FROM two_factor tf \
     WHERE tf.user_id = u.id AND tf.confirmed_at IS NOT NULL)";

/// A user's account-scope role id, as a correlated subquery on `users u` (not a join, so
/// the planner walks the users index in order and stops after LIMIT rows).
pub(super) const ROLE_OF_USER: &str = "(SELECT ra.role_id FROM role_assignments ra \
     WHERE ra.principal_type = 'user' AND ra.principal_id = u.id AND ra.scope = 'account')";

/// The scopes of a user's product environment roles, as a JSON array in scope order, as a
/// correlated subquery on `users u`: read beside the role, on the pages it just read.
pub(super) const ENVIRONMENTS_OF_USER: &str =
    "(SELECT json_group_array(ra.scope ORDER BY ra.scope) \
     FROM role_assignments ra WHERE ra.principal_type = 'user' AND ra.principal_id = u.id \
     AND ra.scope LIKE 'environment:%')";

/// The names of a user's groups, as a JSON array by name, as a correlated subquery on `users u`.
pub(super) const GROUPS_OF_USER: &str =
    "(SELECT json_group_array(g.name ORDER BY g.name_normalized) \
     FROM user_group_members m JOIN user_groups g ON g.id = m.group_id WHERE m.user_id = u.id)";

/// The texts of a JSON array made by SQLite (`None`: none).
fn json_texts(array: Option<&str>) -> StoreResult<Vec<String>> {
    match array {
        None => Ok(Vec::new()),
        Some(a) => serde_json::from_str(a)
            .map_err(|e| StoreError::Corrupt(format!("a JSON array from SQLite: {e}"))),
    }
}

/// How a search's page is found; the tests force each way. The numbers of matches are
/// estimates ([`prefix_matches_about_more_than`]): they choose the way, never the page.
#[derive(Debug, Clone, Copy)]
struct SearchPlan {
    /// Up to this many matches, the page is chosen among them, inside the two search
    /// indexes (each match's entry read, about a quarter of a microsecond each: 10,000 cost
    /// about what the window below costs twice, so a window tried first, which fills the page
    /// only when the matches are spread out, would gain less than it risks).
    sparse_below: i64,
    /// The same with a role or product environment filter, where choosing among the matches
    /// reads each match's row and assignments (a microsecond or more each): fewer.
    sparse_below_reading_rows: i64,
    /// Beyond that, the order's index is walked this far first: matches spread out fill
    /// the page within it.
    walk_bound: i64,
    /// When that window didn't fill the page (the matches are bunched further on), up to
    /// this many matches are still chosen among; more than that, the walk goes on.
    dense_above: i64,
}

impl SearchPlan {
    /// Up to how many matches the page is chosen among them, with these filters.
    fn sparse_below_for(&self, f: &UserFilter<'_>) -> i64 {
        if f.filters_by_assignments() {
            self.sparse_below_reading_rows
        } else {
            self.sparse_below
        }
    }
}

const SEARCH_PLAN: SearchPlan = SearchPlan {
    sparse_below: 10_000,
    sparse_below_reading_rows: 2_000,
    walk_bound: 1_000,
    dense_above: 25_000,
};

/// Which rows a search's page is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Restrict {
    /// Walk the order's index, filtering, until the page is full.
    Walk,
    /// Only the next `n` rows of the order's index.
    Window(i64),
    /// The rows the email and name index ranges find.
    Matches,
}

/// Two indexes with the email's and the lowercased name's ranges, and the text each ranges
/// over.
type RangeIndexes = [(&'static str, &'static str); 2];

/// The two search indexes (migrations 0022, 0023).
const SEARCH_INDEXES: RangeIndexes = [
    ("users_search_email", "u.email_normalized"),
    ("users_search_name", "LOWER(u.name)"),
];

/// Their sample (migration 0024): the entries of the users whose id ends in `0`, one in
/// sixteen (ids are random hex). The condition is the indexes' own, so SQLite can use them.
const SAMPLE_INDEXES: RangeIndexes = [
    ("users_search_email_sample", "u.email_normalized"),
    ("users_search_name_sample", "LOWER(u.name)"),
];
const SAMPLED: &str = " AND substr(u.id, -1) = '0'";
const ONE_IN: i64 = 16;

/// What is kept of each search index's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Every entry in range, read in the index's order.
    All,
    /// The first `n` by the selected columns `k`, then `i` (descending or not), chosen within
    /// the range itself: SQLite keeps `n` entries as it reads, each later entry compared with
    /// the last kept. When the order descends, the range is read backwards: the orders' keys
    /// tend to grow with the email and the name (names with their emails, the benchmark's
    /// users created in email order), so entries then come largest first and each later one is
    /// refused at a glance, where read forwards each would enter the page and push one out
    /// (1,000 matches, a page of 50: about 1,000 insertions instead of 50).
    First { descending: bool, n: i64 },
}

/// `SELECT {columns}` of the account's users whose email or lowercased name starts with
/// `prefix`: the two indexes' ranges, each the text in `[prefix, prefix + U+10FFFF)`
/// (byte order, as SQLite compares text), each followed by what `then` adds to its `WHERE`,
/// each kept as `keep` says; a user in both ranges appears twice.
fn push_prefix_ranges(
    q: &mut QueryBuilder<Sqlite>,
    indexes: RangeIndexes,
    account_id: &str,
    prefix: &str,
    columns: &str,
    keep: Keep,
    mut then: impl FnMut(&mut QueryBuilder<Sqlite>),
) {
    let (low, high) = (prefix.to_string(), format!("{prefix}\u{10FFFF}"));
    for (i, (index, column)) in indexes.into_iter().enumerate() {
        if i > 0 {
            q.push(" UNION ALL ");
        }
        // Kept by an order: a subquery with its LIMIT; read backwards: one more inside it.
        let subqueries = match keep {
            Keep::All => 0,
            Keep::First { descending, .. } => 1 + usize::from(descending),
        };
        q.push("SELECT * FROM (".repeat(subqueries));
        q.push(format!(
            "SELECT {columns} FROM users u INDEXED BY {index} WHERE u.account_id = "
        ))
        .push_bind(account_id.to_string())
        .push(format!(" AND {column} >= "))
        .push_bind(low.clone())
        .push(format!(" AND {column} < "))
        .push_bind(high.clone());
        then(q);
        if let Keep::First { descending, n } = keep {
            let dir = if descending {
                // A subquery's ORDER BY is kept only with a LIMIT (-1: none).
                q.push(format!(" ORDER BY {column} DESC LIMIT -1)"));
                "DESC"
            } else {
                "ASC"
            };
            // Literal integers (a bound LIMIT re-plans at every execution).
            q.push(format!(" ORDER BY k {dir}, i {dir} LIMIT {n})"));
        }
    }
}

/// `SELECT 1` for each entry of the search indexes' sample in the two ranges of `prefix`.
fn push_sample_ranges(q: &mut QueryBuilder<Sqlite>, account_id: &str, prefix: &str) {
    push_prefix_ranges(q, SAMPLE_INDEXES, account_id, prefix, "1", Keep::All, |q| {
        q.push(SAMPLED);
    });
}

pub(super) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// `(email LIKE prefix% OR LOWER(name) LIKE prefix%)` on these columns.
fn push_prefix_match(q: &mut QueryBuilder<Sqlite>, email: &str, name: &str, prefix: &str) {
    let pattern = format!("{}%", escape_like(prefix));
    q.push(format!(" AND ({email} LIKE "))
        .push_bind(pattern.clone())
        .push(format!(" ESCAPE '\\' OR LOWER({name}) LIKE "))
        .push_bind(pattern)
        .push(" ESCAPE '\\')");
}

impl OneRead {
    /// A page of User Management's table and the account (its seats), each statement a
    /// snapshot of its own, without a transaction's BEGIN and ROLLBACK round trips: the
    /// estimates before the page only choose how it is found (never what it holds), and the
    /// seat figures are shown beside the page, not derived from it.
    pub async fn users_page(
        mut self,
        f: &UserFilter<'_>,
    ) -> StoreResult<(Vec<ListedUser>, Option<AccountRow>)> {
        let account_id = self.account()?;
        let conn = self.conn()?;
        let rows = list_users_on(conn, &account_id, f, SEARCH_PLAN).await?;
        let account = super::accounts::account_row_on(conn, &account_id).await?;
        Ok((rows, account))
    }
}

/// One page of the account's users by this plan, on this connection.
async fn list_users_on(
    conn: &mut SqliteConnection,
    account_id: &str,
    f: &UserFilter<'_>,
    plan: SearchPlan,
) -> StoreResult<Vec<ListedUser>> {
    let Some(prefix) = f.prefix else {
        return page(conn, account_id, f, Restrict::Walk).await;
    };
    if !prefix_matches_about_more_than(conn, account_id, prefix, plan.sparse_below_for(f)).await? {
        return page(conn, account_id, f, Restrict::Matches).await;
    }
    let rows = page(conn, account_id, f, Restrict::Window(plan.walk_bound)).await?;
    if rows.len() as i64 >= f.limit {
        return Ok(rows);
    }
    let restrict =
        if prefix_matches_about_more_than(conn, account_id, prefix, plan.dense_above).await? {
            Restrict::Walk
        } else {
            Restrict::Matches
        };
    page(conn, account_id, f, restrict).await
}

/// One page, taken from the rows `restrict` says.
async fn page(
    conn: &mut SqliteConnection,
    account_id: &str,
    f: &UserFilter<'_>,
    restrict: Restrict,
) -> StoreResult<Vec<ListedUser>> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("");
    push_page(&mut q, account_id, f, restrict);
    Ok(q.build_query_as().fetch_all(conn).await?)
}

/// Whether about more than `cap` of the account's users have an email or a (lowercased)
/// name starting with `prefix`, estimated from the search indexes' sample: whether its two
/// ranges hold an entry past the first `cap / 16` (OFFSET steps over entries without
/// reading them). It only chooses how the page is found, never what it holds.
async fn prefix_matches_about_more_than(
    conn: &mut SqliteConnection,
    account_id: &str,
    prefix: &str,
    cap: i64,
) -> StoreResult<bool> {
    if cap < 0 {
        return Ok(true);
    }
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("");
    push_sample_ranges(&mut q, account_id, prefix);
    // The offset is an integer literal (a bound OFFSET re-plans at every execution).
    q.push(format!(" LIMIT 1 OFFSET {}", cap / ONE_IN));
    let past: Option<i64> = q.build_query_scalar().fetch_optional(conn).await?;
    Ok(past.is_some())
}

impl Tx {
    /// One page of an account's users, oldest first, by keyset (no OFFSET).
    pub async fn list_users(&mut self, f: &UserFilter<'_>) -> StoreResult<Vec<ListedUser>> {
        self.list_users_planned(f, SEARCH_PLAN).await
    }

    /// [`Tx::list_users`] by this plan (the tests force each way).
    async fn list_users_planned(
        &mut self,
        f: &UserFilter<'_>,
        plan: SearchPlan,
    ) -> StoreResult<Vec<ListedUser>> {
        let account_id = self.account()?;
        list_users_on(self.conn(), &account_id, f, plan).await
    }

    /// [`prefix_matches_about_more_than`] in this transaction (the tests).
    #[cfg(test)]
    async fn prefix_matches_about_more_than(
        &mut self,
        prefix: &str,
        cap: i64,
    ) -> StoreResult<bool> {
        let account_id = self.account()?;
        prefix_matches_about_more_than(self.conn(), &account_id, prefix, cap).await
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

mod tests;
