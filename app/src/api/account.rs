//! The Account page, Billing, add-ons and usage.

use super::ConsoleError;
use crate::domain::account::{AccountDetails, PlanOption};
use crate::domain::addons::AddonRegistration;
use crate::domain::billing::BillingOverview;
use crate::domain::usage::UsageReport;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

/// The Account page: details, and the plans with their blockers for `plan.manage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    pub details: AccountDetails,
    /// `None` without `plan.manage`.
    pub plans: Option<Vec<PlanOption>>,
}

#[server(prefix = "/api", endpoint = "account")]
pub async fn load_account() -> Result<AccountPage, ConsoleError> {
    let (req, p) = signed_in().await?;
    let (details, plans) = req
        .service
        .account_overview(&p, &req.meta)
        .await
        .or_api(&req.meta)?;
    Ok(AccountPage { details, plans })
}

#[server(prefix = "/api", endpoint = "update_account")]
pub async fn update_account(
    #[server(default)] name: String,
    #[server(default)] company: String,
) -> Result<AccountDetails, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .update_account(&p, &name, &company, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "change_plan")]
pub async fn change_plan(#[server(default)] plan: String) -> Result<AccountDetails, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .change_plan(&p, &plan, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "billing")]
pub async fn load_billing() -> Result<BillingOverview, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service.billing(&p, &req.meta).await.or_api(&req.meta)
}

/// Saves one billing form; `document` is a JSON [`BillingDocument`].
#[server(prefix = "/api", endpoint = "save_billing")]
pub async fn save_billing(
    document: String,
    revision: i64,
) -> Result<BillingOverview, ConsoleError> {
    let (req, p) = signed_in().await?;
    let document: crate::domain::billing::BillingDocument = serde_json::from_str(&document)
        .map_err(|e| {
            let mut f = crate::domain::FieldErrors::new();
            f.add("document", format!("The form couldn't be read: {e}"));
            ConsoleError::Invalid(f)
        })?;
    req.service
        .save_billing(&p, document, revision, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "addons")]
pub async fn list_addons() -> Result<Vec<AddonRegistration>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service.addons(&p, &req.meta).await.or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "register_addon")]
pub async fn register_addon(
    addon: String,
    tier: String,
) -> Result<Vec<AddonRegistration>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .register_addon(&p, &addon, &tier, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "cancel_addon")]
pub async fn cancel_addon(addon: String) -> Result<Vec<AddonRegistration>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .cancel_addon(&p, &addon, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "usage")]
pub async fn load_usage() -> Result<UsageReport, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service.usage(&p, &req.meta).await.or_api(&req.meta)
}
