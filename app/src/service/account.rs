//! The Account page (docs/rules/account.md#accounts-and-plans): details, name and company, *Change
//! plan* with every blocker listed.

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::account::{plan_change_blockers, AccountDetails, AccountUse, PlanOption};
use crate::domain::addons::Addon;
use crate::domain::plan::CATALOGUE;
use crate::domain::Refusal;
use crate::domain::{validation, FieldErrors, Permission, Plan};
use crate::store::{AccountRow, Tx};
use serde_json::json;

impl Service {
    /// The principal's account row, or "Account not found": the one lookup every
    /// account-level operation starts from.
    pub(super) async fn account_row(&self, tx: &mut Tx) -> ServiceResult<AccountRow> {
        tx.account_row()
            .await?
            .ok_or_else(|| ServiceError::from(Refusal::AccountNotFound))
    }

    /// The plan of the principal's account.
    pub(super) async fn account_plan(&self, tx: &mut Tx) -> ServiceResult<&'static Plan> {
        plan_of(&self.account_row(tx).await?)
    }

    /// The account's use a new plan must still fit.
    async fn account_use(&self, tx: &mut Tx, account: &AccountRow) -> ServiceResult<AccountUse> {
        let environments = tx.environments().await?.len() as i64;
        let paid_addons = tx
            .addons()
            .await?
            .into_iter()
            .filter_map(|r| {
                let addon = Addon::find(&r.addon_id)?;
                addon
                    .tier(&r.tier)
                    .filter(|t| t.paid)
                    .map(|_| addon.name.to_string())
            })
            .collect();
        Ok(AccountUse {
            seats_used: account.seats_used,
            additional_user_subscriptions: account.additional_user_subscriptions,
            environments,
            restricted_keys: tx.restricted_api_keys().await?,
            paid_addons,
            subscribed_via: account.subscribed_via.clone(),
            account_api_keys: tx.account_api_keys().await?.len() as i64,
            enterprise_seats: account.enterprise_seats,
        })
    }

    /// The Account page (`account.view`).
    pub async fn account_details(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountDetails> {
        let permit = self
            .authorize(principal, Permission::AccountView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let a = self.account_row(&mut tx).await;
        let (mut tx, a) = tx.or_end(a).await?;
        let environments = tx.environments().await?.len() as i64;
        tx.finish().await?;
        Ok(details(&a, environments))
    }

    /// The Account page: the details (`account.view`), and the plans with their blockers
    /// when the principal may change plan (`plan.manage`; otherwise `None`, not a refusal).
    pub async fn account_overview(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<(AccountDetails, Option<Vec<PlanOption>>)> {
        let details = self.account_details(principal, meta).await?;
        let plans = if principal.role.has(Permission::PlanManage) {
            Some(self.plan_options(principal, meta).await?)
        } else {
            None
        };
        Ok((details, plans))
    }

    /// Edit name and company (`account.manage`).
    pub async fn update_account(
        &self,
        principal: &Principal,
        name: &str,
        company: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountDetails> {
        let permit = self
            .authorize(principal, Permission::AccountManage, meta)
            .await?;
        let mut e = FieldErrors::new();
        let name = e.check("name", validation::name(name, 1, 100, "Account name"));
        let company = e.check("company", validation::name(company, 0, 100, "Company"));
        e.into_result()?;
        let (Some(name), Some(company)) = (name, company) else {
            return Err(ServiceError::invalid("name", "Account name is required"));
        };
        let company = Some(company).filter(|c| !c.is_empty());
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let before = self.account_row(&mut tx).await;
        let (mut tx, before) = tx.or_end(before).await?;
        tx.set_account_name_and_company(&name, company.as_deref(), now)
            .await?;
        let environments = tx.environments().await?.len() as i64;
        let after = AccountRow {
            name: name.clone(),
            company: company.clone(),
            updated_at: now,
            ..before.clone()
        };
        let record = AuditRecord::new("account.update", principal.actor(), now, Some(meta))
            .account(&before.id)
            .target(AuditTarget::new("account", &before.id, &name))
            .change(
                Some(json!({ "name": before.name, "company": before.company })),
                Some(json!({ "name": name, "company": company })),
            );
        tx.commit(&record).await?;
        Ok(details(&after, environments))
    }

    /// Every plan of the catalogue with its blockers (`plan.manage`).
    pub async fn plan_options(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<PlanOption>> {
        let permit = self
            .authorize(principal, Permission::PlanManage, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let a = self.account_row(&mut tx).await;
        let (mut tx, a) = tx.or_end(a).await?;
        let usage = self.account_use(&mut tx, &a).await?;
        tx.finish().await?;
        let current = Plan::find(&a.plan);
        Ok(CATALOGUE
            .iter()
            .map(|p| PlanOption {
                plan_id: p.id.to_string(),
                name: p.name.to_string(),
                // An Enterprise account's own seats, where it has them.
                seats: u32::try_from(p.seats_for(a.enterprise_seats)).unwrap_or(p.seats),
                environments: p.environments,
                current: p.id == a.plan,
                blockers: match current {
                    Some(c) if c.id != p.id => plan_change_blockers(c, p, &usage),
                    _ => Vec::new(),
                },
            })
            .collect())
    }

    /// Change plan (`plan.manage`): applies at once, or is refused listing every blocker
    /// (each a `plan` field error).
    pub async fn change_plan(
        &self,
        principal: &Principal,
        plan_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountDetails> {
        let permit = self
            .authorize(principal, Permission::PlanManage, meta)
            .await?;
        let to = Plan::find(plan_id.trim())
            .ok_or_else(|| ServiceError::invalid("plan", Plan::unknown(plan_id.trim())))?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let a = self.account_row(&mut tx).await;
        let (tx, a) = tx.or_end(a).await?;
        let current = plan_of(&a);
        let (mut tx, current) = tx.or_end(current).await?;
        let usage = self.account_use(&mut tx, &a).await?;
        let blockers = plan_change_blockers(current, to, &usage);
        if !blockers.is_empty() {
            let mut e = FieldErrors::new();
            for b in blockers {
                e.add("plan", b);
            }
            tx.finish().await?;
            return Err(ServiceError::Invalid(e));
        }
        tx.set_account_plan(to.id, now).await?;
        let environments = usage.environments;
        let after = AccountRow {
            plan: to.id.to_string(),
            updated_at: now,
            ..a.clone()
        };
        let record = AuditRecord::new("account.plan_change", principal.actor(), now, Some(meta))
            .account(&a.id)
            .target(AuditTarget::new("account", &a.id, &a.name))
            .change(
                Some(json!({ "plan": a.plan })),
                Some(json!({ "plan": to.id })),
            );
        tx.commit(&record).await?;
        Ok(details(&after, environments))
    }
}

/// The catalogue plan an account row names (an unknown id is a corrupt row).
pub(super) fn plan_of(a: &AccountRow) -> ServiceResult<&'static Plan> {
    Plan::find(&a.plan)
        .ok_or_else(|| crate::store::StoreError::Corrupt(format!("plan {}", a.plan)).into())
}

fn details(a: &AccountRow, environments: i64) -> AccountDetails {
    let plan = Plan::find(&a.plan);
    AccountDetails {
        id: a.id.clone(),
        name: a.name.clone(),
        company: a.company.clone().unwrap_or_default(),
        plan_id: a.plan.clone(),
        subscribed_via: a.subscribed_via.clone(),
        created_at: a.created_at,
        seats_used: a.seats_used,
        seat_limit: plan.map_or(0, |p| p.seats_for(a.enterprise_seats))
            + a.additional_user_subscriptions,
        environments_used: environments,
        environment_limit: plan.map_or(0, |p| i64::from(p.environments)),
    }
}
