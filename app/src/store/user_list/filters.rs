//! The table's filters and the keyset cursor, as SQL on `users u`.

use super::{key_is_column, push_prefix_match, SortKey, UserFilter};
use sqlx::{QueryBuilder, Sqlite};

/// The filters other than the search, and the keyset cursor, on `users u`.
pub(super) fn push_filters_and_cursor(q: &mut QueryBuilder<Sqlite>, f: &UserFilter<'_>, key: &str) {
    push_filters(q, f);
    push_cursor(q, f, key);
}

/// The filters other than the search and the cursor.
pub(super) fn push_filters(q: &mut QueryBuilder<Sqlite>, f: &UserFilter<'_>) {
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
}

/// A cursor's key, bound.
fn push_key(q: &mut QueryBuilder<Sqlite>, at: &SortKey) {
    match at {
        SortKey::Int(i) => q.push_bind(*i),
        SortKey::Text(t) => q.push_bind(t.clone()),
    };
}

/// The keyset cursor: rows after `f.after` in the order. SQLite doesn't start an expression
/// index's range from a row value (it walked the account's whole order up to the cursor: a
/// deep page by name took 8–23 ms), so an expression's key alone bounds the range and the
/// id breaks ties within it ([`push_walk_past`] when the rows aren't otherwise bounded).
pub(super) fn push_cursor(q: &mut QueryBuilder<Sqlite>, f: &UserFilter<'_>, key: &str) {
    let Some((at, id)) = &f.after else { return };
    let cmp = if f.sort.ascending() { ">" } else { "<" };
    if key_is_column(f.sort) {
        // A row value against an index of columns: the range starts at the cursor.
        q.push(format!(" AND ({key}, u.id) {cmp} ("));
        push_key(q, at);
        q.push(", ").push_bind(id.to_string()).push(")");
    } else {
        q.push(format!(" AND {key} {cmp}= "));
        push_key(q, at);
        q.push(format!(" AND ({key} {cmp} "));
        push_key(q, at);
        q.push(format!(" OR u.id {cmp} "))
            .push_bind(id.to_string())
            .push(")");
    }
}

/// The walk past a cursor whose key is an expression: two ranges of the order's index, each
/// its first page — the cursor's own key after its id, then the keys past it. (One range
/// from the key would read every row sharing it first: most users share the last sign-in
/// of those who never signed in.)
pub(super) fn push_walk_past(
    q: &mut QueryBuilder<Sqlite>,
    f: &UserFilter<'_>,
    account_id: &str,
    key: &str,
    (at, id): (&SortKey, &str),
) {
    let (cmp, dir) = if f.sort.ascending() {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    q.push(
        " AND u.rowid IN (SELECT r FROM (SELECT u.rowid AS r FROM users u WHERE u.account_id = ",
    )
    .push_bind(account_id.to_string())
    .push(format!(" AND {key} = "));
    push_key(q, at);
    q.push(format!(" AND u.id {cmp} "))
        .push_bind(id.to_string());
    push_walk_filters(q, f);
    q.push(format!(
        " ORDER BY u.id {dir} LIMIT {}) UNION ALL SELECT r FROM (",
        f.limit
    ))
    .push("SELECT u.rowid AS r FROM users u WHERE u.account_id = ")
    .push_bind(account_id.to_string())
    .push(format!(" AND {key} {cmp} "));
    push_key(q, at);
    push_walk_filters(q, f);
    q.push(format!(
        " ORDER BY {key} {dir}, u.id {dir} LIMIT {}))",
        f.limit
    ));
}

/// The search (when walking with one) and the other filters.
pub(super) fn push_walk_filters(q: &mut QueryBuilder<Sqlite>, f: &UserFilter<'_>) {
    if let Some(prefix) = f.prefix {
        push_prefix_match(q, "u.email_normalized", "u.name", prefix);
    }
    push_filters(q, f);
}
