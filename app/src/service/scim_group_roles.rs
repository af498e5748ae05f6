//! The roles user groups give (docs/rules/scim.md#defaults): set and removed on the SCIM page,
//! and applied — when SCIM changes a group's members, and to a group's members when its role
//! is set or removed. A user's role and product environments follow the mapped groups they are
//! in (the strongest role, every environment); in none, the defaults. Master admins are never
//! changed.

use super::scim_settings::{group_role, kept_defaults, typed_access};
use super::user_update::UserPatch;
use super::users::{access_choice, unknown_environment, AccessChoice};
use super::{AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceResult};
use crate::domain::scim_settings::{mapped_access, ScimAccess, ScimSettings};
use crate::domain::{EnvironmentAccess, Permission, Refusal, Role};
use crate::store::Permit;
use serde_json::json;

impl Service {
    /// Sets the role `group_id`'s members get, and gives it to them now.
    pub async fn set_scim_group_role(
        &self,
        principal: &Principal,
        group_id: &str,
        role: &str,
        access: &AccessChoice,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimSettings> {
        self.change_scim_group_role(principal, group_id, Some((role, access)), meta)
            .await
    }

    /// Removes a group's role; its members follow their other mapped groups, else the defaults.
    pub async fn remove_scim_group_role(
        &self,
        principal: &Principal,
        group_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimSettings> {
        self.change_scim_group_role(principal, group_id, None, meta)
            .await
    }

    async fn change_scim_group_role(
        &self,
        principal: &Principal,
        group_id: &str,
        wanted: Option<(&str, &AccessChoice)>,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimSettings> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let access = match wanted {
            Some((role, choice)) => Some(typed_access(principal, role, choice)?),
            None => None,
        };
        let mut tx = self.db().write(&permit).await?;
        let Some(group) = tx.group(group_id.trim()).await? else {
            tx.finish().await?;
            return Err(Refusal::GroupNotFound {
                id: group_id.trim().into(),
            }
            .into());
        };
        if let Some(e) = match &access {
            Some(a) => unknown_environment(&mut tx, &a.environments).await?,
            None => None,
        } {
            tx.finish().await?;
            return Err(e);
        }
        let before = tx.scim_group_role(&group.id).await?.map(|r| group_role(&r));
        let environments = access.as_ref().map(|a| json!(&a.environments).to_string());
        let role = access
            .as_ref()
            .zip(environments.as_deref())
            .map(|(a, e)| (a.role.api_str(), e));
        tx.set_scim_group_role(&group.id, role).await?;
        let members: Vec<String> = tx
            .group_members(&group.id)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let now = self.now();
        let record = AuditRecord::new("scim.group_role_update", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("group", &group.id, &group.name))
            .change(
                before.map(|b| json!(b.access)),
                access.as_ref().map(|a| json!(a)),
            );
        tx.commit(&record).await?;
        self.sync_scim_roles(principal, &members, meta).await?;
        self.scim_settings(principal, meta).await
    }

    /// The role and environments of users SCIM creates.
    pub(super) async fn scim_defaults(
        &self,
        caller: &super::ScimCaller,
    ) -> ServiceResult<ScimAccess> {
        let mut tx = self.db().read(&Self::scim_permit(caller)).await?;
        let defaults = kept_defaults(&mut tx).await;
        let (tx, defaults) = tx.or_end(defaults).await?;
        tx.finish().await?;
        Ok(defaults)
    }

    /// Whether `group_id` gives a role.
    pub(super) async fn scim_group_is_mapped(
        &self,
        caller: &super::ScimCaller,
        group_id: &str,
    ) -> ServiceResult<bool> {
        let mut tx = self.db().read(&Self::scim_permit(caller)).await?;
        let role = tx.scim_group_role(group_id).await?;
        tx.finish().await?;
        Ok(role.is_some())
    }

    /// After SCIM changed `group_id`'s members: when the group gives a role, the users who
    /// joined or left it get what their mapped groups give now.
    pub(super) async fn scim_members_changed(
        &self,
        caller: &super::ScimCaller,
        group_id: &str,
        user_ids: &[String],
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        if user_ids.is_empty() || !self.scim_group_is_mapped(caller, group_id).await? {
            return Ok(());
        }
        self.sync_scim_roles(&caller.principal(), user_ids, meta)
            .await
    }

    /// Gives each of `user_ids` the role and environments their mapped groups give (else the
    /// defaults), as `principal`, through the console's Edit; one already so, a deleted user
    /// or a Master admin is left as is.
    pub(super) async fn sync_scim_roles(
        &self,
        principal: &Principal,
        user_ids: &[String],
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = Permit::for_principal(&principal.account_id, &EnvironmentAccess::All);
        let mut tx = self.db().read(&permit).await?;
        let defaults = kept_defaults(&mut tx).await;
        let (mut tx, defaults) = tx.or_end(defaults).await?;
        let mut wanted: Vec<(String, ScimAccess)> = Vec::new();
        for id in user_ids {
            let roles = tx.scim_group_roles_of(id).await?;
            let access = mapped_access(
                roles
                    .iter()
                    .map(group_role)
                    .map(|g| g.access)
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .unwrap_or_else(|| defaults.clone());
            wanted.push((id.clone(), access));
        }
        tx.finish().await?;
        for (id, access) in wanted {
            let (user, _) = self.user(principal, &id, meta).await?;
            let same = user.role == access.role && user.environments == access.environments;
            // A deleted user keeps what they had (nothing of theirs is edited any more).
            let deleted = user.status == crate::domain::UserStatus::Inactive;
            if same || deleted || user.role == Role::MasterAdmin {
                continue;
            }
            let patch = UserPatch {
                role: Some(access.role.api_str().to_string()),
                access: Some(access_choice(&access.environments)),
                ..UserPatch::default()
            };
            let changed = self.change_user(principal, &id, &patch, meta).await?;
            super::user_add::commit_all(changed.tx, &changed.records).await?;
        }
        Ok(())
    }
}
