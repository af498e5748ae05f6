//! Account security (docs/rules/two-factor.md#required).

use super::ConsoleError;
use crate::domain::account::AccountSecurity;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[server(prefix = "/api", endpoint = "account_security")]
pub async fn get_account_security() -> Result<AccountSecurity, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .account_security(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Require two-factor authentication*: a ticked checkbox is sent, an unticked one isn't.
#[server(prefix = "/api", endpoint = "require_two_factor")]
pub async fn set_require_two_factor(
    #[server(default)] required: Option<String>,
) -> Result<AccountSecurity, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_require_two_factor(&p, super::users::ticked(&required), &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Sign out all users*: answers how many sessions ended.
#[server(prefix = "/api", endpoint = "sign_out_all_users")]
pub async fn sign_out_all_users() -> Result<u64, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .sign_out_all_users(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The account's allowed IP addresses, one per line (`203.0.113.0/24 Office`).
#[server(prefix = "/api", endpoint = "allowed_ips")]
pub async fn set_allowed_ips(
    #[server(default)] allowed_ips: String,
) -> Result<AccountSecurity, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_allowed_ips(&p, &allowed_ips, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The account's session lifetimes: idle minutes, absolute hours.
#[server(prefix = "/api", endpoint = "session_lifetimes")]
pub async fn set_session_lifetimes(
    #[server(default)] session_idle_minutes: String,
    #[server(default)] session_absolute_hours: String,
) -> Result<AccountSecurity, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .set_session_lifetimes(
            &p,
            &session_idle_minutes,
            &session_absolute_hours,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}
