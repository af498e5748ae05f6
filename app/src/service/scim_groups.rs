//! SCIM's groups (docs/rules/scim.md#groups): the account's user groups, read, created,
//! renamed, their members added, removed or replaced, deleted — as the token's principal
//! through the Groups page's own actions (`groups.manage`, each audited).

use super::scim_tokens::ScimCaller;
use super::scim_users::ScimPage;
use super::{AuditRecord, AuditTarget, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::format::iso;
use crate::domain::group::{GroupMember, GroupSummary};
use crate::domain::scim_eval::matches;
use crate::domain::scim_filter::parse;
use crate::domain::scim_group_patch::GroupChanges;
use crate::domain::{Permission, Refusal};
use serde_json::{json, Value};
use std::collections::HashMap;

impl Service {
    fn scim_group_resource(
        &self,
        group: &GroupSummary,
        members: &[GroupMember],
        external_id: Option<&str>,
    ) -> Value {
        let base = self.config().public_url.trim_end_matches('/').to_string();
        let mut resource = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "id": group.id,
            "displayName": group.name,
            "members": members.iter().map(|m| json!({
                "value": m.id, "$ref": format!("{base}/scim/v2/Users/{}", m.id),
            })).collect::<Vec<_>>(),
            "meta": {
                "resourceType": "Group",
                "created": iso(group.created_at),
                "lastModified": iso(group.updated_at),
                "location": format!("{base}/scim/v2/Groups/{}", group.id),
            },
        });
        if let Some(external) = external_id {
            resource["externalId"] = json!(external);
        }
        super::scim_changes::versioned(resource)
    }

    /// The `externalId` of each of the account's groups that has one.
    async fn scim_group_external_ids(
        &self,
        caller: &ScimCaller,
    ) -> ServiceResult<HashMap<String, String>> {
        let permit = Self::scim_permit(caller);
        let mut tx = self.db().read(&permit).await?;
        let ids = tx.group_external_ids().await?;
        tx.finish().await?;
        Ok(ids.into_iter().collect())
    }

    /// A group's `externalId`, recorded as `group.update` when it changes.
    async fn scim_set_group_external_id(
        &self,
        caller: &ScimCaller,
        id: &str,
        external_id: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let principal = caller.principal();
        let permit = self
            .authorize(&principal, Permission::GroupsManage, meta)
            .await?;
        let mut tx = self.db().write(&permit).await?;
        let found = tx.group(id).await?;
        let (mut tx, row) = tx
            .or_end(
                found.ok_or_else(|| ServiceError::from(Refusal::GroupNotFound { id: id.into() })),
            )
            .await?;
        let had = tx.group_external_id(&row.id).await?;
        if had.as_deref() == external_id {
            tx.finish().await?;
            return Ok(());
        }
        tx.set_group_external_id(&row.id, external_id).await?;
        let record = AuditRecord::new("group.update", principal.actor(), self.now(), Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("group", &row.id, &row.name))
            .change(
                Some(json!({ "external_id": had })),
                Some(json!({ "external_id": external_id })),
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// The groups `filter` matches (all without one), paged. An account's groups are few:
    /// they are read whole and matched.
    pub async fn scim_groups(
        &self,
        caller: &ScimCaller,
        filter: Option<&str>,
        start_index: i64,
        count: i64,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimPage> {
        let filter = match filter.map(str::trim).filter(|f| !f.is_empty()) {
            Some(text) => {
                Some(parse(text).map_err(|e| ServiceError::invalid("filter", e.to_string()))?)
            }
            None => None,
        };
        let all = self.groups_with_members(&caller.principal(), meta).await?;
        let external = self.scim_group_external_ids(caller).await?;
        let matching: Vec<Value> = all
            .iter()
            .map(|(g, m)| self.scim_group_resource(g, m, external.get(&g.id).map(String::as_str)))
            .filter(|v| filter.as_ref().is_none_or(|f| matches(f, v)))
            .collect();
        let start_index = start_index.max(1);
        Ok(ScimPage {
            total: matching.len() as i64,
            resources: matching
                .into_iter()
                .skip(usize::try_from(start_index - 1).unwrap_or(usize::MAX))
                .take(usize::try_from(count.clamp(0, super::SCIM_MAX_COUNT)).unwrap_or(0))
                .collect(),
            start_index,
        })
    }

    pub async fn scim_group(
        &self,
        caller: &ScimCaller,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Value> {
        let detail = self.group(&caller.principal(), id, meta).await?;
        let mut tx = self.db().read(&Self::scim_permit(caller)).await?;
        let external = tx.group_external_id(&detail.group.id).await?;
        tx.finish().await?;
        Ok(self.scim_group_resource(&detail.group, &detail.members, external.as_deref()))
    }

    /// POST: a group with its members.
    pub async fn scim_create_group(
        &self,
        caller: &ScimCaller,
        changes: &GroupChanges,
        meta: &RequestMeta,
    ) -> ServiceResult<Value> {
        let principal = caller.principal();
        let name = changes.display_name.clone().unwrap_or_default();
        let members = changes.members.clone().unwrap_or_default();
        // Every member is a live user of the account before anything is created.
        for id in &members {
            self.scim_user(caller, id).await?;
        }
        let group = self.create_group(&principal, &name, meta).await?;
        if let Some(Some(external)) = &changes.external_id {
            self.scim_set_group_external_id(caller, &group.id, Some(external), meta)
                .await?;
        }
        if !members.is_empty() {
            self.add_group_members(&principal, &group.id, &members, meta)
                .await?;
            self.scim_members_changed(caller, &group.id, &members, meta)
                .await?;
        }
        self.scim_group(caller, &group.id, meta).await
    }

    /// PATCH or PUT: renamed, members added and removed, or replaced.
    pub async fn scim_update_group(
        &self,
        caller: &ScimCaller,
        id: &str,
        changes: &GroupChanges,
        meta: &RequestMeta,
    ) -> ServiceResult<Value> {
        let principal = caller.principal();
        let detail = self.group(&principal, id, meta).await?;
        if let Some(name) = changes
            .display_name
            .as_deref()
            .filter(|n| *n != detail.group.name)
        {
            self.rename_group(&principal, id, name, meta).await?;
        }
        if let Some(external) = &changes.external_id {
            self.scim_set_group_external_id(caller, id, external.as_deref(), meta)
                .await?;
        }
        let (mut add, mut remove) = (changes.add.clone(), changes.remove.clone());
        if let Some(wanted) = &changes.members {
            remove.extend(
                detail
                    .members
                    .iter()
                    .filter(|m| !wanted.contains(&m.id))
                    .map(|m| m.id.clone()),
            );
            add.extend(
                wanted
                    .iter()
                    .filter(|w| !detail.members.iter().any(|m| &m.id == *w))
                    .cloned(),
            );
        }
        if !add.is_empty() {
            self.add_group_members(&principal, id, &add, meta).await?;
        }
        if !remove.is_empty() {
            self.remove_group_members(&principal, id, &remove, meta)
                .await?;
        }
        let moved: Vec<String> = add.iter().chain(remove.iter()).cloned().collect();
        self.scim_members_changed(caller, id, &moved, meta).await?;
        self.scim_group(caller, id, meta).await
    }

    pub async fn scim_delete_group(
        &self,
        caller: &ScimCaller,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        // A group that gave a role: its members get what their other groups give, after.
        let members: Vec<String> = self
            .group(&caller.principal(), id, meta)
            .await?
            .members
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mapped = self.scim_group_is_mapped(caller, id).await?;
        self.delete_group(&caller.principal(), id, meta).await?;
        if mapped {
            self.sync_scim_roles(&caller.principal(), &members, meta)
                .await?;
        }
        Ok(())
    }
}
