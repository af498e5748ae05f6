//! The Billing page (docs/rules/account.md#billing-usage-and-add-ons): plan details, account
//! information, billing address, invoice settings; and add-ons (register / cancel from the operator
//! catalogue).

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::addons::{register_refusal, Addon, AddonRegistration};
use crate::domain::billing::{BillingContact, BillingDocument, BillingForm, BillingOverview};
use crate::domain::Refusal;
use crate::domain::{Permission, Plan};
use crate::store::{SettingsOwner, StoreError, Tx};
use serde::de::DeserializeOwned;
use serde_json::json;

fn owner<'a>(account_id: &'a str, kind: &'a str) -> SettingsOwner<'a> {
    SettingsOwner::Account {
        id: account_id,
        kind,
    }
}

/// A stored document of `kind`, or its empty form.
async fn form<T: DeserializeOwned + Default>(
    tx: &mut Tx,
    account_id: &str,
    kind: &str,
) -> ServiceResult<BillingForm<T>> {
    match tx.settings(owner(account_id, kind)).await? {
        Some(row) => Ok(BillingForm {
            value: serde_json::from_str(&row.value_json)
                .map_err(|e| StoreError::Corrupt(format!("{kind}: {e}")))?,
            revision: row.revision,
        }),
        None => Ok(BillingForm {
            value: T::default(),
            revision: 0,
        }),
    }
}

/// An add-on of the catalogue, or "Add-on not found".
fn catalogue_addon(id: &str) -> ServiceResult<&'static Addon> {
    Addon::find(id).ok_or_else(|| ServiceError::from(Refusal::AddonNotFound))
}

/// The account's registration of `addon`, if any.
async fn registered(tx: &mut Tx, addon: &Addon) -> ServiceResult<Option<AddonRegistration>> {
    Ok(tx
        .addons()
        .await?
        .into_iter()
        .find(|r| r.addon_id == addon.id))
}

fn inner_json(doc: &BillingDocument) -> serde_json::Value {
    match doc {
        BillingDocument::Contact(c) => json!(c),
        BillingDocument::Address(a) => json!(a),
        BillingDocument::Invoice(i) => json!(i),
    }
}

impl Service {
    async fn billing_overview(
        &self,
        tx: &mut Tx,
        account_id: &str,
    ) -> ServiceResult<BillingOverview> {
        let a = self.account_row(tx).await?;
        let plan = super::account::plan_of(&a)?;
        let mut contact: BillingForm<BillingContact> =
            form(tx, account_id, "billing_contact").await?;
        contact.value.company = a.company.clone().unwrap_or_default();
        Ok(BillingOverview {
            plan_name: plan.name.to_string(),
            tier: plan.tier,
            seats_used: a.seats_used,
            seat_limit: plan.seats_for(a.enterprise_seats) + a.additional_user_subscriptions,
            environment_limit: i64::from(plan.environments),
            features: plan.features.to_vec(),
            contact,
            address: form(tx, account_id, "billing_address").await?,
            invoice_settings: form(tx, account_id, "invoice_settings").await?,
            invoices: Vec::new(),
            billing_integration: false,
        })
    }

    /// The Billing page (`billing.view`).
    pub async fn billing(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<BillingOverview> {
        let permit = self
            .authorize(principal, Permission::BillingView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let overview = self.billing_overview(&mut tx, &principal.account_id).await;
        tx.finish().await?;
        overview
    }

    /// Saves one billing form (`billing.manage`) against the revision it loaded. The
    /// contact form's company is the account's company.
    pub async fn save_billing(
        &self,
        principal: &Principal,
        document: BillingDocument,
        revision: i64,
        meta: &RequestMeta,
    ) -> ServiceResult<BillingOverview> {
        let permit = self
            .authorize(principal, Permission::BillingManage, meta)
            .await?;
        let document = document.validate()?;
        let kind = document.kind();
        let now = self.now();
        let account_id = principal.account_id.clone();
        let mut tx = self.db().write(&permit).await?;
        let before = tx.settings(owner(&account_id, kind)).await?;
        let current = before.as_ref().map_or(0, |r| r.revision);
        if current != revision {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::StaleSettings));
        }
        let a = self.account_row(&mut tx).await;
        let (mut tx, a) = tx.or_end(a).await?;
        let mut before_json: serde_json::Value = before
            .as_ref()
            .and_then(|r| serde_json::from_str(&r.value_json).ok())
            .unwrap_or(serde_json::Value::Null);
        let mut stored = inner_json(&document);
        if let BillingDocument::Contact(c) = &document {
            let company = Some(c.company.clone()).filter(|c| !c.is_empty());
            tx.set_account_name_and_company(&a.name, company.as_deref(), now)
                .await?;
            if let Some(o) = before_json.as_object_mut() {
                o.insert("company".into(), json!(a.company));
            }
            if let Some(o) = stored.as_object_mut() {
                o.remove("company");
            }
        }
        tx.put_settings(
            owner(&account_id, kind),
            &stored.to_string(),
            current + 1,
            now,
            &principal.email,
        )
        .await?;
        let overview = self.billing_overview(&mut tx, &account_id).await;
        let (tx, overview) = tx.or_end(overview).await?;
        let record = AuditRecord::new(
            &format!("billing.{kind}_update"),
            principal.actor(),
            now,
            Some(meta),
        )
        .account(&account_id)
        .target(AuditTarget::new("account", &account_id, &a.name))
        .change(Some(before_json), Some(inner_json(&document)));
        tx.commit(&record).await?;
        Ok(overview)
    }

    /// Registered add-ons (`addons.view`).
    pub async fn addons(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AddonRegistration>> {
        let permit = self
            .authorize(principal, Permission::AddonsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.addons().await?;
        tx.finish().await?;
        Ok(rows)
    }

    /// Register an add-on at a tier, or move it to another tier (`addons.manage`). Paid
    /// tiers need a paid plan.
    pub async fn register_addon(
        &self,
        principal: &Principal,
        addon_id: &str,
        tier_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AddonRegistration>> {
        let permit = self
            .authorize(principal, Permission::AddonsManage, meta)
            .await?;
        let addon = catalogue_addon(addon_id)?;
        let tier = addon.tier(tier_id).ok_or_else(|| {
            ServiceError::invalid("tier", format!("{} has no tier \"{tier_id}\"", addon.name))
        })?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let plan = self.account_plan(&mut tx).await;
        let (mut tx, plan): (Tx, &Plan) = tx.or_end(plan).await?;
        if let Some(why) = register_refusal(plan, addon, tier) {
            tx.finish().await?;
            return Err(why.into());
        }
        let before = registered(&mut tx, addon).await?.map(|r| r.tier);
        tx.put_addon(addon.id, tier.id, now).await?;
        let rows = tx.addons().await?;
        let record = AuditRecord::new("addon.register", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("addon", addon.id, addon.name))
            .change(
                before.map(|t| json!({ "tier": t })),
                Some(json!({ "tier": tier.id })),
            );
        tx.commit(&record).await?;
        Ok(rows)
    }

    /// Cancel an add-on (`addons.manage`): back to none.
    pub async fn cancel_addon(
        &self,
        principal: &Principal,
        addon_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AddonRegistration>> {
        let permit = self
            .authorize(principal, Permission::AddonsManage, meta)
            .await?;
        let addon = catalogue_addon(addon_id)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let before = registered(&mut tx, addon).await?;
        let Some(before) = before else {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::AddonNotRegistered {
                addon: addon.name.to_string(),
            }));
        };
        tx.delete_addon(addon.id).await?;
        let rows = tx.addons().await?;
        let record = AuditRecord::new("addon.cancel", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("addon", addon.id, addon.name))
            .change(Some(json!({ "tier": before.tier })), None);
        tx.commit(&record).await?;
        Ok(rows)
    }
}
