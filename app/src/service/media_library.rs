//! The Media Library's structure per environment (product.md §7): browse what the viewer
//! may see, create, rename, move and delete folders, and collections. Every action is
//! decided by the viewer's level there (roles.md §4).

use super::crypto::random_hex;
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::group::normalized;
use crate::domain::sharing::{
    folder_name, CollectionEntry, FolderEntry, FolderView, ItemKind, Level,
};
use crate::domain::Refusal;
use crate::domain::{Permission, Role};
use crate::store::{CollectionRow, EnvironmentRow, FolderRow, Tx};
use serde_json::json;

/// `/a/b/c` from a chain (the folder first, the root folder last).
pub(super) fn path_of(chain: &[FolderRow]) -> String {
    let mut path = String::new();
    for f in chain.iter().rev() {
        path.push('/');
        path.push_str(&f.name);
    }
    path
}

/// A folder the viewer may see, with their level there (`None`: seen only as the way to
/// something shared deeper).
pub(super) struct SeenFolder {
    pub chain: Vec<FolderRow>,
    pub level: Option<Level>,
}

impl SeenFolder {
    pub fn row(&self) -> &FolderRow {
        &self.chain[0]
    }
}

/// No other folder beside it (same parent) has this name, ignoring case.
async fn folder_name_free(
    tx: &mut Tx,
    environment_id: &str,
    parent_id: Option<&str>,
    name: &str,
    except_id: &str,
) -> ServiceResult<()> {
    if tx
        .folder_name_taken(environment_id, parent_id, &normalized(name), except_id)
        .await?
    {
        return Err(ServiceError::invalid(
            "name",
            format!("A folder called \"{name}\" already exists here"),
        ));
    }
    Ok(())
}

impl Principal {
    /// Their role manages every folder and collection (`media_library.all_folders`).
    pub(super) fn sees_all(&self) -> bool {
        self.role.has(Permission::MediaLibraryAllFolders)
    }
}

pub(super) fn need(have: Option<Level>, need: Level, what: &str) -> ServiceResult<()> {
    if have >= Some(need) {
        return Ok(());
    }
    Err(ServiceError::from(Refusal::LevelTooLow {
        what: what.to_string(),
        need,
        have,
    }))
}

impl Service {
    /// The environment, for a Media Library action (`media_library.access` there).
    pub(super) async fn media_environment(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        environment_id: &str,
    ) -> ServiceResult<EnvironmentRow> {
        self.reachable_environment(tx, principal, environment_id)
            .await
    }

    /// A folder the viewer may see. Folders they may not see are "not found", exactly
    /// like folders that don't exist: not even the name leaks.
    pub(super) async fn seen_folder(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
        folder_id: &str,
    ) -> ServiceResult<SeenFolder> {
        let not_found = || ServiceError::from(Refusal::FolderNotFound);
        let level = if principal.sees_all() {
            Some(Level::Manage)
        } else {
            let access = tx
                .folder_access(&env.id, folder_id.trim(), &principal.user_id)
                .await?
                .ok_or_else(not_found)?;
            if access.rank.is_none() && !access.leads {
                return Err(not_found());
            }
            access.rank.and_then(Level::from_rank)
        };
        let chain = tx.folder_chain(&env.id, folder_id.trim()).await?;
        if chain.is_empty() {
            return Err(not_found());
        }
        Ok(SeenFolder { chain, level })
    }

    /// A collection the viewer may see, with their level there.
    pub(super) async fn seen_collection(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
        id: &str,
    ) -> ServiceResult<(CollectionRow, Level)> {
        let not_found = || ServiceError::from(Refusal::CollectionNotFound);
        let row = tx
            .collection(&env.id, id.trim())
            .await?
            .ok_or_else(not_found)?;
        if principal.sees_all() {
            return Ok((row, Level::Manage));
        }
        let scope = ItemKind::Collection.scope(&env.id, &row.id);
        let level = tx
            .shares_on(&[scope], Some(&principal.user_id))
            .await?
            .iter()
            .filter_map(|s| Level::from_role_id(&s.role_id, ItemKind::Collection))
            .max()
            .ok_or_else(not_found)?;
        Ok((row, level))
    }

    /// Whether the viewer may create folders at the root / collections: roles that see
    /// everything may; Media Library users per their options (product.md §4.2).
    pub(super) async fn creation_rights(
        &self,
        tx: &mut Tx,
        principal: &Principal,
    ) -> ServiceResult<(bool, bool)> {
        if principal.role != Role::MediaLibraryUser {
            return Ok((principal.sees_all(), true));
        }
        let user = tx.user(&principal.user_id).await?;
        Ok(user.map_or((false, false), |u| {
            (u.ml_create_root_folders, u.ml_create_collections)
        }))
    }

    /// The viewer's effective level on one folder (roles.md §4) — the question the media
    /// platform asks before each action: one read, one query. `None`: no level (a
    /// folder seen only as the way to something shared deeper, or not seen at all).
    pub async fn folder_level(
        &self,
        principal: &Principal,
        environment_id: &str,
        folder_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Option<Level>> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let environment_id = environment_id.trim();
        let not_found = || {
            ServiceError::from(Refusal::EnvironmentNotFound {
                id: environment_id.to_string(),
            })
        };
        if !principal.lists_environment(environment_id) {
            return Err(not_found());
        }
        let check = self
            .db()
            .one_read(&permit)
            .await?
            .folder_check(environment_id, folder_id.trim(), &principal.user_id)
            .await?
            .filter(|c| principal.reaches_environment(environment_id, c.environment_enabled))
            .ok_or_else(not_found)?;
        let level = if !check.folder_exists {
            None
        } else if principal.sees_all() {
            Some(Level::Manage)
        } else {
            check.rank.and_then(Level::from_rank)
        };
        Ok(level)
    }

    /// One folder (or the root) of the environment as the viewer sees it: a Media
    /// Library user sees what is shared with them or their groups, and the names of the
    /// folders leading to it — nothing else.
    pub async fn browse(
        &self,
        principal: &Principal,
        environment_id: &str,
        folder_id: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<FolderView> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let view = self
            .browse_in(&mut tx, principal, environment_id, folder_id)
            .await;
        tx.finish().await?;
        view
    }

    async fn browse_in(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        environment_id: &str,
        folder_id: Option<&str>,
    ) -> ServiceResult<FolderView> {
        let env = self
            .media_environment(tx, principal, environment_id)
            .await?;
        let sees_all = principal.sees_all();
        let (may_root, may_collect) = self.creation_rights(tx, principal).await?;
        let here = match folder_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => Some(self.seen_folder(tx, principal, &env, id).await?),
            None => None,
        };
        let parent_id = here.as_ref().map(|h| h.row().id.clone());
        let rows = tx
            .folder_listing(&env.id, parent_id.as_deref(), &principal.user_id)
            .await?;
        let inherited = here.as_ref().and_then(|h| h.level).map(Level::rank);
        let base = here.as_ref().map_or(String::new(), |h| path_of(&h.chain));
        let folders = rows
            .into_iter()
            .filter_map(|r| {
                let level = if sees_all {
                    Some(Level::Manage)
                } else {
                    inherited.max(r.direct_rank).and_then(Level::from_rank)
                };
                (level.is_some() || r.leads).then(|| FolderEntry {
                    path: format!("{base}/{}", r.folder.name),
                    id: r.folder.id,
                    name: r.folder.name,
                    level,
                    shared: r.shared,
                    subfolders: r.subfolders,
                })
            })
            .collect();
        let collections = if here.is_some() {
            Vec::new()
        } else {
            let ranks = if sees_all {
                Vec::new()
            } else {
                tx.collection_ranks(&env.id, &principal.user_id).await?
            };
            tx.collections(&env.id)
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
                .collect()
        };
        let may_create_folder = match &here {
            Some(h) => h.level >= Some(Level::Contribute),
            None => may_root,
        };
        let folder = here.as_ref().map(|h| FolderEntry {
            id: h.row().id.clone(),
            name: h.row().name.clone(),
            path: path_of(&h.chain),
            level: h.level,
            shared: false,
            subfolders: 0,
        });
        let ancestors = here
            .as_ref()
            .map(|h| {
                h.chain
                    .iter()
                    .skip(1)
                    .rev()
                    .map(|f| (f.id.clone(), f.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Ok(FolderView {
            environment_id: env.id,
            folder,
            ancestors,
            folders,
            collections,
            may_create_folder,
            may_create_collection: may_collect,
            sees_all,
        })
    }

    /// Creates a folder at the root or in a folder where the viewer can contribute.
    /// A Media Library user who creates a root folder gets *can manage* on it.
    pub async fn create_folder(
        &self,
        principal: &Principal,
        environment_id: &str,
        parent_id: Option<&str>,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<FolderEntry> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let name = folder_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let checked = self
            .check_new_folder_place(&mut tx, principal, environment_id, parent_id, &name, "")
            .await;
        let (mut tx, (env, parent_chain)) = tx.or_end(checked).await?;
        let row = FolderRow {
            id: random_hex(self.inner.entropy.as_ref(), 16),
            environment_id: env.id.clone(),
            parent_id: parent_chain.first().map(|p| p.id.clone()),
            name: name.clone(),
            owner_id: Some(principal.user_id.clone()),
            created_at: now,
            updated_at: now,
        };
        tx.insert_folder(&row, &normalized(&name)).await?;
        let path = format!("{}/{name}", path_of(&parent_chain));
        if row.parent_id.is_none() && !principal.sees_all() {
            let id = random_hex(self.inner.entropy.as_ref(), 16);
            let scope = ItemKind::Folder.scope(&env.id, &row.id);
            let role_id = Level::Manage.role_id(ItemKind::Folder);
            tx.put_share(
                &id,
                "user",
                &principal.user_id,
                &role_id,
                &scope,
                &principal.user_id,
                now,
            )
            .await?;
        }
        let record = AuditRecord::new("folder.create", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("folder", &row.id, &path))
            .change(
                None,
                Some(json!({ "environment": env.cloud_name, "path": path })),
            );
        tx.commit(&record).await?;
        Ok(FolderEntry {
            id: row.id,
            name,
            path,
            level: Some(Level::Manage).filter(|_| principal.sees_all() || row.parent_id.is_none()),
            shared: false,
            subfolders: 0,
        })
    }

    /// Where a folder may be created or moved to: the root (roles that see everything,
    /// or Media Library users allowed to) or a folder where the viewer can contribute,
    /// with no sibling of the same name. Returns the environment and the parent's chain.
    async fn check_new_folder_place(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        environment_id: &str,
        parent_id: Option<&str>,
        name: &str,
        moving_id: &str,
    ) -> ServiceResult<(EnvironmentRow, Vec<FolderRow>)> {
        let env = self
            .media_environment(tx, principal, environment_id)
            .await?;
        let parent_chain = match parent_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(p) => {
                let seen = self.seen_folder(tx, principal, &env, p).await?;
                need(seen.level, Level::Contribute, "Creating a folder")?;
                seen.chain
            }
            None => {
                if !self.creation_rights(tx, principal).await?.0 {
                    return Err(ServiceError::from(Refusal::RootFoldersNotAllowed));
                }
                Vec::new()
            }
        };
        if !moving_id.is_empty() && parent_chain.iter().any(|f| f.id == moving_id) {
            return Err(ServiceError::invalid(
                "parent_id",
                "A folder can't move into itself or one of its subfolders",
            ));
        }
        let parent = parent_chain.first().map(|p| p.id.as_str());
        folder_name_free(tx, &env.id, parent, name, moving_id).await?;
        Ok((env, parent_chain))
    }

    /// Renames a folder (*can manage* on it).
    pub async fn rename_folder(
        &self,
        principal: &Principal,
        environment_id: &str,
        folder_id: &str,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let name = folder_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let checked: ServiceResult<_> = async {
            let env = self
                .media_environment(&mut tx, principal, environment_id)
                .await?;
            let seen = self
                .seen_folder(&mut tx, principal, &env, folder_id)
                .await?;
            need(seen.level, Level::Manage, "Renaming a folder")?;
            let row = seen.row().clone();
            folder_name_free(&mut tx, &env.id, row.parent_id.as_deref(), &name, &row.id).await?;
            Ok(path_of(&seen.chain))
        }
        .await;
        let (mut tx, before) = tx.or_end(checked).await?;
        tx.rename_folder(folder_id.trim(), &name, &normalized(&name), now)
            .await?;
        let after = format!("{}/{name}", before.rsplit_once('/').map_or("", |(p, _)| p));
        let record = AuditRecord::new("folder.rename", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("folder", folder_id.trim(), &after))
            .change(
                Some(json!({ "path": before })),
                Some(json!({ "path": after })),
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// Moves a folder (*can manage* on it) under another (*can contribute* there) or to
    /// the root. Shares made on it and below go with it; inherited ones now come from
    /// the new ancestors.
    pub async fn move_folder(
        &self,
        principal: &Principal,
        environment_id: &str,
        folder_id: &str,
        parent_id: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let checked: ServiceResult<_> = async {
            let env = self
                .media_environment(&mut tx, principal, environment_id)
                .await?;
            let seen = self
                .seen_folder(&mut tx, principal, &env, folder_id)
                .await?;
            need(seen.level, Level::Manage, "Moving a folder")?;
            let row = seen.row().clone();
            let (_, target) = self
                .check_new_folder_place(
                    &mut tx,
                    principal,
                    environment_id,
                    parent_id,
                    &row.name,
                    &row.id,
                )
                .await?;
            Ok((path_of(&seen.chain), target, row))
        }
        .await;
        let (mut tx, (before, target, row)) = tx.or_end(checked).await?;
        let new_parent = target.first().map(|p| p.id.clone());
        tx.move_folder(&row.environment_id, &row.id, new_parent.as_deref(), now)
            .await?;
        let after = format!("{}/{}", path_of(&target), row.name);
        let record = AuditRecord::new("folder.move", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("folder", &row.id, &after))
            .change(
                Some(json!({ "path": before })),
                Some(json!({ "path": after })),
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// Deletes an empty folder (*can manage* on it) and the shares made on it.
    pub async fn delete_folder(
        &self,
        principal: &Principal,
        environment_id: &str,
        folder_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let checked: ServiceResult<_> = async {
            let env = self
                .media_environment(&mut tx, principal, environment_id)
                .await?;
            let seen = self
                .seen_folder(&mut tx, principal, &env, folder_id)
                .await?;
            need(seen.level, Level::Manage, "Deleting a folder")?;
            let subfolders = tx.subfolder_count(&env.id, &seen.row().id).await?;
            if subfolders > 0 {
                return Err(ServiceError::from(Refusal::FolderNotEmpty {
                    path: path_of(&seen.chain),
                    subfolders,
                }));
            }
            Ok((env, path_of(&seen.chain), seen.row().id.clone()))
        }
        .await;
        let (mut tx, (env, path, id)) = tx.or_end(checked).await?;
        tx.delete_folder(&env.id, &id).await?;
        let record = AuditRecord::new("folder.delete", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("folder", &id, &path))
            .change(
                Some(json!({ "environment": env.cloud_name, "path": path })),
                None,
            );
        tx.commit(&record).await?;
        Ok(())
    }
}
