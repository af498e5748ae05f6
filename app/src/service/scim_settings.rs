//! The SCIM page (docs/rules/scim.md#defaults): its tokens — listed, created (shown once) and
//! deleted — the defaults of users SCIM creates and the roles user groups give, all by Master
//! admins (`provisioning_keys.manage`, as account API keys: a token can make Admins).

use super::crypto::{new_token, random_hex, sha256_hex};
use super::users::{role_and_access, unknown_environment, AccessChoice};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::scim_settings::{
    grantable, ScimAccess, ScimGroupRole, ScimSettings, ScimTokenSecret, ScimTokenSummary,
};
use crate::domain::{EnvironmentAccess, FieldErrors, Permission, Refusal, Role};
use crate::store::{ScimGroupRoleRow, ScimTokenRow, Tx};
use serde_json::json;

fn summary(row: &ScimTokenRow) -> ScimTokenSummary {
    ScimTokenSummary {
        id: row.id.clone(),
        name: row.name.clone(),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}

/// A kept role and environments, as read (a row from an older catalogue reads as the default).
pub(super) fn kept_access(role: &str, environments: &str) -> ScimAccess {
    match (
        Role::from_api_str(role),
        serde_json::from_str::<EnvironmentAccess>(environments),
    ) {
        (Some(role), Ok(environments)) => ScimAccess { role, environments },
        _ => ScimAccess::default(),
    }
}

/// The account's defaults for users SCIM creates, read in `tx`.
pub(super) async fn kept_defaults(tx: &mut Tx) -> ServiceResult<ScimAccess> {
    Ok(tx
        .scim_defaults()
        .await?
        .map(|(r, e)| kept_access(&r, &e))
        .unwrap_or_default())
}

pub(super) fn group_role(row: &ScimGroupRoleRow) -> ScimGroupRole {
    ScimGroupRole {
        group_id: row.group_id.clone(),
        group_name: row.group_name.clone(),
        access: kept_access(&row.role, &row.environments),
    }
}

/// A role and environments as typed: a role a SCIM token may give, known environments.
pub(super) fn typed_access(
    principal: &Principal,
    role: &str,
    access: &AccessChoice,
) -> ServiceResult<ScimAccess> {
    let mut e = FieldErrors::new();
    let (role, environments) = role_and_access(principal, role, Some(access), &mut e);
    if let Some(r) = role.filter(|r| !grantable(*r)) {
        e.add(
            "role",
            format!(
                "SCIM can't give the role {}: its tokens act as Admins",
                r.console_name()
            ),
        );
    }
    e.into_result()?;
    match (role, environments) {
        (Some(role), Some(environments)) => Ok(ScimAccess { role, environments }),
        _ => Err(ServiceError::invalid("role", "Choose a role")),
    }
}

impl Service {
    async fn scim_settings_in(&self, tx: &mut Tx) -> ServiceResult<ScimSettings> {
        let defaults = kept_defaults(tx).await?;
        Ok(ScimSettings {
            base_url: format!("{}/scim/v2", self.config().public_url.trim_end_matches('/')),
            tokens: tx.scim_tokens().await?.iter().map(summary).collect(),
            defaults,
            group_roles: tx
                .scim_group_roles()
                .await?
                .iter()
                .map(group_role)
                .collect(),
        })
    }

    pub async fn scim_settings(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimSettings> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let settings = self.scim_settings_in(&mut tx).await;
        tx.finish().await?;
        settings
    }

    /// A new token (re-authenticated within 10 minutes), its value in the answer once.
    pub async fn create_scim_token(
        &self,
        principal: &Principal,
        name: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimTokenSecret> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let name = super::api_keys::key_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let mut tx = self.db().write(&permit).await?;
        let row = self
            .insert_scim_token(&mut tx, &principal.account_id, &name)
            .await;
        let (tx, (row, bearer)) = tx.or_end(row).await?;
        let record = AuditRecord::new(
            "scim_token.create",
            principal.actor(),
            row.created_at,
            Some(meta),
        )
        .account(&principal.account_id)
        .target(AuditTarget::new("scim_token", &row.id, &row.name))
        .change(None, Some(json!({ "name": row.name })));
        tx.commit(&record).await?;
        Ok(ScimTokenSecret {
            token: summary(&row),
            bearer,
        })
    }

    /// A token row in `tx` (a name unique in the account): the row and the whole token.
    pub(super) async fn insert_scim_token(
        &self,
        tx: &mut Tx,
        account_id: &str,
        name: &str,
    ) -> ServiceResult<(ScimTokenRow, String)> {
        if tx.scim_token_name_taken(name).await? {
            return Err(ServiceError::invalid(
                "name",
                "Another SCIM token already has this name",
            ));
        }
        let entropy = self.inner.entropy.as_ref();
        let (id, secret) = (random_hex(entropy, 8), new_token(entropy));
        let row = ScimTokenRow {
            id: id.clone(),
            account_id: account_id.to_string(),
            name: name.to_string(),
            token_hash: sha256_hex(&secret),
            created_at: self.now(),
            last_used_at: None,
        };
        tx.insert_scim_token(&row).await?;
        Ok((row, format!("{id}.{secret}")))
    }

    /// Deletes a token: requests bearing it are refused from then on.
    pub async fn delete_scim_token(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let mut tx = self.db().write(&permit).await?;
        let row = tx.scim_token(id).await?;
        let Some(row) = row.filter(|t| t.account_id == principal.account_id) else {
            tx.finish().await?;
            return Err(Refusal::ScimTokenNotFound.into());
        };
        tx.delete_scim_token(&row.id).await?;
        let record = AuditRecord::new(
            "scim_token.delete",
            principal.actor(),
            self.now(),
            Some(meta),
        )
        .account(&principal.account_id)
        .target(AuditTarget::new("scim_token", &row.id, &row.name))
        .change(Some(json!({ "name": row.name })), None);
        tx.commit(&record).await?;
        Ok(())
    }

    /// The role and environments of users SCIM creates from now on.
    pub async fn set_scim_defaults(
        &self,
        principal: &Principal,
        role: &str,
        access: &AccessChoice,
        meta: &RequestMeta,
    ) -> ServiceResult<ScimSettings> {
        let permit = self
            .authorize(principal, Permission::ProvisioningKeysManage, meta)
            .await?;
        let wanted = typed_access(principal, role, access)?;
        let mut tx = self.db().write(&permit).await?;
        if let Some(e) = unknown_environment(&mut tx, &wanted.environments).await? {
            tx.finish().await?;
            return Err(e);
        }
        let before = self.scim_settings_in(&mut tx).await;
        let (mut tx, before) = tx.or_end(before).await?;
        let now = self.now();
        let environments = json!(&wanted.environments).to_string();
        tx.set_scim_defaults(wanted.role.api_str(), &environments, now)
            .await?;
        let record = AuditRecord::new("scim.defaults_update", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new(
                "account",
                &principal.account_id,
                "SCIM defaults",
            ))
            .change(Some(json!(before.defaults)), Some(json!(wanted)));
        let after = ScimSettings {
            defaults: wanted,
            ..before
        };
        tx.commit(&record).await?;
        Ok(after)
    }
}
