//! SAML settings on Account security (`security.view` / `security.manage`, plan feature;
//! docs/rules/saml.md#settings): the identity provider's metadata (pasted, or fetched by
//! URL through the operator's outbound rule and refreshed daily), the email domains,
//! enforcement and JIT provisioning. The same checks for the page and `server saml`.

use super::xml;
use crate::domain::saml::{
    CheckedSamlInput, MetadataSource, SamlSettings, SamlSettingsInput, ServiceProviderValues,
    MAX_METADATA_BYTES,
};
use crate::domain::{Feature, Permission, Plan, Refusal, Role};
use crate::service::outbound::{Destination, OutboundRefusal};
use crate::service::{
    Actor, AuditRecord, AuditTarget, InternalError, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::store::{Permit, SamlSettingsRow, Tx};
use serde_json::json;
use std::time::Duration;

impl Service {
    /// Our side's values, for the identity provider.
    pub fn saml_service_provider(&self) -> ServiceProviderValues {
        ServiceProviderValues::for_base(&self.config().public_url)
    }

    /// Our metadata XML (`/saml/metadata`).
    pub async fn saml_metadata_xml(&self) -> ServiceResult<String> {
        let ours = self.saml_service_provider();
        tokio::task::spawn_blocking(move || xml::service_provider_metadata(&ours))
            .await
            .map_err(|e| ServiceError::Internal(InternalError::Task(e.to_string())))?
            .map_err(|e| ServiceError::Internal(InternalError::Crypto(e)))
    }

    pub async fn saml_settings(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<SamlSettings> {
        let permit = self
            .authorize(principal, Permission::SecurityView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let settings = self.read_saml_settings(&mut tx).await?;
        tx.finish().await?;
        Ok(settings)
    }

    async fn read_saml_settings(&self, tx: &mut Tx) -> ServiceResult<SamlSettings> {
        let plan = tx.account_row().await?.and_then(|a| Plan::find(&a.plan));
        let row = tx.saml_settings().await?;
        let domains = tx.saml_domains().await?;
        let sso_url = match &row {
            Some(r) => Some(
                read_metadata(r.idp_metadata.clone())
                    .await?
                    .map(|m| m.sso_url)
                    .ok(),
            )
            .flatten(),
            None => None,
        };
        Ok(SamlSettings {
            available: plan.is_some_and(|p| p.has(Feature::SamlSso)),
            jit_available: plan.is_some_and(|p| p.has(Feature::SamlProvisioning)),
            enabled: row.as_ref().is_some_and(|r| r.enabled),
            idp_entity_id: row.as_ref().map(|r| r.idp_entity_id.clone()),
            idp_sso_url: sso_url,
            metadata_url: row.as_ref().and_then(|r| r.metadata_url.clone()),
            metadata_xml: row
                .as_ref()
                .map(|r| r.idp_metadata.clone())
                .unwrap_or_default(),
            metadata_fetched_at: row.as_ref().and_then(|r| r.metadata_fetched_at),
            metadata_error: row.as_ref().and_then(|r| r.metadata_error.clone()),
            domains,
            enforce: row.as_ref().is_some_and(|r| r.enforce),
            jit: row.as_ref().is_some_and(|r| r.jit),
            jit_default_role: row
                .as_ref()
                .and_then(|r| Role::from_api_str(&r.jit_default_role))
                .unwrap_or(Role::MediaLibraryUser),
            service_provider: self.saml_service_provider(),
        })
    }

    /// Saves the settings (re-authenticated): every field checked, the metadata read and
    /// checked (fetched first when given by URL), the domains free; nothing saved unless all
    /// of it is right.
    pub async fn set_saml_settings(
        &self,
        principal: &Principal,
        input: &SamlSettingsInput,
        meta: &RequestMeta,
    ) -> ServiceResult<SamlSettings> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let checked = input.check()?;
        let fetched = self.saml_metadata_of(&checked.source).await?;
        let mut tx = self.db().write(&permit).await?;
        let saved = self
            .write_saml_settings(&mut tx, &checked, fetched, principal.actor(), Some(meta))
            .await;
        let (tx, record) = tx.or_end(saved).await?;
        tx.commit(&record).await?;
        self.saml_settings(principal, meta).await
    }

    /// `server saml set`: the same checks, by the operator.
    pub async fn set_saml_settings_as_operator(
        &self,
        account_id: Option<&str>,
        input: &SamlSettingsInput,
    ) -> ServiceResult<(String, ServiceProviderValues)> {
        let account_id = self.operator_account(account_id).await?;
        let checked = input.check()?;
        let fetched = self.saml_metadata_of(&checked.source).await?;
        let permit = Permit::for_operator();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&account_id)?;
        let saved = self
            .write_saml_settings(&mut tx, &checked, fetched, Actor::Operator, None)
            .await;
        let (tx, record) = tx.or_end(saved).await?;
        tx.commit(&record).await?;
        Ok((account_id, self.saml_service_provider()))
    }

    /// `server saml off`.
    pub async fn turn_saml_off_as_operator(
        &self,
        account_id: Option<&str>,
    ) -> ServiceResult<String> {
        let account_id = self.operator_account(account_id).await?;
        let permit = Permit::for_operator();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&account_id)?;
        let now = self.now();
        tx.turn_saml_off(now).await?;
        let record = AuditRecord::new("security.saml_update", Actor::Operator, now, None)
            .account(&account_id)
            .target(AuditTarget::new(
                "account",
                &account_id,
                "SAML single sign-on",
            ))
            .change(None, Some(json!({ "enabled": false })));
        tx.commit(&record).await?;
        Ok(account_id)
    }

    /// The metadata XML: as pasted, or fetched now.
    pub(super) async fn saml_metadata_of(
        &self,
        source: &MetadataSource,
    ) -> ServiceResult<(String, Option<String>)> {
        match source {
            MetadataSource::Xml(x) => Ok((x.clone(), None)),
            MetadataSource::Url(url) => {
                let xml = self
                    .fetch_metadata(url)
                    .await
                    .map_err(|m| ServiceError::invalid("metadata", m))?;
                Ok((xml, Some(url.to_string())))
            }
        }
    }

    async fn write_saml_settings(
        &self,
        tx: &mut Tx,
        input: &CheckedSamlInput,
        (metadata, url): (String, Option<String>),
        actor: Actor,
        meta: Option<&RequestMeta>,
    ) -> ServiceResult<AuditRecord> {
        let plan = tx.account_row().await?.and_then(|a| Plan::find(&a.plan));
        if !plan.is_some_and(|p| p.has(Feature::SamlSso)) {
            return Err(Refusal::SamlNotInPlan.into());
        }
        if input.jit && !plan.is_some_and(|p| p.has(Feature::SamlProvisioning)) {
            return Err(ServiceError::invalid(
                "jit",
                "SAML provisioning isn't part of this account's plan",
            ));
        }
        let idp = read_metadata(metadata.clone())
            .await?
            .map_err(|m| ServiceError::invalid("metadata", m))?;
        if tx.saml_issuer_elsewhere(&idp.entity_id).await? {
            return Err(ServiceError::invalid(
                "metadata",
                "Another account signs in with this identity provider",
            ));
        }
        let taken = tx.saml_domains_elsewhere(&input.domains).await?;
        if !taken.is_empty() {
            return Err(ServiceError::invalid(
                "domains",
                format!("Another account signs in with SSO for {}", taken.join(", ")),
            ));
        }
        let now = self.now();
        let account_id = tx.account_row().await?.map(|a| a.id).unwrap_or_default();
        let before = tx.saml_settings().await?;
        let before_domains = tx.saml_domains().await?;
        let row = SamlSettingsRow {
            account_id: account_id.clone(),
            enabled: input.enabled,
            idp_metadata: metadata,
            idp_entity_id: idp.entity_id.clone(),
            metadata_fetched_at: url.as_ref().map(|_| now),
            metadata_url: url,
            metadata_error: None,
            enforce: input.enforce,
            jit: input.jit,
            jit_default_role: input.jit_default_role.api_str().to_string(),
            updated_at: now,
        };
        tx.put_saml_settings(&row, &input.domains).await?;
        let ended = if input.enforce && !before.as_ref().is_some_and(|b| b.enforce && b.enabled) {
            tx.end_password_sessions_of_non_master_admins().await?
        } else {
            0
        };
        Ok(AuditRecord::new("security.saml_update", actor, now, meta)
            .account(&account_id)
            .target(AuditTarget::new(
                "account",
                &account_id,
                "SAML single sign-on",
            ))
            .change(
                before.map(|b| summary(&b, &before_domains)),
                Some({
                    let mut after = summary(&row, &input.domains);
                    after["password_sessions_ended"] = json!(ended);
                    after
                }),
            ))
    }

    /// GETs the metadata from an address the operator's outbound rule admits (resolved
    /// once and connected to as checked): 10 seconds, 512 KB, no redirects.
    pub(super) async fn fetch_metadata(&self, url: &url::Url) -> Result<String, String> {
        let config = self.config();
        let destination =
            match Destination::check(url, &config.outbound, config.resolver.as_ref()).await {
                Ok(d) => d,
                Err(OutboundRefusal::NoAddress) => {
                    return Err("No address was found for the metadata's host".into())
                }
                Err(OutboundRefusal::Refused(r)) => return Err(r.to_string()),
            };
        let client = destination
            .client(Duration::from_secs(10))
            .map_err(|_| "The metadata couldn't be fetched".to_string())?;
        let mut response = client.get(url.clone()).send().await.map_err(|_| {
            "The metadata couldn't be fetched: no answer from its address".to_string()
        })?;
        if !response.status().is_success() {
            return Err(format!(
                "The metadata couldn't be fetched: its address answered {}",
                response.status()
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|_| "The metadata couldn't be fetched: the answer broke off".to_string())?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_METADATA_BYTES {
                return Err("The metadata is larger than 512 KB".into());
            }
        }
        String::from_utf8(body).map_err(|_| "The metadata isn't UTF-8 text".to_string())
    }
}

/// Reads metadata on the blocking pool: the outer error is the pool's, the inner the
/// sentence for the form.
pub(super) async fn read_metadata(
    metadata: String,
) -> ServiceResult<Result<xml::IdpMetadata, String>> {
    tokio::task::spawn_blocking(move || xml::read_idp_metadata(&metadata))
        .await
        .map_err(|e| ServiceError::Internal(InternalError::Task(e.to_string())))
}

/// What a settings record shows (the metadata by its entity id and source, not its text).
fn summary(row: &SamlSettingsRow, domains: &[String]) -> serde_json::Value {
    json!({
        "enabled": row.enabled,
        "idp_entity_id": row.idp_entity_id,
        "metadata_url": row.metadata_url,
        "domains": domains,
        "enforce": row.enforce,
        "jit": row.jit,
        "jit_default_role": row.jit_default_role,
    })
}
