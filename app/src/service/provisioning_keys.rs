//! The Provisioning API's writes of an environment's access keys
//! (docs/rules/provisioning-api.md): one service call and one write transaction per
//! request, answered with the key's record (its secret too) read in that transaction.

use super::api_key_changes::KeyChange;
use super::api_keys::{KeyRef, KeyRequest};
use super::provisioning::access_key;
use super::user_add::commit_all;
use super::{Principal, RequestMeta, Service, ServiceResult};
use crate::domain::provisioning::AccessKey;
use crate::store::ApiKeyRow;

/// What `PUT …/access_keys/{key}` asks for; absent: unchanged.
#[derive(Debug, Clone, Default)]
pub struct KeyPatch {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    /// Dedicate for webhooks (`true`) or clear the dedication (`false`).
    pub dedicated_for_webhooks: Option<bool>,
}

impl KeyPatch {
    /// The changes this patch makes of the key as read, in an order that can hold:
    /// enable before dedicating, clear a dedication before disabling.
    fn changes(&self, key: &ApiKeyRow) -> Vec<KeyChange> {
        let mut changes = Vec::new();
        if let Some(n) = self.name.as_ref().filter(|n| **n != key.name) {
            changes.push(KeyChange::Rename(n.clone()));
        }
        if self.enabled == Some(true) && !key.enabled {
            changes.push(KeyChange::Enabled(true));
        }
        let dedicated = key.dedicated_for.is_some();
        match self.dedicated_for_webhooks {
            Some(true) if !dedicated => changes.push(KeyChange::DedicateForWebhooks),
            Some(false) if dedicated => changes.push(KeyChange::ClearDedication),
            _ => {}
        }
        if self.enabled == Some(false) && key.enabled {
            changes.push(KeyChange::Enabled(false));
        }
        changes
    }
}

impl Service {
    /// `POST …/access_keys`: Generate, answered with the key and its secret.
    pub async fn api_generate_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        name: &str,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<AccessKey> {
        self.authorize_secrets(principal, meta).await?;
        let request = KeyRequest {
            name,
            enabled,
            permission_mode: "full",
            scopes: &[],
        };
        let made = self
            .generate_api_key_open(principal, environment_id, &request, meta)
            .await?;
        let answer = access_key(&made.key, made.secret);
        made.tx.commit(&made.record).await?;
        Ok(answer)
    }

    /// `PUT …/access_keys/{key}`: the patch's changes of the key as read, checked and
    /// written in one transaction (a refusal of any leaves the key as it was).
    pub async fn api_patch_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        api_key: &str,
        patch: &KeyPatch,
        meta: &RequestMeta,
    ) -> ServiceResult<AccessKey> {
        self.authorize_secrets(principal, meta).await?;
        let key = KeyRef::Number(api_key);
        let changed = self
            .change_api_key_open(principal, environment_id, key, &|k| patch.changes(k), meta)
            .await?;
        let secret = self
            .config()
            .secret_key
            .open(&changed.key.api_key, &changed.key.secret_sealed);
        let (tx, secret) = changed.tx.or_end(secret).await?;
        let answer = access_key(&changed.key, secret);
        commit_all(tx, &changed.records).await?;
        Ok(answer)
    }

    /// `DELETE …/access_keys/{key}` (by number) and `DELETE …/access_keys?name=` (by name).
    pub async fn api_delete_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        key: KeyRef<'_>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        self.authorize_secrets(principal, meta).await?;
        self.remove_api_key(principal, environment_id, key, meta)
            .await
    }
}
