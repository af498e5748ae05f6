//! Account API keys (the Provisioning API's credentials) on the settings page.

use super::ConsoleError;
use crate::domain::account_api_key::{AccountApiKeySummary, AccountKeySecret};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[server(prefix = "/api", endpoint = "account_api_keys")]
pub async fn list_account_api_keys() -> Result<Vec<AccountApiKeySummary>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .account_api_keys(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Needs a re-authentication within 10 minutes; the secret is in the answer, once.
#[server(prefix = "/api", endpoint = "create_account_api_key")]
pub async fn create_account_api_key(
    #[server(default)] name: String,
) -> Result<AccountKeySecret, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .create_account_api_key(&p, &name, &req.meta)
        .await
        .or_api(&req.meta)
}

/// `enabled`: `true` or `false`.
#[server(prefix = "/api", endpoint = "set_account_api_key_enabled")]
pub async fn set_account_api_key_enabled(
    api_key: String,
    enabled: bool,
) -> Result<AccountApiKeySummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_account_api_key_enabled(&p, &api_key, enabled, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "delete_account_api_key")]
pub async fn delete_account_api_key(api_key: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_account_api_key(&p, &api_key, &req.meta)
        .await
        .or_api(&req.meta)
}
