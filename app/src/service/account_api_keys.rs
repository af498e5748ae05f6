//! Account API keys (docs/rules/account.md#accounts-and-plans): list, create (re-authenticated; the
//! secret shown once, stored as its SHA-256 hash), enable/disable, delete — by a Master admin in
//! the console, or by the operator at the command line.

use super::authz::role_id;
use super::crypto::{new_api_secret, new_key_digits, random_hex, sha256_hex};
use super::{
    Actor, AuditRecord, AuditTarget, Permit, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::account_api_key::{
    account_url, key_name, AccountApiKeySummary, AccountKeySecret, MAX_ACCOUNT_API_KEYS,
};
use crate::domain::Refusal;
use crate::domain::{Feature, Permission, Plan, Role};
use crate::store::{AccountApiKeyRow, Tx};
use serde_json::json;

fn summary(k: &AccountApiKeyRow) -> AccountApiKeySummary {
    AccountApiKeySummary {
        api_key: k.api_key.clone(),
        name: k.name.clone(),
        enabled: k.enabled,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
    }
}

fn target(k: &AccountApiKeyRow) -> AuditTarget {
    AuditTarget::new("account_api_key", &k.api_key, &k.name)
}

impl Service {
    /// The account's keys, oldest first; secrets never (`provisioning_keys.manage`).
    pub async fn account_api_keys(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AccountApiKeySummary>> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let keys = tx.account_api_keys().await?;
        tx.finish().await?;
        Ok(keys.iter().map(summary).collect())
    }

    /// Creates a key (`provisioning_keys.manage`, re-authenticated within 10 minutes, the
    /// Provisioning API plan feature, at most five keys, names unique).
    pub async fn create_account_api_key(
        &self,
        principal: &Principal,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountKeySecret> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        // A bad name or a plan without the Provisioning API is said first: confirming
        // the password wouldn't help them.
        key_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let mut tx = self.db().read(&permit).await?;
        let has_api = self.plan_has(&mut tx, Feature::ProvisioningApi).await;
        tx.finish().await?;
        if !has_api? {
            return Err(ServiceError::from(Refusal::ProvisioningNotInPlan));
        }
        self.require_recent_reauthentication(principal)?;
        self.insert_account_api_key(
            &permit,
            &principal.account_id,
            name,
            principal.actor(),
            Some(&principal.user_id),
            Some(meta),
        )
        .await
    }

    /// `server account-api-key create`: the operator creates a key for the account
    /// (the only one when `account_id` is `None`).
    pub async fn create_account_api_key_as_operator(
        &self,
        account_id: Option<&str>,
        name: &str,
    ) -> ServiceResult<AccountKeySecret> {
        let permit = Permit::for_operator();
        let account_id = self.operator_account(account_id).await?;
        self.insert_account_api_key(&permit, &account_id, name, Actor::Operator, None, None)
            .await
    }

    /// The account an operator's command acts on: the one named (it must exist), else the
    /// console's only account.
    pub(super) async fn operator_account(&self, account_id: Option<&str>) -> ServiceResult<String> {
        let mut tx = self.db().read(&Permit::for_operator()).await?;
        let ids = tx.account_ids().await?;
        tx.finish().await?;
        match (account_id.map(str::trim), ids.as_slice()) {
            (Some(id), _) if ids.iter().any(|a| a == id) => Ok(id.to_string()),
            (Some(_), _) => Err(Refusal::AccountNotFound.into()),
            (None, [one]) => Ok(one.clone()),
            (None, []) => Err(Refusal::NoAccountYet.into()),
            (None, _) => Err(ServiceError::invalid(
                "account_id",
                "There are several accounts: give --account-id",
            )),
        }
    }

    async fn insert_account_api_key(
        &self,
        permit: &Permit,
        account_id: &str,
        name: &str,
        actor: Actor,
        created_by: Option<&str>,
        meta: Option<&RequestMeta>,
    ) -> ServiceResult<AccountKeySecret> {
        let name = key_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let now = self.now();
        let mut tx = self.db().write(permit).await?;
        tx.within_account(account_id)?;
        let checked = self.check_new_key(&mut tx, &name).await;
        let (mut tx, ()) = tx.or_end(checked).await?;
        let entropy = self.inner.entropy.as_ref();
        let api_key = loop {
            let digits = new_key_digits(entropy);
            if tx.account_api_key(&digits).await?.is_none() {
                break digits;
            }
        };
        let secret = new_api_secret(entropy);
        let row = AccountApiKeyRow {
            api_key,
            account_id: account_id.to_string(),
            name: name.clone(),
            secret_hash: sha256_hex(&secret),
            enabled: true,
            created_by: created_by.map(str::to_string),
            created_at: now,
            updated_at: now,
            last_used_at: None,
        };
        tx.insert_account_api_key(&row).await?;
        // What the key may do is a role assignment, like a user's.
        tx.insert_role_assignment(
            &random_hex(entropy, 16),
            "provisioning_key",
            &row.api_key,
            &role_id(Role::MasterAdmin, "account"),
            "account",
            now,
        )
        .await?;
        let record = AuditRecord::new("account_api_key.create", actor, now, meta)
            .account(account_id)
            .target(target(&row))
            .change(
                None,
                Some(json!({ "name": name, "enabled": true, "secret": "[redacted]" })),
            );
        tx.commit(&record).await?;
        Ok(AccountKeySecret {
            account_id: account_id.to_string(),
            account_url: account_url(account_id, &row.api_key, &secret),
            key: summary(&row),
            secret,
        })
    }

    /// The account exists, has the Provisioning API, room for a key, and the name is free.
    async fn check_new_key(&self, tx: &mut Tx, name: &str) -> ServiceResult<()> {
        let account = tx
            .account_row()
            .await?
            .ok_or_else(|| ServiceError::from(Refusal::AccountNotFound))?;
        if !Plan::find(&account.plan).is_some_and(|p| p.has(Feature::ProvisioningApi)) {
            return Err(ServiceError::from(Refusal::ProvisioningNotInPlan));
        }
        let keys = tx.account_api_keys().await?;
        if keys.len() >= MAX_ACCOUNT_API_KEYS {
            return Err(ServiceError::from(Refusal::AccountApiKeyLimit));
        }
        if keys
            .iter()
            .any(|k| k.name.to_lowercase() == name.to_lowercase())
        {
            return Err(ServiceError::refused_field(
                "name",
                Refusal::AccountApiKeyNameTaken,
            ));
        }
        Ok(())
    }

    /// Enables or disables a key (`provisioning_keys.manage`): a disabled key is refused
    /// on its next request.
    pub async fn set_account_api_key_enabled(
        &self,
        principal: &Principal,
        api_key: &str,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountApiKeySummary> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.own_key(&mut tx, principal, api_key).await;
        let (mut tx, mut row) = tx.or_end(found).await?;
        if row.enabled == enabled {
            tx.finish().await?;
            return Ok(summary(&row));
        }
        tx.set_account_api_key_enabled(&row.api_key, enabled, now)
            .await?;
        let action = if enabled {
            "account_api_key.enable"
        } else {
            "account_api_key.disable"
        };
        let record = AuditRecord::new(action, principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(target(&row))
            .change(
                Some(json!({ "enabled": row.enabled })),
                Some(json!({ "enabled": enabled })),
            );
        tx.commit(&record).await?;
        row.enabled = enabled;
        Ok(summary(&row))
    }

    /// Deletes a key (`provisioning_keys.manage`); it is refused from the next request.
    pub async fn delete_account_api_key(
        &self,
        principal: &Principal,
        api_key: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self.own_key(&mut tx, principal, api_key).await;
        let (mut tx, row) = tx.or_end(found).await?;
        tx.delete_account_api_key(&row.api_key).await?;
        let record = AuditRecord::new("account_api_key.delete", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(target(&row))
            .change(
                Some(json!({ "name": row.name, "enabled": row.enabled })),
                None,
            );
        tx.commit(&record).await?;
        Ok(())
    }

    /// A key of the principal's account; another account's key is "not found".
    async fn own_key(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        api_key: &str,
    ) -> ServiceResult<AccountApiKeyRow> {
        tx.account_api_key(api_key.trim())
            .await?
            .filter(|k| k.account_id == principal.account_id)
            .ok_or_else(|| ServiceError::from(Refusal::AccountApiKeyNotFound))
    }
}
