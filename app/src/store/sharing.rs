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

/// `granted (folder_id, rank)`: the viewer's best share per folder of the environment
/// (binds: prefix length, prefix length + 1, prefix).
fn granted_cte() -> String {
    format!(
        "granted (folder_id, rank) AS ( \
           SELECT SUBSTR(ra.scope, ? + 1), MAX({}) FROM role_assignments ra \
           JOIN principals p ON ra.principal_type = p.ptype AND ra.principal_id = p.pid \
           WHERE SUBSTR(ra.scope, 1, ?) = ? GROUP BY ra.scope)",
        rank_sql()
    )
}

/// `leads (id, parent_id)`: every folder that is, or contains, one in `granted`.
const LEADS_CTE: &str = "leads (id, parent_id) AS ( \
       SELECT f.id, f.parent_id FROM folders f JOIN granted g ON f.id = g.folder_id \
       UNION SELECT f.id, f.parent_id FROM folders f JOIN leads l ON f.id = l.parent_id)";

impl Tx {
    /// One folder as the user reaches it: their level (the highest share on it or an
    /// ancestor, to them or a group of theirs) and whether a share of theirs lies below.
    pub async fn folder_access(
        &mut self,
        environment_id: &str,
        folder_id: &str,
        user_id: &str,
    ) -> StoreResult<Option<FolderAccess>> {
        let prefix = ItemKind::Folder.scope_prefix(environment_id);
        let sql = format!(
            "WITH RECURSIVE {PRINCIPALS_CTE}, {granted}, {LEADS_CTE}, {CHAIN_CTE} \
             SELECT {FOLDER_COLUMNS}, \
               (SELECT MAX(g.rank) FROM chain c JOIN granted g ON g.folder_id = c.id) AS rank, \
               EXISTS (SELECT 1 FROM leads l WHERE l.id = f.id) AS leads \
             FROM folders f WHERE f.id = ? AND f.environment_id = ?",
            granted = granted_cte()
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(user_id)
            .bind(prefix.len() as i64)
            .bind(prefix.len() as i64)
            .bind(&prefix)
            .bind(folder_id)
            .bind(environment_id)
            .bind(folder_id)
            .bind(environment_id)
            .fetch_optional(self.conn())
            .await?)
    }

    /// The subfolders of `parent_id` (the root folders for `None`), by name, each with
    /// the user's own shares there and whether a share of theirs lies below; the level
    /// inherited from `parent_id` and above is the same for all and comes second.
    pub async fn folder_listing(
        &mut self,
        environment_id: &str,
        parent_id: Option<&str>,
        user_id: &str,
    ) -> StoreResult<(Vec<ListedFolder>, Option<i64>)> {
        let prefix = ItemKind::Folder.scope_prefix(environment_id);
        let parent_test = if parent_id.is_some() {
            "f.parent_id = ?"
        } else {
            "f.parent_id IS NULL AND COALESCE(?, '') = ''"
        };
        let sql = format!(
            "WITH RECURSIVE {PRINCIPALS_CTE}, {granted}, {LEADS_CTE} \
             SELECT {FOLDER_COLUMNS}, g.rank AS direct_rank, \
               EXISTS (SELECT 1 FROM leads l WHERE l.id = f.id) AS leads, \
               (SELECT COUNT(*) FROM folders k WHERE k.environment_id = f.environment_id \
                  AND k.parent_id = f.id) AS subfolders, \
               EXISTS (SELECT 1 FROM role_assignments s WHERE s.scope = ? || f.id) AS shared \
             FROM folders f LEFT JOIN granted g ON g.folder_id = f.id \
             WHERE f.environment_id = ? AND {parent_test} ORDER BY f.name_normalized, f.id",
            granted = granted_cte()
        );
        let rows: Vec<ListedFolder> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(user_id)
            .bind(prefix.len() as i64)
            .bind(prefix.len() as i64)
            .bind(&prefix)
            .bind(&prefix)
            .bind(environment_id)
            .bind(parent_id)
            .fetch_all(self.conn())
            .await?;
        let inherited = match parent_id {
            Some(p) => self
                .folder_access(environment_id, p, user_id)
                .await?
                .and_then(|a| a.rank),
            None => None,
        };
        Ok((rows, inherited))
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
        account_id: &str,
        principal_type: &str,
        principal_id: &str,
        role_id: &str,
        scope: &str,
        granted_by: &str,
        now: i64,
    ) -> StoreResult<()> {
        self.delete_share(principal_type, principal_id, scope)
            .await?;
        sqlx::query(
            "INSERT INTO role_assignments (id, account_id, principal_type, principal_id, role_id, \
             scope, created_at, granted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(account_id)
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
    /// not disabled, with access to it; by name, at most `limit`.
    pub async fn share_candidates(
        &mut self,
        account_id: &str,
        environment_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<CandidateRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT u.id, COALESCE(u.name, u.email) AS label, {} AS role_id FROM users u \
             WHERE u.account_id = ? AND u.status <> 'inactive' AND u.enabled \
             AND EXISTS (SELECT 1 FROM role_assignments e WHERE e.principal_type = 'user' \
               AND e.principal_id = u.id AND e.scope IN ('environment:all', ?)) \
             ORDER BY COALESCE(LOWER(u.name), u.email_normalized), u.id LIMIT ?",
            super::user_list::ROLE_OF_USER
        )))
        .bind(account_id)
        .bind(format!("environment:{environment_id}"))
        .bind(limit)
        .fetch_all(self.conn())
        .await?)
    }
}
