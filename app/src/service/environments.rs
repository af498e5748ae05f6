//! Product environments (docs/rules/environments.md#product-environments): list, add, edit,
//! enable/disable, delete, and the session's active environment. Access follows
//! docs/rules/roles.md#environment-access.

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::environment::{self, ASSET_GUARD};
use crate::domain::refusal::{EnvironmentDeed, Refusal};
use crate::domain::{
    validation, EnvironmentAccess, EnvironmentSummary, FieldErrors, KeyPermissions, Permission,
};
use crate::store::{EnvironmentRow, Tx};
use serde_json::json;

/// The Add and Edit forms.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentInput {
    pub name: String,
    /// Empty on Add: generated.
    pub cloud_name: String,
    pub description: String,
    pub custom_attributes: String,
    /// On Add: an environment whose §2.1 settings the new one starts with (empty: none).
    pub copy_settings_from: String,
}

/// The Add or Edit form, validated.
pub(super) struct ValidForm {
    pub(super) name: String,
    /// `None` on Add when left empty (generated).
    pub(super) cloud_name: Option<String>,
    pub(super) description: String,
    pub(super) custom_attributes: String,
}

/// Every field checked at once; the cloud name may be left empty only on Add.
pub(super) fn validate_form(input: &EnvironmentInput, adding: bool) -> ServiceResult<ValidForm> {
    let mut e = FieldErrors::new();
    let name = e.check("name", validation::name(&input.name, 1, 100, "Name"));
    let cloud = match input.cloud_name.trim() {
        "" if adding => None,
        _ => e.check("cloud_name", environment::cloud_name(&input.cloud_name)),
    };
    let description = e.check(
        "description",
        validation::name(&input.description, 0, 500, "Description"),
    );
    let attributes = e.check(
        "custom_attributes",
        environment::custom_attributes(&input.custom_attributes),
    );
    e.into_result()?;
    match (name, description, attributes) {
        (Some(name), Some(description), Some(custom_attributes)) => Ok(ValidForm {
            name,
            cloud_name: cloud,
            description,
            custom_attributes,
        }),
        _ => Err(ServiceError::invalid("name", "Name is required")),
    }
}

pub(super) fn summary(e: EnvironmentRow) -> EnvironmentSummary {
    EnvironmentSummary {
        id: e.id,
        name: e.name,
        cloud_name: e.cloud_name,
        description: e.description,
        custom_attributes: e.custom_attributes,
        enabled: e.enabled,
        key_count: e.key_count,
        asset_count: e.asset_count,
        created_at: e.created_at,
    }
}

impl Principal {
    /// May this principal reach the environment at all (docs/rules/roles.md#environment-access)?
    /// Disabled ones only with `environments.manage`.
    pub(super) fn reaches(&self, e: &EnvironmentRow) -> bool {
        self.reaches_environment(&e.id, e.enabled)
    }

    pub(super) fn reaches_environment(&self, id: &str, enabled: bool) -> bool {
        environment::reaches(self.role, &self.environments, id, enabled)
    }

    /// The environment is in the principal's access (enabled or not): what the store's
    /// permit checks, asked before the store is.
    pub(super) fn lists_environment(&self, id: &str) -> bool {
        match &self.environments {
            EnvironmentAccess::All => true,
            EnvironmentAccess::Only(ids) => ids.iter().any(|i| i == id),
        }
    }
}

impl Service {
    /// The environments the principal may reach, oldest first (`environments.view`).
    pub async fn environments(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<EnvironmentSummary>> {
        let permit = self
            .authorize(principal, Permission::EnvironmentsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.environments().await?;
        tx.finish().await?;
        Ok(rows
            .into_iter()
            .filter(|e| principal.reaches(e))
            .map(summary)
            .collect())
    }

    /// One environment the principal reaches; others (another account's included) are
    /// "not found".
    pub(super) async fn reachable_environment(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        id: &str,
    ) -> ServiceResult<EnvironmentRow> {
        tx.environment(id.trim())
            .await?
            .filter(|e| principal.reaches(e))
            .ok_or_else(|| {
                ServiceError::from(Refusal::EnvironmentNotFound {
                    id: id.trim().to_string(),
                })
            })
    }

    /// Writes a new environment and its Root key; returns the key.
    pub(super) async fn insert_environment_with_root_key(
        &self,
        tx: &mut Tx,
        row: &EnvironmentRow,
    ) -> ServiceResult<String> {
        tx.insert_environment(row).await?;
        let root = super::api_keys::NewKey {
            name: "Root",
            root: true,
            enabled: true,
            permissions: &KeyPermissions::Full,
        };
        let (key, _secret) = self.insert_api_key(tx, row, root, row.created_at).await?;
        Ok(key.api_key)
    }

    /// `c` + 15 random lowercase letters and digits, not yet taken.
    pub(super) async fn unused_cloud_name(&self, tx: &mut Tx) -> ServiceResult<String> {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        loop {
            let mut b = [0u8; 15];
            self.inner.entropy.fill(&mut b);
            let name: String = std::iter::once('c')
                .chain(
                    b.iter()
                        .map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char),
                )
                .collect();
            if !tx.cloud_name_taken(&name, "").await? {
                return Ok(name);
            }
        }
    }

    /// Edit (`environments.manage`, access to it): name, description, custom attributes,
    /// and the cloud name below 1000 assets.
    pub async fn update_environment(
        &self,
        principal: &Principal,
        id: &str,
        input: &EnvironmentInput,
        meta: &RequestMeta,
    ) -> ServiceResult<EnvironmentSummary> {
        self.change_environment(principal, id, Some(input), None, meta)
            .await
    }

    /// Disable / Enable (`environments.manage`, access to it). A disabled environment's keys
    /// stop working and it leaves the switcher of users who can't manage environments.
    pub async fn set_environment_enabled(
        &self,
        principal: &Principal,
        id: &str,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<EnvironmentSummary> {
        self.change_environment(principal, id, None, Some(enabled), meta)
            .await
    }

    /// An edit and/or Disable / Enable in one transaction: every rule is checked before
    /// anything is written, and each action keeps its audit record. An `enabled` the
    /// environment has already changes nothing.
    pub async fn change_environment(
        &self,
        principal: &Principal,
        id: &str,
        input: Option<&EnvironmentInput>,
        enabled: Option<bool>,
        meta: &RequestMeta,
    ) -> ServiceResult<EnvironmentSummary> {
        let permit = self
            .authorize(principal, Permission::EnvironmentsManage, meta)
            .await?;
        let edit = input.map(|i| validate_form(i, false)).transpose()?;
        let mut tx = self.db().write(&permit).await?;
        let found = self.reachable_environment(&mut tx, principal, id).await;
        let (mut tx, before) = tx.or_end(found).await?;
        let changed = self
            .write_environment_change(&mut tx, principal, &before, edit, enabled, meta)
            .await;
        let (tx, (after, records)) = tx.or_end(changed).await?;
        super::user_add::commit_all(tx, &records).await?;
        Ok(summary(after))
    }

    /// The writes of an edit and/or an enabled change of `before`, once their rules hold;
    /// the environment as written and the records to commit (none: nothing changed).
    pub(super) async fn write_environment_change(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        before: &EnvironmentRow,
        edit: Option<ValidForm>,
        enabled: Option<bool>,
        meta: &RequestMeta,
    ) -> ServiceResult<(EnvironmentRow, Vec<AuditRecord>)> {
        let now = self.now();
        let mut after = EnvironmentRow {
            updated_at: now,
            ..before.clone()
        };
        let mut records = Vec::new();
        if let Some(edit) = edit {
            // Always present on Edit (validate_form).
            let cloud_name = edit.cloud_name.unwrap_or_else(|| before.cloud_name.clone());
            if cloud_name != before.cloud_name {
                if before.asset_count.unwrap_or(0) >= ASSET_GUARD {
                    return Err(ServiceError::refused_field(
                        "cloud_name",
                        Refusal::TooManyAssetsToRename,
                    ));
                }
                if tx.cloud_name_taken(&cloud_name, &before.id).await? {
                    return Err(ServiceError::refused_field(
                        "cloud_name",
                        Refusal::CloudNameTaken,
                    ));
                }
            }
            after = EnvironmentRow {
                name: edit.name,
                cloud_name,
                description: edit.description,
                custom_attributes: edit.custom_attributes,
                ..after
            };
            records.push(
                AuditRecord::new("environment.update", principal.actor(), now, Some(meta))
                    .account(&principal.account_id)
                    .target(AuditTarget::new("environment", &after.id, &after.cloud_name))
                    .change(
                        Some(json!({ "name": before.name, "cloud_name": before.cloud_name, "description": before.description, "custom_attributes": before.custom_attributes })),
                        Some(json!({ "name": after.name, "cloud_name": after.cloud_name, "description": after.description, "custom_attributes": after.custom_attributes })),
                    ),
            );
        }
        if let Some(enabled) = enabled.filter(|on| *on != before.enabled) {
            after.enabled = enabled;
            records.push(enabled_record(principal, &after, enabled, now, meta));
        }
        if records.is_empty() {
            return Ok((before.clone(), records));
        }
        tx.update_environment(&after).await?;
        Ok((after, records))
    }

    /// Delete (`environments.manage` with access to all; re-authentication; the cloud name
    /// typed again). Refused for the account's last environment and at 1000+ assets. Its
    /// keys die at once and every grant scoped to it goes.
    pub async fn delete_environment(
        &self,
        principal: &Principal,
        id: &str,
        confirm_cloud_name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        self.remove_environment(principal, id, Some(confirm_cloud_name), meta)
            .await
    }

    /// Delete, with the cloud name typed again when `confirm_cloud_name` is given (the
    /// console asks for it; the Provisioning API names the environment by its id).
    pub(super) async fn remove_environment(
        &self,
        principal: &Principal,
        id: &str,
        confirm_cloud_name: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::EnvironmentsManage, meta)
            .await?;
        if !environment::may_add_or_delete(principal.role, &principal.environments) {
            return Err(ServiceError::from(Refusal::NeedsAllEnvironments {
                deed: EnvironmentDeed::Delete,
            }));
        }
        self.require_recent_reauthentication(principal)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.reachable_environment(&mut tx, principal, id).await;
        let (mut tx, env) = tx.or_end(found).await?;
        let typed = confirm_cloud_name.map(|c| c.trim().to_lowercase());
        let refusal = if typed.is_some_and(|c| c != env.cloud_name) {
            Some(ServiceError::invalid(
                "confirm_cloud_name",
                "Type the environment's cloud name to confirm",
            ))
        } else if tx.environments().await?.len() <= 1 {
            Some(ServiceError::from(Refusal::LastEnvironment))
        } else if env.asset_count.unwrap_or(0) >= ASSET_GUARD {
            Some(ServiceError::from(Refusal::TooManyAssetsToDelete))
        } else {
            None
        };
        if let Some(err) = refusal {
            tx.finish().await?;
            return Err(err);
        }
        tx.delete_environment_media(&env.id).await?;
        tx.delete_environment(&env.id).await?;
        let record = AuditRecord::new("environment.delete", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("environment", &env.id, &env.cloud_name))
            .change(Some(json!({ "name": env.name, "cloud_name": env.cloud_name, "keys": env.key_count })), None);
        tx.commit(&record).await?;
        Ok(())
    }

    /// The session's active environment: the one chosen in the switcher while it is still
    /// reachable, else the first reachable enabled one; `None` when there is none.
    pub async fn active_environment(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Option<EnvironmentSummary>> {
        let all = self.environments(principal, meta).await?;
        let chosen = principal
            .active_environment_id
            .as_deref()
            .and_then(|id| all.iter().find(|e| e.id == id))
            .cloned();
        Ok(chosen.or_else(|| all.into_iter().find(|e| e.enabled)))
    }

    /// The header's switcher: makes an environment the session's active one.
    pub async fn select_environment(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<EnvironmentSummary> {
        let permit = self
            .authorize(principal, Permission::EnvironmentsView, meta)
            .await?;
        let mut tx = self.db().write(&permit).await?;
        let found = self.reachable_environment(&mut tx, principal, id).await;
        let (mut tx, env) = tx.or_end(found).await?;
        tx.set_active_environment(&principal.session_token_hash, &env.id)
            .await?;
        tx.commit_bookkeeping(&permit).await?;
        Ok(summary(env))
    }
}

/// The record of Disable / Enable of an environment.
pub(super) fn enabled_record(
    principal: &Principal,
    env: &EnvironmentRow,
    enabled: bool,
    now: i64,
    meta: &RequestMeta,
) -> AuditRecord {
    let action = if enabled {
        "environment.enable"
    } else {
        "environment.disable"
    };
    AuditRecord::new(action, principal.actor(), now, Some(meta))
        .account(&principal.account_id)
        .target(AuditTarget::new("environment", &env.id, &env.cloud_name))
        .change(
            Some(json!({ "enabled": !enabled })),
            Some(json!({ "enabled": enabled })),
        )
}
