//! Your own password and sessions in My Profile (docs/rules/sign-in.md#your-sessions).

use super::ConsoleError;
use crate::domain::profile::SessionSummary;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

/// Changes your password: the current one (`password`), the new one, and a code with 2FA.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    #[server(default)] password: String,
    #[server(default)] new_password: String,
    #[server(default)] code: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .change_password(&p, &password, &new_password, Some(&code), &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionSummary>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .my_sessions(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Sign out* one of your sessions, by its id.
#[server(prefix = "/api", endpoint = "end_session")]
pub async fn end_session(id: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .end_my_session(&p, &id, &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Sign out other sessions*: answers how many ended.
#[server(prefix = "/api", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .end_my_other_sessions(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Sends a link to confirm a new email (re-authenticated); the old address is told.
#[server(prefix = "/api", endpoint = "change_email")]
pub async fn request_email_change(#[server(default)] email: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .request_email_change(&p, &email, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Applies an email change from its link; answers the new address.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(#[server(default)] token: String) -> Result<String, ConsoleError> {
    let req = super::context::request().await?;
    req.service
        .confirm_email_change(&token, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Who root may go to: (id, email) of the other active Master admins (root user only).
#[server(prefix = "/api", endpoint = "root_candidates")]
pub async fn root_candidates() -> Result<Vec<(String, String)>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .root_candidates(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Transfer root* to another active Master admin (re-authenticated).
#[server(prefix = "/api", endpoint = "transfer_root")]
pub async fn transfer_root(#[server(default)] user_id: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .transfer_root(&p, &user_id, &req.meta)
        .await
        .or_api(&req.meta)
}
