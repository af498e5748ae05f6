//! The Provisioning API's writes of product environments (docs/rules/provisioning-api.md):
//! one service call and one write transaction per request, answered with the
//! environment's record (its keys and secrets) read in that transaction.

use super::environments::{validate_form, EnvironmentInput};
use super::user_add::commit_all;
use super::{Principal, RequestMeta, Service, ServiceResult};
use crate::domain::provisioning::ProductEnvironment;
use crate::store::EnvironmentRow;

/// Some of an environment's fields, and `enabled` (`PUT /sub_accounts/{id}`): what is
/// absent stays as the environment is when the writing transaction reads it.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentPatch {
    pub name: Option<String>,
    pub cloud_name: Option<String>,
    pub description: Option<String>,
    /// A JSON object, as text.
    pub custom_attributes: Option<String>,
    pub enabled: Option<bool>,
}

impl EnvironmentPatch {
    fn edits(&self) -> bool {
        self.name.is_some()
            || self.cloud_name.is_some()
            || self.description.is_some()
            || self.custom_attributes.is_some()
    }

    /// The Edit form this patch makes of the environment as read.
    fn onto(&self, env: &EnvironmentRow) -> EnvironmentInput {
        EnvironmentInput {
            name: self.name.clone().unwrap_or_else(|| env.name.clone()),
            cloud_name: self
                .cloud_name
                .clone()
                .unwrap_or_else(|| env.cloud_name.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| env.description.clone()),
            custom_attributes: self
                .custom_attributes
                .clone()
                .unwrap_or_else(|| env.custom_attributes.clone()),
            copy_settings_from: String::new(),
        }
    }
}

impl Service {
    /// `POST /sub_accounts`: Add (enabled or not), answered with its record.
    pub async fn api_create_environment(
        &self,
        principal: &Principal,
        input: &EnvironmentInput,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<ProductEnvironment> {
        self.authorize_secrets(principal, meta).await?;
        let (mut tx, row, records) = self
            .create_environment_open(principal, input, enabled, meta)
            .await?;
        let keys = tx.api_keys(&row.id).await;
        let (tx, keys) = tx.or_end(keys).await?;
        let answer = self.product_environment(row, &keys);
        let (tx, answer) = tx.or_end(answer).await?;
        commit_all(tx, &records).await?;
        Ok(answer)
    }

    /// `PUT /sub_accounts/{id}`: the patch merged onto the environment as read in one
    /// write transaction, checked and written there with its records.
    pub async fn api_patch_environment(
        &self,
        principal: &Principal,
        id: &str,
        patch: &EnvironmentPatch,
        meta: &RequestMeta,
    ) -> ServiceResult<ProductEnvironment> {
        self.authorize_secrets(principal, meta).await?;
        let permit = self
            .authorize(
                principal,
                crate::domain::Permission::EnvironmentsManage,
                meta,
            )
            .await?;
        let mut tx = self.db().write(&permit).await?;
        let found = self.reachable_environment(&mut tx, principal, id).await;
        let (tx, before) = tx.or_end(found).await?;
        let edit = match patch.edits() {
            true => Some(validate_form(&patch.onto(&before), false)),
            false => None,
        }
        .transpose();
        let (mut tx, edit) = tx.or_end(edit).await?;
        let changed = self
            .write_environment_change(&mut tx, principal, &before, edit, patch.enabled, meta)
            .await;
        let (mut tx, (after, records)) = tx.or_end(changed).await?;
        let keys = tx.api_keys(&after.id).await;
        let (tx, keys) = tx.or_end(keys).await?;
        let answer = self.product_environment(after, &keys);
        let (tx, answer) = tx.or_end(answer).await?;
        commit_all(tx, &records).await?;
        Ok(answer)
    }

    /// `DELETE /sub_accounts/{id}`: Delete, the environment named by its id.
    pub async fn api_delete_environment(
        &self,
        principal: &Principal,
        id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        self.authorize_secrets(principal, meta).await?;
        self.remove_environment(principal, id, None, meta).await
    }
}
