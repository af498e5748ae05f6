//! User groups (docs/rules/sharing.md#user-groups): create, rename, delete, members, and what is
//! shared with each group per environment.

use super::crypto::random_hex;
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::group::{self, GroupDetail, GroupMember, GroupShare, GroupSummary};
use crate::domain::sharing::{ItemKind, Level};
use crate::domain::Refusal;
use crate::domain::{Permission, UserStatus};
use crate::store::{GroupRow, MemberRow, Tx};
use serde_json::json;

fn summary(g: GroupRow) -> GroupSummary {
    GroupSummary {
        id: g.id,
        name: g.name,
        member_count: g.member_count,
        created_at: g.created_at,
        updated_at: g.updated_at,
    }
}

fn member(m: MemberRow) -> GroupMember {
    GroupMember {
        id: m.id,
        name: m.name,
        email: m.email,
        status: m.status,
    }
}

impl Service {
    /// The account's groups with member counts (`groups.view`).
    pub async fn groups(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<GroupSummary>> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.groups().await?;
        tx.finish().await?;
        Ok(rows.into_iter().map(summary).collect())
    }

    /// Every group with its members in joining order (`groups.view`): the groups export,
    /// one short read.
    pub async fn groups_with_members(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<(GroupSummary, Vec<GroupMember>)>> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let mut out = Vec::new();
        for g in tx.groups().await? {
            let members = tx.group_members(&g.id).await?;
            out.push((summary(g), members.into_iter().map(member).collect()));
        }
        tx.finish().await?;
        Ok(out)
    }

    async fn group_row(&self, tx: &mut Tx, id: &str) -> ServiceResult<GroupRow> {
        tx.group(id.trim()).await?.ok_or_else(|| {
            ServiceError::from(Refusal::GroupNotFound {
                id: id.trim().into(),
            })
        })
    }

    /// A group, its members in joining order and, per environment the viewer reaches,
    /// what is shared with it.
    pub async fn group(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<GroupDetail> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let found = self.group_row(&mut tx, id).await;
        let (mut tx, row) = tx.or_end(found).await?;
        let detail = self.group_detail(&mut tx, principal, row).await;
        tx.finish().await?;
        detail
    }

    async fn group_detail(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        row: GroupRow,
    ) -> ServiceResult<GroupDetail> {
        let members = tx.group_members(&row.id).await?;
        let environments = tx.environments().await?;
        let mut shares = Vec::new();
        for held in tx.group_shares(&row.id).await? {
            let Some((kind, rest)) = held.scope.split_once(':') else {
                continue;
            };
            let (Some(kind), Some((env_id, item_id))) =
                (ItemKind::parse(kind), rest.split_once('/'))
            else {
                continue;
            };
            let Some(env) = environments
                .iter()
                .find(|e| e.id == env_id && principal.reaches(e))
            else {
                continue;
            };
            let Some(level) = Level::from_role_id(&held.role_id, kind) else {
                continue;
            };
            let item_path = match kind {
                ItemKind::Folder => {
                    super::media_library::path_of(&tx.folder_chain(env_id, item_id).await?)
                }
                ItemKind::Collection => match tx.collection(env_id, item_id).await? {
                    Some(c) => c.name,
                    None => continue,
                },
            };
            shares.push(GroupShare {
                environment_id: env.id.clone(),
                environment_name: env.name.clone(),
                kind,
                item_id: item_id.to_string(),
                item_path,
                level,
            });
        }
        shares.sort_by(|a, b| {
            (&a.environment_name, &a.item_path).cmp(&(&b.environment_name, &b.item_path))
        });
        Ok(GroupDetail {
            group: summary(row),
            members: members.into_iter().map(member).collect(),
            shares,
        })
    }

    /// Creates a group (`groups.manage`); names are unique per account, ignoring case.
    pub async fn create_group(
        &self,
        principal: &Principal,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<GroupSummary> {
        let (tx, row, record) = self.create_group_open(principal, name, meta).await?;
        tx.commit(&record).await?;
        Ok(summary(row))
    }

    /// Create's checks and write, handed back open with the record to commit.
    pub(super) async fn create_group_open(
        &self,
        principal: &Principal,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, GroupRow, AuditRecord)> {
        let permit = self
            .authorize(principal, Permission::GroupsManage, meta)
            .await?;
        let name = group::group_name(name).map_err(|m| ServiceError::invalid("name", &m))?;
        let normalized = group::normalized(&name);
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        if tx.group_name_taken(&normalized, "").await? {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::GroupNameTaken));
        }
        let row = GroupRow {
            id: random_hex(self.inner.entropy.as_ref(), 16),
            account_id: principal.account_id.clone(),
            name,
            created_at: now,
            updated_at: now,
            member_count: 0,
        };
        tx.insert_group(&row, &normalized).await?;
        let record = AuditRecord::new("group.create", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("group", &row.id, &row.name))
            .change(None, Some(json!({ "name": row.name })));
        Ok((tx, row, record))
    }

    pub async fn rename_group(
        &self,
        principal: &Principal,
        id: &str,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<GroupSummary> {
        let (tx, row, record) = self.rename_group_open(principal, id, name, meta).await?;
        tx.commit(&record).await?;
        Ok(summary(row))
    }

    /// Rename's checks and write, handed back open with the record to commit.
    pub(super) async fn rename_group_open(
        &self,
        principal: &Principal,
        id: &str,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, GroupRow, AuditRecord)> {
        let permit = self
            .authorize(principal, Permission::GroupsManage, meta)
            .await?;
        let name = group::group_name(name).map_err(|m| ServiceError::invalid("name", &m))?;
        let normalized = group::normalized(&name);
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.group_row(&mut tx, id).await;
        let (mut tx, mut row) = tx.or_end(found).await?;
        if tx.group_name_taken(&normalized, &row.id).await? {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::GroupNameTaken));
        }
        tx.rename_group(&row.id, &name, &normalized, now).await?;
        let record = AuditRecord::new("group.rename", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("group", &row.id, &name))
            .change(
                Some(json!({ "name": row.name })),
                Some(json!({ "name": name })),
            );
        row.name = name;
        row.updated_at = now;
        Ok((tx, row, record))
    }

    /// Deletes a group, its memberships and its shares.
    pub async fn delete_group(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::GroupsManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.group_row(&mut tx, id).await;
        let (mut tx, row) = tx.or_end(found).await?;
        let shares = tx.group_shares(&row.id).await?.len();
        tx.delete_group(&row.id).await?;
        let record = AuditRecord::new("group.delete", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("group", &row.id, &row.name))
            .change(
                Some(json!({ "name": row.name, "members": row.member_count, "shares": shares })),
                None,
            );
        tx.commit(&record).await.map_err(Into::into)
    }

    /// Adds several users at once; members already in stay as they are. Each must be a
    /// user of the account who is not inactive; one bad id adds nobody.
    pub async fn add_group_members(
        &self,
        principal: &Principal,
        id: &str,
        user_ids: &[String],
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<GroupMember>> {
        self.change_members(principal, id, user_ids, true, meta)
            .await
    }

    /// Removes several members at once; non-members are ignored.
    pub async fn remove_group_members(
        &self,
        principal: &Principal,
        id: &str,
        user_ids: &[String],
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<GroupMember>> {
        self.change_members(principal, id, user_ids, false, meta)
            .await
    }

    async fn change_members(
        &self,
        principal: &Principal,
        id: &str,
        user_ids: &[String],
        add: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<GroupMember>> {
        let permit = self
            .authorize(principal, Permission::GroupsManage, meta)
            .await?;
        let mut ids: Vec<&str> = user_ids
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        ids.dedup();
        if ids.is_empty() {
            return Err(ServiceError::invalid(
                "user_ids",
                "Choose at least one user",
            ));
        }
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.group_row(&mut tx, id).await;
        let (mut tx, row) = tx.or_end(found).await?;
        let mut changed = Vec::new();
        for user_id in ids {
            let user = tx.account_user(user_id).await?;
            let Some(user) = user else {
                tx.finish().await?;
                return Err(ServiceError::from(Refusal::UserNotFound {
                    id: user_id.to_string(),
                }));
            };
            let done = if add {
                if UserStatus::parse(&user.user.status) == Some(UserStatus::Inactive) {
                    tx.finish().await?;
                    return Err(ServiceError::from(Refusal::InactiveMember));
                }
                tx.add_group_member(&row.id, user_id, now).await?
            } else {
                tx.remove_group_member(&row.id, user_id).await?
            };
            if done {
                changed.push(json!({ "id": user.user.id, "email": user.user.email }));
            }
        }
        let members = tx.group_members(&row.id).await?;
        if changed.is_empty() {
            tx.finish().await?;
        } else {
            tx.touch_group(&row.id, now).await?;
            let action = if add {
                "group.members.add"
            } else {
                "group.members.remove"
            };
            let record = AuditRecord::new(action, principal.actor(), now, Some(meta))
                .account(&principal.account_id)
                .target(AuditTarget::new("group", &row.id, &row.name))
                .change(None, Some(json!({ "users": changed })));
            tx.commit(&record).await?;
        }
        Ok(members.into_iter().map(member).collect())
    }
}
