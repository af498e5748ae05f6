//! Changing an environment's API key (docs/rules/environments.md): rename, enable or
//! disable, dedicate for webhooks (moving it from any other key) or clear that, and
//! granular permissions — one change from the console, several in one transaction from
//! the Provisioning API.

use super::api_keys::{key_name, key_summary, key_target, KeyRef};
use super::{AuditRecord, Principal, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::{ApiKeySummary, Feature, KeyPermissions, Permission, Refusal};
use crate::store::{ApiKeyRow, EnvironmentRow, Tx};
use serde_json::json;

/// One change to a key.
#[derive(Debug, Clone)]
pub enum KeyChange {
    Rename(String),
    Enabled(bool),
    DedicateForWebhooks,
    /// The key no longer signs webhook notifications (the Root key does again).
    ClearDedication,
    Permissions {
        mode: String,
        scopes: Vec<String>,
    },
}

/// Changes of a key checked and written in an open transaction, with their records.
pub(super) struct ChangedKey {
    pub(super) tx: Tx,
    pub(super) key: ApiKeyRow,
    pub(super) records: Vec<AuditRecord>,
}

impl Service {
    /// Rename, enable/disable, dedicate for webhooks (moving it from any other key), or
    /// change permissions (`api_keys.manage`).
    pub async fn change_api_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        api_key: &str,
        change: &KeyChange,
        meta: &RequestMeta,
    ) -> ServiceResult<ApiKeySummary> {
        let key = KeyRef::NumberOrName(api_key);
        let changed = self
            .change_api_key_open(
                principal,
                environment_id,
                key,
                &|_| vec![change.clone()],
                meta,
            )
            .await?;
        super::user_add::commit_all(changed.tx, &changed.records).await?;
        Ok(key_summary(&changed.key))
    }

    /// Changes applied in order to one key in one write transaction, handed back open:
    /// `plan` makes them of the key as read there; every change's rules are checked on
    /// the key as the previous ones left it, and each keeps its record; a refusal of any
    /// leaves the key as it was.
    pub(super) async fn change_api_key_open(
        &self,
        principal: &Principal,
        environment_id: &str,
        key: KeyRef<'_>,
        plan: &(dyn Fn(&ApiKeyRow) -> Vec<KeyChange> + Sync),
        meta: &RequestMeta,
    ) -> ServiceResult<ChangedKey> {
        let permit = self
            .authorize(principal, Permission::ApiKeysManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.key_of(&mut tx, principal, environment_id, key).await;
        let (mut tx, (env, mut row)) = tx.or_end(found).await?;
        let mut records = Vec::new();
        for change in &plan(&row) {
            let applied = self
                .apply_key_change(&mut tx, &env, &row, change, now)
                .await;
            let (next, after) = tx.or_end(applied).await?;
            tx = next;
            records.push(
                AuditRecord::new("api_key.update", principal.actor(), now, Some(meta))
                    .account(&principal.account_id)
                    .target(key_target(&after, &env))
                    .change(
                        Some(json!({ "name": row.name, "enabled": row.enabled, "dedicated_for": row.dedicated_for, "permissions": row.permissions })),
                        Some(json!({ "name": after.name, "enabled": after.enabled, "dedicated_for": after.dedicated_for, "permissions": after.permissions })),
                    ),
            );
            row = after;
        }
        if !records.is_empty() {
            tx.update_api_key(&row).await?;
        }
        Ok(ChangedKey {
            tx,
            key: row,
            records,
        })
    }

    /// One change of `before`, once its rule holds: the key as it will be written.
    async fn apply_key_change(
        &self,
        tx: &mut Tx,
        env: &EnvironmentRow,
        before: &ApiKeyRow,
        change: &KeyChange,
        now: i64,
    ) -> ServiceResult<ApiKeyRow> {
        let mut after = ApiKeyRow {
            updated_at: now,
            ..before.clone()
        };
        match change {
            KeyChange::Rename(name) => {
                let n = key_name(name).map_err(|m| ServiceError::invalid("name", m))?;
                let clash =
                    tx.api_keys(&env.id).await?.into_iter().any(|k| {
                        k.api_key != before.api_key && k.name_normalized == n.to_lowercase()
                    });
                if clash {
                    return Err(ServiceError::refused_field("name", Refusal::KeyNameTaken));
                }
                after.name_normalized = n.to_lowercase();
                after.name = n;
            }
            KeyChange::Enabled(false) if before.dedicated_for.is_some() => {
                return Err(Refusal::WebhookKeyStaysEnabled.into())
            }
            KeyChange::Enabled(on) => after.enabled = *on,
            KeyChange::DedicateForWebhooks if !before.enabled => {
                return Err(Refusal::EnableBeforeDedicating.into())
            }
            KeyChange::DedicateForWebhooks => {
                tx.clear_webhook_key(&env.id, now).await?;
                after.dedicated_for = Some("webhooks".into());
            }
            KeyChange::ClearDedication => after.dedicated_for = None,
            KeyChange::Permissions { mode, scopes } => {
                let p = KeyPermissions::from_form(mode, scopes)
                    .map_err(|m| ServiceError::invalid("permissions", m))?;
                if p != KeyPermissions::Full
                    && !self
                        .plan_has(tx, Feature::GranularApiKeyPermissions)
                        .await?
                {
                    return Err(Refusal::GranularPermissionsNotInPlan.into());
                }
                after.permissions = p.to_stored();
            }
        }
        Ok(after)
    }
}
