//! Folders of the Media Library (docs/rules/sharing.md): create, rename, move and delete,
//! each decided by the viewer's level where it acts.

use super::crypto::random_hex;
use super::media_library::{folder_name_free, need, path_of, Access};
use super::ServiceResult;
use super::{AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError};
use crate::domain::group::normalized;
use crate::domain::sharing::{folder_name, FolderEntry, ItemKind, Level};
use crate::domain::Refusal;
use crate::store::{EnvironmentRow, FolderRow, Tx};
use serde_json::json;

impl Service {
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
        let name = folder_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let now = self.now();
        let (mut tx, (env, parent_chain)) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let place = self
                        .check_new_folder_place(tx, principal, &env, parent_id, &name, "")
                        .await?;
                    Ok((env, place))
                },
            )
            .await?;
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
            subfolders: Some(0),
        })
    }

    /// Where a folder may be created or moved to: the root (roles that see everything,
    /// or Media Library users allowed to) or a folder where the viewer can contribute,
    /// with no sibling of the same name. Returns the parent's chain.
    async fn check_new_folder_place(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
        parent_id: Option<&str>,
        name: &str,
        moving_id: &str,
    ) -> ServiceResult<Vec<FolderRow>> {
        let parent_chain = match parent_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(p) => {
                let seen = self.seen_folder(tx, principal, env, p).await?;
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
        Ok(parent_chain)
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
        let name = folder_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let now = self.now();
        let (mut tx, before) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let seen = self.seen_folder(tx, principal, &env, folder_id).await?;
                    need(seen.level, Level::Manage, "Renaming a folder")?;
                    let row = seen.row();
                    folder_name_free(tx, &env.id, row.parent_id.as_deref(), &name, &row.id).await?;
                    Ok(path_of(&seen.chain))
                },
            )
            .await?;
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
        let now = self.now();
        let (mut tx, (before, target, row)) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let seen = self.seen_folder(tx, principal, &env, folder_id).await?;
                    need(seen.level, Level::Manage, "Moving a folder")?;
                    let row = seen.row().clone();
                    let target = self
                        .check_new_folder_place(tx, principal, &env, parent_id, &row.name, &row.id)
                        .await?;
                    Ok((path_of(&seen.chain), target, row))
                },
            )
            .await?;
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
        let now = self.now();
        let (mut tx, (env, path, id)) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let seen = self.seen_folder(tx, principal, &env, folder_id).await?;
                    need(seen.level, Level::Manage, "Deleting a folder")?;
                    let subfolders = tx.subfolder_count(&env.id, &seen.row().id).await?;
                    if subfolders > 0 {
                        return Err(ServiceError::from(Refusal::FolderNotEmpty {
                            path: path_of(&seen.chain),
                            subfolders,
                        }));
                    }
                    Ok((env, path_of(&seen.chain), seen.row().id.clone()))
                },
            )
            .await?;
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
