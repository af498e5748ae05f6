//! The Media Library's structure per environment
//! (docs/rules/sharing.md#folders-collections-and-sharing): browse what the viewer may see, create,
//! rename, move and delete folders, and collections. Every action is decided by the viewer's level
//! there (docs/rules/sharing.md#folders-collections-and-sharing).

use super::{Principal, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::group::normalized;
use crate::domain::sharing::{ItemKind, Level};
use crate::domain::Refusal;
use crate::domain::{Permission, Role};
use crate::store::{CollectionRow, EnvironmentRow, FolderRow, Tx};

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
pub(super) async fn folder_name_free(
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

/// Whether a Media Library operation reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    Read,
    Write,
}

impl Service {
    /// What every Media Library operation starts with: `media_library.access`, a
    /// transaction (a write one takes the lock at once), the environment the principal
    /// reaches, then `check` — the operation's own rules, given the environment. A
    /// refusal at any step ends the transaction with nothing written; otherwise it is
    /// handed back open with what `check` found.
    pub(super) async fn in_media<T>(
        &self,
        principal: &Principal,
        environment_id: &str,
        access: Access,
        meta: &RequestMeta,
        check: impl AsyncFnOnce(&mut Tx, EnvironmentRow) -> ServiceResult<T>,
    ) -> ServiceResult<(Tx, T)> {
        let permit = self
            .authorize(principal, Permission::MediaLibraryAccess, meta)
            .await?;
        let mut tx = match access {
            Access::Read => self.db().read(&permit).await?,
            Access::Write => self.db().write(&permit).await?,
        };
        let checked = match self
            .reachable_environment(&mut tx, principal, environment_id)
            .await
        {
            Ok(env) => check(&mut tx, env).await,
            Err(e) => Err(e),
        };
        tx.or_end(checked).await
    }

    /// [`Service::in_media`] for a read: `read`'s answer, the transaction finished.
    pub(super) async fn read_media<T>(
        &self,
        principal: &Principal,
        environment_id: &str,
        meta: &RequestMeta,
        read: impl AsyncFnOnce(&mut Tx, EnvironmentRow) -> ServiceResult<T>,
    ) -> ServiceResult<T> {
        let (tx, answer) = self
            .in_media(principal, environment_id, Access::Read, meta, read)
            .await?;
        tx.finish().await?;
        Ok(answer)
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
    /// everything may; Media Library users per their options (docs/rules/users.md#user-management).
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

    /// The viewer's effective level on one folder
    /// (docs/rules/sharing.md#folders-collections-and-sharing) — the question the media platform
    /// asks before each action: one read, one query. `None`: no level (a folder seen only as the
    /// way to something shared deeper, or not seen at all).
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
}
