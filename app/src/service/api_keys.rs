//! API keys of a product environment (docs/rules/environments.md#api-keys): list (secrets masked),
//! generate, reveal (re-authentication, audited), rename, enable/disable, dedicate for webhooks,
//! granular permissions, delete.

use super::crypto::{new_api_secret, new_key_digits};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::environment::{cloudinary_url, MAX_KEYS_PER_ENVIRONMENT};
use crate::domain::Refusal;
use crate::domain::{
    validation, ApiKeySummary, Feature, KeyPermissions, KeySecret, Permission, Plan,
};
use crate::store::{ApiKeyRow, EnvironmentRow, Tx};
use serde_json::json;

/// How a request names a key: the console by number or name, the Provisioning API's paths
/// by number, its delete-by-name by name.
#[derive(Debug, Clone, Copy)]
pub enum KeyRef<'a> {
    NumberOrName(&'a str),
    Number(&'a str),
    Name(&'a str),
}

impl KeyRef<'_> {
    fn finds(&self, k: &ApiKeyRow) -> bool {
        match *self {
            KeyRef::NumberOrName(w) => {
                let w = w.trim();
                k.api_key == w || k.name_normalized == w.to_lowercase()
            }
            KeyRef::Number(w) => k.api_key == w.trim(),
            KeyRef::Name(w) => k.name_normalized == w.trim().to_lowercase(),
        }
    }

    fn not_found(&self) -> Refusal {
        match *self {
            KeyRef::NumberOrName(w) | KeyRef::Number(w) => Refusal::KeyNotFound {
                key: w.trim().to_string(),
            },
            KeyRef::Name(w) => Refusal::KeyNameNotFound {
                name: w.trim().to_string(),
            },
        }
    }
}

pub(super) fn key_summary(k: &ApiKeyRow) -> ApiKeySummary {
    ApiKeySummary {
        api_key: k.api_key.clone(),
        name: k.name.clone(),
        enabled: k.enabled,
        root: k.root,
        dedicated_for_webhooks: k.dedicated_for.as_deref() == Some("webhooks"),
        permissions: KeyPermissions::from_stored(&k.permissions),
        created_at: k.created_at,
    }
}

/// The key that signs an environment's notifications: the one dedicated for webhooks,
/// else the Root key (docs/rules/environments.md#environment-settings).
pub(super) fn signing_key(keys: &[ApiKeyRow]) -> Option<&ApiKeyRow> {
    keys.iter()
        .find(|k| k.dedicated_for.as_deref() == Some("webhooks"))
        .or_else(|| keys.iter().find(|k| k.root))
        .or(keys.first())
}

/// What Generate asks for.
pub(super) struct KeyRequest<'a> {
    pub name: &'a str,
    pub enabled: bool,
    pub permission_mode: &'a str,
    pub scopes: &'a [String],
}

/// A key generated in an open transaction: its secret (shown once) and its record.
pub(super) struct NewKeyMade {
    pub(super) tx: Tx,
    pub(super) env: EnvironmentRow,
    pub(super) key: ApiKeyRow,
    pub(super) secret: String,
    pub(super) record: AuditRecord,
}

/// The fields of a key to write.
pub(super) struct NewKey<'a> {
    pub name: &'a str,
    pub root: bool,
    pub enabled: bool,
    pub permissions: &'a KeyPermissions,
}

/// A key as the audit log names it: `CI (acme-staging)`.
pub(super) fn key_target(key: &ApiKeyRow, env: &EnvironmentRow) -> AuditTarget {
    AuditTarget::new(
        "api_key",
        &key.api_key,
        &format!("{} ({})", key.name, env.cloud_name),
    )
}

pub(super) fn key_name(raw: &str) -> Result<String, String> {
    validation::name(raw, 1, 64, "Key name")
}

impl Service {
    /// Writes a key of `env` with a fresh 15-digit number and a sealed 32-character
    /// secret. Returns the stored row and the secret (the only time it is in the clear).
    pub(super) async fn insert_api_key(
        &self,
        tx: &mut Tx,
        env: &EnvironmentRow,
        key: NewKey<'_>,
        now: i64,
    ) -> ServiceResult<(ApiKeyRow, String)> {
        let entropy = self.inner.entropy.as_ref();
        let api_key = loop {
            let digits = new_key_digits(entropy);
            if !tx.api_key_exists(&digits).await? {
                break digits;
            }
        };
        let secret = new_api_secret(entropy);
        let mut nonce = [0u8; 24];
        entropy.fill(&mut nonce);
        let sealed = self.config().secret_key.seal(&api_key, &secret, nonce)?;
        let row = ApiKeyRow {
            api_key,
            environment_id: env.id.clone(),
            account_id: env.account_id.clone(),
            name: key.name.to_string(),
            name_normalized: key.name.to_lowercase(),
            secret_sealed: sealed,
            enabled: key.enabled,
            root: key.root,
            dedicated_for: None,
            permissions: key.permissions.to_stored(),
            created_at: now,
            updated_at: now,
        };
        tx.insert_api_key(&row).await?;
        Ok((row, secret))
    }

    /// The keys of an environment the principal reaches (`api_keys.view`), secrets never.
    pub async fn api_keys(
        &self,
        principal: &Principal,
        environment_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<ApiKeySummary>> {
        let permit = self
            .authorize(principal, Permission::ApiKeysView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let found = self
            .reachable_environment(&mut tx, principal, environment_id)
            .await;
        let (mut tx, env) = tx.or_end(found).await?;
        let keys = tx.api_keys(&env.id).await?;
        tx.finish().await?;
        Ok(keys.iter().map(key_summary).collect())
    }

    /// Generate (`api_keys.manage`): at most 20 per environment; restricted permissions
    /// need a plan with granular API key permissions. The secret is returned this once.
    #[allow(clippy::too_many_arguments)]
    pub async fn generate_api_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        name: &str,
        enabled: bool,
        permission_mode: &str,
        scopes: &[String],
        meta: &RequestMeta,
    ) -> ServiceResult<KeySecret> {
        let new = KeyRequest {
            name,
            enabled,
            permission_mode,
            scopes,
        };
        let made = self
            .generate_api_key_open(principal, environment_id, &new, meta)
            .await?;
        made.tx.commit(&made.record).await?;
        Ok(KeySecret {
            key: key_summary(&made.key),
            cloudinary_url: cloudinary_url(&made.key.api_key, &made.secret, &made.env.cloud_name),
            api_secret: made.secret,
        })
    }

    /// Generate's checks and writes, handed back open with the record to commit.
    pub(super) async fn generate_api_key_open(
        &self,
        principal: &Principal,
        environment_id: &str,
        new: &KeyRequest<'_>,
        meta: &RequestMeta,
    ) -> ServiceResult<NewKeyMade> {
        let (name, enabled, permission_mode, scopes) =
            (new.name, new.enabled, new.permission_mode, new.scopes);
        let permit = self
            .authorize(principal, Permission::ApiKeysManage, meta)
            .await?;
        let name = match name.trim() {
            "" => None,
            n => Some(key_name(n).map_err(|m| ServiceError::invalid("name", m))?),
        };
        let permissions = KeyPermissions::from_form(permission_mode, scopes)
            .map_err(|m| ServiceError::invalid("permissions", m))?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self
            .reachable_environment(&mut tx, principal, environment_id)
            .await;
        let (mut tx, env) = tx.or_end(found).await?;
        if permissions != KeyPermissions::Full
            && !self
                .plan_has(&mut tx, Feature::GranularApiKeyPermissions)
                .await?
        {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::GranularPermissionsNotInPlan));
        }
        let existing = tx.api_keys(&env.id).await?;
        if existing.len() >= MAX_KEYS_PER_ENVIRONMENT {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::KeyLimit));
        }
        let taken = |n: &str| {
            existing
                .iter()
                .any(|k| k.name_normalized == n.to_lowercase())
        };
        let name = match name {
            Some(n) if taken(&n) => {
                tx.finish().await?;
                return Err(ServiceError::refused_field("name", Refusal::KeyNameTaken));
            }
            Some(n) => n,
            None => (existing.len() + 1..)
                .map(|i| format!("Key {i}"))
                .find(|n| !taken(n))
                .unwrap_or_else(|| "Key".into()),
        };
        let new_key = NewKey {
            name: &name,
            root: false,
            enabled,
            permissions: &permissions,
        };
        let (row, secret) = self.insert_api_key(&mut tx, &env, new_key, now).await?;
        let record = AuditRecord::new("api_key.create", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(key_target(&row, &env))
            .change(None, Some(json!({ "name": name, "enabled": enabled, "permissions": permissions.to_stored(), "api_secret": "[redacted]" })));
        Ok(NewKeyMade {
            tx,
            env,
            key: row,
            secret,
            record,
        })
    }

    /// Reveal / Copy (`api_keys.view`, re-authenticated within 10 minutes); audited.
    pub async fn reveal_api_secret(
        &self,
        principal: &Principal,
        environment_id: &str,
        api_key: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<KeySecret> {
        let permit = self
            .authorize(principal, Permission::ApiKeysView, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self
            .key_of(
                &mut tx,
                principal,
                environment_id,
                KeyRef::NumberOrName(api_key),
            )
            .await;
        let (tx, (env, key)) = tx.or_end(found).await?;
        let secret = self
            .config()
            .secret_key
            .open(&key.api_key, &key.secret_sealed)?;
        let record = AuditRecord::new("api_key.reveal", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(key_target(&key, &env));
        tx.commit(&record).await?;
        Ok(KeySecret {
            key: key_summary(&key),
            cloudinary_url: cloudinary_url(&key.api_key, &secret, &env.cloud_name),
            api_secret: secret,
        })
    }

    /// Delete a key, named by its number or its name (`api_keys.manage`). The last key of
    /// an environment stays.
    pub async fn delete_api_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        key_or_name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let key = KeyRef::NumberOrName(key_or_name);
        self.remove_api_key(principal, environment_id, key, meta)
            .await
    }

    /// Delete a key named as the request names it.
    pub(super) async fn remove_api_key(
        &self,
        principal: &Principal,
        environment_id: &str,
        key: KeyRef<'_>,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ApiKeysManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.key_of(&mut tx, principal, environment_id, key).await;
        let (mut tx, (env, key)) = tx.or_end(found).await?;
        if tx.api_keys(&env.id).await?.len() <= 1 {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::LastKey));
        }
        tx.delete_api_key(&env.id, &key.api_key).await?;
        let record = AuditRecord::new("api_key.delete", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(key_target(&key, &env))
            .change(
                Some(json!({ "name": key.name, "enabled": key.enabled })),
                None,
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// A key of a reachable environment, as the request names it (names ignore case).
    pub(super) async fn key_of(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        environment_id: &str,
        key: KeyRef<'_>,
    ) -> ServiceResult<(EnvironmentRow, ApiKeyRow)> {
        let env = self
            .reachable_environment(tx, principal, environment_id)
            .await?;
        let found = tx
            .api_keys(&env.id)
            .await?
            .into_iter()
            .find(|k| key.finds(k))
            .ok_or_else(|| ServiceError::from(key.not_found()))?;
        Ok((env, found))
    }

    pub(super) async fn plan_has(&self, tx: &mut Tx, feature: Feature) -> ServiceResult<bool> {
        let plan = tx.account_row().await?.and_then(|a| Plan::find(&a.plan));
        Ok(plan.is_some_and(|p| p.has(feature)))
    }
}
