//! Shares (level role assignments on folders and collections) and the effective-level
//! queries: one statement per check or listing, the tree walked by recursive CTEs.

use super::folders::{CHAIN_CTE, FOLDER_COLUMNS};
use super::{FolderRow, StoreResult, Tx};
use crate::domain::sharing::{ItemKind, Level};

/// A folder of a listing, with what the viewer holds there.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedFolder {
    #[sqlx(flatten)]
    pub folder: FolderRow,
    /// The viewer's highest share made on this folder itself.
    pub direct_rank: Option<i64>,
    /// Something shared with the viewer lies in this folder or below it.
    pub leads: bool,
    pub subfolders: i64,
    /// Anyone holds a share on it.
    pub shared: bool,
}

/// One folder with the viewer's level there (inherited included) and whether something
/// shared with them lies in it or below.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FolderAccess {
    #[sqlx(flatten)]
    pub folder: FolderRow,
    pub rank: Option<i64>,
    pub leads: bool,
}

/// Is the environment there (and enabled), is the folder in it, and the user's level
/// there — for the one-statement level check.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FolderCheck {
    pub environment_enabled: bool,
    pub folder_exists: bool,
    pub rank: Option<i64>,
}

/// A share reaching an item, with who holds it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShareRow {
    pub scope: String,
    pub principal_type: String,
    pub principal_id: String,
    pub role_id: String,
    /// The group's name, or the user's name or email.
    pub label: String,
    pub granted_by: Option<String>,
    pub created_at: i64,
}

/// SQL ranking a level role id (`ra.role_id`) 1–4, NULL for any other role.
fn rank_sql() -> String {
    let mut s = String::from("CASE ra.role_id");
    for kind in [ItemKind::Folder, ItemKind::Collection] {
        for l in Level::ALL {
            s.push_str(&format!(" WHEN '{}' THEN {}", l.role_id(kind), l.rank()));
        }
    }
    s.push_str(" END");
    s
}

/// `principals (ptype, pid)`: the user (`?`) and every group they belong to (`?`).
const PRINCIPALS_CTE: &str = "principals (ptype, pid) AS ( \
       SELECT 'user', ? UNION ALL \
       SELECT 'group', m.group_id FROM user_group_members m WHERE m.user_id = ?)";

/// True when the share `ra` is held by the user (`?`) or a group of theirs (`?`).
const HELD_BY_USER: &str = "(ra.principal_type = 'user' AND ra.principal_id = ? \
       OR ra.principal_type = 'group' AND EXISTS (SELECT 1 FROM user_group_members m \
         WHERE m.group_id = ra.principal_id AND m.user_id = ?))";

/// `mine (path, rank)`: the path of every folder of the environment shared with the user
/// or a group of theirs, with the level — found from the user's side (their shares, their
/// groups' shares), never by scanning the tree. Binds: prefix length + 1, environment,
/// prefix length, prefix, user; the same five again for the groups' shares.
fn mine_cte() -> String {
    let rank = rank_sql();
    let from = "JOIN folders sf ON sf.id = SUBSTR(ra.scope, ? + 1) AND sf.environment_id = ? \
                WHERE SUBSTR(ra.scope, 1, ?) = ?";
    format!(
        "mine (path, rank) AS MATERIALIZED ( \
           SELECT sf.path, {rank} FROM role_assignments ra {from} \
             AND ra.principal_type = 'user' AND ra.principal_id = ? \
           UNION ALL \
           SELECT sf.path, {rank} FROM user_group_members m JOIN role_assignments ra \
             ON ra.principal_type = 'group' AND ra.principal_id = m.group_id {from} \
             AND m.user_id = ?)"
    )
}

/// Binds `mine_cte`'s parameters.
fn bind_mine<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments>,
    environment_id: &str,
    prefix: &str,
    user_id: &str,
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments> {
    for _ in 0..2 {
        q = q
            .bind(prefix.len() as i64)
            .bind(environment_id.to_string())
            .bind(prefix.len() as i64)
            .bind(prefix.to_string())
            .bind(user_id.to_string());
    }
    q
}

/// SQL: the user's highest share on folder `f` or one of its ancestors (NULL for none).
/// The walk up is at most as long as the tree is deep, each step an index lookup.
/// Binds: folder id, environment, prefix, user, user.
fn level_sql() -> String {
    format!(
        "(WITH RECURSIVE {CHAIN_CTE} SELECT MAX(CASE WHEN {HELD_BY_USER} THEN {} END) \
           FROM chain c JOIN role_assignments ra ON ra.scope = ? || c.id)",
        rank_sql()
    )
}

/// SQL: something shared with the user lies in folder `f` or below it (`mine` in scope).
const LEADS_SQL: &str =
    "EXISTS (SELECT 1 FROM mine WHERE SUBSTR(mine.path, 1, LENGTH(f.path)) = f.path)";

impl super::OneRead {
    /// The environment of the account, whether the folder is in it, and the user's
    /// level on it — in one statement (`None` when the account has no such environment).
    pub async fn folder_check(
        mut self,
        environment_id: &str,
        folder_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<FolderCheck>> {
        let account_id = self.account()?;
        let environment_id = self.reach(environment_id)?;
        let prefix = ItemKind::Folder.scope_prefix(environment_id);
        let sql = format!(
            "SELECT e.enabled AS environment_enabled, \
               EXISTS (SELECT 1 FROM folders f WHERE f.id = ? AND f.environment_id = e.id) AS folder_exists, \
               {} AS rank \
             FROM environments e WHERE e.account_id = ? AND e.id = ?",
            level_sql()
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(folder_id)
            .bind(folder_id)
            .bind(environment_id)
            .bind(user_id)
            .bind(user_id)
            .bind(&prefix)
            .bind(&account_id)
            .bind(environment_id)
            .fetch_optional(self.conn()?)
            .await?)
    }
}

impl Tx {
    /// One folder as the user reaches it: their level (inherited included) and whether a
    /// share of theirs lies below.
    pub async fn folder_access(
        &mut self,
        environment_id: &str,
        folder_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<FolderAccess>> {
        let environment_id = self.reach(environment_id)?;
        let prefix = ItemKind::Folder.scope_prefix(environment_id);
        let sql = format!(
            "WITH {mine} SELECT {FOLDER_COLUMNS}, {level} AS rank, {LEADS_SQL} AS leads \
             FROM folders f WHERE f.id = ? AND f.environment_id = ?",
            mine = mine_cte(),
            level = level_sql(),
        );
        let q = bind_mine(
            sqlx::query_as(sqlx::AssertSqlSafe(sql)),
            environment_id,
            &prefix,
            user_id,
        );
        Ok(q.bind(folder_id)
            .bind(environment_id)
            .bind(user_id)
            .bind(user_id)
            .bind(&prefix)
            .bind(folder_id)
            .bind(environment_id)
            .fetch_optional(self.conn())
            .await?)
    }

    /// The subfolders of `parent_id` (the root folders for `None`), by name, each with
    /// the user's own shares there and whether a share of theirs lies below. The level
    /// inherited from `parent_id` and above is the same for all: the caller has it.
    pub async fn folder_listing(
        &mut self,
        environment_id: &str,
        parent_id: Option<&str>,
        user_id: &str,
    ) -> StoreResult<Vec<ListedFolder>> {
        let environment_id = self.reach(environment_id)?;
        let prefix = ItemKind::Folder.scope_prefix(environment_id);
        let parent_test = if parent_id.is_some() {
            "f.parent_id = ?"
        } else {
            "f.parent_id IS NULL AND COALESCE(?, '') = ''"
        };
        let sql = format!(
            "WITH {mine} SELECT {FOLDER_COLUMNS}, \
               (SELECT MAX(CASE WHEN {HELD_BY_USER} THEN {rank} END) FROM role_assignments ra \
                  WHERE ra.scope = ? || f.id) AS direct_rank, \
               {LEADS_SQL} AS leads, \
               (SELECT COUNT(*) FROM folders k WHERE k.environment_id = f.environment_id \
                  AND k.parent_id = f.id) AS subfolders, \
               EXISTS (SELECT 1 FROM role_assignments s WHERE s.scope = ? || f.id) AS shared \
             FROM folders f WHERE f.environment_id = ? AND {parent_test} \
             ORDER BY f.name_normalized, f.id",
            mine = mine_cte(),
            rank = rank_sql(),
        );
        let q = bind_mine(
            sqlx::query_as(sqlx::AssertSqlSafe(sql)),
            environment_id,
            &prefix,
            user_id,
        );
        Ok(q.bind(user_id)
            .bind(user_id)
            .bind(&prefix)
            .bind(&prefix)
            .bind(environment_id)
            .bind(parent_id)
            .fetch_all(self.conn())
            .await?)
    }

    /// Every share reaching these items (a folder and its ancestors, or one collection),
    /// of everyone or — with `user_id` — of that user and their groups.
    pub async fn shares_on(
        &mut self,
        scopes: &[String],
        user_id: Option<&str>,
    ) -> StoreResult<Vec<ShareRow>> {
        if scopes.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; scopes.len()].join(", ");
        let (with, only) = match user_id {
            Some(_) => (
                format!("WITH {PRINCIPALS_CTE} "),
                "AND EXISTS (SELECT 1 FROM principals p WHERE p.ptype = ra.principal_type \
                 AND p.pid = ra.principal_id)",
            ),
            None => (String::new(), ""),
        };
        let sql = format!(
            "{with}SELECT ra.scope, ra.principal_type, ra.principal_id, ra.role_id, \
               COALESCE(g.name, u.name, u.email, ra.principal_id) AS label, ra.granted_by, ra.created_at \
             FROM role_assignments ra \
             LEFT JOIN user_groups g ON ra.principal_type = 'group' AND g.id = ra.principal_id \
             LEFT JOIN users u ON ra.principal_type = 'user' AND u.id = ra.principal_id \
             WHERE ra.scope IN ({marks}) {only} ORDER BY ra.created_at, ra.id"
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        if let Some(u) = user_id {
            q = q.bind(u.to_string()).bind(u.to_string());
        }
        for s in scopes {
            q = q.bind(s.clone());
        }
        Ok(q.fetch_all(self.conn()).await?)
    }

    /// The user's level on each collection of the environment that is shared with them.
    pub async fn collection_ranks(
        &mut self,
        environment_id: &str,
        user_id: &str,
    ) -> StoreResult<Vec<(String, i64)>> {
        let environment_id = self.reach(environment_id)?;
        let prefix = ItemKind::Collection.scope_prefix(environment_id);
        let sql = format!(
            "WITH {PRINCIPALS_CTE} SELECT SUBSTR(ra.scope, ? + 1) AS id, MAX({}) AS rank \
             FROM role_assignments ra \
             JOIN principals p ON ra.principal_type = p.ptype AND ra.principal_id = p.pid \
             WHERE SUBSTR(ra.scope, 1, ?) = ? GROUP BY ra.scope",
            rank_sql()
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(user_id)
            .bind(prefix.len() as i64)
            .bind(prefix.len() as i64)
            .bind(&prefix)
            .fetch_all(self.conn())
            .await?)
    }

    /// The environment's collections, by name, each with whether anyone holds a share.
    pub async fn collections(
        &mut self,
        environment_id: &str,
    ) -> StoreResult<Vec<(super::CollectionRow, bool)>> {
        let environment_id = self.reach(environment_id)?;
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            c: super::CollectionRow,
            shared: bool,
        }
        let prefix = ItemKind::Collection.scope_prefix(environment_id);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.id, c.environment_id, c.name, c.description, c.owner_id, c.created_at, \
             c.updated_at, EXISTS (SELECT 1 FROM role_assignments s WHERE s.scope = ? || c.id) AS shared \
             FROM collections c WHERE c.environment_id = ? ORDER BY c.name_normalized, c.id",
        )
        .bind(&prefix)
        .bind(environment_id)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(|r| (r.c, r.shared)).collect())
    }

    /// Sets a principal's level on one item (replacing the level it held there).
    #[allow(clippy::too_many_arguments)]
    pub async fn put_share(
        &mut self,
        id: &str,
        principal_type: &str,
        principal_id: &str,
        role_id: &str,
        scope: &str,
        granted_by: &str,
        now: i64,
    ) -> StoreResult<()> {
        let account_id = self.account()?;
        self.delete_share(principal_type, principal_id, scope)
            .await?;
        sqlx::query(
            "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, \
             scope, created_at, granted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&account_id)
        .bind(principal_type)
        .bind(principal_id)
        .bind(role_id)
        .bind(scope)
        .bind(now)
        .bind(granted_by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes a principal's share on one item; true when there was one.
    pub async fn delete_share(
        &mut self,
        principal_type: &str,
        principal_id: &str,
        scope: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM role_assignments WHERE principal_type = ? AND principal_id = ? AND scope = ?",
        )
        .bind(principal_type)
        .bind(principal_id)
        .bind(scope)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// A user the share dialog may offer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateRow {
    pub id: String,
    pub label: String,
    pub role_id: Option<String>,
}

impl Tx {
    /// Users of the account who can be shared with in the environment: not inactive,
    /// not disabled, with access to it; whose name or email contains `search` (all for
    /// ""); by name, at most `limit`.
    pub async fn share_candidates(
        &mut self,
        environment_id: &str,
        search: &str,
        limit: i64,
    ) -> StoreResult<Vec<CandidateRow>> {
        let account_id = self.account()?;
        let environment_id = self.reach(environment_id)?;
        let pattern = format!(
            "%{}%",
            super::user_list::escape_like(&search.trim().to_lowercase())
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT u.id, COALESCE(u.name, u.email) AS label, {} AS role_id FROM users u \
             WHERE u.account_id = ? AND u.status <> 'inactive' AND u.enabled \
             AND EXISTS (SELECT 1 FROM role_assignments e WHERE e.principal_type = 'user' \
               AND e.principal_id = u.id AND e.scope IN ('environment:all', ?)) \
             AND (u.email_normalized LIKE ? ESCAPE '\\' OR LOWER(u.name) LIKE ? ESCAPE '\\') \
             ORDER BY COALESCE(LOWER(u.name), u.email_normalized), u.id LIMIT ?",
            super::user_list::ROLE_OF_USER
        )))
        .bind(&account_id)
        .bind(format!("environment:{environment_id}"))
        .bind(&pattern)
        .bind(&pattern)
        .bind(limit)
        .fetch_all(self.conn())
        .await?)
    }
}
