//! Browsing the Media Library (docs/rules/sharing.md): one folder (or the root) of an
//! environment as the viewer sees it — a Media Library user sees what is shared with them
//! or their groups, and the names of the folders leading to it, nothing else.

use super::media_library::{path_of, SeenFolder};
use super::{Principal, RequestMeta, Service, ServiceResult};
use crate::domain::sharing::{CollectionEntry, FolderEntry, FolderView, Level};
use crate::store::{EnvironmentRow, Tx};

impl Service {
    /// One folder (or the root) of the environment as the viewer sees it.
    pub async fn browse(
        &self,
        principal: &Principal,
        environment_id: &str,
        folder_id: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<FolderView> {
        self.read_media(principal, environment_id, meta, async |tx, env| {
            let here = match folder_id.map(str::trim).filter(|s| !s.is_empty()) {
                Some(id) => Some(self.seen_folder(tx, principal, &env, id).await?),
                None => None,
            };
            let (may_root, may_collect) = self.creation_rights(tx, principal).await?;
            let folders = self
                .listed_folders(tx, principal, &env, here.as_ref())
                .await?;
            let collections = match here {
                Some(_) => Vec::new(),
                None => self.listed_collections(tx, principal, &env).await?,
            };
            Ok(FolderView {
                environment_id: env.id,
                may_create_folder: match &here {
                    Some(h) => h.level >= Some(Level::Contribute),
                    None => may_root,
                },
                folder: here.as_ref().map(folder_entry),
                ancestors: here.as_ref().map(ancestors).unwrap_or_default(),
                folders,
                collections,
                may_create_collection: may_collect,
                sees_all: principal.sees_all(),
            })
        })
        .await
    }

    /// The subfolders of `here` (or the root folders) the viewer sees: those they have a
    /// level on, and those leading to something shared deeper.
    async fn listed_folders(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
        here: Option<&SeenFolder>,
    ) -> ServiceResult<Vec<FolderEntry>> {
        let sees_all = principal.sees_all();
        let parent_id = here.map(|h| h.row().id.clone());
        let rows = tx
            .folder_listing(&env.id, parent_id.as_deref(), &principal.user_id)
            .await?;
        let inherited = here.and_then(|h| h.level).map(Level::rank);
        let base = here.map_or(String::new(), |h| path_of(&h.chain));
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let level = if sees_all {
                    Some(Level::Manage)
                } else {
                    inherited.max(r.direct_rank).and_then(Level::from_rank)
                };
                // A folder only passed through shows its name: not what it holds, nor
                // whether something is shared on it.
                (level.is_some() || r.leads).then(|| FolderEntry {
                    path: format!("{base}/{}", r.folder.name),
                    id: r.folder.id,
                    name: r.folder.name,
                    level,
                    shared: level.is_some() && r.shared,
                    subfolders: level.map(|_| r.subfolders),
                })
            })
            .collect())
    }

    /// The environment's collections the viewer has a level on.
    async fn listed_collections(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
    ) -> ServiceResult<Vec<CollectionEntry>> {
        let sees_all = principal.sees_all();
        let ranks = if sees_all {
            Vec::new()
        } else {
            tx.collection_ranks(&env.id, &principal.user_id).await?
        };
        Ok(tx
            .collections(&env.id)
            .await?
            .into_iter()
            .filter_map(|(c, shared)| {
                let level = if sees_all {
                    Some(Level::Manage)
                } else {
                    ranks
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .and_then(|(_, r)| Level::from_rank(*r))
                };
                level.map(|level| CollectionEntry {
                    id: c.id,
                    name: c.name,
                    description: c.description,
                    level,
                    shared,
                })
            })
            .collect())
    }
}

/// The folder being browsed, as its own entry.
fn folder_entry(h: &SeenFolder) -> FolderEntry {
    FolderEntry {
        id: h.row().id.clone(),
        name: h.row().name.clone(),
        path: path_of(&h.chain),
        level: h.level,
        shared: false,
        subfolders: None,
    }
}

/// The folders above the one browsed, root first, as (id, name).
fn ancestors(h: &SeenFolder) -> Vec<(String, String)> {
    h.chain
        .iter()
        .skip(1)
        .rev()
        .map(|f| (f.id.clone(), f.name.clone()))
        .collect()
}
