//! Every way a search can find its page gives the same pages (`SearchPlan`).
#![cfg(test)]

use super::*;
use crate::store::{Database, Permit};

/// A user's id: hex digits that look random, as the service's ids are (one in sixteen ends in
/// `0`: the search indexes' sample).
fn user_id(n: i64) -> String {
    format!("{:016x}", (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// 2,500 users: emails `u<n>@example.com`, every third with a name (some starting like
/// another user's email), created out of order, some signed in, every fourth pending,
/// every seventh an Admin.
async fn seeded() -> Database {
    let db = Database::open_in_memory().await.unwrap();
    let permit = Permit::for_store_tests("acct");
    let mut tx = db.write(&permit).await.unwrap();
    sqlx::query("INSERT INTO accounts (id, name, plan, created_at, updated_at) VALUES ('acct', 'A', 'enterprise', 0, 0)")
        .execute(tx.conn())
        .await
        .unwrap();
    sqlx::query(
        "INSERT OR IGNORE INTO roles (id, name, kind, scope_type, permissions) \
         VALUES ('admin@account', 'Admin', 'system', 'account', '[]')",
    )
    .execute(tx.conn())
    .await
    .unwrap();
    for n in 0..2_500i64 {
        let name = match n % 3 {
            0 => Some(format!("U{} Person", (n * 7) % 2_500)),
            1 => Some(format!("Zoe {n}")),
            _ => None,
        };
        sqlx::query(
            "INSERT INTO users (id, account_id, email, email_normalized, name, status, created_at, updated_at, last_login_at) \
             VALUES (?1, 'acct', ?2, ?2, ?3, ?6, ?4, ?4, ?5)",
        )
        .bind(user_id(n))
        .bind(format!("u{n}@example.com"))
        .bind(name)
        .bind((n * 7919) % 2_500)
        .bind((n % 5 == 0).then_some(n))
        .bind(if n % 4 == 0 { "pending" } else { "active" })
        .execute(tx.conn())
        .await
        .unwrap();
        if n % 7 == 0 {
            sqlx::query(
                "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, scope, created_at) \
                 VALUES (?1, 'acct', 'user', ?1, 'admin@account', 'account', 0)",
            )
            .bind(user_id(n))
            .execute(tx.conn())
            .await
            .unwrap();
        }
    }
    tx.commit_bookkeeping(&permit).await.unwrap();
    db
}

/// The table's other filters: status, role.
type Only = (Option<&'static str>, Option<&'static str>);

async fn all_pages(
    db: &Database,
    prefix: &str,
    sort: UserSort,
    plan: SearchPlan,
    only: Only,
) -> Vec<String> {
    pages_of(db, Some(prefix), sort, plan, only).await
}

/// Every page, each from the last one's cursor: the users' ids in the order.
async fn pages_of(
    db: &Database,
    prefix: Option<&str>,
    sort: UserSort,
    plan: SearchPlan,
    (status, role_id): Only,
) -> Vec<String> {
    let permit = Permit::for_store_tests("acct");
    let mut ids = Vec::new();
    let mut after: Option<(SortKey, String)> = None;
    loop {
        let mut tx = db.read(&permit).await.unwrap();
        let f = UserFilter {
            prefix,
            status,
            role_id,
            sort,
            after: after.as_ref().map(|(k, id)| (k.clone(), id.as_str())),
            limit: 50,
            ..Default::default()
        };
        let page = tx.list_users_planned(&f, plan).await.unwrap();
        tx.finish().await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.sort_key().unwrap(), last.user.id.clone()));
        ids.extend(page.into_iter().map(|u| u.user.id));
        assert!(ids.len() <= 2_500, "a cursor gave a user twice ({sort:?})");
    }
    ids
}

const fn plan(sparse_below: i64, walk_bound: i64, dense_above: i64) -> SearchPlan {
    SearchPlan {
        sparse_below,
        sparse_below_reading_rows: sparse_below,
        walk_bound,
        dense_above,
    }
}

#[tokio::test]
async fn a_search_finds_the_same_users_in_the_same_order_by_every_plan() {
    let db = seeded().await;
    let plans = [
        ("among the matches", plan(i64::MAX, 0, 0)),
        (
            "a small window, then among the matches",
            plan(-1, 7, i64::MAX),
        ),
        ("a small window, then the walk", plan(-1, 7, -1)),
        ("a window that fills the page", plan(-1, 2_500, -1)),
        ("as chosen", SEARCH_PLAN),
    ];
    let filters: [Only; 3] = [
        (None, None),
        (Some("pending"), None),
        (None, Some("admin@account")),
    ];
    for prefix in ["u1", "u12", "u123@", "zoe 1", "u2499", "nobody", "u"] {
        for sort in [
            UserSort::Created,
            UserSort::CreatedDesc,
            UserSort::Name,
            UserSort::Email,
            UserSort::LastLogin,
        ] {
            for only in filters {
                let walked = all_pages(&db, prefix, sort, plan(-1, 0, -1), only).await;
                for (label, plan) in plans {
                    let found = all_pages(&db, prefix, sort, plan, only).await;
                    assert_eq!(found, walked, "{prefix} by {sort:?}, {only:?}, {label}");
                }
            }
        }
    }
    // "u1" matches emails u1, u10…u19, u100…, u1000… and names "U1…": 1,000+ users,
    // a quarter of them pending, a seventh Admins.
    let walk = plan(-1, 0, -1);
    let all = (None, None);
    assert!(all_pages(&db, "u1", UserSort::Email, walk, all).await.len() > 1_000);
    let pending = all_pages(&db, "u1", UserSort::Email, walk, filters[1]).await;
    assert!((200..400).contains(&pending.len()), "{}", pending.len());
    let admins = all_pages(&db, "u1", UserSort::Email, walk, filters[2]).await;
    assert!((100..250).contains(&admins.len()), "{}", admins.len());
    assert!(all_pages(&db, "nobody", UserSort::Email, walk, all)
        .await
        .is_empty());
}

#[tokio::test]
async fn paging_by_cursor_gives_every_user_once_in_every_order() {
    // Four users in five never signed in: ordered by last sign-in, most share the key 0,
    // and their ids alone order them across pages.
    let db = seeded().await;
    let permit = Permit::for_store_tests("acct");
    for sort in UserSort::ALL {
        let dir = if sort.ascending() { "ASC" } else { "DESC" };
        let key = key_sql(sort);
        let mut tx = db.read(&permit).await.unwrap();
        let expected: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT u.id FROM users u ORDER BY {key} {dir}, u.id {dir}"
        )))
        .fetch_all(tx.conn())
        .await
        .unwrap();
        tx.finish().await.unwrap();
        assert_eq!(expected.len(), 2_500);
        let walked = pages_of(&db, None, sort, SEARCH_PLAN, (None, None)).await;
        assert_eq!(walked, expected, "by {sort:?}");
    }
}

#[tokio::test]
async fn how_many_match_is_estimated_from_the_sample() {
    let db = seeded().await;
    let permit = Permit::for_store_tests("acct");
    // Prefixes matching 1,100 to 2,500 entries; a user whose email and name both match
    // counts twice.
    for prefix in ["u", "u1", "u2", "zoe "] {
        let mut tx = db.read(&permit).await.unwrap();
        let pattern = format!("{prefix}%");
        let (entries,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users WHERE email_normalized LIKE ?1) \
             + (SELECT COUNT(*) FROM users WHERE LOWER(name) LIKE ?1)",
        )
        .bind(&pattern)
        .fetch_one(tx.conn())
        .await
        .unwrap();
        assert!(entries >= 800, "{prefix}: {entries}");
        // Within a quarter of the count either way.
        for (cap, more) in [(entries * 3 / 4, true), (entries * 5 / 4, false)] {
            let told = tx
                .prefix_matches_about_more_than(prefix, cap)
                .await
                .unwrap();
            assert_eq!(
                told, more,
                "{prefix}: {entries} entries, about more than {cap}?"
            );
        }
        assert!(tx.prefix_matches_about_more_than(prefix, -1).await.unwrap());
        tx.finish().await.unwrap();
    }
    let mut tx = db.read(&permit).await.unwrap();
    assert!(!tx
        .prefix_matches_about_more_than("nobody", 0)
        .await
        .unwrap());
    tx.finish().await.unwrap();
}

#[tokio::test]
async fn the_estimate_reads_the_sample_not_the_search_indexes() {
    let db = seeded().await;
    let permit = Permit::for_store_tests("acct");
    let mut tx = db.read(&permit).await.unwrap();
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("EXPLAIN QUERY PLAN ");
    push_sample_ranges(&mut q, "acct", "u1");
    let plan: Vec<(i64, i64, i64, String)> = q.build_query_as().fetch_all(tx.conn()).await.unwrap();
    tx.finish().await.unwrap();
    let details: Vec<&str> = plan.iter().map(|p| p.3.as_str()).collect();
    for (index, _) in SAMPLE_INDEXES {
        assert!(
            details
                .iter()
                .any(|d| d.contains(&format!("INDEX {index} "))),
            "{details:?}"
        );
    }
}

/// A search's page is read by rowid, only the rows the search chose: the outer query never
/// walks an order's index from the account's first user (past every user who doesn't match)
/// to reach them.
#[tokio::test]
async fn a_search_reads_only_the_rows_it_chose() {
    let db = seeded().await;
    let permit = Permit::for_store_tests("acct");
    let mut tx = db.read(&permit).await.unwrap();
    let cursors = [None, Some((SortKey::Text("u2".into()), user_id(7)))];
    for sort in UserSort::ALL {
        for restrict in [Restrict::Matches, Restrict::Window(1_000)] {
            for role_id in [None, Some("admin@account")] {
                for after in &cursors {
                    let f = UserFilter {
                        prefix: Some("u1"),
                        role_id,
                        sort,
                        after: after.as_ref().map(|(k, id)| (k.clone(), id.as_str())),
                        limit: 51,
                        ..Default::default()
                    };
                    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("EXPLAIN QUERY PLAN ");
                    push_page(&mut q, "acct", &f, restrict);
                    let plan: Vec<(i64, i64, i64, String)> =
                        q.build_query_as().fetch_all(tx.conn()).await.unwrap();
                    let outer = plan.iter().find(|p| p.1 == 0).map(|p| p.3.as_str());
                    assert_eq!(
                        outer,
                        Some("SEARCH u USING INTEGER PRIMARY KEY (rowid=?)"),
                        "{sort:?}, {restrict:?}, role {role_id:?}, after {after:?}: {plan:?}"
                    );
                }
            }
        }
    }
    tx.finish().await.unwrap();
}
