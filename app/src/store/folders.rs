//! Each environment's folder tree and collections (structure only;
//! docs/rules/sharing.md#folders-collections-and-sharing).

use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FolderRow {
    pub id: String,
    pub environment_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub owner_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CollectionRow {
    pub id: String,
    pub environment_id: String,
    pub name: String,
    pub description: String,
    pub owner_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(super) const FOLDER_COLUMNS: &str =
    "f.id, f.environment_id, f.parent_id, f.name, f.owner_id, f.created_at, f.updated_at";

/// The recursive walk from one folder (`?` = its id, then its environment) up to the
/// root, as `chain (id, parent_id, depth)`; depth 0 is the folder itself.
pub(super) const CHAIN_CTE: &str = "chain (id, parent_id, depth) AS ( \
       SELECT id, parent_id, 0 FROM folders WHERE id = ? AND environment_id = ? \
       UNION ALL SELECT f.id, f.parent_id, c.depth + 1 FROM folders f JOIN chain c ON f.id = c.parent_id)";

/// The first path after every path starting with `path` (which ends with `/`): paths
/// below a folder are the range `[path, subtree_end(path))`, read from an index.
pub(super) fn subtree_end(path: &str) -> String {
    format!("{}0", path.strip_suffix('/').unwrap_or(path))
}

impl Tx {
    /// Adds a folder; its path is its parent's (or `/`) followed by its id.
    pub async fn insert_folder(&mut self, f: &FolderRow, normalized: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO folders (id, environment_id, parent_id, path, name, name_normalized, owner_id, \
             created_at, updated_at) VALUES (?, ?, ?, \
             COALESCE((SELECT p.path FROM folders p WHERE p.id = ?), '/') || ? || '/', ?, ?, ?, ?, ?)",
        )
        .bind(&f.id)
        .bind(&f.environment_id)
        .bind(&f.parent_id)
        .bind(&f.parent_id)
        .bind(&f.id)
        .bind(&f.name)
        .bind(normalized)
        .bind(&f.owner_id)
        .bind(f.created_at)
        .bind(f.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// A folder and its ancestors, the folder first and the root folder last. The walk
    /// carries the columns (no join back to `folders`, which a planner may turn into a
    /// scan of the whole tree).
    pub async fn folder_chain(
        &mut self,
        environment_id: &str,
        id: &str,
    ) -> StoreResult<Vec<FolderRow>> {
        let environment_id = self.reach(environment_id)?;
        Ok(sqlx::query_as(
            "WITH RECURSIVE up (id, environment_id, parent_id, name, owner_id, created_at, \
               updated_at, depth) AS ( \
               SELECT id, environment_id, parent_id, name, owner_id, created_at, updated_at, 0 \
               FROM folders WHERE id = ? AND environment_id = ? \
               UNION ALL SELECT f.id, f.environment_id, f.parent_id, f.name, f.owner_id, \
               f.created_at, f.updated_at, u.depth + 1 FROM up u JOIN folders f ON f.id = u.parent_id) \
             SELECT id, environment_id, parent_id, name, owner_id, created_at, updated_at \
             FROM up ORDER BY depth",
        )
        .bind(id)
        .bind(environment_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// Is a sibling (same parent) already called this (normalized)?
    pub async fn folder_name_taken(
        &mut self,
        environment_id: &str,
        parent_id: Option<&str>,
        normalized: &str,
        except_id: &str,
    ) -> StoreResult<bool> {
        let environment_id = self.reach(environment_id)?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM folders WHERE environment_id = ? \
             AND COALESCE(parent_id, '') = ? AND name_normalized = ? AND id <> ?",
        )
        .bind(environment_id)
        .bind(parent_id.unwrap_or(""))
        .bind(normalized)
        .bind(except_id)
        .fetch_one(self.conn())
        .await?;
        Ok(n > 0)
    }

    pub async fn subfolder_count(&mut self, environment_id: &str, id: &str) -> StoreResult<i64> {
        let environment_id = self.reach(environment_id)?;
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM folders WHERE environment_id = ? AND parent_id = ?",
        )
        .bind(environment_id)
        .bind(id)
        .fetch_one(self.conn())
        .await?)
    }

    pub async fn rename_folder(
        &mut self,
        id: &str,
        name: &str,
        normalized: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE folders SET name = ?, name_normalized = ?, updated_at = ? WHERE id = ?",
        )
        .bind(name)
        .bind(normalized)
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    async fn folder_path(&mut self, environment_id: &str, id: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT path FROM folders WHERE id = ? AND environment_id = ?")
                .bind(id)
                .bind(environment_id)
                .fetch_optional(self.conn())
                .await?,
        )
    }

    /// Moves a folder under `parent_id` (to the root for `None`); the paths of the folder
    /// and everything below it follow in one statement.
    pub async fn move_folder(
        &mut self,
        environment_id: &str,
        id: &str,
        parent_id: Option<&str>,
        now: i64,
    ) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        let Some(old) = self.folder_path(environment_id, id).await? else {
            return Ok(());
        };
        let parent_path = match parent_id {
            Some(p) => self.folder_path(environment_id, p).await?,
            None => None,
        };
        let new = format!("{}{id}/", parent_path.as_deref().unwrap_or("/"));
        sqlx::query("UPDATE folders SET parent_id = ?, updated_at = ? WHERE id = ?")
            .bind(parent_id)
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "UPDATE folders SET path = ? || SUBSTR(path, ?) \
             WHERE environment_id = ? AND path >= ? AND path < ?",
        )
        .bind(&new)
        .bind(old.len() as i64 + 1)
        .bind(environment_id)
        .bind(&old)
        .bind(subtree_end(&old))
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes an (empty) folder and the shares made on it.
    pub async fn delete_folder(&mut self, environment_id: &str, id: &str) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        sqlx::query("DELETE FROM role_assignments WHERE scope = ?")
            .bind(crate::domain::sharing::ItemKind::Folder.scope(environment_id, id))
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM folders WHERE id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    pub async fn insert_collection(
        &mut self,
        c: &CollectionRow,
        normalized: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO collections (id, environment_id, name, name_normalized, description, \
             owner_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(&c.environment_id)
        .bind(&c.name)
        .bind(normalized)
        .bind(&c.description)
        .bind(&c.owner_id)
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    pub async fn collection(
        &mut self,
        environment_id: &str,
        id: &str,
    ) -> StoreResult<Option<CollectionRow>> {
        let environment_id = self.reach(environment_id)?;
        Ok(sqlx::query_as(
            "SELECT id, environment_id, name, description, owner_id, created_at, updated_at \
             FROM collections WHERE environment_id = ? AND id = ?",
        )
        .bind(environment_id)
        .bind(id)
        .fetch_optional(self.conn())
        .await?)
    }

    pub async fn collection_name_taken(
        &mut self,
        environment_id: &str,
        normalized: &str,
        except_id: &str,
    ) -> StoreResult<bool> {
        let environment_id = self.reach(environment_id)?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM collections WHERE environment_id = ? AND name_normalized = ? AND id <> ?",
        )
        .bind(environment_id)
        .bind(normalized)
        .bind(except_id)
        .fetch_one(self.conn())
        .await?;
        Ok(n > 0)
    }

    pub async fn update_collection(
        &mut self,
        c: &CollectionRow,
        normalized: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE collections SET name = ?, name_normalized = ?, description = ?, updated_at = ? \
             WHERE id = ?",
        )
        .bind(&c.name)
        .bind(normalized)
        .bind(&c.description)
        .bind(c.updated_at)
        .bind(&c.id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes a collection and the shares made on it.
    pub async fn delete_collection(&mut self, environment_id: &str, id: &str) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        sqlx::query("DELETE FROM role_assignments WHERE scope = ?")
            .bind(crate::domain::sharing::ItemKind::Collection.scope(environment_id, id))
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM collections WHERE id = ?")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// An environment's folders, collections and their shares, before it is deleted.
    pub async fn delete_environment_media(&mut self, environment_id: &str) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        for kind in ["folder", "collection"] {
            sqlx::query("DELETE FROM role_assignments WHERE SUBSTR(scope, 1, ?) = ?")
                .bind(kind.len() as i64 + environment_id.len() as i64 + 2)
                .bind(format!("{kind}:{environment_id}/"))
                .execute(self.conn())
                .await?;
        }
        sqlx::query("DELETE FROM collections WHERE environment_id = ?")
            .bind(environment_id)
            .execute(self.conn())
            .await?;
        // One statement: the parent references are checked at its end, all gone.
        sqlx::query("DELETE FROM folders WHERE environment_id = ?")
            .bind(environment_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
