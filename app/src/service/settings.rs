//! Product environment settings pages (docs/rules/environments.md#environment-settings, §10): read
//! (defaults until the first save), save a whole page against the revision the form loaded, copy
//! onto a new environment.

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::settings::{Settings, SettingsContext, SettingsDocument, SettingsPage};
use crate::domain::Plan;
use crate::domain::Refusal;
use crate::store::{EnvironmentRow, SettingsOwner, SettingsRow, Tx};
use serde_json::json;

/// The pages "copy settings from" copies: every §2.1 page (not §10's).
const COPIED_PAGES: [SettingsPage; 5] = [
    SettingsPage::Upload,
    SettingsPage::Backup,
    SettingsPage::Optimization,
    SettingsPage::Webhooks,
    SettingsPage::Security,
];

fn owner(env_id: &str, page: SettingsPage) -> SettingsOwner<'_> {
    SettingsOwner::Environment {
        id: env_id,
        page: page.id(),
    }
}

fn decode(page: SettingsPage, row: &SettingsRow) -> ServiceResult<Settings> {
    match serde_json::from_str::<Settings>(&row.value_json) {
        Ok(s) if s.page() == page => Ok(s),
        _ => Err(crate::store::StoreError::Corrupt(format!("settings page {}", page.id())).into()),
    }
}

fn encode(s: &Settings) -> ServiceResult<String> {
    serde_json::to_string(s)
        .map_err(|e| crate::store::StoreError::Corrupt(format!("settings: {e}")).into())
}

impl Service {
    fn settings_context(&self, plan: &'static Plan) -> SettingsContext {
        SettingsContext {
            plan,
            webhook_allow_http: self.config().webhook_allow_http,
        }
    }

    /// The stored page (or its defaults) and its revision.
    async fn settings_document(
        &self,
        tx: &mut Tx,
        env: &EnvironmentRow,
        page: SettingsPage,
    ) -> ServiceResult<SettingsDocument> {
        let plan = self.account_plan(tx).await?;
        let row = tx.settings(owner(&env.id, page)).await?;
        let settings = match &row {
            Some(r) => decode(page, r)?,
            None => Settings::defaults(page, plan),
        };
        let signing_key = if page == SettingsPage::Webhooks {
            let keys = tx.api_keys(&env.id).await?;
            super::api_keys::signing_key(&keys).map(|k| k.api_key.clone())
        } else {
            None
        };
        Ok(SettingsDocument {
            environment_id: env.id.clone(),
            settings: settings.effective(plan),
            revision: row.as_ref().map_or(0, |r| r.revision),
            updated_at: row.as_ref().map(|r| r.updated_at),
            updated_by: row.and_then(|r| r.updated_by),
            signing_key,
        })
    }

    /// One settings page of an environment the principal reaches.
    pub async fn environment_settings(
        &self,
        principal: &Principal,
        environment_id: &str,
        page: SettingsPage,
        meta: &RequestMeta,
    ) -> ServiceResult<SettingsDocument> {
        let permit = self
            .authorize(principal, page.view_permission(), meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let found = self
            .reachable_environment(&mut tx, principal, environment_id)
            .await;
        let (mut tx, env) = tx.or_end(found).await?;
        let doc = self.settings_document(&mut tx, &env, page).await;
        tx.finish().await?;
        doc
    }

    /// Saves a whole page. `revision` is the one the form loaded: a save made since is
    /// not overwritten ("Someone saved these settings after you opened them").
    pub async fn save_environment_settings(
        &self,
        principal: &Principal,
        environment_id: &str,
        settings: Settings,
        revision: i64,
        meta: &RequestMeta,
    ) -> ServiceResult<SettingsDocument> {
        let page = settings.page();
        let permit = self
            .authorize(principal, page.manage_permission(), meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let found = self
            .reachable_environment(&mut tx, principal, environment_id)
            .await;
        let (mut tx, env) = tx.or_end(found).await?;
        let plan = self.account_plan(&mut tx).await;
        let (tx, plan) = tx.or_end(plan).await?;
        let valid = settings
            .validate(&self.settings_context(plan))
            .map_err(ServiceError::Invalid);
        let (mut tx, settings) = tx.or_end(valid).await?;
        let before = tx.settings(owner(&env.id, page)).await?;
        let current = before.as_ref().map_or(0, |r| r.revision);
        if current != revision {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::StaleSettings));
        }
        let before_value = match &before {
            Some(r) => decode(page, r)?,
            None => Settings::defaults(page, plan),
        };
        tx.put_settings(
            owner(&env.id, page),
            &encode(&settings)?,
            current + 1,
            now,
            &principal.email,
        )
        .await?;
        // Read back inside the transaction: what the form shows next is what was stored.
        let doc = self.settings_document(&mut tx, &env, page).await;
        let (tx, doc) = tx.or_end(doc).await?;
        let record = AuditRecord::new(
            "environment_settings.update",
            principal.actor(),
            now,
            Some(meta),
        )
        .account(&principal.account_id)
        .target(AuditTarget::new("environment", &env.id, &env.cloud_name))
        .change(
            Some(json!({ "page": page.id(), "settings": before_value })),
            Some(json!({ "page": page.id(), "settings": settings })),
        );
        tx.commit(&record).await?;
        Ok(doc)
    }

    /// Copies every §2.1 page saved on `from` onto the new environment `to` (same
    /// transaction as its creation). Returns the pages copied.
    pub(super) async fn copy_environment_settings(
        &self,
        tx: &mut Tx,
        from: &EnvironmentRow,
        to: &EnvironmentRow,
        by: &str,
    ) -> ServiceResult<Vec<&'static str>> {
        let mut copied = Vec::new();
        for (page_id, value) in tx.environment_settings_pages(&from.id).await? {
            let Some(page) = SettingsPage::from_id(&page_id).filter(|p| COPIED_PAGES.contains(p))
            else {
                continue;
            };
            tx.put_settings(owner(&to.id, page), &value, 1, to.created_at, by)
                .await?;
            copied.push(page.id());
        }
        Ok(copied)
    }
}
