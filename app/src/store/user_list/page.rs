//! The SQL of one page of User Management's table, by the way [`Restrict`] chose.

use super::filters::{push_cursor, push_filters_and_cursor, push_walk_filters, push_walk_past};
use super::{
    key_is_column, key_sql, push_prefix_match, push_prefix_ranges, Keep, Restrict, UserFilter,
    ENVIRONMENTS_OF_USER, GROUPS_OF_USER, ROLE_OF_USER, SEARCH_INDEXES, TWO_FACTOR_OF_USER,
};
use sqlx::{QueryBuilder, Sqlite};

/// `SELECT` one page of the account's users, taken from the rows `restrict` says.
pub(super) fn push_page(
    q: &mut QueryBuilder<Sqlite>,
    account_id: &str,
    f: &UserFilter<'_>,
    restrict: Restrict,
) {
    let key = key_sql(f.sort);
    let (int_col, text_col) = if f.sort.numeric_key() {
        (key, "NULL")
    } else {
        ("NULL", key)
    };
    let dir = if f.sort.ascending() { "ASC" } else { "DESC" };
    // A search's rows are those its subquery chose (up to a page from each range), read by
    // rowid and sorted: without `NOT INDEXED` (which still allows the rowid), SQLite walks
    // the order's index from the account's first user, past every user who doesn't match,
    // until it has met them all (a search matching users late in the order: most of the
    // account). Otherwise the role comes from a correlated subquery (not a join), so the
    // planner walks the order's index and stops after LIMIT rows.
    let users = match (restrict, f.prefix) {
        (Restrict::Window(_) | Restrict::Matches, Some(_)) => "users u NOT INDEXED",
        _ => "users u",
    };
    q.push(format!(
        "SELECT u.*, {ROLE_OF_USER} AS role_id, {TWO_FACTOR_OF_USER} AS two_factor, \
         {int_col} AS sort_int, {text_col} AS sort_text, \
         {ENVIRONMENTS_OF_USER} AS environments, {GROUPS_OF_USER} AS groups \
         FROM {users} WHERE u.account_id = "
    ));
    q.push_bind(account_id.to_string());
    match (restrict, f.prefix) {
        (Restrict::Window(rows), Some(prefix)) => push_window(q, account_id, f, rows, prefix),
        (Restrict::Matches, Some(prefix)) if !f.filters_by_assignments() => {
            push_matches(q, account_id, f, prefix);
        }
        (Restrict::Matches, Some(prefix)) => {
            push_matches_reading_rows(q, account_id, f, prefix);
        }
        _ => match &f.after {
            Some((at, id)) if !key_is_column(f.sort) => {
                push_walk_past(q, f, account_id, key, (at, id));
            }
            _ => {
                push_walk_filters(q, f);
                push_cursor(q, f, key);
            }
        },
    }
    // The limit as a literal (an integer, never text): a bound LIMIT makes SQLite
    // re-plan the statement at every execution (as in provisioning.rs).
    q.push(format!(
        " ORDER BY {key} {dir}, u.id {dir} LIMIT {}",
        f.limit
    ));
}

/// The window's rows in order (the order's index alone), the matches among them; only those
/// rows are read whole.
fn push_window(
    q: &mut QueryBuilder<Sqlite>,
    account_id: &str,
    f: &UserFilter<'_>,
    rows: i64,
    prefix: &str,
) {
    let key = key_sql(f.sort);
    let dir = if f.sort.ascending() { "ASC" } else { "DESC" };
    q.push(" AND u.rowid IN (SELECT r FROM (SELECT u.rowid AS r, ")
        .push(format!(
            "{key} AS k, u.id AS i, u.email_normalized AS e, u.name AS n \
             FROM users u WHERE u.account_id = "
        ))
        .push_bind(account_id.to_string());
    push_filters_and_cursor(q, f, key);
    // Literal integers (a bound LIMIT re-plans at every execution).
    q.push(format!(
        " ORDER BY {key} {dir}, u.id {dir} LIMIT {rows}) WHERE TRUE"
    ));
    push_prefix_match(q, "e", "n", prefix);
    q.push(format!(" ORDER BY k {dir}, i {dir} LIMIT {})", f.limit));
}

/// The page chosen inside the search indexes: each range's first page, the page among those
/// (`IN` keeps a user in both ranges once). Only its rows are read.
fn push_matches(q: &mut QueryBuilder<Sqlite>, account_id: &str, f: &UserFilter<'_>, prefix: &str) {
    let key = key_sql(f.sort);
    q.push(" AND u.rowid IN (SELECT r FROM (");
    // Each entry holds the status and the keys of every order (migration 0023): no row is
    // read.
    let keep = Keep::First {
        descending: !f.sort.ascending(),
        n: f.limit,
    };
    push_prefix_ranges(
        q,
        SEARCH_INDEXES,
        account_id,
        prefix,
        &format!("u.rowid AS r, {key} AS k, u.id AS i"),
        keep,
        |q| push_filters_and_cursor(q, f, key),
    );
    q.push("))");
}

/// With a role or environment filter: each match's assignments are read. The matching rows,
/// from the email and name index ranges (the account and the order made unusable as indexes
/// with `+`, so the planner starts from them rather than walking the order); their keys
/// alone sorted for the page.
fn push_matches_reading_rows(
    q: &mut QueryBuilder<Sqlite>,
    account_id: &str,
    f: &UserFilter<'_>,
    prefix: &str,
) {
    let key = key_sql(f.sort);
    let dir = if f.sort.ascending() { "ASC" } else { "DESC" };
    q.push(" AND u.rowid IN (SELECT u.rowid FROM users u WHERE +u.account_id = ")
        .push_bind(account_id.to_string())
        .push(" AND u.rowid IN (");
    push_prefix_ranges(
        q,
        SEARCH_INDEXES,
        account_id,
        prefix,
        "u.rowid",
        Keep::All,
        |_| {},
    );
    q.push(")");
    push_prefix_match(q, "u.email_normalized", "u.name", prefix);
    push_filters_and_cursor(q, f, key);
    q.push(format!(
        " ORDER BY +{key} {dir}, u.id {dir} LIMIT {})",
        f.limit
    ));
}
