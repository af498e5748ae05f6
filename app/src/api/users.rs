//! User Management: the table, Add users, and accepting an invitation.

use super::ApiError;
use crate::domain::UserPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{request, signed_in, OrApi};

#[server(prefix = "/api", endpoint = "users")]
pub async fn list_users(
    #[server(default)] search: String,
    #[server(default)] role: String,
    #[server(default)] status: String,
    #[server(default)] after: String,
) -> Result<UserPage, ApiError> {
    let (req, p) = signed_in().await?;
    let q = crate::service::UserQuery {
        search,
        role,
        status,
        after,
    };
    req.service
        .list_users(&p, &q, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Adds up to five users; returns their ids. The browser's checkbox sends
/// `all_environments=on` when ticked and nothing otherwise.
#[server(prefix = "/api", endpoint = "add_users")]
pub async fn add_users(
    #[server(default)] emails: Vec<String>,
    #[server(default)] role: String,
    #[server(default)] all_environments: Option<String>,
    #[server(default)] environment_ids: Vec<String>,
) -> Result<Vec<String>, ApiError> {
    let (req, p) = signed_in().await?;
    let input = crate::service::AddUsersInput {
        emails,
        role,
        all_environments: all_environments.is_some_and(|v| v != "false"),
        environment_ids,
    };
    req.service
        .add_users(&p, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), ApiError> {
    let req = request().await?;
    req.service
        .accept_invitation(&token, &password, &req.meta)
        .await
        .or_api(&req.meta)?;
    leptos_axum::redirect("/login?invited=done");
    Ok(())
}
