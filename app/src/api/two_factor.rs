//! Two-factor authentication in My Profile (docs/rules/two-factor.md).

use super::ConsoleError;
use crate::domain::two_factor::{Enrolment, RecoveryCodes, TwoFactorStatus};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[server(prefix = "/api", endpoint = "two_factor")]
pub async fn get_two_factor() -> Result<TwoFactorStatus, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .two_factor_status(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Starts setting up an authenticator (re-authenticated): its QR code, URI and secret.
#[server(prefix = "/api", endpoint = "two_factor_begin")]
pub async fn begin_two_factor() -> Result<Enrolment, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .begin_two_factor(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Confirms the authenticator with its first code; answers the recovery codes (shown once).
#[server(prefix = "/api", endpoint = "two_factor_confirm")]
pub async fn confirm_two_factor(
    #[server(default)] code: String,
) -> Result<RecoveryCodes, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .confirm_two_factor(&p, &code, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "two_factor_recovery_codes")]
pub async fn regenerate_recovery_codes() -> Result<RecoveryCodes, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .regenerate_recovery_codes(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Turns two-factor authentication off: the password and a code.
#[server(prefix = "/api", endpoint = "two_factor_disable")]
pub async fn disable_two_factor(
    #[server(default)] password: String,
    #[server(default)] code: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .disable_two_factor(&p, &password, &code, &req.meta)
        .await
        .or_api(&req.meta)
}
