//! Adding a product environment (docs/rules/environments.md): within the plan's limit,
//! by users with access to all environments, born with its Root key, optionally with
//! another environment's settings copied.

use super::crypto::random_hex;
use super::environments::{enabled_record, summary, validate_form, EnvironmentInput, ValidForm};
use super::ServiceResult;
use super::{AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError};
use crate::domain::environment;
use crate::domain::refusal::{EnvironmentDeed, Refusal};
use crate::domain::{EnvironmentSummary, FieldErrors, Permission, Plan};
use crate::store::{EnvironmentRow, Tx};
use serde_json::json;

impl Service {
    /// Add (`environments.manage` with access to all environments): the environment is
    /// born with one enabled key named Root; users with "all" access reach it at once.
    pub async fn create_environment(
        &self,
        principal: &Principal,
        input: &EnvironmentInput,
        meta: &RequestMeta,
    ) -> ServiceResult<EnvironmentSummary> {
        let (tx, row, records) = self
            .create_environment_open(principal, input, true, meta)
            .await?;
        super::user_add::commit_all(tx, &records).await?;
        Ok(summary(row))
    }

    /// Add's checks and writes in a write transaction handed back open, with the records
    /// to commit; `enabled: false` adds it disabled (its own `environment.disable` record).
    pub(super) async fn create_environment_open(
        &self,
        principal: &Principal,
        input: &EnvironmentInput,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, EnvironmentRow, Vec<AuditRecord>)> {
        let permit = self
            .authorize(principal, Permission::EnvironmentsManage, meta)
            .await?;
        if !environment::may_add_or_delete(principal.role, &principal.environments) {
            return Err(ServiceError::from(Refusal::NeedsAllEnvironments {
                deed: EnvironmentDeed::Add,
            }));
        }
        let form = validate_form(input, true)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let checked = self
            .new_environment_row(&mut tx, principal, form, enabled, now)
            .await;
        let (mut tx, row) = tx.or_end(checked).await?;
        let source = self
            .settings_source(&mut tx, principal, &input.copy_settings_from)
            .await;
        let (mut tx, source) = tx.or_end(source).await?;
        let key = self.insert_environment_with_root_key(&mut tx, &row).await?;
        let copied = match &source {
            Some(from) => Some(json!({
                "environment": from.cloud_name,
                "pages": self.copy_environment_settings(&mut tx, from, &row, &principal.email).await?,
            })),
            None => None,
        };
        let mut records = vec![AuditRecord::new("environment.create", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("environment", &row.id, &row.cloud_name))
            .change(
                None,
                Some(json!({ "name": row.name, "cloud_name": row.cloud_name, "root_key": key, "settings_copied_from": copied })),
            )];
        if !enabled {
            records.push(enabled_record(principal, &row, false, now, meta));
        }
        Ok((tx, row, records))
    }

    /// A new environment's row, once the plan's limit and its cloud name allow it.
    async fn new_environment_row(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        form: ValidForm,
        enabled: bool,
        now: i64,
    ) -> ServiceResult<EnvironmentRow> {
        let account = self.account_row(tx).await?;
        let limit = Plan::find(&account.plan)
            .map(|p| i64::from(p.environments))
            .unwrap_or(0);
        if tx.environments().await?.len() as i64 >= limit {
            return Err(ServiceError::from(Refusal::EnvironmentLimit));
        }
        let cloud_name = match form.cloud_name {
            Some(c) if tx.cloud_name_taken(&c, "").await? => {
                return Err(ServiceError::refused_field(
                    "cloud_name",
                    Refusal::CloudNameTaken,
                ))
            }
            Some(c) => c,
            None => self.unused_cloud_name(tx).await?,
        };
        Ok(EnvironmentRow {
            id: random_hex(self.inner.entropy.as_ref(), 16),
            account_id: principal.account_id.clone(),
            name: form.name,
            cloud_name,
            description: form.description,
            enabled,
            custom_attributes: form.custom_attributes,
            asset_count: None,
            created_at: now,
            updated_at: now,
            key_count: 1,
        })
    }

    /// *Copy settings from*: an environment the principal reaches, or a field refusal.
    async fn settings_source(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        id: &str,
    ) -> ServiceResult<Option<EnvironmentRow>> {
        let id = id.trim();
        if id.is_empty() {
            return Ok(None);
        }
        match self.reachable_environment(tx, principal, id).await {
            Ok(env) => Ok(Some(env)),
            Err(ServiceError::Refused(reason @ Refusal::EnvironmentNotFound { .. })) => {
                let mut f = FieldErrors::new();
                f.refuse_in_words(
                    "copy_settings_from",
                    "Choose a product environment you can access",
                    reason,
                );
                Err(ServiceError::Invalid(f))
            }
            Err(other) => Err(other),
        }
    }
}
